"""A public site fit for the public sector (issue #5): privacy, security, findability.

Pure functions are tested directly; the rest on built sites (the session ``sample`` or small
fixture archives), parsed with BeautifulSoup or driven in Debian's Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import SITE_PATH, Archive, host_at_site_path, make_pdf, reveal_emails, text
from test_a11y import PAGE_TYPES

from projarchive import csp
from projarchive.dates import PartialDate
from projarchive.privacy import decode_email, details_withheld, encode_email, spoken_email

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --------------------------------------------------------------------------- privacy: emails


def test_email_encoding_round_trips_and_reads_aloud():
    for address in ("jane@example.org", "catina.barrett@niace.org.uk", "siân@example.cymru"):
        encoded = encode_email(address)
        assert "@" not in encoded and "." not in encoded.rstrip("=")
        assert decode_email(encoded) == address
    assert spoken_email("jane.doe@example.org") == "jane.doe at example dot org"
    assert spoken_email("a@b.co.uk") == "a at b dot co dot uk"


def harvested(page: str, soup: BeautifulSoup | None = None) -> set[str]:
    """Every address a harvester finds in ``page`` that decodes what it can: character references
    and percent-encoding (in either order), in the raw text and in the parsed page's text and every
    attribute value. Our encoded spans (base64 in ``data-email``) are what it cannot read. ``soup``:
    the page parsed already (read, not changed)."""
    views = [page, html.unescape(page)]
    if page.lstrip().startswith("<") and not page.lstrip().startswith("<?xml"):
        # the parser decodes character references in text and attributes
        soup = soup if soup is not None else BeautifulSoup(page, "html.parser")
        views.append(soup.get_text(" "))
        for tag in soup.find_all(True):
            views += [" ".join(v) if isinstance(v, list) else v for v in tag.attrs.values()]
    found: set[str] = set()
    for view in views:
        for decoded in (view, unquote(view), html.unescape(unquote(view)), unquote(html.unescape(view))):
            found |= set(EMAIL_RE.findall(decoded))
    return found


def leaks(site: Path, suffixes: set[str], soup: Callable[[Path], BeautifulSoup] | None = None) -> dict[str, str]:
    """Each address a harvester finds in the site's files of these kinds -> the first file it is in;
    the accessible-format address, there to be used, and the maintainer guide's example record aside.
    ``soup``: where to get a page already parsed (a build's shared ``BuildResult.soup``)."""
    found: dict[str, str] = {}
    for path in sorted(site.rglob("*")):
        if path.suffix in suffixes and path.parent.name != "maintainers":
            parsed = soup(path) if soup is not None and path.suffix == ".html" else None
            for address in harvested(path.read_text(encoding="utf-8"), parsed) - {"accessibility@example.org"}:
                found.setdefault(address, path.relative_to(site).as_posix())
    return found


def test_no_email_address_is_written_into_any_page_or_feed(sample):
    """Harvesters read pages for addresses, decoding entities and percent-encoding: no address from a
    record is written readably, neither in contact details nor typed into Markdown text (a section
    body); the accessible-format address, there to be used, is the one exception. (The maintainer
    guide shows a record as an example.)"""
    assert sample.ok, sample.output
    assert leaks(sample.site, {".html", ".xml", ".txt"}, sample.soup) == {}
    encoded: set[str] = set()
    for path in sample.pages():
        encoded |= {decode_email(s["data-email"]) for s in sample.soup(path).select("span.archive-email[data-email]")}
    assert "david.mortimer@qtraining.net" in encoded  # typed into a section body in the sample
    assert len(encoded) >= 5
    # the readable fallback is what the text says
    soup = BeautifulSoup((sample.site / "contacts/catina-barrett/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    for span in soup.select("article span.archive-email[data-email]"):
        assert text(span) == spoken_email(decode_email(span["data-email"]))


def test_no_email_address_is_written_into_the_open_data_exports(sample):
    """Section bodies are exported as typed, except that an address in them is in its spoken form."""
    assert sample.ok, sample.output
    assert leaks(sample.site / "api", {".json", ".csv"}) == {}
    projects = json.loads((sample.site / "api/projects.json").read_text(encoding="utf-8"))
    bodies = " ".join(s["body"] for p in projects for s in p["sections"])
    assert "david.mortimer at qtraining dot net" in bodies  # typed into a section body in the sample


def test_the_harvester_in_these_tests_decodes_what_browsers_decode():
    """The check above is only as good as its decoding: each way of writing an address that a
    browser shows or follows as the address is found."""
    for page in ("<p>jane.doe@example.org</p>", "<p>jane.doe&#64;example.org</p>",
                 "<p>jane&#x2E;doe&commat;example.org</p>", '<a href="mailto:jane.doe%40example.org">x</a>',
                 '<a href="mailto:&#106;ane.doe&#64;example.org">x</a>', '<a title="jane.doe&#64;example.org">x</a>',
                 "<code>jane.doe@example.org</code>"):
        assert harvested(page) == {"jane.doe@example.org"}, page
    assert harvested(f'<span class="archive-email" data-email="{encode_email("jane.doe@example.org")}">'
                     "jane.doe at example dot org</span>") == set()


JANE = "jane.doe@example.org"
# (how an address reaches a section body, the body, the addresses its encoded spans hold, in order)
MARKDOWN_ADDRESSES = [
    ("typed", f"Write to {JANE} today.", [JANE]),
    ("automail", f"Write to <{JANE}>.", [JANE]),
    ("automail with mailto", f"Write to <mailto:{JANE}>.", [JANE]),
    ("mailto link", f"[Jane](mailto:{JANE}?subject=Hello)", [JANE]),
    ("capital MAILTO", f"[Jane](MAILTO:{JANE})", [JANE]),
    ("reference-style mailto link", f"Write to [Jane][1].\n\n[1]: mailto:{JANE}", [JANE]),
    ("percent-encoded mailto", "[Jane](mailto:jane.doe%40example%2Eorg)", [JANE]),
    ("character references in a mailto", "[Jane](mailto:jane.doe&#x40;example.org)", [JANE]),
    ("decimal character references", "jane&#46;doe&#64;example.org", [JANE]),
    ("named character reference", "jane.doe&commat;example.org", [JANE]),
    ("percent-encoded in text", "jane.doe%40example.org (50%25 of the time)", [JANE]),
    ("code span", f"Type `{JANE}` here.", [JANE]),
    ("code block", f"    send to {JANE}", [JANE]),
    ("emphasis", f"**{JANE}**", [JANE]),
    ("table cell", f"| who |\n| --- |\n| {JANE} |", [JANE]),
    ("link text", f"[{JANE}](https://example.org/contact)", [JANE]),
    ("autolink holding an address", f"<https://example.org/?to={JANE}>", [JANE]),
    ("link target holding an address", "[contact form](https://example.org/?to=jane.doe%40example.org)", []),
    ("link title", f'[contact](https://example.org/ "Write to {JANE}")', []),
    ("image alt text", f"![{JANE}](photo.png)", [JANE]),
    ("two addresses in one mailto", f"[both of us](mailto:{JANE},bob@example.org)", []),
    ("two typed", f"{JANE}, bob@example.org", [JANE, "bob@example.org"]),
]


@pytest.mark.parametrize(("how", "body", "spans"), MARKDOWN_ADDRESSES, ids=[c[0] for c in MARKDOWN_ADDRESSES])
def test_markdown_never_writes_an_address_the_encoder_has_not_seen(how, body, spans):
    from projarchive.render import markdown_html

    out = str(markdown_html(body))
    assert harvested(out) == set(), out
    soup = BeautifulSoup(out, "html.parser")
    assert [decode_email(s["data-email"]) for s in soup.select("span.archive-email")] == spans, out
    assert soup.select("[href*='mailto' i]") == [], out


def test_addresses_in_markdown_text_read_as_words_and_the_rest_is_untouched():
    from projarchive.render import markdown_html

    soup = BeautifulSoup(str(markdown_html(
        "Write to jane.doe@example.org or [Bob](mailto:bob@x.org?subject=hi); `code@x.org` too, "
        "&amp;#64; &lt;b&gt; R&amp;D 50%25.\n\n"
        "- a@b.co.uk, c@d.io end\n\n"
        '[form](https://example.org/?to=jane%40example.org "Write to jane@example.org") '
        "[site](https://example.org/about)")), "html.parser")
    first, second = soup.select("p")
    assert text(first) == ("Write to jane.doe at example dot org or bob at x dot org; code at x dot org too, "
                           "&#64; <b> R&D 50%25.")
    assert text(soup.li) == "a at b dot co dot uk, c at d dot io end"
    form, site = second.find_all(["a", "span"], recursive=False)
    assert form.name == "span" and not form.attrs and text(form) == "form"  # the link goes, its text stays
    assert site.name == "a" and site["href"] == "https://example.org/about"


# Ways of writing an address that would lose a link or an image on the page: a record's text may not use
# them (validation says so, issue #11); the renderer's handling of them is tested above all the same.
REFUSED_IN_RECORDS = {
    "autolink holding an address": "the link to 'https://example.org/?to=jane.doe@example.org' holds an email address",
    "link target holding an address": "the link to 'https://example.org/?to=jane.doe@example.org' holds an email "
                                      "address",
    "image alt text": "the image 'photo.png' cannot be shown from the text",
    "two addresses in one mailto": "'mailto:jane.doe@example.org,bob@example.org' must name exactly one email address",
}
PUBLISHED = [case for case in MARKDOWN_ADDRESSES if case[0] not in REFUSED_IN_RECORDS]


@pytest.mark.parametrize("how", sorted(REFUSED_IN_RECORDS))
def test_a_section_body_that_would_lose_a_link_is_refused_with_its_reason(tmp_path, how):
    from test_schema import problems, write_archive

    [body] = [b for h, b, _ in MARKDOWN_ADDRESSES if h == how]
    lines = "".join(f"      {line}\n" for line in body.split("\n"))
    found = problems(write_archive(tmp_path, {"projects/x.yml": "title: X\nstart: 2010-01-01\nsummary: S.\n"
                                              f"sections:\n  - heading: H\n    body: |\n{lines}"}))
    assert len(found) == 1 and found[0].startswith(
        f"projects/x.yml:6:11: error: sections[0].body: {REFUSED_IN_RECORDS[how]}"), found


def test_a_built_page_holds_no_address_from_its_section_bodies(small_site):
    assert small_site.ok, small_site.output
    page = (small_site.site / "projects/addresses/index.html").read_text(encoding="utf-8")
    assert harvested(page) - {ACCESSIBLE_FORMAT_EMAIL} == set()
    soup = BeautifulSoup(page, "html.parser")
    encoded = [decode_email(s["data-email"]) for s in soup.select("article span.archive-email")]
    assert encoded == [address for _, _, spans in PUBLISHED for address in spans]
    headings = [text(h) for h in soup.select("article h2")]
    assert all(how in headings for how, _, _ in PUBLISHED), headings


@pytest.mark.browser
def test_emails_become_mailto_links_named_by_the_address(sample, browser, serve):
    base = serve(sample.site)
    page = browser.new_page()
    page.goto(base + "projects/take-ten-people/")
    link = page.get_by_role("link", name="Catina.barrett@niace.org.uk", exact=True)
    assert link.get_attribute("href") == "mailto:Catina.barrett@niace.org.uk"
    assert page.locator("span.archive-email").count() == 0  # every one was turned into a link
    page.close()


@pytest.mark.browser
def test_without_javascript_emails_read_as_words(sample, browser, serve):
    base = serve(sample.site)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "projects/take-ten-people/")
    contacts = page.locator("ul.archive-contacts")
    assert "Catina.barrett at niace dot org dot uk" in contacts.inner_text()
    assert page.locator('a[href^="mailto:Catina"]').count() == 0
    context.close()


# --------------------------------------------------------------------------- privacy: old projects


def test_details_withheld_policy():
    built = __import__("datetime").date(2026, 1, 1)
    ended = PartialDate(2020, 12, 31)
    assert details_withheld(ended, True, built, 5)  # more than five years before the build
    assert not details_withheld(PartialDate(2021, 1, 1), True, built, 5)  # exactly five years: kept
    assert not details_withheld(PartialDate(2021), True, built, 5)  # a year: its last day counts
    assert not details_withheld(ended, True, built, 0)  # 0: policy off
    assert not details_withheld(ended, False, built, 5)  # an active project keeps its contacts
    assert not details_withheld(None, True, built, 5)  # no end date: nothing to measure from


POLICY_RECORDS = {
    "contacts/org.yml": """
        kind: organisation
        name: Example Trust
        email: info@example-trust.org
        phone: "0100 000000"
        address: [1 High Street, Town]
        """,
    "contacts/jane.yml": """
        kind: person
        name: Jane Doe
        organisation: org
        email: jane@example-trust.org
        phone: "0700 111111"
        """,
    "projects/old.yml": """
        title: An old project
        start: 2010-01-01
        end: 2012-03-31
        summary: Finished long ago.
        contacts:
          - {id: jane, role: Officer, email: jane.old@example-trust.org, phone: "0700 222222"}
        """,
    "projects/recent.yml": """
        title: A recent project
        start: 2022-01-01
        end: 2024-06-30
        summary: Finished lately.
        contacts:
          - {id: jane, role: Lead}
        """,
}


def test_personal_details_on_long_finished_projects_give_way_to_the_organisation(archive):
    for rel, body in POLICY_RECORDS.items():
        archive.write(rel, body)
    config = archive.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "personal_details_years: 0", "personal_details_years: 5"), encoding="utf-8")
    site = archive.build()
    assert site.ok, site.output

    old = site.article("projects/old/")  # ended 2012: more than five years before the 2026 build
    [contact] = old.select("li.archive-contact")
    shown = text(contact)
    assert "0700 222222" not in shown and "jane.old@example-trust.org" not in shown
    assert "Personal contact details are not shown" in shown
    assert "Contact Example Trust instead" in shown
    assert "info@example-trust.org" in shown and "0100 000000" in shown and "1 High Street" in shown

    recent = site.article("projects/recent/")  # ended 2024: kept
    [contact] = recent.select("li.archive-contact")
    assert "jane@example-trust.org" in text(contact) and "0700 111111" in text(contact)
    assert "not shown" not in text(contact)

    # her own page: the old project's row withheld, the recent one's kept, her own details kept
    jane = site.article("contacts/jane/")
    rows = {text(r.th): text(r) for r in jane.select("tbody tr")}
    assert "jane.old@example-trust.org" not in rows["An old project"]
    assert "Not shown" in rows["An old project"]
    assert "jane@example-trust.org" in text(jane.select_one("dl.archive-details"))


