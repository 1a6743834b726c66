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

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from .catalogue import Catalogue, load_catalogue
from .dates import build_date
from .files import CACHE_FILE, FactsCache, file_dest
from .model import RECORD_FOLDERS
from .pages import (
    BROWSE_SRC,
    SEARCH_SRC,
    PageSpec,
    Settings,
    hand_written_addition,
    render_page,
    settings_from,
    shared_nav_key,
    site_pages,
)
from .problems import ArchiveError, BuildError
from .public import PolicyWriter, public_files
from .publish import discard, publish, staging_dir
from .render import SharedParts, make_environment
from .router import Router, listing_src
from .search import IndexedPart, IndexReport, SiteIndexer
from .search_facts import AUDIENCES, LAST_TYPE, page_facts
from .seo import page_meta, record_lastmod

# Templates of pages that list other pages (Material's blog index, archive and category views), as
# our listings do: not search results. They do not include partials/archive-indexed.html either.
LISTING_TEMPLATES = frozenset({"blog.html"})


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
    command: str | None = None  # build | serve | gh-deploy, as the command line said (None: unknown)


@dataclass(frozen=True)
class PageMeta:
    """What a page's metadata gains: keys to set, and the date the sitemap gives it (None: leave it)."""

    meta: dict[str, Any]
    update_date: str | None = None


@dataclass(frozen=True)
class PageContent:
    """A page's content as the archive renders it, and its table of contents when the archive made it."""

    html: str
    toc: tuple[tuple[str, str], ...] | None = None  # (anchor, heading as escaped HTML) of each h2


class BuildSession:
    """Everything one build knows and does; see the module docstring for its life."""

    def __init__(self, config: BuildConfig, environ: Mapping[str, str] | None = None) -> None:
        env = dict(os.environ if environ is None else environ)
        self.config = config
        self.serving = config.command == "serve"
        # "0": every page renders every part itself (a test compares); see render.SharedParts
        self.share_parts = env.get("PROJARCHIVE_NAV_CACHE") != "0"
        try:
            self.settings: Settings = settings_from(dict(config.options))
            day = build_date(env)
        except ValueError as e:
            raise BuildError(str(e)) from None
        cache = FactsCache(os.path.join(config.root, CACHE_FILE))
        try:
            self.catalogue: Catalogue = load_catalogue(config.root, build_date=day, docs_dir=config.docs_dir,
                                                       facts_cache=cache)
        except ArchiveError as e:  # one problem a line, below a line that says what they are
            raise BuildError(f"the archive's records have problems:\n{e}") from None
        cache.save()
        self.router = Router(config.site_url, config.directory_urls)
        self.pages: dict[str, PageSpec] = {p.src: p for p in site_pages(self.catalogue, self.settings)}
        self.env = make_environment([config.templates])
        self.env.globals["archive"] = self.settings  # site-wide choices the templates show (extra.archive)
        self.shared_parts = SharedParts()
        # `mkdocs build` writes into a staging folder that replaces the site only if all went well
        self._publishing = config.command == "build"
        self.site_dir = staging_dir(config.site_dir) if self._publishing else config.site_dir
        if self._publishing:
            discard(self.site_dir)
        self._placed: dict[str, str] = {}  # source -> URL of every page and file the archive did not generate
        self._nav_urls: frozenset[str] = frozenset()
        self._indexer: SiteIndexer | None = None
        self._indexed: dict[str, IndexedPart] = {}  # page (destination) -> what Pagefind was given
        self._policies: PolicyWriter | None = None
        self._ok = False

    # ------------------------------------------------------------------ files

    def watched_folders(self) -> list[str]:
        """The record folders: a change there rebuilds the site under ``serve``."""
        return [path for folder in RECORD_FOLDERS.values()
                if os.path.isdir(path := os.path.join(self.config.root, folder))]

    def generated_files(self, existing: Iterable[str]) -> tuple[list[PageSpec], list[tuple[str, str]], dict[str, str]]:
        """What the archive adds to the site: its pages, the documents (destination, file to copy) and
        the data files (destination, text). ``existing`` are the sources the site already has; a
        hand-written file where the archive generates one is an error, never silently replaced."""
        documents = [(file_dest(rel), os.path.join(self.config.root, RECORD_FOLDERS["resource"], *rel.split("/")))
                     for rel in self.catalogue.facts]
        data = public_files(self.catalogue, self.router, self.config.site_name)
        clashes = sorted(set(existing) & ({*self.pages, *(d for d, _ in documents), *data}))
        if clashes:
            docs = os.path.basename(self.config.docs_dir.rstrip("/\\"))
            raise BuildError("\n".join(f"{docs}/{src} clashes with a page or file the archive generates; "
                                       "rename or remove it" for src in clashes))
        return list(self.pages.values()), documents, data

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
        meta: dict[str, Any] = {
            # Material puts meta.title into <title> and the header without escaping
            "title": str(escape(spec.title)),
            "archive_seo": page_meta(self.catalogue, spec.ref, self.router, spec.title, spec.description),
        }
        if spec.description:
            meta["description"] = str(escape(spec.description))
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
        addition = hand_written_addition(self.catalogue, self.settings, src, is_homepage)
        if addition is None:
            return PageContent(html)
        template, context = addition
        return PageContent(html + render_page(self.env, template, context, page_url, self.url_of))

    # ------------------------------------------------------------------ search and policies

    def start(self, indexer: Callable[..., SiteIndexer] = SiteIndexer) -> None:
        """The pages are about to be read: start Pagefind, and the policies (not under ``serve``, whose
        live-reload script a policy would block)."""
        self.close()
        self._indexed.clear()
        self._indexer = indexer(language="en", router=self.router)
        self._policies = None if self.serving else PolicyWriter()

    def index_page(self, dest: str, part: str) -> None:
        """A page's indexed part (partials/archive-indexed.html as rendered), as soon as it is read."""
        if self._indexer is None:
            return
        self._indexed[dest] = fingerprint = IndexedPart.of(part)
        if fingerprint.marked:  # an unmarked page is not indexed once any page is marked
            self._indexer.add_page(dest, IndexedPart.document(part))

    def pages_read(self) -> None:
        """Every page has been read: Pagefind writes the index while the pages are written."""
        if self._indexer is not None:
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
        return indexer.finish(self.site_dir) if indexer is not None else None

    def finish_site(self) -> None:
        """Last step of a good build: policies for HTML not seen as a page (404.html), and _headers."""
        if self._policies is not None:
            self._policies.finish(self.site_dir)
            self._policies = None
        self._ok = True

    # ------------------------------------------------------------------ the end

    def close(self) -> None:
        """Stop Pagefind if it runs (safe to call twice)."""
        if self._indexer is not None:
            self._indexer.close()
            self._indexer = None

    def failed(self) -> None:
        self._ok = False
        self.close()

    def end(self) -> str | None:
        """The command is over: publish a good build, discard a failed one. Returns what to tell the
        maintainer when the build failed, else None."""
        self.close()
        if not self._publishing:
            return None
        self._publishing = False
        if self._ok:
            publish(self.site_dir, self.config.site_dir)
            return None
        discard(self.site_dir)
        return f"The build failed; the previous site in {self.config.site_dir} was left untouched."
