"""Search: Pagefind indexes the built site and the header search box finds records.

A small fixture archive (one Welsh title, one project whose title and another's body share
a word) is built once for the module; HTML-level tests parse it, browser tests drive it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import Archive, BuildResult, snapshot

from projarchive.assets import minified, minifies

RHIFEDD = "Rhifedd i Bawb: rhaglen sgiliau rhifedd i oedolion yng Nghymru"

RECORDS = {
    "contacts/niace.yml": """
        kind: organisation
        name: NIACE
        """,
    "contacts/gwen-jones.yml": """
        kind: person
        name: Gwen Åsa Jones
        role: Swyddog Prosiect
        """,
    "resources/lighthouse-report.yml": """
        title: Lanterns and harbours final report
        kind: report
        files:
          - {file: lighthouse/report.pdf, title: Final evaluation report}
        """,
    "projects/rhifedd-i-bawb.yml": f"""
        title: "{RHIFEDD}"
        start: 2012-09-01
        end: 2014-08-31
        status: finished
        summary: Cefnogi oedolion yng Nghymru i wella eu sgiliau rhif.
        themes: [numeracy]
        regions: [Wales]
        contacts:
          - {{id: gwen-jones}}
        """,
    "projects/lighthouse.yml": """
        title: Lighthouse keepers learning circle
        start: 2015-01-01
        end: 2016-12-31
        status: finished
        summary: Adult learning for coastal communities.
        themes: [community learning]
        regions: [South West]
        organisations:
          - {id: niace, role: Lead organisation}
        resources: [lighthouse-report]
        sections:
          - heading: What happened
            body: Learners met weekly in the old harbour office.
        """,
    "projects/harbour-skills.yml": """
        title: Harbour skills for work
        start: 2016-01-01
        end: 2017-06-30
        status: finished
        summary: Employment support in ports, inspired by a lighthouse project.
        themes: [employment]
        regions: [South West]
        sections:
          - heading: Background
            body: |
              The lighthouse idea came first. A lighthouse visit, a lighthouse talk and
              lighthouse case studies shaped the work.
        """,
}


def write_records(archive: Archive) -> None:
    from conftest import make_pdf

    for rel, body in RECORDS.items():
        archive.write(rel, body)
    archive.write_bytes("resources/lighthouse/report.pdf", make_pdf(2, "report"))


@pytest.fixture(scope="module")
def built(module_archive: Archive) -> BuildResult:
    write_records(module_archive)
    result = module_archive.build()
    assert result.ok, result.output
    return result


# --------------------------------------------------------------------------- HTML level


def test_builtin_search_is_replaced_by_pagefind(built):
    assert not (built.site / "search" / "search_index.json").exists()
    bundle = built.site / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    assert (bundle / "pagefind-entry.json").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] >= 6  # 3 projects, 2 contacts, 1 resource, hand-written pages
    assert not (bundle / "pagefind-ui.js").exists()  # Pagefind's own UI is not used, so not published


def test_header_has_a_labelled_search_box(built):
    soup = built.html("projects/lighthouse/")
    form = soup.select_one("header form[role=search][data-archive-search]")
    assert form is not None
    field = form.select_one("input[type=search]")
    label = form.select_one(f"label[for={field['id']}]")
    assert label is not None and label.get_text(strip=True) == "Search the archive"
    assert field["aria-keyshortcuts"] == "/"
    assert form.select_one("[role=status][aria-live=polite]") is not None
    assert soup.select_one(".md-search") is None  # Material's built-in search box is gone
    # our JavaScript is an external file; no inline script of ours, no inline handlers
    assert soup.select_one('script[src$="javascripts/search.js"]') is not None
    assert not soup.select("[onclick], [onkeydown], [oninput]")


def test_our_scripts_and_style_sheets_are_published_minified_and_nothing_else_is(built, module_archive):
    """docs/javascripts and docs/stylesheets are written to be read; the site publishes them with
    comments and spaces left out (projarchive.assets). The browser tests run on what is published."""
    docs = module_archive.root / "docs"
    sources = sorted([*docs.glob("javascripts/*.js"), *docs.glob("stylesheets/*.css")])
    assert {p.name for p in sources} >= {"search.js", "finder.js", "archive.css", "search.css"}
    for source in sources:
        rel = source.relative_to(docs).as_posix()
        written, published = source.read_text(encoding="utf-8"), (built.site / rel).read_text(encoding="utf-8")
        assert len(published) < 0.85 * len(written), rel
        assert "/*" not in published.replace('"/*"', ""), rel  # no comment is left
        assert published == minified(rel, written), rel
    # the theme's own assets (already minified) are published as the theme has them
    theme = next(built.site.glob("assets/javascripts/bundle.*.min.js"))
    import material
    assert theme.read_bytes() == (Path(material.__file__).parent / "templates" / theme.relative_to(built.site)).read_bytes()


def test_minifying_leaves_strings_regular_expressions_and_licences_alone():
    script = ('/* what it does */\nvar a = "/* not a comment */"; // a comment\n'
              'var b = /\\/\\*x/g;  /*! licence: kept */\nfunction f( x ) {\n  return x  +  1;\n}\n')
    out = minified("javascripts/x.js", script)
    assert out == 'var a="/* not a comment */";var b=/\\/\\*x/g;/*! licence: kept */function f(x){return x+1;}\n'
    sheet = "/* the header */\n.a  >  .b {\n  color : red ;\n}\n.c::before { content: \"/* kept */\"; }\n"
    assert minified("stylesheets/x.css", sheet) == '.a>.b{color:red}.c::before{content:"/* kept */"}\n'
    assert minifies("javascripts/finder.js") and minifies("stylesheets/archive.CSS")
    assert not minifies("javascripts/vendor.min.js") and not minifies("stylesheets/x.min.css")
    assert not minifies("images/logo.svg") and not minifies("javascripts/README")


def test_project_article_is_marked_for_pagefind(built):
    art = built.article("projects/lighthouse/")
    body = art.select_one("[data-pagefind-body]")
    assert body is not None
    h1 = body.select_one("h1")
    assert h1.get_text(strip=True) == "Lighthouse keepers learning circle"
    assert h1.has_attr("data-pagefind-meta") and h1["data-pagefind-meta"] == "title"
    assert int(h1["data-pagefind-weight"]) > 1
    filters = {(e["data-pagefind-filter"], e.get_text()) for e in body.select("[data-pagefind-filter]")}
    assert {("type", "Project"), ("theme", "community learning"), ("region", "South West"),
            ("status", "Finished"), ("organisation", "NIACE"), ("resource", "Reports"),
            ("year", "2015"), ("year", "2016")} == filters
    # the page's header, navigation and footer are outside the indexed body
    page = built.html("projects/lighthouse/")
    assert page.select_one("header [data-pagefind-body], nav [data-pagefind-body], footer [data-pagefind-body]") is None


def test_hand_written_pages_are_indexed_too_but_not_the_home_page(built):
    """The home page introduces the listings (and repeats the newest projects): not a result."""
    about = built.article("about/").select_one("[data-pagefind-body]")
    assert about is not None
    assert about.select_one('[data-pagefind-filter="type"]').get_text() == "Page"
    guide = built.article("maintainers/").select_one("[data-pagefind-body]")
    assert guide.select_one('[data-pagefind-filter="type"]').get_text() == "For maintainers"
    assert built.article("").select_one("[data-pagefind-body]") is None


def test_listing_pages_are_not_search_results(built):
    """Listings repeat the records' summaries; the records themselves are the results."""
    import gzip

    listings = ("projects/", "themes/", "themes/community-learning/", "regions/south-west/", "programmes/",
                "resources/", "contacts/", "browse/")
    for url in listings:
        assert built.article(url).select_one("[data-pagefind-body]") is None, url
    for url in ("projects/lighthouse/", "resources/lighthouse-report/", "contacts/niace/"):
        assert built.article(url).select_one("[data-pagefind-body]") is not None, url
    indexed = set()
    for path in (built.site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        indexed.add(json.loads(data[len(b"pagefind_dcd"):])["url"].strip("/") + "/")
    assert {"projects/lighthouse/", "resources/lighthouse-report/", "contacts/niace/", "about/"} <= indexed
    assert not indexed & {u.strip("/") + "/" for u in listings}, indexed
    assert "news/" not in indexed  # Material's blog index lists posts, as our listings list records


BARE_TEMPLATE = """
    {% extends "main.html" %}
    {% block content %}<div class="bare">{{ page.content }}</div>{% endblock %}
    """


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> BuildResult:
    """The module's records built again in another folder, with one page more that has its own template
    (without the indexed part) and is left out of search: what a second build of the same index must
    give byte for byte (test_pagefind_output_is_byte_reproducible), and the way out that
    test_a_template_that_leaves_out_the_indexed_part_fails_the_build_by_name names."""
    archive = Archive(tmp_path_factory.mktemp("rebuilt") / "archive")
    write_records(archive)
    archive.write("overrides/bare.html", BARE_TEMPLATE)
    archive.write("docs/bare.md", "---\ntemplate: bare.html\nsearch: {exclude: true}\n---\n# Not a result\n")
    result = archive.build()
    assert result.ok, result.output
    return result


def test_pagefind_output_is_byte_reproducible(built, rebuilt):
    """Two builds of the same input give byte-identical pagefind/ files (Pagefind itself writes
    filter files in hash-map order; search.canonicalise_filters sorts them). The first is the
    module's build; the second builds the same records in another folder (with a page left out of
    search beside them, which changes nothing in the index)."""
    runs = [snapshot(built.site / "pagefind"), snapshot(rebuilt.site / "pagefind")]
    assert any(k.startswith("filter/") for k in runs[0])
    assert sorted(runs[0]) == sorted(runs[1])
    assert [k for k in runs[0] if runs[0][k] != runs[1][k]] == []


def test_canonical_filters_still_name_every_value(built):
    from projarchive.search import _read_pf

    bundle = built.site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    meta = _read_pf(str(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"))
    filters = {name: _read_pf(str(bundle / "filter" / f"{h}.pf_filter")) for name, h in meta[3]}
    assert [v for v, _ in filters["region"][1]] == ["South West", "Wales"]
    assert {v for v, _ in filters["year"][1]} == {str(y) for y in range(2012, 2018)}


# --------------------------------------------------------------------------- in the browser

def _search(page, query: str) -> list[str]:
    box = page.get_by_role("searchbox", name="Search the archive")
    box.fill(query)
    page.locator(f'#archive-search-results[data-query="{query}"]').wait_for(timeout=10_000)
    return page.locator(".archive-search__link").all_inner_texts()


@pytest.mark.browser
def test_typing_a_query_in_the_header_finds_the_project_title_first(built, browser, serve):
    base = serve(built.site)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base)
    titles = _search(page, "lighthouse")
    # the project with the word in its title ranks above the one that repeats it in its body
    assert titles[0] == "Lighthouse keepers learning circle"
    assert "Harbour skills for work" in titles
    page.locator(".archive-search__link").first.click()
    page.wait_for_url(base + "projects/lighthouse/")
    assert errors == []
    page.close()


@pytest.mark.browser
def test_one_or_two_letters_are_not_searched_as_you_type_but_enter_still_searches(built, browser, serve):
    """A one-letter prefix matches most of a large index (11,784 pages for "l" at 10,000 projects,
    3 s of Pagefind's worker, every later search waiting behind it): the drop-down waits for a
    third letter or a second word, and says so; Enter searches whatever was typed."""
    base = serve(built.site)
    page = browser.new_page()
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith(".pf_index") else None)
    page.goto(base + "about/")
    box = page.get_by_role("searchbox", name="Search the archive")
    status = page.locator("#archive-search-results .archive-search__status")
    for typed in ("l", "li"):
        box.fill(typed)
        page.wait_for_function("s => document.querySelector('#archive-search-results .archive-search__status')"
                               ".textContent.includes(s)", arg=f"“{typed}”")
        assert status.inner_text() == f"Keep typing, or press Enter to search for “{typed}”."
        assert page.locator(".archive-search__link").count() == 0
        assert page.locator("#archive-search-results .archive-search__all").is_hidden()
    page.wait_for_timeout(400)  # (the drop-down waits 150 ms after the last key)
    assert asked == []  # the index was not searched
    assert _search(page, "lig")[0] == "Lighthouse keepers learning circle"  # three letters are
    assert _search(page, "a b")  # two words are searched, however short (the drop-down answers for them)
    box.fill("li")
    box.press("Enter")
    page.wait_for_url(base + "search/?q=li")
    page.locator("[data-finder-results][data-settled]").wait_for(timeout=15_000)
    assert "Lighthouse keepers learning circle" in page.locator(".archive-result__link").all_inner_texts()
    page.close()


@pytest.mark.browser
def test_rhifedd_finds_the_welsh_title_and_contacts_are_searchable(built, browser, serve):
    base = serve(built.site)
    page = browser.new_page()
    page.goto(base + "about/")
    assert _search(page, "Rhifedd")[0] == RHIFEDD
    assert "Gwen Åsa Jones" in _search(page, "Gwen")
    assert "Lighthouse keepers learning circle" in _search(page, "evaluation")  # a document's title
    page.close()


@pytest.mark.browser
def test_slash_focuses_the_search_and_escape_closes_results(built, browser, serve):
    base = serve(built.site)
    page = browser.new_page()
    page.goto(base + "projects/")
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Search the archive")
    assert box.evaluate("el => el === document.activeElement")
    page.keyboard.type("harbour")
    page.locator('#archive-search-results[data-query="harbour"]').wait_for()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('archive-search__link')")
    page.keyboard.press("Escape")
    assert page.locator("#archive-search-results").is_hidden()
    page.close()


@pytest.mark.browser
def test_search_requests_stay_on_the_site(built, browser, serve):
    base = serve(built.site)
    page = browser.new_page()
    elsewhere: list[str] = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            elsewhere.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(base)
    _search(page, "harbour")
    # Material's repository facts (repo_url) are issue #5's business; nothing else may leave the site
    assert [u for u in elsewhere if not u.startswith("https://api.github.com/")] == []
    page.close()


# --------------------------------------------------------------------------- the pure API


def test_index_site_reports_pagefind_failures(tmp_path):
    from projarchive.search import SearchIndexError, SiteIndexer

    with pytest.raises(SearchIndexError, match="not a folder"):
        SiteIndexer().finish(str(tmp_path / "missing"))
    with pytest.raises(SearchIndexError, match="could not start Pagefind"):
        SiteIndexer(executable=str(tmp_path / "no-such-pagefind"))

    broken = tmp_path / "broken-pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: boom' >&2\nexit 1\n")
    broken.chmod(0o755)
    with pytest.raises(SearchIndexError, match="(?s)stopped.*boom"):
        SiteIndexer(executable=str(broken))

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><p>No page is marked for indexing.</p></body></html>")
    (site / "other.html").write_text("<html><body><p>Nor is this one.</p></body></html>")
    with pytest.raises(SearchIndexError, match="none of the 2 pages marks its content with data-pagefind-body"):
        SiteIndexer().finish(str(site))


