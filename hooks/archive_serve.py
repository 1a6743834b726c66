"""`mkdocs serve` for the archive: the MkDocs side of the incremental preview (projarchive.preview).

MkDocs' own server rebuilds the whole site on every save (95 s at 10,000 projects), and when a
build fails it leaves the browser on the old page while every request waits for a good build.
:class:`Preview` replaces its builder (``on_serve``):

* a save that touches only records (``projects/``, ``contacts/``, ``resources/``) is an update:
  the build session loads the changed files and says which pages, documents and data files
  changed (:meth:`BuildSession.preview_update`); only those pages are read and rendered again,
  through MkDocs' and every plugin's page events, and written once all of them rendered; the
  search index is made again beside the server (:class:`projarchive.search.BackgroundIndex`);
* anything else (``mkdocs.yml``, templates, ``docs/``, news posts) is a full build, as before;
* a build or update that fails never raises to MkDocs' server: the server then shows the last good
  site (nothing of a failed update is written), the browsers reload, and every page carries the
  ``file:line:col: error: …`` list at its top (:func:`projarchive.preview.with_errors`) until a
  save builds again. The terminal shows the same list, without a traceback.

This module knows MkDocs (its File, Page and build steps); the rules are in src/projarchive.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from jinja2 import Environment, TemplateError
from mkdocs.commands.build import _build_theme_template, _populate_page, get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import write_file

from projarchive.preview import (
    changed_paths,
    error_app,
    errors_html,
    failure_lines,
    needs_full_build,
    patch_snapshot,
    remove_from_site,
    take_snapshot,
)
from projarchive.problems import BuildError
from projarchive.public import write_files
from projarchive.render import make_environment
from projarchive.session import BuildSession, PreviewUpdate

log = logging.getLogger("mkdocs.hooks.archive")


@dataclass
class Site:
    """The MkDocs objects of the last good build, which an update changes and renders with."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Environment
    ours: list[File]  # the files the archive generated, in the order they were added


class _Failed(Exception):
    """A build or update failed; ``lines`` say why, as the maintainer reads them."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _Warnings(logging.Handler):
    """MkDocs' warnings while an update renders: under ``strict`` they fail it, as they fail a build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> Self:
        logging.getLogger("mkdocs").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("mkdocs").removeHandler(self)


