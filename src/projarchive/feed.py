"""An Atom feed (RFC 4287) of the archive's projects and resources: a pure function of the catalogue.

Each entry's ``updated`` is the record's own date (:func:`projarchive.seo.record_lastmod`), or the
build date (SOURCE_DATE_EPOCH) for undated records, never the clock, so builds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from .catalogue import Catalogue
from .privacy import without_addresses_in
from .router import Router
from .seo import record_lastmod

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed_entries(cat: Catalogue, router: Router) -> list[dict[str, object]]:
    """The entries, newest first (then by title): one per project and per resource."""
    entries = []
    for p in cat.projects.values():
        entries.append({"title": p.title, "url": router.record("project", p.id, absolute=True), "summary": p.summary,
                        "updated": record_lastmod(cat, ("project", p.id)) or cat.build_date, "category": "project",
                        "terms": p.themes})
    for r in cat.resources.values():
        entries.append({"title": r.title, "url": router.record("resource", r.id, absolute=True),
                        "summary": r.summary or "", "updated": record_lastmod(cat, ("resource", r.id)) or cat.build_date,
                        "category": "resource", "terms": (r.kind,)})
    entries.sort(key=lambda e: (-e["updated"].toordinal(), str(e["title"]).casefold(), e["url"]))
    return entries


def atom_feed(cat: Catalogue, router: Router, site_name: str) -> str:
    """The feed document as text (UTF-8 XML)."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    entries = without_addresses_in(feed_entries(cat, router))  # no address as it is (projarchive.privacy)
    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "title", f"{site_name}: projects and resources")
    sub(feed, "id", router.absolute(router.url(FEED_PATH)))
    sub(feed, "link", rel="self", type="application/atom+xml", href=router.absolute(router.url(FEED_PATH)))
    sub(feed, "link", rel="alternate", type="text/html", href=router.absolute(router.url("index.md")))
    newest = max((e["updated"] for e in entries), default=cat.build_date)
    sub(feed, "updated", _stamp(newest))
    author = sub(feed, "author")
    sub(author, "name", site_name)
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "title", str(e["title"]))
        sub(entry, "id", str(e["url"]))
        sub(entry, "link", rel="alternate", type="text/html", href=str(e["url"]))
        sub(entry, "updated", _stamp(e["updated"]))
        if e["summary"]:
            sub(entry, "summary", str(e["summary"]))
        sub(entry, "category", term=str(e["category"]))
        for term in e["terms"]:
            sub(entry, "category", term=str(term), label=str(term))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
