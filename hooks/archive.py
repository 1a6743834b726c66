"""MkDocs adapter: the only module that knows MkDocs.

Each handler calls pure functions from :mod:`projarchive` and hands their
results to MkDocs. No business rules live here.

* ``on_config``   — load and validate every record (before MkDocs cleans the
  site folder, so a bad record leaves the last good site untouched);
* ``on_files``    — add the generated pages and the downloadable files;
* ``on_page_markdown`` / ``on_page_content`` — give generated pages their title,
  description, HTML (rendered by our autoescaping templates) and table of contents;
* ``on_page_content`` on the home page — append the counts and recent projects;
* ``on_page_content`` (last) / ``on_env`` — each page's indexed part goes to Pagefind as soon
  as it is read, and Pagefind writes the index while MkDocs writes the pages (projarchive.search);
* ``on_page_context`` — pages outside the navigation share parts rendered once per folder;
* ``on_post_page`` (last) — the page as written must hold what was indexed; it gets its
  Content Security Policy; ``on_post_build`` finishes both over whatever else was written.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from jinja2 import Environment, Template
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from projarchive.catalogue import Catalogue, load_catalogue
from projarchive.dates import build_date
from projarchive.files import CACHE_FILE, FactsCache, file_dest
from projarchive.pages import (
    PageSpec,
    Settings,
    home_context,
    news_context,
    render_page,
    settings_from,
    shared_nav_key,
    site_pages,
)
from projarchive.problems import ArchiveError
from projarchive.public import PolicyWriter, public_files
from projarchive.publish import discard, publish, staging_dir
from projarchive.render import SharedParts, make_environment, render
from projarchive.schema import FOLDERS, key_reference
from projarchive.search import IndexedPart, SearchIndexError, SiteIndexer
from projarchive.seo import page_meta, record_lastmod

log = logging.getLogger("mkdocs.hooks.archive")


@dataclass
class _Build:
    """What one build knows; rebuilt on every ``on_config`` (``serve`` does not reload hooks)."""

    catalogue: Catalogue
    settings: Settings
    pages: dict[str, PageSpec]
    env: object
    root: str
    nav_urls: frozenset[str] = frozenset()
    urls: dict[str, str] = field(default_factory=dict)  # source path -> site URL, as MkDocs' files say
    # "0": every page renders every part itself (a test compares); see render.SharedParts
    share_parts: bool = os.environ.get("PROJARCHIVE_NAV_CACHE") != "0"


_build: _Build | None = None
_command: str | None = None
_publish: dict[str, object] = {}  # staging/site/ok for the current `mkdocs build`
_indexer: SiteIndexer | None = None  # Pagefind, fed page by page during a build
_policies: PolicyWriter | None = None  # the CSP, page by page (not under `mkdocs serve`)
_indexed: dict[str, IndexedPart] = {}  # page (site path) -> what Pagefind was given, checked when written
_indexed_template: Template | None = None  # overrides/partials/archive-indexed.html, in the theme's environment


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def _root(config: MkDocsConfig) -> str:
    return os.path.dirname(os.path.abspath(config.config_file_path))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    root = _root(config)
    try:
        settings = settings_from(dict(config.extra.get("archive") or {}))
        cache = FactsCache(os.path.join(root, CACHE_FILE))
        catalogue = load_catalogue(root, build_date=build_date(), docs_dir=config.docs_dir, facts_cache=cache)
        cache.save()
    except ArchiveError as e:
        raise PluginError(f"the archive's records have problems:\n{e}") from None
    except ValueError as e:
        raise PluginError(str(e)) from None
    templates = os.path.join(root, config.theme.custom_dir or "overrides")
    _build = _Build(
        catalogue=catalogue,
        settings=settings,
        pages={p.src: p for p in site_pages(catalogue, settings)},
        env=make_environment([templates]),
        root=root,
    )
    _build.env.globals["archive"] = settings  # site-wide choices the templates show (extra.archive)
    _stage(config)
    for folder in ("projects", "contacts", "resources"):
        path = os.path.join(root, folder)
        if os.path.isdir(path) and path not in config.watch:
            config.watch.append(path)
    return config


def _stage(config: MkDocsConfig) -> None:
    """For `mkdocs build`, build into a staging folder; on_shutdown swaps it in if all went well."""
    _publish.clear()
    site = config.site_dir
    serving = os.path.basename(site).startswith("mkdocs_")  # `mkdocs serve` builds into a temp folder
    if _command != "build" or serving:
        return
    staging = staging_dir(site)
    discard(staging)
    _publish.update(site=site, staging=staging, ok=False)
    config.site_dir = staging


def _stop_indexer() -> None:
    global _indexer
    if _indexer is not None:
        _indexer.close()
        _indexer = None


def on_pre_build(config: MkDocsConfig) -> None:
    global _indexer, _policies, _indexed_template
    _stop_indexer()
    _indexed.clear()
    _indexed_template = config.theme.get_env().get_template("partials/archive-indexed.html")
    try:
        _indexer = SiteIndexer(language="en")
    except SearchIndexError as e:
        raise PluginError(str(e)) from None
    # `mkdocs serve` injects an inline live-reload script a CSP would block
    _policies = PolicyWriter() if _command != "serve" else None


@event_priority(-100)  # last: after every plugin has changed the content
def _on_page_content_search(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Hand Pagefind the page's indexed part now, so it indexes while MkDocs goes on (projarchive.search)."""
    if _indexer is None or _indexed_template is None:
        return html
    rel = page.file.dest_uri
    part = _indexed_template.render(page=page, config=config, archive_content=html).strip()
    _indexed[rel] = fingerprint = IndexedPart.of(part)
    if fingerprint.marked:  # an unmarked page is not indexed once any page is marked
        try:
            _indexer.add_page(rel, IndexedPart.document(part))
        except SearchIndexError as e:
            raise PluginError(str(e)) from None
    return html


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    env.globals["archive_once"] = SharedParts()  # main.html: parts rendered once per folder, per build
    if _indexer is not None:  # every page has been read: Pagefind writes while MkDocs writes the pages
        try:
            _indexer.write(config.site_dir)
        except SearchIndexError as e:
            raise PluginError(str(e)) from None
    return env


