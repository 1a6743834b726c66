"""Project and document pages people would rather look at than read (issue #13).

One fixture archive, built once for the module: a finished project with a toolkit of two PDFs,
a report of three pages, an external resource, three places (two at the same spot), money
outputs, record links in its text, and an organisation that is both its contact and its lead;
beside it, a programme of two pilots with a note instead of places.
Each test reads the built HTML (BeautifulSoup) or the files beside it; the pure rules (saved
names, number formats, licences, calls to action) are tested directly.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import struct
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import Archive, BuildResult, make_pdf, target, text

from projarchive import maps
from projarchive.catalogue import load_catalogue
from projarchive.figures import format_figure, locale_for
from projarchive.licences import lookup
from projarchive.problems import ArchiveError
from projarchive.products import THUMB_WIDTH, render_first_page, saved_name
from projarchive.textlinks import dead_promises, record_links

PROJECT = "projects/pack-project/"
SITES = [("Q Training Ltd", "Rackheath", "52.66", "1.37"), ("Braintree Enterprise Agency", "Braintree", "51.88", "0.55"),
         ("CTS Ltd", "Braintree", "51.88", "0.55")]

RECORDS = {
    "contacts/org.yml": """
        kind: organisation
        name: Northern Training Trust
        address: [1 Mill Lane, Leeds, LS1 1AA]
        url: https://example.org/ntt
        """,
    "projects/pack-project.yml": """
        title: "A very long project title about integrating employment, learning and skills for people who have experience of mental health difficulties in three regions"
        short_title: Pack project
        start: 2009-04-01
        end: 2010-03-31
        status: finished
        summary: A project with a toolkit.
        organisations:
          - {id: org, role: Lead organisation}
        contacts:
          - {id: org}
        sections:
          - heading: First
            body: |
              Get [the pack](resource:pack) or [Download the report](download:report).

              ![Cover of the report, as published](resource:report)

              Then [use the map](#map) to see where.
          - heading: Second
            body: |
              Long text.
        outputs:
          - {measure: LSIS contribution, achieved: 25000, unit: GBP}
          - {measure: LSIS contribution per organisation, achieved: 1785.71, unit: GBP}
          - {measure: Share of learners, target: 50, achieved: 62.5, unit: percent}
          - {measure: People trained, target: 1200, achieved: "1,350"}
        sites:
        """ + "".join(f"""
          - {{name: {n}, town: {t}, lat: {la}, lon: {lo}}}""" for n, t, la, lo in SITES) + """
        resources: [pack, report, ext]
        """,
    "resources/pack.yml": """
        title: The toolkit
        kind: toolkit
        licence: ogl-3.0
        files:
          - {file: pack/toolbox.pdf, title: Toolbox}
          - {file: pack/training-pack.pdf, title: Training pack}
        """,
    "resources/report.yml": """
        title: The report
        kind: report
        published: 2010-03
        files:
          - {file: report/final-report.pdf, title: Final report}
        """,
    "resources/ext.yml": """
        title: A page elsewhere
        kind: report
        url: https://www.gov.uk/government/publications/x
        """,
    # a programme of two pilots, with a note instead of places
    "projects/prog.yml": """
        title: A programme
        kind: programme
        start: 2015-04
        end: 2017-07
        summary: Pilots.
        sites_note: The providers' places were not captured.
        """,
    "projects/pilot-1.yml": """
        title: Pilot 1
        programme: prog
        start: 2015-04
        end: 2017-07
        summary: A pilot.
        """,
    "projects/pilot-2.yml": """
        title: Pilot 2
        programme: prog
        start: 2015-04
        end: 2017-07
        summary: A pilot.
        """,
}
PDFS = {"pack/toolbox.pdf": make_pdf(2, "Toolbox"), "pack/training-pack.pdf": make_pdf(1, "Training"),
        "report/final-report.pdf": make_pdf(3, "Report")}


def write(archive: Archive) -> None:
    for rel, body in RECORDS.items():
        archive.write(rel, body)
    for rel, data in PDFS.items():
        archive.write_bytes(f"resources/{rel}", data)


@pytest.fixture(scope="module")
def built(module_archive: Archive) -> tuple[Archive, BuildResult]:
    write(module_archive)
    result = module_archive.build()
    assert result.ok, result.output
    return module_archive, result


@pytest.fixture(scope="module")
def site(built) -> BuildResult:
    return built[1]


def goes_to(from_url: str, href: str) -> str:
    found = target(from_url, href)
    assert found is not None, href
    return found[0]


# --------------------------------------------------------------------------- the first screen


def test_key_facts_and_every_download_come_before_the_sections(site):
    art = site.article(PROJECT)
    box = art.select_one(".archive-keyfacts")
    first_section = art.find("h2", id="first")
    assert box is not None and first_section is not None
    assert first_section in box.find_all_next("h2")  # the box is above the original sections
    facts = {text(dt_): text(dt_.find_next_sibling("dd")) for dt_ in box.select("dl dt")}
    assert facts["Dates"] == "1 April 2009 – 31 March 2010" and facts["Status"] == "Finished"
    assert facts["Led by"] == "Northern Training Trust"
    assert text(box.select_one(".archive-keyfacts__heading a")) == "Documents (3)"
    assert box.select_one(".archive-keyfacts__heading a")["href"] == "#documents"
    downloads = {(a["href"] if "://" in a["href"] else goes_to(PROJECT, a["href"])): (a.get("download"), text(a))
                 for a in box.select(".archive-keyfacts__download a")}
    assert downloads["downloads/pack.zip"][0] == "pack.zip"
    assert downloads["downloads/pack.zip"][1].startswith("Download all of “The toolkit” (ZIP, ")
    assert downloads["downloads/pack.zip"][1].endswith(", 2 files)")
    assert downloads["files/report/final-report.pdf"][0] == "report-final-report.pdf"
    assert "https://www.gov.uk/government/publications/x" in downloads
    # where it worked is one click away too: the map and the table of places
    places = box.find("dt", string="Places").find_next_sibling("dd").a
    assert text(places) == "3 places, on a map" and places["href"] == "#map" and art.find(id="map")


def test_a_programme_key_facts_count_its_projects_and_say_where_its_places_are(site):
    art = site.article("projects/prog/")
    facts = {text(dt_): dt_.find_next_sibling("dd") for dt_ in art.select(".archive-keyfacts dl dt")}
    assert text(facts["Projects"]) == "2 projects in this programme"
    assert facts["Projects"].a["href"] == "#" + art.find("h2", string="Projects in this programme")["id"]
    assert text(facts["Places"]) == "Not known: see the note" and facts["Places"].a["href"] == "#map"


def test_finished_banner_is_its_own_band_with_an_icon(site):
    art = site.article(PROJECT)
    banner = art.select_one("section.archive-banner[role=region]")
    assert banner is not None and banner.select_one("svg.archive-banner__icon[aria-hidden=true]")
    assert art.find("h1").find_next_sibling() is banner
    assert "It ended on 31 March 2010." in text(banner)


# --------------------------------------------------------------------------- documents


def test_documents_are_listed_as_attachments_with_thumbnail_facts_and_saved_name(site):
    art = site.article(PROJECT)
    items = art.select("#documents ~ .archive-resource li.archive-attachment")
    titles = [text(li.select_one(".archive-attachment__title a")) for li in items]
    assert titles == ["Toolbox", "Training pack", "Final report", "A page elsewhere"]
    toolbox = items[0].select_one(".archive-attachment__title a")
    assert toolbox["download"] == "pack-toolbox.pdf"  # a name that says what it is, not a bare toolbox.pdf
    assert text(art.find(id=toolbox["aria-describedby"])).startswith("PDF, ") and \
        text(art.find(id=toolbox["aria-describedby"])).endswith(", 2 pages")
    assert items[0].select_one(".archive-attachment__thumbnail img")["alt"] == ""  # the title says it all
    # no doubled brackets: the link's text is the title alone
    assert "(" not in text(toolbox)
    # accessible formats: only for what the archive holds
    requests = [text(p.find_previous_sibling("ul", class_="archive-files").select_one(".archive-attachment__title"))
                for p in art.select("p.archive-request-format")]
    assert requests == ["Toolbox", "Final report"]  # one for each resource whose files the archive holds


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a PNG as products.png writes it (8-bit RGB, filter 0)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2)
    pos, idat = 8, b""
    while pos < len(data):
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 3 + 1
    assert all(raw[y * stride] == 0 for y in range(height))
    return width, height, b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(height))


def test_the_thumbnail_is_a_picture_of_the_pdfs_first_page(built, site):
    archive, _ = built
    art = site.article("resources/report/")
    img = art.select_one("li.archive-attachment .archive-attachment__thumbnail img")
    png = site.site / goes_to("resources/report/", img["src"])
    width, height, pixels = png_pixels(png.read_bytes())
    assert (int(img["width"]), int(img["height"])) == (width // 2, height // 2)
    pdf = str(archive.root / "resources/report/final-report.pdf")
    assert render_first_page(pdf, THUMB_WIDTH) == (width, height, pixels)
    # and not of another page: page 2 of the same PDF says "Report page 2"
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    second = doc[1].render(scale=width / doc[1].get_size()[0], rev_byteorder=True).buffer
    doc.close()
    assert bytes(second)[:len(pixels)] != pixels
    assert len(set(pixels)) > 2  # not a blank page: there is text on it


def test_the_zip_holds_every_file_unchanged_and_two_builds_give_the_same_bytes(site, tmp_path):
    data = (site.site / "downloads/pack.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == ["pack/pack-toolbox.pdf", "pack/pack-training-pack.pdf"]
        assert z.read("pack/pack-toolbox.pdf") == PDFS["pack/toolbox.pdf"]
        assert z.read("pack/pack-training-pack.pdf") == PDFS["pack/training-pack.pdf"]
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in z.infolist()} == {0o100644}
    thumbs = {p.name: p.read_bytes() for p in (site.site / "thumbnails").iterdir()}
    # a second build from nothing (no cache): the same ZIP and the same pictures, byte for byte
    copy = Archive(tmp_path / "again")
    write(copy)
    again = copy.build()
    assert again.ok, again.output
    assert (again.site / "downloads/pack.zip").read_bytes() == data
    assert {p.name: p.read_bytes() for p in (again.site / "thumbnails").iterdir()} == thumbs


def test_the_resource_page_has_checksums_licence_by_name_and_download_all(site):
    url = "resources/pack/"
    art = site.article(url)
    licence = next(dd for dd in art.select("dl.archive-facts dt") if text(dd) == "Licence").find_next_sibling("dd")
    assert text(licence) == "Open Government Licence v3.0"
    assert licence.a["href"] == "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    sums = [text(p) for p in art.select(".archive-attachment__checksum")]
    import hashlib

    assert sums[0] == f"Saved as pack-toolbox.pdf. SHA-256 checksum: {hashlib.sha256(PDFS['pack/toolbox.pdf']).hexdigest()}"
    button = art.select_one(".archive-download-all a")
    assert goes_to(url, button["href"]) == "downloads/pack.zip" and button["download"] == "pack.zip"
    no_licence = site.article("resources/report/")
    assert "Not stated" in text(next(dd for dd in no_licence.select("dl.archive-facts dt")
                                     if text(dd) == "Licence").find_next_sibling("dd"))


def test_the_exports_list_the_zip(site):
    rows = {r["id"]: r for r in json.loads((site.site / "api/resources.json").read_text(encoding="utf-8"))}
    assert rows["pack"]["zip"]["url"] == "https://example.org/archive/downloads/pack.zip"
    assert rows["pack"]["zip"]["bytes"] == (site.site / "downloads/pack.zip").stat().st_size
    assert rows["report"]["zip"] is None
    assert rows["pack"]["licence"] == "OGL-UK-3.0"
    header = (site.site / "api/resources.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "zip" in header.split(",")


# --------------------------------------------------------------------------- links in section text


def test_record_links_in_section_text_lead_to_the_real_things(site):
    art = site.article(PROJECT)
    first = art.find("h2", id="first")
    body = first.find_next_sibling("p")
    links = {text(a): a for a in body.select("a")}
    assert goes_to(PROJECT, links["the pack"]["href"]) == "resources/pack/"
    assert goes_to(PROJECT, links["Download the report"]["href"]) == "files/report/final-report.pdf"
    assert links["Download the report"]["download"] == "report-final-report.pdf"
    figure = art.select_one("figure.archive-docfigure")
    assert text(figure.figcaption) == "Cover of the report, as published"
    assert goes_to(PROJECT, figure.img["src"]).startswith("thumbnails/")
    [to_map] = [a for a in art.select("a") if text(a) == "use the map"]
    assert to_map["href"] == "#map" and art.find(id="map") is not None


def check(tmp_path: Path, project_body: str, extra: dict[str, str] | None = None) -> list[str]:
    """Load a one-project archive whose first section has ``project_body``; every problem as text."""
    a = Archive(tmp_path / "a")
    a.write("projects/p.yml", "title: P\nstart: 2010\nsummary: S.\nsections:\n  - heading: H\n    body: |\n"
            + "".join(f"      {line}\n" if line else "\n" for line in project_body.splitlines()))
    for rel, body in (extra or {}).items():
        a.write(rel, body)
    try:
        load_catalogue(str(a.root), build_date=dt.date(2026, 1, 1))
    except ArchiveError as e:
        return str(e).splitlines()
    return []


def test_an_unknown_record_link_is_an_error_at_its_line_and_column(tmp_path):
    problems = check(tmp_path, "Intro.\n\nSee [the pack](resource:pak) here.")
    assert problems[0] == ("projects/p.yml:9:11: error: sections[0].body: link [the pack](resource:pak): "
                           "no resource with id 'pak'; create resources/pak.yml")


def test_a_promise_of_a_download_or_a_map_without_a_link_is_an_error(tmp_path):
    problems = check(tmp_path, "Download 'Delivery methods' infographic PDF\n\nUse the map to find them.\n\n"
                               "> Include web links if available; click here.")
    assert len(problems) == 3, problems  # two errors and the closing line; a quoted form prompt is not one
    assert problems[0].startswith("projects/p.yml:7:7: error: sections[0].body: 'Download' promises something")
    assert problems[1].startswith("projects/p.yml:9:7: error: sections[0].body: 'Use the map' promises")
    assert check(tmp_path / "2", "[Download the PDF](download:r)", {"resources/r.yml": "title: R\nkind: report\n"
                                                                    "url: https://example.org/r\n"}) == []


def test_a_link_to_the_map_needs_places_or_a_note(tmp_path):
    problems = check(tmp_path, "Then [use the map](#map).")
    assert "links to the map (#map), but this project has no 'sites'" in problems[0]


def test_a_currency_in_the_measure_asks_for_a_unit(tmp_path):
    a = Archive(tmp_path / "a")
    a.write("projects/p.yml", "title: P\nstart: 2010\nsummary: S.\noutputs:\n"
                              "  - {measure: LSIS contribution (£), achieved: 25000}\n"
                              "  - {measure: Spent (£), achieved: 5, unit: GBP}\n")
    with pytest.raises(ArchiveError) as e:
        load_catalogue(str(a.root), build_date=dt.date(2026, 1, 1))
    assert str(e.value).splitlines()[:-1] == [(
        "projects/p.yml:5:15: error: outputs[0].measure: '(£)' in the measure: remove it and write 'unit: GBP' "
        "instead, so the numbers are shown as money or a percentage in the site's language")]


def test_an_unknown_licence_is_an_error_naming_the_close_one(tmp_path):
    a = Archive(tmp_path / "a")
    a.write("resources/r.yml", "title: R\nkind: report\nlicence: CC-BY-4\nurl: https://example.org/r\n")
    with pytest.raises(ArchiveError) as e:
        load_catalogue(str(a.root), build_date=dt.date(2026, 1, 1))
    assert "resources/r.yml:3:10: error: licence: 'CC-BY-4' is not a licence id we know; did you mean " \
           "'CC-BY-4.0'?" in str(e.value)


# --------------------------------------------------------------------------- maps


def test_the_map_has_one_labelled_linked_pin_per_site_drawn_here(site):
    art = site.article(PROJECT)
    section = art.find(id="map")
    svg = art.select_one("figure.archive-map svg")
    assert section is not None and svg is not None and svg.find_previous("h2") is section
    pins = svg.select("a.archive-map__pin")
    # named by place and town (a town already in the name is not said twice)
    assert [p["aria-label"] for p in pins] == ["1: Q Training Ltd, Rackheath", "2: Braintree Enterprise Agency",
                                               "3: CTS Ltd, Braintree"]
    assert [text(p.find("text")) for p in pins] == ["1", "2", "3"]
    for i, pin in enumerate(pins, 1):
        assert pin["href"] == f"#site-{i}" and art.find("tr", id=f"site-{i}") is not None
    assert len(svg.select("line.archive-map__leader")) == 1  # the second pin at one spot is moved aside
    assert not svg.select("image, use, [href^=http], [src]")  # nothing loaded from anywhere
    assert svg.select("path.archive-map__land")
    locator = svg.select_one("g.archive-map__locator[aria-hidden=true]")  # East Anglia, placed in Britain
    assert locator is not None and locator.select("path") and locator.select_one("rect.archive-map__frame")


def test_a_crowded_map_keeps_each_pin_near_its_places_and_every_place_on_a_pin():
    """A programme of 60 sites across Wales: pins that cannot stand apart near their place share one
    (named by all its places, labelled by their numbers) instead of drifting across the map."""
    rng = random.Random(5)
    towns = [(51.48, -3.18), (51.62, -3.94), (53.23, -4.13), (52.41, -4.08), (53.05, -3.0)]
    places = [maps.Place(n, f"Site {n}", towns[n % 5][0] + rng.uniform(-.2, .2), towns[n % 5][1] + rng.uniform(-.2, .2),
                         f"#site-{n}") for n in range(1, 61)]
    drawn = maps.draw(places)
    on_pins = sorted(p.number for pin in drawn.pins for p in pin.places)
    assert on_pins == list(range(1, 61))  # every place on exactly one pin
    scale = drawn.width / ((drawn.frame[2] - drawn.frame[0]) * maps.COS)
    for pin in drawn.pins:
        for p in pin.places:
            x, y = (p.lon - drawn.frame[0]) * maps.COS * scale, (drawn.frame[3] - p.lat) * scale
            assert ((pin.x - x) ** 2 + (pin.y - y) ** 2) ** .5 <= maps.MAX_SHIFT + maps.NEAR, (pin, p)
        assert pin.name == "; ".join(f"{p.number}: {p.name}" for p in pin.places)
    shared = [pin for pin in drawn.pins if len(pin.places) > 1]
    assert shared and len(drawn.pins) < 60
    two = next(pin for pin in shared if len(pin.places) == 2) if any(len(p.places) == 2 for p in shared) else None
    if two:
        assert two.label == ", ".join(str(p.number) for p in two.places)
    many = max(shared, key=lambda pin: len(pin.places))
    assert len(many.places) > 2 and many.label == f"{many.places[0].number} +{len(many.places) - 1}"
    for a in drawn.pins:  # and no two pins overlap
        for b in drawn.pins:
            if a is not b:
                assert ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** .5 >= maps.NEAR - 0.2


def test_a_map_of_a_small_area_shows_where_it_is_in_britain():
    """One site in Cardiff: the map is a close-up, so a small outline of Britain and Ireland in a
    corner free of pins marks the area shown; a map of the whole outline needs none."""
    drawn = maps.draw([maps.Place(1, "Cardiff", 51.48, -3.18, "#site-1")])
    loc = drawn.locator
    assert loc is not None and loc.land
    x, y, w, h = loc.box  # where the locator is drawn on the map, clear of the pin
    pin = drawn.pins[0]
    assert 0 <= x and x + w <= drawn.width and 0 <= y and y + h <= drawn.height
    assert not (x - maps.PIN_RADIUS <= pin.x <= x + w + maps.PIN_RADIUS and y - maps.PIN_RADIUS <= pin.y <= y + h + maps.PIN_RADIUS)
    fx, fy, fw, fh = loc.frame  # the area shown, inside the locator, around Cardiff
    assert x <= fx and fx + fw <= x + w and y <= fy and fy + fh <= y + h and fw < w / 3
    assert maps.draw([], whole=True).locator is None


def test_the_browse_page_maps_every_project(site):
    art = site.article("browse/")
    pins = art.select("#overview-map-title ~ a.archive-map__pin, svg a.archive-map__pin")
    assert pins and all(p["href"].startswith("../projects/") or p["href"].startswith("#place-") for p in pins)
    assert sum(int(text(p.find("text"))) for p in pins) >= 1
    listed = [goes_to("browse/", a["href"]) for a in art.select("details.archive-places a")]
    assert PROJECT in listed


# --------------------------------------------------------------------------- contacts, numbers, orientation


def test_a_contact_with_two_roles_on_one_project_appears_once(site):
    art = site.article("contacts/org/")
    rows = art.select("#projects ~ table tbody tr")
    assert len(rows) == 1
    assert text(rows[0].select("td")[1]) == "Lead organisation"
    card = next(li for li in site.article(PROJECT).select("li.archive-contact") if "Northern" in text(li))
    assert "1 Mill Lane Leeds LS1 1AA" in text(card) and card.select_one("a[href='https://example.org/ntt']")


def test_money_and_numbers_are_formatted_for_the_language_and_right_aligned(site):
    art = site.article(PROJECT)
    rows = {text(tr.th): [td for td in tr.select("td")] for tr in art.select("table.archive-outputs tbody tr")}
    assert text(rows["LSIS contribution"][1]) == "£25,000"
    assert text(rows["LSIS contribution per organisation"][1]) == "£1,785.71"
    assert [text(td) for td in rows["Share of learners"][:2]] == ["50%", "62.5%"]
    assert [text(td) for td in rows["People trained"][:2]] == ["1,200", "1,350"]
    assert all("archive-num" in td["class"] for td in rows["People trained"][:2])
    assert all(td.get("data-label") for td in rows["People trained"])  # labels for the stacked phone layout


def test_breadcrumbs_and_the_highlighted_tab_on_generated_pages(site):
    for url, trail, tab in ((PROJECT, ["Home", "Projects", "Pack project"], "Projects"),
                            ("resources/pack/", ["Home", "Resources", "The toolkit"], "Resources"),
                            ("contacts/org/", ["Home", "Contacts", "Northern Training Trust"], "Contacts")):
        page = site.html(url)
        crumbs = page.select_one("article nav.archive-breadcrumbs[aria-label=Breadcrumb]")
        assert [text(li) for li in crumbs.select("li")] == trail
        assert crumbs.select("li")[-1]["aria-current"] == "page"
        assert goes_to(url, crumbs.a["href"]) == ""
        assert [text(t) for t in page.select(".md-tabs__item--active")] == [tab]
        # the left column shows the part of the site the page belongs to
        assert page.select(".md-sidebar--primary .md-nav__item--active")


def test_cite_this_gives_a_reference_and_three_files(site):
    art = site.article(PROJECT)
    cite = art.find("h2", id="cite")
    assert text(cite) == "Cite this project"
    reference = text(art.select_one(".archive-cite__text"))
    assert reference.startswith("Northern Training Trust (2010) A very long project title")
    assert reference.endswith("Available at: https://example.org/archive/projects/pack-project/")
    files = {text(a).removesuffix(" file"): site.site / goes_to(PROJECT, a["href"])
             for a in art.select(".archive-cite__files a")}
    assert set(files) == {"CSL-JSON", "BibTeX", "RIS"}
    [item] = json.loads(files["CSL-JSON"].read_text(encoding="utf-8"))
    assert item["author"] == [{"literal": "Northern Training Trust"}] and item["issued"] == {"date-parts": [[2010, 3, 31]]}
    bib = files["BibTeX"].read_text(encoding="utf-8")
    assert bib.startswith("@misc{pack-project,") and "author = {{Northern Training Trust}}" in bib
    ris = files["RIS"].read_bytes().decode("utf-8").split("\r\n")
    assert ris[0] == "TY  - ELEC" and "AU  - Northern Training Trust" in ris and ris[-2] == "ER  - "
    assert site.article("resources/report/").find("h2", id="cite") is not None


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize("rel, name", [
    ("take-ten-people/toolbox.pdf", "take-ten-people-toolbox.pdf"),
    ("lsc-data/lsc-data.pdf", "lsc-data.pdf"),
    ("a/b/report.pdf", "a-b-report.pdf"),
    ("report.pdf", "report.pdf"),
])
def test_saved_names(rel, name):
    assert saved_name(rel) == name


@pytest.mark.parametrize("value, unit, language, shown", [
    ("25000", "GBP", "en", "£25,000"), ("1785.71", "GBP", "en", "£1,785.71"), ("93.63", "GBP", None, "£93.63"),
    ("1200", None, "en", "1,200"), ("12.5", "percent", "en", "12.5%"), ("25000.5", "EUR", "fr", "25\u202f000,50\u00a0€"),
    ("0.10", None, "en", "0.10"), ("1234567.5", "EUR", "en", "€1,234,567.50"), ("0.125", "GBP", "en", "£0.125"),
    ("12.5", None, "en", "12.5"),
])
def test_numbers_follow_the_site_language_and_keep_their_decimals(value, unit, language, shown):
    """Nothing rounded, nothing invented; money with pence shows both digits (£1.50, never £1.5)."""
    assert format_figure(Decimal(value), unit, locale_for(language)) == shown


def test_licences_are_found_by_spdx_id_in_any_capitals():
    assert lookup("OGL-3.0").id == lookup("ogl-uk-3.0").id == "OGL-UK-3.0"
    assert lookup("cc-by-4.0").name == "Creative Commons Attribution 4.0 International"
    assert lookup("CC-BY-4") is None


def test_what_counts_as_a_promise_and_as_a_record_link():
    assert [w for _, w in dead_promises("Download the PDF\n\nClick pins for more\n\nA downloaded file.")] == \
        ["Download", "Click"]
    assert dead_promises("[Download](download:x)\n\nsee <https://example.org> and click") == []
    assert [(link.scheme, link.id, link.image) for link in record_links("![a [b]](resource:x) [c](contact:y)")] == \
        [("resource", "x", True), ("contact", "y", False)]


def test_dates_follow_the_site_language():
    from projarchive.dates import date_range, parse_date

    day, month = parse_date("2019-09-05", allow_partial=True), parse_date("2017-08", allow_partial=True)
    assert day.human() == day.human("en_GB") == "5 September 2019"
    assert (day.human("cy"), month.human("cy"), month.human("fr")) == ("5 Medi 2019", "Awst 2017", "août 2017")
    assert date_range(month, day, "cy") == "Awst 2017 – 5 Medi 2019"


def test_the_news_post_date_is_written_as_every_other_date(sample):
    art = sample.article("news/2019/09/05/interim-evaluation-of-career-learning-pilots/")
    page = sample.html("news/2019/09/05/interim-evaluation-of-career-learning-pilots/")
    dates = [text(t) for t in page.select("time")]
    assert "5 September 2019" in dates and "September 5, 2019" not in text(page)
    slides = next(a for a in art.select("a") if text(a).startswith("Here’s a set of ppt slides"))
    assert goes_to("news/2019/09/05/interim-evaluation-of-career-learning-pilots/", slides["href"]) == \
        "resources/national-retraining-scheme-slides/"


def test_the_sample_calls_to_action_lead_somewhere(sample):
    url = "projects/clmh-research-2015-17/"
    art = sample.article(url)
    links = {text(a): a["href"] for a in art.select("a")}
    assert links["Click pins for more information and to go to web pages"] == "#map"
    assert links["use the map"] == "#map"
    assert "not captured" in text(art.select_one(".archive-sites-note"))
    for name in ("Delivery methods", "Working With"):
        href = links[f"Download '{name}' infographic PDF"]
        assert (sample.site / goes_to(url, href)).is_file() and href.endswith(".pdf")
    assert len(art.select("figure.archive-docfigure img")) == 2


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def sample_root(sample, tmp_path_factory) -> Path:
    from conftest import host_at_site_path

    assert sample.ok, sample.output
    return host_at_site_path(sample.site, tmp_path_factory.mktemp("host13"))


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1280, 900), (375, 740)])
def test_the_toolkit_is_one_click_from_the_first_screen(sample_root, browser, serve, width, height):
    """Take Ten People's pack and the Q Training report: their first download link is on the first
    screen (and within 1,200 px at 1280 px), and Download all saves the pack under its own name."""
    from conftest import SITE_PATH

    base = serve(sample_root) + SITE_PATH
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    for url in ("projects/take-ten-people/", "projects/embedding-learning-in-everyday-activity/"):
        page.goto(base + url, wait_until="load")
        first = page.locator("article a[download]").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= min(height, 1200), (url, box)
    page.goto(base + "projects/take-ten-people/", wait_until="load")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download all of “Take Ten People resource pack” (ZIP", exact=False).first.click()
    assert info.value.suggested_filename == "take-ten-people-pack.zip"
    context.close()


@pytest.mark.browser
def test_map_pins_are_links_a_keyboard_reaches_and_nothing_leaves_the_host(sample_root, browser, serve):
    from urllib.parse import urlsplit

    from conftest import SITE_PATH

    base = serve(sample_root) + SITE_PATH
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname not in ("127.0.0.1", None)
            and urlsplit(r.url).scheme in ("http", "https") else None)
    for url in ("projects/embedding-learning-in-everyday-activity/", "browse/"):
        page.goto(base + url, wait_until="networkidle")
    page.goto(base + "projects/embedding-learning-in-everyday-activity/", wait_until="networkidle")
    pins = page.locator("svg a.archive-map__pin")
    assert pins.count() == 6
    pins.first.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "1: Q Training Ltd, Rackheath"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#site-1'")
    page.close()
    assert outside == []


@pytest.mark.browser
def test_a_table_wider_than_a_phone_says_it_scrolls_sideways(sample_root, browser, serve):
    """Tables written in Markdown (the maintainer guide's, or a section's) cannot stack as the
    archive's own tables do: where one scrolls sideways, a visible line above it says so; where
    it fits, there is none."""
    from conftest import SITE_PATH

    base = serve(sample_root) + SITE_PATH
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(base + "maintainers/", wait_until="load")
    page.wait_for_selector(".md-typeset__scrollwrap[role=region]")
    found = page.evaluate("""() => [...document.querySelectorAll('.md-typeset__scrollwrap')].map(w => {
        const cue = w.previousElementSibling;
        const shown = cue && cue.classList.contains('archive-scroll-cue') && cue.offsetHeight > 0;
        return [w.scrollWidth > w.clientWidth + 1, shown ? cue.textContent : null]; })""")
    assert any(scrolls for scrolls, _ in found)
    for scrolls, cue in found:
        assert (cue == "Scroll sideways to see the whole table →") if scrolls else cue is None, found
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("""() => [...document.querySelectorAll('.md-typeset__scrollwrap')].every(w =>
        (w.scrollWidth > w.clientWidth + 1) === !!(w.previousElementSibling
          && w.previousElementSibling.classList.contains('archive-scroll-cue')))""")
    page.close()
