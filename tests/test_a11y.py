"""Accessibility, measured with axe-core (WCAG 2.0 A/AA, 2.1 AA, 2.2 AA) in Debian's Chromium.

Every page type of the sample archive is checked at desktop and phone widths, in the
light and the dark (slate) scheme (the dark one for the rules about colour: ``COLOUR_RULES``);
one browser context per width and scheme. axe-core comes bundled in the
``axe-playwright-python`` wheel (axe.min.js), so nothing is fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import SITE_PATH, host_at_site_path

TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
# The rules whose answer depends on colours: all a change of scheme changes (the page, its
# elements, their sizes and text are the same; only the palette's colours differ). The dark scheme
# is checked with these, the light scheme with every rule; axe takes half as long.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
COLOUR_OPTIONS = {"runOnly": {"type": "rule", "values": COLOUR_RULES}, "resultTypes": ["violations"]}

# one page of every type the archive has (URL paths in the sample archive)
PAGE_TYPES = {
    "home": "",
    "project (finished)": "projects/take-ten-people/",
    "project (active)": "projects/career-learning-pilots/",
    "programme": "projects/clmh-research-2015-17/",
    "project (map, outputs, many organisations)": "projects/embedding-learning-in-everyday-activity/",
    "project listing": "projects/",
    "browse (facets)": "browse/",
    "browse (filtered, every theme shown)": "browse/?theme=mental+health&from=2009&to=2015",
    "search results": "search/?q=mental+health",
    "search results (filtered, page 2)": "search/?q=the&type=Project&type=Document&page=2",
    "programme listing": "programmes/",
    "resource": "resources/take-ten-people-pack/",
    "resource (one file)": "resources/lsc-data/",
    "resource (external)": "resources/cost-and-outreach-pilot-evaluation-interim-findings/",
    "resource listing": "resources/",
    "contact (person)": "contacts/catina-barrett/",
    "contact (organisation)": "contacts/niace/",
    "contact listing": "contacts/",
    "theme listing": "themes/",
    "theme": "themes/mental-health/",
    "region listing": "regions/",
    "region": "regions/east-of-england/",
    "news index": "news/",
    "news post": "news/2019/09/05/interim-evaluation-of-career-learning-pilots/",
    "accessibility statement": "accessibility/",
    "about": "about/",
    "maintainer guide": "maintainers/",
    "open data": "open-data/",
    "privacy": "privacy/",
    "404": "404.html",
}
# pages that show their content once a script has run: what to wait for before checking them
READY = {"browse/": "[data-finder-results][data-settled]", "search/": "[data-finder-results][data-settled]"}
AXE_SCRIPT = Axe().axe_script  # axe.min.js from the wheel
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}
SCHEMES = {"light": 0, "dark": 1}
PALETTES = [
    {"index": 0, "color": {"media": "", "scheme": "default", "primary": "indigo", "accent": "indigo"}},
    {"index": 1, "color": {"media": "", "scheme": "slate", "primary": "indigo", "accent": "indigo"}},
]


@pytest.fixture(scope="module")
def site_root(sample, tmp_path_factory) -> Path:
    """The sample site served at /archive/, as the host in site_url would serve it."""
    assert sample.ok, sample.output
    return host_at_site_path(sample.site, tmp_path_factory.mktemp("host"))


def scheme_context(browser, width: str, scheme: str):
    """A browser context at ``width`` whose stored Material palette is ``scheme``, as after using the toggle."""
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    palette = json.dumps(PALETTES[SCHEMES[scheme]])
    # Material keeps the palette in localStorage under "<site path>.__palette"
    context.add_init_script(f"localStorage.setItem('/{SITE_PATH}.__palette', {json.dumps(palette)});")
    # axe-core in every page, for axe_violations: sent to the browser once, not once per page
    context.add_init_script(AXE_SCRIPT)
    return context


def axe_violations(page, scheme: str = "light") -> list[str]:
    """axe-core's violations on the page as readable lines (rule, impact, nodes): every WCAG A/AA
    rule in the light scheme, the rules about colour in the dark one (``COLOUR_RULES``). axe is put
    into the page unless the context already does that on every page (``scheme_context``)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    options = COLOUR_OPTIONS if scheme == "dark" else AXE_OPTIONS
    # the same rules, without making a CSS selector for every node checked (``selectors``: most of axe's
    # time on a long page that passes); only a page with violations is checked again to name the nodes
    response = page.evaluate("options => axe.run(document, options)", {**options, "selectors": False})
    if response["violations"]:
        response = page.evaluate("options => axe.run(document, options)", options)
    lines = []
    for v in response["violations"]:
        for node in v["nodes"]:
            lines.append(f"{v['id']} ({v['impact']}): {', '.join(map(str, node['target']))}: "
                         f"{node.get('failureSummary', '').splitlines()[-1:]}")
    return lines


