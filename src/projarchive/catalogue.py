"""The whole archive, loaded, cross-checked, with every derived fact computed once.

:func:`load_catalogue` runs five phases, each a short function tested on its own:

1. :func:`read_sources` — find every record file under ``projects/``, ``contacts/`` and
   ``resources/`` (and the news posts' front matter) and parse it, with positions;
2. :func:`convert_records` — check each document against its declaration in
   :mod:`projarchive.schema`: a frozen record, or a :class:`~projarchive.schema.Partial`
   holding what could be read, so the later phases still see every mistake;
3. :func:`check_references` — every :class:`~projarchive.schema.Id` the schema declares names a
   record of the right kind; one spelling per theme or region;
4. :func:`measure_files` — every :class:`~projarchive.schema.FilePath` the schema declares is a
   safe, readable file, and its facts (format, size, pages) are measured;
5. :func:`index` — the order of listings and the facts derived from several records.

Phases 1–4 only report problems; if there are any, :class:`~projarchive.problems.ArchiveError`
lists them all and the archive is never returned half-valid.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import gc
import os
import pickle
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from . import files as filefacts
from . import pdfpages, schema, strictyaml, textlinks
from .model import RECORD_FOLDERS, Contact, NewsPost, Project, Resource
from .news import load_posts
from .problems import ArchiveError, Problem, Problems

RESERVED_IDS = frozenset({"index"})  # projects/index.md etc. are the listing pages
_LEAD = re.compile(r"\blead\b", re.IGNORECASE)  # an organisation's role that makes it a project's lead


@functools.lru_cache(maxsize=65536)  # theme and region names repeat across thousands of projects
def slugify(text: str) -> str:
    """``East of England`` → ``east-of-england``; accents folded, never empty."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "x" + "".join(f"{ord(c):x}" for c in text)[:40]


@functools.lru_cache(maxsize=65536)
def tag_slug(name: str) -> str:
    """The address of a theme's or region's page; never the folder's own listing (index)."""
    slug = slugify(name)
    return f"{slug}-tag" if slug in RESERVED_IDS else slug


@dataclass(frozen=True)
class Tag:
    """A theme or region: its name as written and its URL slug."""

    name: str
    slug: str
    projects: tuple[Project, ...]


class Appearance(NamedTuple):
    """A contact on a project, with the details as they were for that project. (A named tuple: 40,000 of
    them are made at 10,000 projects, on every load, in a fifth of the time frozen dataclasses take.)"""

    project: Project
    contact: Contact
    role: str | None
    email: str | None
    phone: str | None
    organisation: Contact | None = None  # the organisation they were with then
    as_organisation: bool = False  # listed as a partner organisation, not as a contact


@dataclass(frozen=True)
class Catalogue:
    root: str
    build_date: dt.date
    projects: dict[str, Project]  # newest first
    contacts: dict[str, Contact]  # by name
    resources: dict[str, Resource]  # by title
    news: tuple[NewsPost, ...] = ()
    facts: dict[str, filefacts.FileFacts] = field(default_factory=dict)  # by path under resources/
    themes: tuple[Tag, ...] = ()
    regions: tuple[Tag, ...] = ()
    _programmes: frozenset[str] = frozenset()
    _children: dict[str, tuple[Project, ...]] = field(default_factory=dict)
    _used_by: dict[str, tuple[Project, ...]] = field(default_factory=dict)
    _appearances: dict[str, tuple[Appearance, ...]] = field(default_factory=dict)
    _project_contacts: dict[str, tuple[Appearance, ...]] = field(default_factory=dict)
    _members: dict[str, tuple[Contact, ...]] = field(default_factory=dict)
    _news_about: dict[tuple[str, str], tuple[NewsPost, ...]] = field(default_factory=dict)

    # ---- derived facts, computed once in index()
    def is_finished(self, project: Project) -> bool:
        """``status`` when given; otherwise finished iff ``end`` is before the build date."""
        if project.status:
            return project.status == "finished"
        return project.end is not None and project.end.last_day < self.build_date

    def is_programme(self, project: Project) -> bool:
        """Named as another project's ``programme`` (or says ``kind: programme``)."""
        return project.id in self._programmes

    def children(self, programme_id: str) -> tuple[Project, ...]:
        return self._children.get(programme_id, ())

    def used_by(self, resource_id: str) -> tuple[Project, ...]:
        return self._used_by.get(resource_id, ())

    def appearances(self, contact_id: str) -> tuple[Appearance, ...]:
        """Every project a contact is named on, with their details as they were there."""
        return self._appearances.get(contact_id, ())

    def project_contacts(self, project_id: str) -> tuple[Appearance, ...]:
        """A project's contacts, in the order given, with per-project details resolved."""
        return self._project_contacts.get(project_id, ())

    def leads(self, project: Project) -> tuple[Contact, ...]:
        """The organisations that led the project: those whose role on it has the word "lead"
        ("Lead organisation", "Lead partner"); shown at the top of its page and cited as its authors."""
        return tuple(self.contacts[o.id] for o in project.organisations if _LEAD.search(o.role))

    def members(self, organisation_id: str) -> tuple[Contact, ...]:
        return self._members.get(organisation_id, ())

    def news_about(self, kind: str, record_id: str) -> tuple[NewsPost, ...]:
        return self._news_about.get((kind, record_id), ())

    @property
    def programmes(self) -> tuple[Project, ...]:
        return tuple(p for p in self.projects.values() if self.is_programme(p))

    def resource_files(self, resource: Resource) -> list[tuple[str, filefacts.FileFacts]]:
        return [(f.title, self.facts[f.file]) for f in resource.files]


