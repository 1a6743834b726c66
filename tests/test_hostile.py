"""Issue #11: hostile files and extreme values, tried as an attacker and as a careless maintainer would.

Every case is refused with a located, actionable message (the whole report line is asserted, and
that it is the only one), or kept exactly as written. The cases run through the loader that both
``projarchive-validate`` and the build use; then one archive holding many of them at once goes
through a real ``mkdocs build`` and ``projarchive-validate``: every message, no traceback, and the
other mistakes still reported. (Publishing under concurrent builds and kills: test_publishing.py.)
"""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EPOCH, MKDOCS, SITE_PATH, Archive, host_at_site_path, make_pdf, snapshot
from test_schema import BUILD_DATE, problems, write_archive

from projarchive.catalogue import load_catalogue
from projarchive.cli import validate
from projarchive.exports import export_files
from projarchive.pdfpages import PageCounter, count_pages
from projarchive.problems import BuildError
from projarchive.router import Router
from projarchive.svg import svg_problem

HEAD = "title: X\nstart: 2009-04-01\nsummary: S.\n"
P = "projects/x.yml"


def resource(path: str) -> dict[str, str]:
    return {"resources/r.yml": f"title: R\nkind: report\nfiles:\n  - file: {path}\n    title: T\n"}


def section(body: str) -> str:
    return HEAD + f"sections:\n  - heading: H\n    body: {body}\n"


SAME_LINE_TEXT = "is not allowed in a record; delete it (it often comes with text pasted from another program)"
BIDI = ("is not allowed: it changes the order in which the text around it is shown; delete it (pages set the "
        "direction of text themselves)")
NONCHARACTER = ("is not allowed in a record: it is not text, and programs that read the site's feed and exports "
                "refuse it; delete it")
SLOW_BRACKETS = ("would make Markdown search the rest of the paragraph for the end of a link at each of them, "
                 "which can take minutes: close each bracket you open, or write \\[ where a bracket is not part of a link")
MAILTO = ("a mailto: link may give a subject (?subject=…) but no copies (cc, bcc), message body or other "
          "parameters: remove it")
UNSAFE_LINK = "cannot be published: a link must be an https://, http:// or mailto: address, or lead to a page of this site"
ACTIVE = ("which would run as part of the archive's own site if published; publish it as a PDF, or link to where it is "
          "published with the resource's url")

