"""Search and browse that reach every record (issue #12): the header box, the search results
page, the browse page, the 404 page and the home page, on a fixture archive of 64 projects
(tests/fixture_many.py) built once for the module, and on the sample archive.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import SITE_PATH, Archive, BuildResult, host_at_site_path, target, text
from fixture_many import ORGANISATIONS, WORDS, N, Project, write_many

from projarchive.search_facts import TYPES


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, list[Project]]:
    archive = Archive(tmp_path_factory.mktemp("many") / "archive")
    projects = write_many(archive)
    result = archive.build()
    assert result.ok, result.output
    return result, projects


# --------------------------------------------------------------------------- the pages as built


def test_the_results_page_is_generated_not_a_result_itself_and_says_what_needs_javascript(many):
    built, _ = many
    art = built.article("search/")
    assert art.select_one("[data-pagefind-body]") is None
    assert built.html("search/").title.get_text().startswith("Search the archive")
    fallback = art.select_one("[data-finder-fallback]")
    assert not fallback.has_attr("hidden") and text(fallback).startswith("Searching needs JavaScript")
    linked = {target("search/", a["href"])[0] for a in fallback.select("a[href]")}
    assert {"projects/", "themes/", "regions/", "programmes/", "resources/", "contacts/"} <= linked
    finder = art.select_one("[data-archive-finder=search]")
    assert finder.has_attr("hidden") and finder["data-last-type"] == "For maintainers"
    form = finder.select_one("form")
    assert form["method"] == "get"
    assert [text(fs.legend) for fs in form.select("fieldset")] == ["Type", "Theme", "Region", "Status", "Years"]
    types = form.select('fieldset[data-facet="type"] input')
    assert [box["value"] for box in types] == list(TYPES)
    assert [text(form.select_one(f'label[for="{box["id"]}"]')) for box in types] == list(TYPES.values())
    for field in form.select("input"):
        assert form.select_one(f'label[for="{field["id"]}"]') is not None, field
    # the page is wide: no navigation or contents column beside the results
    page = built.html("search/")
    assert page.select_one(".md-sidebar--primary").has_attr("hidden")


def test_the_header_box_is_a_form_that_opens_the_results_page_from_any_depth(many):
    built, _ = many
    for url in ("", "projects/p-01/", "news/2019/09/05/interim-findings-from-the-coastal-pilots/"):
        form = built.html(url).select_one("header form[data-archive-search]")
        assert form["method"] == "get" and target(url, form["action"])[0] == "search/", (url, form["action"])
        assert form.select_one("input[type=search]")["name"] == "q"
        assert target(url, form["data-pagefind-bundle"] + "pagefind.js")[0] == "pagefind/pagefind.js"


def test_long_facets_say_how_many_values_they_have_and_the_longest_can_be_searched(many):
    built, _ = many
    form = built.article("browse/").select_one("form")
    organisations = form.select_one('fieldset[data-facet="organisation"]')
    assert len(organisations.select("input[type=checkbox]")) == 30
    assert organisations.has_attr("data-facet-long")
    more = organisations.select_one("button[data-facet-more]")
    assert (more["data-total"], more["data-plural"]) == ("30", "organisations")
    find = organisations.select_one("input[data-facet-find]")
    assert text(form.select_one(f'label[for="{find["id"]}"]')) == "Find an organisation"
    themes = form.select_one('fieldset[data-facet="theme"]')  # 14 values: "Show all", no box
    assert themes.has_attr("data-facet-long") and themes.select_one("[data-facet-find]") is None
    regions = form.select_one('fieldset[data-facet="region"]')  # 10: all shown
    assert not regions.has_attr("data-facet-long") and regions.select_one("button") is None


def test_the_404_page_links_from_the_site_path_so_its_links_work_at_any_depth(many):
    built, _ = many
    soup = built.html("404.html")
    assert soup.title.get_text().startswith("Page not found")
    art = soup.select_one("article")
    assert text(art.h1) == "Page not found"
    hrefs = [a["href"] for a in art.select("a[href]")]
    assert hrefs and all(h.startswith("/" + SITE_PATH) for h in hrefs), hrefs
    assert {target("404.html", h)[0] for h in hrefs} == {"projects/", "browse/", "resources/", "contacts/", ""}
    form = art.select_one("form")
    assert form["action"] == "/archive/search/" and form.select_one("input[name=q][data-archive-missing]")
    header = soup.select_one("header form[data-archive-search]")
    assert header["data-pagefind-bundle"] == "/archive/pagefind/" and header["action"] == "/archive/search/"
    for link in soup.select('link[rel=stylesheet]'):
        assert link["href"].startswith("/archive/"), link


def test_the_home_page_tells_finished_from_running_with_counts_that_match(sample):
    assert sample.ok, sample.output
    art = sample.article("")
    counts = text(art.select_one("ul.archive-counts li"))
    assert counts == "5 projects (4 finished, 1 still running)"
    finished = art.select_one("h2#recently-finished").find_next_sibling("ul")
    titles = [text(a) for a in finished.select(".archive-card__title a")]
    # by the day they ended, the latest first: July 2017, 2011, 31 March 2010 (two)
    assert titles[:2] == ["Mental Health Research 2015/17", "Embedding learning in everyday activity"]
    assert len(titles) == 4 and all(text(s) == "Finished" for s in finished.select(".archive-status--finished"))
    running = art.select_one("h2#still-running").find_next_sibling("ul")
    assert [text(a) for a in running.select(".archive-card__title a")] == ["Career Learning Pilots"]
    links = {text(a): a["href"] for a in art.select("p > a[href*='browse/?']")}  # not #13's link to the map
    assert links == {"Every finished project (4)": "browse/?status=Finished",
                     "Every project still running (1)": "browse/?status=Active"}
    intro = text(sample.article("").select_one("p"))  # no longer "an archive of projects … that have finished"
    assert "mental health. Each project page" in intro and "projects still running say so" in intro


# --------------------------------------------------------------------------- in the browser


def _header_search(page, words: str) -> list[str]:
    box = page.get_by_role("searchbox", name="Search the archive", exact=True)
    box.fill(words)
    page.locator(f'#archive-search-results[data-query="{words}"]').wait_for(timeout=15_000)
    return page.locator(".archive-search__link").all_inner_texts()


def _settled(page) -> None:
    page.locator("[data-finder-results][data-settled]").wait_for(timeout=15_000)


def _listed(page) -> list[str]:
    _settled(page)
    return page.locator("#archive-finder-list a").all_inner_texts()


def _every_result(page) -> list[tuple[str, str, str]]:
    """(title, type, facts line) of every result on the results page, page after page."""
    out = []
    while True:
        _settled(page)
        for item in page.locator("#archive-finder-list > li").all():
            facts = item.locator(".archive-result__facts")
            out.append((item.locator(".archive-result__title").inner_text(),
                        facts.locator(".archive-result__type").inner_text(), facts.inner_text()))
        following = page.locator("#archive-finder-pager a[rel=next]")
        if not following.count():
            return out
        following.click()


@pytest.mark.browser
def test_every_project_is_found_from_the_header_by_the_distinctive_word_of_its_title(many, browser, serve):
    built, projects = many
    base = serve(built.site)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "about/")
    for p in projects:
        titles = _header_search(page, p.word)
        assert titles and titles[0] == p.title, (p.word, titles)
    assert len(projects) == N >= 60 and len(set(WORDS)) == N
    for p in (projects[0], projects[8]):  # a programme with a long title; a Welsh title: one click away
        _header_search(page, p.word)
        page.locator(".archive-search__link").first.click()
        page.wait_for_url(base + f"projects/{p.id}/")
        assert page.locator("h1").first.inner_text() == p.title
        page.go_back()
    assert errors == []
    page.close()


@pytest.mark.browser
def test_enter_opens_the_results_page_with_every_result_the_drop_down_announced(many, browser, serve):
    built, projects = many
    base = serve(built.site)
    page = browser.new_page()
    page.goto(base + "projects/p-03/")
    _header_search(page, "learners")
    panel = page.locator("#archive-search-results")
    total = int(panel.get_attribute("data-total"))
    assert total > 60 and page.locator(".archive-search__link").count() == 5
    see_all = page.get_by_role("link", name=f"See all {total} results")
    assert see_all.is_visible()
    page.get_by_role("searchbox", name="Search the archive", exact=True).press("Enter")
    page.wait_for_url(base + "search/?q=learners")
    _settled(page)
    assert page.locator("#archive-finder-status").inner_text() == f"{total} results for “learners”."
    assert page.locator("#archive-finder-q").input_value() == "learners"
    assert page.title().startswith("learners - Search the archive")  # as Back's list of pages says it
    results = _every_result(page)
    assert len(results) == total and len(set(results)) == total
    listed = {title for title, _, _ in results}
    assert {p.title for p in projects} <= listed  # every project, each one click away
    assert {kind for _, kind, _ in results} <= set(TYPES)
    for title, kind, facts in results:
        if kind in ("Project", "Programme"):  # projects say their dates and status
            assert re.search(r"\d{4}.* · (Finished|Active)$", facts), (title, facts)
    page.close()


# What the results page showed first: "carried" (the drop-down's results, kept by search.js for the
# tab) or "searched" (its own search of the index), and the first results' titles then.
FIRST_SHOWN = """new MutationObserver(function (changes, observer) {
    var list = document.getElementById("archive-finder-list");
    if (list && list.firstElementChild) {
        window.__firstShown = [list.parentNode.getAttribute("data-shown"),
            Array.prototype.map.call(list.querySelectorAll(".archive-result__link"), function (a) { return a.textContent; })];
        observer.disconnect();
    }
}).observe(document, {childList: true, subtree: true});"""


@pytest.mark.browser
def test_enter_shows_the_drop_downs_results_at_once_then_the_pages_own_the_same(many, browser, serve):
    """The results page Enter opens puts the drop-down's five results on screen before its own search
    of the index answers (search.js keeps them for the tab), then shows its own: the same five,
    the same links, in the same order, with the total the drop-down announced."""
    built, _ = many
    base = serve(built.site)
    context = browser.new_context()
    context.add_init_script(FIRST_SHOWN)
    page = context.new_page()
    page.goto(base + "about/")
    dropped = _header_search(page, "learners")
    hrefs = page.locator(".archive-search__link").evaluate_all("links => links.map(a => a.href)")
    total = page.locator("#archive-search-results").get_attribute("data-total")
    page.get_by_role("searchbox", name="Search the archive", exact=True).press("Enter")
    page.wait_for_url(base + "search/?q=learners")
    page.locator('[data-finder-results][data-shown="searched"]').wait_for(timeout=15_000)
    assert page.evaluate("window.__firstShown") == ["carried", dropped]
    links = page.locator("#archive-finder-list .archive-result__link")
    _settled(page)
    assert links.all_inner_texts()[:5] == dropped and len(dropped) == 5
    assert links.evaluate_all("links => links.map(a => a.href)")[:5] == hrefs
    assert page.locator("#archive-finder-status").inner_text() == f"{total} results for “learners”."
    # the same address in a tab that never showed the drop-down: the page searches for itself
    fresh = browser.new_context()
    fresh.add_init_script(FIRST_SHOWN)
    other = fresh.new_page()
    other.goto(base + "search/?q=learners")
    _settled(other)
    assert other.evaluate("window.__firstShown") == ["searched", dropped]
    fresh.close()
    context.close()


@pytest.mark.browser
def test_carried_results_are_replaced_by_the_index_and_only_ever_shown_as_text(many, browser, serve):
    """What search.js kept is only a first view: results that the index no longer gives (a kept
    list from before a rebuild, or one tampered with) are replaced by the page's own search, and
    kept text reaches the page as text. Kept results for other words, or with filters ticked,
    are not shown at all."""
    built, projects = many
    base = serve(built.site)
    stale = {"query": "learners", "total": 1, "results": [
        {"url": "/gone/", "excerpt": "<img src=x onerror=\"window.__owned=1\">gone",
         "meta": {"title": "<b>Stale</b> result", "type": "Project", "facts": "2001"}},
        {"url": "javascript:window.__owned=2", "excerpt": "", "meta": {"title": "A script", "type": "Page"}},
        {"url": "//elsewhere.example/", "excerpt": "", "meta": {"title": "Another host", "type": "Page"}}]}
    context = browser.new_context()
    context.add_init_script(f"sessionStorage.setItem('archive-search-carried', {json.dumps(json.dumps(stale))});")
    context.add_init_script(FIRST_SHOWN)
    page = context.new_page()
    page.goto(base + "search/?q=learners")
    page.locator('[data-finder-results][data-shown="searched"]').wait_for(timeout=15_000)
    assert page.evaluate("window.__firstShown") == ["carried", ["<b>Stale</b> result"]]
    _settled(page)
    titles = page.locator("#archive-finder-list .archive-result__link").all_inner_texts()
    assert "<b>Stale</b> result" not in titles and len(titles) == 20
    assert page.evaluate("window.__owned") is None
    assert re.fullmatch(r"\d+ results for “learners”\.", page.locator("#archive-finder-status").inner_text())
    for address in (f"search/?q={projects[3].word}", "search/?q=learners&type=Project", "search/?q=learners&page=2"):
        page.goto(base + address)
        _settled(page)
        assert page.evaluate("window.__firstShown")[0] == "searched", address
    context.close()


@pytest.mark.browser
def test_a_filtered_results_address_reloaded_then_back_and_forward_shows_the_same_list(many, browser, serve):
    built, _ = many
    base = serve(built.site)
    page = browser.new_page()
    address = base + "search/?q=learners&type=Project&page=2"
    page.goto(address)
    first = _listed(page)
    status = page.locator("#archive-finder-status").inner_text()
    assert len(first) == 20 and status == "63 results for “learners”, filtered."
    assert page.locator('fieldset[data-facet="type"] input[value="Project"]').is_checked()
    assert page.locator("#archive-finder-pager [aria-current=page]").text_content() == "Page 2"
    page.reload()
    assert _listed(page) == first and page.locator("#archive-finder-status").inner_text() == status
    page.locator('fieldset[data-facet="region"] input[value="Wales"]').check()
    second = _listed(page)
    assert page.url == base + "search/?q=learners&type=Project&region=Wales"  # a new search starts on page 1
    assert second != first and len(second) == 6
    page.go_back()
    assert _listed(page) == first and page.url == address
    assert not page.locator('fieldset[data-facet="region"] input[value="Wales"]').is_checked()
    page.go_forward()
    assert _listed(page) == second
    assert page.locator('fieldset[data-facet="region"] input[value="Wales"]').is_checked()
    # sent to someone else: the same address in a fresh browser shows the same results
    other = browser.new_context().new_page()
    other.goto(page.url)
    assert _listed(other) == second
    other.context.close()
    page.close()


@pytest.mark.browser
def test_browse_filters_survive_opening_a_project_and_going_back(many, browser, serve):
    built, _ = many
    base = serve(built.site)
    page = browser.new_page()
    page.goto(base + "browse/")
    _settled(page)
    page.locator('fieldset[data-facet="region"] input[value="East of England"]').check()
    _settled(page)
    page.locator("#archive-finder-from").fill("2005")
    page.locator("#archive-finder-to").fill("2012")
    page.locator("#archive-finder-to").press("Enter")
    chosen = _listed(page)
    status = page.locator("#archive-finder-status").inner_text()
    assert page.url == base + "browse/?region=East+of+England&from=2005&to=2012"
    assert 0 < len(chosen) < 7 and status == f"{len(chosen)} projects match."
    cards = page.locator("#archive-finder-list .archive-card")
    assert re.fullmatch(r".*\d{4}.* (Finished|Active)", cards.first.locator(".archive-card__meta").inner_text())
    assert cards.first.locator(".archive-card__summary").inner_text().startswith("A project with adult learners")
    cards.first.locator("a").click()
    page.wait_for_url(re.compile(r".*/projects/p-\d\d/$"))
    page.go_back()
    assert _listed(page) == chosen and page.locator("#archive-finder-status").inner_text() == status
    assert page.locator('fieldset[data-facet="region"] input[value="East of England"]').is_checked()
    assert page.locator("#archive-finder-from").input_value() == "2005"
    page.close()


@pytest.mark.browser
def test_every_value_of_a_30_value_facet_can_be_ticked(many, browser, serve):
    built, _ = many
    base = serve(built.site)
    page = browser.new_page()
    page.goto(base + "browse/")
    _settled(page)
    facet = page.locator('fieldset[data-facet="organisation"]')
    boxes = facet.locator("input[type=checkbox]")
    assert boxes.count() == 30
    assert sum(box.is_visible() for box in boxes.all()) == 8  # the first eight, then "Show all"
    more = facet.locator("button[data-facet-more]")
    assert more.inner_text() == "Show all 30 organisations" and more.get_attribute("aria-expanded") == "false"
    more.click()
    assert more.inner_text() == "Show fewer organisations" and more.get_attribute("aria-expanded") == "true"
    previous = 0
    for n, name in enumerate(sorted(ORGANISATIONS, key=str.casefold), 1):
        box = facet.get_by_role("checkbox", name=re.compile("^" + re.escape(name) + r" \(\d+\)$"))
        size = box.bounding_box()
        assert size["width"] >= 24 and size["height"] >= 24, (name, size)  # WCAG 2.2, 2.5.8
        label = page.locator(f'label[for="{box.get_attribute("id")}"] .archive-facet__count')
        assert label.inner_text() != "(0)"  # every organisation has projects to add or keep
        box.check()
        assert box.is_checked() and page.url.count("organisation=") == n
        if n % 5 == 0:  # (every tick starts a search; settling each of them would only cost time)
            _settled(page)
            count = int(page.locator("#archive-finder-status").inner_text().split()[0])
            assert count >= previous, (name, count, previous)  # alternatives: never fewer
            previous = count
    assert previous == N  # every project has an organisation
    page.reload()
    _settled(page)
    assert sum(box.is_checked() for box in boxes.all()) == 30
    # the box that finds a value in a long list
    page.get_by_role("button", name="Clear all filters").click()
    _settled(page)
    page.get_by_role("searchbox", name="Find an organisation").fill("wrex")
    assert [b.get_attribute("value") for b in boxes.all() if b.is_visible()] == ["Wrexham Learning Trust"]
    page.close()


@pytest.mark.browser
def test_without_javascript_the_finder_pages_say_so_and_link_to_the_listings(many, browser, serve):
    built, _ = many
    base = serve(built.site)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for address, needs in (("browse/?theme=numeracy", "Filtering"), ("search/?q=learners", "Searching")):
        page.goto(base + address)
        fallback = page.locator("[data-finder-fallback]")
        assert fallback.is_visible() and fallback.inner_text().startswith(f"{needs} needs JavaScript")
        assert not page.locator("[data-archive-finder]").is_visible()
        intro = page.locator(".archive-finder__intro")  # "Filter the archive's 64 projects…": not without it
        assert intro.count() == 0 or not intro.is_visible()
        fallback.get_by_role("link", name="All projects").click()
        page.wait_for_url(base + "projects/")
    context.close()


@pytest.mark.browser
def test_the_404_page_served_under_a_path_loads_its_styles_and_helps_on(many, browser, serve, tmp_path):
    built, _ = many
    root = host_at_site_path(built.site, tmp_path / "host")
    base = serve(root, not_found=built.site / "404.html") + SITE_PATH
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(base + "projects/kittiwake-skils/deeper/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    # Material's stylesheet applied: the header has its colour, every stylesheet loaded
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor") \
        not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.evaluate("[...document.styleSheets].every(s => s.cssRules.length > 0)")
    missing = page.get_by_role("searchbox", name="Search the archive for")
    assert missing.input_value() == "deeper"
    missing.fill("kittiwake")
    missing.press("Enter")
    page.wait_for_url(base + "search/?q=kittiwake")
    assert _listed(page) == ["Kittiwake skills for adult learners"]
    page.go_back()
    page.get_by_role("link", name="All projects").click()
    page.wait_for_url(base + "projects/")
    page.goto(base + "a/b/c/d/")
    assert _header_search(page, "kittiwake") == ["Kittiwake skills for adult learners"]  # the header's box too
    assert errors == []
    page.close()


@pytest.mark.browser
def test_pages_for_maintainers_come_last_labelled_and_the_home_page_is_no_result(sample, browser, serve):
    assert sample.ok, sample.output
    base = serve(sample.site)
    page = browser.new_page()
    page.goto(base + "search/?q=mental+health")
    results = _every_result(page)
    assert results[-1][:2] == ("Maintainer guide", "For maintainers")
    assert [kind for _, kind, _ in results].count("For maintainers") == 1
    assert "Project Resource Library" not in [title for title, _, _ in results]  # the home page
    q_training = "Embedding learning in everyday activity for disadvantaged groups"
    assert q_training in [title for title, _, _ in results]  # result 11 of 20 once; now reached
    page.get_by_role("link", name=q_training).click()
    page.wait_for_url(base + "projects/embedding-learning-in-everyday-activity/")
    page.close()


@pytest.mark.browser
def test_every_page_of_the_sample_is_found_by_its_title_from_the_header_one_click_away(sample, browser, serve):
    """Any record (project, programme, document, person, organisation), news post or page: its
    title, searched as the header box searches it, lists it among the five results the drop-down
    shows, a link to the page itself; one title of each type is typed into the box itself."""
    assert sample.ok, sample.output
    base = serve(sample.site)
    indexed: dict[str, tuple[str, str]] = {}  # url: (title, type)
    for file in sample.pages():
        body = sample.soup(file).select_one("[data-pagefind-body]")
        if body is not None and file.name == "index.html":
            kind = body.select_one('[data-pagefind-meta="type"]')
            indexed[file.relative_to(sample.site).parent.as_posix() + "/"] = (text(body.h1), text(kind))
    kinds = {kind for _, kind in indexed.values()}
    assert len(indexed) > 40 and kinds == set(TYPES), kinds
    page = browser.new_page()
    page.goto(base + "about/")
    form = page.locator("header form[data-archive-search]")
    bundle, root = form.get_attribute("data-pagefind-bundle"), form.get_attribute("data-site-root")
    # the header's own search (search.js: pages for maintainers last), for every title at once
    shown = page.evaluate("""async ([bundle, root, titles]) => {
        const s = window.archiveSearch, pf = await s.load(bundle, root), out = {};
        for (const title of titles) {
            const found = await s.find(pf, title, {});
            out[title] = await Promise.all(found.results.slice(0, 5).map(r => r.data().then(d => new URL(d.url, location.href).href)));
        }
        return out;
    }""", [bundle, root, sorted({title for title, _ in indexed.values()})])
    missed = [(url, title, shown[title]) for url, (title, _) in indexed.items() if base + url not in shown[title]]
    assert missed == []
    for kind in sorted(kinds):  # typed into the box, clicked
        url, (title, _) = next((u, v) for u, v in sorted(indexed.items()) if v[1] == kind)
        _header_search(page, title)
        links = page.locator(".archive-search__link")
        hrefs = links.evaluate_all("links => links.map(a => a.href)")
        assert base + url in hrefs, (kind, title, hrefs)
        links.nth(hrefs.index(base + url)).click()
        page.wait_for_url(base + url)
        assert page.locator("article h1").first.inner_text().rstrip("¶") == title
    page.close()


@pytest.mark.browser
def test_the_first_results_do_not_wait_for_the_filters_counts_need(many, browser, serve):
    """Pagefind's worker answers in turn: every filter of the index (for the counts beside the
    values) loaded before the search would keep the first results waiting for all of them. Only
    the filter the search itself uses (type: pages for maintainers last) comes before them."""
    built, _ = many
    base = serve(built.site)
    for address in ("search/?q=learners", "browse/?region=Wales"):
        page = browser.new_page()
        fetched: list[str] = []
        page.on("request", lambda r, into=fetched: into.append(r.url))
        page.goto(base + address)
        _settled(page)
        fragments = [i for i, url in enumerate(fetched) if url.endswith(".pf_fragment")]
        filters = [i for i, url in enumerate(fetched) if url.endswith(".pf_filter")]
        assert fragments and len(filters) > 3, fetched  # every filter, for the counts: after
        before = [fetched[i] for i in filters if i < fragments[0]]
        assert len(before) <= 2, (address, before)  # type, and for browse the region ticked
        page.close()


def _starts_with_its_title(title: str, excerpt: str) -> bool:
    """Does the excerpt open with the end of the title, as in "…Health Difficulties. This project…"?"""
    words = title.split()
    return any(excerpt.startswith(" ".join(words[-k:]) + ".") for k in range(1, len(words) + 1))


@pytest.mark.browser
def test_excerpts_begin_after_the_title_that_is_shown_above_them(sample, browser, serve):
    """Pagefind cuts an excerpt around the words found, and a title full of them gives an excerpt
    that repeats the end of the title just shown above it: the excerpt starts after it."""
    assert sample.ok, sample.output
    base = serve(sample.site)
    page = browser.new_page()
    page.goto(base + "search/?q=mental+health")
    _settled(page)
    shown = [(item.locator(".archive-result__title").inner_text(), item.locator(".archive-result__excerpt").inner_text())
             for item in page.locator("#archive-finder-list > li").all()]
    assert len(shown) > 10
    assert [(t, e) for t, e in shown if _starts_with_its_title(t, e)] == []
    assert all(e for _, e in shown)  # an excerpt still, with the words found
    take_ten = dict(shown)["Take Ten People: Integrating employment, learning and skills for people who have experience of mental health difficulties"]
    assert take_ten.startswith("Take Ten People promotes")
    _header_search(page, "mental health")  # the drop-down's excerpts too
    for item in page.locator(".archive-search__result").all():
        title, excerpt = item.locator(".archive-search__link").inner_text(), item.locator(".archive-search__excerpt").inner_text()
        assert not _starts_with_its_title(title, excerpt), (title, excerpt)
    page.close()