def load_catalogue(
    root: str,
    *,
    build_date: dt.date,
    docs_dir: str | None = None,
    news_dir: str = "news/posts",
    facts_cache: filefacts.FactsCache | None = None,
    read_pages: filefacts.PageReader | None = None,
    memo: LoadMemo | None = None,
) -> Catalogue:
    """Load, validate and cross-check every record under ``root``; raise ArchiveError listing all problems.

    With a ``memo`` kept from the last load (``mkdocs serve`` keeps one), only the record files and
    documents that changed since are read, converted and measured again; see :class:`LoadMemo`."""
    if read_pages is None:
        pdfpages.shared().warm()  # the PDF reader starts on the other core while the records are read
    with gc_paused():
        problems = Problems()
        sources = read_sources(root, problems, docs_dir=docs_dir, news_dir=news_dir, memo=memo)
        records = convert_records(sources, problems, memo)
        check_references(records, sources, problems, root, memo)
        facts = measure_files(root, records, problems, facts_cache, read_pages, memo)
        if memo is not None:
            memo.forget_unseen()
        if problems:
            raise ArchiveError(problems)
        if memo is None:
            return index(root, build_date, records, sources.posts, facts)
        try:
            memo.catalogue = index(root, build_date, records, sources.posts, facts, memo.catalogue, memo.derived)
        except BaseException:
            memo.catalogue = None  # the next load derives everything
            raise
        return memo.catalogue


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while records load.

    Loading makes millions of small, acyclic objects (values, positions) that stay alive;
    the collector would walk the growing heap again and again for nothing. Over 10,000
    records this halves the time. Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


Signature = tuple[int, int, int, int]  # a file's size, inode, modification and change times (ns)


def signature(path: str) -> Signature | None:
    """What says a file may have changed, without reading it; None if it cannot be seen."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns


class LoadMemo:
    """What one load read, converted and measured, for the next load of the same archive.

    ``mkdocs serve`` loads the archive again after every save. A record file or document whose
    size, inode and times are unchanged is not read again: its parsed source, its converted record
    and its facts are taken from here, with the problems they had (each problem belongs to one
    file, so they are kept per file and reported again). A record that did not change is
    therefore the very same object in the new catalogue: page models that show only unchanged
    records compare equal at once (projarchive.preview). The cross-record phases (references, the
    index) always run over every record."""

    def __init__(self) -> None:
        self.sources: dict[str, tuple[Signature, Source | None, tuple[Problem, ...]]] = {}
        self.converted: dict[str, tuple[Source, Loaded, tuple[Problem, ...]]] = {}
        self.facts: dict[str, tuple[Signature, filefacts.FileFacts | None, str | None]] = {}
        # the records whose references were all good at the last load, with what they name: such a record,
        # unchanged and naming no record that changed, is not checked again (check_references)
        self.clean: dict[tuple[str, str], tuple[Loaded, frozenset[tuple[str, str]]]] = {}
        self.present: dict[str, frozenset[str]] = {}  # the ids with a file at the last load, by kind
        self.catalogue: Catalogue | None = None  # the last catalogue a load returned, and how it was derived:
        self.derived: Derived = Derived()  # the index of the next load starts from them (index)
        self._seen: set[tuple[str, str]] = set()
        # each file's signature by absolute path, as the caller found them just before this load (`mkdocs
        # serve` has looked at every watched file to learn what changed): 20,000 record files and
        # documents need not be looked at twice. A file not in it is looked at as usual.
        self.signatures: Mapping[str, Signature] | None = None

    def signature(self, path: str) -> Signature | None:
        known = self.signatures.get(path) if self.signatures is not None else None
        return known if known is not None else signature(path)

    def seen(self, table: str, key: str) -> None:
        self._seen.add((table, key))

    def forget_unseen(self) -> None:
        """Drop what the last load did not ask for (deleted files, documents no longer named)."""
        for table in ("sources", "converted", "facts"):
            entries = getattr(self, table)
            for key in [k for k in entries if (table, k) not in self._seen]:
                del entries[key]
        self._seen.clear()


@contextlib.contextmanager
def _problems_of_one_file(problems: Problems) -> Iterator[Problems]:
    """A Problems for one file's checks, added to ``problems`` when done (and kept by a LoadMemo)."""
    own = Problems()
    yield own
    problems.items.extend(own.items)


# --------------------------------------------------------------------------- 1. read


@dataclass(frozen=True)
class Source:
    """One record file, parsed: its kind, its id (from the file name), where it is, what it says."""

    kind: str
    id: str
    path: str  # as messages show it: projects/x.yml
    doc: strictyaml.Document


@dataclass(frozen=True)
class Sources:
    records: tuple[Source, ...]
    present: dict[str, frozenset[str]]  # kind -> ids with a file, parsed or not: no cascade of "no such id"
    posts: tuple[tuple[NewsPost, strictyaml.Document], ...] = ()
    converted: dict[str, Loaded] = field(default_factory=dict)  # by path, converted already (by worker processes)


def read_sources(root: str, problems: Problems, *, docs_dir: str | None = None,
                 news_dir: str = "news/posts", memo: LoadMemo | None = None) -> Sources:
    """Every record file under ``root`` parsed with positions, and the news posts under ``docs_dir``.
    With a ``memo``, a file unchanged since the last load is not read again."""
    for link in find_symlinks(root):
        problems.add(link, 0, 0, "", "symbolic links are not allowed in the content folders; copy the real file here")
    records = []
    present = {}
    jobs = []
    for kind, folder in RECORD_FOLDERS.items():
        found = _record_files(root, folder, problems)
        present[kind] = frozenset(record_id for record_id, _, _ in found)
        jobs += [(kind, record_id, full, shown) for record_id, full, shown in found]
    converted: dict[str, Loaded] = {}
    workers = parallel_workers(len(jobs)) if memo is None else 1
    loaded = _load_in_parallel(jobs, workers) if workers > 1 else None
    if loaded is not None:
        for one, found in zip(loaded, jobs, strict=True):
            problems.items.extend(one.problems)
            if one.record is not None:
                kind, record_id, full, shown = found
                source = Source(kind, record_id, shown, _DocumentReadAgain(full, shown))  # type: ignore[arg-type]
                converted[shown] = Loaded(source, one.record)
                converted[shown].__dict__["texts"] = one.texts  # found in the worker (functools.cached_property)
                records.append(source)
    else:
        for kind, record_id, full, shown in jobs:
            source = _read_source(kind, record_id, full, shown, problems, memo)
            if source is not None:
                records.append(source)
    posts = tuple(load_posts(docs_dir, news_dir, problems)) if docs_dir else ()
    return Sources(tuple(records), present, posts, converted)