def test_pagefind_runs_with_an_empty_worker_threads_variable_and_a_bad_one_is_named(tmp_path, monkeypatch):
    """`export TOKIO_WORKER_THREADS=` (empty: "not set") made Pagefind panic at start; other values
    it cannot use are reported by name, not as Pagefind's panic."""
    from projarchive.search import SearchIndexError, SiteIndexer, pagefind_environment

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><main data-pagefind-body><h1>Harbour</h1></main></body></html>")
    monkeypatch.setenv("TOKIO_WORKER_THREADS", "")
    assert SiteIndexer().finish(str(site)).pages == 1
    for bad in ("0", "two", " 2", "-1", "\u0662"):  # the last: an Arabic-Indic two, a digit to str.isdigit
        monkeypatch.setenv("TOKIO_WORKER_THREADS", bad)
        with pytest.raises(SearchIndexError, match=r"^TOKIO_WORKER_THREADS=.* whole number"):
            SiteIndexer()
    allocator = {"_RJEM_MALLOC_CONF": "tcache_max:262144"}
    assert pagefind_environment({"TOKIO_WORKER_THREADS": "3", "PATH": "/bin"}) == {"TOKIO_WORKER_THREADS": "3",
                                                                                  "PATH": "/bin", **allocator}
    assert pagefind_environment({"TOKIO_WORKER_THREADS": " ", "PATH": "/bin"}) == {"PATH": "/bin", **allocator}


