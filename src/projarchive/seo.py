"""Findable and citable: schema.org JSON-LD, Open Graph / Twitter card data and record dates.

Pure functions of the catalogue; nothing here knows MkDocs or HTML templates.

* :func:`json_ld` — the schema.org description of a record page (Project, CreativeWork with a
  DigitalDocument per file, Person, Organization); :func:`script_json` serialises it so that it
  is safe inside ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` become
  ``\\u003c`` etc., so record text can never close the script element.
* :func:`record_lastmod` — the date a record page's content refers to, used for the sitemap's
  ``<lastmod>`` and the Atom feed instead of the build clock (see docs/open-data.md).
* :func:`page_meta` — everything ``overrides/partials/archive-head.html`` needs for one page.

Personal email addresses and phone numbers are never put into JSON-LD (it is made to be harvested).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .catalogue import Catalogue
from .model import Contact, Project, Resource
from .router import Router

_FUNDER_WORDS = ("fund", "commission", "sponsor")
Ref = tuple[str, str]  # (kind, id) of a record: ("project", "take-ten-people")


def _project_date(cat: Catalogue, p: Project) -> dt.date | None:
    """A finished project's end date; an active project has no fixed date (None: the build date)."""
    if cat.is_finished(p) and p.end is not None:
        return min(p.end.last_day, cat.build_date)
    return None


def record_lastmod(cat: Catalogue, ref: Ref | None) -> dt.date | None:
    """The date a record page is "as of", from the record, never the clock.

    Project: its end date once finished. Resource: its ``published`` date, else the latest end of
    the projects using it. Contact: the latest end of the projects they appear on. ``None`` (the
    build date, from SOURCE_DATE_EPOCH, is used) for active projects, undated records and other pages.
    """
    if ref is None:
        return None
    kind, rid = ref
    if kind == "project":
        return _project_date(cat, cat.projects[rid])
    if kind == "resource":
        r = cat.resources[rid]
        if r.published is not None:
            return min(r.published.last_day, cat.build_date)
        dates = [_project_date(cat, p) for p in cat.used_by(rid)]
    else:
        dates = [_project_date(cat, a.project) for a in cat.appearances(rid)]
    known = [d for d in dates if d is not None]
    return max(known) if known and len(known) == len(dates) else None


def _organisation(c: Contact, router: Router) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Organization", "name": c.name,
                           "url": router.record("contact", c.id, absolute=True)}
    if c.url and c.url.startswith(("https://", "http://")):  # a mailto: is an address, never published as it is
        out["sameAs"] = c.url
    return out


def _project_ld(cat: Catalogue, p: Project, router: Router) -> dict[str, Any]:
    url = router.record("project", p.id, absolute=True)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": url,
        "url": url,
        "name": p.title,
        "description": p.summary,
        "startDate": p.start.iso(),
    }
    if p.short_title:
        data["alternateName"] = p.short_title
    if p.end:
        data["endDate"] = p.end.iso()
    if p.themes:
        data["keywords"] = list(p.themes)
    members = [o for o in p.organisations if not any(w in o.role.casefold() for w in _FUNDER_WORDS)]
    funders = [o for o in p.organisations if any(w in o.role.casefold() for w in _FUNDER_WORDS)]
    if members:
        data["member"] = [{**_organisation(cat.contacts[o.id], router), "description": o.role} for o in members]
    if funders:
        data["funder"] = [_organisation(cat.contacts[o.id], router) for o in funders]
    if p.programme:
        data["isPartOf"] = {"@type": "Project", "name": cat.projects[p.programme].title,
                            "url": router.record("project", p.programme, absolute=True)}
    if p.resources:
        data["subjectOf"] = [{"@type": "CreativeWork", "name": cat.resources[r].title,
                              "url": router.record("resource", r, absolute=True)} for r in p.resources]
    return data


def _resource_ld(cat: Catalogue, r: Resource, router: Router) -> dict[str, Any]:
    url = router.record("resource", r.id, absolute=True)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "name": r.title,
        "genre": r.kind,
    }
    if r.summary:
        data["description"] = r.summary
    if r.published:
        data["datePublished"] = r.published.iso()
    if r.licence:
        data["license"] = r.licence
    if r.url and r.url.startswith(("https://", "http://")):
        data["sameAs"] = r.url
    parts = []
    for title, facts in cat.resource_files(r):
        part: dict[str, Any] = {
            "@type": "DigitalDocument",
            "name": title,
            "encodingFormat": facts.mime,
            "contentSize": f"{facts.size} B",
            "url": router.file(facts.path, absolute=True),
        }
        if facts.pages:
            part["numberOfPages"] = facts.pages
        parts.append(part)
    if parts:
        data["hasPart"] = parts
    return data


def _contact_ld(cat: Catalogue, c: Contact, router: Router) -> dict[str, Any]:
    url = router.record("contact", c.id, absolute=True)
    data: dict[str, Any] = {"@context": "https://schema.org", "@id": url, "url": url, "name": c.name}
    if c.kind == "person":
        data["@type"] = "Person"
        if c.role:
            data["jobTitle"] = c.role
        if c.organisation and c.organisation in cat.contacts:
            data["worksFor"] = _organisation(cat.contacts[c.organisation], router)
    else:
        data["@type"] = "Organization"
        if c.url and c.url.startswith(("https://", "http://")):
            data["sameAs"] = c.url
        if c.address:
            data["address"] = {"@type": "PostalAddress", "streetAddress": ", ".join(c.address)}
    if c.note:
        data["description"] = c.note
    return data


_LD = {"project": ("projects", _project_ld), "resource": ("resources", _resource_ld),
       "contact": ("contacts", _contact_ld)}


def json_ld(cat: Catalogue, ref: Ref | None, router: Router) -> dict[str, Any] | None:
    """The schema.org description of a record's page, or None for other pages."""
    if ref is None:
        return None
    kind, rid = ref
    table, describe = _LD[kind]
    return describe(cat, getattr(cat, table)[rid], router)


def script_json(data: Any) -> str:
    """JSON safe to place verbatim between ``<script type="application/ld+json">`` and ``</script>``."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_meta(cat: Catalogue, ref: Ref | None, router: Router, title: str, description: str | None) -> dict[str, Any]:
    """What the page head shows for a generated page: Open Graph / Twitter data and the JSON-LD text.

    Values are plain text; the template escapes them (``|e``), except ``json_ld``, which is
    already safe for a script element (see :func:`script_json`).
    """
    ld = json_ld(cat, ref, router)
    image = None
    if ref is not None and ref[0] == "project" and cat.projects[ref[1]].image:
        pic = cat.projects[ref[1]].image
        image = {"url": router.file(pic.file, absolute=True), "alt": pic.alt}
    return {
        "title": title,
        "description": description or "",
        "type": "article" if ref else "website",
        "image": image,
        "json_ld": script_json(ld) if ld is not None else None,
    }
