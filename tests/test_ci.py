"""The README's commands, .ci/run and the GitHub workflow say the same thing.

.ci/run clones the committed HEAD into an empty folder and runs the README's test command there,
reading it from the README (the second line of its first code block); the workflow runs the same
install and the same pytest.
"""

from __future__ import annotations

import re
import shlex
import subprocess

import yaml
from conftest import REPO

README = REPO / "README.md"


def readme_commands() -> list[str]:
    """The lines of README.md's first code block."""
    block = re.search(r"(?ms)^```[^\n]*\n(.*?)^```", README.read_text(encoding="utf-8"))
    assert block is not None, "README.md has no code block"
    return block.group(1).splitlines()


def test_the_readme_starts_with_exactly_two_commands_serve_and_test():
    serve, test = readme_commands()
    assert serve.endswith("mkdocs serve") and "pip install -e ." in serve
    steps = test.split(" && ")
    assert steps[0] == "python3 -m venv .venv"
    assert steps[1] == ".venv/bin/pip install -e '.[test]'"
    assert steps[2].startswith(".venv/bin/python -m pytest")


def test_ci_runs_the_readme_test_command_in_a_clean_clone():
    proc = subprocess.run(["bash", str(REPO / ".ci" / "run"), "--print-command"], capture_output=True, text=True,
                          check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == readme_commands()[1] + "\n"
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] not in script  # read from the README, not copied
    assert "mktemp -d" in script and "git clone" in script and "REQUIRE_BROWSER=1" in script


def test_the_workflow_installs_and_tests_as_the_readme_says():
    venv, install, pytest_command = readme_commands()[1].split(" && ")
    wf = yaml.safe_load((REPO / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    runs = [s.get("run", "") for s in wf["jobs"]["build"]["steps"]]
    # the runner's `python` is the one actions/setup-python installed; the rest is the README's
    assert f"{venv.replace('python3 ', 'python ', 1)} && {install}" in runs
    [tests] = [r for r in runs if "pytest" in r]
    assert shlex.split(tests)[:3] == shlex.split(pytest_command)[:3]
