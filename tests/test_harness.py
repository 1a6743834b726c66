"""The tests' own build harness (conftest.mkdocs_build): it builds in this process as the command
line does, and leaves the process as it found it."""

from __future__ import annotations

import logging
import os

import jinja2
import pytest
from conftest import Archive, _site_dir


def test_an_in_process_build_restores_the_working_directory_environment_and_logging(tmp_path, monkeypatch):
    monkeypatch.setenv("PROJARCHIVE_NAV_CACHE", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    logger = logging.getLogger("mkdocs")
    before = (os.getcwd(), logger.level, logger.propagate, list(logger.handlers), jinja2.Environment.__init__)
    archive = Archive(tmp_path / "archive")
    archive.write("projects/x.yml", "title: X\nstart: 2024-02-30\nsummary: S.\n")
    result = archive.build(env={"PROJARCHIVE_NAV_CACHE": "0"})
    # the command line's exit status and what it prints: the log lines, then the error
    assert result.returncode == 1 and not result.ok
    assert "projects/x.yml:2:8: error: start: '2024-02-30' is not a real date: February 2024 has 29 days" \
        in result.output.splitlines(), result.output
    assert result.output.rstrip().endswith("Aborted with a BuildError!")
    assert "Traceback" not in result.output
    # and nothing of the build is left behind
    assert (os.getcwd(), logger.level, logger.propagate, list(logger.handlers), jinja2.Environment.__init__) == before
    assert os.environ["PROJARCHIVE_NAV_CACHE"] == "1" and "SOURCE_DATE_EPOCH" not in os.environ


def test_the_harness_takes_the_site_folder_option_and_refuses_others():
    assert _site_dir(()) is None
    assert _site_dir(("-d", "out")) == _site_dir(("--site-dir", "out")) == _site_dir(("--site-dir=out",)) == "out"
    with pytest.raises(ValueError, match="--dirty"):
        _site_dir(("--dirty",))
