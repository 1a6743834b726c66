"""Shortcuts taken for speed (#15) must give exactly what the long way gives."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projarchive import render, textlinks


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


# --------------------------------------------------------------------------- Markdown: plain prose

# every character the shortcut accepts, and many it must send to Markdown
_PROSE_CHARS = "aZé ,.;:?!'\"()/-’“”–—…0"
_OTHER_CHARS = "\n \t*_`#>+|[]<>&@%\\=~^{}!1.\u00a0\u200b\x02"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_PROSE_CHARS + _OTHER_CHARS, max_size=40))
def test_prose_renders_as_markdown_renders_it(text):
    """The shortcut for plain prose (render._prose_html) gives what Markdown gives, or stands aside."""
    fast = render._prose_html(text)
    if fast is not None:
        assert fast == str(render._markdown_html(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_PROSE_CHARS, min_size=1, max_size=30), min_size=1, max_size=3),
       st.sampled_from(["", "\n"]))
def test_paragraphs_of_prose_take_the_shortcut_and_render_as_markdown_renders_them(paragraphs, end):
    text = "\n\n".join("A" + p.strip() for p in paragraphs) + end
    fast = render._prose_html(text)
    if fast is not None:
        assert fast == str(render._markdown_html(text))


def test_prose_as_records_hold_it_takes_the_shortcut():
    texts = [
        "Careers advisers met learners in libraries. Most (about two thirds) found work.",
        "The pack’s “ten people” method — tried in Wales – worked.\n\nA second paragraph: short.\n",
        "Café owners said: yes!",
    ]
    for text in texts:
        fast = render._prose_html(text)
        assert fast is not None, text
        assert fast == str(render._markdown_html(text))
    for text in ["- a list", "1. first", "# Heading", "A line  \nbroken", "Mail jane@example.org", "Tom & Jerry",
                 "A [link](https://example.org)", "*emphasis*", "50% 40", "A\nB"]:
        assert render._prose_html(text) is None, text


class _DictWithAttribute(dict):
    label = "the attribute"


def test_templates_read_a_dict_s_keys_as_jinja_itself_reads_them():
    """render._Environment looks a plain dict's key up first for `value.name` (no exception per read);
    every read must give what Jinja's own environment gives, dict's own methods and undefined names
    included."""
    from jinja2 import Environment, StrictUndefined, UndefinedError

    ours = render.make_environment([])
    jinja = Environment(undefined=StrictUndefined, autoescape=True)
    values = {
        "d": {"title": "A <title>", "items": "a key named items", "get": 3, "label": "key", "": "empty"},
        "sub": _DictWithAttribute(label="the key", title="sub title"),
        "empty": {},
    }
    templates = [
        "{{ d.title }}", "{{ d.items is defined }}|{{ d['items'] }}", "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
        "{{ d.get('title') }}", "{{ d.label }}", "{{ d.missing is defined }}", "{{ d.keys() | list | length }}",
        "{{ sub.label }}|{{ sub.title }}", "{{ empty.title is defined }}", "{{ d.__class__.__name__ }}",
        "{{ d.missing | default('fallback') }}",
    ]
    for source in templates:
        assert ours.from_string(source).render(values) == jinja.from_string(source).render(values), source
    for source in ("{{ d.missing }}", "{{ empty.title.deeper }}"):
        with pytest.raises(UndefinedError) as theirs_error:
            jinja.from_string(source).render(values)
        with pytest.raises(UndefinedError) as our_error:
            ours.from_string(source).render(values)
        assert str(our_error.value) == str(theirs_error.value)

    # and the shortcut is taken: a dict's key is read without an AttributeError raised first
    def exceptions_raised_reading(env) -> int:
        raised = []
        sys.setprofile(lambda frame, event, arg: raised.append(arg) if event == "c_exception" else None)
        try:
            env.getattr(values["d"], "title")
        finally:
            sys.setprofile(None)
        return len(raised)

    assert exceptions_raised_reading(jinja) == 1  # builtins.getattr raised, then the key was read
    assert exceptions_raised_reading(ours) == 0
