"""A strict, fast, crash-proof YAML reader for hand-written records.

PyYAML's ``safe_load`` turns ``status: no`` into ``False``, ``phone: 01611234567``
into an octal integer and silently keeps the last of two duplicate keys; its C
composer recurses and can crash the interpreter on deeply nested brackets. So we
use only libyaml's *event* stream (C speed, no recursion in the parser) and build
plain Python values ourselves:

* every scalar is a ``str`` (the schema converts dates and numbers and reports
  the line on failure); plain ``null``, ``~`` and an empty value are ``None``;
* duplicate keys, anchors, aliases, merge keys and tags are errors;
* nesting depth and file size are bounded *before* libyaml sees the text;
* exactly one document whose top level is a mapping; UTF-8 only.

The result is a :class:`Document`: the data plus the line and column of every
value and key, addressed by path (``("sections", 2, "heading")``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from .problems import Problems

try:  # libyaml is part of every PyYAML wheel we install; fall back rather than fail.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_FLOW_DEPTH = 32

Path = tuple[Any, ...]


class Mark(NamedTuple):
    """A position in a file; both 1-based. A named tuple: one is made for every value, so it must be cheap."""

    line: int
    column: int


@dataclass
class Document:
    """Parsed record data with positions for every value (``marks``) and key (``key_marks``)."""

    data: dict[str, Any]
    marks: dict[Path, Mark] = field(default_factory=dict)
    key_marks: dict[Path, Mark] = field(default_factory=dict)
    # plain (unquoted) values followed by " # ..." on their line: YAML drops that text as a
    # comment, which a maintainer may not have meant ("title: C# toolkit #2")
    comments: dict[Path, str] = field(default_factory=dict)

    def mark(self, path: Path) -> Mark:
        """Where the value at ``path`` starts; falls back to the nearest enclosing value."""
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), Mark(1, 1))


_NULLS = {"", "~", "null", "Null", "NULL"}
_BRACKETS = re.compile(r"[\[\]{}]")


def _mark(m: Any) -> Mark:
    return Mark(m.line + 1, m.column + 1)


def _flow_depth_exceeded(text: str) -> int:
    """Return the 1-based line where bracket nesting passes the bound, or 0.

    Counts brackets anywhere (quoted or not): a cheap, conservative bound that
    keeps pathological input away from libyaml, whose cost grows steeply with depth.
    """
    depth = 0
    for m in _BRACKETS.finditer(text):
        if m.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return text.count("\n", 0, m.start()) + 1
        elif depth:
            depth -= 1
    return 0


def decode(raw: bytes, path: str, problems: Problems) -> str | None:
    """Decode UTF-8 (a BOM is allowed), reporting the byte offset of bad bytes."""
    if len(raw) > MAX_BYTES:
        problems.add(path, 0, 0, "", f"file is {len(raw):,} bytes; a record may be at most {MAX_BYTES:,} bytes")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        problems.add(
            path, line, col, "",
            f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start}); "
            "save it as UTF-8 in your editor",
        )
        return None
    return text


def parse(text: str, path: str, problems: Problems) -> Document | None:
    """Parse one record's text; on failure add problems and return ``None``."""
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        problems.add(path, 1, 1, "", "the file is empty; a record needs at least its required keys")
        return None
    bad = _flow_depth_exceeded(text)
    if bad:
        problems.add(path, bad, 1, "", f"brackets are nested more than {MAX_FLOW_DEPTH} deep; "
                     "close each '[' and '{' you open, or write the list one '- item' per line")
        return None
    builder = _Builder(path, problems, text.splitlines())
    parser = _Loader(text)
    try:
        while True:  # libyaml's events, pulled one at a time (yaml.parse adds a generator and a check per event)
            event = parser.get_event()
            if event is None or type(event) is yaml.StreamEndEvent:
                break
            if not builder.feed(event):
                return None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow in a file, e.g. a control character
        code = e.character if isinstance(e.character, int) else 0xFFFD
        at = text.find(chr(code))
        line = text.count("\n", 0, at) + 1 if at >= 0 else 0
        col = at - (text.rfind("\n", 0, at) + 1) + 1 if at >= 0 else 0
        problems.add(
            path, line, col, "",
            f"the invisible control character U+{code:04X} is not allowed in a record; delete it "
            "(it often comes with text pasted from another program)",
        )
        return None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        detail = e.problem or str(e)
        tab = _tab_column(text, line)
        if tab and ("tab" in detail or "cannot start any token" in detail):
            # a tab in the indentation (a tab inside block text is content and parses fine)
            problems.add(path, line, tab, "", "tab used for indentation; YAML needs spaces (use 2 spaces per level)")
        else:
            problems.add(path, line, col, "", f"this is not valid YAML: {detail}{_hint(detail)}")
        return None
    except yaml.YAMLError as e:  # pragma: no cover - libyaml always marks its errors
        problems.add(path, 0, 0, "", f"this is not valid YAML: {e}")
        return None
    finally:
        parser.dispose()
    return builder.document()


