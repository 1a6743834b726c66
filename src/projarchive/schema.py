"""One declaration per record kind, and everything derived from it.

Each kind (project, contact, resource) is declared once as a tree of
:class:`Field` objects. From that one declaration we derive:

* the validator/converter that turns a parsed :class:`~projarchive.strictyaml.Document`
  into frozen dataclasses, reporting every problem with file, line, column and field;
* the JSON Schema files in ``schema/`` that editors use (yaml-language-server);
* the key reference in the maintainer guide.

Cross-record checks (does that contact id exist?) live in :mod:`projarchive.catalogue`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self
from urllib.parse import parse_qsl, unquote

from . import model
from .dates import parse_date
from .problems import Problems
from .strictyaml import Document, Path, dotted

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Limits: what no hand-written record needs, so a value beyond them is a mistake (a paste gone wrong)
# that would otherwise be copied into every page that lists it. Text lengths are on each Text,
# list lengths on each ListOf, figures' digits on Number.
RECORD_BYTES = 500_000  # a whole record file (the largest sample record is 26 kB)
MAX_ID = 100
MAX_URL = 2_000
MAX_EMAIL = 254
MAX_PHONE = 100  # a number as typed, with an extension or opening hours
MAX_PATH = 300
EMAIL_RE = re.compile(r"^[^@\s<>\"'`]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
URL_SCHEMES = ("https://", "http://", "mailto:")
# Starts every placeholder that new-project writes (projarchive.new_project); text holding it is not
# ready to publish, so it is an error in any text value until it is replaced.
PLACEHOLDER = "REPLACE THIS:"


class Invalid(ValueError):
    """A value that cannot be converted; the message says how to fix it."""


class Context:
    """What a conversion needs to report problems: the document and the file."""

    def __init__(self, doc: Document, path: str, problems: Problems) -> None:
        self.doc = doc
        self.path = path
        self.problems = problems

    def report(self, at: Path, message: str, *, key: bool = False) -> None:
        mark = (self.doc.key_marks.get(tuple(at)) if key else None) or self.doc.mark(at)
        self.problems.add(self.path, mark.line, mark.column, dotted(at), message)


# --------------------------------------------------------------------------- types


class Type:
    """A value type: converts parsed YAML, describes itself in JSON Schema and prose."""

    label = "text"

    def convert(self, value: Any, ctx: Context, at: Path) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


def shorten(text: str, limit: int = 40) -> str:
    """A value as a message quotes it: whole when short, else its start and how long it is."""
    return text if len(text) <= limit else f"{text[:limit - 10]}… ({len(text):,} characters)"


def _need_text(value: Any, what: str = "text", at: Path = ()) -> str:
    """``value`` as text; an empty or missing value says what to do about the key, or, for an item of a
    list (``at`` ends in its index), about the item."""
    remove = "remove the item (its '- ' line, or its place between the commas)" if at and isinstance(at[-1], int) \
        else "remove the key"
    if isinstance(value, str):
        if not value.strip():
            raise Invalid(f"is empty; write the {what} or {remove}")
        return value
    if value is None:
        raise Invalid(f"has no value; write the {what} or {remove}")
    kind = "a list" if isinstance(value, list) else "keys and values"
    raise Invalid(f"should be {what}, but is {kind}")


def _too_long(text: str, limit: int) -> None:
    if len(text) > limit:
        raise Invalid(f"is {len(text):,} characters long; at most {limit:,} are allowed here")


@dataclass(frozen=True)
class Text(Type):
    """Plain text kept exactly as written. ``multiline`` marks Markdown/prose fields; ``max_length``
    bounds it (in characters). Tabs only where text may hold line breaks (a Markdown code block)."""

    multiline: bool = False
    markdown: bool = False
    max_length: int = 500

    @property
    def label(self) -> str:  # type: ignore[override]
        return "Markdown text" if self.markdown else "text"

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        text = _need_text(value, at=at)
        _too_long(text, self.max_length)
        comment = ctx.doc.comments.get(tuple(at))
        if comment:
            raise Invalid(
                f"the text '{comment}' after the value is read as a YAML comment and would be lost; "
                f"if it belongs to the value, put the whole value in quotes: \"{text} {comment}\""
            )
        if not self.multiline and "\n" in text.strip():
            raise Invalid("should be a single line or paragraph")
        if not self.multiline and "\t" in text:
            raise Invalid("holds a tab, which is invisible and would be shown as a space; write a space")
        if PLACEHOLDER in text:
            line = next(ln.strip() for ln in text.splitlines() if PLACEHOLDER in ln)
            raise Invalid(f"replace the placeholder '{line}' with your own text")
        if self.markdown:
            from .render import bracket_problem, link_problems  # local: rendering is needed only for text with links

            slow = bracket_problem(text)  # before anything renders it
            if slow:
                raise Invalid(slow)
            problems = link_problems(text)
            if problems:
                more = f" (and {len(problems) - 1} more in this text)" if len(problems) > 1 else ""
                raise Invalid(problems[0] + more)
        return text.strip() if not self.markdown else text.rstrip() + "\n"

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length,
                                  "pattern": r"\S"}  # not blank, as convert says
        if not self.multiline:
            schema["pattern"] = r"^[^\n]*\S[^\n]*$"  # and on one line
        return schema


@dataclass(frozen=True)
class Id(Type):
    """The id of another record of ``kind``; the catalogue checks every declared Id (see :func:`leaves`).

    ``role`` says what the named record must be, or becomes, here: an ``organisation`` must be a
    contact with ``kind: organisation``; a project named as a ``programme`` *is* one (derived, so
    it need not say ``kind: programme``, but it must not say ``kind: project``). A record cannot
    name itself in a field with a role."""

    kind: str
    role: str | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        def a(word: str) -> str:
            return ("an " if word[0] in "aeiou" else "a ") + word

        return f"id of {a(self.kind)}" if self.role is None else f"id of {a(self.role)} (a {self.kind} record)"

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        text = _need_text(value, f"{self.kind} id", at)
        if not ID_RE.match(text):
            raise Invalid(f"'{shorten(text)}' is not an id: use lower-case letters, digits and single hyphens")
        if len(text) > MAX_ID:
            raise Invalid(f"'{shorten(text)}' is not an id: an id is at most {MAX_ID} characters")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_RE.pattern, "maxLength": MAX_ID}


@dataclass(frozen=True)
class Choice(Type):
    values: tuple[str, ...]

    @property
    def label(self) -> str:  # type: ignore[override]
        return "one of: " + ", ".join(self.values)

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        text = _need_text(value, "value", at)
        if text not in self.values:
            raise Invalid(f"'{shorten(text)}' is not allowed; use one of: {', '.join(self.values)}{_did_you_mean(text, self.values)}")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class Date(Type):
    partial: bool = False

    @property
    def label(self) -> str:  # type: ignore[override]
        return "date (YYYY-MM-DD, YYYY-MM or YYYY)" if self.partial else "date (YYYY-MM-DD)"

    def convert(self, value: Any, ctx: Context, at: Path) -> Any:
        text = _need_text(value, "date", at)
        try:
            return parse_date(text, allow_partial=self.partial)
        except ValueError as e:
            raise Invalid(str(e)) from None

    def json_schema(self) -> dict[str, Any]:
        if not self.partial:
            return {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        # editors read YAML 1.2, where a bare year (`end: 2016`) is a number, not text
        return {"anyOf": [{"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
                          {"type": "integer", "minimum": 1, "maximum": 9999}]}


class Figure(Decimal):
    """A number that remembers how it was written: ``1,200`` is shown as 1,200 and ``1.10`` as 1.10.

    It compares and calculates as the :class:`~decimal.Decimal` it stands for.
    """

    __slots__ = ("_text",)

    def __new__(cls, text: str) -> Self:
        obj = super().__new__(cls, text.replace(",", ""))
        obj._text = text
        return obj

    def __str__(self) -> str:
        return self._text

    def __format__(self, spec: str) -> str:
        return self._text if not spec else super().__format__(spec)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (Figure, (self._text,))


_NUMBER_RE = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


@dataclass(frozen=True)
class Number(Type):
    """A figure written with digits, kept as typed (:class:`Figure`). ``digits`` and ``decimals`` bound
    how many digits may stand before and after the point: a count or an amount, never a number so
    long that no page or export could show it as it is."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    digits: int = 15
    decimals: int = 10
    label = "number"

    def convert(self, value: Any, ctx: Context, at: Path) -> Decimal:
        text = _need_text(value, "number", at).strip()
        if not _NUMBER_RE.fullmatch(text):
            raise Invalid(f"'{shorten(text)}' is not a number; write digits only, e.g. 20, 1,200 or 1785.71 "
                          "(a point before decimals; a comma only between thousands)")
        whole, _, fraction = text.lstrip("-").replace(",", "").partition(".")
        if len(whole.lstrip("0")) > self.digits:
            raise Invalid(f"'{shorten(text)}' has {len(whole.lstrip('0')):,} digits before the point; a figure may have "
                          f"at most {self.digits} (check for digits typed twice, or write the number in 'note')")
        if len(fraction) > self.decimals:
            raise Invalid(f"'{shorten(text)}' has {len(fraction):,} digits after the point; a figure may have at most "
                          f"{self.decimals}: round it")
        number = Figure(text)
        if self.minimum is not None and number < self.minimum:
            raise Invalid(f"{text} is below the smallest allowed value {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise Invalid(f"{text} is above the largest allowed value {self.maximum}")
        return number

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": ["number", "string"], "pattern": "^" + _NUMBER_RE.pattern + "$"}
        if self.minimum is not None:
            schema["minimum"] = float(self.minimum)
        if self.maximum is not None:
            schema["maximum"] = float(self.maximum)
        return schema


class Url(Type):
    label = "web address (https, http or mailto)"

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        text = _need_text(value, "web address", at).strip()
        if len(text) > MAX_URL:
            raise Invalid(f"'{shorten(text)}' is too long for a web address; at most {MAX_URL:,} characters")
        if not text.lower().startswith(URL_SCHEMES) or any(c.isspace() for c in text) or text in URL_SCHEMES:
            raise Invalid(f"'{shorten(text, 80)}' is not a web address we can link to; it must start with https://, "
                          "http:// or mailto:")
        if text[:7].lower() == "mailto:":
            problem = mailto_problem(text)
            if problem:
                raise Invalid(problem)
        elif "@" in unquote(text) and _holds_address(unquote(text)):
            raise Invalid(f"'{shorten(text, 80)}' holds an email address, which the site would have to publish as it "
                          "is; link to a page without it (or use mailto: for the address alone)")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^(https?://|mailto:)\S+$", "maxLength": MAX_URL}


def _holds_address(text: str) -> bool:
    from .privacy import EMAIL_IN_TEXT  # local import: only text with an '@' needs it

    return EMAIL_IN_TEXT.search(text) is not None


MAILTO_PARAMETERS = ("subject",)  # what a mailto: link may carry besides its one address


def mailto_problem(url: str) -> str | None:
    """Why a ``mailto:`` address cannot be published, or None: it must name one address (the site
    encodes it, projarchive.privacy), and may carry a subject; copies (cc, bcc) and a prepared
    message body are refused, as they would send mail to people a reader does not see named."""
    address, _, query = url[7:].partition("?")
    address = unquote(address)
    if not EMAIL_RE.match(address):
        return (f"'{shorten(url, 80)}' must name exactly one email address after 'mailto:' "
                "(expected mailto:name@example.org)")
    for name, _ in parse_qsl(query, keep_blank_values=True):
        if name.lower() not in MAILTO_PARAMETERS:
            return (f"'{shorten(url, 80)}' has '{name}=' in it; a mailto: link may give a subject (?subject=…) "
                    "but no copies (cc, bcc), message body or other parameters: remove it")
    return None


class Email(Type):
    label = "email address"

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        text = _need_text(value, "email address", at).strip()
        if len(text) > MAX_EMAIL or not EMAIL_RE.match(text):
            raise Invalid(f"'{shorten(text)}' is not an email address (expected name@example.org)")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": EMAIL_RE.pattern}


class Phone(Type):
    label = "phone number, in quotes, kept exactly as typed"

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        text = _need_text(value, "phone number", at).strip()
        if len(text) > MAX_PHONE:
            raise Invalid(f"'{shorten(text)}' is too long for a phone number; at most {MAX_PHONE} characters")
        if "\t" in text or "\n" in text:
            raise Invalid(f"'{shorten(text)}' should be one line, with spaces between groups of digits")
        if not re.search(r"\d", text):
            raise Invalid(f"'{shorten(text)}' has no digits; is it a phone number?")
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class FilePath(Type):
    """A path under ``resources/``; the catalogue measures every declared FilePath (see :func:`leaves`),
    and existence and safety are checked by :mod:`.files`. ``image``: it must be an image."""

    image: bool = False

    @property
    def label(self) -> str:  # type: ignore[override]
        return "image file under resources/" if self.image else "file path under resources/"

    def convert(self, value: Any, ctx: Context, at: Path) -> str:
        from .files import check_relative_path  # local import: files imports nothing of ours back

        text = _need_text(value, "file path", at).strip()
        if len(text) > MAX_PATH:
            raise Invalid(f"'{shorten(text)}' is too long for a file path; at most {MAX_PATH} characters")
        problem = check_relative_path(text)
        if problem:
            raise Invalid(problem)
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^(?!/)(?!.*\\)(?!.*(^|/)\.)[^\s].*$"}


@dataclass(frozen=True)
class ListOf(Type):
    """A list of ``item``s, at most ``max_items`` of them. ``unique``: no item twice; ``unique_by``: no
    two items (mappings) with the same value of that key, e.g. the same contact id."""

    item: Type
    unique: bool = False
    allow_one: bool = False  # accept a single value where a list is expected
    max_items: int = 100
    unique_by: str | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"list of {self.item.label}"

    def convert(self, value: Any, ctx: Context, at: Path) -> tuple[Any, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            if self.allow_one and isinstance(value, str):
                value = [value]
                ctx.doc.marks.setdefault((*at, 0), ctx.doc.mark(at))
            else:
                raise Invalid("should be a list (one '- item' per line, or [a, b])")
        if len(value) > self.max_items:  # not read at all: a list this long is a mistake, and costly
            raise Invalid(f"has {len(value):,} items; at most {self.max_items:,} are allowed here")
        out = []
        seen: dict[Any, int] = {}
        for i, item in enumerate(value):
            try:
                converted = self.item.convert(item, ctx, (*at, i))
            except Invalid as e:
                ctx.report((*at, i), str(e))
                continue
            except Reported as r:  # an item with problems of its own: keep what could be read
                out.append(r.partial)
                continue
            key = converted if self.unique else getattr(converted, self.unique_by, None) if self.unique_by else None
            if key is not None:
                if key in seen:
                    first = (*at, seen[key]) if self.unique else (*at, seen[key], self.unique_by)
                    here = (*at, i) if self.unique else (*at, i, self.unique_by)
                    line = ctx.doc.mark(first).line
                    what = f"'{shorten(str(key))}'"
                    ctx.report(here, f"{what} is listed twice (also as {dotted(first)}, line {line}); "
                                     + ("delete one" if self.unique else
                                        "list it once, with everything about it in that one entry"))
                    continue
                seen[key] = i
            out.append(converted)
        return tuple(out)

    def json_schema(self) -> dict[str, Any]:
        schema = {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items}
        if self.unique:
            schema["uniqueItems"] = True
        return schema


class Reported(Exception):
    """A mapping whose problems were already reported.

    ``partial`` holds what could be read of it (a :class:`Partial`), so checks that
    look across records (references, files) still run and every mistake shows in one run.
    """

    def __init__(self, partial: Partial) -> None:
        super().__init__("already reported")
        self.partial = partial


class Partial:
    """The readable part of a record that has problems: missing keys read as ``None`` or ``()``."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Partial({self.__dict__!r})"


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    required: bool = False
    doc: str = ""
    example: str = ""


@dataclass(frozen=True)
class Obj(Type):
    """A mapping with declared keys, converted to a dataclass by ``build``."""

    fields: tuple[Field, ...]
    build: Callable[..., Any]
    check: Callable[[dict[str, Any], Context, Path], None] | None = None
    title: str = ""
    label = "keys and values"

    def convert(self, value: Any, ctx: Context, at: Path) -> Any:
        if not isinstance(value, dict):
            if value is None:
                raise Invalid("has no value; give the keys it needs or remove it")
            raise Invalid(f"should be keys and values ({', '.join(f.name for f in self.fields if f.required)} …)")
        known = {f.name: f for f in self.fields}
        problems_before = len(ctx.problems)
        for key in value:
            if key not in known:
                ctx.report((*at, key), _unknown_key(key, value, known, ctx, at), key=True)
        out: dict[str, Any] = {}
        failed = False  # a declared key whose value could not be read: its checks would mislead
        for f in self.fields:
            if key_missing(value, f.name):
                if f.required:
                    ctx.report(at, f"missing required key '{f.name}' ({f.doc or f.type.label})", key=False)
                continue
            raw = value[f.name]
            if raw is None and not f.required and not isinstance(f.type, ListOf):
                continue  # `end: null` and friends: an explicit "not given"
            before = len(ctx.problems)
            try:
                out[f.name] = f.type.convert(raw, ctx, (*at, f.name))
            except Invalid as e:
                ctx.report((*at, f.name), str(e))
            except Reported as r:
                out[f.name] = r.partial
            failed = failed or len(ctx.problems) != before
        if self.check and not failed:
            self.check(out, ctx, at)
        if len(ctx.problems) != problems_before:
            raise Reported(self.partial(out))
        return self.build(**out)

    def partial(self, out: dict[str, Any]) -> Partial:
        """What could be read of this mapping, with every declared key present."""
        return Partial({f.name: out.get(f.name, () if isinstance(f.type, ListOf) else None) for f in self.fields})

    def json_schema(self) -> dict[str, Any]:
        props = {}
        for f in self.fields:
            s = dict(f.type.json_schema())
            if f.doc:
                s["description"] = f.doc
            if not f.required and not isinstance(f.type, (ListOf, Obj)):
                s = {"anyOf": [s, {"type": "null"}], **({"description": f.doc} if f.doc else {})}
            props[f.name] = s
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in self.fields if f.required],
            "properties": props,
        }


def _unknown_key(key: str, mapping: dict[str, Any], known: dict[str, Field], ctx: Context, at: Path) -> str:
    """The message for a key the declaration does not have. In braces, ``achieved: 1,200`` is read as
    ``achieved: 1`` and a key ``200`` (YAML splits at the comma): say so, and how to write it."""
    def thousands(k: str) -> bool:
        return bool(re.fullmatch(r"\d{3}(\.\d+)?", k)) and mapping[k] is None

    if thousands(key):
        keys = list(mapping)
        start = keys.index(key)
        while start > 0 and thousands(keys[start - 1]):
            start -= 1
        end = start
        while end < len(keys) and thousands(keys[end]):
            end += 1
        before = keys[start - 1] if start else None
        if before is not None and isinstance(mapping[before], str) and re.fullmatch(r"-?\d{1,3}", mapping[before]):
            typed = ",".join([mapping[before], *keys[start:end]])
            return (f"unknown key '{key}': inside {{ }} a comma ends a value, so '{before}: {typed}' was read as "
                    f"'{before}: {mapping[before]}' and a key '{key}'; put the number in quotes ('{typed}') "
                    f"or write it without the comma ({typed.replace(',', '')})")
    return f"unknown key '{shorten(key)}'{_did_you_mean(key, known)}"


def key_missing(mapping: dict[str, Any], key: str) -> bool:
    return key not in mapping


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


# --------------------------------------------------------------------------- kinds


def _check_project(values: dict[str, Any], ctx: Context, at: Path) -> None:
    start, end = values.get("start"), values.get("end")
    if start and end and end.last_day < start.first_day:
        ctx.report((*at, "end"), f"end date {end} is before start date {start}")


def _check_output(values: dict[str, Any], ctx: Context, at: Path) -> None:
    if "achieved" not in values and "note" not in values:
        ctx.report(at, "an output needs 'achieved' (a number) or a 'note' saying what happened")


def _check_timeline(values: dict[str, Any], ctx: Context, at: Path) -> None:
    start, end = values.get("date"), values.get("end")
    if start and end and end.last_day < start.first_day:
        ctx.report((*at, "end"), f"end {end} is before date {start}")


def _check_resource(values: dict[str, Any], ctx: Context, at: Path) -> None:
    if not values.get("files") and "url" not in values:
        ctx.report(at, "a resource needs 'files' (documents under resources/) or a 'url' for an external one")
    if values.get("files") and "url" in values:
        ctx.report((*at, "url"), "give either 'files' or 'url', not both")


def _check_contact(values: dict[str, Any], ctx: Context, at: Path) -> None:
    if values.get("kind") == "organisation" and "organisation" in values:
        ctx.report((*at, "organisation"), "only a person belongs to an organisation; remove this key")
    if values.get("kind") == "person" and values.get("address"):
        ctx.report((*at, "address"), "give the address on the person's organisation, not on the person")


TEXT = Text()
NAME = Text(max_length=100)  # a theme or region: it names a page and its address
PARA = Text(multiline=True, max_length=5_000)
SUMMARY = Text(multiline=True, max_length=2_000)  # shown in every listing the record is in
MD = Text(multiline=True, markdown=True, max_length=50_000)

IMAGE = Obj((
    Field("file", FilePath(image=True), True, "Image file under resources/", "images/take-ten-people.jpg"),
    Field("alt", TEXT, True, "What the image shows, for people who cannot see it", "Painting of a garden"),
    Field("credit", TEXT, False, "Credit line shown under the image", "Artist: Bob Houlston"),
), model.Image, title="image")

LINK = Obj((
    Field("title", TEXT, True, "Link text", "Cost and outreach pilot evaluation"),
    Field("url", Url(), True, "Web address (https, http or mailto)", "https://www.gov.uk/government/publications/x"),
), model.Link, title="link")

PROJECT = Obj((
    Field("title", TEXT, True, "Full title, as on the original page",
          '"Take Ten People: Integrating employment, learning and skills"'),
    Field("short_title", TEXT, False, "Short name for listings and navigation", "Take Ten People"),
    Field("kind", Choice(model.PROJECT_KINDS), False,
          "'programme' for a project that groups others; optional, as being named in another's 'programme' "
          "makes a project one", "programme"),
    Field("start", Date(partial=True), True, "When the project started", "2009-04-01"),
    Field("end", Date(partial=True), False, "When it ended; omit or null while running", "2010-03-31"),
    Field("dates_note", PARA, False, "Why the dates are approximate, shown beside them",
          "The report gives no dates; delivery ran through winter 2010-11."),
    Field("status", Choice(("finished", "active")), False,
          "finished | active; when omitted, finished if 'end' is before the build date", "finished"),
    Field("summary", SUMMARY, True, "One paragraph of plain text for listings and search results",
          ">-\n  Resources that help practitioners ..."),
    Field("image", IMAGE, False, "An image with alt text and credit", "{file: images/x.jpg, alt: ...}"),
    Field("themes", ListOf(NAME, unique=True, allow_one=True, max_items=30), False, "Free tags; each gets a listing page",
          "[mental health, employment]"),
    Field("regions", ListOf(NAME, unique=True, allow_one=True, max_items=30), False, "Regions; each gets a listing page",
          "[East of England]"),
    Field("programme", Id("project", "programme"), False, "Id of the programme this project belongs to",
          "clmh-research-2015-17"),
    Field("organisations", ListOf(Obj((
        Field("id", Id("contact", "organisation"), True, "Id of an organisation contact", "niace"),
        Field("role", TEXT, True, "Its role on this project", "Lead organisation"),
    ), model.OrganisationRole, title="organisation role"), max_items=200, unique_by="id"), False, "Partners, funders, evaluators with their role",
          "- {id: niace, role: Lead organisation}"),
    Field("sections", ListOf(Obj((
        Field("heading", TEXT, True, "Heading as on the original page", "What are we aiming to achieve?"),
        Field("body", MD, True, "Markdown text", "|\n  1. Establishing the baseline ..."),
    ), model.Section, title="section"), max_items=100), False, "The page's sections, in order",
          "- {heading: Who is it for?, body: People with experience of ...}"),
    Field("outputs", ListOf(Obj((
        Field("measure", TEXT, True, "What was counted", "Support workers trained"),
        Field("target", Number(), False, "The target", "20"),
        Field("achieved", Number(), False, "What was achieved", "33"),
        Field("note", PARA, False, "Context, or the result in words", "Exceeded."),
    ), model.Output, _check_output, title="output"), max_items=200), False, "Measured outputs against targets",
          "- {measure: Support workers trained, target: 20, achieved: 33}"),
    Field("timeline", ListOf(Obj((
        Field("date", Date(partial=True), True, "When", "2017-08"),
        Field("end", Date(partial=True), False, "End of a period", "2017-11"),
        Field("text", PARA, True, "What happened", "Ipsos MORI analyse the data"),
    ), model.TimelineEntry, _check_timeline, title="timeline entry"), max_items=200), False, "Dated milestones",
          "- {date: 2017-08, text: Ipsos MORI analyse the data}"),
    Field("sites", ListOf(Obj((
        Field("name", TEXT, True, "Name of the place or provider", "Q Training Ltd"),
        Field("town", TEXT, False, "Town", "Rackheath"),
        Field("lat", Number(Decimal(-90), Decimal(90)), True, "Latitude", "52.66"),
        Field("lon", Number(Decimal(-180), Decimal(180)), True, "Longitude", "1.37"),
    ), model.Site, title="site"), max_items=2_000), False, "Places on a map",
          "- {name: Q Training Ltd, town: Rackheath, lat: 52.66, lon: 1.37}"),
    Field("contacts", ListOf(Obj((
        Field("id", Id("contact"), True, "Id of a contact", "catina-barrett"),
        Field("role", TEXT, False, "Role on this project, as it was then", "Regional Project Officer"),
        Field("organisation", Id("contact", "organisation"), False,
              "Id of the organisation they were with then, if not their current one",
              "niace"),
        Field("email", Email(), False, "Email as it was then", "catina.barrett@niace.org.uk"),
        Field("phone", Phone(), False, "Phone as it was then, in quotes", '"0116 204 4200"'),
    ), model.ContactRole, title="contact"), max_items=100, unique_by="id"), False, "Who to contact, with details as they were for this project",
          "- {id: catina-barrett, role: Regional Project Officer}"),
    Field("resources", ListOf(Id("resource"), unique=True, allow_one=True, max_items=200), False,
          "Ids of resources (documents, toolkits)", "[take-ten-people-pack]"),
    Field("links", ListOf(LINK, max_items=200), False, "External pages", "- {title: Evaluation, url: 'https://…'}"),
), model.Project, _check_project, title="project")

CONTACT = Obj((
    Field("kind", Choice(model.CONTACT_KINDS), True, " | ".join(model.CONTACT_KINDS), "person"),
    Field("name", TEXT, True, "Full name", "Catina Barrett"),
    Field("organisation", Id("contact", "organisation"), False, "Person only: id of their organisation", "niace"),
    Field("role", TEXT, False, "Person: their current role", "National co-ordinator"),
    Field("email", Email(), False, "Email address", "catina.barrett@education.gov.uk"),
    Field("phone", Phone(), False, "Phone number, in quotes, as typed", '"07920 493620"'),
    Field("address", ListOf(TEXT, allow_one=True, max_items=12), False, "Organisation: postal address, one line per item",
          "[21 De Montfort Street, Leicester, LE1 7GE]"),
    Field("url", Url(), False, "Web site", "https://example.org"),
    Field("note", PARA, False, "Anything else worth knowing", "Now retired; the project files are with NIACE."),
), model.Contact, _check_contact, title="contact")

RESOURCE = Obj((
    Field("title", TEXT, True, "Title of the document or toolkit", "Take Ten People resource pack"),
    Field("kind", Choice(tuple(model.RESOURCE_KINDS)), True, " | ".join(model.RESOURCE_KINDS), "toolkit"),
    Field("summary", SUMMARY, False, "What it is and who it is for", "A collection of resources for practitioners."),
    Field("published", Date(partial=True), False, "When it was published", "2010-03"),
    Field("licence", TEXT, False, "Licence, e.g. an SPDX id", "OGL-3.0"),
    Field("files", ListOf(Obj((
        Field("file", FilePath(), True, "Path relative to resources/", "take-ten-people/toolbox.pdf"),
        Field("title", TEXT, True, "What this file is", "Toolbox"),
    ), model.ResourceFile, title="file"), max_items=200), False, "One or more files under resources/",
          "- {file: take-ten-people/toolbox.pdf, title: Toolbox}"),
    Field("url", Url(), False, "For an external resource instead of files",
          "https://www.gov.uk/government/publications/x"),
), model.Resource, _check_resource, title="resource")

KINDS: dict[str, Obj] = {"project": PROJECT, "contact": CONTACT, "resource": RESOURCE}

# The records a news post is about, in its front matter (the rest of it is Material's).
NEWS_LINKS = Obj((
    Field("projects", ListOf(Id("project"), unique=True, allow_one=True), False, "Projects the post is about",
          "[take-ten-people]"),
    Field("organisations", ListOf(Id("contact", "organisation"), unique=True, allow_one=True), False,
          "Organisations it is about", "[niace]"),
    Field("resources", ListOf(Id("resource"), unique=True, allow_one=True, max_items=200), False, "Resources it is about",
          "[take-ten-people-pack]"),
), dict, title="news post")


def leaves(spec: Type, value: Any, at: Path = ()) -> Iterator[tuple[Path, Type, Any]]:
    """Every value of a converted record (or :class:`Partial`) with the type declared for it, and where.

    The catalogue walks these to check references (:class:`Id`) and measure files
    (:class:`FilePath`) from the declarations alone: a new reference field needs no new check."""
    if isinstance(spec, Obj):
        for f in spec.fields:
            item = value.get(f.name) if isinstance(value, dict) else getattr(value, f.name, None)
            if item is not None:
                yield from leaves(f.type, item, (*at, f.name))
    elif isinstance(spec, ListOf):
        for i, item in enumerate(value if isinstance(value, tuple) else ()):
            yield from leaves(spec.item, item, (*at, i))
    else:
        yield at, spec, value


def convert(kind: str, record_id: str, doc: Document, path: str, problems: Problems) -> Any:
    """Validate one parsed document as a record of ``kind``.

    Returns the frozen record, or — when it has problems, which are added to
    ``problems`` — a :class:`Partial` with what could be read, so cross-record
    checks can still run on it.
    """
    ctx = Context(doc, path, problems)
    spec = KINDS[kind]
    # the record's identity comes from its file name, not from its contents
    bound = Obj(spec.fields, lambda **kw: spec.build(id=record_id, path=path, **kw), spec.check, spec.title)
    try:
        return bound.convert(doc.data, ctx, ())
    except Invalid as e:
        ctx.report((), str(e))
        partial = bound.partial({})
    except Reported as r:
        partial = r.partial
    partial.id, partial.path = record_id, path
    return partial


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for one record kind, for editors and CI."""
    spec = KINDS[kind]
    body = spec.json_schema()
    body["properties"] = {"$schema": {"type": "string"}, **body["properties"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{kind}.schema.json",
        "title": f"Project resource library: {kind} record",
        "description": f"A {kind} record: {model.RECORD_FOLDERS[kind]}/<id>.yml. Generated from projarchive.schema; do not edit.",
        **body,
    }


def key_reference() -> list[tuple[str, list[tuple[str, Field]]]]:
    """Every key of every kind, flattened with dotted names, for the maintainer guide."""
    def walk(obj: Obj, prefix: str, rows: list[tuple[str, Field]]) -> list[tuple[str, Field]]:
        for f in obj.fields:
            name = prefix + f.name
            rows.append((name, f))
            t = f.type.item if isinstance(f.type, ListOf) else f.type
            if isinstance(t, Obj):
                walk(t, name + ("[]." if isinstance(f.type, ListOf) else "."), rows)
        return rows

    out = []
    for kind, spec in KINDS.items():
        rows = walk(spec, "", [])
        out.append((kind, rows))
    return out


__all__ = ["ID_RE", "KINDS", "NEWS_LINKS", "Field", "Invalid", "Partial", "convert", "json_schema",
           "key_reference", "leaves"]