def test_with_the_policy_off_personal_details_are_all_shown(small_site):
    """The sample's setting (personal_details_years: 0): the same records, nothing withheld."""
    assert small_site.ok, small_site.output
    assert "jane.old@example-trust.org" in text(small_site.article("projects/old/").select_one("li.archive-contact"))


# --------------------------------------------------------------------------- accessible formats


def test_every_document_offers_an_accessible_format_by_email(sample):
    """Every document the archive holds; not one on another website, which the archive cannot convert."""
    assert sample.ok, sample.output
    checked = external = 0
    for url in ("resources/", "resources/take-ten-people-pack/", "projects/take-ten-people/",
                "resources/cost-and-outreach-pilot-evaluation-interim-findings/"):
        page = (sample.site / url / "index.html").read_text(encoding="utf-8")
        assert "accessibility@example.org" not in page and "mailto:" not in page  # the address is encoded too
        soup = reveal_emails(BeautifulSoup(page, "html.parser"))  # as contact-email.js shows it
        for listing in soup.select("article ul.archive-files"):
            request = listing.find_next_sibling("p", class_="archive-request-format")
            if listing.select("li.archive-attachment--external"):
                assert request is None or request.find_previous_sibling("ul") is not listing, (url, listing)
                external += 1
                continue
            assert request is not None, (url, listing)
            link = request.a
            parts = urlsplit(link["href"])
            assert parts.scheme == "mailto" and parts.path == "accessibility@example.org"
            subject = parse_qs(parts.query)["subject"][0]
            title = text(link.select_one(".md-visually-hidden")).removeprefix("of “").removesuffix("”")
            assert subject == f"Accessible format request: {title}"
            assert text(link).startswith("Request an accessible format of")
            checked += 1
    assert checked >= 7 and external >= 2


