"""Reproducible builds: the same commit, built twice with SOURCE_DATE_EPOCH, gives the same bytes,
whatever the hash seed and the folder it is built in."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import EPOCH, FOLDERS, MKDOCS, REPO, copy_config, snapshot


def build_copy(root: Path, seed: str) -> dict[str, bytes]:
    root.mkdir(parents=True)
    copy_config(root)
    for name in ("hooks", "overrides", "docs", *FOLDERS):
        shutil.copytree(REPO / name, root / name)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": seed}
    proc = subprocess.run([*MKDOCS, "build", "--strict"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return snapshot(root / "site")


def test_two_builds_of_the_sample_archive_are_byte_identical(tmp_path):
    first = build_copy(tmp_path / "one" / "archive", seed="1")
    second = build_copy(tmp_path / "elsewhere" / "deeper" / "copy", seed="4242")
    assert len(first) > 100
    differing = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    assert differing == [], f"{len(differing)} file(s) differ between the two builds: {differing}"
    # the build date is the one given, not the clock: no sitemap date later than SOURCE_DATE_EPOCH's day
    sitemap = first["sitemap.xml"].decode()
    assert "<lastmod>" in sitemap and "2026-01-01" >= max(sitemap.split("<lastmod>")[1:])[:10]
