"""Incremental preview for ``mkdocs serve``: after a save, what in the site must change.

A full build renders every page; a maintainer who saves one record under ``mkdocs serve``
needs only the pages whose content that record can reach. This module decides which, from
two catalogues (before and after the save) and the page models, without knowing MkDocs:

* :func:`take_snapshot` / :func:`changed_paths` — what changed on disk since the last good
  build; a change outside the record folders (``mkdocs.yml``, templates, ``docs/``) asks for
  a full build (:func:`needs_full_build`);
* :class:`ReferenceGraph` — which record names which (every :class:`~projarchive.schema.Id`
  the schema declares), kept up to date record by record;
* :func:`changed_records` — the records that differ between two catalogues, with those whose
  derived facts changed (a project that became a programme, a resource whose file changed);
* :func:`candidates` — every record whose page may show something of a changed record: the
  records within two references of it, before or after the save (a project page shows its
  contacts' organisations: two steps). Their page models are made again and compared with
  the previous ones; only pages whose model differs are rendered (the listings, a few hundred
  at most, are always made again and compared).

Correctness rests on two properties, both tested: a page model holds everything its page
shows (so equal models render equal pages), and every page whose model can change is a
candidate. ``tests/test_preview.py`` compares, after many kinds of edits, the candidates
with the pages whose models really changed, and the served site with a clean build.
"""

from __future__ import annotations

import logging
import os
import stat
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, TemplateError

from . import schema, textlinks
from .catalogue import Catalogue
from .model import RECORD_FOLDERS
from .problems import BuildError
from .render import render

log = logging.getLogger("mkdocs.hooks.archive")  # `mkdocs serve -v` shows a failure's traceback

Ref = tuple[str, str]  # (kind, id) of a record
Snapshot = dict[str, tuple[int, int, int, int]]  # path -> (size, inode, modification and change times in ns),
# as catalogue.signature has them: the loader takes a record file's from here instead of asking the system again


# --------------------------------------------------------------------------- what changed on disk


def take_snapshot(paths: Iterable[str]) -> Snapshot:
    """The size, inode, modification and change times of every file under ``paths`` (files or folders), by
    absolute path. Hidden files and folders (an editor's swap files) are left out, as the loader
    leaves them out."""
    out: Snapshot = {}
    for path in sorted({os.path.abspath(p) for p in paths}):
        if os.path.isdir(path):
            _walk(path, out)
        else:
            try:
                st = os.stat(path)
            except OSError:
                continue
            out[path] = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
    return out


def _walk(folder: str, out: Snapshot) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, out)
                continue
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        out[entry.path] = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


def patch_snapshot(seen: Snapshot, paths: Iterable[str], roots: Iterable[str]) -> Snapshot:
    """What :func:`take_snapshot` of ``roots`` would give now, from ``seen`` (an earlier snapshot of them)
    and the ``paths`` the operating system said changed since (created, changed, deleted, moved from or
    to): only those are looked at again, not the 20,000 files of a large archive. The caller walks
    everything instead when a folder was created, moved or deleted (its files may have no event)."""
    now = dict(seen)
    tops = sorted({os.path.abspath(r) for r in roots}, key=len, reverse=True)
    for path in {os.path.abspath(p) for p in paths}:
        top = next((t for t in tops if path == t or path.startswith(t + os.sep)), None)
        if top is None:
            continue  # not watched by the snapshot
        under = path[len(top):].split(os.sep)
        if any(part.startswith(".") for part in under if part):
            continue  # hidden (an editor's swap file), as take_snapshot leaves them out
        try:
            st = os.lstat(path)
        except OSError:
            now.pop(path, None)
            continue
        if stat.S_ISDIR(st.st_mode):
            continue
        now[path] = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
    return now


