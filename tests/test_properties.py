"""Property-based tests: any text a maintainer can write reaches the page escaped and unchanged.

For every string field of every record kind, hypothesis generates arbitrary text (any
Unicode a record may hold: markup, quotes, ``&``, Jinja delimiters, Markdown characters,
right-to-left text, emoji; up to the field's length), writes it into a record with a real
YAML emitter (``yaml.safe_dump``, which quotes and escapes as needed), loads the archive
with our strict loader and renders the page through the real templates in ``overrides/``
(the pure Python API: no MkDocs). The property:

* the loaded value is exactly what was written (leading and trailing blanks aside);
* the page's visible text contains exactly that value, and the page has exactly the
  elements it has for a harmless value: nothing was injected.

What no record may hold (control characters, bidirectional controls, line separators, a tab in
one-line text) is refused in every field, however YAML writes it, with the field's line
(``test_a_character_no_record_may_hold_is_refused_in_any_field``).

Markdown fields (``sections[].body``) are Markdown, so their text is not shown verbatim;
there the property is that raw HTML never gets through: only Markdown's own elements appear.

A few nasty values also go through one real ``mkdocs build`` (``test_nasty_values_survive_a_real_build``),
because MkDocs puts the page title into its own (non-escaping) templates.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import MAP_DRAWINGS, REPO, Archive, examples, make_pdf, make_png
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from projarchive import strictyaml
from projarchive.catalogue import load_catalogue
from projarchive.files import FactsCache
from projarchive.pages import Settings, render_page, site_pages
from projarchive.problems import ArchiveError, Problems
from projarchive.render import make_environment, markdown_html
from projarchive.router import Router

BUILD_DATE = dt.date(2026, 1, 1)
PLACEHOLDER = "Harmless placeholder 1"  # a digit, so it is also a phone number

# The records of a small archive in which every string field is filled in (and shown).
RECORDS: dict[str, dict[str, Any]] = {
    "projects/p.yml": {
        "title": "Project title",
        "short_title": "Short",
        "start": "2009-04-01",
        "end": "2010-03-31",
        "dates_note": "A note on the dates",
        "summary": "A summary",
        "image": {"file": "images/i.png", "alt": "An image", "credit": "A credit"},
        "themes": ["A theme"],
        "regions": ["A region"],
        "organisations": [{"id": "org", "role": "Lead organisation"}],
        "sections": [{"heading": "A heading", "body": "Some *Markdown*.\n"}],
        "outputs": [{"measure": "People", "target": "20", "achieved": "33", "note": "An output note"}],
        "timeline": [{"date": "2009-09", "text": "Something happened"}],
        "sites": [{"name": "A site", "town": "A town", "lat": "52.66", "lon": "1.37"}],
        "contacts": [{"id": "person", "role": "A role then", "phone": "0161 000"}],
        "resources": ["r"],
        "links": [{"title": "A link", "url": "https://example.org/x"}],
    },
    "contacts/person.yml": {
        "kind": "person", "name": "A person", "organisation": "org", "role": "A role",
        "phone": "0161 111", "note": "A note",
    },
    "contacts/org.yml": {"kind": "organisation", "name": "An organisation", "address": ["1 A Street", "Town"]},
    "resources/r.yml": {
        "title": "A resource", "kind": "toolkit", "summary": "What it is", "licence": "OGL-3.0",
        "files": [{"file": "r/doc.pdf", "title": "The document"}],
    },
}

# (record file, path to the value, page that shows it, how it is shown)
# "text": in the page's visible text; "alt": as an image's alt text.
FIELDS: list[tuple[str, tuple[Any, ...], str, str]] = [
    ("projects/p.yml", ("title",), "projects/p.md", "text"),
    ("projects/p.yml", ("short_title",), "projects/index.md", "text"),
    ("projects/p.yml", ("dates_note",), "projects/p.md", "text"),
    ("projects/p.yml", ("summary",), "projects/p.md", "text"),
    ("projects/p.yml", ("image", "alt"), "projects/p.md", "alt"),
    ("projects/p.yml", ("image", "credit"), "projects/p.md", "text"),
    ("projects/p.yml", ("themes", 0), "projects/p.md", "text"),
    ("projects/p.yml", ("regions", 0), "projects/p.md", "text"),
    ("projects/p.yml", ("organisations", 0, "role"), "projects/p.md", "text"),
    ("projects/p.yml", ("sections", 0, "heading"), "projects/p.md", "text"),
    ("projects/p.yml", ("outputs", 0, "measure"), "projects/p.md", "text"),
    ("projects/p.yml", ("outputs", 0, "note"), "projects/p.md", "text"),
    ("projects/p.yml", ("timeline", 0, "text"), "projects/p.md", "text"),
    ("projects/p.yml", ("sites", 0, "name"), "projects/p.md", "text"),
    ("projects/p.yml", ("sites", 0, "town"), "projects/p.md", "text"),
    ("projects/p.yml", ("contacts", 0, "role"), "projects/p.md", "text"),
    ("projects/p.yml", ("contacts", 0, "phone"), "projects/p.md", "text"),
    ("projects/p.yml", ("links", 0, "title"), "projects/p.md", "text"),
    ("contacts/person.yml", ("name",), "contacts/person.md", "text"),
    ("contacts/person.yml", ("role",), "contacts/person.md", "text"),
    ("contacts/person.yml", ("phone",), "contacts/person.md", "text"),
    ("contacts/person.yml", ("note",), "contacts/person.md", "text"),
    ("contacts/org.yml", ("name",), "contacts/org.md", "text"),
    ("contacts/org.yml", ("address", 0), "contacts/org.md", "text"),
    ("resources/r.yml", ("title",), "resources/r.md", "text"),
    ("resources/r.yml", ("summary",), "resources/r.md", "text"),
    ("resources/r.yml", ("files", 0, "title"), "resources/r.md", "text"),
]
MULTILINE = {("dates_note",), ("summary",), ("note",), ("outputs", 0, "note"), ("timeline", 0, "text")}

NASTY = [
    "<script>alert('x')</script>",
    "</p><img src=x onerror=alert(1)>",
    "\"quotes\" and 'apostrophes' & ampersands &amp; &lt;b&gt;",
    "{{ 7*7 }} {% if true %}jinja{% endif %} {# comment #}",
    "*emphasis* _under_ **strong** `code` [link](javascript:alert(1)) # not a heading",
    "C# toolkit #2",
    "- a list item? 1. or not | table | --- |",
    "עברית ومرحبا mixed with English",
    "right-to-left עברית text, with no direction controls",
    "emoji 👩‍👩‍👧 🏳️‍🌈 and a flag 🇬🇧",
    "a non-breaking\u00a0space",
    "null", "~", "yes", "no", "on", "1.10", "1:20", "01611234567", "2024-02-30", "0x1F", ".inf",
    "key: value", "[a, b]", "{a: b}", "&anchor", "*alias", "!tag", "%directive", "@at", "`back`",
    "<!-- comment --> ]]> <![CDATA[x]]>",
    "\\ backslash \\n not a newline",
]

# Characters a record may hold (the printable set of YAML 1.1: tab, U+0020–U+007E, U+00A0–U+D7FF,
# U+E000–U+FFFD, U+10000 and up, less what no record may hold), without line breaks: "\n" is added by
# the multi-line strategy. NEL (U+0085) and the Unicode line and paragraph separators are line breaks
# to YAML 1.1; they, the control characters (category Cc) and the invisible characters no record may
# hold (bidirectional controls, a byte order mark: projarchive.strictyaml) are refused however written,
# which test_a_character_no_record_may_hold_is_refused_in_any_field proves. Said with categories rather
# than a filter, which made drawing text most of the time of these tests: the surrogates are Cs, and
# Unicode's noncharacters are refused too (strictyaml.NONCHARACTERS).
FORBIDDEN = strictyaml._FORBIDDEN
_INVISIBLE = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_PRINTABLE = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    include_characters="\t",
    exclude_characters="\n\r\x85\u2028\u2029" + _INVISIBLE + strictyaml.NONCHARACTERS,
)
_IN_A_LINE = st.characters(  # one-line text holds no tab
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    exclude_characters="\n\r\x85\u2028\u2029" + _INVISIBLE + strictyaml.NONCHARACTERS,
)

_ONE_LINE = st.one_of(
    st.sampled_from(NASTY),
    st.text(_IN_A_LINE, min_size=1, max_size=60),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(_IN_A_LINE, max_size=20)), min_size=2, max_size=4).map("".join),
)
_MULTI_LINE = st.one_of(
    _ONE_LINE,
    st.text(_PRINTABLE, min_size=1, max_size=60),  # tabs too
    st.lists(_ONE_LINE, min_size=2, max_size=3).map("\n".join),
)


def _shown(value: str) -> bool:
    return bool(value.strip())


def longest(rel: str, path: tuple[Any, ...]) -> int:
    """The most characters the schema lets the field at ``path`` of record ``rel`` hold."""
    from projarchive import schema

    spec: Any = schema.KINDS[{"projects": "project", "contacts": "contact", "resources": "resource"}[rel.split("/")[0]]]
    for part in path:
        if isinstance(part, int):
            spec = spec.item
        else:
            spec = next(f.type for f in spec.fields if f.name == part)
    if isinstance(spec, schema.ListOf):
        spec = spec.item
    return spec.max_length if isinstance(spec, schema.Text) else schema.MAX_PHONE


def within(value: str, limit: int) -> str:
    """``value`` cut to ``limit`` characters (and never blank)."""
    value = value[:limit]
    return value if value.strip() else "x"


def one_line() -> st.SearchStrategy[str]:
    return _ONE_LINE.filter(_shown)


def multi_line() -> st.SearchStrategy[str]:
    return _MULTI_LINE.filter(_shown)


# --------------------------------------------------------------------------- helpers


def squash(s: str) -> str:
    """Collapse HTML whitespace (only ASCII space, tab, CR, LF, FF: what a browser collapses)."""
    return re.sub(r"[ \t\n\r\f]+", " ", s).strip(" ")


def set_at(record: dict[str, Any], path: tuple[Any, ...], value: str) -> dict[str, Any]:
    out = copy.deepcopy(record)
    target: Any = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def get_at(obj: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        obj = obj[part] if isinstance(part, int) or isinstance(obj, dict) else getattr(obj, part)
    return obj


def dump(record: dict[str, Any], *, allow_unicode: bool, style: str | None) -> str:
    return yaml.safe_dump(record, allow_unicode=allow_unicode, default_style=style, sort_keys=False)


def signature(soup: BeautifulSoup) -> list[tuple[str, tuple[str, ...]]]:
    """The page's elements (names and attribute names), in order: what an injection would change."""
    return [(el.name, tuple(sorted(el.attrs))) for el in soup.find_all(True)]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("props")
    for rel, record in RECORDS.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(dump(record, allow_unicode=True, style=None), encoding="utf-8")
    (base / "resources/images").mkdir(parents=True, exist_ok=True)
    (base / "resources/images/i.png").write_bytes(make_png())
    (base / "resources/r").mkdir(parents=True, exist_ok=True)
    (base / "resources/r/doc.pdf").write_bytes(make_pdf(1))
    return base


