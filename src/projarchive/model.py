"""The domain: projects, contacts and resources as typed, frozen records.

These are what the YAML files *say*, validated and converted; nothing here knows
about MkDocs, HTML or files on disk. Facts derived from several records (who
uses a resource, a programme's projects) live in :mod:`projarchive.catalogue`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .dates import PartialDate

# ---- the domain's tables, declared once; the schema, pages, facets, exports and router read them

RECORD_FOLDERS: dict[str, str] = {"project": "projects", "contact": "contacts", "resource": "resources"}
"""Record kind -> the folder of its YAML files (``projects/<id>.yml``), which is also the folder of
its pages (``/projects/<id>/``) and the name of its exports (``api/projects.json``)."""

PROJECT_KINDS = ("project", "programme")
CONTACT_KINDS = ("person", "organisation")

RESOURCE_KINDS: dict[str, str] = {
    "toolkit": "Toolkits",
    "report": "Reports",
    "data": "Data",
    "infographic": "Infographics",
    "form": "Forms",
    "other": "Other documents",
}
"""Resource kind -> its label where resources are grouped (listing headings, browse facet), in
the order the listing shows them."""

RESOURCE_KIND_NAMES: dict[str, str] = {
    "toolkit": "Toolkit",
    "report": "Report",
    "data": "Data",
    "infographic": "Infographic",
    "form": "Form",
    "other": "Document",
}
"""Resource kind -> what one resource of that kind is called (a search result's facts line)."""


OUTPUT_UNITS: dict[str, str] = {
    "GBP": "pounds sterling",
    "EUR": "euros",
    "USD": "US dollars",
    "percent": "per cent",
}
"""An output's ``unit`` -> what it means in words: a currency's ISO 4217 code, or percent. Numbers
without a unit count things."""


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Image:
    file: str
    alt: str
    credit: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    body: str  # Markdown, rendered safely (raw HTML escaped)


@dataclass(frozen=True)
class Output:
    measure: str
    target: Decimal | None = None
    achieved: Decimal | None = None
    note: str | None = None
    unit: str | None = None  # a key of OUTPUT_UNITS


@dataclass(frozen=True)
class TimelineEntry:
    date: PartialDate
    text: str
    end: PartialDate | None = None


@dataclass(frozen=True)
class Site:
    name: str
    lat: Decimal
    lon: Decimal
    town: str | None = None


@dataclass(frozen=True)
class OrganisationRole:
    id: str
    role: str


@dataclass(frozen=True)
class ContactRole:
    """A contact as listed on one project: per-project role, email and phone override the record."""

    id: str
    role: str | None = None
    organisation: str | None = None  # id of the organisation they were with then
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Project:
    id: str
    path: str
    title: str
    start: PartialDate
    summary: str
    short_title: str | None = None
    kind: str | None = None  # as written; Catalogue.is_programme is the derived fact
    end: PartialDate | None = None
    dates_note: str | None = None
    sites_note: str | None = None
    status: str | None = None  # as written; see Catalogue.is_finished for the derived fact
    image: Image | None = None
    themes: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    programme: str | None = None
    organisations: tuple[OrganisationRole, ...] = ()
    sections: tuple[Section, ...] = ()
    outputs: tuple[Output, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    sites: tuple[Site, ...] = ()
    contacts: tuple[ContactRole, ...] = ()
    resources: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def label(self) -> str:
        """The name used in listings and navigation."""
        return self.short_title or self.title


@dataclass(frozen=True)
class Contact:
    id: str
    path: str
    kind: str  # person | organisation
    name: str
    organisation: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    address: tuple[str, ...] = ()
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ResourceFile:
    file: str  # relative to resources/
    title: str


@dataclass(frozen=True)
class Resource:
    id: str
    path: str
    title: str
    kind: str
    summary: str | None = None
    published: PartialDate | None = None
    licence: str | None = None
    files: tuple[ResourceFile, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class NewsPost:
    """A dated news post (a Material blog post); ``src`` is its path under ``docs/``."""

    src: str
    path: str
    title: str
    date: PartialDate
    projects: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