# --------------------------------------------------------------------------- 1+2 on several cores

PARALLEL_FILES = 1000  # below this many record files, starting worker processes costs more than it saves


def parallel_workers(files: int, environ: Mapping[str, str] | None = None) -> int:
    """How many processes read and convert ``files`` record files in a build: one per core this
    process may use (at most 4), once there are :data:`PARALLEL_FILES`; ``PROJARCHIVE_WORKERS=1``
    reads them in this process, ``PROJARCHIVE_WORKERS=<n>`` asks for n whatever the count."""
    setting = (os.environ if environ is None else environ).get("PROJARCHIVE_WORKERS", "").strip()
    if setting.isdigit() and int(setting) > 0:
        return int(setting)
    if files < PARALLEL_FILES:
        return 1
    return max(1, min(usable_cores(), 4))


def usable_cores() -> int:
    """How many cores this process may run on (its affinity: `taskset`, a container's CPU set)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class _LoadedFile(NamedTuple):
    """What a worker sends back of one record file: its record (None: it could not be read or parsed), the
    problems of reading and converting it, and its texts' findings. Not the parsed document: positions
    for every value of 10,000 records take longer to send than to parse; a message that needs one reads
    the file again."""

    record: Any
    problems: tuple[Problem, ...]
    texts: dict[strictyaml.Path, TextFindings]


def _load_files(jobs: list[tuple[str, str, str, str]]) -> list[_LoadedFile]:
    """Read, parse and convert record files (kind, id, absolute path, shown path): a worker's share."""
    out = []
    for kind, record_id, full, shown in jobs:
        own = Problems()
        doc = strictyaml.load_file(full, shown, own, max_bytes=schema.RECORD_BYTES)
        if doc is None:
            out.append(_LoadedFile(None, tuple(own.items), {}))
            continue
        loaded = Loaded(Source(kind, record_id, shown, doc), schema.convert(kind, record_id, doc, shown, own))
        out.append(_LoadedFile(loaded.record, tuple(own.items), loaded.texts))
    return out