ENV = make_environment([str(REPO / "overrides")])


@pytest.fixture(scope="module", autouse=True)
def _maps_drawn_once():
    """The maps of these pages drawn once (conftest.MAP_DRAWINGS): the places never change here, and
    drawing them again for every example was half of these tests' time."""
    with MAP_DRAWINGS.installed():
        yield


# page counts of the one PDF, remembered in memory (as a build remembers them in its cache file):
# these tests change text, and would otherwise have pypdf read the same PDF for every example
PDF_FACTS = FactsCache(None)


ROUTER = Router()
# A page's HTML is a function of its model (template and context) and its URL: ``render_page`` with the
# same model gives the same page. What each page of the reference rendering was made from, by page:
Rendered = dict[str, tuple[str, dict[str, Any], str]]  # src -> (template, context, html)


def render(root: Path, reference: Rendered | None = None) -> tuple[Any, Rendered]:
    """Load the archive under ``root`` and make every page; returns the catalogue and, by page, its model
    and HTML. A page whose model is that of the same page in ``reference`` (it does not show the field
    being tried) is not rendered again: its HTML is the reference's, as rendering would give it."""
    cat = load_catalogue(str(root), build_date=BUILD_DATE, facts_cache=PDF_FACTS)
    pages: Rendered = {}
    for spec in site_pages(cat, Settings()):
        before = reference.get(spec.src) if reference else None
        if before is not None and before[0] == spec.template and before[1] == spec.context:
            pages[spec.src] = before
        else:
            html = render_page(ENV, spec.template, spec.context, ROUTER.url(spec.src), ROUTER.url)
            pages[spec.src] = (spec.template, spec.context, html)
    return cat, pages