ACCESSIBLE_FORMAT_EMAIL = "formats@council.example"  # small_site's mkdocs.yml


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """One small archive, built once for the tests that only read it (their records do not meet): a report
    (its accessible-format address configured), a project whose text looks like spreadsheet formulas
    (test_csv_cells_cannot_run_as_formulas), one whose sections write an address in every way
    MARKDOWN_ADDRESSES lists that a record may use, and POLICY_RECORDS with the policy on personal
    details off (the sample's setting)."""
    archive = Archive(tmp_path_factory.mktemp("small") / "archive")
    sections = "".join(f"  - heading: {how}\n    body: |\n" + "".join(f"      {line}\n" for line in body.split("\n"))
                       for how, body, _ in PUBLISHED)
    archive.write("projects/addresses.yml", "title: Addresses in section bodies\nstart: 2010-01-01\n"
                  "end: 2011-01-01\nsummary: Every way Markdown can write an email address.\n"
                  "sections:\n" + sections)
    for rel, body in POLICY_RECORDS.items():
        archive.write(rel, body)
    archive.write("resources/r.yml", """
        title: A "quoted" report & more
        kind: report
        files:
          - {file: r/report.pdf, title: Report}
        """)
    archive.write_bytes("resources/r/report.pdf", make_pdf(2))
    config = archive.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "accessible_format_email: accessibility@example.org", f"accessible_format_email: {ACCESSIBLE_FORMAT_EMAIL}"),
        encoding="utf-8")
    archive.write("projects/f.yml", """
        title: "=HYPERLINK(\\"https://evil.example\\",\\"click\\")"
        short_title: "@SUM(A1:A2)"
        start: 2009-04-01
        end: 2010-03-31
        summary: "+cmd|' /C calc'!A0"
        themes: ["-2+3"]
        """)
    return archive.build()