def test_pagefinds_allocator_takes_our_setting_unless_one_is_set():
    """Pagefind's allocator caches the blocks it gzips with (see search.ALLOCATOR): the pinned binary
    must read the variable and accept the value (jemalloc reports both with ``stats_print``; a
    binary without jemalloc, or one reading another variable, prints nothing of it, and a value it
    cannot use is reported as an invalid pair). A maintainer's own setting is left as it is."""
    from projarchive.search import ALLOCATOR, ALLOCATOR_SETTINGS, pagefind_environment, pagefind_executable

    assert pagefind_environment({"PATH": "/bin"})[ALLOCATOR] == ALLOCATOR_SETTINGS
    assert pagefind_environment({ALLOCATOR: "narenas:1"})[ALLOCATOR] == "narenas:1"
    env = pagefind_environment({"PATH": os.environ.get("PATH", "/bin")})
    env[ALLOCATOR] += ",stats_print:true"
    done = subprocess.run([pagefind_executable(), "--service"], input=b"", capture_output=True, env=env, check=False,
                          timeout=60)
    said = done.stderr.decode("utf-8", "replace")
    assert "Invalid conf" not in said, said
    settings = dict(line.strip().split(": ", 1) for line in said.splitlines() if line.strip().startswith("opt."))
    assert settings.get("opt.tcache_max") == "262144", said[:2000]


