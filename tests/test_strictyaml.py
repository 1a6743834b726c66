"""The strict YAML reader: every scalar is text, and every risky YAML feature is an error with a position."""

from __future__ import annotations

import time

import pytest

from projarchive.problems import Problems
from projarchive.strictyaml import Mark, decode, load_file, parse


def read(text: str):
    problems = Problems()
    doc = parse(text, "projects/x.yml", problems)
    return doc, [str(p) for p in problems.sorted()]


def data(text: str) -> dict:
    doc, errors = read(text)
    assert errors == [] and doc is not None
    return doc.data


def only_error(text: str) -> str:
    doc, errors = read(text)
    assert doc is None, f"{text!r} was accepted as {doc and doc.data}"
    assert len(errors) == 1, errors
    return errors[0]


# --------------------------------------------------------------------------- scalars stay text


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("status: no", "status", "no"),
        ("status: yes", "status", "yes"),
        ("flag: off", "flag", "off"),
        ("flag: True", "flag", "True"),
        ("version: 1.10", "version", "1.10"),
        ("phone: 01611234567", "phone", "01611234567"),
        ("octal: 0o17", "octal", "0o17"),
        ("hex: 0x1F", "hex", "0x1F"),
        ("duration: 1:20", "duration", "1:20"),
        ("count: 20", "count", "20"),
        ("big: 1e3", "big", "1e3"),
        ("nan: .nan", "nan", ".nan"),
        ("inf: .inf", "inf", ".inf"),
        ("start: 2009-04-01", "start", "2009-04-01"),
        ("when: 2001-12-14t21:59:43.10-05:00", "when", "2001-12-14t21:59:43.10-05:00"),
        ("country: NO", "country", "NO"),
        ("title: Rhifedd i “bawb” £5 café", "title", "Rhifedd i “bawb” £5 café"),
        ('quoted: "1.10"', "quoted", "1.10"),
        ("single: 'no'", "single", "no"),
        ("empty_quoted: ''", "empty_quoted", ""),
        ("null_quoted: 'null'", "null_quoted", "null"),
        ('tilde_quoted: "~"', "tilde_quoted", "~"),
    ],
)
def test_every_scalar_stays_a_string(line, key, value):
    got = data(line + "\n")[key]
    assert got == value
    assert type(got) is str


@pytest.mark.parametrize("line", ["a: null", "a: Null", "a: NULL", "a: ~", "a:", "a:   "])
def test_plain_null_is_none(line):
    assert data(line + "\nb: x\n") == {"a": None, "b": "x"}


def test_nested_values_are_strings_lists_and_dicts():
    got = data(
        "title: T\n"
        "themes: [mental health, 2010, no]\n"
        "outputs:\n"
        "  - {measure: People, target: 20, achieved: 33}\n"
        "body: |\n"
        "  line one\n"
        "  line two\n"
    )
    assert got == {
        "title": "T",
        "themes": ["mental health", "2010", "no"],
        "outputs": [{"measure": "People", "target": "20", "achieved": "33"}],
        "body": "line one\nline two\n",
    }


def test_a_bom_is_accepted():
    problems = Problems()
    text = decode("\ufefftitle: Café\n".encode("utf-8"), "projects/x.yml", problems)
    assert not problems
    doc = parse(text, "projects/x.yml", problems)
    assert doc is not None and doc.data == {"title": "Café"}
    assert doc.marks[("title",)] == Mark(1, 8)


# --------------------------------------------------------------------------- rejected YAML features


