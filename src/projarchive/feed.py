"""An Atom feed (RFC 4287) of the archive's projects and resources: a pure function of the catalogue.

Each entry's ``updated`` is the record's own date (:func:`projarchive.seo.record_lastmod`), or the
build date (SOURCE_DATE_EPOCH) for undated records, never the clock, so builds are reproducible.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from .catalogue import Catalogue
from .privacy import without_addresses_in
from .router import Router
from .seo import record_lastmod

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed_entries(cat: Catalogue, router: Router, refs: Iterable[tuple[str, str]] | None = None
                 ) -> list[dict[str, object]]:
    """The entries, newest first (then by title): one per project and per resource (of ``refs`` only,
    if given: (kind, id) of the records wanted)."""
    if refs is None:
        refs = [*(("project", i) for i in cat.projects), *(("resource", i) for i in cat.resources)]
    entries = []
    for kind, record_id in refs:
        if kind == "project" and record_id in cat.projects:
            p = cat.projects[record_id]
            entries.append({"id": p.id, "title": p.title, "url": router.record("project", p.id, absolute=True),
                            "summary": p.summary, "updated": record_lastmod(cat, ("project", p.id)) or cat.build_date,
                            "category": "project", "terms": p.themes})
        elif kind == "resource" and record_id in cat.resources:
            r = cat.resources[record_id]
            entries.append({"id": r.id, "title": r.title, "url": router.record("resource", r.id, absolute=True),
                            "summary": r.summary or "",
                            "updated": record_lastmod(cat, ("resource", r.id)) or cat.build_date,
                            "category": "resource", "terms": (r.kind,)})
    entries.sort(key=_order)
    return entries


def _order(e: dict[str, object]) -> tuple[int, str, str]:
    return -e["updated"].toordinal(), str(e["title"]).casefold(), str(e["url"])  # type: ignore[attr-defined]


class FeedCache:
    """Each entry's place and text, kept between the builds of one ``mkdocs serve`` (see
    exports.ExportCache): a save makes again only the entries of the records it may have changed."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], tuple[tuple[int, str, str], object, str]] = {}


def _text(value: str) -> str:
    """Character data as ElementTree escapes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    """An attribute value as ElementTree escapes it."""
    return (_text(value).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def _entry_xml(e: dict[str, object]) -> str:
    url = _attr(str(e["url"]))
    lines = ["  <entry>",
             f"    <title>{_text(str(e['title']))}</title>",
             f"    <id>{_text(str(e['url']))}</id>",
             f'    <link rel="alternate" type="text/html" href="{url}" />',
             f"    <updated>{_stamp(e['updated'])}</updated>"]  # type: ignore[arg-type]
    if e["summary"]:
        lines.append(f"    <summary>{_text(str(e['summary']))}</summary>")
    lines.append(f'    <category term="{_attr(str(e["category"]))}" />')
    lines += [f'    <category term="{_attr(str(t))}" label="{_attr(str(t))}" />' for t in e["terms"]]  # type: ignore[attr-defined]
    lines.append("  </entry>\n")
    return "\n".join(lines)


def atom_feed(cat: Catalogue, router: Router, site_name: str, cache: FeedCache | None = None,
              changed: set[tuple[str, str]] | None = None) -> str:
    """The feed document as text (UTF-8 XML), written as ElementTree with ``indent`` would write it
    (tested against it) but entry by entry. With a ``cache`` filled by an earlier build, ``changed``
    names the only records (kind, id) whose entries may differ from it (None: any)."""
    cache = cache if cache is not None else FeedCache()
    if changed is None or not cache.entries:
        cache.entries.clear()
        todo: Iterable[tuple[str, str]] | None = None
    else:
        for ref in changed:
            cache.entries.pop(ref, None)
        todo = [ref for ref in changed if ref[0] in ("project", "resource")]
    for e in without_addresses_in(feed_entries(cat, router, todo)):  # no address as it is (projarchive.privacy)
        cache.entries[(str(e["category"]), str(e["id"]))] = (_order(e), e["updated"], _entry_xml(e))
    placed = sorted(cache.entries.values(), key=lambda entry: entry[0])
    newest = max((updated for _, updated, _ in placed), default=cat.build_date)
    feed_url = _attr(router.absolute(router.url(FEED_PATH)))
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM}">',
        f"  <title>{_text(f'{site_name}: projects and resources')}</title>",
        f"  <id>{_text(router.absolute(router.url(FEED_PATH)))}</id>",
        f'  <link rel="self" type="application/atom+xml" href="{feed_url}" />',
        f'  <link rel="alternate" type="text/html" href="{_attr(router.absolute(router.url("index.md")))}" />',
        f"  <updated>{_stamp(newest)}</updated>",  # type: ignore[arg-type]
        "  <author>",
        f"    <name>{_text(site_name)}</name>",
        "  </author>\n",
    ]
    return "\n".join(head) + "".join(text for _, _, text in placed) + "</feed>\n"


def atom_feed_tree(cat: Catalogue, router: Router, site_name: str) -> str:
    """The feed built with ElementTree: what :func:`atom_feed` must equal (tests compare them)."""
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