_FACTS: dict[str, tuple[str, bool]] = {}


def facts(html: str, soup: BeautifulSoup | None = None) -> tuple[str, bool]:
    """A rendered page's ``signature`` (as a string) and whether it has a <script>, from its parsed HTML
    (``soup``, if the caller has parsed it already). Parsed once per distinct HTML: most pages do not
    show the field being tried and come out the same for every value, and parsing every page of every
    example was most of the time of these tests."""
    found = _FACTS.get(html)
    if found is None:
        soup = soup or BeautifulSoup(html, "html.parser")
        found = _FACTS[html] = (repr(signature(soup)), soup.find("script") is not None)
    return found


def record_of(cat: Any, rel: str) -> Any:
    folder, name = rel.split("/")
    return {"projects": cat.projects, "contacts": cat.contacts, "resources": cat.resources}[folder][name[:-4]]


REFERENCE: dict[tuple[str, tuple[Any, ...]], Rendered] = {}


def check_round_trip(root: Path, rel: str, path: tuple[Any, ...], page: str, how: str, value: str,
                     allow_unicode: bool, style: str | None) -> None:
    original = (root / rel).read_text(encoding="utf-8")
    try:
        # the reference rendering: every page with a harmless value in this field (once per field)
        if (rel, path) not in REFERENCE:
            (root / rel).write_text(dump(set_at(RECORDS[rel], path, PLACEHOLDER), allow_unicode=True, style=None),
                                    encoding="utf-8")
            REFERENCE[(rel, path)] = render(root)[1]
        reference = REFERENCE[(rel, path)]
        written = dump(set_at(RECORDS[rel], path, value), allow_unicode=allow_unicode, style=style)
        (root / rel).write_text(written, encoding="utf-8")

        # 1. our loader reads back exactly what the emitter wrote
        problems = Problems()
        doc = strictyaml.parse(written, rel, problems)
        assert doc is not None and not problems, problems.report()
        assert get_at(doc.data, path) == value, written

        # 2. the record holds the value (blanks at either end aside), and 3. the page shows it
        try:
            cat, made = render(root, reference)
        except ArchiveError as e:  # pragma: no cover - a failure here is the finding
            pytest.fail(f"a valid value was rejected:\n{e}\n--- record:\n{written}")
        pages = {src: html for src, (_, _, html) in made.items()}
        assert any(made[src] is not reference.get(src) for src in made), "no page shows the field"
        soup = BeautifulSoup(pages[page], "html.parser")
        facts(pages[page], soup)  # the same parse serves the element check below
        assert get_at(record_of(cat, rel), path) == value.strip()
        if how == "alt":
            [img] = soup.find_all("img")
            assert img["alt"] == value.strip()
        else:
            assert squash(value.strip()) in squash(soup.get_text()), (value, squash(soup.get_text()))
        # 4. no page (the record's own, listings, pages that mention it) gained or lost an element
        # (sorted: a new name may move a page in the order of listings)
        assert sorted(facts(p)[0] for p in pages.values()) == sorted(facts(html)[0] for _, _, html in reference.values()), \
            "the value added or removed elements"
        assert not any(facts(p)[1] for p in pages.values())
    finally:
        (root / rel).write_text(original, encoding="utf-8")


