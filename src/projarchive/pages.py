"""Page models: which pages the archive has and what each one shows.

:func:`site_pages` turns a :class:`~projarchive.catalogue.Catalogue` into a list
of :class:`PageSpec` — source path, title, template and the plain data the
template needs. :func:`render_page` renders one with links made relative to the
page. The MkDocs hook only hands these to MkDocs; tests call them directly.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import yaml
from jinja2 import Environment

from . import maps, textlinks
from .catalogue import Catalogue, Tag, gc_paused, slugify, tag_slug
from .cite import project_citation, resource_citation
from .facets import ACTIVE, FINISHED, KIND, PROGRAMME, PROJECT, FacetGroup, FacetTally, Option, project_facets
from .figures import DEFAULT_LOCALE, format_figure
from .files import IMAGE_EXTENSIONS, file_dest
from .licences import LICENCES, lookup
from .model import OUTPUT_UNITS, RECORD_FOLDERS, RESOURCE_KINDS, Contact, Project, Resource
from .privacy import details_withheld
from .problems import Problems
from .products import Products, saved_name
from .render import DEFAULT_ACCESSIBLE_FORMAT_EMAIL, relative_url, render
from .router import CITATION_FORMATS, Router, citation_dest, listing_src, record_src
from .schema import EMAIL_RE, key_reference, shorten
from .search_facts import LAST_TYPE, TYPES, SearchFacts, contact_facts, project_facts, resource_facts
from .strictyaml import forbidden_character

NO_PRODUCTS = Products({}, {})

DEFAULT_BANNER = "This project has now finished. We've left it here for reference."
SEARCH_SRC = "search/index.md"  # the search results page, where the header's search box leads
BROWSE_SRC = "browse/index.md"
RESULTS_PER_PAGE = 20  # results on one page of the search results
SEARCH_FACETS = ("theme", "region", "status")  # the results page's filters besides type and years


@dataclass(frozen=True)
class Settings:
    """Choices a site owner makes in ``mkdocs.yml`` under ``extra.archive``."""

    banner: str = DEFAULT_BANNER
    recent: int = 5
    # privacy: a person's email and phone are not shown on projects that finished more than this
    # many years before the build (their organisation's details are shown instead); 0 = always shown
    personal_details_years: int = 0
    # accessibility: where "Request an accessible format" on every document writes to
    accessible_format_email: str = DEFAULT_ACCESSIBLE_FORMAT_EMAIL
    per_page: int = 50  # entries on one listing page; longer listings continue on /page/2/ …


# How each option of extra.archive is checked: (kind, smallest, largest) for whole numbers; (kind, longest)
# for text; an email address. Validated like records (every problem, with its line in mkdocs.yml).
SETTING_RULES: dict[str, tuple[Any, ...]] = {
    "banner": ("text", 300),
    "recent": ("number", 0, 100),
    "personal_details_years": ("number", 0, 200),
    "accessible_format_email": ("email",),
    "per_page": ("number", 1, 1000),
}


class SettingsError(ValueError):
    """extra.archive has problems; the message lists them all, as record problems are listed."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems.sorted()))


