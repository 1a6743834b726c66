"""The tools around the records: JSON Schemas, ``validate``, ``new-project``, pre-commit and CI.

* ``schema/*.json`` are exactly what ``scripts/write_schemas.py`` writes now, every sample
  record validates against its schema (as an editor with yaml-language-server reads it),
  and records our validator rejects are rejected by the JSON Schema too;
* ``scripts/validate.py`` and ``scripts/new_project.py`` behave as the maintainer guide says;
* the pre-commit hooks and the GitHub Actions workflow run what the issue asks for.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import REPO, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from projarchive import cli, schema, strictyaml
from projarchive.catalogue import load_catalogue
from projarchive.dates import build_date
from projarchive.new_project import new_project as run_new_project
from projarchive.problems import ArchiveError, Problems

KINDS = {"projects": "project", "contacts": "contact", "resources": "resource"}


def script(name: str) -> Any:
    """Import ``scripts/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sample_records() -> list[Path]:
    return sorted(p for folder in KINDS for p in (REPO / folder).glob("*.yml"))


# --------------------------------------------------------------------------- JSON Schemas


@pytest.mark.parametrize("kind", list(schema.KINDS))
def test_committed_json_schemas_are_what_write_schemas_generates(kind):
    committed = (REPO / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == script("write_schemas").render(kind), \
        f"schema/{kind}.schema.json is out of date: run python scripts/write_schemas.py"


def test_readme_key_reference_is_what_write_schemas_generates():
    ws = script("write_schemas")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ws.readme_with_keys(readme) == readme, "README.md's key reference is out of date: run scripts/write_schemas.py"


def test_json_schemas_are_valid_draft_2020_12():
    for kind in schema.KINDS:
        jsonschema.Draft202012Validator.check_schema(schema.json_schema(kind))


_CORE_INT = re.compile(r"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_CORE_FLOAT = re.compile(r"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")


def editor_view(text: str) -> Any:
    """The record as yaml-language-server sees it: YAML 1.2's core schema (``20`` is a number,
    ``true`` a boolean, ``2009-04-01`` and ``no`` are strings, quoted values are strings)."""

    def value(node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {value(k): value(v) for k, v in node.value}
        if isinstance(node, yaml.SequenceNode):
            return [value(v) for v in node.value]
        s = node.value
        if node.style:  # quoted or block scalar: always a string (libyaml gives plain ones style '')
            return s
        if s in ("", "~", "null", "Null", "NULL"):
            return None
        if s in ("true", "True", "TRUE", "false", "False", "FALSE"):
            return s.lower() == "true"
        if _CORE_INT.match(s):
            return int(s, 0) if s.startswith(("0o", "0x")) else int(s, 10)
        if _CORE_FLOAT.match(s):
            return float(s.replace(".inf", "inf").replace(".nan", "nan"))
        return s

    return value(yaml.compose(text, Loader=yaml.CSafeLoader))


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.json_schema(kind))


@pytest.mark.parametrize("path", sample_records(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_record_validates_against_its_json_schema(path):
    kind = KINDS[path.parent.name]
    text = path.read_text(encoding="utf-8")
    for view in (editor_view(text), strictyaml.parse(text, path.name, Problems()).data):  # editor, and our loader
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(kind).iter_errors(view)]
        assert errors == [], errors


@pytest.mark.parametrize("path", sample_records(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_sample_record_names_its_schema_for_the_editor(path):
    kind = KINDS[path.parent.name]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
    assert (path.parent / ".." / "schema" / f"{kind}.schema.json").resolve().is_file()


WRONG = [
    ("project", "title: X\nstart: 2009-04-01\n", "missing required key 'summary'"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nsumary: T.\n", "unknown key 'sumary'"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nstatus: no\n", "'no' is not allowed"),
    ("project", "title: X\nstart: 1 April 2009\nsummary: S.\n", "is not a date"),
    ("project", "title: [a, b]\nstart: 2009-04-01\nsummary: S.\n", "should be text, but is a list"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nprogramme: Not An Id\n", "is not an id"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nlinks:\n  - {title: T, url: 'javascript:alert(1)'}\n",
     "is not a web address"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nimage: {file: x.png}\n", "missing required key 'alt'"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nimage: {file: ../x.png, alt: A}\n", "must not contain '..'"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\nimage: {file: /etc/x.png, alt: A}\n", "absolute path"),
    ("project", "title: X\nstart: 2009-04-01\nsummary: S.\noutputs:\n  - {measure: M, target: twenty}\n",
     "is not a number"),
    ("project", "title: '   '\nstart: 2009-04-01\nsummary: S.\n", "is empty; write the text"),
    ("project", "title: \"Two\\nlines\"\nstart: 2009-04-01\nsummary: S.\n", "should be a single line"),
    ("project", "title: X\nstart: 99999\nsummary: S.\n", "is not a date"),
    ("contact", "kind: persn\nname: Bob\n", "did you mean 'person'?"),
    ("contact", "kind: person\nname: Bob\nemail: bob@\n", "is not an email address"),
    ("contact", "kind: person\n", "missing required key 'name'"),
    ("resource", "title: R\nkind: report\nfiles:\n  - {file: 'a\\b.pdf', title: T}\n", "backslash"),
    ("resource", "title: R\nkind: report\nfiles:\n  - {file: .hidden/a.pdf, title: T}\n", "hidden"),
    ("resource", "title: R\nkind: book\nurl: https://example.org\n", "'book' is not allowed"),
]


@pytest.mark.parametrize(("kind", "text", "message"), WRONG, ids=[w[2] for w in WRONG])
def test_editor_and_validator_both_reject_a_wrong_record(kind, text, message):
    assert list(validator(kind).iter_errors(editor_view(text))), "the JSON Schema accepted it"
    problems = Problems()
    doc = strictyaml.parse(text, "x.yml", problems)
    assert doc is not None
    schema.convert(kind, "x", doc, "x.yml", problems)
    assert any(message in p.message for p in problems.items), problems.report()


def test_an_unquoted_phone_number_is_flagged_in_the_editor_but_kept_as_typed_by_the_validator():
    text = "kind: person\nname: Bob\nphone: 01611234567\n"
    assert list(validator("contact").iter_errors(editor_view(text)))  # the editor asks for quotes
    problems = Problems()
    contact = schema.convert("contact", "bob", strictyaml.parse(text, "x.yml", problems), "x.yml", problems)
    assert not problems and contact.phone == "01611234567"


# --------------------------------------------------------------------------- validate


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A script run as a maintainer runs it: ``.venv/bin/python <script> [args]``, in its own process."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=120)


def in_process(command: Callable[..., int], argv: list[str], answers: str = "",
               **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """What ``command(argv, **kwargs)`` (the function a script's ``sys.exit`` returns) prints and returns, with
    ``answers`` as its standard input: the script's exit status, output and errors, without starting Python
    and importing the package again for every call (a test that shows the script itself works runs it: ``run``).
    An exception other than SystemExit (argparse's) is not caught: it would be a traceback on the command line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _stdin(io.StringIO(answers)):
        try:
            code = command(argv, **kwargs)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _stdin(stream: io.StringIO) -> Iterator[None]:
    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


def validate(*args: str) -> subprocess.CompletedProcess[str]:
    """``scripts/validate.py [args]``, in this process (``in_process``)."""
    return in_process(cli.validate, list(args), default_root=str(REPO))


def test_validate_passes_on_the_sample_archive():
    proc = run(str(REPO / "scripts" / "validate.py"))
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"OK: \d+ projects, \d+ contacts, \d+ resources, \d+ files, \d+ news posts\n", proc.stdout)


def test_validate_reports_every_problem_and_exits_non_zero(tmp_path):
    (tmp_path / "projects").mkdir()
    (tmp_path / "contacts").mkdir()
    (tmp_path / "projects" / "x.yml").write_text("title: X\nstart: 2024-02-30\nsummary: S.\ntitle: Y\n", encoding="utf-8")
    (tmp_path / "contacts" / "bob.yml").write_text("kind: person\nname: Bob\nemail: bob@\n", encoding="utf-8")
    proc = validate(str(tmp_path))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "contacts/bob.yml:3:8: error: email: 'bob@' is not an email address (expected name@example.org)",
        "projects/x.yml:2:8: error: start: '2024-02-30' is not a real date: February 2024 has 29 days",
        "projects/x.yml:4:1: error: title: duplicate key 'title' (first given on line 1); keep one and delete the other",
        "3 errors in 2 files; fix them and run again.",
    ]
    assert "Traceback" not in proc.stderr


def test_the_installed_command_validates_the_current_folder(tmp_path):
    """``projarchive-validate`` (what .pre-commit-hooks.yaml runs in other repositories) checks the folder it runs in."""
    command = Path(sys.executable).parent / "projarchive-validate"
    assert command.is_file(), "pip install -e . installs the projarchive-validate command"
    (tmp_path / "contacts").mkdir()
    (tmp_path / "contacts" / "bob.yml").write_text("kind: persn\nname: Bob\n", encoding="utf-8")
    proc = subprocess.run([str(command)], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.startswith("contacts/bob.yml:1:7: error: kind: 'persn' is not allowed; use one of: person, "
                                  "organisation; did you mean 'person'?\n"), proc.stderr
    (tmp_path / "contacts" / "bob.yml").write_text("kind: person\nname: Bob\n", encoding="utf-8")
    proc = subprocess.run([str(command)], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
    assert (proc.returncode, proc.stdout) == (0, "OK: 0 projects, 1 contacts, 0 resources, 0 files, 0 news posts\n")


def test_validate_refuses_a_folder_that_is_not_an_archive(tmp_path):
    proc = validate(str(tmp_path))
    assert proc.returncode == 2
    assert "has no projects/, contacts/ or resources/ folder" in proc.stderr


# --------------------------------------------------------------------------- new-project

CONTACTS = {"contacts/acme.yml": "kind: organisation\nname: Acme\n"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for rel, body in CONTACTS.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body, encoding="utf-8")
    return tmp_path


def new_project(repo: Path, *args: str, answers: str = "") -> subprocess.CompletedProcess[str]:
    """scripts/new_project.py on ``repo`` with ``answers`` as its standard input, in this process
    (``in_process``; the first test below runs the script itself)."""
    return in_process(run_new_project, ["--root", str(repo), *args], answers, default_root=str(REPO))


def new_project_script(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """scripts/new_project.py on ``repo``, run as a maintainer runs it."""
    return run(str(REPO / "scripts" / "new_project.py"), "--root", str(repo), *args)


def filled(text: str) -> str:
    """The record as a maintainer leaves it: each placeholder replaced by their own words."""
    return text.replace(schema.PLACEHOLDER, "Our own words:")


def test_new_project_writes_a_commented_record_that_fails_until_its_placeholders_are_replaced(repo):
    title = 'Take Ten: "people" & C# toolkit #2 — café: 1:20 £5'
    proc = new_project_script(repo, "--id", "take-ten", "--title", title, "--start", "2009-04-01",
                              "--end", "2010-03-31", "--summary", "One paragraph: with a colon, 'quotes' and # a hash.")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ("wrote projects/take-ten.yml; replace its placeholders (REPLACE THIS: …), "
                           "then run .venv/bin/projarchive-validate\n")
    path = repo / "projects" / "take-ten.yml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/project.schema.json"
    assert sum(1 for ln in lines if ln.lstrip().startswith("#")) >= 10, "the scaffold explains the optional keys"

    # as written it cannot be published: each placeholder is an error, with file, line, column and key
    check = validate(str(repo))
    assert check.returncode == 1
    heading = next(n for n, ln in enumerate(lines, 1) if ln.startswith("  - heading:"))
    assert check.stderr.splitlines() == [
        (f"projects/take-ten.yml:{heading}:14: error: sections[0].heading: replace the placeholder "
         "'REPLACE THIS: the first heading on the original page, e.g. What are we aiming to achieve?' "
         "with your own text"),
        (f"projects/take-ten.yml:{heading + 1}:11: error: sections[0].body: replace the placeholder "
         "'REPLACE THIS: the text under that heading, in Markdown. Add a heading and body' with your own text"),
        "2 errors in 1 file; fix them and run again.",
    ]
    with pytest.raises(ArchiveError, match="replace the placeholder"):
        load_catalogue(str(repo), build_date=build_date({}))

    path.write_text(filled(text), encoding="utf-8")
    cat = load_catalogue(str(repo), build_date=build_date({}))
    p = cat.projects["take-ten"]
    assert p.title == title
    assert p.summary == "One paragraph: with a colon, 'quotes' and # a hash."
    assert (p.start.iso(), p.end.iso()) == ("2009-04-01", "2010-03-31")
    assert [s.heading for s in p.sections] == [
        "Our own words: the first heading on the original page, e.g. What are we aiming to achieve?"]
    # and the editor's view of it is valid too
    assert not list(validator("project").iter_errors(editor_view(text)))
    # uncommenting the examples gives keys the schema knows
    keys = {m.group(1) for m in re.finditer(r"(?m)^# ([a-z_]+):", text)}
    assert keys and keys <= {f.name for f in schema.PROJECT.fields}, keys


def test_a_summary_not_given_is_a_placeholder_too(repo):
    assert new_project(repo, "--id", "x", "--title", "X", "--start", "2009").returncode == 0
    with pytest.raises(ArchiveError) as e:
        load_catalogue(str(repo), build_date=build_date({}))
    assert [(p.field, p.message.startswith("replace the placeholder 'REPLACE THIS:")) for p in e.value.problems.items] \
        == [("summary", True), ("sections[0].heading", True), ("sections[0].body", True)]


@pytest.mark.parametrize("value", ["REPLACE THIS: a summary", "Done.\n\nREPLACE THIS: the rest"])
def test_a_placeholder_anywhere_in_any_text_is_refused(value):
    problems = Problems()
    doc = strictyaml.parse(f"title: T\nstart: 2009\nsummary: S.\nsections:\n  - heading: H\n    body: {json.dumps(value)}\n",
                           "projects/x.yml", problems)
    assert doc is not None
    schema.convert("project", "x", doc, "projects/x.yml", problems)
    [problem] = problems.items
    assert (problem.line, problem.column, problem.field) == (6, 11, "sections[0].body")
    assert problem.message == f"replace the placeholder '{value.splitlines()[-1]}' with your own text"


def test_new_project_without_an_end_date_is_running(repo):
    proc = new_project(repo, "--id", "running", "--title", "Running", "--start", "2024-09")
    assert proc.returncode == 0, proc.stderr
    path = repo / "projects" / "running.yml"
    path.write_text(filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    cat = load_catalogue(str(repo), build_date=build_date({}))
    assert cat.projects["running"].end is None


def test_new_project_refuses_an_existing_id(repo):
    first = new_project(repo, "--id", "dup", "--title", "First", "--start", "2009-04-01")
    assert first.returncode == 0
    before = (repo / "projects" / "dup.yml").read_bytes()
    again = new_project(repo, "--id", "dup", "--title", "Second", "--start", "2010-04-01")
    assert again.returncode == 1
    assert again.stderr == "projects/dup.yml already exists; choose another id or edit that file\n"
    assert (repo / "projects" / "dup.yml").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--id", "Bad_Id", "--title", "T", "--start", "2009-04-01"], 2, "'Bad_Id' is not an id"),
        (["--id", "index", "--title", "T", "--start", "2009-04-01"], 2, "'index' is kept for the page"),
        (["--id", "x", "--title", "T", "--start", "2024-02-30"], 1,
         "projects/x.yml:7:8: error: start: '2024-02-30' is not a real date: February 2024 has 29 days"),
        (["--id", "x", "--title", "T", "--start", "2010-01-01", "--end", "2009-01-01"], 1,
         "end: end date 2009-01-01 is before start date 2010-01-01"),
        (["--id", "x", "--title", "T", "--start", "2009-04-01", "--end", "soon"], 1, "'soon' is not a date"),
        (["--id", "x", "--title", "T"], 1,
         "no answer to 'Start date (YYYY-MM-DD, YYYY-MM or YYYY)' (end of input); nothing was written."),
    ],
)
def test_new_project_refuses_bad_answers_and_writes_nothing(repo, args, code, message):
    proc = new_project(repo, *args)
    assert proc.returncode == code
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (repo / "projects").exists() or not list((repo / "projects").iterdir())


def test_new_project_asks_for_the_id_first_and_again_until_an_answer_will_do(repo):
    (repo / "projects").mkdir()
    (repo / "projects" / "taken.yml").write_text("title: Taken\n", encoding="utf-8")
    answers = ["Bad_Id", "taken", "", "rhifedd", "", "Rhifedd i Bawb: “numeracy”", "2015-02-30", "2015-09",
               "2014", "2016", "Numeracy classes."]
    proc = new_project(repo, answers="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stderr
    prompts = proc.stdout.split(": ")[:len(answers)]
    assert prompts[0] == "Id (becomes the address /projects/<id>/)"  # the id first
    assert [p.split(" (")[0] for p in prompts] == ["Id"] * 4 + ["Title"] * 2 + ["Start date"] * 2 \
        + ["End date"] * 2 + ["Summary, one paragraph"]
    assert proc.stdout.endswith(": wrote projects/rhifedd.yml; replace its placeholders (REPLACE THIS: …), "
                                "then run .venv/bin/projarchive-validate\n")
    assert proc.stderr.splitlines() == [  # each bad answer, and why
        "  'Bad_Id' is not an id: use lower-case letters, digits and single hyphens, e.g. take-ten-people; try again.",
        "  projects/taken.yml already exists; choose another id or edit that file; try again.",
        "  an id is needed: it becomes the address /projects/<id>/; try again.",
        "  a title is needed: the full title, as on the original page; try again.",
        "  '2015-02-30' is not a real date: February 2015 has 28 days; try again.",
        "  the end 2014 is before the start 2015-09; try again.",
    ]
    path = repo / "projects" / "rhifedd.yml"
    path.write_text(filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    (repo / "projects" / "taken.yml").unlink()
    p = load_catalogue(str(repo), build_date=build_date({})).projects["rhifedd"]
    assert (p.title, p.start.iso(), p.end.iso(), p.summary) == \
        ("Rhifedd i Bawb: “numeracy”", "2015-09", "2016", "Numeracy classes.")


@pytest.mark.parametrize("answers", ["", "my-id\n", "my-id\nTitle\n2015\n"])
def test_new_project_stops_cleanly_at_the_end_of_its_input(repo, answers):
    proc = new_project(repo, answers=answers)
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("no answer to '") and proc.stderr.strip().endswith(
        "(end of input); nothing was written."), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (repo / "projects").exists() or not list((repo / "projects").iterdir())


def test_new_project_stops_cleanly_on_ctrl_c(repo, monkeypatch, capsys):
    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupted)
    assert run_new_project(["--root", str(repo)]) == 130
    assert capsys.readouterr().err == "\nstopped; nothing was written.\n"
    assert not (repo / "projects").exists()


def test_the_installed_new_project_command_writes_into_the_current_folder(tmp_path):
    command = Path(sys.executable).parent / "projarchive-new-project"
    assert command.is_file(), "pip install -e . installs the projarchive-new-project command"
    proc = subprocess.run([str(command), "--id", "here", "--title", "Here", "--start", "2020"], cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "projects" / "here.yml").is_file()


@settings(max_examples=examples(60), deadline=None)
@given(st.text(st.characters(codec="utf-8").filter(lambda c: c != "\t" and not strictyaml._FORBIDDEN.match(c)),
               min_size=1, max_size=80).filter(lambda s: s.strip() and "\n" not in s))
def test_new_project_keeps_any_title_exactly(title):
    """Any title a record may hold (no control characters, bidirectional controls or tabs: those are refused,
    test_new_project_asks_again_for_a_title_no_record_may_hold) is written so that it reads back exactly."""
    from projarchive.new_project import render

    text = filled(render("x", title, "2009-04-01", None, "Summary."))
    problems = Problems()
    doc = strictyaml.parse(text, "projects/x.yml", problems)
    assert doc is not None, problems.report()
    record = schema.convert("project", "x", doc, "projects/x.yml", problems)
    assert not problems, problems.report()
    assert record.title == title.strip()


@pytest.mark.parametrize(("title", "why"), [
    ("Red \x1b[31m", "the invisible control character U+001B is not allowed in a record"),
    ("abc\u202edef", "the invisible bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed"),
    ("A\tB", "a title holds no tabs; write a space"),
    ("x" * 501, "a title is at most 500 characters; this one is 501"),
])
def test_new_project_asks_again_for_a_title_no_record_may_hold(title, why):
    from projarchive.new_project import _title

    with pytest.raises(ValueError) as e:
        _title(title)
    assert str(e.value).startswith(why)


# --------------------------------------------------------------------------- pre-commit and CI


def test_pre_commit_hooks_run_validate():
    for name in (".pre-commit-hooks.yaml", ".pre-commit-config.yaml"):
        data = yaml.safe_load((REPO / name).read_text(encoding="utf-8"))
        hooks = data if isinstance(data, list) else [h for r in data["repos"] for h in r["hooks"]]
        [hook] = [h for h in hooks if h["id"] == "validate-archive-records"]
        # this repository runs its script; other repositories run the installed command
        assert hook["entry"].endswith("scripts/validate.py" if name == ".pre-commit-config.yaml"
                                      else "projarchive-validate")
        assert hook["pass_filenames"] is False
        for path in ("projects/x.yml", "contacts/x.yml", "resources/x/y.pdf", "docs/news/posts/p.md"):
            assert re.search(hook["files"], path), (name, path)
        assert not re.search(hook["files"], "src/projarchive/schema.py")


def test_workflow_validates_tests_builds_strict_and_deploys_pages_from_main():
    wf = yaml.safe_load((REPO / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    triggers = wf[True]  # PyYAML reads the key `on` as a boolean
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    assert wf["permissions"] == {"contents": "read"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s.get("run", "") for s in build["steps"]]
    uses = [s.get("uses", "") for s in build["steps"]]
    order = [next(i for i, r in enumerate(runs) if pattern in r) for pattern in
             ("scripts/validate.py", "pytest", "${{ matrix.command }} build --strict")]
    assert order == sorted(order), "validate, then test, then build"
    # on each platform (README "Platforms"); the site deployed is the one built on (a)
    platforms = build["strategy"]["matrix"]["include"]
    assert sorted((p["command"], p["theme"]) for p in platforms) == [
        ("mkdocs", "material"), ("properdocs", "material"), ("properdocs", "materialx")]
    assert [(p["command"], p["theme"]) for p in platforms if p["deploy"]] == [("mkdocs", "material")]
    assert build["strategy"]["fail-fast"] is False
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert "matrix.deploy" in upload["if"] and "refs/heads/main" in upload["if"] and "push" in upload["if"]
    assert any(u.startswith("actions/checkout@") for u in uses)
    assert "refs/heads/main" in deploy["if"] and deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    # one deployment at a time, never cancelled half-way; superseded PR builds are cancelled
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert wf["concurrency"]["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    # the browser tests run in CI instead of skipping
    env = {**wf.get("env", {}), **build.get("env", {})}
    assert env.get("REQUIRE_BROWSER") == "1" or any("REQUIRE_BROWSER=1" in r for r in runs)


def test_guide_documents_both_tools():
    guide = (REPO / "docs" / "maintainers.md").read_text(encoding="utf-8")
    for command in (".venv/bin/projarchive-validate", ".venv/bin/projarchive-new-project", "pre-commit install"):
        assert command in guide, command


def test_the_example_in_the_guide_is_a_valid_record(tmp_path):
    """The step-by-step example in the guide is copied by maintainers: it must validate."""
    guide = (REPO / "docs" / "maintainers.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.DOTALL)
    records = [b for b in blocks if b.startswith("# yaml-language-server: $schema=../schema/project.schema.json")]
    assert records, "the guide shows a complete project record"
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects" / "example.yml").write_text(records[0], encoding="utf-8")
    (tmp_path / "contacts").mkdir()
    for ref in set(re.findall(r"\{id: ([a-z0-9-]+)", records[0])):
        (tmp_path / "contacts" / f"{ref}.yml").write_text("kind: organisation\nname: N\n", encoding="utf-8")
    try:
        load_catalogue(str(tmp_path), build_date=build_date({}))
    except ArchiveError as e:
        pytest.fail(str(e))
