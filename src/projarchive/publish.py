"""Publish a build atomically: build beside the site, then swap it in.

MkDocs empties ``site_dir`` before it builds, so a build that fails half-way
(a template error, a warning under ``--strict``) would leave visitors with a
broken or empty site. Instead the build writes to ``<site>.building`` and only a
build that finished cleanly replaces ``<site>``; a failed one is discarded and
the previous site is left exactly as it was.
"""

from __future__ import annotations

import os
import shutil


def staging_dir(site_dir: str) -> str:
    return site_dir.rstrip("/\\") + ".building"


def publish(staging: str, site_dir: str) -> None:
    """Replace ``site_dir`` with ``staging`` (two renames on one file system)."""
    previous = site_dir.rstrip("/\\") + ".previous"
    if os.path.exists(previous):
        shutil.rmtree(previous)
    if os.path.exists(site_dir):
        os.rename(site_dir, previous)
    os.rename(staging, site_dir)
    if os.path.exists(previous):
        shutil.rmtree(previous)


def discard(staging: str) -> None:
    if os.path.isdir(staging):
        shutil.rmtree(staging)