def settings_from(options: Any, marks: dict[str, tuple[int, int]] | None = None,
                  config_file: str = "mkdocs.yml") -> Settings:
    """Read ``extra.archive`` from mkdocs.yml. Every unknown, mistyped or out-of-range option is reported
    (:class:`SettingsError`) as ``mkdocs.yml:line:column: error: extra.archive.recent: …``; ``marks``
    gives the line and column of each option's value (:func:`setting_marks`), where known."""
    problems = Problems()
    marks = marks or {}

    def report(key: str, message: str) -> None:
        line, column = marks.get(key, marks.get("", (0, 0)))
        problems.add(config_file, line, column, f"extra.archive.{key}" if key else "extra.archive", message)

    if not isinstance(options, dict):
        report("", "should be keys and values (banner: …, recent: …); see the README's Configuration")
        raise SettingsError(problems)
    good: dict[str, Any] = {}
    for key, value in options.items():
        rule = SETTING_RULES.get(str(key))
        if rule is None:
            close = difflib.get_close_matches(str(key), list(SETTING_RULES), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            report(str(key), f"unknown option '{key}'; {hint}the options are {', '.join(SETTING_RULES)}")
            continue
        problem = _setting_problem(rule, value)
        if problem:
            report(key, problem)
        else:
            good[key] = value.strip() if isinstance(value, str) else value
    if problems:
        raise SettingsError(problems)
    return Settings(**good)


def _setting_problem(rule: tuple[Any, ...], value: Any) -> str | None:
    kind = rule[0]
    if kind == "number":
        if not isinstance(value, int) or isinstance(value, bool):
            return f"should be a whole number, not {shorten(repr(value))}"
        if value < rule[1]:
            return f"{value} is below the smallest allowed value {rule[1]}"
        if value > rule[2]:
            return f"{value} is above the largest allowed value {rule[2]}"
        return None
    if not isinstance(value, str) or not value.strip():
        return f"should be {'text' if kind == 'text' else 'an email address'}, not {shorten(repr(value))}"
    text = value.strip()
    bad = forbidden_character(text)
    if bad:
        return bad
    if "\n" in text or "\t" in text:
        return "should be one line of text"
    if kind == "email":
        return None if EMAIL_RE.match(text) else f"'{shorten(text)}' is not an email address (expected name@example.org)"
    if len(text) > rule[1]:
        return f"is {len(text):,} characters long; at most {rule[1]:,} are allowed here"
    return None


def settings_file(config_file: str) -> str:
    """The file where ``extra.archive`` is written: ``config_file``, or the file it INHERITs when it
    has no ``extra`` of its own (ProperDocs reads properdocs.yml, which only inherits mkdocs.yml)."""
    seen = set()
    while config_file not in seen:
        seen.add(config_file)
        try:
            with open(config_file, encoding="utf-8-sig") as f:
                root = yaml.compose(f, Loader=yaml.SafeLoader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return config_file
        if not isinstance(root, yaml.MappingNode):
            return config_file
        keys = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
        parent = keys.get("INHERIT")
        if "extra" in keys or not isinstance(parent, yaml.ScalarNode):
            return config_file
        config_file = os.path.normpath(os.path.join(os.path.dirname(config_file), parent.value))
    return config_file


def setting_marks(config_file: str) -> dict[str, tuple[int, int]]:
    """Where each option of ``extra.archive`` is written in ``config_file`` (line, column of its value;
    "" for extra.archive itself), read from the YAML's nodes without building values (so MkDocs' own
    tags such as ``!ENV`` are no trouble). Empty when the file cannot be read or the options are not
    written there (an INHERIT-ed file)."""
    try:
        with open(config_file, encoding="utf-8-sig") as f:
            root = yaml.compose(f, Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    node = root
    for name in ("extra", "archive"):
        if not isinstance(node, yaml.MappingNode):
            return {}
        node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)
    if node is None:
        return {}
    marks = {"": (node.start_mark.line + 1, node.start_mark.column + 1)}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                marks[key.value] = (value.start_mark.line + 1, value.start_mark.column + 1)
    return marks


@dataclass(frozen=True)
class PageSpec:
    src: str  # path of the (virtual) Markdown source, e.g. projects/take-ten-people.md
    title: str
    template: str
    context: dict[str, Any] = field(hash=False)
    record: str | None = None  # the YAML file this page comes from, for "edit this page"
    toc: tuple[tuple[str, str], ...] = ()  # (anchor id, heading) of the page's h2 headings
    description: str | None = None
    ref: tuple[str, str] | None = None  # (kind, id) of the record the page shows
    search: SearchFacts | None = None  # what the search index knows of the page; None: not a search result
    hide: tuple[str, ...] = ()  # Material's page.meta.hide: parts of the page layout left out

    @property
    def searchable(self) -> bool:
        """Whether the page is a search result. Record pages are; listings are not: they only
        repeat the titles and summaries of records that are results themselves, and indexed,
        they would crowd every result list (and grow the index several times over)."""
        return self.search is not None


def shared_nav_key(page_url: str, nav_urls: frozenset[str]) -> str | None:
    """Which pages may share one rendering of the site navigation (and tabs), or None.

    A page outside the navigation (``page_url`` not in ``nav_urls``) marks no entry active, and
    its links to the entries are relative to its folder; so every such page in one folder gets
    the same navigation, unless an entry lies below the page itself. The key is that folder.
    ``projects/a/`` and ``projects/b/`` share ``projects/``; pages in the navigation get None."""
    if page_url in nav_urls or not page_url or any(u.startswith(page_url) for u in nav_urls if u):
        return None
    return posixpath.dirname(page_url.rstrip("/")) + "/"


def nav_anchor(page_url: str, nav_urls: frozenset[str]) -> str | None:
    """The navigation entry a page outside the navigation belongs under: the nearest folder above it
    that is a page in the navigation (``projects/`` for ``projects/x/``, and for
    ``themes/x/page/2/`` the ``themes/`` listing), or None. It depends only on the page's folder,
    as :func:`shared_nav_key` does, so every page that shares a rendering of the navigation shares
    its highlighted entry too."""
    folder = posixpath.dirname(page_url.rstrip("/"))
    while folder:
        for url in (folder + "/", folder + "/index.html"):
            if url in nav_urls:
                return url
        folder = posixpath.dirname(folder)
    return None


class Links:
    """Relative links from one page to any record, listing or file. Used by the templates.

    ``url_of`` gives a source's URL (the build's router, which also checks that the site has
    the page); every link is then made relative to the page at ``from_url``."""

    def __init__(self, from_url: str, url_of: Callable[[str], str]) -> None:
        self.from_url = from_url
        self.url_of = url_of

    def page(self, src: str) -> str:
        return relative_url(self.url_of(src), self.from_url)

    def project(self, project_id: str) -> str:
        return self.page(record_src("project", project_id))

    def resource(self, resource_id: str) -> str:
        return self.page(record_src("resource", resource_id))

    def contact(self, contact_id: str) -> str:
        return self.page(record_src("contact", contact_id))

    def theme(self, name: str) -> str:
        return self.page(f"themes/{tag_slug(name)}.md")

    def region(self, name: str) -> str:
        return self.page(f"regions/{tag_slug(name)}.md")

    def asset(self, path: str) -> str:
        """A file of the site itself (``pagefind/``, ``javascripts/browse.js``), relative to this page."""
        return relative_url(path, self.from_url)

    def file(self, path: str) -> str:
        """A download link to a document under ``resources/`` (its URL is percent-encoded, so '#',
        '?' or '%' in a file name survive)."""
        return self.page(file_dest(path))


# --------------------------------------------------------------------------- page models


@dataclass(frozen=True)
class Build:
    """What page models need besides the catalogue and the settings: the build's products
    (thumbnails, ZIPs), its router (for citations' absolute addresses), the site's name and language."""

    products: Products = NO_PRODUCTS
    router: Router = field(default_factory=Router)
    site_name: str = ""
    locale: str = DEFAULT_LOCALE


def _trail(*steps: tuple[str, str]) -> list[dict[str, str]]:
    """Breadcrumbs: Home, then (title, source) of each step down to the page's parent."""
    return [{"title": "Home", "src": "index.md"}, *({"title": t, "src": src} for t, src in steps)]


class ProjectFacts:
    """Each project's card (what a listing shows of it) and browse facets, made once and shared by
    every page that shows them: a project is on the all-projects listing, its themes', its region's,
    its contacts' and its resources' pages. ``mkdocs serve`` keeps one between preview updates (the
    build session): a card is made again when its project (the very object: see catalogue.LoadMemo)
    or its state changed; facets also show the names of the project's organisations and the kinds of
    its resources, so the session forgets those of every project a save may reach (:meth:`forget`)."""

    def __init__(self) -> None:
        self._cards: dict[str, tuple[Project, bool, bool, dict[str, Any]]] = {}
        self._facets: dict[str, tuple[Project, bool, bool, tuple[Any, ...]]] = {}
        self.tally = FacetTally()  # the browse form's counts, counted again only for projects whose facets changed

    def card(self, cat: Catalogue, p: Project) -> dict[str, Any]:
        finished, programme = cat.is_finished(p), cat.is_programme(p)
        known = self._cards.get(p.id)
        if known is not None and known[0] is p and known[1] == finished and known[2] == programme:
            return known[3]
        card = {"project": p, "finished": finished, "is_programme": programme}  # dates: in the site's language
        self._cards[p.id] = (p, finished, programme, card)
        return card

    def facets(self, cat: Catalogue, p: Project) -> tuple[Any, ...]:
        finished, programme = cat.is_finished(p), cat.is_programme(p)
        known = self._facets.get(p.id)
        if known is not None and known[0] is p and known[1] == finished and known[2] == programme:
            return known[3]
        facets = project_facets(cat, p)
        self._facets[p.id] = (p, finished, programme, facets)
        return facets

    def forget(self, project_ids: Iterable[str]) -> None:
        for project_id in project_ids:
            self._cards.pop(project_id, None)
            self._facets.pop(project_id, None)


def _project_page(cat: Catalogue, p: Project, settings: Settings, facts: ProjectFacts,
                  build: Build = Build()) -> PageSpec:
    finished = cat.is_finished(p)
    contacts = [_contact_entry(cat, a, settings) for a in cat.project_contacts(p.id)]
    resources = [_resource_model(cat, cat.resources[r], build.products) for r in p.resources]
    toc: list[tuple[str, str]] = []
    ids: set[str] = {"top", textlinks.MAP_ANCHOR, "cite"}  # fixed anchors: the title, the map, "Cite this"

    def anchor(title: str) -> str:
        base = slugify(title)
        candidate, n = base, 1
        while candidate in ids:
            n += 1
            candidate = f"{base}_{n}"
        ids.add(candidate)
        toc.append((candidate, title))
        return candidate

    places = _project_places(cat, p)
    anchors = {"documents": anchor("Documents") if resources else None}  # first: the page's own "Documents" link
    toc.clear()
    sections = [{"heading": s.heading, "body": s.body, "id": anchor(s.heading), "refs": _refs(cat, s.body, build)}
                for s in p.sections]
    for key, title, present in (
        ("outputs", "Outputs against targets", p.outputs),
        ("timeline", "Timeline", p.timeline),
        ("sites", "Where the work took place", places or p.sites_note),
        ("children", "Projects in this programme", cat.children(p.id)),
        ("organisations", "Organisations", p.organisations),
        ("documents", "Documents", resources),
        ("contacts", "Contact information", contacts),
        ("links", "Links", p.links),
        ("news", "In the news", cat.news_about("project", p.id)),
        ("cite", "Cite this programme" if cat.is_programme(p) else "Cite this project", True),
    ):
        if key == "documents" and present:
            toc.append((anchors["documents"], title))
        elif key == "sites" and present:
            anchors[key] = textlinks.MAP_ANCHOR
            toc.append((textlinks.MAP_ANCHOR, title))
        elif key == "cite":
            anchors[key] = "cite"
            toc.append(("cite", title))
        else:
            anchors[key] = anchor(title) if present else None
    programme = cat.projects[p.programme] if p.programme else None
    trail = _trail(("Projects", listing_src("project")),
                   *([(programme.label, record_src("project", programme.id))] if programme else []))
    context = {
        "project": p,
        "trail": trail,
        "finished": finished,
        "is_programme": cat.is_programme(p),
        "banner": settings.banner,
        "programme": programme,
        "leads": cat.leads(p),
        "children": [facts.card(cat, c) for c in cat.children(p.id)],
        "sections": sections,
        "anchors": anchors,
        "organisations": [{"contact": cat.contacts[o.id], "role": o.role} for o in p.organisations],
        "contacts": contacts,
        "resources": resources,
        "outputs": _outputs(p, build.locale),
        "places": places,
        "map": maps.draw([pl for pl, _ in places]) if places else None,
        "news": cat.news_about("project", p.id),
        "cite": _cite(project_citation(cat, p.id, build.router, build.site_name), "project", p.id),
    }
    return PageSpec(record_src("project", p.id), p.title, "archive/project.html", context, p.path, tuple(toc),
                    p.summary, ("project", p.id), project_facts(cat, p))


def _project_places(cat: Catalogue, p: Project) -> list[tuple[maps.Place, dict[str, Any]]]:
    """The places on a project's map, numbered as its table lists them: its own sites, then (on a
    programme) the sites of its projects, each saying which project it belongs to."""
    rows: list[tuple[maps.Place, dict[str, Any]]] = []
    owners = [(p, None)] + [(c, c) for c in cat.children(p.id)]
    for owner, child in owners:
        for site in owner.sites:
            n = len(rows) + 1
            name = site.name + (f", {site.town}" if site.town and site.town not in site.name else "")
            if child is not None:
                name += f" ({child.label})"
            rows.append((maps.Place(n, name, float(site.lat), float(site.lon), f"#site-{n}"),
                         {"site": site, "project": child, "number": n}))
    return rows


def _outputs(p: Project, locale: str) -> list[dict[str, Any]]:
    """Each output with its numbers written for the site's language (£25,000; 1,785.71)."""
    return [{"output": o,
             "target": format_figure(o.target, o.unit, locale) if o.target is not None else None,
             "achieved": format_figure(o.achieved, o.unit, locale) if o.achieved is not None else None}
            for o in p.outputs]


def _cite(citation: Any, kind: str, record_id: str) -> dict[str, Any]:
    return {"text": citation.text(),
            "files": [{"label": label, "src": citation_dest(kind, record_id, ext), "ext": ext}
                      for ext, label in CITATION_FORMATS.items()]}


def _refs(cat: Catalogue, body: str, build: Build) -> dict[str, dict[str, Any]]:
    """What each record link in a Markdown body leads to (``resource:x`` -> its page's source …),
    for :func:`projarchive.render.markdown_html`. The ids were checked when the records loaded."""
    out: dict[str, dict[str, Any]] = {}
    for link in textlinks.record_links(body):
        if link.scheme == "download":
            r = cat.resources[link.id]
            out[link.written] = {"src": _primary_download(cat, r, build.products),
                                 "download": (f"{r.id}.zip" if r.id in build.products.bundles
                                              else saved_name(r.files[0].file) if r.files else None)}
            continue
        out[link.written] = {"src": record_src(link.kind, link.id)}
        if link.image and link.kind == "resource":
            r = cat.resources[link.id]
            first = r.files[0].file
            thumb = build.products.thumbnails.get(first)
            if thumb is not None:
                out[link.written] |= {"image": thumb.dest, "width": thumb.width // 2, "height": thumb.height // 2}
            elif cat.facts[first].extension in IMAGE_EXTENSIONS:
                out[link.written] |= {"image": file_dest(first), "width": None, "height": None}
    return out


def _primary_download(cat: Catalogue, r: Resource, products: Products) -> str:
    """The one link that downloads a resource: its ZIP, its only file, or (external) its address."""
    if r.id in products.bundles:
        return products.bundles[r.id].dest
    if r.files:
        return file_dest(r.files[0].file)
    return r.url or record_src("resource", r.id)


def _withheld(cat: Catalogue, project: Project, contact: Contact, settings: Settings) -> bool:
    """The privacy policy: a person's details on a project that finished long ago are not shown."""
    return contact.kind == "person" and details_withheld(
        project.end, cat.is_finished(project), cat.build_date, settings.personal_details_years)


def _contact_entry(cat: Catalogue, a: Any, settings: Settings) -> dict[str, Any]:
    """A contact as listed on a project, with email and phone removed when the policy withholds them."""
    withheld = _withheld(cat, a.project, a.contact, settings)
    return {"contact": a.contact, "role": a.role, "organisation": a.organisation,
            "email": None if withheld else a.email, "phone": None if withheld else a.phone,
            "withheld": withheld and bool(a.email or a.phone)}


def _resource_model(cat: Catalogue, r: Resource, products: Products = NO_PRODUCTS) -> dict[str, Any]:
    """A resource as listed anywhere: its files with their facts, pictures and saved names, its ZIP."""
    files = []
    for f in r.files:
        facts = cat.facts[f.file]
        files.append({"title": f.title, "facts": facts, "saved_name": saved_name(f.file),
                      "thumbnail": products.thumbnails.get(f.file),
                      "image": file_dest(f.file) if facts.extension in IMAGE_EXTENSIONS else None})
    return {"resource": r, "files": files, "bundle": products.bundles.get(r.id),
            "licence": lookup(r.licence) if r.licence else None}


def _resource_page(cat: Catalogue, r: Resource, facts: ProjectFacts, build: Build = Build()) -> PageSpec:
    context = {
        **_resource_model(cat, r, build.products),
        "trail": _trail(("Resources", listing_src("resource"))),
        "kind_label": RESOURCE_KINDS[r.kind],
        "used_by": [facts.card(cat, p) for p in cat.used_by(r.id)],
        "news": cat.news_about("resource", r.id),
        "cite": _cite(resource_citation(cat, r.id, build.router, build.site_name), "resource", r.id),
    }
    noun = RESOURCE_KINDS[r.kind].removesuffix("s").lower()
    context["cite_title"] = f"Cite this {noun if r.kind != 'other' else 'document'}"
    toc = (("downloads", "Where to find it" if r.url else "Downloads"), *((("details", "Details"),) if r.summary else ()),
           ("used-by", "Used by"),
           *((("news", "In the news"),) if context["news"] else ()), ("cite", context["cite_title"]))
    return PageSpec(record_src("resource", r.id), r.title, "archive/resource.html", context, r.path, toc, r.summary,
                    ("resource", r.id), resource_facts(cat, r))


def _contact_page(cat: Catalogue, c: Contact, settings: Settings, facts: ProjectFacts) -> PageSpec:
    appearances = cat.appearances(c.id)
    hidden = [_withheld(cat, a.project, c, settings) for a in appearances]
    context = {
        "contact": c,
        "organisation": cat.contacts.get(c.organisation) if c.organisation else None,
        "members": cat.members(c.id),
        # a person's own (latest) details are withheld when every project they are on is past the policy
        "withheld": bool(appearances) and all(hidden) and bool(c.email or c.phone),
        "appearances": _merged_appearances(cat, appearances, hidden, facts),
        "news": cat.news_about("contact", c.id),
        "trail": _trail(("Contacts", listing_src("contact"))),
    }
    toc = (*((("people", "People"),) if context["members"] else ()), ("projects", "Projects"),
           *((("news", "In the news"),) if context["news"] else ()))
    return PageSpec(record_src("contact", c.id), c.name, "archive/contact.html", context, c.path, toc, c.note,
                    ("contact", c.id), contact_facts(cat, c))


def _merged_appearances(cat: Catalogue, appearances: tuple[Any, ...], hidden: list[bool],
                        facts: ProjectFacts) -> list[dict[str, Any]]:
    """One row per project a contact is named on, with every role they had there: an organisation
    that is both a project's contact and its "Lead organisation" is listed once, with both."""
    rows: dict[str, dict[str, Any]] = {}
    for a, h in zip(appearances, hidden, strict=True):
        row = rows.get(a.project.id)
        if row is None:
            row = rows[a.project.id] = {"card": facts.card(cat, a.project), "roles": [], "email": None,
                                        "phone": None, "withheld": False, "organisation": None,
                                        "as_organisation": a.as_organisation}
        if a.role and a.role not in row["roles"]:
            row["roles"].append(a.role)
        row["email"] = row["email"] or (None if h else a.email)
        row["phone"] = row["phone"] or (None if h else a.phone)
        row["withheld"] = row["withheld"] or (h and bool(a.email or a.phone))
        row["organisation"] = row["organisation"] or a.organisation
        row["as_organisation"] = row["as_organisation"] and a.as_organisation
    return list(rows.values())


@dataclass(frozen=True)
class TagLink:
    """A theme or region as listings show it: its name, page and number of projects (not the projects,
    so a page model says only what the page shows; see projarchive.preview)."""

    name: str
    slug: str
    count: int


def tag_links(tags: tuple[Tag, ...]) -> tuple[TagLink, ...]:
    return tuple(TagLink(t.name, t.slug, len(t.projects)) for t in tags)


def _tag_pages(cat: Catalogue, tags: tuple[Tag, ...], folder: str, noun: str, plural: str,
               per_page: int, facts: ProjectFacts) -> list[PageSpec]:
    pages = [PageSpec(
        f"{folder}/index.md", plural, "archive/tags.html",
        {"tags": tag_links(tags), "folder": folder, "noun": noun, "plural": plural},
        description=f"Projects in the archive by {noun}.",
    )]
    for tag in tags:
        pages += _paged(
            f"{folder}/{tag.slug}.md", f"{noun.capitalize()}: {tag.name}", "archive/tag.html",
            list(tag.projects), per_page,
            lambda chunk, tag=tag: {"tag": TagLink(tag.name, tag.slug, len(tag.projects)), "noun": noun,
                                    "folder": folder,
                                    "cards": [facts.card(cat, p) for p in chunk],
                                    "trail": _trail(("Projects", listing_src("project")),
                                                    (plural, f"{folder}/index.md"))},
            f"Projects with the {noun} {tag.name}.",
        )
    return pages



# --------------------------------------------------------------------------- pagination


@dataclass(frozen=True)
class Pager:
    """Where one page of a long listing sits: its number, its neighbours, every page's source."""

    number: int
    sources: tuple[str, ...]  # the source of page 1, 2, … (page 1 is the listing's own address)
    first_item: int  # 1-based position of the page's first entry in the whole listing
    last_item: int
    total: int

    @property
    def count(self) -> int:
        return len(self.sources)

    @property
    def prev(self) -> str | None:
        return self.sources[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.sources[self.number] if self.number < self.count else None

    def window(self, near: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and those within ``near`` of this one;
        ``None`` marks a gap. Bounded, so a listing of any length costs the same per page."""
        shown = sorted({1, self.count, *range(max(1, self.number - near), min(self.count, self.number + near) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def page_src(first_src: str, number: int) -> str:
    """``projects/index.md`` → ``projects/page/2.md``; ``themes/x.md`` → ``themes/x/page/2.md``."""
    if number == 1:
        return first_src
    stem = first_src.removesuffix(".md")
    if posixpath.basename(stem) == "index":
        stem = posixpath.dirname(stem)
    return f"{stem}/page/{number}.md"


def paginate(items: list[Any], per_page: int) -> list[list[Any]]:
    """Split a listing into pages of ``per_page``; an empty listing still has its one page."""
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [[]]


def _paged(first_src: str, title: str, template: str, items: list[Any], per_page: int,
           context: Callable[[list[Any]], dict[str, Any]], description: str,
           toc: Callable[[list[Any], dict[str, Any]], tuple[tuple[str, str], ...]] = lambda chunk, context: ()
           ) -> list[PageSpec]:
    """The pages of one listing: page 1 at ``first_src``, then ``…/page/2.md`` and on."""
    chunks = paginate(items, per_page)
    sources = tuple(page_src(first_src, n) for n in range(1, len(chunks) + 1))
    specs = []
    start = 1
    for n, chunk in enumerate(chunks, 1):
        pager = Pager(n, sources, start, start + len(chunk) - 1, len(items))
        start += len(chunk)
        page_title = title if n == 1 else f"{title} (page {n} of {len(chunks)})"
        made = context(chunk)
        specs.append(PageSpec(sources[n - 1], page_title, template, {**made, "pager": pager},
                              toc=toc(chunk, made), description=description))
    return specs


def site_pages(cat: Catalogue, settings: Settings, facts: ProjectFacts | None = None,
               build: Build = Build()) -> list[PageSpec]:
    """Every generated page of the archive, in a stable order: the listings, then the record pages.
    Page models are many small acyclic objects that stay alive, like the records: the cyclic
    collector is paused while they are made (at 2,000 projects it took 60% of the time, walking the
    growing heap again and again)."""
    facts = facts if facts is not None else ProjectFacts()
    with gc_paused():
        return [*listing_pages(cat, settings, facts, build),
                *(record_page(cat, ref, settings, facts, build) for ref in record_refs(cat))]


def record_refs(cat: Catalogue) -> list[tuple[str, str]]:
    """(kind, id) of every record that has a page, in the order of the site's pages."""
    return [*(("project", i) for i in cat.projects), *(("resource", i) for i in cat.resources),
            *(("contact", i) for i in cat.contacts)]


def record_page(cat: Catalogue, ref: tuple[str, str], settings: Settings, facts: ProjectFacts | None = None,
                build: Build = Build()) -> PageSpec:
    """The page of one record: ``("project", "take-ten-people")``."""
    kind, record_id = ref
    facts = facts if facts is not None else ProjectFacts()
    if kind == "project":
        return _project_page(cat, cat.projects[record_id], settings, facts, build)
    if kind == "resource":
        return _resource_page(cat, cat.resources[record_id], facts, build)
    return _contact_page(cat, cat.contacts[record_id], settings, facts)


def listing_pages(cat: Catalogue, settings: Settings, facts: ProjectFacts | None = None,
                  build: Build = Build()) -> list[PageSpec]:
    """Every generated page that lists records (all projects, programmes, themes, regions, resources,
    contacts, browse), in a stable order. Each depends on many records; see projarchive.preview."""
    facts = facts if facts is not None else ProjectFacts()
    pages: list[PageSpec] = []
    per_page = settings.per_page
    pages += _paged(
        listing_src("project"), "All projects", "archive/projects.html", list(cat.projects.values()), per_page,
        lambda chunk: {"cards": [facts.card(cat, p) for p in chunk]},
        "Every project in the archive, newest first.",
    )
    pages.append(PageSpec(
        "programmes/index.md", "Programmes", "archive/programmes.html",
        {"programmes": [
            {"card": facts.card(cat, p), "children": [facts.card(cat, c) for c in cat.children(p.id)]}
            for p in cat.programmes
        ]},
        description="Programmes and the projects in them.",
    ))
    pages += _tag_pages(cat, cat.themes, "themes", "theme", "Themes", per_page, facts)
    pages += _tag_pages(cat, cat.regions, "regions", "region", "Regions", per_page, facts)

    kinds = list(RESOURCE_KINDS)
    by_kind = sorted(cat.resources.values(), key=lambda r: kinds.index(r.kind))  # stable: by title within a kind

    def resource_groups(chunk: list[Resource]) -> list[dict[str, Any]]:
        return [{"kind": k, "label": RESOURCE_KINDS[k],
                 "entries": [_resource_model(cat, r, build.products) for r in chunk if r.kind == k]}
                for k in kinds if any(r.kind == k for r in chunk)]

    pages += _paged(
        listing_src("resource"), "Resources", "archive/resources.html", by_kind, per_page,
        lambda chunk: {"groups": resource_groups(chunk)},
        "Toolkits, reports and other documents, by kind.",
        toc=lambda chunk, made: tuple((g["kind"], g["label"]) for g in made["groups"]),
    )
    people = [c for c in cat.contacts.values() if c.kind == "person"]
    orgs = [c for c in cat.contacts.values() if c.kind == "organisation"]

    def contact_toc(chunk: list[Contact], made: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        return tuple((k, label) for k, label, kind in (("people", "People", "person"),
                                                      ("organisations", "Organisations", "organisation"))
                     if any(c.kind == kind for c in chunk))

    pages += _paged(
        listing_src("contact"), "Contacts", "archive/contacts.html", people + orgs, per_page,
        lambda chunk: {"people": [c for c in chunk if c.kind == "person"],
                       "organisations": [c for c in chunk if c.kind == "organisation"]},
        "People and organisations named in the archive.",
        toc=contact_toc,
    )
    pages += finder_pages(cat, settings, facts)
    return pages


def finder_pages(cat: Catalogue, settings: Settings, facts: ProjectFacts) -> list[PageSpec]:
    """The browse page (projects by facet, with counts) and the search results page (every kind of
    record, by words and filters). Both are forms whose state lives in the address, worked by
    docs/javascripts/finder.js with the search index; neither is a search result itself."""
    groups, years = facts.tally.groups(cat, facts.facets)
    links = {"projects": listing_src("project"), "themes": "themes/index.md", "regions": "regions/index.md",
             "programmes": "programmes/index.md", "resources": listing_src("resource"),
             "contacts": listing_src("contact")}
    browse = PageSpec(
        BROWSE_SRC, "Browse projects", "archive/browse.html",
        {"groups": groups, "years": years, "total": len(cat.projects), "per_page": settings.per_page,
         "fixed": {KIND: [PROJECT, PROGRAMME]}, "listings": links, **overview_map(cat)},
        description="Filter the archive's projects by theme, region, years, status, organisation and resource kind.",
        hide=("toc",),
    )
    by_key = {g.key: g for g in groups}
    types = FacetGroup(KIND, "Type", tuple(Option(value, None, label) for value, label in TYPES.items()))
    search_groups = (types, *(FacetGroup(k, by_key[k].label, tuple(Option(o.value, None) for o in by_key[k].options))
                              for k in SEARCH_FACETS if k in by_key))
    search = PageSpec(
        SEARCH_SRC, "Search the archive", "archive/search.html",
        {"groups": search_groups, "years": years, "per_page": RESULTS_PER_PAGE, "last_type": LAST_TYPE,
         "fixed": {}, "listings": links},
        description="Search every project, document, person, organisation and news post in the archive.",
        hide=("navigation", "toc"),
    )
    return [browse, search]


def home_context(cat: Catalogue, settings: Settings, facts: ProjectFacts | None = None) -> dict[str, Any]:
    """What the home page adds below its hand-written introduction: counts, the projects that
    finished most recently and those still running (``recent`` of each; the counts lead to the
    browse page filtered to all of them), themes, regions and news."""
    facts = facts if facts is not None else ProjectFacts()
    finished = [p for p in cat.projects.values() if cat.is_finished(p)]
    running = [p for p in cat.projects.values() if not cat.is_finished(p)]  # newest first, as listed
    # the last day it ran (or, with no end recorded, the first); newest first
    finished.sort(key=lambda p: ((p.end or p.start).last_day, p.start.first_day), reverse=True)
    return {
        "counts": {
            "projects": len(cat.projects),
            "finished": len(finished),
            "running": len(running),
            "programmes": len(cat.programmes),
            "resources": len(cat.resources),
            "files": len({f.file for r in cat.resources.values() for f in r.files}),
            "contacts": len(cat.contacts),
        },
        "finished": [facts.card(cat, p) for p in finished[: settings.recent]],
        "running": [facts.card(cat, p) for p in running[: settings.recent]],
        "browse": {"src": BROWSE_SRC, "finished": "?" + urlencode({"status": FINISHED}),
                   "running": "?" + urlencode({"status": ACTIVE})},
        "themes": tag_links(cat.themes),
        "regions": tag_links(cat.regions),
        "news": cat.news[:3],
    }


def overview_map(cat: Catalogue) -> dict[str, Any]:
    """Every project's places on one map (the browse page): a pin for each cluster of places, leading
    to the project when it is one project's, else to the entry for that cluster in the list below."""
    places = []
    owners = []
    for p in cat.projects.values():
        for site in p.sites:
            n = len(places) + 1
            places.append(maps.Place(n, site.town or site.name, float(site.lat), float(site.lon), ""))
            owners.append(p)
    if not places:
        return {"overview": None}
    drawn = maps.draw(places, whole=True)  # the whole of Britain and Ireland
    clusters = []
    for k, pin in enumerate(drawn.pins, 1):
        projects: list[Project] = []
        for place in pin.places:
            project = owners[place.number - 1]
            if all(project.id != q.id for q in projects):
                projects.append(project)
        towns = sorted({place.name for place in pin.places}, key=str.casefold)
        clusters.append({"pin": pin, "id": f"place-{k}", "towns": towns, "projects": projects,
                         "src": record_src("project", projects[0].id) if len(projects) == 1 else None,
                         "name": f"{', '.join(towns)}: {len(projects)} {'project' if len(projects) == 1 else 'projects'}",
                         "label": str(len(projects))})
    outside = sorted({owners[p.number - 1].id: owners[p.number - 1] for p in drawn.outside}.values(),
                     key=lambda p: p.label.casefold())
    marks = [{"x": c["pin"].x, "y": c["pin"].y, "label": c["label"], "name": c["name"],
              "href": c["src"] or f"#{c['id']}", "width": maps.pin_width(c["label"]), "at_x": None, "at_y": None}
             for c in clusters]
    return {"overview": {"map": drawn, "clusters": clusters, "outside": outside, "marks": marks,
                         "projects": len({p.id for p in owners}), "places": len(places)}}


def news_context(cat: Catalogue, src: str, facts: ProjectFacts | None = None,
                 products: Products = NO_PRODUCTS) -> dict[str, Any] | None:
    """What a news post adds below its text: the records it names, or ``None`` if not a post."""
    facts = facts if facts is not None else ProjectFacts()
    post = next((p for p in cat.news if p.src == src), None)
    if post is None:
        return None
    return {
        "projects": [facts.card(cat, cat.projects[i]) for i in post.projects],
        "organisations": [cat.contacts[i] for i in post.organisations],
        "resources": [_resource_model(cat, cat.resources[i], products) for i in post.resources],
    }


GUIDE_SRC = "maintainers.md"  # the maintainer guide, which gains the table of every record key


def hand_written_addition(cat: Catalogue, settings: Settings, src: str, is_homepage: bool,
                          facts: ProjectFacts | None = None,
                          build: Build = Build()) -> tuple[str, dict[str, Any]] | None:
    """What the archive adds below a hand-written page (template, context), or None: a news post's
    records, the guide's key reference, the home page's counts and recent projects."""
    news = news_context(cat, src, facts, build.products)
    if news is not None:
        return "archive/news-links.html", news
    if src == GUIDE_SRC:
        return "archive/keys.html", {"kinds": key_reference(), "folders": RECORD_FOLDERS,
                                     "licences": list(LICENCES.values()), "units": OUTPUT_UNITS}
    if is_homepage:
        return "archive/home.html", home_context(cat, settings, facts)
    return None


def render_page(
    env: Environment, template: str, context: dict[str, Any], page_url: str, url_of: Callable[[str], str]
) -> str:
    """Render one page's content with links relative to ``page_url``."""
    return render(env, template, {**context, "link": Links(page_url, url_of)})