@event_priority(-100)  # last: after every plugin has changed the page, just before MkDocs writes it
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    rel = page.file.dest_uri
    part = _indexed.pop(rel, None)
    if part is not None and not part.written_in(output):
        raise PluginError(
            f"{rel}: the page as written is not what was indexed for search. Its template must include "
            "partials/archive-indexed.html as partials/content.html does (or the page's meta must say "
            "`search: {exclude: true}`), and no plugin may change page.content after on_page_content.")
    if _policies is not None:
        output = _policies.page(rel, output)  # issue #5: the page's CSP, from its inline scripts as written
    return output


@event_priority(50)  # before other post-build steps, which may read or fingerprint pagefind/
def _on_post_build_search(config: MkDocsConfig) -> None:
    """Finish the index (the staging folder during `mkdocs build`): pages not seen yet, then write it."""
    global _indexer
    indexer, _indexer = _indexer, None
    if indexer is None:
        return
    try:
        report = indexer.finish(config.site_dir)
    except SearchIndexError as e:
        raise PluginError(str(e)) from None
    log.info("Pagefind indexed %d pages (%d words, %d filters).", report.pages, report.words, report.filters)


@event_priority(-100)  # after every plugin has written its files
def _on_post_build_done(config: MkDocsConfig) -> None:
    global _policies
    if _policies is not None:
        _policies.finish(config.site_dir)  # the CSP for HTML not seen as a page (404.html), and _headers
        _policies = None
    if _publish:
        _publish["ok"] = True


# a hooks module has one attribute per event; CombinedEvent registers each handler at its own priority
on_post_build = CombinedEvent(_on_post_build_search, _on_post_build_done)


def on_build_error(error: Exception) -> None:
    _stop_indexer()
    if _publish:
        _publish["ok"] = False


def on_shutdown() -> None:
    _stop_indexer()
    if not _publish:
        return
    if _publish["ok"]:
        publish(str(_publish["staging"]), str(_publish["site"]))
    else:
        discard(str(_publish["staging"]))
        log.error("The build failed; the previous site in %s was left untouched.", _publish["site"])
    _publish.clear()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None
    for spec in _build.pages.values():
        if files.get_file_from_path(spec.src) is not None:
            raise PluginError(
                f"docs/{spec.src} clashes with a page the archive generates; rename or remove it"
            )
        f = File.generated(config, spec.src, content="")
        f.edit_uri = f"../{spec.record}" if spec.record else None
        files.append(f)
    resources = os.path.join(_build.root, "resources")
    for rel in _build.catalogue.facts:
        files.append(File.generated(config, file_dest(rel), abs_src_path=os.path.join(resources, *rel.split("/"))))
    for dest, text in public_files(_build.catalogue, config.site_url or "", config.site_name).items():
        files.append(File.generated(config, dest, content=text))  # issue #5: open data exports and feed
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    assert _build is not None
    _build.nav_urls = frozenset(p.url for p in nav.pages)
    return nav


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    assert _build is not None
    if _build.share_parts:
        context["archive_nav_key"] = shared_nav_key(page.url, _build.nav_urls)
    return context


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _build is not None
    if page.meta.get("template") == "blog.html":
        # Material's blog index, archive and category pages list posts, as our listings list records:
        # not search results (blog.html does not include partials/archive-indexed.html either)
        page.meta["search"] = {"exclude": True}
    spec = _build.pages.get(page.file.src_uri)
    if spec is not None:
        # Material puts meta.title into <title> and the header without escaping.
        page.meta["title"] = str(escape(spec.title))
        if spec.description:
            page.meta["description"] = str(escape(spec.description))
        if not spec.searchable:
            page.meta["search"] = {"exclude": True}  # Material's convention; partials/content.html reads it
        # issue #5: Open Graph, JSON-LD (archive-head.html) and the sitemap date from the record
        page.meta["archive_seo"] = page_meta(_build.catalogue, spec.src, config.site_url or "", spec.title,
                                             spec.description)
        lastmod = record_lastmod(_build.catalogue, spec.src)
        if lastmod is not None:
            page.update_date = lastmod.isoformat()
    return markdown


def _on_page_content_archive(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _build is not None

    def url_of(src: str) -> str:
        url = _build.urls.get(src)
        if url is None:
            f = files.get_file_from_path(src)
            if f is None:
                raise PluginError(f"internal link to {src}, which the site does not have")
            url = _build.urls[src] = f.url
        return url

    spec = _build.pages.get(page.file.src_uri)
    if spec is not None:
        page.toc = get_toc([
            {"level": 2, "id": anchor, "name": str(escape(title)), "children": []} for anchor, title in spec.toc
        ])
        return render_page(_build.env, spec.template, spec.context, page.url, url_of)
    news = news_context(_build.catalogue, page.file.src_uri)
    if news is not None:
        return html + render_page(_build.env, "archive/news-links.html", news, page.url, url_of)
    if page.file.src_uri == "maintainers.md":
        return html + render(_build.env, "archive/keys.html", {"kinds": key_reference(), "folders": FOLDERS})
    if page.is_homepage:
        extra = render_page(_build.env, "archive/home.html", home_context(_build.catalogue, _build.settings),
                            page.url, url_of)
        return html + extra
    return html


on_page_content = CombinedEvent(_on_page_content_archive, _on_page_content_search)
