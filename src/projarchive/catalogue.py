"""The whole archive, loaded, cross-checked, with every derived fact computed once.

:func:`load_catalogue` reads ``projects/``, ``contacts/`` and ``resources/``
under a root folder (plus news post front matter), validates each record
against :mod:`projarchive.schema`, checks references between records and files,
and measures every file. It reports *all* problems at once by raising
:class:`~projarchive.problems.ArchiveError`; it never returns a half-valid archive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import files as filefacts
from . import schema, strictyaml
from .model import Contact, NewsPost, Project, Resource
from .news import load_posts
from .problems import ArchiveError, Problems

CONTENT_FOLDERS = ("projects", "contacts", "resources")
RESERVED_IDS = frozenset({"index"})  # projects/index.md etc. are the listing pages


def slugify(text: str) -> str:
    """``East of England`` → ``east-of-england``; accents folded, never empty."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug or "x" + "".join(f"{ord(c):x}" for c in text)[:40]


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


@dataclass(frozen=True)
class Appearance:
    """A contact on a project, with the details as they were for that project."""

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
    _children: dict[str, tuple[Project, ...]] = field(default_factory=dict)
    _used_by: dict[str, tuple[Project, ...]] = field(default_factory=dict)
    _appearances: dict[str, tuple[Appearance, ...]] = field(default_factory=dict)
    _project_contacts: dict[str, tuple[Appearance, ...]] = field(default_factory=dict)
    _members: dict[str, tuple[Contact, ...]] = field(default_factory=dict)
    _news_about: dict[tuple[str, str], tuple[NewsPost, ...]] = field(default_factory=dict)

    # ---- derived facts, computed once in load_catalogue
    def is_finished(self, project: Project) -> bool:
        """``status`` when given; otherwise finished iff ``end`` is before the build date."""
        if project.status:
            return project.status == "finished"
        return project.end is not None and project.end.last_day < self.build_date

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

    def members(self, organisation_id: str) -> tuple[Contact, ...]:
        return self._members.get(organisation_id, ())

    def news_about(self, kind: str, record_id: str) -> tuple[NewsPost, ...]:
        return self._news_about.get((kind, record_id), ())

    @property
    def programmes(self) -> tuple[Project, ...]:
        return tuple(p for p in self.projects.values() if p.kind == "programme")

    def resource_files(self, resource: Resource) -> list[tuple[str, filefacts.FileFacts]]:
        return [(f.title, self.facts[f.file]) for f in resource.files]


# --------------------------------------------------------------------------- loading


def _record_files(root: str, folder: str, problems: Problems) -> list[tuple[str, str, str]]:
    """(id, absolute path, shown path) for each ``<folder>/*.yml``; odd names are errors."""
    base = os.path.join(root, folder)
    if not os.path.isdir(base):
        return []
    out = []
    for name in sorted(os.listdir(base)):
        full = os.path.join(base, name)
        shown = f"{folder}/{name}"
        if name.startswith(".") or os.path.isdir(full) and not os.path.islink(full):
            continue
        if name.endswith(".yaml"):
            problems.add(shown, 0, 0, "", "record files end in '.yml'; rename it to " + name[:-5] + ".yml")
            continue
        if not name.endswith(".yml"):
            if folder != "resources":
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
    for folder in CONTENT_FOLDERS + ("docs",):
        base = os.path.join(root, folder)
        if os.path.islink(base):
            found.append(folder)
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(dirnames + filenames):
                full = os.path.join(dirpath, name)
                if os.path.islink(full):
                    found.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return found


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
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


def load_catalogue(
    root: str,
    *,
    build_date: dt.date,
    docs_dir: str | None = None,
    news_dir: str = "news/posts",
    facts_cache: filefacts.FactsCache | None = None,
    read_pages: filefacts.PageReader | None = None,
) -> Catalogue:
    """Load, validate and cross-check every record under ``root``; raise ArchiveError listing all problems."""
    with _gc_paused():
        return _load_catalogue(root, build_date=build_date, docs_dir=docs_dir, news_dir=news_dir,
                               facts_cache=facts_cache, read_pages=read_pages)