@pytest.mark.parametrize(
    ("text", "prefix", "fragment"),
    [
        # anchors, aliases, merge keys, tags
        ("a: &x 1\nb: *x\n", "projects/x.yml:1:4:", "anchors (&x) are not allowed"),
        ("a: *x\n", "projects/x.yml:1:4:", "aliases (*x) are not allowed"),
        ("base: {d: 2}\nc:\n  <<: {d: 3}\n", "projects/x.yml:3:3:", "merge keys (<<) are not allowed"),
        ("a: !!str 1\n", "projects/x.yml:1:4:", "tags (!!str) are not allowed"),
        ("a: !custom 1\n", "projects/x.yml:1:4:", "tags (!custom) are not allowed"),
        ("a: !!python/object:os.system x\n", "projects/x.yml:1:4:", "are not allowed"),
        # shape of the document
        ("- a\n- b\n", "projects/x.yml:1:1:", "not a list"),
        ("just text\n", "projects/x.yml:1:1:", "must be keys and values"),
        ("a: 1\n---\nb: 2\n", "projects/x.yml:2:1:", "exactly one document"),
        ("? [a, b]\n: 1\n", "projects/x.yml:1:3:", "a key must be a plain word"),
        # tabs
        ("a:\n\tb: 1\n", "projects/x.yml:2:1:", "tab used for indentation"),
        ("a:\n  \tb: 1\n", "projects/x.yml:2:3:", "tab used for indentation"),
        # empty files
        ("", "projects/x.yml:1:1:", "the file is empty"),
        ("   \n\n", "projects/x.yml:1:1:", "the file is empty"),
        ("# only a comment\n\n  # and another\n", "projects/x.yml:1:1:", "the file is empty"),
        # syntax errors keep their position and get a hint
        ("title: a: b\n", "projects/x.yml:1:9:", "must be put in quotes"),
        ("a: [1, 2\n", "projects/x.yml:2:1:", "this is not valid YAML"),
    ],
)
def test_rejected_with_position(text, prefix, fragment):
    error = only_error(text)
    assert error.startswith(prefix + " error: "), error
    assert fragment in error


@pytest.mark.parametrize(
    ("text", "prefix", "fragment", "kept"),
    [
        ("title: A\nstart: 2009\ntitle: B\n", "projects/x.yml:3:1:", "duplicate key 'title' (first given on line 1)",
         {"title": "A", "start": "2009"}),
        ("a:\n  b: 1\n  c: 2\n  b: 3\n", "projects/x.yml:4:3:", "duplicate key 'b' (first given on line 2)",
         {"a": {"b": "1", "c": "2"}}),
        ("a: {b: 1, b: 2}\n", "projects/x.yml:1:11:", "duplicate key 'b' (first given on line 1)", {"a": {"b": "1"}}),
        ("a: 1\na:\n  - {x: 1}\n  - [y]\nb: 2\n", "projects/x.yml:2:1:", "duplicate key 'a' (first given on line 1)",
         {"a": "1", "b": "2"}),
    ],
)
def test_a_duplicate_key_names_both_lines_and_reading_goes_on(text, prefix, fragment, kept):
    """The second value is dropped from the data, but the error fails the build; reading on lets the
    file's other mistakes be reported in the same run."""
    doc, errors = read(text)
    assert len(errors) == 1 and errors[0].startswith(prefix + " error: ") and fragment in errors[0], errors
    assert doc is not None and doc.data == kept


def test_non_utf8_bytes_report_the_byte_offset():
    problems = Problems()
    raw = b"title: ok\nname: caf\xe9\n"
    assert decode(raw, "contacts/x.yml", problems) is None
    [error] = [str(p) for p in problems.sorted()]
    assert error.startswith("contacts/x.yml:2:10: error: ")
    assert "byte 0xe9 at offset 19" in error
    assert "UTF-8" in error


def test_load_file_reports_bad_bytes_with_the_shown_path(tmp_path):
    path = tmp_path / "x.yml"
    path.write_bytes(b"title: \xff\xfe\n")
    problems = Problems()
    assert load_file(str(path), "projects/x.yml", problems) is None
    assert str(problems.sorted()[0]).startswith("projects/x.yml:1:8: error: the file is not valid UTF-8")