class _EveryPageType:
    """Every page type at one width in one scheme. One class each (below), not one parametrized test:
    pytest-xdist (``--dist loadscope``) keeps a module's functions on one worker but sends each class
    where it likes, so the four runs of axe, the largest part of the browser tests, share the cores
    instead of queueing on one. (The sample site they read is built once for every worker.)"""

    width: str
    scheme: str

    @pytest.mark.browser
    def test_every_page_type_has_no_axe_violations(self, site_root, browser, serve):
        every_page_type_has_no_axe_violations(site_root, browser, serve, self.width, self.scheme)


class TestDesktopLight(_EveryPageType):
    width, scheme = "desktop", "light"


class TestDesktopDark(_EveryPageType):
    width, scheme = "desktop", "dark"


class TestPhoneLight(_EveryPageType):
    width, scheme = "phone", "light"


class TestPhoneDark(_EveryPageType):
    width, scheme = "phone", "dark"


def every_page_type_has_no_axe_violations(site_root, browser, serve, width: str, scheme: str) -> None:
    base = serve(site_root) + SITE_PATH
    context = scheme_context(browser, width, scheme)
    page = context.new_page()
    found: list[str] = []
    want = "slate" if scheme == "dark" else "default"
    for name, url in PAGE_TYPES.items():
        page.goto(base + url, wait_until="load")
        ready = READY.get(url.split("?")[0])
        if ready:
            page.locator(ready).wait_for(timeout=15_000)
            if "every theme" in name:  # the filters opened (a tap away on phones), every value shown
                page.locator("details[data-finder-filters]").evaluate("d => { d.open = true; }")
                page.locator('fieldset[data-facet="theme"] button[data-facet-more]').click()
                # the click scrolls a phone's page, and Material's header fades the page title in:
                # checked half-way, its colour is neither the old nor the new one
                # two frames: the scroll's event has reached the header (events come before a frame's
                # callbacks), which has started its fade
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
        assert page.get_attribute("body", "data-md-color-scheme") == want, f"{name}: scheme not applied"
        found += [f"{name} ({url or '/'}): {line}" for line in axe_violations(page, scheme)]
    context.close()
    assert not found, f"{len(found)} axe violation(s) at {width} width, {scheme} scheme:\n" + "\n".join(found)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_have_no_axe_violations(site_root, browser, serve, width, scheme):
    """The header search (Pagefind, issue #4), open with results for "Take Ten"."""
    base = serve(site_root) + SITE_PATH
    context = scheme_context(browser, width, scheme)
    page = context.new_page()
    page.goto(base, wait_until="load")
    query = page.get_by_role("searchbox", name="Search the archive")  # in the header at every width
    query.click()
    query.press_sequentially("Take Ten")
    page.locator('#archive-search-results[data-query="Take Ten"] .archive-search__link').first.wait_for()
    found = axe_violations(page, scheme)
    context.close()
    assert not found, "axe violations on the search results:\n" + "\n".join(found)


def test_record_tables_have_scoped_headers(sample):
    """Every header cell of the archive's own tables says whether it heads a row or a column."""
    assert sample.ok, sample.output
    checked = 0
    for folder in ("projects", "resources", "contacts", "programmes", "themes", "regions"):
        for page in sorted((sample.site / folder).rglob("index.html")):
            art = sample.soup(page).select_one("article")
            for table in art.select("table"):
                assert table.select("th"), page
                for th in table.select("th"):
                    assert th.get("scope") in ("row", "col"), (page, th)
                    checked += 1
    assert checked > 100


