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
from .model import RECORD_FOLDERS, Contact, Project, Resource
from .privacy import without_addresses_in
from .products import Products
from .router import Router

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _date(value: PartialDate | None) -> str | None:
    return value.iso() if value is not None else None


def project_row(cat: Catalogue, router: Router, p: Project, products: Products | None = None) -> dict[str, Any]:
    return {
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
        "outputs": [{"measure": o.measure, "target": o.target, "achieved": o.achieved,
                     "unit": o.unit, "note": o.note} for o in p.outputs],
        "timeline": [{"date": _date(t.date), "end": _date(t.end), "text": t.text} for t in p.timeline],
        "sites": [{"name": s.name, "town": s.town, "lat": s.lat, "lon": s.lon} for s in p.sites],
        "contacts": [{"id": c.id, "role": c.role, "organisation": c.organisation} for c in p.contacts],
        "resources": list(p.resources),
        "links": [{"title": link.title, "url": link.url} for link in p.links],
    }


def contact_row(cat: Catalogue, router: Router, c: Contact, products: Products | None = None) -> dict[str, Any]:
    return {
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
    }


def resource_row(cat: Catalogue, router: Router, r: Resource, products: Products | None = None) -> dict[str, Any]:
    """A resource's row; with ``products``, its "Download all" ZIP (None when it has one file)."""
    bundle = products.bundles.get(r.id) if products is not None else None
    return {
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
        "zip": ({"url": router.absolute(router.url(bundle.dest)), "bytes": bundle.size, "sha256": bundle.sha256}
                if bundle is not None else None),
        "used_by": sorted(p.id for p in cat.used_by(r.id)),
    }


_ROW = {"project": project_row, "contact": contact_row, "resource": resource_row}


def records(kind: str, cat: Catalogue, router: Router, products: Products | None = None) -> list[dict[str, Any]]:
    """Every record of ``kind`` as exported (before addresses are spoken), by id."""
    table = getattr(cat, RECORD_FOLDERS[kind])
    return [_ROW[kind](cat, router, table[i], products) for i in sorted(table)]


def json_number(figure: Decimal) -> str:
    """A figure as a JSON number with exactly the digits typed (``1.10`` stays ``1.10``,
    ``12345678901234.89`` is not rounded): only what JSON cannot write is dropped, the commas
    between thousands and leading zeros (``1,200`` → ``1200``, ``020`` → ``20``). Never NaN or
    Infinity: a figure is digits (projarchive.schema.Number)."""
    text = str(figure).replace(",", "")
    sign = "-" if text.startswith("-") else ""
    whole, point, fraction = text.lstrip("-").partition(".")
    if not (whole.isdigit() and (not point or fraction.isdigit())):
        raise ValueError(f"{text!r} is not a figure")  # never: the schema only lets digits through
    return sign + (whole.lstrip("0") or "0") + point + fraction


_string = json.encoder.encode_basestring  # json's own (C) string encoder, as ensure_ascii=False uses


def _json(value: Any) -> str:
    """One value as JSON, as ``json.dumps(value, ensure_ascii=False)`` writes it, except that figures are
    written with their digits as typed (:func:`json_number`) instead of through a float."""
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"{type(value).__name__} has no place in an export")  # a float would risk NaN/Infinity


_MARK = "\x00"  # stands for a figure in json's output; record text never holds it (control characters are refused)
_MARKED = json.dumps(_MARK)


def _row(row: dict[str, Any]) -> str:
    """One record as JSON, written by json's C encoder (``indent=`` or a Python encoder costs 0.2-0.5 s at
    2,000 projects): each figure is written as a mark, then the marks are replaced by the figures' digits
    in order. Should a text be the mark itself, :func:`_json` writes the row instead."""
    figures: list[str] = []

    def figure(value: Any) -> str:
        if not isinstance(value, Decimal):
            raise TypeError(f"{type(value).__name__} has no place in an export")
        figures.append(json_number(value))
        return _MARK

    text = json.dumps(row, ensure_ascii=False, default=figure)
    if not figures:
        return text
    pieces = text.split(_MARKED)
    if len(pieces) != len(figures) + 1:
        return _json(row)
    return "".join(piece + number for piece, number in zip(pieces, figures, strict=False)) + pieces[-1]


