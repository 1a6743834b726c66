"""Open data: every record as JSON and CSV (``api/projects.json``, ``api/projects.csv``, contacts,
resources). Pure functions of the catalogue; see docs/open-data.md for the columns.

Not exported: email addresses (of anyone) and people's phone numbers, which the site
itself keeps from harvesters; an address typed into a record's text is exported in its spoken
form ("jane at example dot org"), as the pages show it without JavaScript. CSV cells that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

from .catalogue import Catalogue
from .dates import PartialDate
from .model import RECORD_FOLDERS
from .privacy import without_addresses
from .products import Products
from .router import Router

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: PartialDate | None) -> str | None:
    return value.iso() if value is not None else None


def project_records(cat: Catalogue, router: Router) -> list[dict[str, Any]]:
    out = []
    for p in sorted(cat.projects.values(), key=lambda p: p.id):
        out.append({
            "id": p.id,
            "url": router.record("project", p.id, absolute=True),
            "title": p.title,
            "short_title": p.short_title,
            "kind": "programme" if cat.is_programme(p) else "project",
            "status": "finished" if cat.is_finished(p) else "active",
            "start": _date(p.start),
            "end": _date(p.end),
            "dates_note": p.dates_note,
            "sites_note": p.sites_note,
            "summary": p.summary,
            "image": ({"file": p.image.file, "alt": p.image.alt, "credit": p.image.credit} if p.image else None),
            "themes": list(p.themes),
            "regions": list(p.regions),
            "programme": p.programme,
            "organisations": [{"id": o.id, "role": o.role} for o in p.organisations],
            "sections": [{"heading": s.heading, "body": s.body} for s in p.sections],
            "outputs": [{"measure": o.measure, "target": _number(o.target), "achieved": _number(o.achieved),
                         "unit": o.unit, "note": o.note} for o in p.outputs],
            "timeline": [{"date": _date(t.date), "end": _date(t.end), "text": t.text} for t in p.timeline],
            "sites": [{"name": s.name, "town": s.town, "lat": _number(s.lat), "lon": _number(s.lon)} for s in p.sites],
            "contacts": [{"id": c.id, "role": c.role, "organisation": c.organisation} for c in p.contacts],
            "resources": list(p.resources),
            "links": [{"title": link.title, "url": link.url} for link in p.links],
        })
    return out


def contact_records(cat: Catalogue, router: Router) -> list[dict[str, Any]]:
    out = []
    for c in sorted(cat.contacts.values(), key=lambda c: c.id):
        out.append({
            "id": c.id,
            "url": router.record("contact", c.id, absolute=True),
            "kind": c.kind,
            "name": c.name,
            "organisation": c.organisation,
            "role": c.role,
            "phone": c.phone if c.kind == "organisation" else None,
            "address": list(c.address),
            "web_site": c.url,
            "note": c.note,
            "projects": sorted({a.project.id for a in cat.appearances(c.id)}),
        })
    return out


def resource_records(cat: Catalogue, router: Router, products: Products | None = None) -> list[dict[str, Any]]:
    bundles = products.bundles if products is not None else {}
    out = []
    for r in sorted(cat.resources.values(), key=lambda r: r.id):
        out.append({
            "id": r.id,
            "url": router.record("resource", r.id, absolute=True),
            "title": r.title,
            "kind": r.kind,
            "summary": r.summary,
            "published": _date(r.published),
            "licence": r.licence,
            "external_url": r.url,
            "files": [{"title": title, "file": f.path, "url": router.file(f.path, absolute=True),
                       "format": f.format, "media_type": f.mime, "bytes": f.size, "pages": f.pages,
                       "sha256": f.sha256} for title, f in cat.resource_files(r)],
            "zip": ({"url": router.absolute(router.url(b.dest)), "bytes": b.size, "sha256": b.sha256}
                    if (b := bundles.get(r.id)) else None),
            "used_by": sorted(p.id for p in cat.used_by(r.id)),
        })
    return out


def _public(value: Any) -> Any:
    """A row as published: every text with its email addresses in spoken form (projarchive.privacy)."""
    if isinstance(value, str):
        return without_addresses(value)
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_public(v) for v in value]
    return value


def to_json(rows: list[dict[str, Any]]) -> str:
    """A JSON array with one record a line: easy to read and to diff, and written by json's C
    encoder (``indent=`` makes json fall back to pure Python: 0.5 s at 2,000 projects)."""
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n]\n"


def safe_cell(value: Any) -> str:
    """One CSV cell: lists joined with '; ', dicts as 'key: value' pairs; formula starts defused."""
    if value is None:
        text = ""
    elif isinstance(value, list):
        text = "; ".join(safe_cell(v) for v in value)
        return text
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, "", []))
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV (header from the first row's keys), every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    if not rows:
        return ""
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(rows[0]))
    for row in rows:
        writer.writerow([safe_cell(v) for v in row.values()])
    return buffer.getvalue()


def export_files(cat: Catalogue, router: Router, products: Products | None = None) -> dict[str, str]:
    """Path under the site → text, for every export (``api/projects.json`` … named by record folder)."""
    out = {}
    records = {"project": lambda: project_records(cat, router), "contact": lambda: contact_records(cat, router),
               "resource": lambda: resource_records(cat, router, products)}
    for kind, folder in RECORD_FOLDERS.items():
        rows = [_public(row) for row in records[kind]()]
        out[f"api/{folder}.json"] = to_json(rows)
        out[f"api/{folder}.csv"] = to_csv(rows)
    return out
