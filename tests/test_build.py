"""The whole pipeline: a fixture archive built with ``mkdocs build --strict``, read back as parsed HTML.

One module-scoped build (``site``) serves most tests; the few that need another configuration
or a second build make their own small archive.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import Archive, BuildResult, broken_links, file_for, make_pdf, make_png, snapshot, target, text
from pypdf import PdfReader

from projarchive.files import human_size

DEFAULT_BANNER = "This project has now finished. We've left it here for reference."
TTP_TITLE = "Take Ten People: “Integrating” employment, learning and skills — £5 a session, café style"
RHIFEDD_TITLE = "Rhifedd i Bawb: numeracy for “everyone” in Wales"
HOSTILE_TITLE = "Hostile <script>alert('title')</script> & co"
PAGES = {"take-ten-people/toolbox.pdf": 7, "take-ten-people/training-pack.pdf": 12, "rhifedd/adroddiad.pdf": 3}

RECORDS = {
    "contacts/niace.yml": """
        kind: organisation
        name: NIACE
        address: [21 De Montfort Street, Leicester, LE1 7GE]
        url: https://example.org/niace
        """,
    "contacts/lsis.yml": """
        kind: organisation
        name: Learning and Skills Improvement Service
        """,
    "contacts/catina-barrett.yml": """
        kind: person
        name: Catina Barrett
        organisation: niace
        role: Mental health co-ordinator
        email: catina.barrett@education.gov.uk
        phone: "07920 493620"
        """,
    "contacts/sian-rhys.yml": """
        kind: person
        name: Siân Élise Rhys
        role: Swyddog Rhifedd
        """,
    "projects/take-ten-people.yml": f"""
        title: "{TTP_TITLE}"
        short_title: Take Ten People
        start: 2009-04-01
        end: 2010-03-31
        status: finished
        summary: >-
          Resources that help practitioners support people with experience of mental health difficulties.
        image:
          file: images/garden.png
          alt: Painting of a garden
          credit: "Artist: Bob Houlston"
        themes: [mental health, employment]
        regions: [East of England]
        programme: clmh-research
        organisations:
          - {{id: niace, role: Lead organisation}}
          - {{id: lsis, role: Funder}}
        sections:
          - heading: What are we aiming to achieve?
            body: |
              1. Establishing the baseline
              2. Training “support workers” in café settings, £5 a session

              See [the pack](#documents).
          - heading: Who is it for?
            body: |
              People who have *experience* of mental health difficulties.
        outputs:
          - {{measure: Support workers trained, target: 20, achieved: 33}}
        timeline:
          - {{date: 2009-04, text: Project starts}}
          - {{date: 2009-09, end: 2010-01, text: Training delivered}}
        sites:
          - {{name: Q Training Ltd, town: Rackheath, lat: 52.66, lon: 1.37}}
        contacts:
          - {{id: catina-barrett, role: "Regional Project Officer, East of England", email: catina.barrett@niace.org.uk}}
        resources: [take-ten-people-pack]
        links:
          - {{title: Cost and outreach pilot evaluation, url: "https://www.gov.uk/government/publications/x"}}
        """,
    "projects/rhifedd.yml": f"""
        title: "{RHIFEDD_TITLE}"
        start: 2015-09
        end: 2016
        dates_note: The report gives only the year it ended.
        summary: Numeracy (rhifedd) classes for adults across Wales, £0 to attend.
        themes: [numeracy]
        regions: [Wales]
        programme: clmh-research
        sections:
          - heading: Beth oedd y nod?
            body: |
              Dysgu rhifedd i bawb — “numeracy for everyone”, costing £0; café sessions in Llandeilo.
        contacts:
          - {{id: catina-barrett, role: Numeracy adviser, organisation: lsis}}
          - {{id: sian-rhys}}
        resources: [rhifedd-report]
        """,
    "projects/clmh-research.yml": """
        title: Community Learning Mental Health research 2015–17
        kind: programme
        start: 2015-09-01
        end: 2027-03-31
        summary: A programme of research projects.
        themes: [mental health]
        regions: [East of England, Wales]
        resources: [take-ten-people-pack]
        """,
    "projects/still-active.yml": """
        title: Still going
        start: 2008-01-01
        end: 2012-06-30
        status: active
        summary: Its end date has passed but it says it is active.
        themes: [employment]
        """,
    "projects/hostile.yml": f"""
        title: "{HOSTILE_TITLE}"
        short_title: "<script>alert('short')</script>"
        start: 2005-01-01
        end: 2006-01-01
        summary: "Summary <script>alert('summary')</script> <a href=\\"javascript:alert('s')\\">x</a>"
        dates_note: "<img src=x onerror=alert('note')>"
        sections:
          - heading: "Heading <script>alert('heading')</script>"
            body: |
              Body <script>alert('body')</script> and <a href="javascript:alert('raw')">raw</a>
              <img src=x onerror="alert('img')">
        links:
          - {{title: "javascript:alert('link title')", url: "https://example.org/?next=javascript:alert(1)"}}
        """,
    "resources/take-ten-people-pack.yml": """
        title: Take Ten People resource pack
        kind: toolkit
        summary: A collection of resources for practitioners.
        published: 2010-03
        licence: OGL-3.0
        files:
          - {file: take-ten-people/toolbox.pdf, title: Toolbox}
          - {file: take-ten-people/training-pack.pdf, title: Training pack}
        """,
    "resources/rhifedd-report.yml": """
        title: "Adroddiad Rhifedd: café £ report"
        kind: report
        files:
          - {file: rhifedd/adroddiad.pdf, title: Adroddiad}
        """,
    "resources/external-guide.yml": """
        title: External guide
        kind: other
        url: https://example.org/guide
        """,
    "docs/news/posts/2020-05-04-launch.md": """
        ---
        date: 2020-05-04
        projects: [take-ten-people]
        organisations: [niace]
        resources: [take-ten-people-pack]
        ---

        # Archive launched with “Take Ten People”

        The archive now holds the Take Ten People pack.
        """,
}


def write_records(archive: Archive) -> None:
    for rel, body in RECORDS.items():
        archive.write(rel, body)
    for rel, pages in PAGES.items():
        archive.write_bytes(f"resources/{rel}", make_pdf(pages, text=rel))
    archive.write_bytes("resources/images/garden.png", make_png())


@pytest.fixture(scope="module")
def built(module_archive: Archive):
    write_records(module_archive)
    docs_before = snapshot(module_archive.root / "docs")
    result = module_archive.build()
    assert result.ok, result.output
    return module_archive, result, docs_before


@pytest.fixture(scope="module")
def site(built) -> BuildResult:
    return built[1]


# --------------------------------------------------------------------------- helpers


def goes_to(from_url: str, a) -> str:
    t = target(from_url, a["href"])
    assert t is not None, a
    return t[0]


def card_targets(from_url: str, container) -> list[str]:
    return [goes_to(from_url, a) for a in container.select(".archive-card__title a[href]")]


def section_after(article, heading_text: str):
    """The elements between the h2 with ``heading_text`` and the next h2, wrapped in one soup."""
    h2 = next((h for h in article.find_all("h2") if text(h) == heading_text), None)
    assert h2 is not None, f"no h2 {heading_text!r} in {[text(h) for h in article.find_all('h2')]}"
    parts = []
    for sib in h2.find_next_siblings():
        if sib.name == "h2":
            break
        parts.append(str(sib))
    return BeautifulSoup("".join(parts), "html.parser")


def all_pages(site_dir: Path) -> list[Path]:
    return sorted(site_dir.rglob("*.html"))


def fact(article, name: str) -> str:
    dt = next((d for d in article.select("dl.archive-facts dt") if text(d) == name), None)
    assert dt is not None, name
    return text(dt.find_next_sibling("dd"))


# --------------------------------------------------------------------------- project page


def test_every_record_has_its_page(site):
    for rel in RECORDS:
        if rel.startswith(("projects/", "contacts/", "resources/")):
            folder, name = rel.split("/")
            assert (site.site / folder / name[:-4] / "index.html").is_file(), rel
    for path in ("themes/mental-health/", "themes/numeracy/", "regions/east-of-england/", "regions/wales/",
                 "programmes/", "projects/", "resources/", "contacts/", "themes/", "regions/"):
        assert file_for(site.site, path).is_file(), path


def test_project_title_dates_and_facts(site):
    art = site.article("projects/take-ten-people/")
    assert [text(h) for h in art.find_all("h1")] == [TTP_TITLE]
    assert fact(art, "Dates") == "1 April 2009 – 31 March 2010"
    times = art.select_one("dl.archive-facts dd").find_all("time")
    assert [t["datetime"] for t in times] == ["2009-04-01", "2010-03-31"]
    assert fact(art, "Status") == "Finished"
    assert html.unescape(site.html("projects/take-ten-people/").title.get_text()).startswith(TTP_TITLE)
    assert [text(h) for h in art.find_all("h2") if "banner" not in " ".join(h.get("class", []))] == [
        "What are we aiming to achieve?", "Who is it for?", "Outputs against targets", "Timeline",
        "Where the work took place", "Organisations", "Documents", "Contact information", "Links", "In the news",
        "Cite this project",
    ]


def test_partial_dates_are_shown_as_written_with_their_note(site):
    art = site.article("projects/rhifedd/")
    assert fact(art, "Dates") == "September 2015 – 2016 The report gives only the year it ended."
    assert [t["datetime"] for t in art.select_one("dl.archive-facts dd").find_all("time")] == ["2015-09", "2016"]


def banner(site, url):
    art = site.article(url)
    regions = art.select('[role="region"]')
    assert len(regions) <= 1
    return art, (regions[0] if regions else None)


def test_finished_banner_is_a_labelled_landmark_with_the_end_date(site):
    art, region = banner(site, "projects/take-ten-people/")
    assert region is not None
    label = art.find(id=region["aria-labelledby"])
    assert label is not None and region in label.parents
    assert text(label) == DEFAULT_BANNER
    assert "It ended on 31 March 2010." in text(region)
    assert region.find("time")["datetime"] == "2010-03-31"
    # it comes right after the title, before the facts and sections
    assert art.find("h1").find_next_sibling() is region


def test_banner_when_status_is_omitted_and_end_is_before_the_build_date(site):
    art, region = banner(site, "projects/rhifedd/")
    assert region is not None
    assert text(art.find(id=region["aria-labelledby"])) == DEFAULT_BANNER
    assert region.find("time")["datetime"] == "2016"
    assert fact(art, "Status") == "Finished"


def test_banner_wording_for_a_partial_end_date(site):
    _, region = banner(site, "projects/rhifedd/")
    assert "It ended in 2016." in text(region)


@pytest.mark.parametrize(
    ("url", "status"),
    [("projects/clmh-research/", "Active programme"), ("projects/still-active/", "Active")],
    ids=["end after build date", "status active"],
)
def test_no_banner_for_active_projects(site, url, status):
    art, region = banner(site, url)
    assert region is None
    assert DEFAULT_BANNER not in text(art)
    assert fact(art, "Status") == status


def test_image_with_alt_and_credit(site):
    art = site.article("projects/take-ten-people/")
    img = art.select_one("figure img")
    assert img["alt"] == "Painting of a garden"
    path = goes_to("projects/take-ten-people/", {"href": img["src"]})
    assert (site.site / path).read_bytes() == make_png()
    assert text(art.select_one("figure figcaption")) == "Artist: Bob Houlston"


def test_outputs_timeline_and_sites(site):
    art = site.article("projects/take-ten-people/")
    rows = [[text(c) for c in tr.find_all(["th", "td"])] for tr in section_after(art, "Outputs against targets").select("tbody tr")]
    assert rows == [["Support workers trained", "20", "33", ""]]
    items = [text(li) for li in section_after(art, "Timeline").select("li")]
    assert items == ["April 2009 Project starts", "September 2009 – January 2010 Training delivered"]
    places = section_after(art, "Where the work took place")
    site_rows = places.select("tbody tr")
    assert [text(c) for c in site_rows[0].find_all(["th", "td"])][:3] == ["1", "Q Training Ltd", "Rackheath"]
    assert site_rows[0]["id"] == "site-1"
    [pin] = places.select("svg a.archive-map__pin")  # drawn here; no link to a map on another host
    assert pin["href"] == "#site-1" and pin["aria-label"] == "1: Q Training Ltd, Rackheath"
    assert not [a for a in places.select("a[href]") if "://" in a["href"]]


def test_documents_show_real_size_format_and_pages(site, built):
    archive = built[0]
    for url in ("projects/take-ten-people/", "resources/take-ten-people-pack/", "resources/",
                "projects/rhifedd/", "resources/rhifedd-report/"):
        art = site.article(url)
        links = art.select("li.archive-file .archive-attachment__title a[href]")
        assert links, url
        for a in links:
            rel = goes_to(url, a)
            assert rel.startswith("files/")
            source = archive.root / "resources" / rel[len("files/"):]
            published = site.site / rel
            assert published.read_bytes() == source.read_bytes()
            pages = len(PdfReader(str(source)).pages)
            assert pages == PAGES[rel[len("files/"):]]
            facts = text(art.find(id=a["aria-describedby"]))  # the link's accessible description
            assert facts == f"PDF, {human_size(os.path.getsize(source))}, {pages} pages", (url, facts)
            assert a["type"] == "application/pdf" and a.has_attr("download")
    titles = [text(a) for a in site.article("projects/take-ten-people/").select("li.archive-file .archive-attachment__title a")]
    assert titles == ["Toolbox", "Training pack"]


def test_external_resource_links_out(site):
    art = site.article("resources/external-guide/")
    [a] = art.select("li.archive-attachment--external a")
    assert a["href"] == "https://example.org/guide"
    assert text(art.find(id=a["aria-describedby"])) == "On another website: example.org"
    assert not art.select(".archive-request-format")  # the archive holds no file to ask about
    assert text(section_after(art, "Used by")) == "No projects yet."


def test_unicode_is_intact_in_titles_and_bodies(site):
    art = site.article("projects/rhifedd/")
    assert text(art.find("h1")) == RHIFEDD_TITLE
    body = text(section_after(art, "Beth oedd y nod?"))
    assert body == "Dysgu rhifedd i bawb — “numeracy for everyone”, costing £0; café sessions in Llandeilo."
    names = [text(p) for p in art.select(".archive-contact__name")]
    assert names == ["Catina Barrett", "Siân Élise Rhys"]
    assert text(site.article("contacts/sian-rhys/").find("h1")) == "Siân Élise Rhys"
    assert text(site.article("resources/rhifedd-report/").find("h1")) == "Adroddiad Rhifedd: café £ report"
    ttp = site.article("projects/take-ten-people/")
    items = [text(li) for li in section_after(ttp, "What are we aiming to achieve?").select("ol li")]
    assert items == ["Establishing the baseline", "Training “support workers” in café settings, £5 a session"]
    # and the bytes are UTF-8, as declared
    raw = (site.site / "projects/rhifedd/index.html").read_bytes()
    assert RHIFEDD_TITLE.encode("utf-8") in raw
    assert site.html("projects/rhifedd/").find("meta", charset=True)["charset"].lower() == "utf-8"


# --------------------------------------------------------------------------- contacts


def contact_rows(site, url):
    art = site.article(url)
    rows = {}
    for tr in section_after(art, "Projects").select("tbody tr"):
        cells = tr.find_all(["th", "td"])
        rows[goes_to(url, cells[0].a)] = [text(c) for c in cells[1:]]
    return art, rows


def test_contact_page_lists_each_project_with_its_role_then(site):
    art, rows = contact_rows(site, "contacts/catina-barrett/")
    assert text(art.find("h1")) == "Catina Barrett"
    assert rows == {
        # the organisation she was with then: overridden on rhifedd, her own (NIACE) on take-ten-people
        "projects/rhifedd/": ["September 2015 – 2016", "Numeracy adviser", "Learning and Skills Improvement Service",
                              "catina.barrett@education.gov.uk 07920 493620"],
        "projects/take-ten-people/": ["1 April 2009 – 31 March 2010", "Regional Project Officer, East of England",
                                      "NIACE", "catina.barrett@niace.org.uk 07920 493620"],
    }
    # today's details on the contact itself, and her organisation
    assert "catina.barrett@education.gov.uk" in [a.get_text() for a in art.select("dl.archive-details a")]
    assert goes_to("contacts/catina-barrett/", art.select_one(".archive-facts-line a")) == "contacts/niace/"


def test_project_page_shows_the_per_project_contact_details(site):
    def contacts(url):
        art = site.article(url)
        out = {}
        for li in art.select("li.archive-contact"):
            name = text(li.select_one(".archive-contact__name"))
            role = li.select_one(".archive-contact__role")
            emails = [a["href"] for a in li.select('a[href^="mailto:"]')]
            out[name] = (text(role) if role else None, emails)
        return out

    assert contacts("projects/take-ten-people/") == {
        "Catina Barrett": ("Regional Project Officer, East of England", ["mailto:catina.barrett@niace.org.uk"]),
    }
    assert contacts("projects/rhifedd/") == {
        "Catina Barrett": ("Numeracy adviser", ["mailto:catina.barrett@education.gov.uk"]),
        "Siân Élise Rhys": ("Swyddog Rhifedd", []),
    }


def test_project_page_shows_the_organisation_a_contact_was_with_then(site):
    def organisation_of(url, name):
        art = site.article(url)
        [li] = [li for li in art.select("li.archive-contact") if text(li.select_one(".archive-contact__name")) == name]
        links = [goes_to(url, a) for a in li.select("a[href]") if not a["href"].startswith("mailto:")]
        return links[1:]  # the first link is the contact's own page

    assert organisation_of("projects/take-ten-people/", "Catina Barrett") == ["contacts/niace/"]  # her own
    assert organisation_of("projects/rhifedd/", "Catina Barrett") == ["contacts/lsis/"]  # overridden


def test_organisation_page_lists_projects_roles_and_people(site):
    art, rows = contact_rows(site, "contacts/niace/")
    assert rows == {"projects/take-ten-people/": ["1 April 2009 – 31 March 2010", "Lead organisation"]}
    people = section_after(art, "People")
    assert [goes_to("contacts/niace/", a) for a in people.select("a")] == ["contacts/catina-barrett/"]
    assert text(art.find("address")) == "21 De Montfort Street Leicester LE1 7GE"
    ttp = site.article("projects/take-ten-people/")
    orgs = [[text(c) for c in tr.find_all(["th", "td"])] for tr in section_after(ttp, "Organisations").select("tbody tr")]
    assert orgs == [["NIACE", "Lead organisation"], ["Learning and Skills Improvement Service", "Funder"]]


def test_contacts_listing(site):
    art = site.article("contacts/")
    people = [goes_to("contacts/", a) for a in section_after(art, "People").select("a")]
    orgs = [goes_to("contacts/", a) for a in section_after(art, "Organisations").select("a")]
    assert people == ["contacts/catina-barrett/", "contacts/sian-rhys/"]
    assert orgs == ["contacts/lsis/", "contacts/niace/"]


# --------------------------------------------------------------------------- listings


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("themes/mental-health/", {"projects/take-ten-people/", "projects/clmh-research/"}),
        ("themes/employment/", {"projects/take-ten-people/", "projects/still-active/"}),
        ("themes/numeracy/", {"projects/rhifedd/"}),
        ("regions/east-of-england/", {"projects/take-ten-people/", "projects/clmh-research/"}),
        ("regions/wales/", {"projects/rhifedd/", "projects/clmh-research/"}),
    ],
)
def test_tag_pages_list_exactly_their_projects(site, url, expected):
    art = site.article(url)
    got = card_targets(url, art)
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got))


def test_tag_index_pages(site):
    art = site.article("themes/")
    items = {goes_to("themes/", li.a): text(li) for li in art.select("ul.archive-taglist li")}
    assert items == {
        "themes/employment/": "employment (2 projects)",
        "themes/mental-health/": "mental health (2 projects)",
        "themes/numeracy/": "numeracy (1 project)",
    }
    regions = {goes_to("regions/", li.a) for li in site.article("regions/").select("ul.archive-taglist li")}
    assert regions == {"regions/east-of-england/", "regions/wales/"}


def test_all_projects_newest_first(site):
    assert card_targets("projects/", site.article("projects/")) == [
        "projects/clmh-research/", "projects/rhifedd/", "projects/take-ten-people/",
        "projects/still-active/", "projects/hostile/",
    ]


def test_resource_page_lists_the_projects_that_use_it(site):
    art = site.article("resources/take-ten-people-pack/")
    assert sorted(card_targets("resources/take-ten-people-pack/", section_after(art, "Used by"))) == [
        "projects/clmh-research/", "projects/take-ten-people/"]
    art = site.article("resources/rhifedd-report/")
    assert card_targets("resources/rhifedd-report/", section_after(art, "Used by")) == ["projects/rhifedd/"]


def test_resources_listing_groups_by_kind(site):
    art = site.article("resources/")
    groups = {text(h): [goes_to("resources/", a) for a in section_after(art, text(h)).select("h3 a")]
              for h in art.find_all("h2")}
    assert groups == {
        "Toolkits": ["resources/take-ten-people-pack/"],
        "Reports": ["resources/rhifedd-report/"],
        "Other documents": ["resources/external-guide/"],
    }


def test_programme_lists_its_projects_and_they_link_back(site):
    art = site.article("programmes/")
    assert card_targets("programmes/", art.select_one("ul.archive-cards")) == ["projects/clmh-research/"]
    children = section_after(art, "Projects in Community Learning Mental Health research 2015–17")
    assert card_targets("programmes/", children) == ["projects/rhifedd/", "projects/take-ten-people/"]
    prog = site.article("projects/clmh-research/")
    assert card_targets("projects/clmh-research/", section_after(prog, "Projects in this programme")) == [
        "projects/rhifedd/", "projects/take-ten-people/"]
    for child in ("take-ten-people", "rhifedd"):
        url = f"projects/{child}/"
        art = site.article(url)
        dt = next(d for d in art.select("dl.archive-facts dt") if text(d) == "Programme")
        assert goes_to(url, dt.find_next_sibling("dd").a) == "projects/clmh-research/"
    still = site.article("projects/still-active/")
    assert "Programme" not in [text(d) for d in still.select("dl.archive-facts dt")]


def test_home_page_counts_and_recent(site):
    art = site.article("")
    counts = [text(li) for li in art.select("ul.archive-counts li")]
    assert counts[0] == "5 projects (3 finished, 2 still running)"
    assert counts[1] == "1 programme"
    assert counts[2].startswith("3 resources (")
    assert counts[3] == "4 people and organisations"
    # by the day they ended, the latest first; the active ones apart, newest first (one ended in 2012 but says active)
    assert card_targets("", section_after(art, "Recently finished")) == [
        "projects/rhifedd/", "projects/take-ten-people/", "projects/hostile/"]
    assert card_targets("", section_after(art, "Still running")) == ["projects/clmh-research/", "projects/still-active/"]


# --------------------------------------------------------------------------- news


def test_home_page_counts_only_downloads_as_files(site):
    counts = [text(li) for li in site.article("").select("ul.archive-counts li")]
    assert counts[2] == "3 resources (3 files to download)"


def test_news_post_and_project_link_each_other(site):
    art = site.article("projects/take-ten-people/")
    [a] = section_after(art, "In the news").select("a")
    assert text(a) == "Archive launched with “Take Ten People”"
    post_url = goes_to("projects/take-ten-people/", a)
    assert re.fullmatch(r"news/2020/05/04/[a-z0-9-]+/", post_url), post_url
    post = site.article(post_url)
    assert text(post.find("h1")) == "Archive launched with “Take Ten People”"
    assert "Mentioned in this post" in [text(h) for h in post.find_all("h2")]
    linked = {goes_to(post_url, x) for x in section_after(post, "Mentioned in this post")
              .select('a[href]:not([href^="mailto:"])')}
    assert {"projects/take-ten-people/", "contacts/niace/", "resources/take-ten-people-pack/"} <= linked
    for url in ("contacts/niace/", "resources/take-ten-people-pack/"):
        [b] = section_after(site.article(url), "In the news").select("a")
        assert goes_to(url, b) == post_url
    assert "In the news" not in [text(h) for h in site.article("projects/rhifedd/").find_all("h2")]


# --------------------------------------------------------------------------- site-wide properties


def test_edit_links_point_at_the_yaml_record(site):
    for url, record in (("projects/take-ten-people/", "projects/take-ten-people.yml"),
                        ("contacts/catina-barrett/", "contacts/catina-barrett.yml"),
                        ("resources/rhifedd-report/", "resources/rhifedd-report.yml")):
        edits = site.html(url).select("a[rel~=edit]")
        assert len(edits) == 1
        assert edits[0]["href"] == f"https://github.com/example/project-resource-library/edit/main/{record}"
    [about] = site.html("about/").select("a[rel~=edit]")
    assert about["href"].endswith("/edit/main/docs/about.md")


def test_every_internal_link_resolves(site):
    broken, checked = broken_links(site)
    assert checked > 500
    assert broken == []


def test_record_text_never_becomes_script_or_javascript_links(site):
    for page in all_pages(site.site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        where = page.relative_to(site.site).as_posix()
        for script in soup.find_all("script"):
            if script.get("type") == "application/ld+json":  # data, not run: record text, with < > & escaped
                assert not re.search(r"[<>&]", script.get_text()), where
                continue
            assert "alert(" not in script.get_text(), where
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                assert not attr.lower().startswith("on"), (where, el)
                if attr in ("href", "src", "action", "formaction"):
                    v = "".join(ch for ch in str(value) if ch > " ").lower()
                    assert not v.startswith(("javascript:", "vbscript:", "data:text")), (where, el)
        art = soup.select_one("article")
        if art is not None:
            assert art.find("script") is None and art.find("img", src="x") is None, where
    art = site.article("projects/hostile/")
    assert text(art.find("h1")) == HOSTILE_TITLE
    body = text(section_after(art, "Heading <script>alert('heading')</script>"))
    assert "Body <script>alert('body')</script>" in body  # shown as text, not run
    assert "<a href=\"javascript:alert('raw')\">raw</a>" in body
    # (a Markdown link to javascript: is refused by validation: test_hostile; the renderer drops it as well:
    # test_properties.test_markdown_bodies_never_let_raw_html_through)
    assert section_after(art, "Heading <script>alert('heading')</script>").find("a") is None
    [link] = section_after(art, "Links").select("a")
    assert link["href"] == "https://example.org/?next=javascript:alert(1)"
    assert text(link) == "javascript:alert('link title')"
    assert html.unescape(site.html("projects/hostile/").title.get_text()).startswith(HOSTILE_TITLE)


def test_generated_pages_are_not_in_the_navigation(site):
    record_pages = {f"projects/{n}/" for n in ("take-ten-people", "rhifedd", "clmh-research", "still-active", "hostile")}
    record_pages |= {"contacts/catina-barrett/", "contacts/niace/", "resources/take-ten-people-pack/",
                     "themes/mental-health/", "regions/wales/"}
    for url in ("", "projects/take-ten-people/", "contacts/niace/", "themes/mental-health/"):
        nav = site.html(url).select_one("nav.md-nav--primary")
        assert nav is not None
        targets = {goes_to(url, a) for a in nav.select("a[href]") if target(url, a["href"])}
        assert {"projects/", "programmes/", "themes/", "regions/", "resources/", "contacts/"} <= targets
        assert not targets & record_pages, targets & record_pages


def test_search_index_has_titles_headings_names_and_documents(site):
    """Pagefind's page fragments (what a search result shows) hold each record's text."""
    import gzip

    fragments = {}
    for path in (site.site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        frag = json.loads(data[len(b"pagefind_dcd"):])
        fragments[frag["url"].strip("/") + "/"] = frag

    ttp = fragments["projects/take-ten-people/"]
    assert ttp["meta"]["title"] == TTP_TITLE
    # the finished banner is the same on every project: indexed, it would fill every result's excerpt
    assert "left it here for reference" not in ttp["content"]
    assert "Take Ten People" in ttp["content"]
    assert "What are we aiming to achieve?" in [a["text"] for a in ttp["anchors"]]
    assert fragments["contacts/catina-barrett/"]["meta"]["title"] == "Catina Barrett"
    pack = fragments["resources/take-ten-people-pack/"]["content"]
    assert "Toolbox" in pack and "Training pack" in pack
    assert fragments["projects/rhifedd/"]["meta"]["title"] == RHIFEDD_TITLE


def test_building_does_not_write_into_the_sources(built):
    archive, _, docs_before = built
    assert snapshot(archive.root / "docs") == docs_before


@pytest.fixture(scope="module")
def uncached(built) -> BuildResult:
    """The module's archive built a second time, into site2, with every page rendering everything
    (PROJARCHIVE_NAV_CACHE=0): one build for two checks, that two builds give the same bytes and that
    pages sharing rendered parts are what Material renders for each."""
    archive = built[0]
    result = archive.build("-d", str(archive.root / "site2"), env={"PROJARCHIVE_NAV_CACHE": "0"})
    assert result.ok, result.output
    return result


def test_build_is_deterministic(site, uncached):
    """Byte for byte, even with the shared rendering off in the second build (so a difference is either
    a build that is not deterministic or a shared part that is not what Material renders)."""
    a, b = snapshot(site.site), snapshot(uncached.site)
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []


# --------------------------------------------------------------------------- other configurations


SMALL = {
    "projects/only.yml": """
        title: Only project
        start: 2009-04-01
        end: 2010-03-31
        summary: The only one.
        resources: [pack]
        """,
    "resources/pack.yml": """
        title: Pack
        kind: toolkit
        files:
          - {file: pack/Toolbox #1.pdf, title: Toolbox}
        """,
}


@pytest.fixture(scope="module")
def custom_built(tmp_path_factory) -> tuple[Archive, BuildResult]:
    """A one-project archive with its own banner and a file name with '#'; the failed-build tests
    below start from copies of it, built."""
    archive = Archive(tmp_path_factory.mktemp("custom") / "archive")
    for rel, body in SMALL.items():
        archive.write(rel, body)
    archive.write("resources/pack.yml", SMALL["resources/pack.yml"].replace("pack/Toolbox #1.pdf", "'pack/Toolbox #1.pdf'"))
    archive.write_bytes("resources/pack/Toolbox #1.pdf", make_pdf(2))
    config = archive.root / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    changed = re.sub(r"(?m)^    banner: .*$", '    banner: "Archived: this work ended — kept for reference"', original)
    assert changed != original
    config.write_text(changed, encoding="utf-8")
    result = archive.build()
    assert result.ok, result.output
    return archive, result


@pytest.fixture(scope="module")
def custom(custom_built) -> BuildResult:
    return custom_built[1]


def test_banner_text_comes_from_mkdocs_yml(custom):
    art = custom.article("projects/only/")
    region = art.select_one('[role="region"]')
    assert text(art.find(id=region["aria-labelledby"])) == "Archived: this work ended — kept for reference"
    assert DEFAULT_BANNER not in text(art)


def test_download_link_works_for_a_file_name_with_hash(custom):
    art = custom.article("resources/pack/")
    [a] = art.select("li.archive-file .archive-attachment__title a")
    parts = urlsplit(urljoin("http://site.invalid/resources/pack/", a["href"]))
    assert parts.fragment == "" and parts.query == ""
    assert (custom.site / unquote(parts.path).lstrip("/")).is_file()


def test_home_counts_are_singular_for_one(custom):
    counts = [text(li) for li in custom.article("").select("ul.archive-counts li")]
    assert counts[0] == "1 project (1 finished)"
    assert counts[2] == "1 resource (1 file to download)"


def test_an_unknown_archive_option_fails_the_build(archive):
    for rel, body in SMALL.items():
        archive.write(rel, body.replace("pack/Toolbox #1.pdf", "pack/t.pdf"))
    archive.write_bytes("resources/pack/t.pdf", make_pdf(1))
    config = archive.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("    recent: 5", "    recnet: 5"), encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index("    recnet: 5") + 1
    result = archive.build()
    assert not result.ok
    assert (f"mkdocs.yml:{line}:13: error: extra.archive.recnet: unknown option 'recnet'; did you mean 'recent'? "
            "the options are banner, recent, personal_details_years, accessible_format_email, per_page"
            ) in result.output.splitlines(), result.output
    assert "Nothing was built (there is no site in" in result.output and "Traceback" not in result.output
    assert not (archive.root / "site").exists()


# --------------------------------------------------------------------------- failed builds


def good_small_build(custom_built: tuple[Archive, BuildResult], tmp_path: Path) -> tuple[Archive, dict[str, bytes]]:
    """This test's own copy of the small archive, with the site its good build wrote (``custom``)."""
    source, first = custom_built
    assert first.ok, first.output
    archive = source.copy(tmp_path / "archive")
    assert (archive.root / "site/projects/only/index.html").is_file()
    return archive, snapshot(archive.root / "site")


def test_a_bad_record_fails_the_build_and_leaves_the_site(custom_built, tmp_path):
    archive, before = good_small_build(custom_built, tmp_path)
    archive.write("projects/only.yml", """
        title: Only project
        start: 2009-04-01
        end: 2009-03-01
        summary: The only one.
        resources: [pakc]
        """)
    archive.write("contacts/bob.yml", "kind: person\nname: Bob\nemail: bob@\n")
    result = archive.build()
    assert result.returncode != 0
    lines = result.output.splitlines()
    expected = [
        "contacts/bob.yml:3:8: error: email: 'bob@' is not an email address (expected name@example.org)",
        "projects/only.yml:3:6: error: end: end date 2009-03-01 is before start date 2009-04-01",
        "projects/only.yml:5:13: error: resources[0]: no resource with id 'pakc'; did you mean 'pack'?",
        "3 errors in 2 files; nothing was built and the previous site was left as it was.",
    ]
    start = next(i for i, ln in enumerate(lines) if ln == expected[0])
    assert lines[start:start + 4] == expected, result.output
    assert "Traceback" not in result.output
    assert snapshot(archive.root / "site") == before
    assert not (archive.root / "site.building").exists()


def test_a_failure_late_in_the_build_also_leaves_the_site(custom_built, tmp_path):
    archive, before = good_small_build(custom_built, tmp_path)
    archive.write("docs/about.md", "# About\n\nSee [a page that is not there](missing.md).\n")
    result = archive.build()
    assert result.returncode != 0
    assert "missing.md" in result.output
    assert snapshot(archive.root / "site") == before
    assert not (archive.root / "site.building").exists()
    # and the next good build replaces it
    archive.write("docs/about.md", "# About\n\nFixed “now”.\n")
    again = archive.build()
    assert again.ok, again.output
    assert text(again.article("about/")) .endswith("Fixed “now”.")


# --------------------------------------------------------------------------- shared navigation (issue #4)


def test_pages_sharing_rendered_parts_are_exactly_what_material_renders_for_each(site, uncached):
    """Record pages reuse one rendering per folder of the parts that do not depend on the page
    (tabs, navigation, header, styles, scripts, config, footer: main.html, render.SharedParts,
    pages.shared_nav_key). Built again with every page rendering everything, no page differs."""
    uncached = uncached.site

    def normalised(path: Path) -> str:  # the same HTML up to whitespace between tags
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", path.read_text(encoding="utf-8")))

    pages = [p.relative_to(site.site) for p in all_pages(site.site)]
    assert pages == [p.relative_to(uncached) for p in all_pages(uncached)]
    folders = {p.parts[0] for p in pages if len(p.parts) == 3 and p.parts[0] in ("projects", "contacts", "resources")}
    assert len(folders) == 3  # record pages in three folders at the same depth: links differ between them
    for rel in pages:
        assert normalised(site.site / rel) == normalised(uncached / rel), rel
        soup = site.soup(site.site / rel)  # parsed once, shared with the other tests
        if rel.name != "404.html":
            assert soup.select_one("nav.md-tabs") and soup.select_one(".md-sidebar--primary nav.md-nav--primary"), rel
        assert soup.select_one("header.md-header .md-logo") and soup.select_one("#__config"), rel
