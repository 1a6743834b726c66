"""One build of the archive, from configuration to published site, free of MkDocs.

A :class:`BuildSession` is made when the site generator has read its configuration
(``on_config``) and ended when the command ends (``on_shutdown``); ``mkdocs serve`` makes a
new one for every rebuild. It owns everything one build knows — the settings, the
catalogue, the router, the page models, the search index, the policies, the staging folder
— and every rule about them. The MkDocs adapter (``hooks/archive.py``) only forwards events
to it and turns plain data into MkDocs objects; another site generator could drive it the same way.

Errors that stop a build are :class:`~projarchive.problems.BuildError` s with a message
written for the maintainer; the adapter shows them as they are.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import html as html_module
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import escape

from .assets import minified, minifies
from .catalogue import Catalogue, LoadMemo, Signature, load_catalogue, parallel_workers, usable_cores
from .dates import build_date
from .feed import FEED_PATH
from .figures import locale_for
from .files import CACHE_FILE, FILES_PREFIX, FactsCache, file_dest
from .model import RECORD_FOLDERS
from .pages import (
    BROWSE_SRC,
    SEARCH_SRC,
    Build,
    PageSpec,
    ProjectFacts,
    Settings,
    SettingsError,
    hand_written_addition,
    listing_pages,
    nav_anchor,
    record_page,
    record_refs,
    render_page,
    setting_marks,
    settings_file,
    settings_from,
    shared_nav_key,
    site_pages,
)
from .platforms import environment_problem
from .preview import ReferenceGraph, candidates, changed_documents, changed_records
from .privacy import EmailPrivacy, without_addresses, without_addresses_in
from .problems import ArchiveError, BuildError
from .products import CACHE_DIR, Products, make_products
from .public import DataFileWriter, PolicyWriter, PublicCache, public_files, public_paths, write_files
from .publish import Publisher, lock_wait, nothing_built
from .render import SharedParts, make_environment
from .router import Router, listing_src, record_src
from .search import BUNDLE, BackgroundIndex, IndexedPart, IndexReport, SiteIndexer
from .search_facts import AUDIENCES, LAST_TYPE, page_facts
from .seo import page_meta, record_lastmod
from .svg import svg_file_problem

# Templates of pages that list other pages (Material's blog index, archive and category views), as
# our listings do: not search results. They do not include partials/archive-indexed.html either.
LISTING_TEMPLATES = frozenset({"blog.html"})


# How much generated pages' content is held as it is between its reading and its writing (the size of
# the strings, sys.getsizeof); beyond it each page is held compressed (BuildSession.hold_content). All
# of it at 2,000 projects is ~73 MB, of which this spares compressing nearly half, while 10,000
# projects' peak of memory (2.2-2.4 GB of a 2.5 GB target) grows by the budget less its compressed
# size (~23 MB): with 64 MB the peak reached 2,421 MB, too near the target for ~0.25 s of CPU.
HOLD_BUDGET = 32 * 1024 * 1024

# What the data files the archive writes are (projarchive.public), for messages
_DATA_FILES = {FEED_PATH: "the Atom feed of projects and resources"}
_ID = re.compile(r'\bid="([^"]+)"')  # an id our templates write (autoescaped, in double quotes)
# Folders and files the build writes whole: nothing hand-written may be in them
_RESERVED = {
    FILES_PREFIX: "files/ is where the archive publishes the documents under resources/ (add a document there, "
                  "with a resource record)",
    "api/": "api/ is where the archive publishes its open data exports",
    f"{BUNDLE}/": f"{BUNDLE}/ is where the search index is written",
    "_headers": "_headers is the security policy file the build writes",
}


def _reserved(src: str) -> str | None:
    """Why a hand-written file at ``src`` would be mixed into, or replaced by, what the build writes, or None."""
    for prefix, why in _RESERVED.items():
        if src == prefix or (prefix.endswith("/") and src.startswith(prefix)):
            return why
    return None


@dataclass(frozen=True)
class BuildConfig:
    """What one build is asked to do: plain values read from the site generator's configuration."""

    root: str  # the folder of mkdocs.yml, which holds projects/, contacts/ and resources/
    docs_dir: str
    site_dir: str
    templates: str  # our template folder (the theme's custom_dir)
    site_url: str = ""
    site_name: str = ""
    directory_urls: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)  # extra.archive
    config_file: str = ""  # mkdocs.yml: where the options are written, for messages
    command: str | None = None  # build | serve | gh-deploy, as the command line said (None: unknown)
    language: str = "en"  # the site's language (theme.language): how numbers and dates are written