def _tab_column(text: str, line: int) -> int:
    """1-based column of a tab in the leading whitespace of ``line``, or 0."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return 0
    ln = lines[line - 1]
    indent = ln[: len(ln) - len(ln.lstrip(" \t"))]
    return indent.index("\t") + 1 if "\t" in indent else 0


def _hint(detail: str) -> str:
    """What to do about one of libyaml's syntax errors, in words a maintainer can act on."""
    if "mapping values are not allowed" in detail:
        return ' (a value containing ": " must be put in quotes)'
    if "found character '\\t'" in detail:
        return " (use spaces, not tabs)"
    if "expected ',' or ']'" in detail:
        return " (a list in [brackets] is not closed: add the ']', or put a value containing ',' or ']' in quotes)"
    if "expected ',' or '}'" in detail:
        return " (keys in {braces} are not closed: add the '}', or put a value containing ',' or '}' in quotes)"
    if "unexpected end of stream" in detail:
        return " (a quote was opened and never closed: add the closing quote)"
    if "cannot start any token" in detail:
        return " (a value starting with @, ` or % must be put in quotes)"
    if "could not find expected ':'" in detail:
        return " (every line needs 'key: value'; a value that goes on over several lines must be indented)"
    if "did not find expected key" in detail or "expected <block end>" in detail:
        return " (check the indentation: keys of one level line up; a quoted value must be quoted whole)"
    return " (check the quotes and the indentation on this line and the line before)"


