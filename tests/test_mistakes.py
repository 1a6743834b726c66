"""Issue #3's list of mistakes, one case each, with the exact message a maintainer reads.

Each case writes one mistake into a small valid archive (``test_schema.BASE``), loads it the
way ``scripts/validate.py`` and the build do, and asserts the *whole* report line: file, line,
column, key and the words that say how to fix it; and that it is the only problem reported.
The cases where YAML would silently change a value assert that the value is kept exactly.
A handful of representative mistakes then go through one real ``mkdocs build`` together: it must
fail with every message, without a Python traceback, and without creating a site.

(Cases the issue lists that are tested elsewhere: several mistakes in several files in one
run, sorted and counted: ``test_schema.test_several_mistakes_in_several_files_are_reported_together_and_sorted``;
a failed build leaves the previous site byte-identical: ``test_build.test_a_bad_record_fails_the_build_and_leaves_the_site``
and ``test_build.test_a_failure_late_in_the_build_also_leaves_the_site``.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import BUILD_ENV, MKDOCS, Archive, make_pdf, make_png
from test_schema import BUILD_DATE, problems, write_archive

from projarchive.catalogue import load_catalogue

HEAD = "title: X\nstart: 2009-04-01\nsummary: S.\n"
P = "projects/x.yml"
BILLION_LAUGHS = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
)


def resource_file(path: str) -> dict[str, str]:
    return {"resources/r.yml": f"title: R\nkind: report\nfiles:\n  - file: {path}\n    title: T\n"}


def symlink_out_of_the_repo(root: Path) -> None:
    """resources/pack/outside.pdf -> a PDF outside the archive."""
    outside = root.parent / "elsewhere.pdf"
    outside.write_bytes(make_pdf(1))
    os.symlink(outside, root / "resources" / "pack" / "outside.pdf")


# (name, files, setup, the exact report lines)
MISTAKES = [
    ("duplicate key, naming both lines", {P: HEAD + "title: Y\n"}, None, [
        "projects/x.yml:4:1: error: title: duplicate key 'title' (first given on line 1); keep one and delete the other",
    ]),
    ("status: no is kept as text and rejected", {P: HEAD + "status: no\n"}, None, [
        "projects/x.yml:4:9: error: status: 'no' is not allowed; use one of: finished, active",
    ]),
    ("status: on is kept as text and rejected", {P: HEAD + "status: on\n"}, None, [
        "projects/x.yml:4:9: error: status: 'on' is not allowed; use one of: finished, active",
    ]),
    ("status: yes is kept as text and rejected", {P: HEAD + "status: yes\n"}, None, [
        "projects/x.yml:4:9: error: status: 'yes' is not allowed; use one of: finished, active",
    ]),
    ("impossible date 2024-02-30", {P: "title: X\nstart: 2024-02-30\nsummary: S.\n"}, None, [
        "projects/x.yml:2:8: error: start: '2024-02-30' is not a real date: February 2024 has 29 days",
    ]),
    ("title: C# toolkit #2 would lose '#2'", {P: "title: C# toolkit #2\nstart: 2009-04-01\nsummary: S.\n"}, None, [
        ("projects/x.yml:1:8: error: title: the text '#2' after the value is read as a YAML comment and would be lost; "
        "if it belongs to the value, put the whole value in quotes: \"C# toolkit #2\""),
    ]),
    ("100 kB of nested brackets", {P: HEAD + "themes: " + "[" * 50_000 + "]" * 50_000 + "\n"}, None, [
        ("projects/x.yml:4:40: error: brackets nest values more than 32 levels deep; close each '[' and '{' you open, "
        "or write the list one '- item' per line"),
    ]),
    ("billion laughs", {P: HEAD + BILLION_LAUGHS}, None, [
        "projects/x.yml:4:4: error: anchors (&a) are not allowed; write each value out in full",
    ]),
    ("an alias alone", {P: HEAD + "themes: *a\n"}, None, [
        "projects/x.yml:4:9: error: aliases (*a) are not allowed; write the value out in full",
    ]),
    ("missing required key", {P: "title: X\nstart: 2009-04-01\n"}, None, [
        ("projects/x.yml:1:1: error: missing required key 'summary' (One paragraph of plain text for listings and "
        "search results)"),
    ]),
    ("wrong type", {P: HEAD + "themes: {mental health: yes}\n"}, None, [
        "projects/x.yml:4:9: error: themes: should be a list (one '- item' per line, or [a, b])",
    ]),
    ("end before start", {P: "title: X\nstart: 2009-04-01\nend: 2009-03-31\nsummary: S.\n"}, None, [
        "projects/x.yml:3:6: error: end: end date 2009-03-31 is before start date 2009-04-01",
    ]),
    ("unknown reference", {P: HEAD + "contacts:\n  - id: jnae\n    role: Lead\n"}, None, [
        "projects/x.yml:5:9: error: contacts[0].id: no contact with id 'jnae'; did you mean 'jane'?",
    ]),
    ("missing file", resource_file("pack/tolbox.pdf"), None, [
        ("resources/r.yml:4:11: error: files[0].file: file resources/pack/tolbox.pdf does not exist; "
        "did you mean 'pack/toolbox.pdf'?"),
    ]),
    ("path traversal", resource_file("../../etc/passwd.pdf"), None, [
        ("resources/r.yml:4:11: error: files[0].file: '../../etc/passwd.pdf' must not contain '..', '.' or empty parts; "
        "give the path relative to resources/"),
    ]),
    ("absolute path", resource_file("/etc/passwd.pdf"), None, [
        ("resources/r.yml:4:11: error: files[0].file: '/etc/passwd.pdf' is an absolute path; give the path relative "
        "to resources/, e.g. reports/x.pdf"),
    ]),
    ("backslash", resource_file("'pack\\toolbox.pdf'"), None, [
        "resources/r.yml:4:11: error: files[0].file: 'pack\\toolbox.pdf' contains a backslash; use forward slashes (/)",
    ]),
    ("hidden component", resource_file("pack/.toolbox.pdf"), None, [
        ("resources/r.yml:4:11: error: files[0].file: 'pack/.toolbox.pdf' names a hidden file or folder "
        "(starting with '.'); rename it"),
    ]),
    ("symlink out of the repo", resource_file("pack/outside.pdf"), symlink_out_of_the_repo, [
        ("resources/pack/outside.pdf: error: symbolic links are not allowed in the content folders; "
        "copy the real file here"),
        ("resources/r.yml:4:11: error: files[0].file: 'pack/outside.pdf' is (or passes through) a symbolic link; "
        "copy the real file into resources/"),
    ]),
    ("javascript: URL", {P: HEAD + "links:\n  - title: Report\n    url: javascript:alert(1)\n"}, None, [
        ("projects/x.yml:6:10: error: links[0].url: 'javascript:alert(1)' is not a web address we can link to; "
        "it must start with https://, http:// or mailto:"),
    ]),
    ("tab indentation", {P: HEAD + "sections:\n\t- heading: H\n"}, None, [
        "projects/x.yml:5:1: error: tab used for indentation; YAML needs spaces (use 2 spaces per level)",
    ]),
    ("non-UTF-8 bytes", {"contacts/bob.yml": "kind: person\nname: Beyonc\u00e9\n".encode("latin-1")}, None, [
        ("contacts/bob.yml:2:13: error: the file is not valid UTF-8 (byte 0xe9 at offset 25); "
        "save it as UTF-8 in your editor"),
    ]),
    ("empty file", {P: ""}, None, [
        "projects/x.yml:1:1: error: the file is empty; a record needs at least its required keys",
    ]),
    ("a pasted control character", {P: "title: X\x08\nstart: 2009-04-01\nsummary: S.\n"}, None, [
        ("projects/x.yml:1:9: error: the invisible control character U+0008 is not allowed in a record; delete it "
        "(it often comes with text pasted from another program)"),
    ]),
    ("unknown key with a suggestion", {P: HEAD + "sumary: T.\n"}, None, [
        "projects/x.yml:4:1: error: sumary: unknown key 'sumary'; did you mean 'summary'?",
    ]),
    ("image without alt text", {P: HEAD + "image:\n  file: pack/toolbox.png\n",
                                "resources/pack/toolbox.png": make_png()}, None, [
        ("projects/x.yml:5:3: error: image: missing required key 'alt' (What the image shows, for people who cannot "
        "see it)"),
    ]),
]


@pytest.mark.parametrize(("files", "setup", "expected"), [m[1:] for m in MISTAKES], ids=[m[0] for m in MISTAKES])
def test_each_mistake_gives_exactly_its_message(tmp_path, files, setup, expected):
    root = write_archive(tmp_path / "archive", files)
    if setup:
        setup(root)
    assert problems(root) == expected


# (name, files, record kind and id, key, the value kept exactly as typed)
KEPT = [
    ("version 1.10 stays 1.10", {P: HEAD.replace("title: X", "title: Toolkit version 1.10") + "short_title: 1.10\n"},
     ("project", "x"), "short_title", "1.10"),
    ("1:20 stays 1:20", {P: HEAD + "short_title: 1:20\n"}, ("project", "x"), "short_title", "1:20"),
    ("an unquoted phone keeps its leading zero", {"contacts/bob.yml": "kind: person\nname: Bob\nphone: 01611234567\n"},
     ("contact", "bob"), "phone", "01611234567"),
    ("a quoted phone is kept as typed", {"contacts/bob.yml": 'kind: person\nname: Bob\nphone: "+44 (0)161 123 4567"\n'},
     ("contact", "bob"), "phone", "+44 (0)161 123 4567"),
    ("no as a theme stays the word 'no'", {P: HEAD + "themes: [no, yes, on, off, 'null']\n"},
     ("project", "x"), "themes", ("no", "yes", "on", "off", "null")),
    ("a quoted 'C# toolkit #2' is kept whole", {P: HEAD.replace("title: X", 'title: "C# toolkit #2"')},
     ("project", "x"), "title", "C# toolkit #2"),
    ("an octal-looking number stays text", {P: HEAD + "short_title: 0o17\n"}, ("project", "x"), "short_title", "0o17"),
    ("a target of 1.10 keeps its digits", {P: HEAD + "outputs:\n  - {measure: M, target: 1.10, achieved: 020}\n"},
     ("project", "x"), "outputs", ("1.10", "020")),
    ("1,200 is shown as 1,200", {P: HEAD + "outputs:\n  - {measure: M, target: '1,200', achieved: 1785.71}\n"},
     ("project", "x"), "outputs", ("1,200", "1785.71")),
]


@pytest.mark.parametrize(("files", "record", "key", "value"), [k[1:] for k in KEPT], ids=[k[0] for k in KEPT])
def test_no_value_is_silently_altered(tmp_path, files, record, key, value):
    root = write_archive(tmp_path, files)
    cat = load_catalogue(str(root), build_date=BUILD_DATE)
    kind, record_id = record
    rec = {"project": cat.projects, "contact": cat.contacts}[kind][record_id]
    got = getattr(rec, key)
    if key == "outputs":
        got = (str(got[0].target), str(got[0].achieved))
    assert got == value


def test_a_duplicate_key_does_not_hide_the_other_mistakes_in_its_file(tmp_path):
    found = problems(write_archive(tmp_path, {P: "title: C# toolkit #2\nstart: 2024-02-30\nsummary: S.\n"
                                                 "status: no\nsummary: again\n"}))
    assert [p.split(": error: ")[0] for p in found] == [
        "projects/x.yml:1:8", "projects/x.yml:2:8", "projects/x.yml:4:9", "projects/x.yml:5:1"]
    assert "duplicate key 'summary' (first given on line 3)" in found[-1]


def test_a_plain_null_inside_a_list_is_reported_not_dropped(tmp_path):
    """``themes: [a, null]`` must not silently lose an entry."""
    found = problems(write_archive(tmp_path, {P: HEAD + "themes: [a, null]\n"}))
    assert found == [("projects/x.yml:4:13: error: themes[1]: has no value; write the text or remove the item (its '- ' line, "
                     "or its place between the commas)")]


@pytest.mark.parametrize(("value", "message"), [
    ("1,5", "'1,5' is not a number"),  # a decimal comma would otherwise read as fifteen
    ("1,20,0", "'1,20,0' is not a number"),
    ("twenty", "'twenty' is not a number"),
])
def test_a_number_that_could_be_misread_is_refused(tmp_path, value, message):
    found = problems(write_archive(tmp_path, {P: HEAD + f"outputs:\n  - {{measure: M, target: '{value}'}}\n"}))
    assert len(found) == 1 and found[0].startswith("projects/x.yml:5:26: error: outputs[0].target: " + message), found


# --------------------------------------------------------------------------- through mkdocs build

BUILD_CASES = [
    "duplicate key, naming both lines",
    "billion laughs",
    "100 kB of nested brackets",
    "non-UTF-8 bytes",
    "tab indentation",
    "symlink out of the repo",
    "javascript: URL",
    "empty file",
]


def test_every_mistake_fails_one_mkdocs_build_with_its_message_and_no_traceback(tmp_path):
    """BUILD_CASES in one archive (a build reports every record's mistake at once): each case's files,
    its project in a file of its own (projects/x.yml becomes projects/x-N.yml, in its messages too).
    Every case's exact lines are reported, and nothing else."""
    archive = Archive(tmp_path / "archive")
    files: dict[str, str | bytes] = {}
    setups, expected = [], []
    for n, name in enumerate(BUILD_CASES):
        [(case_files, setup, case_expected)] = [m[1:] for m in MISTAKES if m[0] == name]
        own = f"projects/x-{n}.yml"
        for rel, body in case_files.items():
            rel = own if rel == P else rel
            assert rel not in files, f"{name}: {rel} is another case's file"
            files[rel] = body
        expected += [line.replace(P + ":", own + ":") for line in case_expected]
        if setup:
            setups.append(setup)
    write_archive(archive.root, files)
    for setup in setups:
        setup(archive.root)
    result = archive.build()
    assert result.returncode != 0
    lines = result.output.splitlines()
    for line in expected:
        assert line in lines, result.output
    assert sorted(ln for ln in lines if ": error: " in ln) == sorted(expected), result.output
    in_files = len({line.split(":")[0] for line in expected})
    assert f"{len(expected)} errors in {in_files} files; nothing was built" in result.output, result.output
    assert "Traceback" not in result.output
    assert not (archive.root / "site").exists()
    assert not (archive.root / "site.building").exists()


def test_a_symlink_in_docs_fails_the_build_and_is_not_copied(tmp_path):
    """MkDocs would copy the target of a link in docs/ into the site."""
    archive = Archive(tmp_path / "archive")
    write_archive(archive.root, {})
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publishing", encoding="utf-8")
    os.symlink(secret, archive.root / "docs" / "leak.txt")
    result = archive.build()
    assert result.returncode != 0
    assert "docs/leak.txt: error: symbolic links are not allowed in the content folders; copy the real file here" \
        in result.output.splitlines(), result.output
    assert "Traceback" not in result.output
    assert not (archive.root / "site").exists()


def test_the_command_line_fails_with_the_message_and_exit_status_1(tmp_path):
    """``mkdocs build --strict`` itself, in its own process, as a maintainer runs it (the other builds in
    the tests run in this process: conftest.mkdocs_build, which must print and return the same)."""
    [(files, _, expected)] = [m[1:] for m in MISTAKES if m[0] == "impossible date 2024-02-30"]
    archive = Archive(tmp_path / "archive")
    write_archive(archive.root, files)
    proc = subprocess.run([*MKDOCS, "build", "--strict"], cwd=archive.root, env={**os.environ, **BUILD_ENV},
                          capture_output=True, text=True, timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert expected[0] in proc.stderr.splitlines(), output
    assert "1 error in 1 file; nothing was built" in proc.stderr
    assert "Aborted with a BuildError!" in proc.stdout
    assert "Traceback" not in output
    assert not (archive.root / "site").exists() and not (archive.root / "site.building").exists()
    # the in-process build says the same
    result = archive.build()
    assert result.returncode == proc.returncode
    assert [ln for ln in result.output.splitlines() if ": error: " in ln] == \
        [ln for ln in proc.stderr.splitlines() if ": error: " in ln]
    assert "Aborted with a BuildError!" in result.output
