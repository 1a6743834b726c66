"""MkDocs adapter: the only module that knows MkDocs. It forwards each event to the build's
:class:`projarchive.session.BuildSession` (made in ``on_config``, ended in ``on_shutdown``) and
turns plain data into MkDocs objects; every rule lives in ``src/projarchive``.
"""

from __future__ import annotations

import functools
import logging
import os

from jinja2 import Template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from projarchive.problems import BuildError
from projarchive.session import BuildConfig, BuildSession

log = logging.getLogger("mkdocs.hooks.archive")


class _Command:
    """What outlives one build: the command (from on_startup) and the current build session, with the
    theme's template of a page's indexed part (MkDocs' environment, fetched once a build)."""

    name: str | None = None
    session: BuildSession | None = None
    indexed: Template | None = None


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


def _session() -> BuildSession:
    assert _command.session is not None, "on_config made no build session"
    return _command.session


def on_startup(command: str, dirty: bool) -> None:
    _command.name = command


@_reported
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if _command.session is not None:  # `mkdocs serve` rebuilds with the same hooks
        _command.session.end()
        _command.session = None
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    session = _command.session = BuildSession(BuildConfig(
        root=root, docs_dir=config.docs_dir, site_dir=config.site_dir,
        templates=config.theme.custom_dir or os.path.join(root, "overrides"),
        site_url=config.site_url or "", site_name=config.site_name,
        directory_urls=config.use_directory_urls, options=config.extra.get("archive") or {},
        command=_command.name,
    ))
    config.site_dir = session.site_dir
    config.watch.extend(path for path in session.watched_folders() if path not in config.watch)
    return config


@_reported
def on_files(files: Files, config: MkDocsConfig) -> Files:
    session = _session()
    pages, documents, data = session.generated_files(f.src_uri for f in files)
    for spec in pages:
        f = File.generated(config, spec.src, content="")
        f.edit_uri = session.edit_path(spec)
        files.append(f)
    for dest, path in documents:
        files.append(File.generated(config, dest, abs_src_path=path))
    for dest, text in data.items():
        files.append(File.generated(config, dest, content=text))
    return files


@_reported
def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    # every plugin has placed its files by now (Material's blog moves its posts in on_files)
    _session().site_files({f.src_uri: (f.dest_uri, f.url) for f in files})
    _session().set_navigation(p.url for p in nav.pages)
    return nav


@_reported
def on_pre_build(config: MkDocsConfig) -> None:
    _command.indexed = config.theme.get_env().get_template("partials/archive-indexed.html")
    _session().start()


@_reported
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    found = _session().page_meta(page.file.src_uri, page.meta.get("template"), page.meta, page.is_homepage)
    page.meta.update(found.meta)
    if found.update_date:
        page.update_date = found.update_date
    return markdown


@_reported
def _on_page_content_archive(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    content = _session().page_content(page.file.src_uri, html, page.url, page.is_homepage)
    if content.toc is not None:
        page.toc = get_toc([{"level": 2, "id": anchor, "name": name, "children": []}
                            for anchor, name in content.toc])
    return content.html


@event_priority(-100)  # last: after every plugin has changed the content
@_reported
def _on_page_content_search(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Hand Pagefind the page's indexed part now, so it indexes while MkDocs goes on (projarchive.search)."""
    assert _command.indexed is not None
    part = _command.indexed.render(page=page, config=config, archive_content=html).strip()
    _session().index_page(page.file.dest_uri, part)
    return html


on_page_content = CombinedEvent(_on_page_content_archive, _on_page_content_search)


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    context["archive_nav_key"] = _session().nav_key(page.url)
    return context


@_reported
def on_env(env, config: MkDocsConfig, files: Files):
    env.globals.update(_session().template_globals())  # archive_once (main.html), archive_search (header)
    _session().pages_read()
    return env


@event_priority(-100)  # last: after every plugin has changed the page, just before MkDocs writes it
@_reported
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _session().page_written(page.file.dest_uri, output)


@event_priority(50)  # before other post-build steps, which may read or fingerprint pagefind/
@_reported
def _on_post_build_search(config: MkDocsConfig) -> None:
    report = _session().finish_index()
    if report is not None:
        log.info("Pagefind indexed %d pages (%d words, %d filters).", report.pages, report.words, report.filters)


@event_priority(-100)  # after every plugin has written its files
def _on_post_build_done(config: MkDocsConfig) -> None:
    _session().finish_site()


on_post_build = CombinedEvent(_on_post_build_search, _on_post_build_done)


def on_build_error(error: Exception) -> None:
    if _command.session is not None:
        _command.session.failed()


def on_shutdown() -> None:
    session, _command.session = _command.session, None
    message = session.end() if session is not None else None
    if message:
        log.error(message)
