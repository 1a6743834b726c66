"""Every address the site publishes resolves, with and without ``use_directory_urls``.

The router (projarchive.router) is the one place that knows addresses; the exports, the JSON-LD,
Open Graph, the Atom feed, the sitemap and the search index all take theirs from it. The sample
archive is built both ways and every absolute address under ``site_url`` found in those outputs
must be a file that was written.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from conftest import REPO, Archive

from projarchive.model import RECORD_FOLDERS

SITE_URL = "https://example.org/archive/"  # mkdocs.yml


@pytest.fixture(scope="module", params=[True, False], ids=["directory URLs", "file URLs"])
def built(request, sample, tmp_path_factory):
    """The sample archive as configured (directory URLs: the session's ``sample`` build) and again with
    ``use_directory_urls: false``."""
    if request.param:
        assert sample.ok, sample.output
        return True, sample
    archive = Archive(tmp_path_factory.mktemp("addresses") / "archive")
    for folder in RECORD_FOLDERS.values():
        shutil.rmtree(archive.root / folder)
        shutil.copytree(REPO / folder, archive.root / folder)
    shutil.rmtree(archive.root / "docs")
    shutil.copytree(REPO / "docs", archive.root / "docs")
    config = (archive.root / "mkdocs.yml").read_text(encoding="utf-8")
    (archive.root / "mkdocs.yml").write_text(config + "\nuse_directory_urls: false\n", encoding="utf-8")
    result = archive.build()
    assert result.ok, result.output
    return False, result


def written(site: Path, url: str) -> Path | None:
    """The file an absolute address under SITE_URL is served from, or None if it was not written."""
    assert url.startswith(SITE_URL), url
    path = unquote(url[len(SITE_URL):].split("#")[0])
    target = site / path
    if path == "" or path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def addresses(value: object) -> list[str]:
    """Every string under SITE_URL anywhere in a JSON value."""
    if isinstance(value, str):
        return [value] if value.startswith(SITE_URL) else []
    if isinstance(value, dict):
        return [a for v in value.values() for a in addresses(v)]
    if isinstance(value, list):
        return [a for v in value for a in addresses(v)]
    return []


def assert_all_written(site: Path, found: list[str], where: str) -> None:
    assert found, f"no addresses found in {where}"
    missing = sorted({a for a in found if written(site, a) is None})
    assert missing == [], f"{where} gives addresses that were not written: {missing}"


def test_every_address_in_the_exports_is_a_written_file(built):
    directory_urls, result = built
    site = result.site
    found = []
    for folder in RECORD_FOLDERS.values():
        rows = json.loads((site / "api" / f"{folder}.json").read_text(encoding="utf-8"))
        found += addresses(rows)
        csv = (site / "api" / f"{folder}.csv").read_text(encoding="utf-8")
        assert set(re.findall(r"https://example\.org/archive/[^,;\s\"]*", csv)) <= set(found)
    assert_all_written(site, found, "api/*.json")
    assert any(a.endswith("projects/take-ten-people/" if directory_urls else "projects/take-ten-people.html")
               for a in found)


def test_every_address_in_json_ld_and_open_graph_is_a_written_file(built):
    directory_urls, result = built
    site = result.site
    found = []
    heads = SoupStrainer(["script", "meta"])  # all this test reads: the rest of a page is not built as a tree
    for page in result.pages():
        # the session's sample is parsed once and shared with other tests; the other build only here
        soup = result.soup(page) if directory_urls else BeautifulSoup(page.read_text(encoding="utf-8"),
                                                                      "html.parser", parse_only=heads)
        for script in soup.select('script[type="application/ld+json"]'):
            found += addresses(json.loads(script.string))
        found += [m["content"] for m in soup.select('meta[property="og:url"], meta[property="og:image"]')]
    assert_all_written(site, found, "JSON-LD and Open Graph")


def test_every_address_in_the_feed_and_sitemap_is_a_written_file(built):
    site = built[1].site
    atom = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.parse(site / "feed.xml").getroot()
    found = [e.text for e in feed.iterfind(".//a:entry/a:id", atom)]
    found += [link.get("href") for link in feed.iterfind(".//a:link", atom)]
    assert_all_written(site, found, "feed.xml")
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iterfind(".//{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert_all_written(site, locs, "sitemap.xml")


def test_every_search_result_leads_to_a_written_page(built):
    site = built[1].site
    urls = []
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes())
        urls.append(json.loads(data[len(b"pagefind_dcd"):])["url"])
    assert len(urls) > 20
    # Pagefind's URLs are from the site root; search.js puts the site's own path before them
    assert_all_written(site, [SITE_URL + u.lstrip("/") for u in urls], "the search index")
