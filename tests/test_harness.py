"""The tests' own build harness (conftest.mkdocs_build): it builds in this process as the command
line does, and leaves the process as it found it."""

from __future__ import annotations

import logging
import os
import subprocess

import jinja2
import pytest
from conftest import BUILD_ENV, GENERATOR, MKDOCS, Archive, _site_dir


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


WARNING_HOOK = """
import logging

log = logging.getLogger("mkdocs.hooks.warn")  # where MkDocs plugins and hooks log


def on_files(files, config):
    log.warning("a warning from a hook")
    return files
"""


def test_a_warning_from_a_hook_or_the_generator_fails_the_build_as_on_the_command_line(tmp_path):
    """--strict counts every warning: a hook's (logged under "mkdocs", which ProperDocs' command line
    makes a child of its "properdocs" logger) and the generator's own (a link to a missing page). The
    in-process build stops on both and prints them as ``GENERATOR build --strict`` does."""
    archive = Archive(tmp_path / "archive")
    archive.write("warn.py", WARNING_HOOK)
    archive.write("docs/notes.md", "# Notes\n\nSee [the missing page](missing.md).\n")
    config = archive.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "hooks:\n  - hooks/archive.py\n" in text
    config.write_text(text.replace("hooks:\n  - hooks/archive.py\n", "hooks:\n  - hooks/archive.py\n  - warn.py\n"),
                      encoding="utf-8")
    result = archive.build()
    proc = subprocess.run([*MKDOCS, "build", "--strict"], cwd=archive.root, env={**os.environ, **BUILD_ENV},
                          capture_output=True, text=True, timeout=300, check=False)

    def warnings(output: str) -> list[str]:
        return [line for line in output.splitlines() if line.startswith("WARNING")]

    assert result.returncode == proc.returncode == 1, (result.output, proc.stdout + proc.stderr)
    found = warnings(result.output)
    assert "WARNING -  a warning from a hook" in found
    assert any("notes.md" in line and "missing.md" in line for line in found), found
    assert found == warnings(proc.stderr), (GENERATOR, proc.stderr)
    assert result.output.rstrip().endswith(f"Aborted with {len(found)} warnings in strict mode!")


def test_the_longest_units_of_work_are_handed_out_first():
    """conftest.longest_first: units (a module, or a class) in order of their selected tests' last durations,
    each keeping its tests in order; a skipped test weighs nothing; unknown browser tests before unknown others."""
    from types import SimpleNamespace

    from conftest import DURATIONS_KEY, longest_first

    class Item:
        def __init__(self, nodeid: str, *marks: str) -> None:
            self.nodeid, self.marks = nodeid, marks

        def get_closest_marker(self, name: str):
            return name if name in self.marks else None

    known = {"a.py::t1": 1.0, "a.py::t2": 0.5, "b.py::C::t": 3.0, "c.py::t": 0.5, "d.py::t": 9.0}
    config = SimpleNamespace(cache=SimpleNamespace(get=lambda key, default: known if key == DURATIONS_KEY else default))
    items = [Item("a.py::t1"), Item("a.py::t2"), Item("b.py::C::t"), Item("b.py::t"), Item("c.py::t"),
             Item("d.py::t", "skip"), Item("e.py::t", "browser")]
    longest_first(config, items)
    assert [i.nodeid for i in items] == ["b.py::C::t", "e.py::t", "a.py::t1", "a.py::t2", "c.py::t", "b.py::t",
                                         "d.py::t"]
    longest_first(SimpleNamespace(), items)  # -p no:cacheprovider: no durations, browser first, nothing lost
    assert sorted(i.nodeid for i in items) == sorted(["a.py::t1", "a.py::t2", "b.py::C::t", "b.py::t", "c.py::t",
                                                      "d.py::t", "e.py::t"])
    assert items[0].nodeid == "e.py::t"
