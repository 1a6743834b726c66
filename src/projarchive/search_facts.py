"""What each page tells the search index besides its text: what it is, the facts a result shows,
the filters it can be found by, its date, and the facts worth finding by words.

The search results page, the header's drop-down and the browse page show and filter results
with these alone (Pagefind returns them with each result), so a result can say "Project ·
1 April 2009 – 31 March 2010 · Finished" without fetching the page. They are rendered into every
indexed page, hidden, by ``overrides/partials/archive-indexed.html``:

* ``data-pagefind-filter`` — :attr:`SearchFacts.filters` (``type`` on every page; a project's
  facets; a document's themes and regions, from the projects that use it);
* ``data-pagefind-meta`` — :attr:`SearchFacts.meta` (``type``, and ``facts``: one line of what
  the record is; for projects also ``dates`` and ``status``, which the browse page shows);
* ``data-pagefind-sort="date"`` — :attr:`SearchFacts.date`, so filtered results without words
  list the newest first;
* :attr:`SearchFacts.words` — a plain sentence of the facts the page shows in a table (themes,
  regions, a document's kind), indexed but not shown: the table itself is left out of the
  index (``data-pagefind-ignore``) so that excerpts come from the page's prose.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue
from .dates import date_range
from .facets import ACTIVE, FINISHED, KIND, PROGRAMME, PROJECT, YEAR, Facet, project_facets, sort_key
from .model import RESOURCE_KIND_NAMES, Contact, NewsPost, Project, Resource

MAINTAINERS = "For maintainers"

TYPES: dict[str, str] = {
    PROJECT: "Projects",
    PROGRAMME: "Programmes",
    "Document": "Documents",
    "Person": "People",
    "Organisation": "Organisations",
    "News": "News",
    "Page": "Pages",
    MAINTAINERS: "For maintainers",
}
"""Every value of the ``type`` filter (facets.KIND) -> its label on the results page's Type filter, in order."""

LAST_TYPE = MAINTAINERS
"""The type listed after every other result, whatever its rank: pages for maintainers are not public
results, but a maintainer searching for an error message still finds the guide (labelled as such)."""

AUDIENCES = ("public", "maintainers")  # a hand-written page's front matter: `audience: maintainers`
UNDATED = "0000"  # the sort key of an undated page: last when the newest come first


@dataclass(frozen=True)
class SearchFacts:
    type: str  # a key of TYPES
    facts: str = ""  # one line under a result's title: dates and status, a document's kind, a role
    filters: tuple[Facet, ...] = ()  # besides the type
    date: str = UNDATED  # ISO date to sort by
    words: str = ""  # indexed, not shown
    extra_meta: tuple[tuple[str, str], ...] = ()

    @property
    def meta(self) -> tuple[tuple[str, str], ...]:
        """The metadata each result carries, as (key, value); empty values left out."""
        pairs = ((KIND, self.type), ("facts", self.facts), *self.extra_meta)
        return tuple((k, v) for k, v in pairs if v)

    @property
    def all_filters(self) -> tuple[Facet, ...]:
        return (Facet(KIND, self.type), *self.filters)


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def _sentence(label: str, values: tuple[str, ...] | list[str]) -> str:
    return f"{label}: {', '.join(values)}." if values else ""


def project_facts(cat: Catalogue, p: Project) -> SearchFacts:
    finished = cat.is_finished(p)
    kind = PROGRAMME if cat.is_programme(p) else PROJECT
    dates = date_range(p.start, p.end)
    status = FINISHED if finished else ACTIVE
    programme = cat.projects[p.programme].label if p.programme else None
    words = " ".join(filter(None, (
        _sentence("Themes", p.themes), _sentence("Regions", p.regions),
        f"Part of the programme {programme}." if programme else "",
    )))
    return SearchFacts(
        type=kind, facts=_join(dates, status), filters=tuple(f for f in project_facets(cat, p) if f.key != KIND),
        date=sort_key(p), words=words,
        extra_meta=(("dates", dates), ("status", status)),
    )


def resource_facts(cat: Catalogue, r: Resource) -> SearchFacts:
    """A document can be found by the themes and regions of the projects that use it, and by the
    year it was published."""
    kind = RESOURCE_KIND_NAMES[r.kind]
    n = len(r.files)
    files = f"{n} {'file' if n == 1 else 'files'}" if n else ("on another website" if r.url else "")
    published = f"published {r.published.human()}" if r.published else ""
    themes: dict[str, None] = {}
    regions: dict[str, None] = {}
    for p in cat.used_by(r.id):
        themes.update(dict.fromkeys(p.themes))
        regions.update(dict.fromkeys(p.regions))
    filters = [Facet("theme", t) for t in themes] + [Facet("region", g) for g in regions]
    if r.published:
        filters.append(Facet(YEAR, str(r.published.year)))
    return SearchFacts(
        type="Document", facts=_join(kind, published, files), filters=tuple(filters),
        date=r.published.first_day.isoformat() if r.published else UNDATED, words=f"{kind}.",
    )


def contact_facts(cat: Catalogue, c: Contact) -> SearchFacts:
    n = len({a.project.id for a in cat.appearances(c.id)})
    named = f"named on {n} {'project' if n == 1 else 'projects'}" if n else ""
    if c.kind == "person":
        organisation = cat.contacts[c.organisation].name if c.organisation else None
        return SearchFacts(type="Person", facts=_join(c.role, organisation, named))
    return SearchFacts(type="Organisation", facts=_join(named))


def page_facts(audience: str = "public", post: NewsPost | None = None) -> SearchFacts:
    """A hand-written page: a news post, a page for maintainers, or another page."""
    if post is not None:
        return SearchFacts(type="News", facts=post.date.human(), date=post.date.first_day.isoformat())
    return SearchFacts(type=MAINTAINERS if audience == "maintainers" else "Page")
