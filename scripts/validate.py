#!/usr/bin/env python3
"""Check every record without building the site: ``.venv/bin/python scripts/validate.py [ROOT]``.

Prints each problem as ``file:line:column: error: field: message`` and exits 1,
or prints a one-line summary and exits 0. Fast enough for a pre-commit hook
(see README, "Validation speed"). The same check is installed as the command
``projarchive-validate``, which the pre-commit hook for other repositories runs.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from projarchive.cli import validate

if __name__ == "__main__":
    sys.exit(validate(sys.argv[1:], default_root=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
