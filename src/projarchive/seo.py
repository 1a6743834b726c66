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
from .files import file_href
from .model import Contact, Project, Resource

_FUNDER_WORDS = ("fund", "commission", "sponsor")


def absolute(site_url: str, path: str) -> str:
    """``path`` (relative to the site root) as an absolute URL under ``site_url``."""
    return site_url.rstrip("/") + "/" + path.lstrip("/")


def record_of(src: str) -> tuple[str, str] | None:
    """``projects/x.md`` → ``("projects", "x")``; None for listings and hand-written pages."""
    folder, _, name = src.partition("/")
    if folder in ("projects", "resources", "contacts") and name.endswith(".md") and name != "index.md":
        return folder, name.removesuffix(".md")
    return None


def _project_date(cat: Catalogue, p: Project) -> dt.date | None:
    """A finished project's end date; an active project has no fixed date (None: the build date)."""
    if cat.is_finished(p) and p.end is not None:
        return min(p.end.last_day, cat.build_date)
    return None


def record_lastmod(cat: Catalogue, src: str) -> dt.date | None:
    """The date a record page is "as of", from the record, never the clock.

    Project: its end date once finished. Resource: its ``published`` date, else the latest end of
    the projects using it. Contact: the latest end of the projects they appear on. ``None`` (the
    build date, from SOURCE_DATE_EPOCH, is used) for active projects, undated records and other pages.
    """
    rec = record_of(src)
    if rec is None:
        return None
    folder, rid = rec
    if folder == "projects" and rid in cat.projects:
        return _project_date(cat, cat.projects[rid])
    if folder == "resources" and rid in cat.resources:
        r = cat.resources[rid]
        if r.published is not None:
            return min(r.published.last_day, cat.build_date)
        dates = [_project_date(cat, p) for p in cat.used_by(rid)]
    elif folder == "contacts" and rid in cat.contacts:
        dates = [_project_date(cat, a.project) for a in cat.appearances(rid)]
    else:
        return None
    known = [d for d in dates if d is not None]
    return max(known) if known and len(known) == len(dates) else None


def _organisation(c: Contact, site_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "Organization", "name": c.name,
                           "url": absolute(site_url, f"contacts/{c.id}/")}
    if c.url:
        out["sameAs"] = c.url
    return out


def _project_ld(cat: Catalogue, p: Project, site_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Project",
        "@id": absolute(site_url, f"projects/{p.id}/"),
        "url": absolute(site_url, f"projects/{p.id}/"),
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
        data["member"] = [{**_organisation(cat.contacts[o.id], site_url), "description": o.role} for o in members]
    if funders:
        data["funder"] = [_organisation(cat.contacts[o.id], site_url) for o in funders]
    if p.programme:
        data["isPartOf"] = {"@type": "Project", "name": cat.projects[p.programme].title,
                            "url": absolute(site_url, f"projects/{p.programme}/")}
    if p.resources:
        data["subjectOf"] = [{"@type": "CreativeWork", "name": cat.resources[r].title,
                              "url": absolute(site_url, f"resources/{r}/")} for r in p.resources]
    return data


def _resource_ld(cat: Catalogue, r: Resource, site_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": absolute(site_url, f"resources/{r.id}/"),
        "url": absolute(site_url, f"resources/{r.id}/"),
        "name": r.title,
        "genre": r.kind,
    }
    if r.summary:
        data["description"] = r.summary
    if r.published:
        data["datePublished"] = r.published.iso()
    if r.licence:
        data["license"] = r.licence
    if r.url:
        data["sameAs"] = r.url
    parts = []
    for title, facts in cat.resource_files(r):
        part: dict[str, Any] = {
            "@type": "DigitalDocument",
            "name": title,
            "encodingFormat": facts.mime,
            "contentSize": f"{facts.size} B",
            "url": absolute(site_url, file_href(facts.path)),
        }
        if facts.pages:
            part["numberOfPages"] = facts.pages
        parts.append(part)
    if parts:
        data["hasPart"] = parts
    return data


def _contact_ld(cat: Catalogue, c: Contact, site_url: str) -> dict[str, Any]:
    url = absolute(site_url, f"contacts/{c.id}/")
    data: dict[str, Any] = {"@context": "https://schema.org", "@id": url, "url": url, "name": c.name}
    if c.kind == "person":
        data["@type"] = "Person"
        if c.role:
            data["jobTitle"] = c.role
        if c.organisation and c.organisation in cat.contacts:
            data["worksFor"] = _organisation(cat.contacts[c.organisation], site_url)
    else:
        data["@type"] = "Organization"
        if c.url:
            data["sameAs"] = c.url
        if c.address:
            data["address"] = {"@type": "PostalAddress", "streetAddress": ", ".join(c.address)}
    if c.note:
        data["description"] = c.note
    return data


def json_ld(cat: Catalogue, src: str, site_url: str) -> dict[str, Any] | None:
    """The schema.org description of the record page ``src``, or None for other pages."""
    rec = record_of(src)
    if rec is None:
        return None
    folder, rid = rec
    if folder == "projects" and rid in cat.projects:
        return _project_ld(cat, cat.projects[rid], site_url)
    if folder == "resources" and rid in cat.resources:
        return _resource_ld(cat, cat.resources[rid], site_url)
    if folder == "contacts" and rid in cat.contacts:
        return _contact_ld(cat, cat.contacts[rid], site_url)
    return None


def script_json(data: Any) -> str:
    """JSON safe to place verbatim between ``<script type="application/ld+json">`` and ``</script>``."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page_meta(cat: Catalogue, src: str, site_url: str, title: str, description: str | None) -> dict[str, Any]:
    """What the page head shows for a generated page: Open Graph / Twitter data and the JSON-LD text.

    Values are plain text; the template escapes them (``|e``), except ``json_ld``, which is
    already safe for a script element (see :func:`script_json`).
    """
    ld = json_ld(cat, src, site_url)
    rec = record_of(src)
    og_type = "article" if rec else "website"
    image = None
    if rec and rec[0] == "projects" and rec[1] in cat.projects and cat.projects[rec[1]].image:
        pic = cat.projects[rec[1]].image
        image = {"url": absolute(site_url, file_href(pic.file)), "alt": pic.alt}
    return {
        "title": title,
        "description": description or "",
        "type": og_type,
        "image": image,
        "json_ld": script_json(ld) if ld is not None else None,
    }