def _load_catalogue(root: str, *, build_date: dt.date, docs_dir: str | None, news_dir: str,
                    facts_cache: filefacts.FactsCache | None = None,
                    read_pages: filefacts.PageReader | None = None) -> Catalogue:
    problems = Problems()
    for link in find_symlinks(root):
        problems.add(link, 0, 0, "", "symbolic links are not allowed in the content folders; copy the real file here")

    docs: dict[str, dict[str, tuple[object, strictyaml.Document]]] = {}
    present: dict[str, set[str]] = {}  # ids with a file, valid or not: no cascade of "no such id"
    for kind, folder in schema.FOLDERS.items():
        docs[kind] = {}
        present[kind] = set()
        for record_id, full, shown in _record_files(root, folder, problems):
            present[kind].add(record_id)
            doc = strictyaml.load_file(full, shown, problems)
            if doc is None:
                continue
            # a record with problems comes back as a Partial: its references and files are
            # still checked below, so every mistake shows in one run
            docs[kind][record_id] = (schema.convert(kind, record_id, doc, shown, problems), doc)

    posts = load_posts(docs_dir, news_dir, problems) if docs_dir else []

    def valid(kind: str) -> dict:
        return {k: v[0] for k, v in docs[kind].items() if not isinstance(v[0], schema.Partial)}

    projects: dict[str, Project] = valid("project")
    contacts: dict[str, Contact] = valid("contact")
    resources: dict[str, Resource] = valid("resource")
    kinds = {"project": projects, "contact": contacts, "resource": resources}

    def ref(path: str, doc: strictyaml.Document, at: tuple, kind: str, target: str, want: str | None = None) -> None:
        if target is None:  # the id itself was wrong; reported with the record
            return
        table = kinds[kind]
        mark = doc.mark(at)
        label = strictyaml.dotted(at)
        if target not in table:
            if target in present[kind]:
                return  # that record has problems of its own, reported there
            import difflib

            close = difflib.get_close_matches(target, list(table), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; create {schema.FOLDERS[kind]}/{target}.yml"
            problems.add(path, mark.line, mark.column, label, f"no {kind} with id '{target}'{hint}")
            return
        rec = table[target]
        if want == "organisation" and getattr(rec, "kind", None) != "organisation":
            problems.add(path, mark.line, mark.column, label, f"'{target}' is a {rec.kind}, not an organisation")
        if want == "programme" and getattr(rec, "kind", None) != "programme":
            problems.add(
                path, mark.line, mark.column, label,
                f"project '{target}' is not a programme; add 'kind: programme' to {schema.FOLDERS[kind]}/{target}.yml",
            )

    resources_dir = os.path.join(root, "resources")
    facts: dict[str, filefacts.FileFacts] = {}

    def check_file(path: str, doc: strictyaml.Document, at: tuple, rel: str, image: bool = False) -> None:
        if rel is None or rel in facts:  # a bad path was reported with the record
            return
        mark = doc.mark(at)
        label = strictyaml.dotted(at)
        full, err = filefacts.resolve(resources_dir, rel)
        if err is None:
            got, err = filefacts.measure(full, rel, facts_cache, read_pages)
            if got is not None:
                if image and got.extension not in filefacts.IMAGE_EXTENSIONS:
                    err = f"'{rel}' is a {got.format}, not an image"
                else:
                    facts[rel] = got
        if err:
            problems.add(path, mark.line, mark.column, label, err)

    for pid, (project, doc) in docs["project"].items():
        p = project.path
        if project.programme:
            if project.programme == pid:
                mk = doc.mark(("programme",))
                problems.add(p, mk.line, mk.column, "programme", "a project cannot be its own programme")
            else:
                ref(p, doc, ("programme",), "project", project.programme, "programme")
        for i, org in enumerate(project.organisations):
            ref(p, doc, ("organisations", i, "id"), "contact", org.id, "organisation")
        for i, c in enumerate(project.contacts):
            ref(p, doc, ("contacts", i, "id"), "contact", c.id)
            if c.organisation:
                ref(p, doc, ("contacts", i, "organisation"), "contact", c.organisation, "organisation")
        for i, r in enumerate(project.resources):
            ref(p, doc, ("resources", i), "resource", r)
        if project.image and project.image.file:
            check_file(p, doc, ("image", "file"), project.image.file, image=True)
    for cid, (contact, doc) in docs["contact"].items():
        if contact.organisation:
            if contact.organisation == cid:
                mk = doc.mark(("organisation",))
                problems.add(contact.path, mk.line, mk.column, "organisation", "a person's organisation must be another contact")
            else:
                ref(contact.path, doc, ("organisation",), "contact", contact.organisation, "organisation")
    for resource, doc in docs["resource"].values():
        for i, f in enumerate(resource.files):
            check_file(resource.path, doc, ("files", i, "file"), f.file)
    for post, doc in posts:
        for key, kind in (("projects", "project"), ("organisations", "contact"), ("resources", "resource")):
            for i, target in enumerate(getattr(post, key)):
                ref(post.path, doc, (key, i), kind, target, "organisation" if key == "organisations" else None)

    themes = _tags(docs["project"], "themes", problems)
    regions = _tags(docs["project"], "regions", problems)

    if problems:
        raise ArchiveError(problems)

    ordered = dict(sorted(projects.items(), key=lambda kv: (-kv[1].start.first_day.toordinal(), kv[1].title.casefold(), kv[0])))
    children: dict[str, list[Project]] = defaultdict(list)
    used_by: dict[str, list[Project]] = defaultdict(list)
    appearances: dict[str, list[Appearance]] = defaultdict(list)
    project_contacts: dict[str, tuple[Appearance, ...]] = {}
    for project in ordered.values():
        if project.programme:
            children[project.programme].append(project)
        for r in project.resources:
            used_by[r].append(project)
        listed = []
        for c in project.contacts:
            base = contacts[c.id]
            org_id = c.organisation or base.organisation
            a = Appearance(project, base, c.role or base.role, c.email or base.email, c.phone or base.phone,
                           contacts[org_id] if org_id else None)
            appearances[c.id].append(a)
            listed.append(a)
        project_contacts[project.id] = tuple(listed)
        for o in project.organisations:
            appearances[o.id].append(Appearance(project, contacts[o.id], o.role, None, None, as_organisation=True))
    members: dict[str, list[Contact]] = defaultdict(list)
    for contact in sorted(contacts.values(), key=lambda c: (c.name.casefold(), c.id)):
        if contact.organisation:
            members[contact.organisation].append(contact)
    news_about: dict[tuple[str, str], list[NewsPost]] = defaultdict(list)
    for post, _ in posts:
        for key, kind in (("projects", "project"), ("organisations", "contact"), ("resources", "resource")):
            for target in getattr(post, key):
                news_about[(kind, target)].append(post)

    return Catalogue(
        root=root,
        build_date=build_date,
        projects=ordered,
        contacts=dict(sorted(contacts.items(), key=lambda kv: (kv[1].name.casefold(), kv[0]))),
        resources=dict(sorted(resources.items(), key=lambda kv: (kv[1].title.casefold(), kv[0]))),
        news=tuple(post for post, _ in posts),
        facts=dict(sorted(facts.items())),
        themes=themes,
        regions=regions,
        _children={k: tuple(v) for k, v in children.items()},
        _used_by={k: tuple(v) for k, v in used_by.items()},
        _appearances={k: tuple(v) for k, v in appearances.items()},
        _project_contacts=project_contacts,
        _members={k: tuple(v) for k, v in members.items()},
        _news_about={k: tuple(v) for k, v in news_about.items()},
    )


def _tags(projects: dict[str, tuple[Project, strictyaml.Document]], key: str, problems: Problems) -> tuple[Tag, ...]:
    """Group projects by theme or region; two spellings of one slug are an error."""
    by_slug: dict[str, tuple[str, list[Project]]] = {}
    def newest_first(pd: tuple[Project, strictyaml.Document]) -> tuple[int, str]:
        p = pd[0]  # may be a Partial with no start or title
        return (-(p.start.first_day.toordinal() if p.start else 0), (p.title or "").casefold())

    ordered = sorted(projects.values(), key=newest_first)
    for project, doc in ordered:
        for i, name in enumerate(getattr(project, key)):
            slug = tag_slug(name)
            if slug in by_slug and by_slug[slug][0] != name:
                mk = doc.mark((key, i))
                problems.add(
                    project.path, mk.line, mk.column, f"{key}[{i}]",
                    f"'{name}' and '{by_slug[slug][0]}' differ only in capitals or punctuation; "
                    "use one spelling so they share a page",
                )
                continue
            by_slug.setdefault(slug, (name, []))[1].append(project)
    return tuple(Tag(name, slug, tuple(ps)) for slug, (name, ps) in sorted(by_slug.items(), key=lambda kv: kv[1][0].casefold()))
