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
* :class:`EncodeEmails` (with :class:`PlainAutomail`) — the same for addresses in Markdown text
  (section bodies): typed, as ``<jane@example.org>``, in code, as character references or
  percent-encoded, in ``mailto:`` links: they become the same encoded spans.
* :func:`without_addresses` — text for the open data exports: addresses in their spoken form.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, HTML_PLACEHOLDER_RE, STX, AtomicString

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
_URL_ATTRIBUTES = {"href", "src"}


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


def _percent_decoded_addresses(text: str) -> str:
    """``text`` with each word that is a percent-encoded address (``jane%40example.org``) decoded."""
    if "%" not in text:
        return text
    return re.sub(r"\S*%\S*", lambda m: unquote(m.group(0)) if EMAIL_IN_TEXT.search(unquote(m.group(0)))
                  else m.group(0), text)


def without_addresses(text: str) -> str:
    """``text`` for machine-readable outputs (the open data exports): every email address in it,
    however written (as typed, as character references, percent-encoded), in its spoken form
    ("jane at example dot org"), the readable fallback the pages show without JavaScript."""
    if "@" not in text and "&" not in text and "%" not in text:
        return text
    text = EMAIL_IN_TEXT.sub(lambda m: spoken_email(m.group(0)), text)
    decoded = _percent_decoded_addresses(html.unescape(text))
    if EMAIL_IN_TEXT.search(decoded):  # written in a disguise a reader undoes: give the decoded text
        text = EMAIL_IN_TEXT.sub(lambda m: spoken_email(m.group(0)), decoded)
    return text


class PlainAutomail(InlineProcessor):
    """``<jane@example.org>`` (and ``<mailto:…>``) as an ordinary ``mailto:`` link, which
    :class:`EncodeEmails` then encodes. Python-Markdown's own automail writes the address as
    character references (``&#106;&#97;…``), which every browser shows and any harvester
    decodes, inside placeholders no tree processor can read."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element, int, int]:  # type: ignore[override]
        address = self.unescape(m.group(1))
        if address.lower().startswith("mailto:"):
            address = address[len("mailto:"):]
        link = ET.Element("a", {"href": "mailto:" + address})
        link.text = AtomicString(address)
        return link, m.start(0), m.end(0)


class EncodeEmails(Treeprocessor):
    """The last tree processor: no address leaves Markdown as it is. What a browser would show or
    follow is read as it would read it (character references and, in links, percent-encoding
    decoded), in every text, code included, and every attribute:

    * an address in text becomes an encoded span;
    * a ``mailto:`` link to one address becomes that address's span; one to anything else
      (several addresses, none) keeps its text but loses the link;
    * any other link or image whose address holds an email address keeps its text but loses the
      link (the address cannot be encoded inside a URL);
    * an address in a title or alt text is replaced by its spoken form.
    """

    def run(self, root: ET.Element) -> None:
        for el in list(root.iter()):
            if el.get("class") == "archive-email":
                continue
            self._attributes(el)
            if el.get("class") == "archive-email":  # a mailto: link just made a span
                continue
            parts = self._parts(el.text)
            if parts is not None:
                el.text = parts[0]  # type: ignore[assignment]
                self._insert(el, 0, parts[1:])
            for child in list(el):
                parts = self._parts(child.tail)
                if parts is not None:
                    child.tail = parts[0]  # type: ignore[assignment]
                    self._insert(el, list(el).index(child) + 1, parts[1:])

    def _attributes(self, el: ET.Element) -> None:
        for name, value in list(el.attrib.items()):
            shown = html.unescape(value)
            if name in _URL_ATTRIBUTES:
                target = unquote(shown)
                if el.tag == "a" and target[:7].lower() == "mailto:":
                    address = target[7:].split("?")[0]
                    if EMAIL_IN_TEXT.fullmatch(address):
                        el.attrib.clear()
                        el.set("class", "archive-email")
                        el.set("data-email", encode_email(address))
                        for child in list(el):
                            el.remove(child)
                        el.text = spoken_email(address)
                        el.tag = "span"
                        return
                    self._unlink(el)
                    return
                if EMAIL_IN_TEXT.search(target):
                    self._unlink(el)
                    return
            else:
                shown = _percent_decoded_addresses(shown)
                if EMAIL_IN_TEXT.search(shown):
                    el.set(name, EMAIL_IN_TEXT.sub(lambda m: spoken_email(m.group(0)), shown))

    @staticmethod
    def _unlink(el: ET.Element) -> None:
        """Keep what the element shows, not where it leads (its text is read for addresses next)."""
        el.attrib.clear()
        if el.tag in ("a", "img"):
            el.tag = "span"

    def _parts(self, text: str | None) -> list[str | ET.Element] | None:
        """What to put in place of ``text``, or None when, as shown, it holds no address."""
        if not text or not ("@" in text or "&" in text or "%" in text or STX in text):
            return None
        shown = _percent_decoded_addresses(html.unescape(self._references(text)))
        if not EMAIL_IN_TEXT.search(shown):
            return None
        # ``shown`` is decoded: '&' must be written as '&amp;' to show as '&' (the serialiser keeps
        # what looks like a character reference as it is); '<' and '>' it escapes itself
        return [part.replace("&", "&amp;") if isinstance(part, str) else part for part in _split(shown)]

    def _references(self, text: str) -> str:
        """The text with the character references Markdown put aside (placeholders) put back."""
        stash = self.md.htmlStash.rawHtmlBlocks

        def put_back(m: re.Match[str]) -> str:
            index = int(m.group(1))
            raw = stash[index] if index < len(stash) else None
            return raw if isinstance(raw, str) and _REFERENCE.fullmatch(raw) else m.group(0)

        return HTML_PLACEHOLDER_RE.sub(put_back, text.replace(AMP_SUBSTITUTE, "&"))

    @staticmethod
    def _insert(parent: ET.Element, index: int, parts: list[str | ET.Element]) -> None:
        # parts alternate span, text, span, text ...: each text becomes the tail of the span before it
        for i in range(0, len(parts), 2):
            span = parts[i]
            assert isinstance(span, ET.Element)
            span.tail = parts[i + 1] if i + 1 < len(parts) else None  # type: ignore[assignment]
            parent.insert(index, span)
            index += 1


_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z0-9]+);")
