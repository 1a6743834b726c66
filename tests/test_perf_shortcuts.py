"""Shortcuts taken for speed (#15) must give exactly what the long way gives."""

from __future__ import annotations

import re
import sys

from projarchive import textlinks


def test_the_quick_look_for_promises_never_misses_a_letter_the_case_blind_pattern_matches():
    """may_promise looks for the promise words with `in` before the case-blind pattern runs: every
    character that pattern takes for one of their letters (in any case, Unicode's odd ones included:
    İ, ı, ſ, the Kelvin sign) must be that letter for the quick look too."""
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for letter in sorted(set("".join(textlinks._PROMISE_WORDS))):
        matching = re.findall(re.escape(letter), everything, re.IGNORECASE)
        assert len(matching) >= 2, letter  # the lower- and upper-case letter at least
        for char in matching:
            word = next(w for w in textlinks._PROMISE_WORDS if letter in w)
            written = ("use the " + word if word == "map" else word).replace(letter, char)
            assert textlinks._PROMISE.search(written), (letter, hex(ord(char)))
            assert textlinks.may_promise(written), (letter, hex(ord(char)))


def test_dead_promises_are_found_as_the_pattern_alone_finds_them():
    texts = [
        "Download the report.", "DOWNLOAD IT", "Click here for more.", "Use the map to find us.",
        "Click pins on the map.", "See our map below", "Nothing to follow here.", "A pinafore",
        "clic\u212a here", "p\u0131ns show places", "P\u0130NS show places", "Download [the pack](download:pack).",
        "Made together.\n\nDownload the report.\n\nThen [read it](https://example.org).",
        "> Download quoted\n\nplain", "downloads and mapping", "the map\u00e9 is here", "Café: use the map",
    ]
    for text in texts:
        slow = [] if not textlinks._PROMISE.search(text) else _slow_dead_promises(text)
        assert textlinks.dead_promises(text) == slow, text


def _slow_dead_promises(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if not block.strip() or block.startswith("\n"):
            offset += len(block)
            continue
        quoted = all(line.lstrip().startswith(">") for line in block.splitlines() if line.strip())
        found = textlinks._PROMISE.search(block)
        if found and not quoted and not textlinks._ANY_LINK.search(block):
            out.append((offset + found.start(), found.group(0)))
        offset += len(block)
    return out