def test_the_accessible_format_address_is_configurable(small_site):
    site = small_site
    assert site.ok, site.output
    [link] = site.article("resources/r/").select("p.archive-request-format a")
    parts = urlsplit(link["href"])
    assert parts.path == ACCESSIBLE_FORMAT_EMAIL
    assert parse_qs(parts.query)["subject"] == ['Accessible format request: A "quoted" report & more']


# --------------------------------------------------------------------------- CSP


def test_csp_hashes_exactly_the_executable_inline_scripts():
    page = (
        "<!doctype html><html><head>\n<meta charset=\"utf-8\">\n<script>var a=1</script>"
        "<script src=\"x.js\"></script><script type=\"application/json\">{\"b\":2}</script>"
        "<script type='application/ld+json'>{}</script></head>"
        "<body><SCRIPT type=\"text/javascript\">\n f()\n</SCRIPT></body></html>"
    )
    assert csp.inline_scripts(page) == ["var a=1", "\n f()\n"]
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(b"var a=1").digest()).decode() + "'"
    assert csp.script_hash("var a=1") == expected
    secured = csp.with_policy(page)
    soup = BeautifulSoup(secured, "html.parser")
    meta = soup.head.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert soup.head.find_all("meta")[:2] == [soup.head.meta, meta]  # right after charset, before scripts
    policy = dict(d.strip().split(" ", 1) for d in meta["content"].split(";"))
    assert policy["default-src"] == "'self'"
    sources = policy["script-src"].split()
    assert "'unsafe-inline'" not in sources and "'wasm-unsafe-eval'" in sources
    assert expected in sources and csp.script_hash("\n f()\n") in sources and len(sources) == 4
    assert csp.with_policy(secured) == secured  # idempotent: rebuilding never stacks policies
    with pytest.raises(ValueError):
        csp.with_policy("<p>no head</p>")


