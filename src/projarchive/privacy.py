"""Privacy rules for contact details: pure functions, no HTML and no MkDocs.

* :func:`encode_email` / :func:`spoken_email` — an email address is never written into
  the HTML as it is (no ``mailto:`` with the plain address, no ``name@host`` text), so
  casual harvesters that grep pages for addresses find none. The page carries the
  address base64-encoded in a ``data-email`` attribute, and a readable fallback
  ("jane at example dot org") as text; ``docs/javascripts/contact-email.js`` turns it into
  a normal ``mailto:`` link whose text is the address, for sighted and screen reader users
  alike. Without JavaScript the fallback text is what everyone reads (and hears).
* :func:`details_withheld` — a person's email and phone are not shown on a project that
  finished more than ``personal_details_years`` years before the build date (0: never withheld).
* :class:`EncodeEmails` — the same for addresses typed into Markdown text (section bodies) and
  ``mailto:`` links there: they become the same encoded spans.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET

from markdown.treeprocessors import Treeprocessor

from .dates import PartialDate


def encode_email(address: str) -> str:
    """The address as base64 of its UTF-8 bytes (no '@' and no dots left for a regex to find)."""
    return base64.b64encode(address.encode("utf-8")).decode("ascii")


def decode_email(encoded: str) -> str:
    return base64.b64decode(encoded.encode("ascii")).decode("utf-8")


def spoken_email(address: str) -> str:
    """``jane.doe@example.org`` → ``jane.doe at example dot org``: readable, not harvestable as is."""
    local, _, domain = address.rpartition("@")
    return f"{local} at {' dot '.join(domain.split('.'))}"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` years earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def details_withheld(end: PartialDate | None, finished: bool, build_date: dt.date, years: int) -> bool:
    """Whether a person's email and phone on a project are withheld under the policy.

    Only finished projects with a known end date qualify: withheld when the project's
    last day is more than ``years`` years before ``build_date``. ``years <= 0`` turns the
    policy off.
    """
    if years <= 0 or not finished or end is None:
        return False
    return end.last_day < years_before(build_date, years)


# --------------------------------------------------------------------------- addresses in Markdown text

EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_SKIP = {"code", "pre", "kbd", "samp", "script", "style"}


def email_span(address: str) -> ET.Element:
    """The element that stands for an address in the page (see the module docstring)."""
    span = ET.Element("span", {"class": "archive-email", "data-email": encode_email(address)})
    span.text = spoken_email(address)
    return span


def _split(text: str) -> list[str | ET.Element]:
    parts: list[str | ET.Element] = []
    at = 0
    for m in EMAIL_IN_TEXT.finditer(text):
        parts.append(text[at:m.start()])
        parts.append(email_span(m.group(0)))
        at = m.end()
    parts.append(text[at:])
    return parts


class EncodeEmails(Treeprocessor):
    """Markdown bodies: addresses typed as text, and ``mailto:`` links, become encoded spans too."""

    def run(self, root: ET.Element) -> None:
        for el in list(root.iter()):
            if el.tag in _SKIP:
                continue
            if el.tag == "a" and el.get("href", "").lower().startswith("mailto:"):
                address = el.get("href", "")[7:].split("?")[0]
                if EMAIL_IN_TEXT.fullmatch(address):
                    el.tag = "span"
                    el.attrib.clear()
                    el.set("class", "archive-email")
                    el.set("data-email", encode_email(address))
                    for child in list(el):
                        el.remove(child)
                    el.text = spoken_email(address)
                continue
            if el.text and "@" in el.text:
                parts = _split(el.text)
                el.text = parts[0]  # type: ignore[assignment]
                self._insert(el, 0, parts[1:])
            for child in list(el):
                if child.tail and "@" in child.tail:
                    parts = _split(child.tail)
                    child.tail = parts[0]  # type: ignore[assignment]
                    self._insert(el, list(el).index(child) + 1, parts[1:])

    @staticmethod
    def _insert(parent: ET.Element, index: int, parts: list[str | ET.Element]) -> None:
        # parts alternate span, text, span, text ...: each text becomes the tail of the span before it
        for i in range(0, len(parts), 2):
            span = parts[i]
            assert isinstance(span, ET.Element)
            span.tail = parts[i + 1] if i + 1 < len(parts) else None  # type: ignore[assignment]
            parent.insert(index, span)
            index += 1