def to_json(rows: list[dict[str, Any]]) -> str:
    """A JSON array with one record a line: easy to read and to diff. Figures keep their digits
    (:func:`json_number`)."""
    return _json_array([_row(row) for row in rows])


def _json_array(lines: list[str]) -> str:
    """``[``, the lines a comma apart, ``]``: made in one join, as each piece is copied once (an export of
    10,000 projects is ~50 MB; joining, then adding the brackets, copied it three times on every save)."""
    if not lines:
        return "[]\n"
    parts = ["[\n"]
    for line in lines:
        parts += (line, ",\n")
    parts[-1] = "\n]\n"
    return "".join(parts)


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
    if not rows:
        return ""
    return _csv_line(list(rows[0])) + "".join(_csv_line([safe_cell(v) for v in row.values()]) for row in rows)


def _csv_line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


class ExportCache:
    """Each record's JSON line and CSV line, and each export's text, kept between the builds of one
    ``mkdocs serve``: a save makes again only the rows of the records it may have changed (the
    build session says which: projarchive.preview.candidates), and joins the lines of a kind again
    only if one of its rows changed. 10,000 projects' rows take seconds; a save changes a few."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], tuple[str, str]] = {}
        self.headers: dict[str, str] = {}
        self.texts: dict[str, tuple[str, str]] = {}  # kind -> (JSON text, CSV text)


def export_files(cat: Catalogue, router: Router, cache: ExportCache | None = None,
                 changed: set[tuple[str, str]] | None = None, products: Products | None = None) -> dict[str, str]:
    """Path under the site → text, for every export (``api/projects.json`` … named by record folder).
    With a ``cache`` filled by an earlier build, ``changed`` names the only records (kind, id) whose
    rows may differ from it (None: any): a resource whose files changed is among them, so its ZIP's
    facts from ``products`` are made again with its row."""
    cache = cache if cache is not None else ExportCache()
    if changed is None:
        cache.rows.clear()
        cache.texts.clear()
    out = {}
    for kind, folder in RECORD_FOLDERS.items():
        table = getattr(cat, folder)
        if kind in cache.texts and changed is not None:
            # with every row as it was, the export's text is as it was: 10,000 rows need not be joined again
            again = _rows_changed(cat, router, cache, kind, table, changed, products)
        else:
            again = True
            for ref in changed or ():
                if ref[0] == kind:
                    cache.rows.pop(ref, None)
        if again:
            lines = []
            for record_id in sorted(table):
                line = cache.rows.get((kind, record_id))
                if line is None:
                    row = without_addresses_in(_ROW[kind](cat, router, table[record_id], products))
                    cache.headers[kind] = _csv_line(list(row))
                    line = cache.rows[(kind, record_id)] = (_row(row),
                                                            _csv_line([safe_cell(v) for v in row.values()]))
                lines.append(line)
            cache.texts[kind] = (_json_array([j for j, _ in lines]),
                                 "".join([cache.headers[kind], *(c for _, c in lines)]) if lines else "")
        out[f"api/{folder}.json"], out[f"api/{folder}.csv"] = cache.texts[kind]
    return out


def _rows_changed(cat: Catalogue, router: Router, cache: ExportCache, kind: str, table: dict[str, Any],
                  changed: set[tuple[str, str]], products: Products | None) -> bool:
    """Make again the rows of the ``changed`` records of ``kind`` (dropping those no longer in ``table``);
    whether any of them differs from its row before, or came or went."""
    differ = False
    for ref in changed:
        if ref[0] != kind:
            continue
        before = cache.rows.pop(ref, None)
        if ref[1] in table:
            row = without_addresses_in(_ROW[kind](cat, router, table[ref[1]], products))
            cache.headers[kind] = _csv_line(list(row))
            now = cache.rows[ref] = (_row(row), _csv_line([safe_cell(v) for v in row.values()]))
            differ = differ or now != before
        else:
            differ = differ or before is not None
    return differ