# (name, files, the exact report)
REFUSED = [
    # ---- numbers (issue item 5)
    ("a figure of 4,301 digits", {P: HEAD + "outputs:\n  - {measure: M, achieved: " + "9" * 4301 + "}\n"}, [
        "projects/x.yml:5:28: error: outputs[0].achieved: '999999999999999999999999999999… (4,301 characters)' has "
        "4,301 digits before the point; a figure may have at most 15 (check for digits typed twice, or write the "
        "number in 'note')"]),
    ("1 and 400 zeros and .5", {P: HEAD + "outputs:\n  - {measure: M, target: 1" + "0" * 400 + ".5}\n"}, [
        "projects/x.yml:5:26: error: outputs[0].target: '100000000000000000000000000000… (403 characters)' has 401 "
        "digits before the point; a figure may have at most 15 (check for digits typed twice, or write the number "
        "in 'note')"]),
    ("eleven decimals", {P: HEAD + "sites:\n  - {name: S, lat: 52.12345678901, lon: 1}\n"}, [
        "projects/x.yml:5:20: error: sites[0].lat: '52.12345678901' has 11 digits after the point; a figure may have "
        "at most 10: round it"]),
    # ---- text (item 6): control characters however written, bidirectional controls
    ("a control character written as \\x01", {P: 'title: "A\\x01B"\nstart: 2009-04-01\nsummary: S.\n'}, [
        f"projects/x.yml:1:8: error: title: the invisible control character U+0001 (written as an escape) {SAME_LINE_TEXT}"]),
    ("an escape sequence written as \\x1b", {P: HEAD + 'short_title: "\\x1b[31mred"\n'}, [
        f"projects/x.yml:4:14: error: short_title: the invisible control character U+001B (written as an escape) "
        f"{SAME_LINE_TEXT}"]),
    ("DEL written as \\x7f", {P: HEAD + 'dates_note: "x\\x7f"\n'}, [
        f"projects/x.yml:4:13: error: dates_note: the invisible control character U+007F (written as an escape) "
        f"{SAME_LINE_TEXT}"]),
    ("NEL written as \\u0085", {P: HEAD + 'themes: ["a\\u0085b"]\n'}, [
        f"projects/x.yml:4:10: error: themes[0]: the invisible control character U+0085 (written as an escape) "
        f"{SAME_LINE_TEXT}"]),
    ("a right-to-left override typed in", {P: HEAD + "short_title: abc\u202edef\n"}, [
        f"projects/x.yml:4:14: error: short_title: the invisible bidirectional control U+202E (RIGHT-TO-LEFT "
        f"OVERRIDE) {BIDI}"]),
    ("a bidirectional isolate written as an escape", {P: HEAD + 'short_title: "\\u2067x\\u2069"\n'}, [
        f"projects/x.yml:4:14: error: short_title: the invisible bidirectional control U+2067 (RIGHT-TO-LEFT "
        f"ISOLATE, written as an escape) {BIDI}"]),
    ("a line separator", {P: HEAD + 'short_title: "a\\u2028b"\n'}, [
        "projects/x.yml:4:14: error: short_title: the line separator U+2028 (written as an escape) is not allowed; "
        "use an ordinary line break"]),
    ("a noncharacter written as \\uFFFE (the feed would not be XML)",
     {P: 'title: "A\\uFFFEB"\nstart: 2009-04-01\nsummary: S.\n'}, [
        f"projects/x.yml:1:8: error: title: the noncharacter U+FFFE (written as an escape) {NONCHARACTER}"]),
    ("a noncharacter typed in", {P: HEAD + "short_title: a\ufdd0b\n"}, [
        f"projects/x.yml:4:14: error: short_title: the noncharacter U+FDD0 {NONCHARACTER}"]),
    ("U+FFFE typed in, which YAML's reader stops at", {P: "title: A\ufffeB\nstart: 2009-04-01\nsummary: S.\n"}, [
        f"projects/x.yml:1:9: error: the noncharacter U+FFFE {NONCHARACTER}"]),
    ("a noncharacter of another plane", {P: HEAD + 'themes: ["\\U0010FFFF"]\n'}, [
        f"projects/x.yml:4:10: error: themes[0]: the noncharacter U+10FFFF (written as an escape) {NONCHARACTER}"]),
    ("a tab in a title", {P: 'title: "A\\tB"\nstart: 2009-04-01\nsummary: S.\n'}, [
        "projects/x.yml:1:8: error: title: holds a tab, which is invisible and would be shown as a space; write a "
        "space"]),
    # ---- sizes (item 9)
    ("60,000 themes", {P: HEAD + "themes: [" + ", ".join(f"t{i}" for i in range(60_000)) + "]\n"}, [
        "projects/x.yml:4:9: error: themes: has 60,000 items; at most 30 are allowed here"]),
    ("a summary of 3,000 characters", {P: "title: X\nstart: 2009-04-01\nsummary: " + "word " * 600 + "\n"}, [
        "projects/x.yml:3:10: error: summary: is 2,999 characters long; at most 2,000 are allowed here"]),
    ("a record of 600 kB, its real size", {P: HEAD + "dates_note: " + "x" * 600_000 + "\n"}, [
        "projects/x.yml: error: file is 600,052 bytes; a record may be at most 500,000 bytes"]),
    # ---- privacy (item 7)
    ("mailto: with cc", {P: HEAD + "links:\n  - {title: Mail, url: 'mailto:a@example.org?cc=b@example.org'}\n"}, [
        f"projects/x.yml:5:24: error: links[0].url: 'mailto:a@example.org?cc=b@example.org' has 'cc=' in it; {MAILTO}"]),
    ("mailto: with bcc as a contact's url",
     {"contacts/acme.yml": "kind: organisation\nname: Acme\nurl: 'mailto:a@example.org?subject=x&bcc=b@example.org'\n"}, [
        f"contacts/acme.yml:3:6: error: url: 'mailto:a@example.org?subject=x&bcc=b@example.org' has 'bcc=' in it; "
        f"{MAILTO}"]),
    ("mailto: with a body", {P: HEAD + "links:\n  - {title: Mail, url: 'mailto:a@example.org?body=Hello'}\n"}, [
        f"projects/x.yml:5:24: error: links[0].url: 'mailto:a@example.org?body=Hello' has 'body=' in it; {MAILTO}"]),
    ("mailto: to two addresses", {P: HEAD + "links:\n  - {title: Mail, url: 'mailto:a@example.org,b@example.org'}\n"}, [
        "projects/x.yml:5:24: error: links[0].url: 'mailto:a@example.org,b@example.org' must name exactly one email "
        "address after 'mailto:' (expected mailto:name@example.org)"]),
    ("an address inside a web address",
     {P: HEAD + "links:\n  - {title: Form, url: 'https://example.org/form?email=a@example.org'}\n"}, [
        "projects/x.yml:5:24: error: links[0].url: 'https://example.org/form?email=a@example.org' holds an email "
        "address, which the site would have to publish as it is; link to a page without it (or use mailto: for the "
        "address alone)"]),
    ("mailto: with cc in a section's Markdown", {P: section("Write [to us](mailto:a@example.org?cc=b@example.org).")}, [
        f"projects/x.yml:6:11: error: sections[0].body: 'mailto:a@example.org?cc=b@example.org' has 'cc=' in it; "
        f"{MAILTO}"]),
    # ---- silently dropped (item 8)
    ("a javascript: link in Markdown", {P: section("See [this](javascript:alert(1)).")}, [
        f"projects/x.yml:6:11: error: sections[0].body: the link to 'javascript:alert(1)' {UNSAFE_LINK}"]),
    ("a data: link in Markdown", {P: section("See [this](data:text/html,<b>x</b>).")}, [
        f"projects/x.yml:6:11: error: sections[0].body: the link to 'data:text/html,<b>x</b>' {UNSAFE_LINK}"]),
    ("a protocol-relative link in Markdown", {P: section("See [this](//evil.example/x).")}, [
        "projects/x.yml:6:11: error: sections[0].body: the link to '//evil.example/x' has no https: or http: in front, "
        "so it leads to another site in a way readers cannot see; write the address in full (https://…)"]),
    ("two bad links in one text", {P: section("'[a](javascript:x) and [b](vbscript:y)'")}, [
        f"projects/x.yml:6:11: error: sections[0].body: the link to 'javascript:x' {UNSAFE_LINK} (and 1 more in this "
        "text)"]),
    ("an image in Markdown", {P: section("'![a chart](https://tracker.example/c.png)'")}, [
        "projects/x.yml:6:11: error: sections[0].body: the image 'https://tracker.example/c.png' cannot be shown "
        "from the text (it would be loaded from another site); describe it in words, or give the project an 'image'"]),
    # ---- Markdown that would take minutes or hours to turn into a page (item 9: unbounded work)
    ("20,000 '[' that nothing closes", {P: section("'" + "[" * 20_000 + "'")}, [
        f"projects/x.yml:6:11: error: sections[0].body: 20,000 '[' that nothing closes {SLOW_BRACKETS}"]),
    ("'[' nested 2,000 deep", {P: section("'" + "[" * 2000 + "x" + "]" * 2000 + "'")}, [
        f"projects/x.yml:6:11: error: sections[0].body: '[' nested 2,000 deep {SLOW_BRACKETS}"]),
    ("2,000 link addresses that no ')' ends", {P: section("'" + "[a](" * 2000 + "'")}, [
        f"projects/x.yml:6:11: error: sections[0].body: 2,000 '](' that nothing closes {SLOW_BRACKETS}"]),
    # ---- nonsense (item 9)
    ("programmes in a ring of two", {"projects/a.yml": HEAD + "programme: b\n", "projects/b.yml": HEAD + "programme: a\n"}, [
        "projects/a.yml:4:12: error: programme: programmes in a ring (a → b → a): a programme cannot be inside "
        "itself; projects/b.yml line 4 puts 'b' in 'a'. Remove the 'programme' line that is wrong"]),
    ("programmes in a ring of three", {"projects/a.yml": HEAD + "programme: b\n", "projects/b.yml": HEAD + "programme: c\n",
                                       "projects/c.yml": HEAD + "programme: a\n"}, [
        "projects/a.yml:4:12: error: programme: programmes in a ring (a → b → c → a): a programme cannot be inside "
        "itself; projects/b.yml line 4 puts 'b' in 'c'; projects/c.yml line 4 puts 'c' in 'a'. Remove the "
        "'programme' line that is wrong"]),
    ("the same contact twice on one project",
     {P: HEAD + "contacts:\n  - {id: jane, role: Lead}\n  - {id: acme}\n  - {id: jane, role: Evaluator}\n"}, [
        "projects/x.yml:7:10: error: contacts[2].id: 'jane' is listed twice (also as contacts[0].id, line 5); list it "
        "once, with everything about it in that one entry"]),
    ("the same organisation twice", {P: HEAD + "organisations:\n  - {id: acme, role: Lead}\n  - {id: acme, role: Funder}\n"}, [
        "projects/x.yml:6:10: error: organisations[1].id: 'acme' is listed twice (also as organisations[0].id, line "
        "5); list it once, with everything about it in that one entry"]),
    # ---- messages (item 10)
    ("1,200 in braces", {P: HEAD + "outputs:\n  - {measure: People, achieved: 1,200}\n"}, [
        "projects/x.yml:5:35: error: outputs[0].200: unknown key '200': inside { } a comma ends a value, so "
        "'achieved: 1,200' was read as 'achieved: 1' and a key '200'; put the number in quotes ('1,200') or write it "
        "without the comma (1200)"]),
    ("a null item of a list", {P: HEAD + "themes: [a, null, b]\n"}, [
        "projects/x.yml:4:13: error: themes[1]: has no value; write the text or remove the item (its '- ' line, or "
        "its place between the commas)"]),
    ("a tag, shown as written", {P: HEAD + "status: !!bool yes\n"}, [
        "projects/x.yml:4:9: error: tags (!!bool) are not allowed; remove it and quote the value if needed"]),
    ("Cafe and Café", {"projects/a.yml": HEAD + "themes: [Café]\n", "projects/b.yml": HEAD + "themes: [Cafe]\n"}, [
        "projects/b.yml:4:10: error: themes[0]: 'Cafe' and 'Café' differ only in accents; use one spelling so they "
        "share a page"]),
    ("mental health and mental-health",
     {"projects/a.yml": HEAD + "regions: [mental health]\n", "projects/b.yml": HEAD + "regions: [mental-health]\n"}, [
        "projects/b.yml:4:11: error: regions[0]: 'mental-health' and 'mental health' differ only in punctuation or "
        "spaces; use one spelling so they share a page"]),
    ("a folder given as a document", {**resource("pack")}, [
        "resources/r.yml:4:11: error: files[0].file: resources/pack is a folder, not a file; give the path of a "
        "document inside it"]),
    # ---- active content (item 3)
    ("an HTML download", {**resource("pack/page.html"), "resources/pack/page.html": b"<script>alert(1)</script>"}, [
        f"resources/r.yml:4:11: error: files[0].file: 'pack/page.html' is a web page (.html), {ACTIVE}"]),
    ("an XHTML download", {**resource("pack/page.xhtml"), "resources/pack/page.xhtml": b"<html/>"}, [
        f"resources/r.yml:4:11: error: files[0].file: 'pack/page.xhtml' is a web page (.xhtml), {ACTIVE}"]),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_each_hostile_value_is_refused_with_its_message(tmp_path, files, expected):
    assert problems(write_archive(tmp_path, files)) == expected


# (name, files, (kind, id), key, value kept exactly)
KEPT = [
    ("40 '[' in a quoted title", {P: 'title: "' + "[" * 40 + ' toolkit"\nstart: 2009-04-01\nsummary: S.\n'},
     ("project", "x"), "title", "[" * 40 + " toolkit"),
    ("'[' after the start of a plain value", {P: "title: Toolkit [draft [2]]\nstart: 2009-04-01\nsummary: S.\n"},
     ("project", "x"), "title", "Toolkit [draft [2]]"),
    ("tabs in a Markdown code block", {P: HEAD + 'sections:\n  - {heading: H, body: "Code:\\n\\n\\tx = 1\\n"}\n'},
     ("project", "x"), "sections", "Code:\n\n\tx = 1\n"),
    ("300 links and a few stray brackets in a long paragraph",
     {P: HEAD + "sections:\n  - heading: H\n    body: '" + "See [the report](https://example.org/r) (2009). " * 300
      + "[sic [draft] ] " + "word " * 2000 + "'\n"},
     ("project", "x"), "sections",
     "See [the report](https://example.org/r) (2009). " * 300 + "[sic [draft] ] " + "word " * 1999 + "word\n"),
    ("20,000 escaped brackets", {P: section("'" + "\\[" * 20_000 + "'")}, ("project", "x"), "sections",
     "\\[" * 20_000 + "\n"),
    ("right-to-left text without controls", {P: HEAD + "short_title: שלום עולם\n"},
     ("project", "x"), "short_title", "שלום עולם"),
    ("a mailto: with a subject", {P: HEAD + "links:\n  - {title: Mail, url: 'mailto:a@example.org?subject=Hi%20there'}\n"},
     ("project", "x"), "links", "mailto:a@example.org?subject=Hi%20there"),
]


@pytest.mark.parametrize(("files", "record", "key", "value"), [k[1:] for k in KEPT], ids=[k[0] for k in KEPT])
def test_values_that_only_look_hostile_are_kept_exactly(tmp_path, files, record, key, value):
    cat = load_catalogue(str(write_archive(tmp_path, files)), build_date=BUILD_DATE)
    got = getattr({"project": cat.projects}[record[0]][record[1]], key)
    if key == "sections":
        got = got[0].body
    elif key == "links":
        got = got[0].url
    assert got == value


def test_one_theme_written_with_composed_and_decomposed_accents_is_one_theme(tmp_path):
    """'Café' typed as é or as e + a combining accent looks the same and is one theme, not a clash."""
    nfc, nfd = "Caf\u00e9", "Cafe\u0301"
    cat = load_catalogue(str(write_archive(tmp_path, {"projects/a.yml": HEAD + f"themes: [{nfc}]\n",
                                                      "projects/b.yml": HEAD + f"themes: [{nfd}]\n"})),
                         build_date=BUILD_DATE)
    [theme] = [t for t in cat.themes if t.slug == "cafe"]
    assert {p.id for p in theme.projects} == {"a", "b"}


# --------------------------------------------------------------------------- files that are not files

def test_a_named_pipe_as_a_record_or_a_document_is_refused_without_waiting_for_it(tmp_path):
    root = write_archive(tmp_path, {**resource("pack/pipe.pdf")})
    os.mkfifo(root / "projects" / "pipe.yml")
    os.mkfifo(root / "resources" / "pack" / "pipe.pdf")
    assert problems(root) == [
        "projects/pipe.yml: error: is a named pipe, not an ordinary file; a record is a text file: remove this and "
        "write the record in its place",
        "resources/r.yml:4:11: error: files[0].file: resources/pack/pipe.pdf is a named pipe, not an ordinary file; "
        "put the document itself there",
    ]


def test_a_folder_named_like_a_record_is_reported(tmp_path):
    root = write_archive(tmp_path, {})
    (root / "projects" / "x.yml").mkdir()
    assert problems(root) == ["projects/x.yml: error: is a folder, not a record file; rename the folder or move it away"]


def test_a_document_too_big_to_publish_is_refused_before_it_is_read(tmp_path):
    """A sparse file of 2 GB costs nothing to make; reading it to hash it takes seconds (100 GB, minutes) and
    copying it into the site fills the disk. Its size is known before a byte is read."""
    root = write_archive(tmp_path, {**resource("pack/huge.pdf")})
    with open(root / "resources/pack/huge.pdf", "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(2 * 10**9)
    with open(root / "resources/pack/big.zip", "wb") as f:
        f.truncate(100_000_001)
    (root / "resources/z.yml").write_text("title: Z\nkind: toolkit\nfiles:\n  - file: pack/big.zip\n    title: Z\n",
                                          encoding="utf-8")
    assert problems(root) == [
        "resources/r.yml:4:11: error: files[0].file: resources/pack/huge.pdf is 2,000,000,000 bytes (2.0 GB); a document "
        "may be at most 100,000,000 bytes (100 MB) (GitHub, where the site is published from, refuses bigger files): make it smaller (save a PDF "
        "for the web, or split it), or link to where it is published with the resource's url",
        "resources/z.yml:4:11: error: files[0].file: resources/pack/big.zip is 100,000,001 bytes (100 MB); a document "
        "may be at most 100,000,000 bytes (100 MB) (GitHub, where the site is published from, refuses bigger files): make it smaller (save a PDF "
        "for the web, or split it), or link to where it is published with the resource's url",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file, whatever its permissions")
def test_an_unreadable_document_is_reported(tmp_path):
    root = write_archive(tmp_path, {})
    (root / "resources/pack/toolbox.pdf").chmod(0)
    assert problems(root) == ["resources/pack.yml:4:12: error: files[0].file: resources/pack/toolbox.pdf cannot be read: "
                              "Permission denied"]


# --------------------------------------------------------------------------- crafted PDFs (item 4)

def _pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF with these numbered objects and a classic cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for n, body in sorted(objects.items()):
        offsets[n] = out.tell()
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for n in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets.get(n, 0))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


INFLATION_BOMB = Path(__file__).parent / "data" / "inflation-bomb.pdf"


def inflation_bomb() -> bytes:
    r"""782 bytes whose page tree sits in an object stream that inflates (twice deflated) to 200 MB.

    Kept in tests/data (deflating 200 MB twice takes a second of CPU, in every process that imports
    this module). It was made so::

        bomb = zlib.compress(zlib.compress(b"\0" * 200_000_000, 9), 9)
        out = io.BytesIO()
        out.write(b"%PDF-1.5\n")
        o1 = out.tell()
        out.write(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        o3 = out.tell()
        out.write(b"3 0 obj\n<< /Type /ObjStm /N 1 /First 10 /Filter [/FlateDecode /FlateDecode] /Length %d >>"
                  b"\nstream\n" % len(bomb) + bomb + b"\nendstream\nendobj\n")
        o4 = out.tell()
        rows = b"".join(struct.pack(">BIH", *r) for r in [(0, 0, 65535), (1, o1, 0), (2, 3, 0), (1, o3, 0), (1, o4, 0)])
        out.write(b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
                  + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % o4)
    """
    data = INFLATION_BOMB.read_bytes()
    assert len(data) == 782 and b"/FlateDecode /FlateDecode" in data
    return data


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
CRAFTED_PDFS = [
    ("an inflation bomb of 782 bytes", inflation_bomb,
     "LimitReachedError: Limit reached while decompressing. 121506 bytes remaining."),
    ("a page tree that contains itself", lambda: _pdf({
        1: CATALOG, 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}),
     "PdfReadError: Detected cyclic page references."),
    ("a page tree 3,000 levels deep", lambda: _pdf({1: CATALOG, **{
        i: b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (i + 1) for i in range(2, 3000)}, 3000: b"<< /Type /Page >>"}),
     "LimitReachedError: Maximum page tree depth reached: 101 > 100."),
    ("a page listed 200,000 times", lambda: _pdf({
        1: CATALOG, 2: b"<< /Type /Pages /Kids [" + b"3 0 R " * 200_000 + b"] /Count 200000 >>", 3: b"<< /Type /Page >>"}),
     "LimitReachedError: Reached maximum array element count."),
    ("ten million pages declared", lambda: _pdf({
        1: CATALOG, 2: b"<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>", 3: b"<< /Type /Page /Parent 2 0 R >>"}),
     "it declares 10,000,000 pages; a document may have at most 100,000"),
    ("garbage after the header", lambda: b"%PDF-1.4\n" + bytes(range(256)) * 4, None),
]


@pytest.mark.parametrize(("make", "reason"), [c[1:] for c in CRAFTED_PDFS], ids=[c[0] for c in CRAFTED_PDFS])
def test_a_crafted_pdf_is_reported_at_its_line_and_every_other_mistake_still_is(tmp_path, make, reason):
    root = write_archive(tmp_path, {"resources/pack/toolbox.pdf": make(),
                                    P: "title: X\nstart: 2009-04-01\nend: 2009-03-01\nsummary: S.\n"})
    found = problems(root)
    assert len(found) == 2, found
    prefix = "resources/pack.yml:4:12: error: files[0].file: cannot read this PDF ("
    assert found[1].startswith(prefix) and found[1].endswith(
        "); open resources/pack/toolbox.pdf to check it, then save or export it again"), found[1]
    if reason is not None:
        assert found[1] == prefix + reason + "); open resources/pack/toolbox.pdf to check it, then save or export it again"
    assert found[0] == "projects/x.yml:3:6: error: end: end date 2009-03-01 is before start date 2009-04-01"


def test_a_pdf_that_takes_too_long_is_given_up_and_the_next_one_is_read(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(make_pdf(3))
    with PageCounter(timeout=0.001) as slow:  # the reader cannot even start in a millisecond
        assert slow(str(pdf)) == (None, "reading it took longer than 0.001 s")
    with PageCounter() as counter:
        assert counter(str(pdf)) == (3, None)
        assert counter(str(pdf)) == (3, None)  # one reader process for every file


def test_a_pdf_reader_out_of_memory_is_reported_not_raised(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(make_pdf(1))
    with PageCounter(memory=16 << 20) as counter:  # too little for Python and pypdf
        pages, reason = counter(str(pdf))
    assert pages is None and reason in (
        "reading it needs more than 16 MB of memory",
        "the PDF reader stopped while reading it; it may need more than 16 MB of memory")


def test_counting_pages_in_process_catches_everything(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(inflation_bomb())
    assert count_pages(str(bomb)) == (None, "LimitReachedError: Limit reached while decompressing. 121506 bytes "
                                            "remaining.")


# --------------------------------------------------------------------------- SVG (item 3)

S = 'xmlns="http://www.w3.org/2000/svg"'
XL = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
REFUSED_SVG = [
    ("a script", f"<svg {S}><script>alert(document.domain)</script></svg>",
     "it holds the element <script>, which runs a script (line 1 of the SVG)"),
    ("a script in the XHTML namespace",
     f'<svg {S} xmlns:h="http://www.w3.org/1999/xhtml">\n<h:script>alert(1)</h:script></svg>',
     "it holds the element <script> from the XHTML namespace (line 2 of the SVG)"),
    ("an onload handler", f'<svg {S} onload="alert(1)"/>',
     "its <svg> element has an event handler (onload=…), which runs a script (line 1 of the SVG)"),
    ("a handler written OnClick", f'<svg {S}><rect OnClick="alert(1)" width="1" height="1"/></svg>',
     "its <rect> element has an event handler (OnClick=…), which runs a script (line 1 of the SVG)"),
    ("a foreignObject", f'<svg {S}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>',
     "it holds the element <foreignObject>, which embeds another document (line 1 of the SVG)"),
    ("an iframe", f'<svg {S}><iframe src="https://evil.example/"/></svg>',
     "it holds the element <iframe>, which an SVG image published here may not hold (line 1 of the SVG)"),
    ("an image from another site", f'<svg {S} {XL}><image xlink:href="https://tracker.example/p.png"/></svg>',
     "its <image> element's href points outside the image ('https://tracker.example/p.png'); an SVG published here "
     "may only refer to its own parts ('#…') (line 1 of the SVG)"),
    ("a use of another file", f'<svg {S}><use href="other.svg#a"/></svg>',
     "its <use> element's href points outside the image ('other.svg#a'); an SVG published here may only refer to its "
     "own parts ('#…') (line 1 of the SVG)"),
    ("a javascript: link", f'<svg {S} {XL}><a xlink:href=" JaVaScRiPt:alert(1)"><text>x</text></a></svg>',
     "its <a> element's href holds a javascript: address (line 1 of the SVG)"),
    ("an animation that changes a link", f'<svg {S}><a href="#x"><set attributeName="href" to="https://e.example"/></a></svg>',
     "it has an <set> element that changes 'href' (line 1 of the SVG)"),
    ("a fill from another site", f'<svg {S}><rect fill="url(https://evil.example/x#g)"/></svg>',
     "its <rect> element's fill has url(https://evil.example/x#g), which points outside the image (line 1 of the SVG)"),
    ("an unclosed url(", f'<svg {S}><rect fill="url(https://evil.example/x"/></svg>',
     "its <rect> element's fill has url(https://evil.example/x), which points outside the image (line 1 of the SVG)"),
    ("a style sheet that imports another", f"<svg {S}><style>@import url(https://evil.example/a.css);</style></svg>",
     "its <style> style has @import, which loads a style sheet from elsewhere (line 1 of the SVG)"),
    ("a style with a remote fill", f'<svg {S}><style>rect {{ fill: url("//evil.example/x") }}</style></svg>',
     "its <style> style has url(//evil.example/x), which points outside the image (line 1 of the SVG)"),
    ("CSS escapes", f'<svg {S}><rect style="fill: \\75 rl(https://evil.example/)"/></svg>',
     "its <rect> style uses CSS escapes (\\), which could hide a reference (line 1 of the SVG)"),
    ("an xml-stylesheet instruction", f'<?xml-stylesheet href="https://evil.example/x.xsl" type="text/xsl"?><svg {S}/>',
     "it has an <?xml-stylesheet?> instruction, which loads a style sheet from elsewhere (line 1 of the SVG)"),
    ("entity declarations (a billion laughs)",
     f'<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]><svg {S}><text>&b;</text></svg>',
     "it declares entities (a DOCTYPE with [ … ]), which can expand without end (line 1 of the SVG)"),
    ("xml:base", f'<svg {S} xml:base="https://evil.example/"/>',
     "its <svg> element has xml:base, which changes where its references lead (line 1 of the SVG)"),
    ("a web page named .svg", "<html><body><script>alert(1)</script></body></html>",
     "its root element is <html>, not <svg xmlns=\"http://www.w3.org/2000/svg\">; it is not an SVG image (line 1 of "
     "the SVG)"),
    ("not XML", "GIF89a this is not an svg", "it is not a well-formed SVG file (syntax error, line 1)"),
]
ACCEPTED_SVG = [
    ("a plain drawing with the SVG 1.1 DOCTYPE",
     f'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
     f'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg {S} viewBox="0 0 10 10"><title>A chart</title>'
     '<rect width="10" height="10" fill="#36c"/></svg>'),
    ("gradients, clip paths and uses of its own parts",
     f'<svg {S} {XL}><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
     '<clipPath id="c"><rect width="5" height="5"/></clipPath><circle id="d" r="2"/></defs>'
     '<rect fill="url(#g)" clip-path="url(\'#c\')"/><use xlink:href="#d"/><style>rect { stroke: url(#g) }</style></svg>'),
    ("a link to a page elsewhere", f'<svg {S}><a href="https://example.org/report"><text>Report</text></a></svg>'),
    ("an embedded PNG", f'<svg {S}><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>'),
    ("Inkscape's own metadata",
     f'<svg {S} xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
     'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" inkscape:version="1.2">'
     '<sodipodi:namedview id="n" inkscape:zoom="1"/><path d="M0 0L1 1" style="fill:none;stroke:#000"/></svg>'),
]


@pytest.mark.parametrize(("svg", "reason"), [c[1:] for c in REFUSED_SVG], ids=[c[0] for c in REFUSED_SVG])
def test_an_svg_that_could_run_or_fetch_is_refused(svg, reason):
    assert svg_problem(svg.encode("utf-8")) == reason


@pytest.mark.parametrize("svg", [c[1] for c in ACCEPTED_SVG], ids=[c[0] for c in ACCEPTED_SVG])
def test_an_inert_svg_is_accepted(svg):
    assert svg_problem(svg.encode("utf-8")) is None


def test_an_svg_image_with_a_script_is_refused_at_its_line_in_the_record(tmp_path):
    root = write_archive(tmp_path, {P: HEAD + "image: {file: pics/chart.svg, alt: A chart}\n",
                                    "resources/pics/chart.svg": REFUSED_SVG[0][1].encode()})
    assert problems(root) == [
        "projects/x.yml:4:15: error: image.file: resources/pics/chart.svg cannot be published: it holds the element "
        "<script>, which runs a script (line 1 of the SVG). An SVG opened at its address runs as part of the site, so "
        "it must hold no scripts, event handlers or references outside itself; remove them in your drawing program, "
        "or save the image as a PNG"]


# --------------------------------------------------------------------------- exports (item 5)

def test_exports_keep_every_figure_exactly_and_never_hold_nan_or_infinity(tmp_path):
    root = write_archive(tmp_path, {P: HEAD + (
        "outputs:\n  - {measure: A, target: 1.10, achieved: '1,200'}\n"
        "  - {measure: B, target: 123456789012345.89, achieved: 020}\n  - {measure: C, achieved: '-0.50'}\n"
        "sites:\n  - {name: S, lat: 52.6634571, lon: -1.37}\n")})
    cat = load_catalogue(str(root), build_date=BUILD_DATE)
    files = export_files(cat, Router("https://example.org/"))

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the export")

    rows = json.loads(files["api/projects.json"], parse_float=Decimal, parse_constant=refuse)
    x = next(r for r in rows if r["id"] == "x")
    assert [(o["target"], o["achieved"]) for o in x["outputs"]] == [
        (Decimal("1.10"), 1200), (Decimal("123456789012345.89"), 20), (None, Decimal("-0.50"))]
    assert (x["sites"][0]["lat"], x["sites"][0]["lon"]) == (Decimal("52.6634571"), Decimal("-1.37"))
    line = next(ln for ln in files["api/projects.json"].splitlines() if '"id": "x"' in ln)
    assert '"target": 1.10, "achieved": 1200' in line and '"target": 123456789012345.89' in line  # the digits as typed
    csv_row = next(r for r in files["api/projects.csv"].splitlines() if r.startswith("x,"))
    assert "target: 1.10, achieved: 1,200" in csv_row and "target: 123456789012345.89, achieved: 020" in csv_row


# --------------------------------------------------------------------------- through mkdocs build and validate

HOSTILE_ARCHIVE: dict[str, str | bytes] = {
    "projects/huge.yml": HEAD + "outputs:\n  - {measure: M, achieved: " + "9" * 4301 + "}\n",
    "projects/escape.yml": 'title: "Red \\x1b[31m alert"\nstart: 2009-04-01\nsummary: S.\n',
    "projects/ring-a.yml": HEAD + "programme: ring-b\n",
    "projects/ring-b.yml": HEAD + "programme: ring-a\n",
    "projects/mail.yml": HEAD + "links:\n  - {title: Mail, url: 'mailto:a@example.org?bcc=b@example.org'}\n",
    "projects/chart.yml": HEAD + "image: {file: pics/chart.svg, alt: A chart}\n",
    "resources/pics/chart.svg": REFUSED_SVG[0][1].encode(),
    "resources/pack/toolbox.pdf": inflation_bomb(),
}
HOSTILE_REPORT = [
    "projects/chart.yml:4:15: error: image.file: resources/pics/chart.svg cannot be published: it holds the element "
    "<script>",
    "projects/escape.yml:1:8: error: title: the invisible control character U+001B (written as an escape)",
    "projects/huge.yml:5:28: error: outputs[0].achieved: '999999999999999999999999999999… (4,301 characters)' has "
    "4,301 digits before the point",
    "projects/mail.yml:5:24: error: links[0].url: 'mailto:a@example.org?bcc=b@example.org' has 'bcc=' in it",
    "projects/ring-a.yml:4:12: error: programme: programmes in a ring (ring-a → ring-b → ring-a)",
    "resources/pack.yml:4:12: error: files[0].file: cannot read this PDF (LimitReachedError: Limit reached while "
    "decompressing.",
]


def assert_reported(output: str, ending: str) -> None:
    lines = output.splitlines()
    for expected in HOSTILE_REPORT:
        assert sum(ln.startswith(expected) for ln in lines) == 1, f"{expected}\n---\n{output}"
    assert f"6 errors in 6 files; {ending}" in lines, output
    assert "Traceback" not in output and "\x1b" not in output  # no escape sequence reaches the terminal


def test_every_hostile_case_fails_the_build_with_its_message_and_no_traceback(tmp_path):
    archive = Archive(tmp_path / "archive")
    write_archive(archive.root, HOSTILE_ARCHIVE)
    result = archive.build()
    assert result.returncode == 1
    assert_reported(result.output, f"nothing was built (there is no site in {archive.root / 'site'} yet).")
    assert not (archive.root / "site").exists() and not (archive.root / "site.building").exists()


def test_every_hostile_case_is_reported_by_validate_with_no_traceback(tmp_path, capsys):
    root = write_archive(tmp_path, HOSTILE_ARCHIVE)
    assert validate([str(root)]) == 1
    out = capsys.readouterr()
    assert_reported(out.err, "fix them and run again.")


def test_a_document_replaced_during_the_build_fails_it_and_the_site_is_left_as_it_was(allowed, module_archive, tmp_path):
    """The size, format and pages a page states are measured when the build starts; a file replaced before
    MkDocs copies it would be published with the old facts. A hook that runs between the two replaces it.
    The previous site is the module's (``allowed``), in a copy of its folder."""
    assert allowed.ok and (module_archive.root / "resources/pack/toolbox.pdf").is_file()
    archive = module_archive.copy(tmp_path / "archive")
    before = snapshot(archive.root / "site")
    archive.write("replace_document.py", """
        from pathlib import Path

        def on_pre_build(config):  # after the records were read and measured, before files are copied
            Path(config.config_file_path).parent.joinpath("resources/pack/toolbox.pdf").write_bytes(b"%PDF-1.4 other")
        """)
    config = archive.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n", "hooks:\n  - replace_document.py\n"),
                      encoding="utf-8")
    result = archive.build()
    assert result.returncode == 1
    assert ("ERROR   -  resources/pack/toolbox.pdf changed while the site was being built: the copy published is not "
            "the file measured (PDF, ") in result.output, result.output
    assert f"The build failed; the previous site in {archive.root / 'site'} was left as it was." in result.output
    assert "Traceback" not in result.output
    assert snapshot(archive.root / "site") == before


# --------------------------------------------------------------------------- a site with what is allowed

INERT_SVG = ACCEPTED_SVG[1][1].encode()
ATTACK_SVG = (f'<svg {S} onload="alert(document.domain)"><script>fetch("/api/contacts.json")'
              ".then(r => r.text()).then(t => alert(t.length))</script></svg>").encode()


@pytest.fixture(scope="module")
def allowed(module_archive) -> object:
    """A small site with what the rules allow: an inert SVG as an image and as a download, mailto: links with
    a subject, an organisation whose web address is a mailto:, and an address typed into a summary."""
    write_archive(module_archive.root, {
        "resources/pics/chart.svg": INERT_SVG,
        "resources/charts.yml": "title: Charts\nkind: infographic\nfiles:\n  - {file: pics/chart.svg, title: The chart}\n",
        "contacts/acme.yml": "kind: organisation\nname: Acme Learning\nurl: 'mailto:office@acme.example'\n",
        "projects/good.yml": "title: Good project\nstart: 2009-04-01\nend: 2010-03-31\n"
                             "summary: Ask jane@example.org for the report.\n"
                             "image: {file: pics/chart.svg, alt: A chart of the results}\n"
                             "organisations:\n  - {id: acme, role: Lead organisation}\nresources: [charts, pack]\n"
                             "links:\n  - {title: Write to the team, url: 'mailto:team@example.org?subject=The%20project'}\n"
                             "  - {title: The evaluation, url: 'https://example.org/evaluation'}\n",
        "docs/news/posts/2020-01-01-addresses.md": "---\ndate: 2020-01-01\n---\n\n# Addresses\n\n"
                                                   "Write to `post@example.org`, <auto@example.org> or typed@example.org.\n",
        "docs/diagram.svg": INERT_SVG,
    })
    result = module_archive.build()
    assert result.ok, result.output
    return result


def test_an_inert_svg_is_published_byte_for_byte(allowed):
    assert (allowed.site / "files/pics/chart.svg").read_bytes() == INERT_SVG
    link = allowed.article("resources/charts/").select_one("a[download]")
    assert link["href"] == "../../files/pics/chart.svg" and link["type"] == "image/svg+xml"


def test_no_page_publishes_an_address_as_it_is(allowed):
    for page in sorted(allowed.site.rglob("*")):
        if page.suffix in (".html", ".xml", ".json", ".csv"):
            raw = page.read_text(encoding="utf-8")
            for address in ("team@example.org", "office@acme.example", "jane@example.org", "post@example.org",
                            "auto@example.org", "typed@example.org"):
                assert address not in raw, (page, address)
            assert 'href="mailto:' not in raw, page
    project = allowed.article("projects/good/")  # as contact-email.js shows it
    [mail] = [a for a in project.select("a") if a.get("href", "").startswith("mailto:")
              and "team" in a["href"]]
    assert mail["href"] == "mailto:team@example.org?subject=The%20project" and mail.get_text() == "Write to the team"
    assert "Ask jane@example.org for the report." in project.get_text()
    org = allowed.article("contacts/acme/")
    assert [a["href"] for a in org.select("dd a")] == ["mailto:office@acme.example"]
    post = allowed.article("news/2020/01/01/addresses/")  # hand-written Markdown: the same rules
    assert [a["href"] for a in post.select("a.archive-email")] == [
        "mailto:post@example.org", "mailto:auto@example.org", "mailto:typed@example.org"]
    assert post.select_one("code a.archive-email") is not None  # in code too
    import xml.etree.ElementTree as ET

    ET.fromstring((allowed.site / "feed.xml").read_bytes())  # the feed is XML


def test_a_hand_written_svg_is_checked_like_a_document(allowed, tmp_path):
    from test_session import session_for

    assert (allowed.site / "diagram.svg").read_bytes() == INERT_SVG  # an inert one is published
    session = session_for(tmp_path)
    (tmp_path / "docs" / "attack.svg").write_bytes(ATTACK_SVG)
    with pytest.raises(BuildError) as e:
        session.generated_files(["index.md", "attack.svg"])
    assert str(e.value) == (
        "docs/attack.svg cannot be published: its <svg> element has an event handler (onload=…), which runs a script "
        "(line 1 of the SVG). An SVG opened at its address runs as part of the site; see the maintainer guide's "
        "'SVG images'")


@pytest.mark.browser
def test_the_script_of_an_svg_never_runs_on_the_sites_origin(allowed, browser, serve, tmp_path):
    """The attack from the issue: an SVG whose script alerts and reads the exports. Refused by the build; and,
    to show the test would see it run, the same file put straight into a copy of the site does run."""
    assert problems(write_archive(tmp_path / "refused", {P: HEAD + "image: {file: pics/a.svg, alt: A}\n",
                                                          "resources/pics/a.svg": ATTACK_SVG}))[0].startswith(
        "projects/x.yml:4:15: error: image.file: resources/pics/a.svg cannot be published: its <svg> element has an "
        "event handler (onload=…)")
    import shutil

    site = tmp_path / "site"
    shutil.copytree(allowed.site, site)
    (site / "files/pics/attack.svg").write_bytes(ATTACK_SVG)  # what an unchecked build would have published
    base = serve(site)
    context = browser.new_context()
    seen: dict[str, list[str]] = {}
    for name in ("attack.svg", "chart.svg"):
        dialogs: list[str] = []
        requests: list[str] = []
        page = context.new_page()
        page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r, requests=requests: requests.append(r.url.removeprefix(base)))
        page.goto(base + f"files/pics/{name}", wait_until="load")
        page.wait_for_timeout(300)  # time for the fetch in the attack to be made
        seen[name] = dialogs + requests
        page.close()
    context.close()
    assert "127.0.0.1" in seen["attack.svg"][0] and "api/contacts.json" in seen["attack.svg"], seen  # the harness sees it
    assert seen["chart.svg"] == ["files/pics/chart.svg"], "the published SVG ran nothing and fetched nothing"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_pages_with_encoded_mailto_links_have_no_axe_violations(allowed, browser, serve, width, scheme):
    from test_a11y import axe_violations, scheme_context

    base = serve(host_at_site_path(allowed.site, allowed.site.parent / f"host-{width}-{scheme}")) + SITE_PATH
    context = scheme_context(browser, width, scheme)
    page = context.new_page()
    found = []
    for url in ("projects/good/", "contacts/acme/", "resources/charts/"):
        page.goto(base + url, wait_until="load")
        assert page.locator("span.archive-email").count() == 0  # every address became a link
        found += [f"{url}: {line}" for line in axe_violations(page, scheme)]
    link = page.get_by_role("link", name="Request an accessible format of “Charts”", exact=True)
    assert link.get_attribute("href").startswith("mailto:accessibility@example.org?subject=")
    context.close()
    assert found == []


# --------------------------------------------------------------------------- under mkdocs serve (item 11)


@pytest.mark.slow
def test_mkdocs_serve_reports_a_broken_record_without_a_traceback_and_recovers(tmp_path):
    """Under `mkdocs serve`, saving a record with a crafted PDF, a 4,301-digit figure and an escape sequence
    gives the messages, no traceback, and the next good save builds again."""
    import signal
    import socket
    import subprocess
    import threading
    import time

    archive = Archive(tmp_path / "archive")
    write_archive(archive.root, {})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.Popen([*MKDOCS, "serve", "-a", f"127.0.0.1:{port}"], cwd=archive.root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()

    def wait_for(words: str, after: int = 0) -> int:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            for i, line in enumerate(lines[after:], after):
                if words in line:
                    return i
            assert proc.poll() is None, "".join(lines)
            time.sleep(0.1)
        raise AssertionError(f"no '{words}' in:\n" + "".join(lines))

    try:
        served = wait_for("Serving on")
        good = (archive.root / "resources/pack/toolbox.pdf").read_bytes()
        time.sleep(1.5)  # past the watcher's start
        archive.write_bytes("resources/pack/toolbox.pdf", inflation_bomb())
        archive.write("projects/good.yml", HOSTILE_ARCHIVE["projects/huge.yml"])
        archive.write("projects/prog.yml", HOSTILE_ARCHIVE["projects/escape.yml"])
        failed = wait_for("The site was not rebuilt", served)  # the preview (projarchive.preview) says why
        failed = wait_for("3 errors in 3 files", failed)  # the report's last line
        report = "".join(lines[served:failed + 1])
        for expected in (HOSTILE_REPORT[1], HOSTILE_REPORT[2], HOSTILE_REPORT[5]):
            assert expected.replace("projects/escape.yml", "projects/prog.yml").replace(
                "projects/huge.yml", "projects/good.yml") in report, report
        archive.write_bytes("resources/pack/toolbox.pdf", good)
        archive.write("projects/good.yml", HEAD)
        archive.write("projects/prog.yml", HEAD)
        wait_for("Reloading browsers", failed)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    output = "".join(lines)
    assert "Traceback" not in output, output