def test_the_indexer_starts_pagefind_with_the_allocator_setting(tmp_path, monkeypatch):
    """What SiteIndexer actually starts Pagefind with (a wrapper writes down the variable, then runs it)."""
    from projarchive.search import ALLOCATOR, ALLOCATOR_SETTINGS, SiteIndexer, pagefind_executable

    monkeypatch.delenv(ALLOCATOR, raising=False)
    seen = tmp_path / "allocator-setting"
    wrapper = shell_script(tmp_path / "pagefind-noting-its-allocator",
                           f'printf "%s" "${{{ALLOCATOR}-unset}}" > "{seen}"; exec "{pagefind_executable()}" "$@"')
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><main data-pagefind-body><h1>Harbour</h1></main></body></html>")
    assert SiteIndexer(executable=wrapper).finish(str(site)).pages == 1
    assert seen.read_text() == ALLOCATOR_SETTINGS


def shell_script(path: Path, body: str) -> str:
    """An executable shell script at ``path`` (a Pagefind started some other way); its path."""
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def pagefind_telling_its_pid(tmp_path) -> tuple[str, Path]:
    """Pagefind started through a wrapper that writes its process id to a file (exec keeps the id)."""
    from projarchive.search import pagefind_executable

    pid_file = tmp_path / "pagefind.pid"
    body = f'echo $$ > "{pid_file}"\nexec "{pagefind_executable()}" "$@"'
    return shell_script(tmp_path / "pagefind-telling-its-pid", body), pid_file


