"""Pure functions, tested directly (no MkDocs): dates, file sizes, URL safety, safe Markdown, URLs."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from conftest import reveal_emails

from projarchive.dates import PartialDate, build_date, date_range, parse_date
from projarchive.files import check_relative_path, human_size
from projarchive.pages import DEFAULT_BANNER, Settings, settings_from
from projarchive.router import Router
from projarchive.publish import discard, publish, staging_dir
from projarchive.render import markdown_html, relative_url, safe_url

# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "partial", "iso", "human"),
    [
        ("2009-04-01", False, "2009-04-01", "1 April 2009"),
        ("2009-04-01", True, "2009-04-01", "1 April 2009"),
        ("2017-08", True, "2017-08", "August 2017"),
        ("2010", True, "2010", "2010"),
        ("2024-02-29", False, "2024-02-29", "29 February 2024"),  # leap day
        ("2000-12-31", False, "2000-12-31", "31 December 2000"),
        (" 2009-04-01 ", False, "2009-04-01", "1 April 2009"),
    ],
)
def test_parse_date_keeps_precision_and_formats_for_people(text, partial, iso, human):
    d = parse_date(text, allow_partial=partial)
    assert d.iso() == iso
    assert str(d) == iso
    assert d.human() == human


@pytest.mark.parametrize(
    ("text", "partial", "fragment"),
    [
        ("2024-02-30", True, "February 2024 has 29 days"),
        ("2023-02-29", False, "February 2023 has 28 days"),
        ("2009-04-31", False, "April 2009 has 30 days"),
        ("2009-13-01", True, "month 13"),
        ("2009-00", True, "month 00"),
        ("2009-04-00", True, "is not a real date"),
        ("2009-04", False, "needs a day"),
        ("2009", False, "needs a day"),
        ("1/4/2009", True, "is not a date"),
        ("2009-4-1", True, "is not a date"),
        ("01-04-2009", True, "is not a date"),
        ("April 2009", True, "is not a date"),
        ("", True, "is not a date"),
    ],
)
def test_parse_date_rejects_with_a_reason(text, partial, fragment):
    with pytest.raises(ValueError) as e:
        parse_date(text, allow_partial=partial)
    assert fragment in str(e.value)


@pytest.mark.parametrize("text", ["0000", "0000-01", "0000-01-01"])
def test_parse_date_rejects_year_zero_with_its_own_message(text):
    with pytest.raises(ValueError) as e:
        parse_date(text, allow_partial=True)
    assert "year 0 is out of range" not in str(e.value)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2009", dt.date(2009, 1, 1), dt.date(2009, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2017-08-15", dt.date(2017, 8, 15), dt.date(2017, 8, 15)),
    ],
)
def test_partial_date_spans_its_whole_period(text, first, last):
    d = parse_date(text, allow_partial=True)
    assert (d.first_day, d.last_day) == (first, last)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2009-04-01", "2010-03-31", "1 April 2009 – 31 March 2010"),
        ("2015-09", "2017-12", "September 2015 – December 2017"),
        ("2015", "2016-03-31", "2015 – 31 March 2016"),
        ("2015-04-01", None, "From 1 April 2015"),
        ("2015-04", None, "From April 2015"),
        ("2012-06-05", "2012-06-05", "5 June 2012"),
        ("2012", "2012", "2012"),
    ],
)
def test_date_range(start, end, expected):
    s = parse_date(start, allow_partial=True)
    e = parse_date(end, allow_partial=True) if end else None
    assert date_range(s, e) == expected


def test_partial_dates_of_mixed_precision_can_be_sorted():
    dates = [PartialDate(2010), PartialDate(2009, 4), PartialDate(2009), PartialDate(2009, 4, 1)]
    ordered = sorted(dates)
    assert ordered[-1] == PartialDate(2010) and {d.year for d in ordered[:3]} == {2009}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SOURCE_DATE_EPOCH": "1767225600"}, dt.date(2026, 1, 1)),
        ({"SOURCE_DATE_EPOCH": " 1767225600 "}, dt.date(2026, 1, 1)),
        ({"SOURCE_DATE_EPOCH": "1767225599"}, dt.date(2025, 12, 31)),  # UTC, one second before
        ({"SOURCE_DATE_EPOCH": "0"}, dt.date(1970, 1, 1)),
    ],
)
def test_build_date_follows_source_date_epoch(env, expected):
    assert build_date(env) == expected


def test_build_date_without_epoch_is_today():
    before = dt.date.today()
    got = build_date({})
    assert before <= got <= dt.date.today()
    assert build_date({"SOURCE_DATE_EPOCH": ""}) == got


@pytest.mark.parametrize("bad", ["yesterday", "1.5", "1e9"])
def test_build_date_rejects_a_bad_epoch(bad):
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        build_date({"SOURCE_DATE_EPOCH": bad})


# --------------------------------------------------------------------------- file sizes


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (2, "2 bytes"),
        (999, "999 bytes"),
        (1000, "1.0 KB"),
        (1500, "1.5 KB"),
        (9_949, "9.9 KB"),
        (10_000, "10 KB"),
        (123_456, "123 KB"),
        (999_499, "999 KB"),
        (1_000_000, "1.0 MB"),
        (1_400_000, "1.4 MB"),
        (12_345_678, "12 MB"),
        (1_000_000_000, "1.0 GB"),
        (5_500_000_000_000, "5500 GB"),
    ],
)
def test_human_size(size, text):
    assert human_size(size) == text


@pytest.mark.parametrize(("size", "text"), [(999_999, "1.0 MB"), (999_500, "1.0 MB"), (9_999, "10 KB")])
def test_human_size_rounds_before_choosing_the_unit(size, text):
    assert human_size(size) == text


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("take-ten-people/toolbox.pdf", True),
        ("x.pdf", True),
        ("Rhifedd/adroddiad café.pdf", True),
        ("../x.pdf", False),
        ("a/../../x.pdf", False),
        ("./x.pdf", False),
        ("a//x.pdf", False),
        ("/etc/passwd", False),
        ("C:/x.pdf", False),
        ("a\\x.pdf", False),
        (".hidden/x.pdf", False),
        ("a/.x.pdf", False),
    ],
)
def test_check_relative_path(path, ok):
    assert (check_relative_path(path) is None) is ok


# --------------------------------------------------------------------------- safe URLs


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "DATA:text/html,x",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "tel:0123",
        "ftp://example.org/x",
    ],
)
def test_safe_url_rejects_dangerous_schemes(url):
    assert safe_url(url) is None


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG"),
        ("http://example.org", "http://example.org"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("../x/", "../x/"),
        ("x.pdf", "x.pdf"),
        ("./a#b", "./a#b"),
        ("page.html#section", "page.html#section"),
        ("#frag", "#frag"),
        ("/site/path/", "/site/path/"),
        (" https://example.org ", "https://example.org"),
    ],
)
def test_safe_url_keeps_web_and_relative_links(url, kept):
    assert safe_url(url) == kept


def test_safe_url_rejects_protocol_relative_links_to_other_hosts():
    assert safe_url("//evil.example/x") is None


# --------------------------------------------------------------------------- safe Markdown


def _parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(str(html), "html.parser")


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "Text <script>alert(1)</script> more",
        "<div>\n<script>alert(1)</script>\n</div>",
        "<img src=x onerror=alert(1)>",
        "<iframe src='https://evil.example'></iframe>",
        '<a href="javascript:alert(1)">x</a>',
        "| a |\n|---|\n| <script>alert(1)</script> |",
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_markdown_shows_raw_html_as_text(body):
    soup = _parse(markdown_html(body))
    for tag in ("script", "img", "iframe", "div"):
        assert soup.find(tag) is None, f"<{tag}> came through from {body!r}"
    assert not soup.select("a[href]")
    # the text is still there for the reader, escaped
    assert "<" in soup.get_text()


@pytest.mark.parametrize(
    "body",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click][r]\n\n[r]: javascript:alert(1)",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
    ],
)
def test_markdown_drops_unsafe_link_targets(body):
    soup = _parse(markdown_html(body))
    links = soup.find_all("a")
    assert [a.get_text() for a in links] == ["click"]
    assert all(not a.has_attr("href") for a in links)


@pytest.mark.parametrize(
    ("body", "href"),
    [
        ("[site](https://example.org/x)", "https://example.org/x"),
        ("<https://example.org>", "https://example.org"),
        ("[mail](mailto:a@example.org)", "mailto:a@example.org"),
        ("[here](#aims)", "#aims"),
    ],
)
def test_markdown_keeps_safe_links(body, href):
    a = reveal_emails(_parse(markdown_html(body))).find("a")  # mailto: is encoded until the browser runs (#5)
    assert a is not None and a["href"] == href
    if href.startswith("http"):
        assert a.get("rel") == ["noopener"]


def test_markdown_images_become_text_and_headings_are_demoted():
    soup = _parse(markdown_html("![A chart](https://tracker.example/x.png)\n\n# Big\n\n## Smaller"))
    assert soup.find("img") is None
    assert "[image: A chart]" in soup.get_text()
    assert [h.name for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])] == ["h3", "h4"]


def test_markdown_renders_lists_tables_and_emphasis():
    soup = _parse(markdown_html("1. One\n2. Two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n*em* and **strong**"))
    assert [li.get_text() for li in soup.select("ol > li")] == ["One", "Two"]
    assert [td.get_text() for td in soup.select("table td")] == ["1", "2"]
    assert soup.find("em").get_text() == "em" and soup.find("strong").get_text() == "strong"


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("src", "dir_urls", "url"),
    [
        ("projects/take-ten-people.md", True, "projects/take-ten-people/"),
        ("projects/index.md", True, "projects/"),
        ("index.md", True, ""),
        ("README.md", True, ""),
        ("a/README.md", True, "a/"),
        ("news/posts/x.md", True, "news/posts/x/"),
        ("projects/take-ten-people.md", False, "projects/take-ten-people.html"),
        ("projects/index.md", False, "projects/index.html"),
        ("index.md", False, "index.html"),
    ],
)
def test_the_router_gives_each_source_its_address(src, dir_urls, url):
    assert Router(directory_urls=dir_urls).url(src) == url


def test_a_readme_is_an_index_without_directory_urls_too():
    assert Router(directory_urls=False).url("a/README.md") == "a/index.html"


@pytest.mark.parametrize(
    ("src", "dir_urls", "dest"),
    [
        ("projects/x.md", True, "projects/x/index.html"),
        ("projects/x.md", False, "projects/x.html"),
        ("projects/index.md", False, "projects/index.html"),
        ("index.md", True, "index.html"),
        ("files/a b/c#1.pdf", True, "files/a b/c#1.pdf"),
        ("api/projects.json", False, "api/projects.json"),
    ],
)
def test_the_router_gives_each_source_the_file_it_is_written_to(src, dir_urls, dest):
    assert Router(directory_urls=dir_urls).dest(src) == dest


def test_the_router_percent_encodes_documents_and_makes_absolute_addresses():
    router = Router("https://example.org/archive/", directory_urls=False)
    assert router.file("a b/c#1.pdf") == "files/a%20b/c%231.pdf"
    assert router.record("project", "x", absolute=True) == "https://example.org/archive/projects/x.html"
    assert Router("https://example.org/archive").record("contact", "y", absolute=True) == \
        "https://example.org/archive/contacts/y/"
    assert Router().absolute("projects/x/") == "/projects/x/"  # no site_url: from the host's root


def test_the_router_agrees_with_mkdocs_or_says_so():
    """The build compares every generated page's address with the platform's (session.site_files)."""
    router = Router()
    assert router.disagreement("projects/x.md", "projects/x/index.html", "projects/x/") is None
    assert router.disagreement("index.md", "index.html", "./") is None
    problem = router.disagreement("projects/x.md", "projects/x.html", "projects/x.html")
    assert problem is not None and "projects/x/index.html" in problem


@pytest.mark.parametrize(
    ("target", "from_url", "expected"),
    [
        ("projects/x/", "projects/y/", "../x/"),
        ("projects/x/", "", "projects/x/"),
        ("projects/", "projects/", "./"),
        ("projects/x/", "projects/x/", "./"),
        ("files/a/b.pdf", "projects/x/", "../../files/a/b.pdf"),
        ("files/a/b.pdf", "", "files/a/b.pdf"),
        ("projects/x/#aims", "projects/x/", "./#aims"),
        ("themes/x/#top", "projects/y/", "../../themes/x/#top"),
        ("news/2020/05/04/post/", "contacts/niace/", "../../news/2020/05/04/post/"),
        ("index.html", "a/b.html", "../index.html"),
        ("https://example.org/x", "projects/x/", "https://example.org/x"),
        ("mailto:a@example.org", "projects/x/", "mailto:a@example.org"),
        ("#frag", "projects/x/", "#frag"),
        ("./", "projects/x/", "../../"),
    ],
)
def test_relative_url(target, from_url, expected):
    assert relative_url(target, from_url) == expected


@pytest.mark.parametrize(("from_url", "expected"), [("projects/x/", "../../"), ("", "./")])
def test_relative_url_to_the_site_root(from_url, expected):
    assert relative_url(Router().url("index.md"), from_url) == expected


# --------------------------------------------------------------------------- settings and publishing


def test_settings_from_mkdocs_yml():
    assert settings_from({}) == Settings()
    assert settings_from({}).banner == DEFAULT_BANNER
    assert settings_from({"banner": "Archived.", "recent": 3}) == Settings(banner="Archived.", recent=3)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"bannr": "x"}, "mkdocs.yml: error: extra.archive.bannr: unknown option 'bannr'; did you mean 'banner'? "
                         "the options are banner, recent, personal_details_years, accessible_format_email, per_page"),
        ({"recent": "5"}, "mkdocs.yml: error: extra.archive.recent: should be a whole number, not '5'"),
        ({"recent": True}, "mkdocs.yml: error: extra.archive.recent: should be a whole number, not True"),
        ({"recent": -2}, "mkdocs.yml: error: extra.archive.recent: -2 is below the smallest allowed value 0"),
        ({"per_page": 10**6}, "mkdocs.yml: error: extra.archive.per_page: 1000000 is above the largest allowed value 1000"),
        ({"banner": 5}, "mkdocs.yml: error: extra.archive.banner: should be text, not 5"),
        ({"banner": "x" * 301}, "mkdocs.yml: error: extra.archive.banner: is 301 characters long; at most 300 are "
                                "allowed here"),
        ({"banner": "Finished\x1b[31m"}, "mkdocs.yml: error: extra.archive.banner: the invisible control character "
                                         "U+001B is not allowed"),
        ({"accessible_format_email": "help@"}, "mkdocs.yml: error: extra.archive.accessible_format_email: 'help@' is not "
                                              "an email address (expected name@example.org)"),
        ("banner: x", "mkdocs.yml: error: extra.archive: should be keys and values (banner: …, recent: …)"),
    ],
)
def test_settings_reject_unknown_mistyped_or_out_of_range_options(options, fragment):
    with pytest.raises(ValueError) as e:
        settings_from(options)
    assert str(e.value).startswith(fragment)


def test_every_problem_of_the_settings_is_reported_with_its_line_in_mkdocs_yml(tmp_path):
    from projarchive.pages import setting_marks

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: A\nextra:\n  archive:\n    recent: -2\n    recnet: 3\n    per_page: lots\n"
                      "theme:\n  name: !ENV [THEME, material]\n", encoding="utf-8")
    with pytest.raises(ValueError) as e:
        settings_from({"recent": -2, "recnet": 3, "per_page": "lots"}, setting_marks(str(config)))
    assert str(e.value).splitlines() == [
        "mkdocs.yml:4:13: error: extra.archive.recent: -2 is below the smallest allowed value 0",
        "mkdocs.yml:5:13: error: extra.archive.recnet: unknown option 'recnet'; did you mean 'recent'? the options are "
        "banner, recent, personal_details_years, accessible_format_email, per_page",
        "mkdocs.yml:6:15: error: extra.archive.per_page: should be a whole number, not 'lots'",
    ]


def test_publish_swaps_the_staging_folder_in(tmp_path):
    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("old")
    staging = tmp_path / staging_dir("site")
    assert staging_dir(str(site) + "/") == str(site) + ".building"
    (staging / "new").mkdir(parents=True)
    (staging / "new" / "index.html").write_text("new")
    publish(str(staging), str(site))
    assert (site / "new" / "index.html").read_text() == "new"
    assert not (site / "old").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_publish_without_a_previous_site_and_discard(tmp_path):
    staging = tmp_path / "site.building"
    staging.mkdir()
    (staging / "a.html").write_text("a")
    publish(str(staging), str(tmp_path / "site"))
    assert (tmp_path / "site" / "a.html").read_text() == "a"
    other = tmp_path / "other.building"
    other.mkdir()
    discard(str(other))
    discard(str(other))  # twice is fine
    assert not other.exists() and (tmp_path / "site" / "a.html").exists()


def test_shared_nav_key_groups_pages_outside_the_navigation_by_folder():
    from projarchive.pages import shared_nav_key

    nav = frozenset({"", "projects/", "browse/", "about/"})
    assert shared_nav_key("projects/a/", nav) == shared_nav_key("projects/b/", nav) == "projects/"
    assert shared_nav_key("contacts/a/", nav) == "contacts/"
    assert shared_nav_key("projects/page/2/", nav) == "projects/page/"
    assert shared_nav_key("projects/a.html", nav) == "projects/"  # use_directory_urls: false
    assert shared_nav_key("projects/", nav) is None  # in the navigation: it marks its own entry active
    assert shared_nav_key("", nav) is None
    assert shared_nav_key("projects/a/", nav | {"projects/a/sub/"}) is None  # an entry below the page


def test_rendered_definition_and_header_cells_are_kept_apart_for_the_index(tmp_path):
    from projarchive.render import make_environment, render

    (tmp_path / "t.html").write_text("<dl><dt>Status</dt><dd>{{ s }}</dd><dt>Themes</dt><dd>x</dd></dl>"
                                     "<table><tr><th>Site</th><th>Town</th></tr></table>"
                                     "<figure><figcaption>Credit</figcaption></figure><p>a</p><p>b</p>")
    html = render(make_environment([str(tmp_path)]), "t.html", {"s": "</dt><dd>"})
    assert "<dt>Status</dt>\n<dd>&lt;/dt&gt;&lt;dd&gt;</dd>\n<dt>Themes</dt>\n<dd>x</dd>\n</dl>" in html
    assert "<th>Site</th>\n<th>Town</th>\n</tr>" in html and "</figcaption>\n</figure>" in html
    assert "<p>a</p><p>b</p>" in html  # Pagefind already keeps paragraphs apart


def test_exported_json_is_one_record_a_line_and_round_trips():
    import json

    from projarchive.exports import to_json

    rows = [{"id": "a", "title": "Siân’s “café”", "themes": ["x", "y"]}, {"id": "b", "n": None}]
    text = to_json(rows)
    assert json.loads(text) == rows and "Siân’s “café”" in text
    assert text.splitlines() == ["[", json.dumps(rows[0], ensure_ascii=False) + ",",
                                 json.dumps(rows[1], ensure_ascii=False), "]"]
    assert json.loads(to_json([])) == []


def test_exports_and_feed_made_row_by_row_equal_those_made_whole(tmp_path):
    """export_files and atom_feed write each record's row or entry on its own (so `mkdocs serve` can
    keep them between saves); the result is what json, csv and ElementTree make of the whole."""
    from projarchive.catalogue import load_catalogue
    from projarchive.exports import ExportCache, export_files, records, to_csv, to_json
    from projarchive.feed import FeedCache, atom_feed, atom_feed_tree
    from projarchive.privacy import without_addresses_in

    for rel, body in {
        "projects/a.yml": 'title: "A & <b> \\"quoted\\" tab"\nstart: 2019\nsummary: "Line one\\nline two, =SUM(1)"\n'
                          "themes: [x & y, '<z>', 'say \"hi\"']\nresources: [r]\n",
        "projects/b.yml": "title: Siân’s café\nstart: 2009-04-01\nend: 2010-03-31\nsummary: 'Mail jane@example.org'\n",
        "resources/r.yml": "title: R\nkind: report\nurl: https://example.org/r?a=1&b=2\n",
        "contacts/o.yml": "kind: organisation\nname: O\nphone: '+44 1'\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body, encoding="utf-8")
    cat = load_catalogue(str(tmp_path), build_date=dt.date(2026, 1, 1))
    router = Router("https://example.org/archive/")
    cache = ExportCache()
    for made in (export_files(cat, router), export_files(cat, router, cache),
                 export_files(cat, router, cache, changed={("project", "a"), ("contact", "o")})):
        for kind, folder in (("project", "projects"), ("contact", "contacts"), ("resource", "resources")):
            rows = [without_addresses_in(row) for row in records(kind, cat, router)]
            assert made[f"api/{folder}.json"] == to_json(rows)
            assert made[f"api/{folder}.csv"] == to_csv(rows)
    feed = FeedCache()
    assert atom_feed(cat, router, "A & B") == atom_feed_tree(cat, router, "A & B")
    assert atom_feed(cat, router, "A & B", feed) == atom_feed_tree(cat, router, "A & B")
    assert atom_feed(cat, router, "A & B", feed, changed={("project", "b")}) == atom_feed_tree(cat, router, "A & B")
    assert len(feed.entries) == 3