class Preview:
    """One `mkdocs serve`: decides for each save between an update and a full build, applies
    updates to the site, and keeps the errors of a failed one for the browser."""

    def __init__(self, session: Callable[[], BuildSession | None], make_page: Callable[[File, MkDocsConfig], Page]):
        self._session = session
        self._make_page = make_page
        self.site: Site | None = None
        self.errors: list[str] | None = None  # why the last save did not build (None: it did)
        self.box: str | None = None  # the errors as every page shows them at its top
        self._good: dict[str, tuple[int, int, int, int]] | None = None  # files as the last good build read them
        self._starting: dict[str, tuple[int, int, int, int]] | None = None
        self._server = None
        self._full_build: Callable[[], None] | None = None
        self._watched: set[str] = set()
        self._templates = ""
        self._saves = _Saves()  # the paths the system said changed (when it tells: _native_watching)
        self._seen: dict[str, tuple[int, int, int, int]] | None = None  # the files as the last save found them

    # ------------------------------------------------------------------ MkDocs events (via hooks/archive.py)

    def build_started(self, config: MkDocsConfig) -> None:
        """A full build reads its files from now on: what they are now is what it will have built.
        What the last one made may be collected again (see :meth:`built`)."""
        gc.unfreeze()
        self._templates = config.theme.custom_dir or self._templates
        self._watched |= {config.docs_dir, *(config.config_file_path and [config.config_file_path] or []),
                          *config.watch}
        if config.theme.custom_dir:
            self._watched.add(config.theme.custom_dir)
        self._starting = self._seen = take_snapshot(self._watched_paths())

    def built(self, config: MkDocsConfig, files: Files, nav: Navigation, env: Environment,
              session: BuildSession) -> None:
        """A full build succeeded: updates start from it."""
        ours = [f for src in session.generated_sources() if (f := files.get_file_from_path(src)) is not None]
        self.site = Site(config, files, nav, env, ours)
        self._good, self._starting = self._starting, None
        # What the build made (millions of objects at 10,000 projects) lives until the next full build:
        # the cyclic garbage collector need not walk it again during every update.
        gc.collect()
        gc.freeze()

    def attach(self, server, config: MkDocsConfig, builder: Callable[[], None]):
        """``on_serve``: this object builds from now on, the server shows the errors of a failed build,
        and it learns of saves from the operating system where it can (:func:`_native_watching`)."""
        self._server = server
        self._full_build = builder
        server.builder = self.rebuild
        server.set_app(error_app(server.serve_request, lambda: self.box))
        _native_watching(server, [config.docs_dir, config.config_file_path, *config.watch], self._saves)
        return server

    # ------------------------------------------------------------------ a save

    def rebuild(self) -> None:
        """What MkDocs' server calls after a save. Never raises: a failure is shown, not thrown."""
        started = time.monotonic()
        try:
            how = self._rebuild()
        except _Failed as e:
            self.errors = e.lines
            session = self._session()
            env = session.env if session is not None else make_environment([self._templates])
            self.box = errors_html(env, e.lines)
            log.error("The site was not rebuilt; every page shows why until a save builds:\n  %s",
                      "\n  ".join(e.lines))
            return
        self.errors = self.box = None
        if how:
            log.info("%s in %.2f s", how, time.monotonic() - started)

    def _rebuild(self) -> str | None:
        session = self._session()
        steps = _Steps()
        told = self._saves.take()
        if told is not None and self._seen is not None:  # look again only at what the system said changed
            now = patch_snapshot(self._seen, told, self._watched_paths())
        else:
            now = take_snapshot(self._watched_paths())
        self._seen = now
        steps("files compared")
        log.debug("Save: %s", steps)
        changed = changed_paths(self._good, now) if self._good is not None else None
        if changed is not None and not changed and self.errors is None:
            return None  # an editor's temporary file came and went
        if session is not None:
            session.search_pause()  # the index being made again after the last save is out of date
        outside = needs_full_build(changed, session.config.root) if changed is not None and session else ["?"]
        if outside or session is None or self.site is None or not session.can_preview():
            self._full()
            return "Built the whole site" + (f" ({_shown(outside)} changed)" if outside and outside != ["?"] else "")
        return self._update(session, now)

    def _full(self) -> None:
        assert self._full_build is not None
        with _Warnings() as warnings:
            try:
                self._full_build()
            except BaseException as e:  # MkDocs ends a failed build with SystemExit (Abort)
                if isinstance(e, KeyboardInterrupt):
                    raise
                raise _Failed(failure_lines(e, warnings.messages)) from None

    def _update(self, session: BuildSession, now: dict[str, tuple[int, int, int, int]]) -> str:
        site = self.site
        assert site is not None
        steps = _Steps()
        try:
            update = session.preview_update(now)
        except BuildError as e:
            raise _Failed(str(e).splitlines()) from None
        steps("records and page models")
        if update.empty:
            self._good = now
            session.preview_done(())
            return "No page changed"
        try:
            with _Warnings() as warnings:
                files, ours, pages = self._files(site, session, update)
                outputs = self._render(site, files, pages)
                steps(f"{len(pages)} pages rendered")
            if warnings.messages and site.config.strict:
                raise _Failed(warnings.messages)
        except _Failed:
            session.preview_failed()
            raise
        except (BuildError, TemplateError, OSError) as e:
            session.preview_failed()
            raise _Failed(failure_lines(e, [])) from None
        self._write(site, files, update, outputs)
        steps("written")
        site.files, site.ours = files, ours
        order = [f.dest_uri for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve)]
        session.search_again(session.preview_done(order), self._indexed)
        self._good = now
        log.debug("Update: %s", steps)
        n = len(update.changed) + len(update.added)
        return (f"Updated {n} page{'s' if n != 1 else ''}"
                + (f", removed {len(update.removed)}" if update.removed else "")
                + (f", {len(update.data)} data file{'s' if len(update.data) != 1 else ''}" if update.data else ""))

    # ------------------------------------------------------------------ MkDocs objects

    def _files(self, site: Site, session: BuildSession, update: PreviewUpdate) -> tuple[Files, list[File], list[Page]]:
        """The site's files after the update, in the order a full build has them; the archive's own
        among them; and the pages to read and render again."""
        config = site.config
        known = {f.src_uri: f for f in site.ours}
        for spec in update.added:
            f = known[spec.src] = File.generated(config, spec.src, content="")
            f.edit_uri = session.edit_path(spec)
            set_exclusions([f], config)
        for dest, path in update.documents:
            if dest not in known or known[dest].abs_src_path != path:  # a ZIP made again comes from another file
                known[dest] = File.generated(config, dest, abs_src_path=path)
                set_exclusions([known[dest]], config)
        for dest in update.data:  # a new record's data files (its citations), written into the site folder
            if dest not in known:
                known[dest] = File.generated(config, dest, abs_src_path=os.path.join(site.config.site_dir,
                                                                                     *dest.split("/")))
                set_exclusions([known[dest]], config)
        ours = [known[src] for src in session.generated_sources()]
        mine = {id(f) for f in site.ours}
        at = next((i for i, f in enumerate(site.files) if id(f) in mine), len(site.files))
        others = [f for f in site.files if id(f) not in mine]
        files = Files([*others[:at], *ours, *others[at:]])
        session.site_files({f.src_uri: (f.dest_uri, f.url) for f in files})
        pages = []
        for src in (*update.changed, *(spec.src for spec in update.added)):
            f = known[src]
            pages.append(f.page if f.page is not None else self._make_page(f, config))
        if update.hand_written:
            pages += [f.page for f in files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
                      if f.page is not None and not session.generates(f.src_uri)]
        return files, ours, pages

    def _render(self, site: Site, files: Files, pages: list[Page]) -> dict[str, str]:
        """Read, then render every page (MkDocs' build steps, with every plugin's events); nothing is
        written until all of them rendered."""
        config, nav, env = site.config, site.nav, site.env
        order = {f.src_uri: i for i, f in enumerate(files)}
        pages.sort(key=lambda p: order[p.file.src_uri])
        for page in pages:
            try:
                _populate_page(page, config, files)
            except Exception as e:  # noqa: BLE001 - whatever a page's plugins raise is shown, not thrown
                raise _Failed(failure_lines(e, [])) from None
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        outputs: dict[str, str] = {}
        for page in pages:  # mkdocs.commands.build._build_page, without its write
            config._current_page = page
            try:
                page.active = True
                context = get_context(nav, doc_files, config, page)
                template = env.get_template(page.meta.get("template", "main.html"))
                context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
                output = template.render(context)
                outputs[page.file.abs_dest_path] = config.plugins.on_post_page(output, page=page, config=config)
            except Exception as e:  # noqa: BLE001 - as above
                raise _Failed(failure_lines(e, [])) from None
            finally:
                page.active = False
                config._current_page = None
        return outputs

    def _write(self, site: Site, files: Files, update: PreviewUpdate, outputs: dict[str, str]) -> None:
        """Everything an update changes in the site folder, once every page has rendered."""
        config = site.config
        for path, output in outputs.items():
            write_file(output.encode("utf-8", errors="xmlcharrefreplace"), path)
        gone = {f.src_uri: f for f in site.ours}
        for src in (*update.removed, *update.removed_documents, *update.removed_data):
            if src in gone:
                remove_from_site(gone[src].abs_dest_path, config.site_dir)
        write_files(config.site_dir, update.data)  # the data files that changed (path under the site -> text)
        for dest, _ in update.documents:  # looked up, not found in a walk of the site's 60,000 files
            f = files.get_file_from_path(dest)
            if f is not None:
                f.copy_file()
        if update.sitemap:
            _build_theme_template("sitemap.xml", site.env, files, config, site.nav)

    def _indexed(self, report, error: str | None) -> None:
        if error:
            log.warning("The search index was not made again: %s", error)
        elif report is not None:
            log.info("Search index made again (%d pages).", report.pages)

    def _watched_paths(self) -> list[str]:
        server_paths = getattr(self._server, "_watched_paths", None) or {}
        return sorted({*self._watched, *server_paths})