def test_every_page_carries_its_policy_and_headers_has_them_all(sample):
    assert sample.ok, sample.output
    headers = (sample.site / "_headers").read_text(encoding="utf-8")
    [line] = [ln for ln in headers.splitlines() if ln.strip().startswith("Content-Security-Policy:")]
    site_sources = set(line.split("script-src", 1)[1].split(";", 1)[0].split())
    assert "frame-ancestors 'none'" in line and "'unsafe-inline'" not in line.split("style-src")[0]
    pages = html_files(sample.site)
    assert len(pages) > 50
    for page in pages:
        html = page.read_text(encoding="utf-8")
        soup = sample.soup(page)  # parsed once per session, shared with the other tests of the sample
        metas = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert len(metas) == 1, page
        first_script = html.find("<script")
        assert first_script == -1 or html.find('http-equiv="Content-Security-Policy"') < first_script, page
        sources = set(metas[0]["content"].split("script-src", 1)[1].split(";", 1)[0].split())
        wanted = {csp.script_hash(s) for s in csp.inline_scripts(html)}
        assert wanted and wanted <= sources and wanted <= site_sources, page
        assert "'unsafe-inline'" not in sources


# --------------------------------------------------------------------------- no third parties (static)


def test_nothing_the_pages_load_comes_from_another_host(sample):
    """Every page's scripts, styles, icons, images and frames are the site's own files, and its
    style sheets import nothing from elsewhere; links go only to https, http or mailto."""
    assert sample.ok, sample.output
    loads = "script[src], link[href]:not([rel~=canonical]):not([rel~=alternate]), img[src], iframe[src], " \
            "source[src], source[srcset], video[src], audio[src], embed[src], object[data]"
    outside = []
    for page in html_files(sample.site):
        soup = sample.soup(page)  # parsed once per session, shared with the other tests of the sample
        where = page.relative_to(sample.site).as_posix()
        for el in soup.select(loads):
            ref = el.get("src") or el.get("href") or el.get("srcset") or el.get("data")
            if urlsplit(ref).scheme or ref.startswith("//"):
                outside.append(f"{where}: <{el.name}> {ref}")
        for a in soup.select("a[href]"):
            scheme = urlsplit(a["href"]).scheme
            assert scheme in ("", "http", "https", "mailto"), (where, a)
    for css in sorted(sample.site.rglob("*.css")):
        for ref in re.findall(r"(?:@import\s+|url\()\s*['\"]?(?:https?:)?//[^'\")\s]+", css.read_text(encoding="utf-8")):
            outside.append(f"{css.relative_to(sample.site)}: {ref}")
    assert outside == []


# --------------------------------------------------------------------------- browser: crawl


def watch(context, violations: list[str], outside: list[str]) -> None:
    """Record CSP violations (event and console) and every request that leaves 127.0.0.1; block those."""
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )

    def route(r):
        host = urlsplit(r.request.url).hostname
        if urlsplit(r.request.url).scheme in ("http", "https", "ws", "wss") and host != "127.0.0.1":
            outside.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    # Only requests that are not plainly to a local server (http://127.0.0.1:<port>/…) come to Python
    # to be judged; the site's own requests go straight on instead of waiting on a round trip each.
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/)"), route)