@pytest.mark.browser
def test_download_links_say_format_and_size_to_screen_readers(site_root, browser, serve):
    """Each file link is named by its title and described by its format, size and pages; "Download all"
    names its resource, format and size; the accessible-format request names its document, in text
    hidden only visually."""
    import re

    base = serve(site_root) + SITE_PATH
    page = browser.new_page()
    page.goto(base + "resources/take-ten-people-pack/")
    files = page.locator("li.archive-file .archive-attachment__title a[download]")
    assert files.count() == 2
    # the title is the link's name; format, size and pages its description (as GOV.UK's attachments)
    for i in range(files.count()):
        link = page.locator("li.archive-file .archive-attachment__title a").nth(i)
        described = page.locator("#" + link.get_attribute("aria-describedby")).inner_text()
        assert re.fullmatch(r"PDF, [\d.]+ (bytes|KB|MB), \d+ pages?", described), described
    named = page.get_by_role("link", name=re.compile(r"^Download all of “Take Ten People resource pack” \(ZIP, "))
    assert named.count() == 1
    request = page.get_by_role("link", name="Request an accessible format of “Take Ten People resource pack”",
                               exact=True)
    assert request.is_visible()
    hidden = request.locator(".md-visually-hidden").bounding_box()
    assert hidden is not None and hidden["width"] <= 1 and hidden["height"] <= 1  # read out, not shown
    page.close()


SERVE_ERRORS = [
    "the archive's records have problems:",
    ("projects/take-ten-people.yml:4:8: error: start: '31/03/2010' is not a date; write it as YYYY-MM-DD, "
     "YYYY-MM or YYYY, e.g. 2009-04-01"),
    ("contacts/a-contact-with-a-rather-long-file-name-for-a-narrow-screen.yml:12:15: error: organisation: "
     "no contact with id 'niacee'; did you mean 'niace'?"),
    "2 errors in 2 files; nothing was built and the previous site was left as it was.",
]


@pytest.fixture(scope="module")
def serve_errors_root(sample, tmp_path_factory) -> Path:
    """The sample site as `mkdocs serve` shows it after a save with mistakes: the project page with
    the error list at its top (projarchive.preview) and, as under serve, no Content Security Policy."""
    import re

    from conftest import REPO

    from projarchive.preview import errors_html, with_errors
    from projarchive.render import make_environment

    assert sample.ok, sample.output
    root = tmp_path_factory.mktemp("serve-errors")
    site = root / SITE_PATH.rstrip("/")
    (site / "projects" / "take-ten-people").mkdir(parents=True)
    for entry in sample.site.iterdir():
        if entry.name != "projects":
            (site / entry.name).symlink_to(entry)
    for entry in (sample.site / "projects").iterdir():
        if entry.name != "take-ten-people":
            (site / "projects" / entry.name).symlink_to(entry)
    page = (sample.site / "projects/take-ten-people/index.html").read_text(encoding="utf-8")
    page = re.sub(r'\s*<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    box = errors_html(make_environment([str(REPO / "overrides")]), SERVE_ERRORS)
    (site / "projects/take-ten-people/index.html").write_bytes(with_errors(page.encode("utf-8"), box))
    return root


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_serve_error_list_has_no_axe_violations_and_fits_the_screen(serve_errors_root, browser, serve, width,
                                                                        scheme, tmp_path):
    base = serve(serve_errors_root) + SITE_PATH
    context = scheme_context(browser, width, scheme)
    page = context.new_page()
    page.goto(base + "projects/take-ten-people/", wait_until="load")
    box = page.get_by_role("alert").filter(has_text="Your last save did not build")
    assert box.is_visible()
    assert box.locator("li code").count() == 2  # the two error lines; the sentences around them are text
    viewport = WIDTHS[width][0]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport  # long lines wrap
    page.screenshot(path=str(tmp_path / f"serve-errors-{width}-{scheme}.png"))
    found = axe_violations(page, scheme)
    context.close()
    assert not found, "axe violations with the serve error list:\n" + "\n".join(found)
