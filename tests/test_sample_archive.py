"""The repository's own sample archive builds cleanly and shows what its records say.

The ``sample`` fixture (conftest.py) builds a copy of the repository's site sources in a
temporary folder, once per test session.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import FOLDERS, REPO, broken_links, target, text
from pypdf import PdfReader

from projarchive.files import human_size


def test_sample_builds_strictly_without_warnings(sample):
    assert sample.ok, sample.output
    assert "WARNING" not in sample.output, sample.output
    assert "ERROR" not in sample.output, sample.output


def test_every_record_file_has_its_page(sample):
    assert sample.ok, sample.output
    missing = []
    for folder in FOLDERS:
        for record in sorted((REPO / folder).glob("*.yml")):
            page = sample.site / folder / record.stem / "index.html"
            if not page.is_file():
                missing.append(f"{folder}/{record.name}")
    assert missing == []


def test_every_internal_link_in_the_sample_resolves(sample):
    assert sample.ok, sample.output
    broken, checked = broken_links(sample)
    assert checked > 0
    assert broken == []


def _article(sample, url):
    path = sample.site / url / "index.html"
    if not path.is_file():
        pytest.fail(f"{url} was not built")
    art = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article.md-content__inner")
    assert art is not None
    return art


def _section(article, heading):
    h2 = next((h for h in article.find_all("h2") if text(h) == heading), None)
    assert h2 is not None, [text(h) for h in article.find_all("h2")]
    parts = []
    for sib in h2.find_next_siblings():
        if sib.name == "h2":
            break
        parts.append(str(sib))
    return BeautifulSoup("".join(parts), "html.parser")


def test_take_ten_people_has_the_finished_banner(sample):
    art = _article(sample, "projects/take-ten-people")
    [region] = art.select('[role="region"][aria-labelledby]')
    banner = (yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8")).get("extra", {})
              .get("archive", {}).get("banner"))
    label = art.find(id=region["aria-labelledby"])
    assert label is not None
    if banner:
        assert text(label) == banner
    assert region.find("time") is not None and "It ended" in text(region)


def test_take_ten_people_documents_have_real_formats_and_page_counts(sample):
    url = "projects/take-ten-people/"
    art = _article(sample, url)
    files = {}
    for a in _section(art, "Documents").select("li.archive-file a[href]"):
        path, _ = target(url, a["href"])
        title = text(a).split(" (")[0]
        files[title.casefold()] = (path, text(a.select_one(".archive-file__facts")))
    for wanted in ("toolbox", "training pack"):
        match = [k for k in files if wanted in k]
        assert match, f"no {wanted!r} among {sorted(files)}"
        path, facts = files[match[0]]
        assert path.startswith("files/") and path.endswith(".pdf")
        source = REPO / "resources" / path[len("files/"):]
        assert source.is_file()
        assert (sample.site / path).read_bytes() == source.read_bytes()
        pages = len(PdfReader(str(source)).pages)
        plural = "s" if pages != 1 else ""
        assert facts == f"(PDF, {human_size(source.stat().st_size)}, {pages} page{plural})"


def test_catina_barrett_has_a_different_role_on_each_project(sample):
    url = "contacts/catina-barrett/"
    art = _article(sample, url)
    roles = {}
    for tr in _section(art, "Projects").select("tbody tr"):
        cells = tr.find_all(["th", "td"])
        roles[target(url, cells[0].a["href"])[0]] = text(cells[2])
    assert {"projects/take-ten-people/", "projects/clmh-research-2015-17/"} <= set(roles), roles
    a, b = roles["projects/take-ten-people/"], roles["projects/clmh-research-2015-17/"]
    assert a and b and a != b


# --------------------------------------------------------------------------- the seeds, kept whole

SEEDS = Path(__file__).parent / "data" / "seeds"  # copies of the five source pages (and their README)
# Lines of the captured pages that are page furniture or labels, not content, and where their
# substance lives instead. Everything else in every seed must appear in the built pages' text.
FURNITURE = {
    "Date From/To: 1 April 2009 - 31 March 2010": "a label; the dates are in each project's Dates fact",
    "Twitter logo@MHFENetwork": "a logo and handle; kept as the link '@MHFENetwork on Twitter'",
    "Contact the national co-ordinator": "a label; Catina Barrett's role on the programme is 'National co-ordinator'",
    "Catina Barrett (catina.barrett@education.gov.uk)": "kept as the programme's contact, with that email",
    "Tel/text: 07920493620": "kept as her phone on the programme; 'Tel/text' is in her record's note",
}


def _normalise(value: str) -> str:
    value = value.translate(str.maketrans({"‐": "-", "’": "'", "“": '"', "”": '"'}))
    return " ".join(value.split()).casefold()


def _seed_lines(seed):
    for line in seed.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\[image: [^\]]*\]|application/pdf icon ", "", line)  # capture markup, see seeds/README
        line = re.sub(r"^\s*(?:[•·]|\d+\.)\s+", "", line).strip()  # list markers become Markdown lists
        if len(line) >= 4 and line != "226":  # "226" is page furniture (seeds/README)
            yield line


def test_every_line_of_every_seed_is_in_the_built_site(sample):
    seeds = sorted(SEEDS.glob("0*.txt"))
    assert len(seeds) == 5, f"expected the five seeds in {SEEDS}"
    pages = []
    for page in sample.pages():
        art = sample.soup(page, revealed=True).select_one("article")  # as contact-email.js shows it
        if art is not None:
            pages.append(art.get_text(" "))
    corpus = _normalise(" \n ".join(pages))
    missing = [f"{seed.name}: {line}" for seed in seeds for line in _seed_lines(seed)
               if line not in FURNITURE and _normalise(line) not in corpus]
    assert missing == []