def console_watch(page, violations: list[str], where: str | Callable[[], str]) -> None:
    """Record CSP messages and page errors of ``page``, named by ``where`` (or by what it returns then,
    for a page that is taken to one address after another)."""
    def name() -> str:
        return where() if callable(where) else where

    def on_console(msg):
        if "Content Security Policy" in msg.text or "CSP violation" in msg.text:
            violations.append(f"{name()}: {msg.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: violations.append(f"{name()}: page error {e}"))


CRAWL_TABS = 4  # pages taken in turn from address to address: one loads while the others go quiet


@pytest.mark.browser
def test_crawl_no_csp_violation_and_no_request_leaves_the_host(sample, browser, serve, tmp_path):
    """Every page type, with the search used and the palette switched, at the site's real path.
    Each page is watched until the network has been quiet for 500 ms (networkidle), as some pages
    fetch after their load event (the browse page loads Pagefind, every page its favicon). A few
    tabs take turns, so one page's quiet period passes while the next pages load."""
    assert sample.ok, sample.output
    base = serve(host_at_site_path(sample.site, tmp_path / "host")) + SITE_PATH
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    outside: list[str] = []
    watch(context, violations, outside)
    tabs = [context.new_page() for _ in range(CRAWL_TABS)]
    showing = [""] * len(tabs)  # the page type each tab shows
    for i, tab in enumerate(tabs):
        console_watch(tab, violations, lambda i=i: showing[i])
    for n, (name, url) in enumerate(PAGE_TYPES.items()):
        i = n % len(tabs)
        page = tabs[i]
        if showing[i]:
            page.wait_for_load_state("networkidle")  # the page it showed has gone quiet
        showing[i] = name
        page.bring_to_front()  # as a visitor's tab: a background tab's rendering waits, and so do clicks in it
        page.goto(base + url, wait_until="load")
        if name == "home":
            query = page.get_by_role("searchbox", name="Search the archive")  # Pagefind (issue #4)
            query.click()
            query.press_sequentially("Take Ten")
            page.locator('#archive-search-results[data-query="Take Ten"] .archive-search__link').first.wait_for()
            page.keyboard.press("Escape")
            page.locator("label[for=__palette_1]").first.click()  # to the dark scheme and back
            page.locator("label[for=__palette_0]").first.click()
    for page in tabs:
        page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []
    assert outside == []


@pytest.mark.browser
def test_the_policy_blocks_an_inline_script_it_did_not_hash(sample, browser, serve, tmp_path):
    """The crawl's watch really sees violations: a script added after the build is refused."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(sample.site, site)
    page_file = site / "about/index.html"
    page_file.write_text(page_file.read_text(encoding="utf-8").replace(
        "</body>", '<script>document.title = "ran"</script></body>'), encoding="utf-8")
    base = serve(site)
    context = browser.new_context()
    violations: list[str] = []
    watch(context, violations, [])
    page = context.new_page()
    console_watch(page, violations, "about")
    page.goto(base + "about/", wait_until="load")
    assert page.title() != "ran"
    assert violations and all("about" in v for v in violations)
    context.close()


# --------------------------------------------------------------------------- injection

PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)")
P = " ".join(PAYLOADS)
Q = P.replace("\\", "\\\\").replace('"', '\\"')  # inside a double-quoted YAML string


INJECTION_RECORDS = {
    "contacts/evil-org.yml": f"""
        kind: organisation
        name: "Org {Q}"
        address: ["{Q}", "Line 2 {Q}"]
        note: "{Q}"
        """,
    "contacts/evil-person.yml": f"""
        kind: person
        name: "Person {Q}"
        organisation: evil-org
        role: "{Q}"
        phone: "{Q}"
        note: "{Q}"
        """,
    "projects/evil.yml": f"""
        title: "Title {Q}"
        short_title: "Short {Q}"
        start: 2009-04-01
        end: 2010-03-31
        dates_note: "{Q}"
        summary: "{Q}"
        image:
          file: evil/pic.png
          alt: "{Q}"
          credit: "{Q}"
        themes: ["theme {Q}"]
        regions: ["region {Q}"]
        organisations:
          - {{id: evil-org, role: "{Q}"}}
        sections:
          - heading: "Heading {Q}"
            body: "{Q} <a href='javascript:alert(1)'>raw</a>"
        outputs:
          - {{measure: "{Q}", target: 1, achieved: 2, note: "{Q}"}}
        timeline:
          - {{date: 2009-05, text: "{Q}"}}
        sites:
          - {{name: "{Q}", town: "{Q}", lat: 52.1, lon: 1.2}}
        contacts:
          - {{id: evil-person, role: "{Q}", phone: "{Q}"}}
        resources: [evil-pack]
        links:
          - {{title: "{Q}", url: "https://example.org/?q=%3Cscript%3E"}}
        """,
    "resources/evil-pack.yml": f"""
        title: "Pack {Q}"
        kind: toolkit
        summary: "{Q}"
        licence: CC-BY-4.0  # an id from projarchive.licences: no free text reaches the page through it
        files:
          - {{file: evil/doc.pdf, title: "{Q}"}}
        """,
}


def write_injection_archive(archive) -> None:
    from conftest import make_png

    for rel, body in INJECTION_RECORDS.items():
        archive.write(rel, body)
    archive.write_bytes("resources/evil/doc.pdf", make_pdf(1))
    archive.write_bytes("resources/evil/pic.png", make_png())


JAVASCRIPT_URLS = [  # where the schema takes a URL, and the line that gives it a javascript: one
    ("projects/evil.yml", "links url", '  - {title: x, url: "javascript:alert(1)"}'),
    ("contacts/evil-org.yml", "url", 'url: "javascript:alert(1)"'),
    ("resources/evil-pack.yml", "url", 'url: "javascript:alert(1)"'),
]


def test_a_javascript_url_is_rejected_where_the_schema_takes_a_url(archive):
    """All three in one archive: a build reports every record's mistake, each at its own file."""
    write_injection_archive(archive)
    for record, key, line in JAVASCRIPT_URLS:
        path = archive.root / record
        body = path.read_text(encoding="utf-8")
        if key == "links url":
            body = body.replace('links:\n  - {title: "', 'links:\n' + line + '\n  - {title: "')
        elif record.startswith("resources/"):
            body = body.split("files:")[0] + line + "\n"  # a resource is files or a url
        else:
            body += line + "\n"
        path.write_text(body, encoding="utf-8")
    result = archive.build()
    assert not result.ok
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    for record, _, _ in JAVASCRIPT_URLS:
        assert any(e.startswith(record + ":") and "javascript" in e for e in errors), (record, result.output)


@pytest.mark.browser
def test_injected_markup_never_runs_in_the_browser(archive, browser, serve, tmp_path):
    write_injection_archive(archive)
    site = archive.build()
    assert site.ok, site.output
    base = serve(host_at_site_path(site.site, tmp_path / "host")) + SITE_PATH
    context = browser.new_context()
    dialogs: list[str] = []
    violations: list[str] = []
    outside: list[str] = []
    watch(context, violations, outside)
    pages = [p.relative_to(site.site).as_posix().removesuffix("index.html") for p in html_files(site.site)]
    assert {"projects/evil/", "resources/evil-pack/", "contacts/evil-person/", "contacts/evil-org/"} <= set(pages)
    page = context.new_page()  # one tab, taken from page to page
    showing = [""]
    page.on("dialog", lambda d: (dialogs.append(f"{showing[0]}: {d.message}"), d.dismiss()))
    for url in pages:
        showing[0] = url
        page.goto(base + url, wait_until="load")
        injected = page.evaluate("""() => [
            ...document.querySelectorAll('img[src="x"], img[onerror], [onerror]')].length
            + [...document.querySelectorAll('script:not([src])')].filter(s =>  // JSON and JSON-LD never run
                !/json/.test(s.type) && s.textContent.includes('alert(1)')).length
            + [...document.querySelectorAll('a[href], [src], [action]')].filter(e =>
                (e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')
                .trim().toLowerCase().startsWith('javascript:')).length""")
        assert injected == 0, url
    context.close()
    assert dialogs == []
    assert outside == []
    # the payloads are shown as text
    assert PAYLOADS[0] in text(site.article("projects/evil/").select_one("p.archive-summary"))


# --------------------------------------------------------------------------- findable and reusable


def sample_catalogue():
    import datetime as dt

    from conftest import REPO

    from projarchive.catalogue import load_catalogue

    return load_catalogue(str(REPO), build_date=dt.date(2026, 1, 1), docs_dir=str(REPO / "docs"))


def json_ld_of(site: Path, url: str) -> dict:
    import json

    soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    [script] = soup.select('head script[type="application/ld+json"]')
    return json.loads(script.string)


def test_script_json_cannot_close_its_script_element():
    import json

    from projarchive.seo import script_json

    data = {"name": "</script><script>alert(1)</script> & <!-- \u2028"}
    out = script_json(data)
    assert not re.search(r"[<>&\u2028]", out)
    assert json.loads(out) == data


def test_json_ld_describes_each_record(sample):
    assert sample.ok, sample.output
    cat = sample_catalogue()
    site_url = "https://example.org/archive/"

    p = cat.projects["take-ten-people"]
    ld = json_ld_of(sample.site, "projects/take-ten-people/")
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "Project"
    assert ld["name"] == p.title and ld["description"] == p.summary
    assert ld["startDate"] == p.start.iso() == "2009-04-01" and ld["endDate"] == p.end.iso() == "2010-03-31"
    assert ld["url"] == site_url + "projects/take-ten-people/"
    named = {o["name"] for o in ld.get("member", []) + ld.get("funder", [])}
    assert named == {cat.contacts[o.id].name for o in p.organisations}
    funders = {o.id for o in p.organisations if "fund" in o.role.casefold()}
    assert {o["name"] for o in ld.get("funder", [])} == {cat.contacts[i].name for i in funders}

    r = cat.resources["take-ten-people-pack"]
    ld = json_ld_of(sample.site, "resources/take-ten-people-pack/")
    assert ld["@type"] == "CreativeWork" and ld["name"] == r.title
    files = cat.resource_files(r)
    assert len(ld["hasPart"]) == len(files) > 0
    for part, (title, facts) in zip(ld["hasPart"], files, strict=True):
        assert part["@type"] == "DigitalDocument" and part["name"] == title
        assert part["encodingFormat"] == facts.mime and part["contentSize"] == f"{facts.size} B"
        assert part["url"].startswith(site_url + "files/")
        assert (sample.site / unquote(part["url"].removeprefix(site_url))).stat().st_size == facts.size

    ld = json_ld_of(sample.site, "contacts/catina-barrett/")
    person = cat.contacts["catina-barrett"]
    assert ld["@type"] == "Person" and ld["name"] == person.name
    assert ld["worksFor"]["name"] == cat.contacts[person.organisation].name
    assert "email" not in ld and "telephone" not in ld  # never personal details in data made for harvesting
    ld = json_ld_of(sample.site, "contacts/niace/")
    assert ld["@type"] == "Organization" and ld["name"] == cat.contacts["niace"].name


def test_pages_have_open_graph_twitter_and_canonical_tags(sample):
    soup = BeautifulSoup((sample.site / "projects/take-ten-people/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    prop = {m["property"]: m["content"] for m in soup.select("head meta[property]")}
    name = {m["name"]: m["content"] for m in soup.select("head meta[name]")}
    title = sample_catalogue().projects["take-ten-people"].title
    canonical = soup.select_one('head link[rel="canonical"]')["href"]
    assert canonical == "https://example.org/archive/projects/take-ten-people/"
    assert prop["og:title"] == title == name["twitter:title"]
    assert prop["og:url"] == canonical and prop["og:type"] == "article"
    assert prop["og:image"].startswith("https://example.org/archive/files/") and prop["og:image:alt"]
    assert name["twitter:card"] == "summary_large_image"
    feed = soup.select_one('head link[rel~="alternate"][rel~="feed"][type="application/atom+xml"]')
    assert feed["href"] == "../../feed.xml"
    for url in ("", "about/", "404.html"):  # hand-written pages get them too
        page = sample.site / (url if url.endswith(".html") else url + "index.html")
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one('head meta[property="og:title"]')["content"], url


def test_sitemap_dates_come_from_the_records(sample):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((sample.site / "sitemap.xml").read_bytes())
    lastmod = {u.find("s:loc", ns).text: u.find("s:lastmod", ns).text for u in root.findall("s:url", ns)}
    base = "https://example.org/archive/"
    assert lastmod[base + "projects/take-ten-people/"] == "2010-03-31"  # its end
    assert lastmod[base + "projects/embedding-learning-in-everyday-activity/"] == "2011-12-31"  # "2011"
    assert lastmod[base + "projects/career-learning-pilots/"] == "2026-01-01"  # active: the build date
    assert lastmod[base + "resources/take-ten-people-pack/"] == "2010-03-31"
    assert lastmod[base + "contacts/catina-barrett/"] == max(
        lastmod[base + f"projects/{p}/"] for p in ("take-ten-people", "clmh-research-2015-17"))
    assert max(lastmod.values()) <= "2026-01-01"


def test_atom_feed_lists_every_project_and_resource(sample):
    import xml.etree.ElementTree as ET

    cat = sample_catalogue()
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring((sample.site / "feed.xml").read_bytes())
    assert root.tag == f"{atom}feed"
    entries = root.findall(f"{atom}entry")
    by_url = {e.find(f"{atom}id").text: e for e in entries}
    base = "https://example.org/archive/"
    expected = {base + f"projects/{i}/": p.title for i, p in cat.projects.items()}
    expected |= {base + f"resources/{i}/": r.title for i, r in cat.resources.items()}
    assert {u: e.find(f"{atom}title").text for u, e in by_url.items()} == expected
    assert by_url[base + "projects/take-ten-people/"].find(f"{atom}updated").text == "2010-03-31T00:00:00Z"
    updated = [e.find(f"{atom}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    for e in entries:
        assert e.find(f"{atom}link").get("href") == e.find(f"{atom}id").text
        assert (sample.site / e.find(f"{atom}id").text.removeprefix(base) / "index.html").is_file()


def test_exports_match_the_records(sample):
    import csv
    import io
    import json

    cat = sample_catalogue()
    for kind, recs, title in (("projects", cat.projects, "title"), ("resources", cat.resources, "title"),
                              ("contacts", cat.contacts, "name")):
        rows = json.loads((sample.site / f"api/{kind}.json").read_text(encoding="utf-8"))
        assert {r["id"]: r[title] for r in rows} == {i: getattr(rec, title) for i, rec in recs.items()}
        table = list(csv.DictReader(io.StringIO((sample.site / f"api/{kind}.csv").read_text(encoding="utf-8"))))
        assert [r["id"] for r in table] == [r["id"] for r in rows]
        assert [r[title] for r in table] == [r[title] for r in rows]
    projects = {r["id"]: r for r in json.loads((sample.site / "api/projects.json").read_text(encoding="utf-8"))}
    ttp = projects["take-ten-people"]
    p = cat.projects["take-ten-people"]
    assert (ttp["start"], ttp["end"], ttp["status"]) == ("2009-04-01", "2010-03-31", "finished")
    assert ttp["resources"] == list(p.resources) and ttp["themes"] == list(p.themes)
    assert projects["career-learning-pilots"]["status"] == "active"
    resources = {r["id"]: r for r in json.loads((sample.site / "api/resources.json").read_text(encoding="utf-8"))}
    for f in resources["take-ten-people-pack"]["files"]:
        assert f["bytes"] == (sample.site / "files" / f["file"]).stat().st_size
    # no email field is exported, nor a person's phone (free text, like a section body, stays as written)
    contacts = json.loads((sample.site / "api/contacts.json").read_text(encoding="utf-8"))
    assert all("email" not in c for c in contacts) and all(not c["phone"] for c in contacts if c["kind"] == "person")
    assert all(set(c) == {"id", "role", "organisation"} for p in projects.values() for c in p["contacts"])
    assert "catina.barrett@" not in (sample.site / "api/contacts.csv").read_text(encoding="utf-8")


def test_csv_cells_cannot_run_as_formulas(small_site):
    import csv
    import io

    from projarchive.exports import safe_cell

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("+44 1") == "'+44 1" and safe_cell("-x") == "'-x"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("\tx") == "'\tx" and safe_cell("a=b") == "a=b"
    assert safe_cell(["=a", "b"]) == "'=a; b" and safe_cell(None) == ""
    site = small_site  # projects/f.yml, written by the fixture
    assert site.ok, site.output
    rows = list(csv.DictReader(io.StringIO((site.site / "api/projects.csv").read_text(encoding="utf-8"))))
    [row] = [r for r in rows if r["id"] == "f"]
    assert row["title"] == "'=HYPERLINK(\"https://evil.example\",\"click\")"
    assert row["short_title"] == "'@SUM(A1:A2)" and row["summary"] == "'+cmd|' /C calc'!A0"
    assert row["themes"] == "'-2+3"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@")), value


@pytest.mark.browser
def test_a_page_view_downloads_no_sitemap(sample, browser, serve):
    """The feed link must not look like a language alternate to Material, which would fetch the
    whole sitemap.xml on every page view (it grows with the archive)."""
    assert sample.ok, sample.output
    base = serve(sample.site)
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base + "projects/take-ten-people/", wait_until="networkidle")
    page.close()
    assert any(u.endswith("/stylesheets/archive.css") for u in requested)  # the watch sees requests
    assert not [u for u in requested if "sitemap" in u]
