"""The last step of a build (issue #5): make the written site public-sector ready.

:class:`PolicyWriter` is handed each page as MkDocs writes it, then finishes once after
every other writer (MkDocs, Material's plugins, Pagefind) and before the staged site is
swapped in. It only reads and writes HTML text and files under ``site_dir``; the rules
live in the pure modules it calls:

* :mod:`projarchive.csp` — a Content Security Policy per page (meta tag) and ``_headers``.

:func:`public_files` gives the data files (:mod:`projarchive.exports`, ``api/*.json`` and
``api/*.csv``; :mod:`projarchive.feed`, ``feed.xml``), which the hook adds in ``on_files``.
"""

from __future__ import annotations

from pathlib import Path

from . import csp
from .catalogue import Catalogue
from .exports import ExportCache, export_files
from .feed import FEED_PATH, FeedCache, atom_feed
from .router import Router
from .search import html_files


class PolicyWriter:
    """Content Security Policies for one build: :meth:`page` secures each page as it is written
    (no page is read back), :meth:`finish` secures every other HTML file under the site (pages
    written by other plugins, ``404.html``) and writes ``_headers`` with the union of all hashes.
    Only the hashes are kept, not the pages: memory stays flat at 10,000 pages."""

    def __init__(self) -> None:
        self.hashes: set[str] = set()
        self.done: set[str] = set()  # site-relative paths already secured

    def page(self, rel_path: str, html: str) -> str:
        mine = csp.page_hashes(html)  # adding the meta tag adds no script, so one reading will do
        self.hashes |= mine
        self.done.add(rel_path)
        return csp.with_policy(html, mine)

    def finish(self, site_dir: str) -> None:
        site = Path(site_dir)
        for rel in html_files(site_dir):
            if rel in self.done:
                continue
            path = site / rel
            html = path.read_text(encoding="utf-8")
            secured = self.page(rel, html)
            if secured != html:
                path.write_text(secured, encoding="utf-8")
        (site / "_headers").write_text(csp.headers_file(self.hashes), encoding="utf-8")


class PublicCache:
    """What :func:`public_files` keeps between builds of one ``mkdocs serve``: each record's export
    rows and feed entry, made again only when the record changed."""

    def __init__(self) -> None:
        self.exports = ExportCache()
        self.feed = FeedCache()


def public_files(catalogue: Catalogue, router: Router, site_name: str, cache: PublicCache | None = None,
                 changed: set[tuple[str, str]] | None = None) -> dict[str, str]:
    """The data files the site publishes besides its pages (path → text): exports and the feed.
    The hook adds them to MkDocs' files, so pages can link to them and links are checked.
    With a ``cache`` filled by an earlier build, ``changed`` names the only records (kind, id) whose
    rows and entries may differ (None: any)."""
    return {**export_files(catalogue, router, cache.exports if cache else None, changed),
            FEED_PATH: atom_feed(catalogue, router, site_name, cache.feed if cache else None, changed)}