def process_exists(pid_file: Path) -> bool:
    """Whether the process is still there, running or a zombie nobody has waited for."""
    try:
        os.kill(int(pid_file.read_text()), 0)
    except ProcessLookupError:
        return False
    return True


def test_pages_handed_over_are_indexed_as_given_and_the_rest_read_from_disk(tmp_path):
    """The build hands Pagefind each page as rendered; files it did not hand over are read from the site."""
    from projarchive.search import SiteIndexer, html_files

    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text("<html><body>stale text on disk</body></html>")
    (site / "b.html").write_text('<html><body><main data-pagefind-body><h1>Bee</h1>From disk</main></body></html>')
    (site / "pagefind").mkdir()
    (site / "pagefind" / "old.html").write_text("<html><body>an old bundle is not a page</body></html>")
    assert sorted(html_files(str(site))) == ["a/index.html", "b.html"]

    executable, pid = pagefind_telling_its_pid(tmp_path)
    indexer = SiteIndexer(executable=executable)
    indexer.add_page("a/index.html", '<html><body><main data-pagefind-body><h1>Ay</h1>Rendered</main></body></html>')
    report = indexer.finish(str(site))
    assert report.pages == 2 and report.words > 0
    assert not process_exists(pid)
    assert not (site / "pagefind" / "old.html").exists()  # the bundle is written afresh
    assert not (site / "pagefind" / "pagefind-ui.js").exists()  # Pagefind's own UI is not published
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2


def test_a_marked_page_found_after_the_index_was_written_is_added_and_the_index_written_again(tmp_path):
    from projarchive.search import IndexedPart, SiteIndexer

    site = tmp_path / "site"
    site.mkdir()
    indexer = SiteIndexer()
    indexer.add_page("a/index.html", IndexedPart.document("<div data-pagefind-body><h1>Ay</h1>First</div>"))
    indexer.write(str(site))
    (site / "late.html").write_text("<html><body><div data-pagefind-body><h1>Late</h1>Another plugin's "
                                    "page</div></body></html>")
    (site / "404.html").write_text("<html><body>Not found (no indexed part: not read into the index)</body></html>")
    with pytest.raises(Exception, match="after the index was written"):
        indexer.add_page("b/index.html", "<html></html>")
    report = indexer.finish(str(site))
    assert report.pages == 2


def pagefind_logging_its_input(tmp_path) -> tuple[str, Path]:
    """Pagefind started through a wrapper that copies everything it is sent to a file."""
    from projarchive.search import pagefind_executable

    log = tmp_path / "pagefind-input"
    return shell_script(tmp_path / "pagefind-logging-its-input", f'tee "{log}" | "{pagefind_executable()}" "$@"'), log