# --------------------------------------------------------------------------- the properties

COMMON = settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@pytest.mark.parametrize(("rel", "path", "page", "how"), FIELDS,
                         ids=[f"{rel.split('/')[0]}.{'.'.join(map(str, path))}" for rel, path, _, _ in FIELDS])
@COMMON
@given(data=st.data(), allow_unicode=st.booleans(), style=st.sampled_from([None, '"', "'"]))
@example(data=None, allow_unicode=True, style=None)
def test_any_text_in_any_field_reaches_the_page_escaped_and_unchanged(root, rel, path, page, how, data,
                                                                      allow_unicode, style):
    if data is None:  # the explicit example: every nasty value at once (as many as the field may hold)
        value = " ".join(v for v in NASTY if "\n" not in v)
    else:
        value = data.draw(multi_line() if path in MULTILINE else one_line(), label="value")
    if path[-1] == "phone":
        value = "0161 " + value  # a phone number needs a digit; the rest is arbitrary
    value = within(value, longest(rel, path))
    check_round_trip(root, rel, path, page, how, value, allow_unicode, style)


ALLOWED_MARKDOWN = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "h3", "h4", "h5", "h6",
                    "blockquote", "hr", "br", "table", "thead", "tbody", "tr", "th", "td", "span"}


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(st.one_of(st.sampled_from(NASTY + [
    "<b>bold</b>", "<div onclick=x>", "<a href='javascript:alert(1)'>x</a>", "<svg/onload=alert(1)>",
    "<iframe src=//evil>", "[x](javascript:alert(1))", "![img](https://evil.example/x.png)",
    "<https://example.org>", "<mailto:a@b.c>", "[x]: javascript:alert(1)\n\n[y][x]", "```\n<script>\n```",
    "    <script>indented</script>", "> <style>*{}</style>", "| a | <b>b</b> |\n|---|---|\n| 1 | 2 |",
    "<details open ontoggle=alert(1)>", "&#60;script&#62;", "<!-- x -->", "<?php ?>",
]), st.text(_PRINTABLE, max_size=30)), min_size=1, max_size=6).map("\n".join))
def test_markdown_bodies_never_let_raw_html_through(body):
    soup = BeautifulSoup(str(markdown_html(body + "\n")), "html.parser")
    for el in soup.find_all(True):
        assert el.name in ALLOWED_MARKDOWN, (el.name, body)
        for attr, value in el.attrs.items():
            assert attr in ("href", "title", "id", "rel", "class", "align", "start", "style") and not \
                attr.startswith("on"), (attr, body)
            if attr == "href":
                assert re.match(r"^(https?://|mailto:|#|[A-Za-z0-9_./~%-])", value) or value == "", (value, body)
            if attr == "style":  # only Markdown's own table alignment
                assert re.fullmatch(r"text-align: (left|right|center);", value), (value, body)


