"""The data files (exports, feed, citation files) made and written by a forked process beside the
build (public.DataFileWriter, #15): the paths promised before they are made are the ones made, and
a failure in the child stops the build with its message, as it would have in the build's process.
(That the files written this way are byte for byte those written in the build's own process is
tests/test_reproducible.py: its command-line build forks, the in-process one does not.)"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time

import pytest
from conftest import REPO

from projarchive import catalogue
from projarchive.problems import BuildError
from projarchive.public import DataFileWriter, public_files, public_paths
from projarchive.router import Router

pytestmark = pytest.mark.skipif(not DataFileWriter.possible(), reason="the data files are forked only where the system forks")


@pytest.fixture(scope="module")
def sample_catalogue():
    return catalogue.load_catalogue(str(REPO), build_date=dt.date(2026, 1, 1))


def test_the_paths_listed_before_the_files_are_made_are_the_files_made_in_order(sample_catalogue):
    made = public_files(sample_catalogue, Router("https://example.org/archive/", True), "Archive")
    assert public_paths(sample_catalogue) == list(made)
    assert {"api/projects.json", "api/resources.csv", "feed.xml"} <= set(made)
    assert sum(path.startswith("cite/projects/") for path in made) == 3 * len(sample_catalogue.projects)


def test_the_child_writes_every_file_with_its_text(tmp_path):
    data = {"api/a.json": "[1]\n", "cite/projects/x.bib": "@misc{x}\n", "feed.xml": "<feed/>\n"}
    writer = DataFileWriter(lambda: dict(data), str(tmp_path), list(data))
    writer.wait()
    assert {p: (tmp_path / p).read_text(encoding="utf-8") for p in data} == data


def test_a_build_error_in_the_child_is_the_builds(tmp_path):
    def make():
        raise BuildError("resources/pack.yml: the ZIP is gone")

    writer = DataFileWriter(make, str(tmp_path), [])
    with pytest.raises(BuildError, match="the ZIP is gone"):
        writer.wait()


def test_files_other_than_those_listed_are_a_bug_not_a_site(tmp_path):
    writer = DataFileWriter(lambda: {"api/a.json": "[]"}, str(tmp_path), ["api/b.json"])
    with pytest.raises(RuntimeError, match="public_paths must follow public_files"):
        writer.wait()
    assert not (tmp_path / "api").exists()


def test_a_child_killed_meanwhile_stops_the_build_with_what_to_do(tmp_path):
    def make():
        os.kill(os.getpid(), signal.SIGKILL)
        return {}

    writer = DataFileWriter(make, str(tmp_path), [])
    with pytest.raises(BuildError, match="PROJARCHIVE_WORKERS=1"):
        writer.wait()


def test_a_failed_build_stops_the_child(tmp_path):
    def make():
        time.sleep(60)
        return {}

    writer = DataFileWriter(make, str(tmp_path), [])
    writer.cancel()
    assert writer._process.exitcode is not None and not writer._process.is_alive()



def test_without_a_process_to_be_had_the_build_writes_them_itself(archive, monkeypatch):
    import multiprocessing.process

    def refuse(self):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    archive.write("projects/p1.yml", "title: One\nstart: 2010-01-01\nend: 2011-01-01\nsummary: The first.\n")
    result = archive.build(env={"PROJARCHIVE_WORKERS": "2"})  # asks for the forked writer, which cannot start
    assert result.ok, result.output
    ris = (result.site / "cite" / "projects" / "p1.ris").read_text(encoding="utf-8")
    assert "TI  - One" in ris.splitlines()
    assert json.loads((result.site / "api" / "projects.json").read_text(encoding="utf-8"))[0]["id"] == "p1"
