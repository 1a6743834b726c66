#!/usr/bin/env python3
"""Start a new project record: ``.venv/bin/python scripts/new_project.py [--id …] [--title …] [--start …]``.

The same command is installed as ``projarchive-new-project`` (see projarchive.new_project);
this script writes into this repository's projects/ wherever it is run from.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from projarchive.new_project import new_project

if __name__ == "__main__":
    sys.exit(new_project(sys.argv[1:], default_root=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
