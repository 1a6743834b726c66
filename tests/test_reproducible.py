"""Reproducible builds: the same commit, built twice with SOURCE_DATE_EPOCH, gives the same bytes,
whatever the hash seed and the folder it is built in.

One build is the session's ``sample`` (conftest: built in this process, into ``built-site``); the
other is ``mkdocs build --strict`` on the command line, as a maintainer runs it, in its own process
with another hash seed and in a deeper folder. So this also proves that the tests' in-process build
writes exactly what the command line writes. The command line is told to use worker processes
(``PROJARCHIVE_WORKERS=2``: records read by workers, data files made and written by a forked
process, #15) where the sample, being small, is built in one: the work spread over processes
gives the very bytes. And it runs on one core only, where Pagefind is given the pages once they
are written rather than beside the build (search.SiteIndexer's ``defer``): the very index too.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from conftest import BUILD_ENV, FOLDERS, MKDOCS, REPO, copy_config, snapshot


def test_two_builds_of_the_sample_archive_are_byte_identical(sample, tmp_path):
    assert sample.ok, sample.output
    root = tmp_path / "elsewhere" / "deeper" / "copy"
    root.mkdir(parents=True)
    copy_config(root)
    for name in ("hooks", "overrides", "docs", *FOLDERS):
        shutil.copytree(REPO / name, root / name)
    seed = "1" if os.environ.get("PYTHONHASHSEED") == "4242" else "4242"  # not this process's seed
    proc = subprocess.run([*MKDOCS, "build", "--strict"], cwd=root, env={**os.environ, **BUILD_ENV, "PYTHONHASHSEED": seed,
                                                                   "PROJARCHIVE_WORKERS": "2"},
                          capture_output=True, text=True, timeout=300, check=False,
                          preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Documentation built in" in proc.stderr
    first, second = snapshot(sample.site), snapshot(root / "site")
    assert len(first) > 100
    differing = sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))
    assert differing == [], f"{len(differing)} file(s) differ between the two builds: {differing}"
    # the build date is the one given, not the clock: no sitemap date later than SOURCE_DATE_EPOCH's day
    sitemap = first["sitemap.xml"].decode()
    assert "<lastmod>" in sitemap and "2026-01-01" >= max(sitemap.split("<lastmod>")[1:])[:10]
