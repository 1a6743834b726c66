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

import os
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import csp
from .catalogue import Catalogue
from .cite import CITATION_FORMATS, CITED_KINDS, citation_files
from .exports import ExportCache, export_files
from .feed import FEED_PATH, FeedCache, atom_feed
from .model import RECORD_FOLDERS
from .problems import BuildError
from .products import Products
from .router import Router, citation_dest
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
    rows, feed entry and citation files, made again only when the record may have changed."""

    def __init__(self) -> None:
        self.exports = ExportCache()
        self.feed = FeedCache()
        self.citations: dict[tuple[str, str], dict[str, str]] = {}  # (kind, id) -> path -> text


def public_files(catalogue: Catalogue, router: Router, site_name: str, cache: PublicCache | None = None,
                 changed: set[tuple[str, str]] | None = None, products: Products | None = None) -> dict[str, str]:
    """The data files the site publishes besides its pages (path → text): exports, the feed and the
    citation files. The hook adds them to MkDocs' files, so pages can link to them and links are checked.
    With a ``cache`` filled by an earlier build, ``changed`` names the only records (kind, id) whose
    rows, entries and citations may differ (None: any); ``products`` give the exports' ZIPs."""
    return {**export_files(catalogue, router, cache.exports if cache else None, changed, products),
            FEED_PATH: atom_feed(catalogue, router, site_name, cache.feed if cache else None, changed),
            **_citations(catalogue, router, site_name, cache, changed)}


def _citations(catalogue: Catalogue, router: Router, site_name: str, cache: PublicCache | None,
               changed: set[tuple[str, str]] | None) -> dict[str, str]:
    """Every citation file (projarchive.cite), each record's made again only if it may have changed."""
    if cache is None:
        return citation_files(catalogue, router, site_name)
    if changed is None:
        cache.citations.clear()
    else:
        for ref in changed:
            cache.citations.pop(ref, None)
    out: dict[str, str] = {}
    for kind in CITED_KINDS:
        table = _cited(catalogue, kind)
        for record_id in table:
            files = cache.citations.get((kind, record_id))
            if files is None:
                files = cache.citations[(kind, record_id)] = citation_files(catalogue, router, site_name,
                                                                            only=(kind, record_id))
            out.update(files)
    return out


def _cited(catalogue: Catalogue, kind: str) -> dict[str, Any]:
    """The records of a kind that has citation files (cite.CITED_KINDS), in the catalogue's order."""
    return getattr(catalogue, RECORD_FOLDERS[kind])


def public_paths(catalogue: Catalogue) -> list[str]:
    """The paths :func:`public_files` gives, in its order, without making any file's text: what the
    site will have, known before the files are made (:class:`DataFileWriter`)."""
    paths = [f"api/{folder}.{ext}" for folder in RECORD_FOLDERS.values() for ext in ("json", "csv")]
    paths.append(FEED_PATH)
    for kind in CITED_KINDS:
        paths += [citation_dest(kind, record_id, ext) for record_id in _cited(catalogue, kind) for ext in CITATION_FORMATS]
    return paths


def write_files(site_dir: str, data: Mapping[str, str]) -> None:
    """Write each data file (path under the site -> text), making each folder once (37,000 citation
    files at 10,000 projects are in two folders)."""
    made: set[str] = set()
    for dest, text in data.items():
        path = os.path.join(site_dir, *dest.split("/"))
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)


class DataFileWriter:
    """Makes and writes the data files beside the build: a forked process computes
    :func:`public_files` and writes them while the site generator reads the pages, on the other core.

    They are a few seconds of a build's one busy thread (7,500 files and the exports at 2,000
    projects, 37,500 at 10,000) that need nothing the pages make; the build only needs their
    paths (:func:`public_paths`) at once, and the files on disk before it copies files
    (:meth:`wait`). The child works on the catalogue as it was when forked (copy-on-write) and
    sends back only whether it succeeded; the files are those writing them here would give, and
    the child checks they are exactly the paths promised."""

    def __init__(self, make: Callable[[], dict[str, str]], site_dir: str, paths: list[str]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._reply, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_write_in_child, args=(make, site_dir, paths, child_end),
                                        name="projarchive-data-files", daemon=True)
        self._process.start()
        child_end.close()

    @staticmethod
    def possible() -> bool:
        """Whether the system forks (Linux): the child needs the catalogue without sending it."""
        import multiprocessing

        return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()

    def wait(self) -> None:
        """Until every file is written; the child's error, if it had one, as the build's."""
        try:
            outcome = self._reply.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            outcome = ("stopped", None)
        finally:
            self._process.join()
            self._reply.close()
        kind, message = outcome
        if kind == "error":
            raise BuildError(message)
        if kind == "stopped":
            raise BuildError(f"the process writing the exports, the feed and the citation files stopped before it "
                             f"was done (exit status {self._process.exitcode}: out of memory, or killed); build "
                             "again, or set PROJARCHIVE_WORKERS=1 to write them in the build's own process")
        if kind == "crash":
            raise RuntimeError(message)

    def cancel(self) -> None:
        """Stop the child (a build that failed meanwhile); safe to call after :meth:`wait`."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._reply.close()


def _write_in_child(make: Callable[[], dict[str, str]], site_dir: str, paths: list[str], reply) -> None:
    try:
        data = make()
        if list(data) != paths:
            raise RuntimeError(f"the data files made ({len(data)}) are not the ones listed ({len(paths)}): "
                               "public_paths must follow public_files")
        write_files(site_dir, data)
        reply.send(("ok", None))
    except BuildError as e:
        reply.send(("error", str(e)))
    except BaseException:  # noqa: BLE001 - a bug: its traceback, as the build's own process would show it
        reply.send(("crash", "writing the data files failed:\n" + traceback.format_exc()))
    finally:
        reply.close()