def _load_in_parallel(jobs: list[tuple[str, str, str, str]], workers: int) -> list[_LoadedFile] | None:
    """:func:`_load_files` over ``workers`` processes, results in the order of ``jobs`` (so the build is
    the same as reading them one by one); None if worker processes cannot be had (the caller reads the
    files itself). Forked where the system forks (nothing to import again), spawned elsewhere."""
    import concurrent.futures
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if sys.platform == "linux" and "fork" in methods else "spawn")
    size = max(50, -(-len(jobs) // (workers * 8)))  # a few chunks a worker: an even share, little waiting
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    try:
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            return [one for chunk in pool.map(_load_files, chunks) for one in chunk]
    except (OSError, concurrent.futures.process.BrokenProcessPool, pickle.PicklingError):
        return None


class _DocumentReadAgain:
    """A record's parsed document, read again from its file when a message needs a position (records
    loaded by worker processes come back without theirs; see :class:`_LoadedFile`)."""

    def __init__(self, full: str, shown: str) -> None:
        self._where = (full, shown)
        self._doc: strictyaml.Document | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if self._doc is None:
            self._doc = strictyaml.load_file(*self._where, Problems(), max_bytes=schema.RECORD_BYTES) \
                or strictyaml.Document({})
        return getattr(self._doc, name)


def _read_source(kind: str, record_id: str, full: str, shown: str, problems: Problems,
                 memo: LoadMemo | None) -> Source | None:
    if memo is None:
        doc = strictyaml.load_file(full, shown, problems, max_bytes=schema.RECORD_BYTES)
        return Source(kind, record_id, shown, doc) if doc is not None else None
    memo.seen("sources", shown)
    sig = memo.signature(full)
    known = memo.sources.get(shown)
    if known is not None and known[0] == sig:
        problems.items.extend(known[2])
        return known[1]
    with _problems_of_one_file(problems) as own:
        doc = strictyaml.load_file(full, shown, own, max_bytes=schema.RECORD_BYTES)
    source = Source(kind, record_id, shown, doc) if doc is not None else None
    if sig is not None:
        memo.sources[shown] = (sig, source, tuple(own.items))
    return source


def _record_files(root: str, folder: str, problems: Problems) -> list[tuple[str, str, str]]:
    """(id, absolute path, shown path) for each ``<folder>/*.yml``; odd names are errors."""
    base = os.path.join(root, folder)
    if not os.path.isdir(base):
        return []
    out = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):  # scandir: no stat for each file
        name, full = entry.name, entry.path
        shown = f"{folder}/{name}"
        if name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            if name.endswith((".yml", ".yaml")):
                problems.add(shown, 0, 0, "", "is a folder, not a record file; rename the folder or move it away")
            continue
        if name.endswith(".yaml"):
            problems.add(shown, 0, 0, "", "record files end in '.yml'; rename it to " + name[:-5] + ".yml")
            continue
        if not name.endswith(".yml"):
            if folder != RECORD_FOLDERS["resource"]:  # documents live beside resource records
                problems.add(shown, 0, 0, "", f"only records (<id>.yml) belong in {folder}/")
            continue
        record_id = name[:-4]
        if record_id in RESERVED_IDS:
            problems.add(
                shown, 0, 0, "",
                f"'{record_id}' is kept for the page that lists all {folder}; give the record another name, "
                f"e.g. {folder}/{record_id}-1.yml",
            )
            continue
        if not schema.ID_RE.match(record_id):
            problems.add(
                shown, 0, 0, "",
                f"'{record_id}' cannot be an id: name the file with lower-case letters, digits and hyphens, "
                f"e.g. {slugify(record_id)}.yml",
            )
            continue
        out.append((record_id, full, shown))
    return out


def find_symlinks(root: str) -> list[str]:
    """Symbolic links anywhere in the content folders (MkDocs would copy their targets)."""
    found = []
    for folder in (*RECORD_FOLDERS.values(), "docs"):
        base = os.path.join(root, folder)
        if os.path.islink(base):
            found.append(folder)
            continue
        _symlinks_under(base, root, found)
    return found


def _symlinks_under(folder: str, root: str, found: list[str]) -> None:
    """Depth first, in name order, as os.walk with sorted names would find them; one system call
    a folder (scandir tells links apart without a stat of each file: 20,000 files at 10,000 projects)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.is_symlink():
            found.append(os.path.relpath(entry.path, root).replace(os.sep, "/"))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _symlinks_under(entry.path, root, found)


# --------------------------------------------------------------------------- 2. convert


@dataclass(frozen=True)
class Loaded:
    """A source converted: the frozen record, or a Partial when it has problems (already reported)."""

    source: Source
    record: Any

    @property
    def valid(self) -> bool:
        return not isinstance(self.record, schema.Partial)

    @functools.cached_property
    def links(self) -> tuple[tuple[strictyaml.Path, schema.Type, Any], ...]:
        """The record's references (:class:`~projarchive.schema.Id`), file paths
        (:class:`~projarchive.schema.FilePath`) and Markdown texts (whose record links are checked,
        :mod:`projarchive.textlinks`) with where they are: what phases 3 and 4 check. Found
        once per record (a LoadMemo keeps the record while its file is unchanged)."""
        return tuple(leaf for leaf in schema.leaves(schema.KINDS[self.source.kind], self.record)
                     if isinstance(leaf[1], schema.Id | schema.FilePath)
                     or (isinstance(leaf[1], schema.Text) and leaf[1].markdown))

    @functools.cached_property
    def files(self) -> tuple[tuple[strictyaml.Path, schema.FilePath, str], ...]:
        """The record's file paths (:class:`~projarchive.schema.FilePath`) with where they are: what
        phase 4 measures (most records name none)."""
        return tuple(leaf for leaf in self.links if isinstance(leaf[1], schema.FilePath))  # type: ignore[misc]

    @functools.cached_property
    def texts(self) -> dict[strictyaml.Path, TextFindings]:
        """What each Markdown text of the record says of itself (record links, map links, promises),
        found once per record: a LoadMemo keeps the record, and with it these, while its file is
        unchanged, so a `mkdocs serve` update looks again only at the texts of the files saved."""
        return {at: TextFindings.of(text) for at, declared, text in self.links
                if isinstance(declared, schema.Text) and isinstance(text, str)}


@dataclass(frozen=True)
class TextFindings:
    """The record links, map links and dead promises in one Markdown text (:mod:`projarchive.textlinks`)."""

    links: tuple[textlinks.RecordLink, ...]
    map_links: bool
    dead_promises: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, text: str) -> TextFindings:
        return cls(tuple(textlinks.record_links(text)), bool(textlinks.map_links(text)),
                   tuple(textlinks.dead_promises(text)))


Records = dict[str, dict[str, Loaded]]  # kind -> id -> loaded record


def convert_records(sources: Sources, problems: Problems, memo: LoadMemo | None = None) -> Records:
    """Each parsed source against its kind's declaration (:func:`projarchive.schema.convert`).
    With a ``memo``, a source read from the memo keeps the record it was converted to."""
    records: Records = {kind: {} for kind in RECORD_FOLDERS}
    for s in sources.records:
        if memo is None:
            done = sources.converted.get(s.path)  # its problems were reported with the reading
            records[s.kind][s.id] = done or Loaded(s, schema.convert(s.kind, s.id, s.doc, s.path, problems))
            continue
        memo.seen("converted", s.path)
        known = memo.converted.get(s.path)
        if known is not None and known[0] is s:
            problems.items.extend(known[2])
            records[s.kind][s.id] = known[1]
            continue
        with _problems_of_one_file(problems) as own:
            loaded = Loaded(s, schema.convert(s.kind, s.id, s.doc, s.path, own))
        memo.converted[s.path] = (s, loaded, tuple(own.items))
        records[s.kind][s.id] = loaded
    return records


def _valid(records: Records, kind: str) -> dict[str, Any]:
    return {k: v.record for k, v in records[kind].items() if v.valid}


# --------------------------------------------------------------------------- 3. check references


class _Referrer(NamedTuple):
    """Where a reference is made from: a record (or news post), its file and positions."""

    kind: str
    id: str
    path: str
    doc: strictyaml.Document


def check_references(records: Records, sources: Sources, problems: Problems, root: str | None = None,
                     memo: LoadMemo | None = None) -> None:
    """Every :class:`~projarchive.schema.Id` declared in the schema names a record of its kind and role,
    in records and news posts alike, and so does every record link in Markdown text
    (:mod:`projarchive.textlinks`); and each theme or region has one spelling.

    With a ``memo`` (``mkdocs serve``), a record whose references were all good at the last load is not
    checked again while it is the same record and names no record added, removed or changed since: what
    makes a reference good is the named record alone (its being there, valid, of the right kind). A record
    with a problem is always checked again, so a hint (did you mean…?) follows the records there are now."""
    valid = {kind: _valid(records, kind) for kind in RECORD_FOLDERS}
    changed = _changed_since(records, sources.present, memo) if memo is not None else None
    for kind, table in records.items():
        for rid, loaded in table.items():
            if memo is not None and changed is not None:
                known = memo.clean.get((kind, rid))
                if known is not None and known[0] is loaded and known[1].isdisjoint(changed):
                    continue
            before = len(problems.items)
            _check_referrer(_Referrer(kind, rid, loaded.source.path, loaded.source.doc), loaded.links,
                            loaded.record, loaded.texts, valid, sources.present, problems, root)
            if memo is not None:
                if len(problems.items) == before and loaded.valid:
                    memo.clean[(kind, rid)] = (loaded, _named(loaded))
                else:
                    memo.clean.pop((kind, rid), None)
    for post, doc in sources.posts:
        _check_referrer(_Referrer("news", post.src, post.path, doc), schema.leaves(schema.NEWS_LINKS, post), post, {},
                        valid, sources.present, problems, root)
    projects = _newest_first((loaded.record, loaded.source.doc) for loaded in records["project"].values())
    for key in ("themes", "regions"):
        tags, clashes = _tags(projects, key)
        if memo is not None:
            memo.derived.tags[key] = tags  # the index of this load groups the same projects alike
        for project, doc, i, name, other in clashes:
            mark = doc.mark((key, i))
            problems.add(project.path, mark.line, mark.column, f"{key}[{i}]",
                         f"'{name}' and '{other}' differ only in {_difference(name, other)}; "
                         "use one spelling so they share a page")
    check_programme_cycles(records, problems)


def _check_referrer(referrer: _Referrer, links: Iterable[tuple[strictyaml.Path, schema.Type, Any]], record: Any,
                    texts: dict[strictyaml.Path, TextFindings], valid: dict[str, dict[str, Any]],
                    present: dict[str, frozenset[str]], problems: Problems, root: str | None) -> None:
    """The references and record links of one record or news post."""
    for at, declared, target in links:
        if isinstance(declared, schema.Id):
            message = _reference_problem(declared, target, referrer, valid, present)
            if message:
                mark = referrer.doc.mark(at)
                problems.add(referrer.path, mark.line, mark.column, strictyaml.dotted(at), message)
        elif isinstance(declared, schema.Text) and declared.markdown and isinstance(target, str):
            found = texts.get(at) or TextFindings.of(target)
            _check_text(target, found, record, referrer, at, valid, present, problems, root)


def _named(loaded: Loaded) -> frozenset[tuple[str, str]]:
    """(kind, id) of every record a record names: its declared references and its record links."""
    named = {(declared.kind, target) for _, declared, target in loaded.links if isinstance(declared, schema.Id)}
    named.update((link.kind, link.id) for found in loaded.texts.values() for link in found.links if link.id)
    return frozenset(named)


def _changed_since(records: Records, present: dict[str, frozenset[str]], memo: LoadMemo) -> set[tuple[str, str]]:
    """The records added, removed or changed since the last load (a changed record is a new object), and
    the ids whose file appeared or went (a file that does not parse is no record, but is there); the memo
    forgets the records that are gone."""
    changed: set[tuple[str, str]] = set()
    seen: set[tuple[str, str]] = set()
    for kind, table in records.items():
        for rid, loaded in table.items():
            seen.add((kind, rid))
            known = memo.clean.get((kind, rid))
            if known is None or known[0] is not loaded:
                changed.add((kind, rid))
    for ref in [ref for ref in memo.clean if ref not in seen]:
        changed.add(ref)
        del memo.clean[ref]
    for kind, ids in present.items():
        changed.update((kind, rid) for rid in ids ^ memo.present.get(kind, frozenset()))
    memo.present = dict(present)
    return changed


def _difference(a: str, b: str) -> str:
    """How two names with one address (slug) differ, in words: capitals, accents, or punctuation and spaces."""
    def unaccented(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

    if a.casefold() == b.casefold():
        return "capitals"
    if unaccented(a) == unaccented(b):
        return "accents"
    if unaccented(a).casefold() == unaccented(b).casefold():
        return "accents and capitals"
    return "punctuation, spaces or accents" if unaccented(a) != a or unaccented(b) != b else \
        "punctuation or spaces"


def check_programme_cycles(records: Records, problems: Problems) -> None:
    """A programme cannot be inside itself: A in programme B, B in programme A (or a longer ring) is
    reported once, at the first record of the ring, naming every 'programme' line in it."""
    programme_of = {rid: loaded for rid, loaded in records["project"].items()
                    if isinstance(getattr(loaded.record, "programme", None), str)}
    done: set[str] = set()
    for start in sorted(programme_of):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in programme_of and node not in done and node not in path:
            path.append(node)
            node = programme_of[node].record.programme
        done.update(path)
        if node is None or node not in path or node == path[-1]:
            continue  # no ring, or a project naming itself (reported as such by the reference check)
        ring = path[path.index(node):]
        first = min(ring)
        ring = ring[ring.index(first):] + ring[:ring.index(first)]
        here = programme_of[first]
        mark = here.source.doc.mark(("programme",))
        others = "; ".join(f"{programme_of[rid].source.path} line {programme_of[rid].source.doc.mark(('programme',)).line}"
                           f" puts '{rid}' in '{programme_of[rid].record.programme}'" for rid in ring[1:])
        chain = " → ".join([*ring, first])
        problems.add(here.source.path, mark.line, mark.column, "programme",
                     f"programmes in a ring ({chain}): a programme cannot be inside itself; {others}. "
                     "Remove the 'programme' line that is wrong")


def _check_text(text: str, found: TextFindings, record: Any, referrer: _Referrer, at: Any,
                valid: dict[str, dict[str, Any]], present: dict[str, frozenset[str]], problems: Problems,
                root: str | None) -> None:
    """The record links and calls to action of one Markdown text (``found`` in it by
    :mod:`projarchive.textlinks`), each problem reported at the line and column of the words concerned."""
    def report(needle: str, message: str) -> None:
        line, column = _locate(root, referrer, at, needle)
        problems.add(referrer.path, line, column, strictyaml.dotted(at), message)

    for link in found.links:
        written = text[link.offset:].split(")", 1)[0] + ")"
        if not link.id:
            report(written, f"link {written}: '{link.written}' names no {link.kind}; write {link.scheme}:<id>")
            continue
        message = _reference_problem(schema.Id(link.kind), link.id, referrer, valid, present)
        if message:
            report(written, f"link {written}: {message}")
            continue
        resource = valid["resource"].get(link.id) if link.kind == "resource" else None
        first = resource.files[0].file if resource is not None and resource.files else ""
        if link.image and resource is not None and not first.lower().endswith((".pdf", *filefacts.IMAGE_EXTENSIONS)):
            report(written, f"link {written}: a picture of '{link.id}' needs a PDF or an image as its first file; "
                            "link it as [text](resource:…) instead of ![text](resource:…)")
    if found.map_links and not (getattr(record, "sites", None) or getattr(record, "sites_note", None)):
        report("](#map)", "links to the map (#map), but this project has no 'sites' to draw on it; add its places "
                          "under 'sites', or say why they are not known in 'sites_note'")
    for offset, words in found.dead_promises:
        report(text[offset:].split("\n", 1)[0], f"'{words}' promises something to follow, but the paragraph links to "
               "nothing; link what it means, e.g. [Download the report](download:<resource id>), "
               "[the toolkit](resource:<resource id>) or [use the map](#map), or reword it")


def _locate(root: str | None, referrer: _Referrer, at: Any, needle: str) -> tuple[int, int]:
    """Line and column of ``needle`` in the record file, at or after the value at ``at`` (a Markdown
    body spans many lines; its own mark is where it starts)."""
    mark = referrer.doc.mark(at)
    if root is not None:
        try:
            with open(os.path.join(root, *referrer.path.split("/")), encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError:
            lines = []
        probe = needle.strip()[:60]
        for number in range(mark.line - 1, len(lines)):
            column = lines[number].find(probe)
            if probe and column >= 0:
                return number + 1, column + 1
    return mark.line, mark.column


def _reference_problem(ref: schema.Id, target: str, referrer: _Referrer, valid: dict[str, dict[str, Any]],
                       present: dict[str, frozenset[str]]) -> str | None:
    """What is wrong with naming ``target`` where ``ref`` is declared, or None."""
    folder = RECORD_FOLDERS[ref.kind]
    if ref.role and ref.kind == referrer.kind and target == referrer.id:
        return f"a {ref.kind} cannot be its own {ref.role}"
    table = valid[ref.kind]
    if target not in table:
        if target in present[ref.kind]:
            return None  # that record has problems of its own, reported there
        close = difflib.get_close_matches(target, list(table), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; create {folder}/{target}.yml"
        return f"no {ref.kind} with id '{target}'{hint}"
    named = table[target]
    if ref.role == "organisation" and named.kind != "organisation":
        return f"'{target}' is a {named.kind}, not an organisation"
    if ref.role == "programme" and named.kind is not None and named.kind != "programme":
        return (f"'{target}' is named as a programme here, but {folder}/{target}.yml says 'kind: {named.kind}'; "
                "remove that line there (being named as a programme makes it one)")
    return None


def _newest_first(projects: Iterable[tuple[Any, strictyaml.Document | None]]
                  ) -> list[tuple[Any, strictyaml.Document | None]]:
    """(project, document) pairs newest first, then by title; the order :func:`_tags` groups them in."""
    def key(pd: tuple[Any, Any]) -> tuple[int, str]:
        p = pd[0]  # may be a Partial with no start or title
        return (-(p.start.first_day.toordinal() if p.start else 0), (p.title or "").casefold())

    return sorted(projects, key=key)


def _tags(projects: list[tuple[Any, strictyaml.Document | None]], key: str
          ) -> tuple[tuple[Tag, ...], list[tuple[Any, Any, int, str, str]]]:
    """Projects grouped by theme or region (newest first in each: ``projects`` are in the order
    :func:`_newest_first` gives), and the spellings that clash (project, document, index, name, the
    spelling seen first): two names with one slug would share a page."""
    by_slug: dict[str, tuple[str, list[Any]]] = {}
    clashes = []
    for project, doc in projects:
        for i, name in enumerate(getattr(project, key)):
            slug = tag_slug(name)
            known = by_slug.get(slug)
            if known is None:
                by_slug[slug] = (name, [project])
            # one name written with different code points (é as one character, or e and an accent) is one name
            elif known[0] == name or unicodedata.normalize("NFC", known[0]) == unicodedata.normalize("NFC", name):
                known[1].append(project)
            else:
                clashes.append((project, doc, i, name, known[0]))
    tags = tuple(Tag(name, slug, tuple(ps)) for slug, (name, ps) in sorted(by_slug.items(), key=lambda kv: kv[1][0].casefold()))
    return tags, clashes


# --------------------------------------------------------------------------- 4. measure files


def measure_files(root: str, records: Records, problems: Problems,
                  cache: filefacts.FactsCache | None = None,
                  read_pages: filefacts.PageReader | None = None,
                  memo: LoadMemo | None = None) -> dict[str, filefacts.FileFacts]:
    """Every :class:`~projarchive.schema.FilePath` declared in the schema: a safe path to a real file
    of a type we describe (an image where the schema says so); its facts, by path under resources/.
    With a ``memo``, a file unchanged since the last load is not read again."""
    resources_dir = os.path.join(root, RECORD_FOLDERS["resource"])
    facts: dict[str, filefacts.FileFacts] = {}
    # PDFs not in the cache are read in a reader process under limits (one for the whole process)
    read_pages = read_pages or pdfpages.shared()
    for table in records.values():
        for loaded in table.values():
            for at, declared, rel in loaded.files:
                if rel in facts:
                    continue
                got, err = _measure(resources_dir, rel, cache, read_pages, memo)
                if err is None:
                    if got is not None and declared.image and got.extension not in filefacts.IMAGE_EXTENSIONS:
                        err = f"'{rel}' is a {got.format}, not an image"
                    elif got is not None:
                        facts[rel] = got
                if err:
                    mark = loaded.source.doc.mark(at)
                    problems.add(loaded.source.path, mark.line, mark.column, strictyaml.dotted(at), err)
    return dict(sorted(facts.items()))


def _measure(resources_dir: str, rel: str, cache: filefacts.FactsCache | None,
             read_pages: filefacts.PageReader | None, memo: LoadMemo | None) -> tuple[filefacts.FileFacts | None, str | None]:
    """A file's facts or what is wrong with it; with a ``memo``, a file unchanged since the last load
    (a safe path to the same regular file: its signature comes from lstat) is not read again."""
    sig = None
    if memo is not None:
        memo.seen("facts", rel)
        if filefacts.check_relative_path(rel) is None:
            sig = memo.signature(os.path.join(resources_dir, *rel.split("/")))
            known = memo.facts.get(rel)
            if sig is not None and known is not None and known[0] == sig:
                if cache is not None and known[1] is not None:
                    cache.used.add(known[1].sha256)  # still in use: the cache file keeps its page count
                return known[1], known[2]
    full, err = filefacts.resolve(resources_dir, rel)
    got = None
    if full is not None and err is None:
        got, err = filefacts.measure(full, rel, cache, read_pages)
    if memo is not None and sig is not None:
        memo.facts[rel] = (sig, got, err)
    return got, err


# --------------------------------------------------------------------------- 5. index


@dataclass
class Derived:
    """What :func:`index` keeps of one catalogue for the next (``mkdocs serve``): the contacts each
    project's appearances were made from, and each project's appearances."""

    uses: dict[str, frozenset[str]] = field(default_factory=dict)  # project id -> contact ids its appearances show
    appearances: dict[str, tuple[Appearance, ...]] = field(default_factory=dict)  # project id -> in the order made
    # the themes and regions as check_references grouped them in this load (the same projects, in the same order)
    tags: dict[str, tuple[Tag, ...]] = field(default_factory=dict)


def _project_order(kv: tuple[str, Project]) -> tuple[int, str, str]:
    return (-kv[1].start.first_day.toordinal(), kv[1].title.casefold(), kv[0])


def _appearances_of(project: Project, contacts: dict[str, Contact]) -> tuple[tuple[Appearance, ...], int, frozenset[str]]:
    """A project's appearances in the order :func:`index` lists them (its contacts, then its
    organisations); how many are contacts; and the ids of every contact they show."""
    made = []
    uses = set()
    for c in project.contacts:
        base = contacts[c.id]
        org_id = c.organisation or base.organisation
        made.append(Appearance(project, base, c.role or base.role, c.email or base.email, c.phone or base.phone,
                               contacts[org_id] if org_id else None))
        uses.add(c.id)
        if org_id:
            uses.add(org_id)
    listed = len(made)
    for o in project.organisations:
        made.append(Appearance(project, contacts[o.id], o.role, None, None, as_organisation=True))
        uses.add(o.id)
    return tuple(made), listed, frozenset(uses)


def index(root: str, build_date: dt.date, records: Records,
          posts: Iterable[tuple[NewsPost, Any]], facts: dict[str, filefacts.FileFacts],
          previous: Catalogue | None = None, derived: Derived | None = None) -> Catalogue:
    """The checked records in listing order, with every fact derived from several records.

    With the ``previous`` catalogue of the same archive and what was ``derived`` for it (``mkdocs
    serve``: a LoadMemo keeps both and ``derived`` is brought up to date), only what the records
    that changed since can touch is derived again (:func:`_index_again`); the result is equal to
    deriving everything (tests/test_preview.py, assert_as_a_fresh_load)."""
    projects: dict[str, Project] = _valid(records, "project")
    contacts: dict[str, Contact] = _valid(records, "contact")
    resources: dict[str, Resource] = _valid(records, "resource")
    news = tuple(post for post, _ in posts)
    if previous is not None and derived is not None and previous.root == root and previous.build_date == build_date:
        return _index_again(previous, derived, projects, contacts, resources, news, facts)
    ordered = dict(sorted(projects.items(), key=_project_order))
    if derived is not None:
        derived.uses.clear()
        derived.appearances.clear()
        derived.tags.clear()
    children: dict[str, list[Project]] = defaultdict(list)
    used_by: dict[str, list[Project]] = defaultdict(list)
    appearances: dict[str, list[Appearance]] = defaultdict(list)
    project_contacts: dict[str, tuple[Appearance, ...]] = {}
    for project in ordered.values():
        if project.programme:
            children[project.programme].append(project)
        for r in project.resources:
            used_by[r].append(project)
        made, listed, uses = _appearances_of(project, contacts)
        for a in made:
            appearances[a.contact.id].append(a)
        project_contacts[project.id] = made[:listed]
        if derived is not None:
            derived.uses[project.id] = uses
            derived.appearances[project.id] = made
    by_tag = _newest_first((p, None) for p in projects.values())
    return Catalogue(
        root=root,
        build_date=build_date,
        projects=ordered,
        contacts=_by_name(contacts),
        resources=_by_title(resources),
        news=news,
        facts=facts,
        themes=_tags(by_tag, "themes")[0],
        regions=_tags(by_tag, "regions")[0],
        _programmes=frozenset(children) | {p.id for p in projects.values() if p.kind == "programme"},
        _children={k: tuple(v) for k, v in children.items()},
        _used_by={k: tuple(v) for k, v in used_by.items()},
        _appearances={k: tuple(v) for k, v in appearances.items()},
        _project_contacts=project_contacts,
        _members=_members(contacts),
        _news_about=_news_about(news),
    )


def _by_name(contacts: dict[str, Contact]) -> dict[str, Contact]:
    return dict(sorted(contacts.items(), key=lambda kv: (kv[1].name.casefold(), kv[0])))


def _by_title(resources: dict[str, Resource]) -> dict[str, Resource]:
    return dict(sorted(resources.items(), key=lambda kv: (kv[1].title.casefold(), kv[0])))


def _members(contacts: dict[str, Contact]) -> dict[str, tuple[Contact, ...]]:
    members: dict[str, list[Contact]] = defaultdict(list)
    for contact in sorted(contacts.values(), key=lambda c: (c.name.casefold(), c.id)):
        if contact.organisation:
            members[contact.organisation].append(contact)
    return {k: tuple(v) for k, v in members.items()}


def _news_about(news: tuple[NewsPost, ...]) -> dict[tuple[str, str], tuple[NewsPost, ...]]:
    news_about: dict[tuple[str, str], list[NewsPost]] = defaultdict(list)
    for post in news:
        for at, declared, target in schema.leaves(schema.NEWS_LINKS, post):
            if isinstance(declared, schema.Id):
                news_about[(declared.kind, target)].append(post)
    return {k: tuple(v) for k, v in news_about.items()}


def _changed_ids(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Ids added, removed or changed (an unchanged record is the same object: LoadMemo)."""
    return {i for i in old.keys() | new.keys() if old.get(i) is not new.get(i)}


