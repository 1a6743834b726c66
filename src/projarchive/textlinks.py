"""Links from a record's Markdown text to other records, and text that promises a link it lacks.

A section body may link a record by id, resolved through the router when the page is rendered:

* ``[Delivery methods infographic](resource:clmh-delivery-methods-infographic)`` — its page
  (``project:``, ``resource:`` and ``contact:`` alike);
* ``[Download the infographic](download:clmh-delivery-methods-infographic)`` — the file itself,
  or the ZIP of all its files;
* ``![What the infographic shows](resource:clmh-delivery-methods-infographic)`` — a picture of its
  first page, with the text in brackets as its caption;
* ``[use the map](#map)`` — the project's own map of places.

An unknown id is an error with the line and column of the link. Archived pages say "Download
…", "Click pins …" or "use the map": a paragraph that says so without any link is an error
too, so no call to action is published dead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RECORD_SCHEMES = ("project", "resource", "contact", "download")
MAP_ANCHOR = "map"  # the id of a project page's map section; `[…](#map)` links it

# [text](scheme:id) or ![text](scheme:id); the text may hold brackets one level deep
_LINK = re.compile(r"(?P<image>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\((?P<scheme>" + "|".join(RECORD_SCHEMES)
                   + r"):(?P<id>[^)\s]*)\)")
_QUICK = re.compile(r"\]\((?:" + "|".join(RECORD_SCHEMES) + r"):")  # most texts link no record: a cheap first look
_MAP_LINK = re.compile(r"\]\(#" + MAP_ANCHOR + r"\)")
_ANY_LINK = re.compile(r"\]\([^)]+\)|<(?:https?://|mailto:)[^>]+>|https?://\S+")
# what archived pages say when there is something to follow: "Download …", "Click pins …", "use the map"
_PROMISE = re.compile(r"\b(?:download|click(?:\s+here)?|(?:use|see|on|check)\s+(?:the|our)\s+map|pins?)\b",
                      re.IGNORECASE)


@dataclass(frozen=True)
class RecordLink:
    """``[text](scheme:id)`` in Markdown text, and where it starts (offset in the text)."""

    scheme: str  # project | resource | contact | download
    id: str
    text: str
    image: bool
    offset: int

    @property
    def kind(self) -> str:
        """The kind of record named: a download names a resource."""
        return "resource" if self.scheme == "download" else self.scheme

    @property
    def written(self) -> str:
        return f"{self.scheme}:{self.id}"


def record_links(text: str) -> list[RecordLink]:
    if not _QUICK.search(text):
        return []
    return [RecordLink(m["scheme"], m["id"], m["text"], bool(m["image"]), m.start()) for m in _LINK.finditer(text)]


def map_links(text: str) -> list[int]:
    """Offsets of every ``[…](#map)`` link."""
    if "](#" + MAP_ANCHOR not in text:
        return []
    return [m.start() for m in _MAP_LINK.finditer(text)]


# Every promise holds one of these words: a text without any of them promises nothing. Looking for
# them with `in` is ~30 times faster than the case-blind pattern, which runs over 120,000 texts at
# 10,000 projects (2.7 s a load). The pattern is case-blind the Unicode way, where İ and ı match i,
# ſ matches s and the Kelvin sign K matches k: those are made plain letters before looking.
_PROMISE_WORDS = ("download", "click", "map", "pin")
_PLAIN_LETTERS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def may_promise(text: str) -> bool:
    """False only if ``text`` holds no word a promise is made of (whatever their case)."""
    low = (text if text.isascii() else text.translate(_PLAIN_LETTERS)).lower()
    return any(word in low for word in _PROMISE_WORDS)


def dead_promises(text: str) -> list[tuple[int, str]]:
    """Paragraphs that promise a download or a map but link to nothing: (offset, the words)."""
    if not may_promise(text) or not _PROMISE.search(text):
        return []
    out = []
    offset = 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if not block.strip() or block.startswith("\n"):
            offset += len(block)
            continue
        quoted = all(line.lstrip().startswith(">") for line in block.splitlines() if line.strip())
        found = _PROMISE.search(block)
        if found and not quoted and not _ANY_LINK.search(block):
            out.append((offset + found.start(), found.group(0)))
        offset += len(block)
    return out
