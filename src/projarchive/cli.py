"""Command-line entry points (no MkDocs here): ``projarchive-validate``.

``scripts/validate.py`` and the pre-commit hook both run :func:`validate`, so a
maintainer, the hook and CI see the same checks and the same messages.
"""

from __future__ import annotations

import os
import sys

from .catalogue import load_catalogue
from .dates import build_date
from .problems import ArchiveError


def validate(argv: list[str] | None = None, default_root: str | None = None) -> int:
    """Check every record under ROOT (default: the current folder) without building the site.

    Prints each problem as ``file:line:column: error: field: message`` to stderr and returns 1,
    or prints a one-line summary and returns 0.
    """
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help"):
        print("usage: validate [ROOT]\n\nCheck every record under ROOT (default: the archive's folder) "
              "without building the site.")
        return 0
    root = os.path.abspath(args[0] if args else (default_root or os.getcwd()))
    if not any(os.path.isdir(os.path.join(root, folder)) for folder in ("projects", "contacts", "resources")):
        print(f"error: {root} has no projects/, contacts/ or resources/ folder; "
              "run this in the archive's folder, or name that folder", file=sys.stderr)
        return 2
    try:
        cat = load_catalogue(root, build_date=build_date(), docs_dir=os.path.join(root, "docs"))
    except ArchiveError as e:
        print(e.problems.report("fix them and run again."), file=sys.stderr)
        return 1
    except ValueError as e:  # e.g. a SOURCE_DATE_EPOCH that is not a number
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(
        f"OK: {len(cat.projects)} projects, {len(cat.contacts)} contacts, {len(cat.resources)} resources, "
        f"{len(cat.facts)} files, {len(cat.news)} news posts"
    )
    return 0


def validate_main() -> None:  # console script
    sys.exit(validate())