def _index_again(previous: Catalogue, derived: Derived, projects: dict[str, Project], contacts: dict[str, Contact],
                 resources: dict[str, Resource], news: tuple[NewsPost, ...],
                 facts: dict[str, filefacts.FileFacts]) -> Catalogue:
    """:func:`index` after a save: the facts derived from several records are those of ``previous``,
    made again only where a changed record can reach. A project's appearances show the project and the
    contacts it names (and their organisations: ``derived.uses``); the lists keyed by a contact,
    resource or programme are made again only for the keys a changed project had or has, in listing
    order (a stable sort by each project's place keeps each project's own order)."""
    changed_projects = _changed_ids(previous.projects, projects)
    changed_contacts = _changed_ids(previous.contacts, contacts)
    ordered = (previous.projects if not changed_projects
               else dict(sorted(projects.items(), key=_project_order)))
    again = set(changed_projects)  # projects whose appearances are made again
    if changed_contacts:
        again |= {pid for pid, uses in derived.uses.items() if not uses.isdisjoint(changed_contacts)}
    again &= previous.projects.keys() | projects.keys()
    place = {pid: n for n, pid in enumerate(ordered)}

    def sort(items: list[Any], project_of: Callable[[Any], Project]) -> tuple[Any, ...]:
        return tuple(sorted(items, key=lambda item: place[project_of(item).id]))

    # appearances: drop the old ones of projects made again, add their new ones
    appearance_keys: set[str] = set()
    new_appearances: dict[str, list[Appearance]] = defaultdict(list)
    project_contacts = dict(previous._project_contacts)
    for pid in sorted(again, key=lambda pid: place.get(pid, -1)):
        appearance_keys.update(a.contact.id for a in derived.appearances.pop(pid, ()))
        derived.uses.pop(pid, None)
        project_contacts.pop(pid, None)
        project = projects.get(pid)
        if project is None:
            continue
        made, listed, uses = _appearances_of(project, contacts)
        derived.appearances[pid], derived.uses[pid] = made, uses
        project_contacts[pid] = made[:listed]
        for a in made:
            new_appearances[a.contact.id].append(a)
    appearance_keys |= new_appearances.keys()
    appearances = dict(previous._appearances)
    for key in appearance_keys:
        kept = [a for a in appearances.pop(key, ()) if a.project.id not in again]
        both = kept + new_appearances.get(key, [])
        if both:
            appearances[key] = sort(both, lambda a: a.project)
    # children and used_by, keyed by what a changed project names (before and after the save)
    children, used_by = dict(previous._children), dict(previous._used_by)
    for table, named in ((children, lambda p: (p.programme,) if p.programme else ()),
                         (used_by, lambda p: p.resources)):
        keys = {key for pid in changed_projects for p in (previous.projects.get(pid), projects.get(pid))
                if p is not None for key in named(p)}
        for key in keys:
            both = [p for p in table.pop(key, ()) if p.id not in changed_projects]
            both += [projects[pid] for pid in changed_projects if pid in projects and key in named(projects[pid])]
            if both:
                table[key] = sort(both, lambda p: p)
    grouped, derived.tags = derived.tags, {}
    if changed_projects and grouped.keys() == {"themes", "regions"}:
        themes, regions = grouped["themes"], grouped["regions"]
    elif changed_projects:
        by_tag = _newest_first((p, None) for p in projects.values())
        themes, regions = _tags(by_tag, "themes")[0], _tags(by_tag, "regions")[0]
    else:
        themes, regions = previous.themes, previous.regions
    return Catalogue(
        root=previous.root,
        build_date=previous.build_date,
        projects=ordered,
        contacts=_by_name(contacts) if changed_contacts else previous.contacts,
        resources=_by_title(resources) if _changed_ids(previous.resources, resources) else previous.resources,
        news=news,
        facts=facts,
        themes=themes,
        regions=regions,
        _programmes=frozenset(children) | {p.id for p in projects.values() if p.kind == "programme"},
        _children=children,
        _used_by=used_by,
        _appearances=appearances,
        _project_contacts=project_contacts,
        _members=_members(contacts) if changed_contacts else previous._members,
        _news_about=_news_about(news) if news != previous.news else previous._news_about,
    )