class _Saves:
    """The paths the operating system said were created, changed, deleted or moved since the last save
    was built: a save then looks again at those files only (projarchive.preview.patch_snapshot), not at
    every watched file. Told nothing, or of a folder created, deleted or moved (its files may have no
    events of their own), :meth:`take` says to look at everything."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._everything = True  # until told of changes, nothing is known

    def record(self, event) -> None:
        with self._lock:
            if event.is_directory:
                if event.event_type in ("created", "deleted", "moved"):
                    self._everything = True
                return
            self._paths.add(os.fsdecode(event.src_path))
            if getattr(event, "dest_path", None):
                self._paths.add(os.fsdecode(event.dest_path))

    def take(self) -> set[str] | None:
        """The paths said to have changed since the last call, or None: look at every file."""
        with self._lock:
            paths, everything = self._paths, self._everything
            self._paths, self._everything = set(), False
        return None if everything or not paths else paths


def _changes_only_observer(saves: _Saves):
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer

    class Told(FileSystemEventHandler):
        """MkDocs' handler, after the event is recorded (before the server can start building on it)."""

        def __init__(self, handler) -> None:
            self.handler = handler

        def dispatch(self, event) -> None:
            saves.record(event)
            self.handler.dispatch(event)

    class ChangesOnly(Observer):  # type: ignore[misc, valid-type]
        """The native observer, told of changes only: reading a file (the build does) is not a save.
        (Folders created, deleted or moved reach MkDocs' handler too, which leaves them be.)"""

        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, follow_symlink=False):
            changes = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
                       DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
            return super().schedule(Told(event_handler), path, recursive=recursive,
                                    event_filter=event_filter or changes, follow_symlink=follow_symlink)

    return ChangesOnly()