@dataclass(frozen=True)
class PageMeta:
    """What a page's metadata gains: keys to set, and the date the sitemap gives it (None: leave it)."""

    meta: dict[str, Any]
    update_date: str | None = None


@dataclass(frozen=True)
class PreviewUpdate:
    """What a save changes in the site being served (:meth:`BuildSession.preview_update`)."""

    added: tuple[PageSpec, ...]  # generated pages new in the site
    removed: tuple[str, ...]  # sources of generated pages that are gone
    changed: tuple[str, ...]  # sources of generated pages whose model changed
    hand_written: bool  # render the hand-written pages again: an addition changed, or a page went (links)
    documents: tuple[tuple[str, str], ...]  # (destination, file to copy) of new or changed documents
    removed_documents: tuple[str, ...]  # destinations of documents no longer published
    data: Mapping[str, str]  # data files (exports, feed) whose text changed
    sitemap: bool  # pages came or went, or a page's date changed
    order: tuple[str, ...]  # every generated page's source, in the order a full build gives them
    removed_data: tuple[str, ...] = ()  # data files no longer published (a removed record's citation files)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.hand_written or self.documents
                    or self.removed_documents or self.data or self.removed_data)


@dataclass(frozen=True)
class PageContent:
    """A page's content as the archive renders it, and its table of contents when the archive made it."""

    html: str
    toc: tuple[tuple[str, str], ...] | None = None  # (anchor, heading as escaped HTML) of each h2
    # the ids the archive added to a hand-written page (the guide's key tables): links to them are good
    anchors: tuple[str, ...] = ()


class _Held:
    """A page's content held between its reading and its writing (:meth:`BuildSession.hold_content`),
    compressed on the session's compressor thread; ``len()`` is its size compressed."""

    __slots__ = ("_future",)

    def __init__(self, future: Future[bytes]) -> None:
        self._future = future

    def compressed(self) -> bytes:
        return self._future.result()

    def __len__(self) -> int:
        return len(self.compressed())


