#!/usr/bin/env python3
"""Check every record without building the site: ``python scripts/validate.py [ROOT]``.

Prints each problem as ``file:line:column: error: field: message`` and exits 1,
or prints a one-line summary and exits 0. Fast enough for a pre-commit hook.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from projarchive.catalogue import load_catalogue
from projarchive.dates import build_date
from projarchive.problems import ArchiveError


def main(argv: list[str]) -> int:
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    try:
        cat = load_catalogue(root, build_date=build_date(), docs_dir=os.path.join(root, "docs"))
    except ArchiveError as e:
        print(e.problems.report().replace("nothing was built and the previous site was left as it was.",
                                          "fix them and run again."), file=sys.stderr)
        return 1
    print(
        f"OK: {len(cat.projects)} projects, {len(cat.contacts)} contacts, {len(cat.resources)} resources, "
        f"{len(cat.facts)} files, {len(cat.news)} news posts"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
