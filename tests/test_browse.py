"""Browsing at scale: paginated listings, every project reachable by plain links, facets,
and document facts cached across builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Archive, BuildResult, make_pdf, target, text

from projarchive.files import CACHE_FILE, FactsCache
from projarchive.pages import Pager, page_src, paginate

THEMES = ["numeracy", "employment", "mental health"]
REGIONS = ["Wales", "North East", "London"]
N = 7  # with per_page 3: three pages of projects


def project_yml(i: int) -> str:
    """Project i: start year 2001+i, two years long; theme and region cycle; every other one active."""
    return f"""
        title: Fixture project {i:02d}
        start: {2001 + i}-01-01
        end: {2002 + i}-12-31
        status: {"finished" if i % 2 else "active"}
        summary: Summary of fixture project {i:02d}, a {"cobalt" if i % 2 == 0 else "amber"} one.
        themes: [{THEMES[i % 3]}]
        regions: [{REGIONS[(i // 2) % 3]}]
        organisations:
          - {{id: {"org-a" if i % 3 else "org-b"}, role: Lead organisation}}
        resources: [{"toolkit-1" if i % 2 else "report-1"}]
        """


def write_fixture(archive: Archive, n: int = N, per_page: int = 3) -> None:
    cfg = archive.root / "mkdocs.yml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("per_page: 50", f"per_page: {per_page}"), encoding="utf-8")
    archive.write("contacts/org-a.yml", "kind: organisation\nname: Alpha Trust\n")
    archive.write("contacts/org-b.yml", "kind: organisation\nname: Beta College\n")
    archive.write("resources/toolkit-1.yml", """
        title: Practitioner toolkit
        kind: toolkit
        files:
          - {file: kit/toolkit.pdf, title: Toolkit}
        """)
    archive.write("resources/report-1.yml", """
        title: Evaluation report
        kind: report
        files:
          - {file: kit/report.pdf, title: Report}
        """)
    archive.write_bytes("resources/kit/toolkit.pdf", make_pdf(3))
    archive.write_bytes("resources/kit/report.pdf", make_pdf(5))
    for i in range(n):
        archive.write(f"projects/fixture-{i:02d}.yml", project_yml(i))


@pytest.fixture(scope="module")
def built(module_archive: Archive) -> BuildResult:
    write_fixture(module_archive)
    result = module_archive.build()
    assert result.ok, result.output
    return result


# --------------------------------------------------------------------------- pure pagination


def test_paginate_and_page_addresses():
    assert paginate(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert paginate([], 3) == [[]]
    assert page_src("projects/index.md", 1) == "projects/index.md"
    assert page_src("projects/index.md", 2) == "projects/page/2.md"
    assert page_src("themes/wales.md", 3) == "themes/wales/page/3.md"


def test_pager_window_is_bounded():
    sources = tuple(f"p{n}" for n in range(1, 201))
    pager = Pager(100, sources, 4951, 5000, 10_000)
    assert pager.window() == [1, None, 98, 99, 100, 101, 102, None, 200]
    assert Pager(1, sources[:3], 1, 50, 150).window() == [1, 2, 3]
    assert pager.prev == "p99" and pager.next == "p101"


# --------------------------------------------------------------------------- built listings


def cards(result: BuildResult, url: str) -> list[str]:
    art = result.article(url)
    return [text(a) for a in art.select("ul.archive-cards .archive-card__title a")]


def test_projects_listing_paginates_newest_first(built):
    pages = [cards(built, "projects/"), cards(built, "projects/page/2/"), cards(built, "projects/page/3/")]
    assert pages == [["Fixture project 06", "Fixture project 05", "Fixture project 04"],
                     ["Fixture project 03", "Fixture project 02", "Fixture project 01"],
                     ["Fixture project 00"]]
    assert not (built.site / "projects/page/4").exists()


def test_pagination_nav_is_accessible_with_rel_prev_next(built):
    art = built.article("projects/page/2/")
    nav = art.select("nav.archive-pager")
    assert nav and all(n["aria-label"] == "Pages of this listing" for n in nav)
    first = nav[0]
    assert "Showing 4–6 of 7 (page 2 of 3)" in text(first)
    prev, nxt = first.select_one("a[rel=prev]"), first.select_one("a[rel=next]")
    assert target("projects/page/2/", prev["href"])[0] == "projects/"
    assert target("projects/page/2/", nxt["href"])[0] == "projects/page/3/"
    current = first.select("a[aria-current=page]")
    assert len(current) == 1 and text(current[0]) == "Page 2"
    assert built.article("projects/").select_one("a[rel=prev]") is None
    assert built.article("projects/page/3/").select_one("a[rel=next]") is None
    assert built.html("projects/page/2/").title.get_text().startswith("All projects (page 2 of 3)")


def test_tag_listings_paginate_too(built):
    # numeracy: projects 0, 3, 6 -> one page of 3; with 7 projects no tag has more than 3
    assert cards(built, "themes/numeracy/") == ["Fixture project 06", "Fixture project 03", "Fixture project 00"]
    assert built.article("themes/numeracy/").select_one("nav.archive-pager") is None


def test_no_page_lists_every_project_in_its_navigation(built):
    projects = {f"projects/fixture-{i:02d}/" for i in range(N)}
    for html_file in built.site.rglob("*.html"):
        url = html_file.relative_to(built.site).as_posix().removesuffix("index.html")
        soup = built.html(url)
        for nav in soup.select("nav.md-nav"):
            linked = {target(url, a["href"])[0] for a in nav.select("a[href]") if target(url, a["href"])}
            assert not (linked & projects) - {url}, (url, linked & projects)  # its own table of contents aside


# --------------------------------------------------------------------------- document facts cache


def test_second_load_reads_no_pdf(tmp_path: Path):
    """Pure API: with the facts cache, a second load parses no PDF; a changed PDF is parsed again."""
    import datetime as dt

    from projarchive.catalogue import load_catalogue
    from projarchive.files import pdf_pages

    archive = Archive(tmp_path / "a")
    write_fixture(archive, n=2)
    calls: list[str] = []

    def counting(path: str):
        calls.append(Path(path).name)
        return pdf_pages(path)

    cache_path = str(tmp_path / "cache.json")
    for _ in range(2):
        cache = FactsCache(cache_path)
        cat = load_catalogue(str(archive.root), build_date=dt.date(2026, 1, 1), facts_cache=cache,
                             read_pages=counting)
        cache.save()
    assert sorted(calls) == ["report.pdf", "toolkit.pdf"]  # the first load only
    assert cat.facts["kit/report.pdf"].pages == 5

    archive.write_bytes("resources/kit/report.pdf", make_pdf(9))
    cache = FactsCache(cache_path)
    cat = load_catalogue(str(archive.root), build_date=dt.date(2026, 1, 1), facts_cache=cache, read_pages=counting)
    assert calls[2:] == ["report.pdf"] and cat.facts["kit/report.pdf"].pages == 9
    cache.save()
    assert len(json.loads(Path(cache_path).read_text())["files"]) == 2  # the old report's entry is pruned


def test_build_keeps_the_cache_outside_docs_and_site_and_uses_it(module_archive: Archive, built, tmp_path: Path):
    """The module's build is the first; the second builds a copy of its folder, cache included."""
    first = built
    cache_file = module_archive.root / CACHE_FILE
    data = json.loads(cache_file.read_text())
    assert sorted(e["pages"] for e in data["files"].values()) == [3, 5]
    assert not list((module_archive.root / "docs").rglob("*.json")) and not list(first.site.rglob("file-facts.json"))
    # the second build believes the cache (so it did not parse the PDF): plant a page count and see it shown
    archive = module_archive.copy(tmp_path / "a")
    cache_file = archive.root / CACHE_FILE
    toolkit = next(k for k, e in data["files"].items() if e["pages"] == 3)
    data["files"][toolkit]["pages"] = 42
    cache_file.write_text(json.dumps(data))
    second = archive.build()
    assert second.ok, second.output
    assert "42 pages" in text(second.article("resources/toolkit-1/"))


# --------------------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_every_project_is_reached_by_listing_links_alone_without_javascript(built, browser, serve):
    """Crawl from the home page with JavaScript off, following only <a href> links found on
    pages that are not project pages (home, listings, themes, regions…), pagination included."""
    base = serve(built.site)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    seen: set[str] = set()
    queue = [base]
    reached: set[str] = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        page.goto(url)
        path = url[len(base):]
        if path.startswith("projects/") and not path.startswith("projects/page/") and path != "projects/":
            reached.add(path)
            continue  # a project page's own links do not count
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            href = href.split("#")[0]
            if href.startswith(base) and href.endswith("/") and href not in seen:
                queue.append(href)
    assert reached == {f"projects/fixture-{i:02d}/" for i in range(N)}
    assert {base + "projects/page/2/", base + "projects/page/3/"} <= seen
    context.close()


# --------------------------------------------------------------------------- the browse page


def test_browse_page_form_is_accessible_and_degrades_to_listings(built):
    art = built.article("browse/")
    finder = art.select_one("[data-archive-finder=browse]")
    # shown by finder.js; without JavaScript the page says so and links to the listings
    assert finder.has_attr("hidden")
    assert "Filter the archive's 7 projects" in text(finder)  # said only where the form works
    fallback = art.select_one("[data-finder-fallback]")
    assert not fallback.has_attr("hidden") and text(fallback).startswith("Filtering needs JavaScript")
    linked = {target("browse/", a["href"])[0] for a in fallback.select("a[href]")}
    assert {"projects/", "themes/", "regions/", "programmes/", "resources/", "contacts/"} <= linked
    form = finder.select_one("form")
    assert form["method"] == "get" and form["autocomplete"] == "off"  # the address is the state, not the browser's memory
    legends = [text(fs.legend) for fs in form.select("fieldset")]
    assert legends == ["Theme", "Region", "Status", "Organisation", "Resource kind", "Years the project ran"]
    for field in form.select("input"):
        label = form.select_one(f'label[for="{field["id"]}"]')
        assert label is not None and text(label), field
    theme = {text(lab) for lab in form.select('fieldset[data-facet=theme] label')}
    assert theme == {"employment (2)", "mental health (2)", "numeracy (3)"}
    years = form.select_one("#archive-finder-from")
    assert (years["min"], years["max"]) == ("2001", "2008")
    status = art.select_one("#archive-finder-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert art.select_one("script") is None  # finder.js is loaded by the site-wide search.js


def _browse(browser, base, address: str = "browse/"):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + address)
    page.locator("[data-finder-results][data-settled]").wait_for(timeout=15_000)
    return page, errors


def _results(page) -> list[str]:
    """Every matching project's title, page after page of results (then back to the first)."""
    settled = page.locator("[data-finder-results][data-settled]")
    settled.wait_for(timeout=15_000)
    titles = page.locator("#archive-finder-list .archive-card__title a").all_inner_texts()
    following = page.locator("#archive-finder-pager a[rel=next]")
    turned = 0
    while following.count():
        following.click()
        turned += 1
        settled.wait_for(timeout=15_000)
        titles += page.locator("#archive-finder-list .archive-card__title a").all_inner_texts()
    for _ in range(turned):
        page.go_back()
        settled.wait_for(timeout=15_000)
    return sorted(titles)


def _tick(page, facet: str, value: str) -> None:
    page.locator(f'fieldset[data-facet="{facet}"] input[value="{value}"]').check()


@pytest.mark.browser
def test_two_facets_show_exactly_the_matching_projects_with_counts(built, browser, serve):
    base = serve(built.site)
    page, errors = _browse(browser, base)
    assert len(_results(page)) == N
    assert page.locator("#archive-finder-status").inner_text() == f"{N} projects match."
    _tick(page, "theme", "numeracy")  # projects 0, 3, 6
    assert _results(page) == ["Fixture project 00", "Fixture project 03", "Fixture project 06"]
    _tick(page, "region", "Wales")  # projects 0, 1, 6 (and 7, not in the fixture)
    assert _results(page) == ["Fixture project 00", "Fixture project 06"]
    assert page.locator("#archive-finder-status").inner_text() == "2 projects match."
    # counts: ticking another region would add what that region has among numeracy projects
    london = page.locator('label[for="' + page.locator('fieldset[data-facet=region] input[value="London"]')
                          .get_attribute("id") + '"] .archive-facet__count')
    assert london.inner_text() == "(0)"  # project 3 is North East
    north_east = page.locator('fieldset[data-facet=region] input[value="North East"]')
    ne_count = page.locator(f'label[for="{north_east.get_attribute("id")}"] .archive-facet__count')
    assert ne_count.inner_text() == "(1)"
    assert errors == []
    page.close()


@pytest.mark.browser
def test_year_range_and_words_combine_with_facets(built, browser, serve):
    base = serve(built.site)
    page, errors = _browse(browser, base)
    page.locator("#archive-finder-from").fill("2004")
    page.locator("#archive-finder-to").fill("2005")
    # project i ran 2001+i to 2002+i: those running in any year of 2004–2005 are 2, 3 and 4
    assert _results(page) == ["Fixture project 02", "Fixture project 03", "Fixture project 04"]
    page.locator("#archive-finder-q").fill("cobalt")  # even-numbered projects
    assert _results(page) == ["Fixture project 02", "Fixture project 04"]
    _tick(page, "status", "Active")  # even-numbered projects are active
    assert _results(page) == ["Fixture project 02", "Fixture project 04"]
    _tick(page, "organisation", "Beta College")  # i % 3 == 0
    assert _results(page) == []
    assert page.locator("#archive-finder-status").inner_text() == "No projects match."
    page.get_by_role("button", name="Clear all filters").click()
    assert len(_results(page)) == N
    assert errors == []
    page.close()
