"""The maintainer guide (docs/maintainers.md) keeps up with the code.

* every error message the checks can give is listed and explained in the guide, and the
  guide lists no message the code no longer gives: a new error cannot be added without
  documenting it;
* every key has a meaning and an example in the generated key reference;
* the guide, built into the site, shows the key tables and the message list.
"""

from __future__ import annotations

import ast
import re

import pytest
from conftest import REPO, text

from projarchive.schema import key_reference

GUIDE = REPO / "docs" / "maintainers.md"
SECTION = "## Every error message"

# Where messages are made: (module, call name -> index of the message argument).
MODULES = ("strictyaml", "schema", "catalogue", "files", "dates", "news", "publish", "pages", "session", "render",
           "privacy", "platforms")
CALLS = {"Invalid": 0, "ValueError": 0, "add": 4, "report": 1, "error": 1, "BuildError": 0}
# files.py and the catalogue's reference check return their messages (``return None, f"..."``) instead of reporting them
RETURNING = {("files", "check_relative_path"), ("files", "resolve"), ("files", "measure"),
             ("catalogue", "_reference_problem"), ("publish", "site_problem"),
             ("strictyaml", "forbidden_character"), ("schema", "mailto_problem"), ("schema", "_unknown_key"),
             ("files", "_facts"), ("pages", "_setting_problem"), ("render", "_unsafe_target"),
             ("render", "bracket_problem"), ("platforms", "environment_problem")}
# functions that collect their messages in a list (``problems.append(f"...")``) and raise them together
APPENDING = {("session", "generated_files"), ("session", "check_published_files"), ("render", "run"),
             ("privacy", "_attributes")}
# (the build session's other errors are about the site generator and its plugins, not about what a
# maintainer writes: they are not in the guide; render and privacy report what validation finds in Markdown)
ONLY = {"session": {"generated_files", "check_published_files"}, "render": {"run", "_unsafe_target", "bracket_problem"},
        "privacy": {"_attributes"}}


def _template(node: ast.AST) -> str:
    """A message as the guide writes it: every value filled in at run time becomes '…'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_template(v) if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _template(node.left) + _template(node.right)
    return "…"


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str)


def message_templates() -> set[str]:
    """Every error message in the checks, found by reading their source."""
    found: set[str] = set()
    for module in MODULES:
        tree = ast.parse((REPO / "src" / "projarchive" / f"{module}.py").read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef) or module in ONLY and fn.name not in ONLY[module]:
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in CALLS and len(node.args) > CALLS[name]:
                        found.add(_template(node.args[CALLS[name]]))
                    elif name == "append" and (module, fn.name) in APPENDING and node.args and _is_text(node.args[0]):
                        found.add(_template(node.args[0]))
                elif isinstance(node, ast.Return) and node.value is not None:
                    if fn.name == "_hint":  # the hints that follow "this is not valid YAML: …"
                        found.add("this is not valid YAML: …" + _template(node.value))
                    elif (module, fn.name) in RETURNING:
                        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                        found.update(_template(v) for v in values if _is_text(v))
                elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "err" for t in node.targets) \
                        and _is_text(node.value):
                    found.add(_template(node.value))
    # '…' alone passes on a message made elsewhere (already collected there)
    return {re.sub("…+", "…", t) for t in found} - {"…"}


def guide_entries() -> list[str]:
    """The messages listed in the guide's "Every error message" tables (first cell of each row)."""
    guide = GUIDE.read_text(encoding="utf-8")
    assert SECTION in guide
    section = guide.split(SECTION, 1)[1].split("\n## ", 1)[0]
    entries = []
    for line in section.splitlines():
        m = re.match(r"^\| (``?) ?(.+?) ?\1 \|", line)
        if m:
            entries.append(m.group(2))
    return entries


def test_the_collector_finds_messages_of_every_kind():
    """A guard on the guard: the source reader sees messages made in each way the code makes them."""
    templates = message_templates()
    for expected in (
        "duplicate key '…' (first given on line …); keep one and delete the other",  # self.error / problems.add
        "missing required key '…' (…)",  # ctx.report
        "'…' is not a real date: … … has … days",  # ValueError in dates
        "'…' is not an email address (expected name@example.org)",  # Invalid
        "'…' contains a backslash; use forward slashes (/)",  # returned by files.check_relative_path
        "'…' is a …, not an image",  # err = ... in catalogue
        "record files end in '.yml'; rename it to ….yml",  # string concatenation
        "this is not valid YAML: … (a value containing \": \" must be put in quotes)",  # _hint
    ):
        assert expected in templates, expected
    assert len(templates) > 60


def test_every_error_message_is_explained_in_the_guide():
    entries = set(guide_entries())
    missing = sorted(message_templates() - entries)
    assert missing == [], "add these messages to the 'Every error message' section of docs/maintainers.md:\n" + \
        "\n".join(missing)


def test_the_guide_lists_no_message_the_code_no_longer_gives():
    stale = sorted(set(guide_entries()) - message_templates())
    assert stale == [], "these messages in docs/maintainers.md are no longer given; remove or update them:\n" + \
        "\n".join(stale)


def test_every_message_entry_says_what_to_do():
    guide = GUIDE.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = [ln for ln in guide.splitlines() if re.match(r"^\| ``? ?", ln)]
    assert rows
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip("|"))]
        explanation = cells[-1]
        assert len(explanation) > 25, row


def test_every_key_has_a_meaning_and_an_example():
    for kind, rows in key_reference():
        for name, f in rows:
            assert f.doc, f"{kind}.{name} has no meaning in projarchive.schema"
            assert f.example, f"{kind}.{name} has no example in projarchive.schema"


def test_the_guide_has_the_step_by_step_and_the_tools():
    guide = GUIDE.read_text(encoding="utf-8")
    headings = re.findall(r"(?m)^## (.+)$", guide)
    assert "Adding a project, step by step" in headings
    assert headings[-1] == "Every key", "the generated key tables are appended after the last section"
    steps = guide.split("## Adding a project, step by step", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"(?m)^\d+\. ", steps)) >= 5


@pytest.fixture(scope="module")
def guide_page(sample):
    assert sample.ok, sample.output
    return sample.article("maintainers/")


def test_the_built_guide_shows_every_key_and_every_message(guide_page):
    for kind in ("project", "contact", "resource"):
        assert guide_page.select_one(f"h3#keys-{kind}") is not None, kind
    shown = {text(code) for code in guide_page.select("table th[scope=row] code")}
    for kind, rows in key_reference():
        for name, _ in rows:
            assert name in shown, name
    page_text = text(guide_page)
    for entry in guide_entries():
        assert " ".join(entry.split()) in page_text, entry


def test_links_to_the_key_tables_reach_them_and_the_build_says_nothing_of_them(sample, guide_page):
    """The key tables are added to the guide after MkDocs read it; links to their headings
    (``#keys-licences``) must still count as good, or every build says they lead nowhere."""
    links = {a["href"][1:] for a in guide_page.select('a[href^="#keys-"]')}
    assert "keys-licences" in links
    for anchor in links:
        assert guide_page.select_one(f'[id="{anchor}"]') is not None, anchor
    assert "no such anchor" not in sample.output, sample.output
