"""The last step of a build (issue #5): make the written site public-sector ready.

:func:`finish_site` runs once after every other writer (MkDocs, Material's plugins,
Pagefind) and before the staged site is swapped in. It only reads and writes files
under ``site_dir``; the rules live in the pure modules it calls:

* :mod:`projarchive.csp` — a Content Security Policy per page (meta tag) and ``_headers``.

:func:`public_files` gives the data files (:mod:`projarchive.exports`, ``api/*.json`` and
``api/*.csv``; :mod:`projarchive.feed`, ``feed.xml``), which the hook adds in ``on_files``.
"""

from __future__ import annotations

from pathlib import Path

from . import csp
from .catalogue import Catalogue
from .exports import export_files
from .feed import FEED_PATH, atom_feed


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


def apply_csp(site: Path) -> None:
    """Put each page's policy into it and write ``_headers`` with the union of all hashes."""
    hashes: set[str] = set()  # only the hashes are kept, not the pages: memory stays flat at 10,000 pages
    for path in _html_pages(site):
        html = path.read_text(encoding="utf-8")
        mine = csp.page_hashes(html)  # adding the meta tag adds no script, so one reading will do
        secured = csp.with_policy(html, mine)
        if secured != html:
            path.write_text(secured, encoding="utf-8")
        hashes |= mine
    (site / "_headers").write_text(csp.headers_file(hashes=hashes), encoding="utf-8")


def public_files(catalogue: Catalogue, site_url: str, site_name: str) -> dict[str, str]:
    """The data files the site publishes besides its pages (path → text): exports and the feed.
    The hook adds them to MkDocs' files, so pages can link to them and links are checked."""
    return {**export_files(catalogue, site_url), FEED_PATH: atom_feed(catalogue, site_url, site_name)}


def finish_site(site_dir: str) -> None:
    """After every writer: the CSP over the final HTML (it hashes the inline scripts as written)."""
    apply_csp(Path(site_dir))