class BuildSession:
    """Everything one build knows and does; see the module docstring for its life."""

    def __init__(self, config: BuildConfig, environ: Mapping[str, str] | None = None,
                 notify: Callable[[str], None] = print) -> None:
        env = dict(os.environ if environ is None else environ)
        problem = environment_problem()
        if problem:
            raise BuildError(problem)
        self.config = config
        self._environ = env
        self.serving = config.command == "serve"
        # "0": every page renders every part itself (a test compares); see render.SharedParts
        self.share_parts = env.get("PROJARCHIVE_NAV_CACHE") != "0"
        try:
            written = settings_file(config.config_file) if config.config_file else ""
            marks = setting_marks(written) if written else {}
            self.settings: Settings = settings_from(config.options, marks, os.path.basename(written) or "mkdocs.yml")
            day = build_date(env)
            wait = lock_wait(env)
        except SettingsError as e:
            ending = nothing_built(config.site_dir, staged=config.command == "build")
            raise BuildError(f"extra.archive in mkdocs.yml has problems:\n{e}\n{ending[0].upper()}{ending[1:]}") from None
        except ValueError as e:
            raise BuildError(str(e)) from None
        self._build_date = day
        # under `mkdocs serve`, what a save needs to update the site without a full build (projarchive.preview)
        self._memo = LoadMemo() if self.serving else None
        self._public = PublicCache() if self.serving else None
        self.catalogue: Catalogue = self._load()
        self._graph = ReferenceGraph.of(self.catalogue) if self.serving else None
        self.router = Router(config.site_url, config.directory_urls)
        # thumbnails and ZIPs, made (or taken from the cache) before the pages that show their sizes
        # (new thumbnails are drawn beside the build; pages_read waits for them)
        self.products: Products = self._make_products(None, wait=False)
        self.build = Build(self.products, self.router, config.site_name, locale_for(config.language))
        self._facts = ProjectFacts()  # projects' cards and facets, shared by the pages that show them
        self.pages: dict[str, PageSpec] = {p.src: p for p in site_pages(self.catalogue, self.settings, self._facts,
                                                                       self.build)}
        self.env = make_environment([config.templates])
        self.env.globals["archive"] = self.settings  # site-wide choices the templates show (extra.archive)
        self.env.globals["archive_locale"] = self.build.locale  # dates and numbers in the site's language
        self.shared_parts = SharedParts()
        # `mkdocs build` writes into a staging folder that replaces the site only if all went well; every
        # command that writes the site folder holds its lock until it is over (projarchive.publish)
        self._publisher = Publisher(config.site_dir, staged=config.command == "build",
                                    locked=config.command in ("build", "gh-deploy"),
                                    command=f"mkdocs {config.command}", wait=wait, notify=notify)
        self._publisher.begin()
        self.site_dir = self._publisher.target
        self._placed: dict[str, str] = {}  # source -> URL of every page and file the archive did not generate
        self._nav_urls: frozenset[str] = frozenset()
        self._indexer: SiteIndexer | None = None
        self._indexed: dict[str, IndexedPart] = {}  # page (destination) -> what Pagefind was given
        self._policies: PolicyWriter | None = None
        self._ok = False
        self._data: dict[str, str] = {}  # under `serve`, the data files as last generated (path -> text)
        self._data_paths: list[str] = []  # the data files' destinations
        self._homepage: str | None = None  # the source of the home page, once seen
        # what Pagefind was given for each page (destination -> document), kept under `serve` to index again
        self._search: dict[str, str] | None = {} if self.serving else None
        self._late_search: list[tuple[str, str]] = []  # pages found in the site after the build, in order
        self._undo: tuple[Any, ...] | None = None  # the last good state while a preview update is rendered
        self._background: BackgroundIndex | None = None  # the search index made again after preview updates
        # generated pages' content between reading and writing: as it is up to hold_budget bytes, then
        # compressed on a thread of its own
        self._held: dict[str, str | _Held] = {}
        self._held_plain = 0  # bytes of the content held as it is
        self.hold_budget = HOLD_BUDGET
        self._compressor: ThreadPoolExecutor | None = None
        self._frozen = False  # gc.freeze() in start(), undone in end()
        self._data_writer: DataFileWriter | None = None  # the data files being written beside the build

    def _load(self) -> Catalogue:
        cache = FactsCache(os.path.join(self.config.root, CACHE_FILE))
        try:
            catalogue = load_catalogue(self.config.root, build_date=self._build_date, docs_dir=self.config.docs_dir,
                                       facts_cache=cache, memo=self._memo)
        except ArchiveError as e:  # one problem a line, below a line that says what they are
            report = e.problems.report(nothing_built(self.config.site_dir, staged=self.config.command == "build"))
            raise BuildError(f"the archive's records have problems:\n{report}") from None
        cache.save()
        return catalogue

    def _make_products(self, catalogue: Catalogue | None, *, wait: bool) -> Products:
        """The thumbnails and ZIPs of ``catalogue`` (None: the session's); under ``serve`` a ZIP whose
        files are unchanged since the last build is taken as it was, not read again to measure it."""
        return make_products(catalogue if catalogue is not None else self.catalogue,
                             os.path.join(self.config.root, RECORD_FOLDERS["resource"]),
                             os.path.join(self.config.root, CACHE_DIR), wait=wait,
                             previous=getattr(self, "products", None))

    # ------------------------------------------------------------------ files

    def watched_folders(self) -> list[str]:
        """The record folders: a change there rebuilds the site under ``serve``."""
        return [path for folder in RECORD_FOLDERS.values()
                if os.path.isdir(path := os.path.join(self.config.root, folder))]

    def generated_files(self, existing: Iterable[str]) -> tuple[list[PageSpec], list[tuple[str, str]],
                                                              list[tuple[str, str]]]:
        """What the archive adds to the site: its pages, the documents and the data files (exports,
        feed), each as (destination, file to copy). ``existing`` are the sources the site already has; a
        hand-written file where the archive generates one is an error, never silently replaced.

        The data files are written into the site folder at once, where they are published (a site
        generator copying a file onto itself leaves it be): 100 MB of text at 10,000 projects need not
        stay in memory while the pages are built."""
        documents = [(file_dest(rel), os.path.join(self.config.root, RECORD_FOLDERS["resource"], *rel.split("/")))
                     for rel in self.catalogue.facts]
        documents += self.products.documents()  # thumbnails and ZIPs, copied from the cache
        # a build of many records makes and writes its data files in a forked process meanwhile (public.DataFileWriter)
        beside = (not self.serving and DataFileWriter.possible()
                  and parallel_workers(len(self.catalogue.projects) + len(self.catalogue.contacts)
                                       + len(self.catalogue.resources), self._environ) > 1)
        if beside:
            data, names = None, public_paths(self.catalogue)
        else:
            data = public_files(self.catalogue, self.router, self.config.site_name, self._public, products=self.products)
            names = list(data)
        generated = {src: f"the page '{spec.title}'" for src, spec in self.pages.items()}
        generated |= {dest: f"the document resources/{dest[len(FILES_PREFIX):]}" if dest.startswith(FILES_PREFIX)
                      else "a thumbnail or ZIP the build makes" for dest, _ in documents}
        generated |= {dest: _DATA_FILES.get(dest, "an open data export") for dest in names}
        docs = os.path.basename(self.config.docs_dir.rstrip("/\\"))
        clashes = []
        for src in sorted(existing):
            if src in generated:
                clashes.append(f"{docs}/{src}: the archive generates {src} here ({generated[src]}), which would replace "
                               f"this hand-written file; rename or remove {docs}/{src}")
            elif (reserved := _reserved(src)) is not None:
                clashes.append(f"{docs}/{src}: {reserved}, so a hand-written file there would be mixed in with or "
                               f"replaced by what the build writes; move {docs}/{src} out of it")
            # a hand-written SVG runs on the site's origin as much as a document does
            if src.lower().endswith(".svg") and (problem := svg_file_problem(os.path.join(self.config.docs_dir,
                                                                                            *src.split("/")))):
                clashes.append(f"{docs}/{src} cannot be published: {problem}. An SVG opened at its address runs as "
                               "part of the site; see the maintainer guide's 'SVG images'")
        if clashes:
            raise BuildError("\n".join(clashes))
        self._data_paths = names
        self._data = data if self.serving and data is not None else {}  # under `serve`, to tell which changed after a save
        if data is None:
            make = functools.partial(public_files, self.catalogue, self.router, self.config.site_name, None,
                                     products=self.products)
            try:
                self._data_writer = DataFileWriter(make, self.site_dir, names)
            except OSError:  # no process to be had (a container's limit): made and written here, as before
                data = make()
        if data is not None:
            write_files(self.site_dir, data)
        written = [(dest, os.path.join(self.site_dir, *dest.split("/"))) for dest in names]
        return list(self.pages.values()), documents, written

    def generated_sources(self) -> list[str]:
        """Every source the archive adds to the site, in the order :meth:`generated_files` gives them."""
        return [*self.pages, *(file_dest(rel) for rel in self.catalogue.facts),
                *(dest for dest, _ in self.products.documents()), *self._data_paths]

    def published_asset(self, src: str, path: str | None) -> str | None:
        """The text a script or style sheet of the docs folder is published with (minified:
        projarchive.assets), or None for any other file, which is published as it is. ``path``: the
        file MkDocs would copy (None for a file made in memory)."""
        if not path or not minifies(src):
            return None
        docs = os.path.abspath(self.config.docs_dir)
        if os.path.commonpath([docs, os.path.abspath(path)]) != docs:
            return None
        try:
            with open(path, encoding="utf-8") as f:
                return minified(src, f.read())
        except (OSError, UnicodeDecodeError) as e:
            name = os.path.basename(docs.rstrip("/\\"))
            raise BuildError(f"{name}/{src}: cannot be published: {e}") from None

    def generates(self, src: str) -> bool:
        """Whether the archive renders the page at ``src`` whole (a record page or a listing)."""
        return src in self.pages

    def hold_content(self, src: str, html: str) -> str:
        """A generated page's content once it is read (and indexed): kept compressed until the page is
        written (:meth:`release_content`), and the site generator given an empty one meanwhile. Every
        page is read before any is written; 180 MB of content at 10,000 projects would otherwise be held
        through the writing, while Pagefind writes its index beside it (the build's peak of memory).
        zlib works without Python's lock, so the compressing is done on a thread of its own, on the
        other core, while the site generator reads the next page. The first :data:`HOLD_BUDGET` bytes
        are held as they are: compressing costs CPU time (~0.55 s for the 73 MB of content at 2,000
        projects), which a small archive's content is not worth."""
        if src not in self.pages:
            return html
        earlier = self._held.pop(src, None)  # held again (serve renders a page again): the first is not written
        if isinstance(earlier, str):
            self._held_plain -= sys.getsizeof(earlier)
        size = sys.getsizeof(html)
        if self._held_plain + size <= self.hold_budget:
            self._held_plain += size
            self._held[src] = html
            return ""
        if self._compressor is None:
            self._compressor = ThreadPoolExecutor(1, thread_name_prefix="projarchive-hold")
        self._held[src] = _Held(self._compressor.submit(zlib.compress, html.encode("utf-8"), 1))
        return ""

    def release_content(self, src: str) -> str | None:
        """The content :meth:`hold_content` kept for ``src``, as it was (None: nothing was held)."""
        held = self._held.pop(src, None)
        if isinstance(held, str):
            self._held_plain -= sys.getsizeof(held)
            return held
        return None if held is None else zlib.decompress(held.compressed()).decode("utf-8")

    def source_path(self, spec: PageSpec) -> str:
        """The file a generated page is made from: its YAML record, or for a listing its template.

        The site generator is given each page's content in memory and never reads this file, but
        plugins may look at it: MaterialX's blog plugin asks for the creation date of every page's
        source (README "Platforms"), and a page without one stops its build."""
        if spec.record:
            return os.path.join(self.config.root, *spec.record.split("/"))
        return os.path.join(self.config.templates, *spec.template.split("/"))

    def markdown_extensions(self) -> list[Any]:
        """Extensions the site generator's own Markdown needs (hand-written pages, news posts): the
        address rules records have (projarchive.privacy.EmailPrivacy)."""
        return [EmailPrivacy()]

    def edit_path(self, spec: PageSpec) -> str | None:
        """Where "edit this page" leads for a generated page: its YAML record, relative to docs/."""
        return f"../{spec.record}" if spec.record else None

    def site_files(self, addresses: Mapping[str, tuple[str, str]]) -> None:
        """Every source of the site with the destination and URL the site generator gives it, once every
        plugin has placed its files. The generator must publish what the archive generates where the
        router says; hand-written pages are where it put them (a blog plugin moves its posts)."""
        problems = [problem for src in self.pages if src in addresses
                    if (problem := self.router.disagreement(src, *addresses[src]))]
        if problems:
            raise BuildError("\n".join(problems))
        self._placed = {src: url for src, (_, url) in addresses.items() if src not in self.pages}

    def url_of(self, src: str) -> str:
        """A page's or file's URL, for links; a link to something the site does not have stops the build."""
        if src in self.pages:
            return self.router.url(src)
        url = self._placed.get(src)
        if url is None:
            raise BuildError(f"internal link to {src}, which the site does not have")
        return "" if url in ("./", ".") else url

    # ------------------------------------------------------------------ pages

    def set_navigation(self, urls: Iterable[str]) -> None:
        self._nav_urls = frozenset(urls)

    def nav_place(self, page_url: str) -> str | None:
        """For a page outside the navigation, the URL of the navigation's page to mark as where it
        belongs (its folder's listing: ``projects/`` for every project), so the right tab is
        highlighted and the left column shows that part of the site. The same for every page of a
        folder, as the navigation is rendered once per folder (see :meth:`nav_key`)."""
        if page_url in self._nav_urls:
            return None
        return nav_anchor(page_url, self._nav_urls)

    def nav_key(self, page_url: str) -> str | None:
        """Which pages share one rendering of the navigation and other parts (render.SharedParts)."""
        return shared_nav_key(page_url, self._nav_urls) if self.share_parts else None

    def template_globals(self) -> dict[str, Any]:
        """What every page's templates may use (the site generator's own template environment):
        ``archive_once`` (main.html: parts rendered once per folder), ``archive_search`` (the
        header's search box: where the results page is, which type of result comes last) and
        ``archive_listings`` (the URLs of the ways in, for the 404 page)."""
        url = self.router.url
        return {
            "archive_once": self.shared_parts,
            "archive_search": {"page": url(SEARCH_SRC), "last_type": LAST_TYPE},
            "archive_listings": {"projects": url(listing_src("project")), "browse": url(BROWSE_SRC),
                                 "resources": url(listing_src("resource")), "contacts": url(listing_src("contact")),
                                 "home": url("index.md")},
        }

    def page_meta(self, src: str, template: str | None, front_matter: Mapping[str, Any] | None = None,
                  is_homepage: bool = False) -> PageMeta:
        """The metadata the archive gives a page: for a generated page its (escaped) title and
        description, whether it is searched, its Open Graph/JSON-LD data and its date; for a
        hand-written page what the search index knows of it (``archive_search``). The home page is
        no search result: it introduces the listings. ``front_matter``: the page's own metadata."""
        if template in LISTING_TEMPLATES:
            return PageMeta({"search": {"exclude": True}})
        spec = self.pages.get(src)
        if spec is None:
            return self._hand_written_meta(src, dict(front_matter or {}), is_homepage)
        title, description = without_addresses(spec.title), spec.description and without_addresses(spec.description)
        meta: dict[str, Any] = {
            # Material puts meta.title into <title> and the header without escaping
            "title": str(escape(title)),
            "archive_seo": without_addresses_in(page_meta(self.catalogue, spec.ref, self.router, title, description)),
        }
        if description:
            meta["description"] = str(escape(description))
        if not spec.searchable:
            meta["search"] = {"exclude": True}  # Material's convention; partials/content.html reads it
        else:
            meta["archive_search"] = spec.search  # partials/archive-indexed.html renders it
        if spec.hide:
            meta["hide"] = list(spec.hide)
        lastmod = record_lastmod(self.catalogue, spec.ref)
        return PageMeta(meta, lastmod.isoformat() if lastmod else None)

    def _hand_written_meta(self, src: str, front_matter: dict[str, Any], is_homepage: bool) -> PageMeta:
        audience = front_matter.get("audience", "public")
        if audience not in AUDIENCES:
            docs = os.path.basename(self.config.docs_dir.rstrip("/\\"))
            raise BuildError(f"{docs}/{src}: audience: should be {' or '.join(AUDIENCES)}, not {audience!r}")
        search = front_matter.get("search")
        if is_homepage or isinstance(search, dict) and search.get("exclude"):
            return PageMeta({"search": {"exclude": True}})
        post = next((p for p in self.catalogue.news if p.src == src), None)
        return PageMeta({"archive_search": page_facts(audience, post)})

    def page_content(self, src: str, html: str, page_url: str, is_homepage: bool) -> PageContent:
        """A generated page's whole content, or a hand-written page's with what the archive adds to it."""
        spec = self.pages.get(src)
        if spec is not None:
            toc = tuple((anchor, str(escape(title))) for anchor, title in spec.toc)
            return PageContent(render_page(self.env, spec.template, spec.context, page_url, self.url_of), toc)
        if is_homepage:
            self._homepage = src
        addition = hand_written_addition(self.catalogue, self.settings, src, is_homepage, self._facts, self.build)
        if addition is None:
            return PageContent(html)
        template, context = addition
        added = render_page(self.env, template, context, page_url, self.url_of)
        return PageContent(html + added, anchors=tuple(html_module.unescape(a) for a in _ID.findall(added)))

    # ------------------------------------------------------------------ search and policies

    def start(self, indexer: Callable[..., SiteIndexer] = SiteIndexer) -> None:
        """The pages are about to be read: start Pagefind, and the policies (not under ``serve``, whose
        live-reload script a policy would block).

        Most of what lives until the build ends is made by now (MkDocs calls this in ``on_pre_build``,
        after ``on_config`` made this session, before its files and navigation): the catalogue and the
        page models, millions of objects at 10,000 projects. A ``build`` moves
        them out of the cyclic garbage collector's sight (``gc.freeze``) until :meth:`end`, so its
        full collections, each a walk over all of them (~1 s at 10,000 projects), do not walk them
        again while the pages are made; reference counting still frees whatever is let go. A process
        that already keeps objects frozen (a test run's, ``mkdocs serve``'s) is left to manage its own."""
        self.close()
        if self.config.command == "build" and not self._frozen and gc.get_freeze_count() == 0:
            gc.freeze()
            self._frozen = True
        self._indexed.clear()
        # with one core, Pagefind gets the pages once they are written, not beside them (SiteIndexer's defer)
        alone = self.config.command == "build" and usable_cores() == 1
        self._indexer = indexer(language="en", router=self.router, defer=alone)
        self._policies = None if self.serving else PolicyWriter()

    def index_page(self, dest: str, part: str) -> None:
        """A page's indexed part (partials/archive-indexed.html as rendered), as soon as it is read."""
        if self._indexer is None and self._search is None:
            return
        self._indexed[dest] = fingerprint = IndexedPart.of(part)
        if not fingerprint.marked:  # an unmarked page is not indexed once any page is marked
            if self._search is not None:
                self._search.pop(dest, None)
            return
        document = IndexedPart.document(part)
        if self._indexer is not None:
            self._indexer.add_page(dest, document)
        if self._search is not None:
            self._search[dest] = document

    def pages_read(self) -> None:
        """Every page has been read: Pagefind writes the index while the pages are written. The
        thumbnails drawn beside the build are finished now, before the site generator copies files,
        and so are the data files written beside it (the generator finds them in place)."""
        self.products.finish()
        writer, self._data_writer = self._data_writer, None
        if writer is not None:
            writer.wait()
        if self._indexer is not None and not self._indexer.deferred:
            self._indexer.write(self.site_dir)

    def page_written(self, dest: str, output: str) -> str:
        """The page as it will be written: it must hold what was indexed; it gets its policy."""
        part = self._indexed.pop(dest, None)
        if part is not None and not part.written_in(output):
            raise BuildError(
                f"{dest}: the page as written is not what was indexed for search. Its template must include "
                "partials/archive-indexed.html as partials/content.html does (or the page's meta must say "
                "`search: {exclude: true}`), and no plugin may change page.content after on_page_content.")
        return self._policies.page(dest, output) if self._policies is not None else output

    def finish_index(self) -> IndexReport | None:
        """Every file is written: index what nobody handed over, and wait for the index."""
        indexer, self._indexer = self._indexer, None
        if indexer is None:
            return None
        report = indexer.finish(self.site_dir)
        if self._search is not None:  # under `serve`: the pages Pagefind found itself, to index them again
            self._late_search = [(rel, html) for rel, html in indexer.late]
        return report

    def finish_site(self) -> None:
        """Last step of a good build: the documents published are the ones measured, policies for HTML
        not seen as a page (404.html), and _headers."""
        self.check_published_files()
        if self._policies is not None:
            self._policies.finish(self.site_dir)
            self._policies = None
        self._ok = True

    def check_published_files(self) -> None:
        """Every document and image as published has the checksum measured when the build began, so the
        size, format and pages its pages state describe the bytes a visitor downloads. A file changed
        or replaced while the site was being built stops the build (build again)."""
        problems = []
        for rel, facts in self.catalogue.facts.items():
            published = os.path.join(self.site_dir, *file_dest(rel).split("/"))
            try:
                with open(published, "rb") as f:
                    same = hashlib.file_digest(f, "sha256").hexdigest() == facts.sha256
            except OSError:
                same = False
            if not same:
                problems.append(f"resources/{rel} changed while the site was being built: the copy published is not "
                                f"the file measured ({facts.format}, {facts.human_size}); build again")
        if problems:
            raise BuildError("\n".join(problems))

    # ------------------------------------------------------------------ preview (mkdocs serve)

    def can_preview(self) -> bool:
        """Whether a save of records can update the site served without a full build: serving, and the
        build date is the same (past midnight, projects may have finished)."""
        return self.serving and build_date(os.environ) == self._build_date

    def preview_update(self, signatures: Mapping[str, Signature] | None = None) -> PreviewUpdate:
        """Load the records again (only changed files are read: catalogue.LoadMemo) and say what in the
        site changes (projarchive.preview). The new catalogue and pages are installed at once, as the
        pages are rendered from them; :meth:`preview_done` keeps them, :meth:`preview_failed` restores
        the last good state. Raises BuildError, with every problem, when the records have problems.
        ``signatures``: the files as the caller has just found them (projarchive.preview.take_snapshot),
        so that they are not looked at again."""
        assert self._graph is not None and self._search is not None, "preview outside `mkdocs serve`"
        assert self._memo is not None
        old, old_pages, old_build = self.catalogue, self.pages, self.build
        self._memo.signatures = signatures
        try:
            new = self._load()
        finally:
            self._memo.signatures = None
        # thumbnails and ZIPs of the new records (a new thumbnail is drawn now: it is copied with this update)
        build = replace(old_build, products=self._make_products(new, wait=True))
        reach, undo_graph = candidates(self._graph, changed_records(old, new), new)
        self._facts.forget(record_id for kind, record_id in reach if kind == "project")
        pages = dict(old_pages)
        for ref in reach:
            src = record_src(*ref)
            if ref[1] in getattr(new, RECORD_FOLDERS[ref[0]]):
                pages[src] = record_page(new, ref, self.settings, self._facts, build)
            else:
                pages.pop(src, None)
        listings = listing_pages(new, self.settings, self._facts, build)
        for src in [src for src, spec in old_pages.items() if spec.ref is None]:
            del pages[src]
        pages.update((spec.src, spec) for spec in listings)
        order = (*(spec.src for spec in listings), *(record_src(*ref) for ref in record_refs(new)))
        pages = {src: pages[src] for src in order}
        added = tuple(pages[src] for src in order if src not in old_pages)
        removed = tuple(src for src in old_pages if src not in pages)
        clashes = sorted(spec.src for spec in added if spec.src in self._placed)
        if clashes:
            self._graph.restore(undo_graph)
            self._facts.forget(record_id for kind, record_id in reach if kind == "project")
            raise BuildError("\n".join(f"docs/{src} clashes with a page the archive generates; rename or remove it"
                                       for src in clashes))
        changed_pages, dates = [], False
        for src in order:
            spec, was = pages[src], old_pages.get(src)
            if was is None or spec is was:
                continue
            meta_was, meta_now = self._meta(old, was), self._meta(new, spec)
            if spec != was or meta_now != meta_was:
                changed_pages.append(src)
                dates = dates or meta_now.update_date != meta_was.update_date
        hand_written = bool(removed) or self._additions(old, old_build) != self._additions(new, build)
        data = public_files(new, self.router, self.config.site_name, self._public, reach, build.products)
        copy, gone = changed_documents(old.facts, new.facts)
        resources = os.path.join(self.config.root, RECORD_FOLDERS["resource"])
        made_before, made = dict(old_build.products.documents()), dict(build.products.documents())
        self._undo = (old, old_pages, self._data, dict(self._search), undo_graph, reach, old_build, self._data_paths)
        self.catalogue, self.pages, self._data, self._data_paths = new, pages, data, list(data)
        self.build, self.products = build, build.products
        for src in removed:
            self._search.pop(self.router.dest(src), None)
        return PreviewUpdate(
            added=added, removed=removed, changed=tuple(changed_pages), hand_written=hand_written,
            documents=(*((file_dest(rel), os.path.join(resources, *rel.split("/"))) for rel in copy),
                       # thumbnails and ZIPs new or made again (a ZIP's file in the cache is named by its content)
                       *((dest, source) for dest, source in made.items() if made_before.get(dest) != source)),
            removed_documents=(*(file_dest(rel) for rel in gone), *(dest for dest in made_before if dest not in made)),
            data={path: text for path, text in data.items() if self._undo[2].get(path) != text},
            sitemap=bool(added or removed or dates), order=order,
            removed_data=tuple(path for path in self._undo[2] if path not in data),
        )

    def preview_done(self, page_order: Iterable[str]) -> list[tuple[str, str]]:
        """The update is in the site: keep its state. Returns what to index again, in the order a full
        build hands it to Pagefind: each page's document (``page_order``: every page's destination as
        the site generator reads them), then the pages found in the site after the build."""
        self._undo = None
        assert self._search is not None
        search = self._search
        return [*((dest, search[dest]) for dest in page_order if dest in search), *self._late_search]

    def search_again(self, pages: list[tuple[str, str]],
                     done: Callable[[IndexReport | None, str | None], None] | None = None) -> None:
        """Make the search index again from ``pages`` (:meth:`preview_done`) beside the server; the
        site's index is replaced once the new one is complete (projarchive.search.BackgroundIndex)."""
        if self._background is None:
            self._background = BackgroundIndex(self.site_dir, self.router, language="en", done=done)
        self._background.start(pages)

    def search_pause(self) -> None:
        """A save is being built: stop making the search index again (it would be out of date)."""
        if self._background is not None:
            self._background.cancel(wait=False)

    def preview_failed(self) -> None:
        """The update could not be rendered: back to the last good state (the site was not touched)."""
        if self._undo is None:
            return
        (self.catalogue, self.pages, self._data, self._search, undo_graph, reach, self.build,
         self._data_paths) = self._undo
        self.products = self.build.products
        assert self._graph is not None
        self._graph.restore(undo_graph)
        self._facts.forget(record_id for kind, record_id in reach if kind == "project")
        self._public = PublicCache()  # it holds rows of the state given up: made again in full next time
        self._undo = None

    def _meta(self, catalogue: Catalogue, spec: PageSpec) -> PageMeta:
        current = self.catalogue
        self.catalogue = catalogue
        try:
            return self.page_meta(spec.src, None)
        finally:
            self.catalogue = current

    def _additions(self, catalogue: Catalogue, build: Build) -> list[Any]:
        """What the archive adds to hand-written pages (home page, news posts), to compare."""
        sources = [self._homepage, *(post.src for post in catalogue.news)]
        return [hand_written_addition(catalogue, self.settings, src, src == self._homepage, self._facts, build)
                for src in sources if src is not None]

    # ------------------------------------------------------------------ the end

    def close(self) -> None:
        """Stop Pagefind if it runs, and the data files' writer (safe to call twice)."""
        writer, self._data_writer = self._data_writer, None
        if writer is not None:
            writer.cancel()
        compressor, self._compressor = self._compressor, None
        if compressor is not None:
            compressor.shutdown(wait=True)
        if self._background is not None:
            self._background.cancel()
        if self._indexer is not None:
            self._indexer.close()
            self._indexer = None

    def failed(self) -> None:
        self._ok = False
        self.close()

    def end(self) -> str | None:
        """The command is over: publish a good build, discard a failed one, release the site's lock (safe
        to call twice). Returns what to tell the maintainer about the site when the build failed, else
        None; a BuildError if a good build could not be published."""
        self.close()
        if self._frozen:  # a process that builds again (tests, a site generator's API) collects this one's cycles
            gc.unfreeze()
            self._frozen = False
        return self._publisher.finish(self._ok)