def _native_watching(server, paths: list[str], saves: _Saves) -> None:
    """Let the operating system say when a file changes (inotify on Linux, FSEvents on macOS), instead
    of MkDocs' polling of every watched file twice a second: at 10,000 projects that walk of 20,000
    files takes a third of a core, competes with every update for the interpreter, and is half a
    second late. Tried first on every path to watch (a system can run out of watches); where it
    cannot, or with PROJARCHIVE_WATCH=poll (file systems that do not report changes, such as some
    shared folders of virtual machines), MkDocs' polling stays."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if os.environ.get("PROJARCHIVE_WATCH") == "poll" or Observer is PollingObserver:
        return
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict):
        return  # not the MkDocs 1.6 server this was written for
    probe = Observer()
    try:
        for path in {os.path.abspath(p) for p in [*paths, *watched] if p and os.path.exists(p)}:
            probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError as e:
        log.info("Watching files by polling (the system could not watch them: %s)", e)
        return
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = _changes_only_observer(saves)
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)


class _Steps:
    """Seconds (and CPU seconds of this thread) each step of an update took, for `mkdocs serve -v`."""

    def __init__(self) -> None:
        self.at = (time.perf_counter(), time.thread_time())
        self.steps: list[str] = []

    def __call__(self, what: str) -> None:
        now = (time.perf_counter(), time.thread_time())
        self.steps.append(f"{what} {now[0] - self.at[0]:.2f} s ({now[1] - self.at[1]:.2f} s CPU)")
        self.at = now

    def __str__(self) -> str:
        return "; ".join(self.steps)


def _shown(paths: list[str]) -> str:
    names = [os.path.relpath(p) if not os.path.relpath(p).startswith("..") else p for p in paths[:3]]
    return ", ".join(names) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