def changed_paths(before: Snapshot, after: Snapshot) -> set[str]:
    """Paths added, removed or changed between two snapshots."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def needs_full_build(changed: Iterable[str], root: str) -> list[str]:
    """The changed paths a preview update cannot take in: everything outside the record folders
    (``mkdocs.yml``, templates, hand-written pages, news posts). Empty: records only."""
    folders = tuple(os.path.join(os.path.abspath(root), f) + os.sep for f in RECORD_FOLDERS.values())
    return sorted(p for p in changed if not p.startswith(folders))


# --------------------------------------------------------------------------- references


def references(kind: str, record: Any) -> frozenset[Ref]:
    """Every record ``record`` names, from the schema's :class:`~projarchive.schema.Id` declarations
    and the record links in its Markdown text (``[the toolkit](resource:…)``, :mod:`projarchive.textlinks`:
    the page shows the linked record's title, address or file facts)."""
    out: set[Ref] = set()
    for _, declared, target in schema.leaves(schema.KINDS[kind], record):
        if isinstance(declared, schema.Id):
            out.add((declared.kind, target))
        elif isinstance(declared, schema.Text) and declared.markdown and isinstance(target, str):
            out.update((link.kind, link.id) for link in textlinks.record_links(target) if link.id)
    return frozenset(out)


@dataclass
class ReferenceGraph:
    """Which record names which, both ways; updated record by record as they change."""

    forward: dict[Ref, frozenset[Ref]] = field(default_factory=dict)
    backward: dict[Ref, set[Ref]] = field(default_factory=dict)

    @classmethod
    def of(cls, cat: Catalogue) -> ReferenceGraph:
        graph = cls()
        for ref, record in records_of(cat):
            graph.set(ref, record)
        return graph

    def set(self, ref: Ref, record: Any | None) -> None:
        """``ref`` now says ``record`` (None: it is gone)."""
        for target in self.forward.pop(ref, ()):
            self.backward[target].discard(ref)
        if record is None:
            return
        named = references(ref[0], record)
        self.forward[ref] = named
        for target in named:
            self.backward.setdefault(target, set()).add(ref)

    def restore(self, undo: Undo) -> None:
        """Back to what the graph said before :func:`candidates` changed it."""
        for ref, named in undo.items():
            self.set(ref, None)
            if named is not None:
                self.forward[ref] = named
                for target in named:
                    self.backward.setdefault(target, set()).add(ref)

    def neighbours(self, ref: Ref) -> set[Ref]:
        return {*self.forward.get(ref, ()), *self.backward.get(ref, ())}

    def within(self, start: Iterable[Ref], steps: int) -> set[Ref]:
        """The records at most ``steps`` references away from any of ``start`` (either direction)."""
        seen = set(start)
        edge = set(seen)
        for _ in range(steps):
            edge = {n for ref in edge for n in self.neighbours(ref)} - seen
            seen |= edge
        return seen


def records_of(cat: Catalogue) -> Iterator[tuple[Ref, Any]]:
    for kind, folder in RECORD_FOLDERS.items():
        for record_id, record in getattr(cat, folder).items():
            yield (kind, record_id), record


# --------------------------------------------------------------------------- changed records


def changed_records(before: Catalogue, after: Catalogue) -> set[Ref]:
    """Records added, removed or changed (a changed record is a new object: the loader keeps an
    unchanged one, see projarchive.catalogue.LoadMemo), and records whose derived facts changed:
    a project that became or stopped being a programme, a resource whose documents changed."""
    out: set[Ref] = set()
    for kind, folder in RECORD_FOLDERS.items():
        old, new = getattr(before, folder), getattr(after, folder)
        out |= {(kind, i) for i in old.keys() | new.keys() if old.get(i) is not new.get(i)}
    out |= {("project", i) for i in before._programmes ^ after._programmes}
    moved = {rel for rel in before.facts.keys() | after.facts.keys() if before.facts.get(rel) != after.facts.get(rel)}
    if moved:
        out |= {("resource", r.id) for r in after.resources.values() if any(f.file in moved for f in r.files)}
        out |= {("resource", r.id) for r in before.resources.values() if any(f.file in moved for f in r.files)}
    return out


STEPS = 2  # how far a page reaches: a project page shows each contact's organisation (project → person → organisation)

Undo = dict[Ref, frozenset[Ref] | None]  # what the graph said of some records before a change


def candidates(graph: ReferenceGraph, changed: set[Ref], after: Catalogue) -> tuple[set[Ref], Undo]:
    """Every record whose page may show something of a changed record, before or after the change
    (within :data:`STEPS` references of one). Brings ``graph`` up to date with ``after``; the
    returned undo puts it back (:meth:`ReferenceGraph.restore`)."""
    reach = graph.within(changed, STEPS)
    undo: Undo = {ref: graph.forward.get(ref) for ref in changed}
    for kind, record_id in changed:
        graph.set((kind, record_id), getattr(after, RECORD_FOLDERS[kind]).get(record_id))
    return reach | graph.within(changed, STEPS), undo


def remove_from_site(path: str, site_dir: str) -> None:
    """Remove a file the site no longer has, and the folders it leaves empty."""
    try:
        os.remove(path)
    except FileNotFoundError:
        return
    folder = os.path.dirname(path)
    site_dir = os.path.abspath(site_dir)
    while os.path.abspath(folder).startswith(site_dir + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            break
        folder = os.path.dirname(folder)


def changed_documents(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Documents (paths under resources/) to copy again (new or changed) and to remove, by their facts."""
    copy = sorted(rel for rel, facts in after.items() if before.get(rel) != facts)
    gone = sorted(rel for rel in before if rel not in after)
    return copy, gone


# --------------------------------------------------------------------------- errors in the browser

def failure_lines(error: BaseException, warnings: list[str]) -> list[str]:
    """What a maintainer needs to read of a failure: the archive's own message, MkDocs' errors and
    warnings, or the one line of an unexpected exception (its traceback only with `mkdocs serve -v`)."""
    log.debug("".join(traceback.format_exception(error)))
    cause = error
    while cause is not None and not isinstance(cause, BuildError) and cause.__context__ is not None:
        if "BuildError" in type(cause).__name__ or "PluginError" in type(cause).__name__:
            break
        cause = cause.__context__
    lines = [line for line in warnings if line.strip()]
    if isinstance(cause, BuildError) or type(cause).__name__ in ("PluginError", "BuildError"):
        text = [line for line in str(cause).splitlines() if line.strip()]
        lines = [*lines, *(line for line in text if line not in lines)]
    elif isinstance(error, SystemExit) and lines:
        pass  # MkDocs' "Aborted with N warnings in strict mode!": the warnings say it
    else:
        where = ""
        if isinstance(error, TemplateError) and getattr(error, "filename", None):
            where = f"{error.filename}:{getattr(error, 'lineno', '?')}: "
        lines.append(f"{where}{type(error).__name__}: {error}")
    return lines or [str(error) or type(error).__name__]


ERRORS_TEMPLATE = "archive/serve-errors.html"


def errors_html(env: Environment, lines: list[str]) -> str:
    """The box at the top of every page while a save does not build (autoescaped: errors quote records).
    ``lines`` are the failure as the terminal shows it: the ``file:line:col: error: …`` lines are listed,
    the sentences around them (what they are, how many) are text."""
    marked = [i for i, line in enumerate(lines) if ": error: " in line]
    if not marked:
        return render(env, ERRORS_TEMPLATE, {"before": [], "errors": lines, "after": []})
    first, last = marked[0], marked[-1] + 1
    return render(env, ERRORS_TEMPLATE, {"before": [_sentence(line) for line in lines[:first]],
                                         "errors": lines[first:last],
                                         "after": [_sentence(line) for line in lines[last:]]})


def _sentence(line: str) -> str:
    """A message line as a sentence in the page: a log line starts in lower case ("the archive's
    records have problems:"), a sentence under a heading with a capital."""
    return line[:1].upper() + line[1:]


def with_errors(page: bytes, box: str) -> bytes:
    """An HTML page with ``box`` first in its body (or first of all, if it has no body)."""
    at = page.find(b"<body")
    end = page.find(b">", at) + 1 if at >= 0 else 0
    return page[:end] + box.encode("utf-8") + page[end:]


def error_app(app: Callable[..., Iterable[bytes]], errors: Callable[[], str | None]) -> Callable[..., Iterable[bytes]]:
    """A WSGI application that serves ``app``'s responses, with the box ``errors()`` gives (while it
    gives one) put at the top of every HTML page, the site generator's error pages included: the
    maintainer sees why the site did not change over the last good page, on whatever page is open."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        box = errors()
        if not box:
            return app(environ, start_response)
        held: dict[str, Any] = {}

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            held.update(status=status, headers=headers)
            return lambda data: None

        body = app(environ, hold)
        headers = held.get("headers", [])
        html = any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers)
        if not html:
            start_response(held["status"], headers)
            return body
        try:
            page = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        page = with_errors(page, box)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(held["status"], [*headers, ("Content-Length", str(len(page)))])
        return [page]

    return serve