_TARGET = st.sampled_from(["https://example.org/a", "http://x.org/a_(b)", "page.md#x", "#top", "javascript:x",
                           " JaVaScRiPt:x", "<java script:x>", "data:text/html,x", "//evil.example", "\\\\evil",
                           "mailto:a@b.org", "mailto:a@b.org?cc=c@d.org", "https://x.org/?e=a%40b.org",
                           "https://x.org/&#64;", "<https://x.org>", "vbscript:y", "a@b.org", "ftp://x"])
_LINKISH = st.lists(st.one_of(
    st.builds(lambda t: f"[text]({t})", _TARGET), st.builds(lambda t: f"![alt]({t})", _TARGET),
    st.builds(lambda t: f"[a][1]\n\n[1]: {t}", _TARGET), st.builds(lambda t: f"<{t}>", _TARGET),
    st.builds(lambda t: f"- item\n\n    [2]: {t}\n\n    [b][2]", _TARGET),
    st.text(st.sampled_from("[]()<>:!#/ x\n"), max_size=12)), min_size=1, max_size=4).map(" ".join)


@settings(max_examples=examples(300), deadline=None)
@given(_LINKISH)
def test_the_quick_look_at_links_never_misses_what_rendering_finds(text):
    """Validation renders a Markdown text only when a link in it might be dropped (render._plainly_safe);
    whatever the full rendering would report, the quick look must not have passed as safe."""
    from projarchive.render import link_problems

    assert link_problems(text) == link_problems(text, quick=False), text


