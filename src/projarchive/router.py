"""The one place that knows addresses.

A :class:`Router` is made once per build from ``site_url`` and ``use_directory_urls``. Every
address the site publishes — links between pages, the exports, the feed, JSON-LD, Open Graph,
the sitemap dates and the search index — comes from it; nothing else formats a record's URL.
Its rules are MkDocs' (``mkdocs/structure/files.py``: ``File.dest_uri`` and ``File.url``), and
the build checks that MkDocs agrees for every page it generates (:meth:`Router.disagreement`).

Three kinds of path, never mixed up:

* a *source* is a page's (virtual) Markdown path under ``docs/``: ``projects/x.md``;
* a *destination* is the file written under the site folder: ``projects/x/index.html``;
* a *URL* is relative to the site root: ``projects/x/`` (``projects/x.html`` without directory
  URLs); the home page's is ``""`` (``index.html``). :meth:`Router.absolute` puts ``site_url`` before it.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import quote

from .files import file_dest
from .model import RECORD_FOLDERS

_INDEX_NAMES = ("index", "README")


def record_src(kind: str, record_id: str) -> str:
    """The source of a record's page: ``("project", "x")`` → ``projects/x.md``."""
    return f"{RECORD_FOLDERS[kind]}/{record_id}.md"


def listing_src(kind: str) -> str:
    """The first page of the listing of a kind of record: ``projects/index.md``."""
    return f"{RECORD_FOLDERS[kind]}/index.md"


@functools.lru_cache(maxsize=1 << 17)  # asked for every link, export row and feed entry; pages number 20,000+
def _url(directory_urls: bool, src: str) -> str:
    router = Router(directory_urls=directory_urls)
    return router.url_of_dest(router.dest(src))


@dataclass(frozen=True)
class Router:
    site_url: str = ""
    directory_urls: bool = True

    def dest(self, src: str) -> str:
        """The file a source is written to: ``projects/x.md`` → ``projects/x/index.html``.
        Anything that is not Markdown (a document, an export) is published at its own path."""
        if not src.endswith(".md"):
            return src
        parent, name = posixpath.split(src.removesuffix(".md"))
        if name in _INDEX_NAMES:
            return posixpath.join(parent, "index.html")
        if not self.directory_urls:
            return posixpath.join(parent, name + ".html")
        return posixpath.join(parent, name, "index.html")

    def url(self, src: str) -> str:
        """The URL of a source's page (or file), relative to the site root, percent-encoded."""
        return _url(self.directory_urls, src)

    def url_of_dest(self, dest: str) -> str:
        """The URL at which a written file is read: ``a/index.html`` is ``a/`` with directory URLs."""
        parent, name = posixpath.split(dest)
        if self.directory_urls and name == "index.html":
            return quote(parent + "/" if parent else "", safe="/")
        return quote(dest, safe="/")

    def record(self, kind: str, record_id: str, *, absolute: bool = False) -> str:
        """The URL of a record's page (under ``site_url`` if ``absolute``)."""
        url = self.url(record_src(kind, record_id))
        return self.absolute(url) if absolute else url

    def file(self, rel: str, *, absolute: bool = False) -> str:
        """The URL of a document published from ``resources/<rel>`` (under ``site_url`` if ``absolute``)."""
        url = self.url(file_dest(rel))
        return self.absolute(url) if absolute else url

    def absolute(self, url: str) -> str:
        """A site-relative URL made absolute under ``site_url`` (from the host's root without one)."""
        return f"{self.site_url.rstrip('/')}/{url.lstrip('/')}"

    def disagreement(self, src: str, dest: str, url: str) -> str | None:
        """Why the platform's address for ``src`` (its ``dest`` and ``url``) is not ours, or None."""
        ours_url = self.url(src)
        if url in ("./", ".") and ours_url == "":  # MkDocs writes the site root's URL as ./
            url = ""
        if (dest, url) == (self.dest(src), ours_url):
            return None
        return (f"{src}: the site generator publishes it at {dest} ({url or '/'}), but the archive's "
                f"router says {self.dest(src)} ({ours_url or '/'}); links, exports and the search index would "
                "point elsewhere. This is a bug in projarchive.router or a platform we do not support.")