def test_a_huge_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "x.yml"
    path.write_bytes(b"a: " + b"x" * 1_100_000 + b"\n")
    problems = Problems()
    assert load_file(str(path), "projects/x.yml", problems) is None
    assert "may be at most" in str(problems.sorted()[0])


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 50_000 + "]" * 50_000 + "\n",  # 100 kB of nested brackets
        "a: " + "{b: " * 25_000 + "\n",
        "a: " + "[" * 100_000 + "\n",  # never closed
        "a:\n" + "- " * 50_000 + "x\n",  # deep block sequences
        "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)),  # deep block mappings
    ],
)
def test_pathological_nesting_is_rejected_quickly(text):
    t0 = time.perf_counter()
    doc, errors = read(text)
    elapsed = time.perf_counter() - t0
    assert doc is None
    assert len(errors) == 1 and "more than 32 levels deep" in errors[0]
    assert elapsed < 1.0


def test_nesting_within_the_bound_is_fine():
    got = data("a: " + "[" * 30 + "x" + "]" * 30 + "\n")
    value = got["a"]
    for _ in range(30):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == "x"


# --------------------------------------------------------------------------- positions


def test_line_and_column_of_nested_values_and_keys():
    text = (
        "title: Take Ten\n"                  # 1
        "sections:\n"                        # 2
        "  - heading: Aims\n"                # 3
        "    body: |\n"                      # 4
        "      Text\n"                       # 5
        "  - heading: 'Who'\n"               # 6
        "contacts:\n"                        # 7
        "  - {id: catina-barrett, role: X}\n"  # 8
        "themes: [a,  b]\n"                  # 9
    )
    doc, errors = read(text)
    assert errors == []
    assert doc.marks[("title",)] == Mark(1, 8)
    assert doc.marks[("sections", 0)] == Mark(3, 5)
    assert doc.marks[("sections", 0, "heading")] == Mark(3, 14)
    assert doc.marks[("sections", 0, "body")] == Mark(4, 11)
    assert doc.marks[("sections", 1, "heading")] == Mark(6, 14)
    assert doc.marks[("contacts", 0, "id")] == Mark(8, 10)
    assert doc.marks[("contacts", 0, "role")] == Mark(8, 32)
    assert doc.marks[("themes", 1)] == Mark(9, 14)
    assert doc.key_marks[("sections", 1, "heading")] == Mark(6, 5)
    assert doc.key_marks[("contacts", 0, "role")] == Mark(8, 26)
    # an unknown path falls back to the nearest enclosing value
    assert doc.mark(("contacts", 0, "email")) == Mark(8, 5)


def test_crlf_line_endings_give_the_same_positions():
    doc, errors = read("title: A\r\nstart: 2009-04-01\r\n")
    assert errors == []
    assert doc.data == {"title": "A", "start": "2009-04-01"}
    assert doc.marks[("start",)] == Mark(2, 8)


def test_text_cut_short_by_a_comment_is_remembered():
    doc, errors = read("title: C# toolkit #2\nsummary: 'quoted # kept'\n")
    assert errors == []
    assert doc.data == {"title": "C# toolkit", "summary": "quoted # kept"}
    assert doc.comments == {("title",): "#2"}


def test_a_tab_inside_block_text_is_content_not_indentation():
    assert data("body: |\n  Columns:\n  \tone\ttwo\n") == {"body": "Columns:\n\tone\ttwo\n"}


def test_every_character_yamls_reader_refuses_is_one_no_record_may_hold():
    """libyaml stops reading at a character YAML does not allow in a file; the report names it with the message
    the value check gives (the reader's refusal has no message of its own)."""
    import re

    import yaml

    from projarchive.strictyaml import _FORBIDDEN, forbidden_character

    refused = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern)
    unreadable = [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and refused.match(chr(c))]
    assert len(unreadable) > 60 and 0xFFFE in unreadable and 0x1B in unreadable
    assert [f"U+{c:04X}" for c in unreadable if not _FORBIDDEN.match(chr(c)) or not forbidden_character(chr(c))] == []
    for char, code in (("\x1b", "U+001B"), ("\ufffe", "U+FFFE")):
        problems = Problems()
        assert parse(f"title: A{char}B\n", "projects/x.yml", problems) is None
        [problem] = problems.sorted()
        assert (problem.line, problem.column, problem.message) == (1, 9, forbidden_character(char))
        assert code in problem.message