def test_raw_html_in_markdown_is_shown_as_text():
    soup = BeautifulSoup(str(markdown_html("Raw <b>bold</b> and <script>alert(1)</script>\n\n<div>block</div>\n")),
                         "html.parser")
    assert soup.find("b") is None and soup.find("script") is None and soup.find("div") is None
    assert squash(soup.get_text()) == "Raw <b>bold</b> and <script>alert(1)</script> <div>block</div>"


# every character no record may hold, typed in where YAML lets it be typed, otherwise as YAML's escape
# (found when first drawn, not at import: every worker imports this module; and by one pass of the
# pattern over a string of every code point, where a match per character took a second)
def _refused_characters() -> st.SearchStrategy[str]:
    import array

    every = array.array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")
    return st.sampled_from(sorted({c for c in FORBIDDEN.findall(every) if not 0xD800 <= ord(c) <= 0xDFFF}))


_REFUSED_CHARACTERS = st.deferred(_refused_characters)


@pytest.mark.parametrize(("rel", "path", "page", "how"), FIELDS,
                         ids=[f"{rel.split('/')[0]}.{'.'.join(map(str, path))}" for rel, path, _, _ in FIELDS])
@settings(max_examples=examples(6), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(char=_REFUSED_CHARACTERS, where=st.integers(0, 3), allow_unicode=st.booleans(),
       style=st.sampled_from([None, '"']))
def test_a_character_no_record_may_hold_is_refused_in_any_field(root, rel, path, page, how, char, where,
                                                                allow_unicode, style):
    """However the emitter writes it (raw, or as an escape such as \\x1b or \\u202e), the value is refused at
    its own line, naming the field and the character: never published, never a traceback."""
    value = "0161 text"[:where] + char + "0161 text"[where:]
    written = dump(set_at(RECORDS[rel], path, value), allow_unicode=allow_unicode, style=style)
    original = (root / rel).read_text(encoding="utf-8")
    try:
        (root / rel).write_text(written, encoding="utf-8")
        with pytest.raises(ArchiveError) as e:
            load_catalogue(str(root), build_date=BUILD_DATE)
    finally:
        (root / rel).write_text(original, encoding="utf-8")
    found = [p for p in e.value.problems.sorted() if p.path == rel]
    field = ".".join(str(p) for p in path).replace(".0", "[0]")
    code = f"U+{ord(char):04X}"
    assert any(p.field == field and code in p.message and "is not allowed" in p.message and p.line
               for p in found), (written, [str(p) for p in found])


# --------------------------------------------------------------------------- through MkDocs itself

BUILD_VALUES = {
    ("projects/p.yml", ("title",)): "Title <script>alert('t')</script> & {{ x }} {% raw %} עברית RTL 👩‍👩‍👧 ' \"",
    ("projects/p.yml", ("short_title",)): "<b>short</b> & \"co\"",
    ("projects/p.yml", ("summary",)): "Summary </p><img src=x onerror=alert(1)> &amp; *not emphasis*",
    ("projects/p.yml", ("sections", 0, "heading")): "Heading <i>x</i> {{ page.title }} C# #2",
    ("projects/p.yml", ("themes", 0)): "<script>theme</script>",
    ("contacts/person.yml", ("name",)): "Name <script>n()</script> O'Brien & \"Sons\"",
    ("resources/r.yml", ("title",)): "Resource {% if 1 %}x{% endif %} <svg onload=1>",
}


def test_nasty_values_survive_a_real_build(tmp_path):
    archive = Archive(tmp_path / "archive")
    records = copy.deepcopy(RECORDS)
    for (rel, path), value in BUILD_VALUES.items():
        records[rel] = set_at(records[rel], path, value)
    for rel, record in records.items():
        archive.write(rel, dump(record, allow_unicode=True, style=None))
    archive.write_bytes("resources/images/i.png", make_png())
    archive.write_bytes("resources/r/doc.pdf", make_pdf(1))
    result = archive.build()
    assert result.ok, result.output
    pages = {"projects/p.yml": "projects/p/", "contacts/person.yml": "contacts/person/", "resources/r.yml": "resources/r/"}
    for (rel, path), value in BUILD_VALUES.items():
        url = "projects/" if path == ("short_title",) else pages[rel]
        soup = result.html(url)
        assert squash(value) in squash(result.article(url).get_text()), (path, value)
        if path in (("title",), ("name",)):
            assert squash(soup.title.get_text()).startswith(squash(value)), soup.title
    for page in sorted(result.site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in soup.find_all(["b", "i", "svg", "img"]):
            assert el.name != "b" and el.name != "i", (page, el)
            assert not any(a.startswith("on") for a in el.attrs), (page, el)
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # data, not run (#5): record text, < > & escaped
                assert not re.search(r"[<>&]", script.get_text()), page
                continue
            assert "alert(" not in script.get_text() and "n()" not in script.get_text(), page
    shutil.rmtree(archive.root / "site")


# --------------------------------------------------------------------------- the loader alone

# any key but '<<', YAML's merge key, which the loader refuses by design (test_strictyaml has the case)
_KEYS = st.text(_PRINTABLE, max_size=15).filter(lambda key: key != "<<")
_VALUES = st.recursive(
    st.none() | st.text(_PRINTABLE | st.just("\n"), max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=examples(150), deadline=None)
@given(data=st.dictionaries(_KEYS, _VALUES, max_size=6),
       allow_unicode=st.booleans(), style=st.sampled_from([None, '"', "'"]), flow=st.sampled_from([None, True, False]))
def test_the_loader_reads_back_exactly_what_a_yaml_emitter_wrote(data, allow_unicode, style, flow):
    """Any nesting of text, lists and mappings, however the emitter quotes, folds or nests it,
    comes back unchanged: every value a string (or None for null), nothing typed, nothing lost."""
    if style and "None" in repr(data):  # a forced style writes null as `!!null "null"`, a tag we refuse
        style = None
    text = yaml.safe_dump(data, allow_unicode=allow_unicode, default_style=style, default_flow_style=flow)
    problems = Problems()
    doc = strictyaml.parse(text, "x.yml", problems)
    if not data:  # "{}": a document with no keys is not a record (reported as empty or not a mapping)
        return
    assert doc is not None and not problems, (problems.report(), text)
    assert doc.data == data, text


_SEGMENT = st.sampled_from(["projects", "a", "b", "page", "2", "files", "x.pdf", "index.html", ".", "..", ""])


@given(st.lists(_SEGMENT, max_size=5), st.lists(_SEGMENT, max_size=5))
def test_fast_relpath_agrees_with_posixpath(to, frm):
    import posixpath

    from projarchive.render import _relpath

    path, start = "/" + "/".join(to), "/" + "/".join(frm)
    assert _relpath(path, start) == posixpath.relpath(path, start)
