"""Cite this: a record as a plain-text reference and as CSL-JSON, BibTeX and RIS files.

Reference managers read the files (Zotero, Mendeley and EndNote take RIS; LaTeX takes BibTeX;
CSL-JSON is what citation styles are written for); the plain text is for pasting into a report.
Everything comes from the record: the title, the organisations that led the work (a role with
the word "lead") as authors, the dates, and the page's address under ``site_url``. Pure
functions; the build publishes the files at :func:`projarchive.router.citation_dest`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .catalogue import Catalogue
from .dates import PartialDate
from .router import Router

# a resource's kind -> (CSL type, RIS type)
_TYPES = {"report": ("report", "RPRT"), "data": ("dataset", "DATA"), "toolkit": ("document", "GEN"),
          "infographic": ("graphic", "ART"), "form": ("document", "GEN"), "other": ("document", "GEN")}


@dataclass(frozen=True)
class Citation:
    id: str
    title: str
    authors: tuple[str, ...]  # organisations, written as they are named (never split into given/family)
    date: PartialDate | None
    publisher: str  # the archive (the site's name)
    url: str
    csl_type: str
    ris_type: str
    medium: str  # "Archived project page", "Toolkit" …

    @property
    def year(self) -> str:
        return str(self.date.year) if self.date else "n.d."

    def text(self) -> str:
        """Author (year) Title. Medium. Publisher. Available at: URL"""
        who = " and ".join(self.authors) if len(self.authors) < 3 else ", ".join(self.authors[:-1]) + " and " + self.authors[-1]
        head = f"{who} ({self.year})" if who else f"{self.title} ({self.year})"
        title = f" {self.title}." if who else ""
        return f"{head}{title} {self.medium}. {self.publisher}. Available at: {self.url}"

    def csl_json(self) -> str:
        item: dict[str, object] = {"id": self.id, "type": self.csl_type, "title": self.title,
                                   "publisher": self.publisher, "URL": self.url, "medium": self.medium}
        if self.authors:
            item["author"] = [{"literal": a} for a in self.authors]
        if self.date:
            parts = [self.date.year] + ([self.date.month] if self.date.month else []) + ([self.date.day] if self.date.day else [])
            item["issued"] = {"date-parts": [parts]}
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"

    def bibtex(self) -> str:
        fields = [("title", "{" + _bib(self.title) + "}")]
        if self.authors:
            fields.append(("author", " and ".join("{" + _bib(a) + "}" for a in self.authors)))
        if self.date:
            fields.append(("year", str(self.date.year)))
            if self.date.month:
                fields.append(("month", str(self.date.month)))
        fields += [("howpublished", _bib(self.publisher)), ("url", self.url), ("note", _bib(self.medium))]
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        return f"@misc{{{self.id},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [("TY", self.ris_type), ("TI", self.title)]
        lines += [("AU", a) for a in self.authors]
        if self.date:
            lines.append(("PY", str(self.date.year)))
            lines.append(("DA", "/".join([f"{self.date.year:04d}", f"{self.date.month:02d}" if self.date.month else "",
                                          f"{self.date.day:02d}" if self.date.day else "", ""])))
        lines += [("PB", self.publisher), ("UR", self.url), ("M3", self.medium), ("ER", "")]
        return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _bib(text: str) -> str:
    """Text safe inside a BibTeX value: its special characters escaped, one line."""
    out = re.sub(r"([\\{}%&$#_^~])", lambda m: {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(
        m.group(1), "\\" + m.group(1)), _one_line(text))
    return out


def project_citation(cat: Catalogue, project_id: str, router: Router, publisher: str) -> Citation:
    p = cat.projects[project_id]
    medium = "Archived programme page" if cat.is_programme(p) else "Archived project page"
    return Citation(p.id, p.title, tuple(c.name for c in cat.leads(p)), p.end or p.start, publisher,
                    router.record("project", p.id, absolute=True), "webpage", "ELEC", medium)


def resource_citation(cat: Catalogue, resource_id: str, router: Router, publisher: str) -> Citation:
    r = cat.resources[resource_id]
    authors: list[str] = []
    for p in cat.used_by(r.id):
        authors += [c.name for c in cat.leads(p) if c.name not in authors]
    csl, ris = _TYPES.get(r.kind, ("document", "GEN"))
    medium = {"toolkit": "Toolkit", "report": "Report", "data": "Data", "infographic": "Infographic",
              "form": "Form"}.get(r.kind, "Document")
    return Citation(r.id, r.title, tuple(authors), r.published, publisher,
                    router.record("resource", r.id, absolute=True), csl, ris, medium)


CITATION_FORMATS = ("json", "bib", "ris")  # the files of each cited record, in this order: CSL-JSON, BibTeX, RIS
CITED_KINDS = ("project", "resource")  # the records that have citation files, in this order


def citation_files(cat: Catalogue, router: Router, publisher: str,
                   only: tuple[str, str] | None = None) -> dict[str, str]:
    """Path under the site -> text of every citation file (three per project and per resource), or
    with ``only`` (kind, id) those of one record."""
    from .router import citation_dest

    out: dict[str, str] = {}
    makers = {"project": (cat.projects, project_citation), "resource": (cat.resources, resource_citation)}
    for kind in CITED_KINDS:
        ids, make = makers[kind]
        for record_id in ids if only is None else ([only[1]] if only[0] == kind else []):
            c = make(cat, record_id, router, publisher)
            texts = {"json": c.csl_json, "bib": c.bibtex, "ris": c.ris}
            for ext in CITATION_FORMATS:
                out[citation_dest(kind, record_id, ext)] = texts[ext]()
    return out
