"""Facets for browsing projects: what each project is filed under.

A project page carries its facets as Pagefind filters (``data-pagefind-filter``),
so the browse page can filter and count on a static host with Pagefind's JS API.
The same values feed the plain listings (theme and region pages), so the
browse form and the links that work without JavaScript agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .catalogue import Catalogue
from .model import RESOURCE_KINDS, Project

# facet key (Pagefind filter name) -> label shown on the browse form, in form order
FACETS: dict[str, str] = {
    "theme": "Theme",
    "region": "Region",
    "status": "Status",
    "organisation": "Organisation",
    "resource": "Resource kind",
}
PLURALS: dict[str, str] = {
    "theme": "themes", "region": "regions", "status": "statuses", "organisation": "organisations",
    "resource": "resource kinds", "type": "types",
}  # facet key -> what its values are called together ("Show all 26 organisations")
YEAR = "year"  # every year a project ran; the browse form asks for a from–to range
KIND = "type"  # every indexed page says what it is (search_facts.TYPES); the browse page searches projects only
FINISHED, ACTIVE = "Finished", "Active"  # the values of the status facet
PROJECT, PROGRAMME = "Project", "Programme"  # a project page's type (search_facts.TYPES has every type)
MAX_YEARS = 100  # a project "onwards" from long ago does not list centuries of years

# A long facet shows its first FEW values and a "Show all n" button (values ticked are always shown);
# from FIND values on, it also has a box that narrows the list to the values containing its words.
FEW, LONG, FIND = 8, 10, 16


@dataclass(frozen=True)
class Facet:
    key: str
    value: str


def project_years(cat: Catalogue, p: Project) -> tuple[int, ...]:
    """Every calendar year the project ran in: start year to end year (or the build year while running)."""
    first = p.start.first_day.year
    last = p.end.last_day.year if p.end else max(first, cat.build_date.year)
    last = min(last, first + MAX_YEARS - 1)
    return tuple(range(first, last + 1))


def project_facets(cat: Catalogue, p: Project) -> tuple[Facet, ...]:
    """The project's filter values, in a stable order (one Facet per value)."""
    out = [Facet(KIND, PROGRAMME if cat.is_programme(p) else PROJECT)]
    out += [Facet("theme", t) for t in p.themes]
    out += [Facet("region", r) for r in p.regions]
    out.append(Facet("status", FINISHED if cat.is_finished(p) else ACTIVE))
    out += [Facet("organisation", cat.contacts[o.id].name) for o in p.organisations]
    kinds = sorted({cat.resources[r].kind for r in p.resources}, key=list(RESOURCE_KINDS).index)
    out += [Facet("resource", RESOURCE_KINDS[k]) for k in kinds]
    out += [Facet(YEAR, str(y)) for y in project_years(cat, p)]
    return tuple(out)


def sort_key(p: Project) -> str:
    """Pagefind sorts by string: ISO start date, so "newest first" matches the listings."""
    return p.start.first_day.isoformat()


@dataclass(frozen=True)
class Option:
    value: str
    count: int | None  # projects with this value in the whole archive (None: counted in the browser)
    label: str | None = None  # shown instead of the value

    @property
    def text(self) -> str:
        return self.label or self.value


@dataclass(frozen=True)
class FacetGroup:
    key: str
    label: str
    options: tuple[Option, ...]

    @property
    def plural(self) -> str:
        return PLURALS.get(self.key, self.label.lower())

    @property
    def long(self) -> bool:
        """Long enough to show only its first values until asked (FEW of more than LONG)."""
        return len(self.options) > LONG

    @property
    def few(self) -> int:
        return FEW

    @property
    def findable(self) -> bool:
        """Long enough to deserve a box that finds a value in it."""
        return len(self.options) >= FIND


def facet_groups(cat: Catalogue, facets_of: Callable[[Catalogue, Project], tuple[Facet, ...]] = project_facets
                 ) -> tuple[tuple[FacetGroup, ...], tuple[int, int] | None]:
    """Every facet with its values and counts (for the browse form), and the span of years.
    ``facets_of``: where a project's facets come from (the pages' ProjectFacts keeps them)."""
    return FacetTally().groups(cat, facets_of)


class FacetTally:
    """The counts of :func:`facet_groups`, kept between the builds of one ``mkdocs serve``: a project
    whose facets and years are the very objects counted last time is not counted again; the others
    are taken out of the counts as they were and put in as they are."""

    def __init__(self) -> None:
        self._counted: dict[str, tuple[Project, tuple[Facet, ...], tuple[int, int]]] = {}
        self._counts: dict[str, dict[str, int]] = {key: {} for key in FACETS}
        self._years: dict[int, int] = {}

    def _add(self, facets: tuple[Facet, ...], span: tuple[int, int], step: int) -> None:
        for f in facets:
            values = self._counts.get(f.key)
            if values is not None:
                n = values.get(f.value, 0) + step
                if n:
                    values[f.value] = n
                else:
                    del values[f.value]
        for year in span:
            n = self._years.get(year, 0) + step
            if n:
                self._years[year] = n
            else:
                del self._years[year]

    def groups(self, cat: Catalogue, facets_of: Callable[[Catalogue, Project], tuple[Facet, ...]] = project_facets
               ) -> tuple[tuple[FacetGroup, ...], tuple[int, int] | None]:
        """:func:`facet_groups` of ``cat``."""
        counted = self._counted
        for gone in counted.keys() - cat.projects.keys():
            self._add(*counted.pop(gone)[1:], -1)
        for p in cat.projects.values():
            facets = facets_of(cat, p)
            known = counted.get(p.id)
            if known is not None and known[0] is p and known[1] is facets:
                continue  # (its years are its start and end, and the build date: the same while it is the same)
            if known is not None:
                self._add(known[1], known[2], -1)
            ys = project_years(cat, p)
            counted[p.id] = (p, facets, (ys[0], ys[-1]))
            self._add(facets, (ys[0], ys[-1]), 1)
        groups = []
        for key, label in FACETS.items():
            options = tuple(Option(value, n) for value, n in sorted(self._counts[key].items(),
                                                                    key=lambda kv: (kv[0].casefold(), kv[0])))
            if options:
                groups.append(FacetGroup(key, label, options))
        return tuple(groups), ((min(self._years), max(self._years)) if self._years else None)