class _Builder:
    """Builds values from parser events with an explicit stack (no recursion)."""

    def __init__(self, path: str, problems: Problems, lines: list[str]) -> None:
        self.lines = lines
        self.comments: dict[Path, str] = {}
        self.path = path
        self.problems = problems
        self.stack: list[list[Any]] = []  # frames: [container, path, pending_key]
        self.root: Any = None
        self.marks: dict[Path, Mark] = {}
        self.key_marks: dict[Path, Mark] = {}
        self.docs = 0
        self.last_path: Path | None = None

    def error(self, event: Any, message: str) -> bool:
        m = _mark(event.start_mark)
        self.problems.add(self.path, m.line, m.column, "", message)
        return False

    def feed(self, ev: Any) -> bool:
        t = type(ev)  # exact event classes: cheaper than a chain of isinstance on every event
        if t is yaml.ScalarEvent:
            if ev.anchor is not None or ev.tag is not None:
                return self.anchor_or_tag(ev)
            plain = ev.implicit[0]
            value: Any = None if plain and ev.value in _NULLS else ev.value  # plain (unquoted) null
            if not self.add(ev, value):
                return False
            if plain and value is not None:
                self.note_comment(ev)
            return True
        if t is yaml.MappingStartEvent or t is yaml.SequenceStartEvent:
            if ev.anchor is not None or ev.tag is not None:
                return self.anchor_or_tag(ev)
            if len(self.stack) >= MAX_DEPTH:
                return self.error(ev, f"values are nested more than {MAX_DEPTH} levels deep; "
                                          "a record needs only a few levels: check the indentation")
            container: Any = {} if t is yaml.MappingStartEvent else []
            if not self.stack and not isinstance(container, dict):
                return self.error(ev, "the top level of a record must be keys and values (a mapping), not a list; "
                                  "remove the '- ' before the first key")
            cpath = self.place(ev, container)
            if cpath is None:
                return False
            self.stack.append([container, cpath, None])
            return True
        if t is yaml.MappingEndEvent or t is yaml.SequenceEndEvent:
            self.stack.pop()
            return True
        if t is yaml.AliasEvent:
            return self.error(ev, f"aliases (*{ev.anchor}) are not allowed; write the value out in full")
        if t is yaml.DocumentStartEvent:
            self.docs += 1
            if self.docs > 1:
                return self.error(ev, "a record file holds exactly one document; remove the second '---'")
        return True

    def anchor_or_tag(self, ev: Any) -> bool:
        if ev.anchor is not None:
            return self.error(ev, f"anchors (&{ev.anchor}) are not allowed; write each value out in full")
        return self.error(ev, f"tags ({ev.tag}) are not allowed; remove it and quote the value if needed")

    def note_comment(self, ev: Any) -> None:
        """Remember a comment that directly follows a plain value on the same line."""
        end = ev.end_mark
        if end.line >= len(self.lines):
            return
        rest = self.lines[end.line][end.column:]
        if "#" in rest and re.match(r"\s+#", rest) and self.last_path is not None:
            self.comments[self.last_path] = rest.strip()

    def place(self, ev: Any, value: Any) -> Path | None:
        """Attach ``value`` to the current container; return its path."""
        m = _mark(ev.start_mark)
        if not self.stack:
            self.root = value
            self.marks[()] = m
            return ()
        frame = self.stack[-1]
        container, cpath, pending = frame
        if isinstance(container, list):
            p = (*cpath, len(container))
            container.append(value)
            self.marks[p] = m
            return p
        if pending is None:  # this event is a key
            if not isinstance(value, str):
                self.error(ev, "a key must be a plain word, not a list, mapping or empty value")
                return None
            if value == "<<":
                self.error(ev, "merge keys (<<) are not allowed; write the keys out in full")
                return None
            kpath = (*cpath, value)
            if value in container:
                first = self.key_marks[kpath]
                self.problems.add(
                    self.path, m.line, m.column, _dotted(kpath),
                    f"duplicate key '{value}' (first given on line {first.line}); keep one and delete the other",
                )
                # read on, so the file's other mistakes are reported in the same run; the second
                # value is read but kept nowhere (the report above already fails the build)
                frame[2] = _Duplicate()
                return (*cpath, frame[2])
            frame[2] = value
            self.key_marks[kpath] = m
            container[value] = _PENDING
            return kpath
        p = (*cpath, pending)
        frame[2] = None
        if isinstance(pending, _Duplicate):
            return p
        container[pending] = value
        self.marks[p] = m
        return p

    def add(self, ev: Any, value: Any) -> bool:
        if not self.stack:
            return self.error(ev, "the top level of a record must be keys and values (a mapping); "
                                  "start each line with a key, e.g. 'title: Take Ten People'")
        self.last_path = self.place(ev, value)
        return self.last_path is not None

    def document(self) -> Document:
        root = self.root if isinstance(self.root, dict) else {}
        return Document(root, self.marks, self.key_marks, self.comments)


_PENDING = object()


class _Duplicate:
    """Stands in for the key of a duplicate's value, which is read but not kept."""


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted


def load_file(abs_path: str, rel_path: str, problems: Problems) -> Document | None:
    """Read, decode and parse one record file."""
    try:
        with open(abs_path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as e:
        problems.add(rel_path, 0, 0, "", f"cannot be read: {e.strerror}")
        return None
    text = decode(raw, rel_path, problems)
    if text is None:
        return None
    return parse(text, rel_path, problems)
