"""A strict, fast, crash-proof YAML reader for hand-written records.

PyYAML's ``safe_load`` turns ``status: no`` into ``False``, ``phone: 01611234567``
into an octal integer and silently keeps the last of two duplicate keys; its C
composer recurses and can crash the interpreter on deeply nested brackets. So we
use only libyaml's *event* stream (C speed, no recursion in the parser) and build
plain Python values ourselves:

* every scalar is a ``str`` (the schema converts dates and numbers and reports
  the line on failure); plain ``null``, ``~`` and an empty value are ``None``;
* duplicate keys, anchors, aliases, merge keys and tags are errors;
* control characters, however written (raw, or as escapes such as ``"\x1b"``), are errors
  (tab and line break are left to the schema, which knows where text may hold them), and so
  are the invisible characters that reorder or break text (bidirectional controls, line
  separators, a stray byte order mark) and Unicode's noncharacters (U+FFFE, which no XML may hold);
* file size is bounded before libyaml sees the text, nesting depth as it reads (libyaml's
  events are pulled one at a time: reading stops at the first value nested too deep);
* exactly one document whose top level is a mapping; UTF-8 only; an ordinary file only (a
  named pipe would never end).

The result is a :class:`Document`: the data plus the line and column of every
value and key, addressed by path (``("sections", 2, "heading")``).
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from .problems import Problems

try:  # libyaml is part of every PyYAML wheel we install; fall back rather than fail.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_BYTES = 1_000_000  # what the reader accepts at all; records are held to schema.RECORD_BYTES
MAX_DEPTH = 32

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
# Characters no value may hold. C0 controls but tab and line feed (the schema decides where those may
# stand), DEL and the C1 controls (U+0085 included); bidirectional controls (Unicode's Bidi_Control:
# they reorder the text around them, as in "Trojan Source"); line and paragraph separators; a byte
# order mark inside text; Unicode's 66 noncharacters (U+FDD0-U+FDEF and the last two code points of
# every plane: not text, and U+FFFE/U+FFFF make the Atom feed invalid XML).
NONCHARACTERS = "".join(map(chr, range(0xFDD0, 0xFDF0))) + "".join(
    chr(plane << 16 | last) for plane in range(17) for last in (0xFFFE, 0xFFFF))
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                        "\u2028\u2029\ufeff" + NONCHARACTERS + "]")
_NONCHARACTER = re.compile("[" + NONCHARACTERS + "]")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _mark(m: Any) -> Mark:
    return Mark(m.line + 1, m.column + 1)


def forbidden_character(value: str, written: str | None = None) -> str | None:
    """Why ``value`` may not be kept (the first character no record may hold), or None.
    ``written``: the source text of the value, to say when the character was typed as an escape."""
    m = _FORBIDDEN.search(value)
    if m is None:
        return None
    char = m.group()
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    how = [name] if name and char in _BIDI | {"\ufeff"} else []
    if written is not None and char not in written:
        how.append("written as an escape")
    named = f"{code} ({', '.join(how)})" if how else code
    if char in _BIDI:
        return (f"the invisible bidirectional control {named} is not allowed: it changes the order in which "
                "the text around it is shown; delete it (pages set the direction of text themselves)")
    if char in "\u2028\u2029":
        return f"the {name.lower()} {named} is not allowed; use an ordinary line break"
    if _NONCHARACTER.match(char):
        return (f"the noncharacter {named} is not allowed in a record: it is not text, and programs that read the "
                "site's feed and exports refuse it; delete it")
    if char == "\ufeff":
        return (f"the invisible character {named} is not allowed inside text; delete it "
                "(it often comes with text pasted from another program)")
    return (f"the invisible control character {named} is not allowed in a record; delete it "
            "(it often comes with text pasted from another program)")


def decode(raw: bytes, path: str, problems: Problems, size: int | None = None, limit: int = MAX_BYTES) -> str | None:
    """Decode UTF-8 (a BOM is allowed), reporting the byte offset of bad bytes. ``size``: the file's
    size when ``raw`` is only its beginning (a file longer than ``limit`` is not read whole)."""
    size = len(raw) if size is None else size
    if size > limit:
        problems.add(path, 0, 0, "", f"file is {size:,} bytes; a record may be at most {limit:,} bytes")
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
    if _RAW_BREAKS.search(text):
        original, (text, found) = text, _without_raw_breaks(text, path, problems)
        document = parse(text, path, problems)
        _report_raw_breaks(original, found, document, path, problems)
        return document
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
        # every character YAML's reader refuses is one no record may hold (test_strictyaml proves it)
        problems.add(path, line, col, "", forbidden_character(chr(code)) or f"U+{code:04X} is not allowed")
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


# Line breaks to YAML 1.1 that editors do not show as one (NEL, and Unicode's line and paragraph
# separators): typed into a file, libyaml would fold them into a space or end a line at them, so the
# value read would not be what the file shows. They are reported where they stand, and the file is read
# with a space in their place, so that lines are numbered as the editor numbers them.
_RAW_BREAKS = re.compile("[\x85\u2028\u2029]")


def _without_raw_breaks(text: str, path: str, problems: Problems) -> tuple[str, list[Mark]]:
    found = []
    for m in _RAW_BREAKS.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        found.append(Mark(line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1))
    return _RAW_BREAKS.sub(" ", text), found


def _report_raw_breaks(original: str, found: list[Mark], document: Document | None, path: str,
                       problems: Problems) -> None:
    starts = sorted((mark, at) for at, mark in document.marks.items()) if document is not None else []
    for where, m in zip(found, _RAW_BREAKS.finditer(original), strict=True):
        # the value it stands in (or just before): on its line, the last that starts before it, else the first after
        on_line = [(mark, at) for mark, at in starts if mark.line == where.line]
        before = [at for mark, at in on_line if mark <= where]
        at = before[-1] if before else on_line[0][1] if on_line else \
            next((at for mark, at in reversed(starts) if mark <= where), ())
        problems.add(path, where.line, where.column, _dotted(at), forbidden_character(m.group()) or "")


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
    if "invalid Unicode character escape code" in detail:
        return " (an escape such as \\ud800 names no character: remove it, or write the character itself)"
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
            if value is not None and _FORBIDDEN.search(value):
                self.forbidden(ev, value)
            return True
        if t is yaml.MappingStartEvent or t is yaml.SequenceStartEvent:
            if ev.anchor is not None or ev.tag is not None:
                return self.anchor_or_tag(ev)
            if len(self.stack) >= MAX_DEPTH:
                if ev.flow_style:
                    return self.error(ev, f"brackets nest values more than {MAX_DEPTH} levels deep; close each '[' and "
                                          "'{' you open, or write the list one '- item' per line")
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
        return self.error(ev, f"tags ({self.tag_as_written(ev)}) are not allowed; remove it and quote the value if needed")

    def tag_as_written(self, ev: Any) -> str:
        """A tag as the file writes it (``!!bool``), not as libyaml resolves it (``tag:yaml.org,2002:bool``)."""
        m = ev.start_mark
        line = self.lines[m.line] if m.line < len(self.lines) else ""
        written = re.match(r"!\S*", line[m.column:])
        if written:
            return written.group()
        return "!!" + ev.tag[len("tag:yaml.org,2002:"):] if ev.tag.startswith("tag:yaml.org,2002:") else ev.tag

    def forbidden(self, ev: Any, value: str) -> None:
        """Report a value holding a character no record may hold (see :func:`forbidden_character`)."""
        m = _mark(ev.start_mark)
        end = ev.end_mark
        written = "\n".join(self.lines[ev.start_mark.line:end.line + 1])
        message = forbidden_character(value, written if ev.style == '"' else None)
        at = self.last_path if self.last_path is not None else ()
        self.problems.add(self.path, m.line, m.column, _dotted(at), message or "")

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


def load_file(abs_path: str, rel_path: str, problems: Problems, max_bytes: int = MAX_BYTES) -> Document | None:
    """Read, decode and parse one record file (an ordinary file of at most ``max_bytes``)."""
    try:
        # O_NONBLOCK: a named pipe put where a record should be must not stop the build for ever
        fd = os.open(abs_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        problems.add(rel_path, 0, 0, "", f"cannot be read: {e.strerror}")
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.add(rel_path, 0, 0, "", f"is {kind_of_file(info.st_mode)}, not an ordinary file; "
                         "a record is a text file: remove this and write the record in its place")
            return None
        try:
            raw = f.read(max_bytes + 1)
        except OSError as e:
            problems.add(rel_path, 0, 0, "", f"cannot be read: {e.strerror}")
            return None
    text = decode(raw, rel_path, problems, size=max(info.st_size, len(raw)), limit=max_bytes)
    if text is None:
        return None
    return parse(text, rel_path, problems)


def kind_of_file(mode: int) -> str:
    """What a path that is not an ordinary file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "something other than a file"