def sent(log: Path) -> list[str]:
    """The type of each message Pagefind was sent (up to the STOP that ends it)."""
    messages = [m for m in log.read_bytes().split(b",") if m and m != b"!stop"]
    return [json.loads(base64.b64decode(m))["payload"]["type"] for m in messages]


def test_a_deferred_index_gets_the_pages_only_when_it_is_written_and_is_the_same_index(tmp_path):
    """SiteIndexer(defer=True), a one-core build's: Pagefind is sent no page while the build goes on,
    then every page in the order given, and writes the very index an index fed page by page writes."""
    from projarchive.search import IndexedPart, SiteIndexer

    pages = [(f"p{i}/index.html", IndexedPart.document(
        f"<div data-pagefind-body><h1>Page {i}</h1><p>Harbour {'lighthouse ' * i}words {i}.</p>"
        f'<span data-pagefind-filter="type">Project</span></div>')) for i in range(40)]
    bundles = {}
    for defer in (False, True):
        site = tmp_path / f"site-{defer}"
        (site / "late").mkdir(parents=True)  # a page nobody handed over, found by finish()
        (site / "late" / "index.html").write_text(IndexedPart.document(
            "<div data-pagefind-body><h1>Late</h1><p>Harbour found on disk.</p></div>"))
        (tmp_path / str(defer)).mkdir()
        executable, log = pagefind_logging_its_input(tmp_path / str(defer))
        indexer = SiteIndexer(executable=executable, defer=defer, window=8)
        assert indexer.deferred is defer
        for dest, document in pages:
            indexer.add_page(dest, document)
        if defer:
            time.sleep(0.3)  # what would have been sent has been by now
            assert sent(log) == ["NewIndex"]
        else:
            indexer.write(str(site))
        report = indexer.finish(str(site))
        assert report.pages == 41 and not indexer.deferred
        if defer:  # the pages, then the late one, then one write
            assert sent(log) == ["NewIndex", *["AddFile"] * 41, "WriteFiles"]
        bundles[defer] = {str(p.relative_to(site / "pagefind")): p.read_bytes()
                          for p in sorted((site / "pagefind").rglob("*")) if p.is_file()}
    assert len(bundles[True]) > 40 and bundles[True] == bundles[False]


