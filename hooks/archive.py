"""MkDocs adapter: the only module that knows MkDocs. It forwards each event to the build's
:class:`projarchive.session.BuildSession` (made in ``on_config``, ended in ``on_shutdown``) and
turns plain data into MkDocs objects; every rule lives in ``src/projarchive``.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import ClassVar

from archive_serve import Preview  # hooks/archive_serve.py: `mkdocs serve`'s incremental preview
from jinja2 import Environment, Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_date

from projarchive.problems import BuildError
from projarchive.session import BuildConfig, BuildSession

log = logging.getLogger("mkdocs.hooks.archive")


class _Command:
    """What outlives one build: the command (from on_startup) and the current build session, with the
    theme's template of a page's indexed part (MkDocs' environment, fetched once a build); under
    `mkdocs serve`, the preview that updates the site after a save, and this build's files and nav."""

    name: str | None = None
    session: BuildSession | None = None
    indexed: Template | None = None
    nav_pages: ClassVar[dict[str, Page]] = {}  # URL -> the navigation's Page (on_nav), to mark where a generated page belongs
    marked: Page | None = None
    preview: Preview | None = None
    files: Files | None = None
    nav: Navigation | None = None
    env: Environment | None = None


_command = _Command()


def _reported(handler):
    """A BuildError stops the build with its message as it is, as MkDocs shows a plugin's error."""
    @functools.wraps(handler)
    def run(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except BuildError as e:
            raise PluginError(str(e)) from None
    return run


class _GeneratedPage(Page):
    """A page the archive renders whole (``on_page_content``). Its Markdown source is empty, so MkDocs'
    own rendering would only make a Markdown instance for nothing: about 0.5 ms a page, 10 s of a
    10,000-project build. Everything else about it is MkDocs' Page."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


class _WrittenFile(File):
    """A data file the archive writes into the site folder itself (exports, feed, citation files:
    BuildSession.generated_files). MkDocs would "copy" it onto itself: a folder made, two stats and
    a SameFileError for each of 37,000 files at 10,000 projects. Everything else is MkDocs' File."""

    def copy_file(self, dirty: bool = False) -> None:
        pass


def _session() -> BuildSession:
    assert _command.session is not None, "on_config made no build session"
    return _command.session


def on_startup(command: str, dirty: bool) -> None:
    _command.name = command
    if command == "serve":
        _command.preview = Preview(lambda: _command.session, lambda f, config: _GeneratedPage(None, f, config))


@_reported
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _command.preview is not None:
        _command.preview.build_started(config)
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    session = BuildSession(BuildConfig(
        root=root, docs_dir=config.docs_dir, site_dir=config.site_dir,
        templates=config.theme.custom_dir or os.path.join(root, "overrides"),
        site_url=config.site_url or "", site_name=config.site_name,
        directory_urls=config.use_directory_urls, options=config.extra.get("archive") or {},
        config_file=config.config_file_path or "",
        command=_command.name, language=config.theme.get("language") or "en",
    ), notify=log.info)  # info, not warning: --strict stops on a warning
    # `mkdocs serve` builds again with the same hooks. Only now, with the new session made, is the last
    # one ended: if the records have problems, the last good one stays, and the next save can update it.
    if _command.session is not None:
        _command.session.end()
    _command.session = session
    config.site_dir = session.site_dir
    config.markdown_extensions.extend(session.markdown_extensions())
    config.watch.extend(path for path in session.watched_folders() if path not in config.watch)
    return config


@_reported
def on_files(files: Files, config: MkDocsConfig) -> Files:
    session = _session()
    for f in files:  # our scripts and style sheets, published minified
        if (text := session.published_asset(f.src_uri, f.abs_src_path)) is not None:
            f.content_string = text
    pages, documents, data = session.generated_files(f.src_uri for f in files)
    for spec in pages:
        f = File.generated(config, spec.src, content="")
        # MkDocs reads the content given; the file it is made from is there for plugins that stat a
        # page's source (MaterialX's blog stops on a page without one; README "Platforms")
        f.abs_src_path = session.source_path(spec)
        f.edit_uri = session.edit_path(spec)
        files.append(f)
    for dest, path in documents:
        files.append(File.generated(config, dest, abs_src_path=path))
    for dest, path in data:  # written into the site folder by the archive: nothing for MkDocs to copy
        files.append(_WrittenFile.generated(config, dest, abs_src_path=path))
    return files


@_reported
def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    # every plugin has placed its files by now (Material's blog moves its posts in on_files)
    session = _session()
    _command.files, _command.nav = files, nav
    session.site_files({f.src_uri: (f.dest_uri, f.url) for f in files})
    session.set_navigation(p.url for p in nav.pages)
    _command.nav_pages = {p.url: p for p in nav.pages}
    for f in files:  # MkDocs has made a Page for every file by now (get_navigation)
        if type(f.page) is Page and session.generates(f.src_uri):
            f.page.__class__ = _GeneratedPage
    return nav


@_reported
def on_pre_build(config: MkDocsConfig) -> None:
    _command.indexed = config.theme.get_env().get_template("partials/archive-indexed.html")
    _session().start()


@_reported
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    session = _session()
    found = session.page_meta(page.file.src_uri, page.meta.get("template"), page.meta, page.is_homepage)
    page.meta.update(found.meta)
    if found.update_date:
        page.update_date = found.update_date
    elif session.generates(page.file.src_uri):  # read again by a preview update: no date of its own now
        page.update_date = get_build_date()
    return markdown


@_reported
def _on_page_content_archive(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    content = _session().page_content(page.file.src_uri, html, page.url, page.is_homepage)
    if content.toc is not None:
        page.toc = get_toc([{"level": 2, "id": anchor, "name": name, "children": []}
                            for anchor, name in content.toc])
    if content.anchors and isinstance(getattr(page, "present_anchor_ids", None), set):
        page.present_anchor_ids.update(content.anchors)  # MkDocs checks links to anchors against these
    return content.html


@event_priority(-100)  # last: after every plugin has changed the content
@_reported
def _on_page_content_search(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Hand Pagefind the page's indexed part now, so it indexes while MkDocs goes on (projarchive.search)."""
    assert _command.indexed is not None
    part = _command.indexed.render(page=page, config=config, archive_content=html).strip()
    _session().index_page(page.file.dest_uri, part)
    return _session().hold_content(page.file.src_uri, html)  # until it is written (on_page_context)


on_page_content = CombinedEvent(_on_page_content_archive, _on_page_content_search)


@event_priority(100)  # first: the page's content, held since it was read, is back before anyone reads it
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    held = _session().release_content(page.file.src_uri)
    if held is not None:
        page.content = held
    context["archive_nav_key"] = _session().nav_key(page.url)
    place = _session().nav_place(page.url)  # Material highlights the tab and opens the section of an active entry
    if place is not None and place in _command.nav_pages:
        _command.marked = _command.nav_pages[place]
        _command.marked.active = True
    return context


@_reported
def on_env(env, config: MkDocsConfig, files: Files):
    env.globals.update(_session().template_globals())  # archive_once (main.html), archive_search (header)
    _command.env = env
    _session().pages_read()
    return env


@event_priority(-100)  # last: after every plugin has changed the page, just before MkDocs writes it
@_reported
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _command.marked is not None:
        _command.marked.active = False
        _command.marked = None
    if _session().generates(page.file.src_uri):
        page.content = None  # written: not needed again (a preview update reads the page again)
    return _session().page_written(page.file.dest_uri, output)


@event_priority(50)  # before other post-build steps, which may read or fingerprint pagefind/
@_reported
def _on_post_build_search(config: MkDocsConfig) -> None:
    report = _session().finish_index()
    if report is not None:
        log.info("Pagefind indexed %d pages (%d words, %d filters).", report.pages, report.words, report.filters)


@event_priority(-100)  # after every plugin has written its files
@_reported
def _on_post_build_done(config: MkDocsConfig) -> None:
    _session().finish_site()
    if _command.preview is not None:
        assert _command.files is not None and _command.nav is not None and _command.env is not None
        _command.preview.built(config, _command.files, _command.nav, _command.env, _session())


on_post_build = CombinedEvent(_on_post_build_search, _on_post_build_done)


def on_serve(server, config: MkDocsConfig, builder):
    """From now on the preview builds after a save: an update when only records changed (hooks/archive_serve.py)."""
    return _command.preview.attach(server, config, builder) if _command.preview is not None else server


def on_build_error(error: Exception) -> None:
    if _command.session is not None:
        _command.session.failed()


def on_shutdown() -> None:
    session, _command.session = _command.session, None
    try:
        message = session.end() if session is not None else None
    except BuildError as e:  # a good build that could not be published
        log.error(str(e))
        raise Abort("Aborted: the site was built but not published.") from None
    if message:
        log.error(message)
