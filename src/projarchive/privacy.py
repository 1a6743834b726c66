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
from typing import Any
from urllib.parse import unquote

from markdown.extensions import Extension
from markdown.inlinepatterns import AUTOMAIL_RE, InlineProcessor
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


def without_addresses_in(value: Any) -> Any:
    """:func:`without_addresses` applied to every text in ``value`` (dicts and lists walked): for the
    data the site publishes for machines (exports, JSON-LD, the feed)."""
    if isinstance(value, str):
        return without_addresses(value)
    if isinstance(value, dict):
        return {k: without_addresses_in(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_addresses_in(v) for v in value]
    return value


def mailto_address(url: str) -> tuple[str, str] | None:
    """``(address, query)`` of a ``mailto:`` URL naming one address (``query`` without its '?', may be
    empty), or None for any other URL. Validation (projarchive.schema.mailto_problem) has made sure
    a record's mailto: names exactly one address and carries at most a subject."""
    if url[:7].lower() != "mailto:":
        return None
    address, _, query = url[7:].partition("?")
    address = unquote(address)
    return (address, query) if EMAIL_IN_TEXT.fullmatch(address) else None


# --------------------------------------------------------------------------- the last line: rendered HTML

_TAG_OR_TEXT = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_RAW_TEXT = re.compile(r"<(script|style)\b", re.IGNORECASE)
_ATTRIBUTE_VALUE = re.compile(r"""(=\s*)("[^"]*"|'[^']*')""")


def encode_addresses_in_html(html_text: str) -> str:
    """The last step of every page part our templates render: any email address still written as it is
    (typed into a title, a summary, a note…) becomes an encoded span in text, and its spoken form in an
    attribute (``alt``, ``title``, ``aria-label``). Our templates escape record text and write no raw
    ``>`` inside attributes, so tags and text can be told apart by ``<…>``. Script and style
    elements are left alone (their text is not shown)."""
    if "@" not in html_text:
        return html_text
    out: list[str] = []
    raw_until: str | None = None
    for piece in _TAG_OR_TEXT.split(html_text):
        if not piece:
            continue
        if raw_until is not None:
            out.append(piece)
            if piece.lower().startswith(raw_until):
                raw_until = None
            continue
        if piece.startswith("<"):
            m = _RAW_TEXT.match(piece)
            if m:
                raw_until = f"</{m.group(1).lower()}"
            if "@" in piece and not piece.startswith("<!--"):
                piece = _ATTRIBUTE_VALUE.sub(
                    lambda a: a.group(1) + EMAIL_IN_TEXT.sub(lambda e: spoken_email(e.group(0)), a.group(2)), piece)
            out.append(piece)
        elif "@" in piece:
            out.append(_encoded_text(piece))
        else:
            out.append(piece)
    return "".join(out)


def _encoded_text(escaped: str) -> str:
    """Escaped HTML text with each address as its encoded span (see :func:`email_span`)."""
    def span(m: re.Match[str]) -> str:
        address = html.unescape(m.group(0))
        return (f'<span class="archive-email" data-email="{encode_email(address)}">'
                f"{html.escape(spoken_email(address), quote=False)}</span>")

    return EMAIL_IN_TEXT.sub(span, escaped)


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
        found = getattr(self.md, "archive_problems", None)  # set when validation renders the text
        for name, value in list(el.attrib.items()):
            shown = html.unescape(value)
            if name in _URL_ATTRIBUTES:
                target = unquote(shown)
                if el.tag == "a" and target[:7].lower() == "mailto:":
                    address = target[7:].split("?")[0]
                    if found is not None:
                        from .schema import mailto_problem

                        problem = mailto_problem(shown)
                        if problem:
                            found.append(problem)
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
                    if found is not None:
                        found.append(f"the link to '{target if len(target) <= 60 else target[:50] + '…'}' holds an "
                                     "email address, which the page cannot show without giving it away; link to a page "
                                     "without it, or write the address as text")
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


class EmailPrivacy(Extension):
    """The address rules above for any Markdown, as a Python-Markdown extension: the site generator's own
    Markdown (hand-written pages, news posts) gets it, so an address typed, in code or as an autolink
    there is published like one in a record (projarchive.session.BuildSession.markdown_extensions)."""

    def extendMarkdown(self, md) -> None:
        md.inlinePatterns.register(PlainAutomail(AUTOMAIL_RE, md), "automail", 110)
        md.treeprocessors.register(EncodeEmails(md), "projarchive_emails", -10)


def makeExtension(**kwargs: Any) -> EmailPrivacy:
    return EmailPrivacy(**kwargs)