@pytest.mark.parametrize("defer", [False, True])
@pytest.mark.parametrize("window", [512, 5])
def test_pages_go_to_pagefind_a_batch_at_a_time_in_order_even_with_a_smaller_window(tmp_path, defer, window):
    """The writer thread is handed BATCH pages' messages at once, not one (each hand-over wakes it, and it
    takes the interpreter's lock from the build: ~40% of the build's futex calls at 2,000 projects);
    a window smaller than a batch must not wait for replies to messages still held back."""
    from projarchive.search import BATCH, IndexedPart, SiteIndexer

    executable, log = pagefind_logging_its_input(tmp_path)
    (tmp_path / "site").mkdir()
    indexer = SiteIndexer(executable=executable, defer=defer, window=window)
    handed: list[bytes] = []
    put = indexer._outbox.put
    indexer._outbox.put = lambda data: (handed.append(data), put(data))[1]  # type: ignore[method-assign]
    count = 71

    def build() -> None:
        for i in range(count):
            indexer.add_page(f"p{i}/index.html", IndexedPart.document(
                f"<div data-pagefind-body><h1>Page {i}</h1><p>Harbour words {i}.</p></div>"))
        indexer.write(str(tmp_path / "site"))

    building = threading.Thread(target=build, daemon=True)
    building.start()
    building.join(timeout=60)
    if building.is_alive():
        indexer.close()  # ends the wait, so nothing is left behind
        pytest.fail("the build waits for replies to messages never sent")
    assert indexer.finish(str(tmp_path / "site")).pages == count
    pieces = [piece for piece in handed if piece and b"AddFile" in base64.b64decode(piece.split(b",")[0])]
    urls = [json.loads(base64.b64decode(m))["payload"]["url"] for piece in pieces for m in piece.split(b",") if m]
    assert urls == [f"/p{i}/" for i in range(count)]
    if window > BATCH:  # 3 hand-overs for 71 pages, not 71
        assert len(pieces) == -(-count // BATCH) <= count // 8
    assert sent(log) == ["NewIndex", *["AddFile"] * count, "WriteFiles"]


def test_a_deferred_index_whose_build_fails_leaves_no_spool_and_no_process(tmp_path):
    from projarchive.search import IndexedPart, SearchIndexError, SiteIndexer

    executable, pid = pagefind_telling_its_pid(tmp_path)
    indexer = SiteIndexer(executable=executable, defer=True)
    indexer.add_page("a/index.html", IndexedPart.document("<div data-pagefind-body><h1>Ay</h1></div>"))
    spool = indexer._spool
    assert spool is not None and not spool.closed
    indexer.close()  # the build failed
    assert spool.closed and not process_exists(pid)

    class Full:  # a temporary folder with no room left
        def write(self, data):
            raise OSError(28, "No space left on device")

        def close(self):
            pass

    indexer = SiteIndexer(executable=executable, defer=True)
    indexer._spool = Full()
    with pytest.raises(SearchIndexError, match=r"^could not keep b/index.html for Pagefind in a temporary file "
                                               r"\(.*TMPDIR chooses another folder\): .*No space left"):
        indexer.add_page("b/index.html", IndexedPart.document("<div data-pagefind-body><h1>Bee</h1></div>"))
    assert not process_exists(pid)


def slow_pagefind(tmp_path) -> str:
    """A Pagefind (tests/fake_pagefind.py) that answers WriteFiles before writing anything and
    completes its files only if it is ended as SiteIndexer.finish ends Pagefind."""
    import sys

    return shell_script(tmp_path / "slow-pagefind",
                        f'exec "{sys.executable}" "{Path(__file__).with_name("fake_pagefind.py")}" "$@"')


def test_the_index_is_read_only_once_pagefind_has_completed_its_files(tmp_path):
    """Pagefind 1.5.2 answers WriteFiles before its files are complete, and exits without
    completing them when its input ends: finish() once read an empty pagefind-entry.json about one
    run in 25. With a Pagefind that writes nothing before it exits, that failure is certain."""
    from projarchive.search import IndexedPart, SiteIndexer

    first = IndexedPart.document("<div data-pagefind-body><h1>Ay</h1>First</div>")
    cut_short = tmp_path / "cut-short"
    cut_short.mkdir()
    indexer = SiteIndexer(executable=slow_pagefind(tmp_path))
    indexer.add_page("a/index.html", first)
    indexer.write(str(cut_short))
    indexer.close()  # end of input right after the write: what Pagefind had not written is lost
    assert (cut_short / "pagefind" / "pagefind-entry.json").read_bytes() == b""

    site = tmp_path / "site"
    site.mkdir()
    indexer = SiteIndexer(executable=slow_pagefind(tmp_path))
    indexer.add_page("a/index.html", first)
    indexer.write(str(site))
    (site / "late.html").write_text("<html><body><div data-pagefind-body><h1>Late</h1>Another plugin's "
                                    "page</div></body></html>")
    report = indexer.finish(str(site))  # written twice: the late page makes it write again
    assert report.pages == 2
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2
    fragments = sorted((site / "pagefind" / "fragment").iterdir())
    assert len(fragments) == 2 and all(f.stat().st_size > 0 for f in fragments)


def test_the_indexed_part_must_be_what_the_page_shows():
    from projarchive.search import IndexedPart

    part = '<div data-pagefind-body>\n<h1>Title</h1>\n<p>Body</p>\n</div>'
    fingerprint = IndexedPart.of(part)
    page = f"<html><body><header>Site</header><article>{part}</article></body></html>"
    assert fingerprint.marked and fingerprint.written_in(page)
    assert not fingerprint.written_in(page.replace("Body", "Changed after indexing"))
    assert not fingerprint.written_in("<html><body><p>A template without the part</p></body></html>")
    unmarked = IndexedPart.of("<div>\n<h1>Listing</h1>\n</div>")
    assert not unmarked.marked
    assert unmarked.written_in("<html><body><div><h1>Listing</h1></div></body></html>")
    assert not unmarked.written_in(page)  # indexed by its template although it was left out


def test_a_template_that_leaves_out_the_indexed_part_fails_the_build_by_name(archive, rebuilt):
    """Pagefind reads each page's indexed part before the page is written; a page whose own template
    does not show that part would be found by words it does not contain, so the build stops. Left out
    of search, the same page builds (the module's ``rebuilt``)."""
    write_records(archive)
    archive.write("overrides/bare.html", BARE_TEMPLATE)
    archive.write("docs/bare.md", "---\ntemplate: bare.html\n---\n# A page with its own template\n\nWords.\n")
    result = archive.build()
    assert not result.ok
    assert "bare/index.html: the page as written is not what was indexed for search" in result.output
    assert "partials/archive-indexed.html" in result.output

    assert rebuilt.html("bare/").select_one(".bare") is not None


def test_a_stopped_indexer_leaves_no_process_behind(tmp_path):
    from projarchive.search import SiteIndexer

    executable, pid = pagefind_telling_its_pid(tmp_path)
    indexer = SiteIndexer(executable=executable)
    assert process_exists(pid)
    indexer.close()
    indexer.close()
    assert not process_exists(pid)


def test_cbor_round_trips_what_pagefind_writes():
    from projarchive import cbor

    value = ["1.5.2", [["en_abc", 464], ["en_def", 70000]], [], [["theme", "en_123"]], -3, None, True, "Siân"]
    assert cbor.loads(cbor.dumps(value)) == value
    assert cbor.dumps(23) == b"\x17" and cbor.dumps(24) == b"\x18\x18" and cbor.dumps(-1) == b"\x20"


def test_per_page_setting_is_checked():
    from projarchive.pages import Settings, settings_from

    assert settings_from({"per_page": 20}) == Settings(per_page=20)
    with pytest.raises(ValueError, match="per_page: 0 is below the smallest allowed value 1"):
        settings_from({"per_page": 0})


def indexed_text(built: BuildResult) -> dict[str, str]:
    """What Pagefind holds of each page's text (its fragments), by URL: what excerpts are cut from."""
    import gzip

    contents = {}
    for path in (built.site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        contents[fragment["url"]] = fragment["content"]
    return contents


def test_excerpts_come_from_prose_not_from_facts_tables_banners_or_file_facts(built):
    """The facts table, the finished banner, table headings, document sizes and "Request an
    accessible format" are left out of the index (data-pagefind-ignore); the facts the table shows
    can still be found by their words, written as a sentence."""
    contents = indexed_text(built)
    lighthouse = contents["/projects/lighthouse/"]
    assert lighthouse.startswith("Lighthouse keepers learning circle. Adult learning for coastal communities. "
                                 "What happened. Learners met weekly in the old harbour office."), lighthouse
    for furniture in ("Dates", "Status", "Finished", "This project has now finished", "It ended",
                      "Role on this project", "PDF", "Request an accessible format"):
        assert furniture not in lighthouse, (furniture, lighthouse)
    assert lighthouse.endswith("Themes: community learning. Regions: South West."), lighthouse
    report = contents["/resources/lighthouse-report/"]
    assert "Final evaluation report" in report and "PDF" not in report and "Report." in report
    harbour = contents["/projects/harbour-skills/"]
    assert "Themes: employment." in harbour
    for text in contents.values():  # adjacent facts are never run together ("StatusFinished")
        assert not re.search(r"(Status|Themes|Regions|Dates)[A-Z0-9a-z]", text), text


def test_every_indexed_page_says_what_it_is_with_its_facts(built):
    """Each result can be labelled from its metadata alone: type, a line of facts, dates and status."""
    import gzip

    meta = {}
    for path in (built.site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
        meta[fragment["url"]] = (fragment["meta"], fragment["filters"])
    project, filters = meta["/projects/lighthouse/"]
    assert (project["type"], project["facts"], project["dates"], project["status"]) == (
        "Project", "1 January 2015 – 31 December 2016 · Finished", "1 January 2015 – 31 December 2016", "Finished")
    assert project["summary"] == "Adult learning for coastal communities."
    document, filters = meta["/resources/lighthouse-report/"]
    assert (document["type"], document["facts"]) == ("Document", "Report · 1 file")
    # a document is found by the themes and regions of the projects that use it
    assert filters["theme"] == ["community learning"] and filters["region"] == ["South West"]
    person, _ = meta["/contacts/gwen-jones/"]
    assert (person["type"], person["facts"]) == ("Person", "Swyddog Prosiect · named on 1 project")
    assert meta["/contacts/niace/"][0]["type"] == "Organisation"
    assert meta["/about/"][0]["type"] == "Page"
    assert meta["/maintainers/"][0]["type"] == "For maintainers"


def test_a_pagefind_that_answers_gibberish_stops_the_build_instead_of_hanging(tmp_path):
    from projarchive.search import SearchIndexError, SiteIndexer

    babbler = tmp_path / "babbling-pagefind"
    babbler.write_text("#!/bin/sh\nprintf 'this is not base64 json,'\nexec sleep 30\n")  # one process, as Pagefind is
    babbler.chmod(0o755)
    with pytest.raises(SearchIndexError, match="(?s)stopped.*unreadable reply"):
        SiteIndexer(executable=str(babbler))
