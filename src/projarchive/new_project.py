"""Start a new project record: ``projarchive-new-project`` (or ``scripts/new_project.py``).

    projarchive-new-project --id my-project --title "My project" --start 2011-04-01 \\
        [--end 2012-03-31] [--summary "One paragraph."]

Answers not given as options are asked for on standard input, the id first; a bad answer
is explained and asked again, and end of input or Ctrl-C stops without writing anything.
The record has every optional key as a comment, and placeholders (text starting
``REPLACE THIS:``, :data:`projarchive.schema.PLACEHOLDER`) where only the maintainer can
write: the summary when it was not given, and the first section's heading and body. The
checks reject a placeholder anywhere, so the record cannot be published until they are
replaced. Everything else (the id, title and dates) is checked with the build's own schema
before the file is written; an id that exists is refused.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from . import schema, strictyaml
from .catalogue import RESERVED_IDS
from .dates import PartialDate, parse_date
from .problems import Problems

PLACEHOLDER_SUMMARY = f"{schema.PLACEHOLDER} one paragraph of plain text, shown in listings and search results."
PLACEHOLDER_HEADING = f"{schema.PLACEHOLDER} the first heading on the original page, e.g. What are we aiming to achieve?"
PLACEHOLDER_BODY = (f"{schema.PLACEHOLDER} the text under that heading, in Markdown. Add a heading and body\n"
                    "for each heading on the original page, in order.")

TEMPLATE = """\
# yaml-language-server: $schema=../schema/project.schema.json
# Every key is explained in the maintainer guide (docs/maintainers.md).
# Replace each placeholder (text starting "{mark}"): the checks refuse the record until you do.
# Values in double quotes may contain any character; keep phone numbers in quotes.
title: {title}
# short_title: A shorter name for listings
start: {start}
{end_line}
# dates_note: Why the dates are approximate, if they are
# status: finished              # or active; leave out to decide from the end date
summary: {summary}
# themes: [mental health, employment]
# regions: [East of England]
# programme: id-of-a-programme
# organisations:
#   - {{id: niace, role: Lead organisation}}
sections:
  - heading: {heading}
    body: |
{body}
# outputs:
#   - {{measure: Support workers trained, target: 20, achieved: 33}}
# timeline:
#   - {{date: 2017-08, text: What happened}}
# contacts:
#   - {{id: catina-barrett, role: Regional Project Officer, email: name@example.org, phone: "07920 493620"}}
# resources: [id-of-a-resource]
# links:
#   - {{title: Evaluation report, url: "https://www.example.org/report"}}
"""


class Stopped(Exception):
    """End of input while a question was waiting: nothing is written."""


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted value that reads back exactly.

    JSON's escapes are YAML's too; characters YAML does not allow raw in a file (control
    characters) or reads as line breaks (NEL, U+2028, U+2029) are written as ``\\uXXXX``.
    """
    out = json.dumps(text, ensure_ascii=False)
    return "".join(c if _printable(c) else f"\\u{ord(c):04x}" for c in out)


def _printable(c: str) -> bool:
    return c == "\t" or " " <= c <= "~" or "\xa0" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c >= "\U00010000"


def render(record_id: str, title: str, start: str, end: str | None, summary: str | None) -> str:
    """The record's text; ``summary`` None leaves its placeholder."""
    return TEMPLATE.format(
        mark=schema.PLACEHOLDER,
        title=quote(title),
        start=start,
        end_line=f"end: {end}" if end else "# end: YYYY-MM-DD         # leave out while the project is running",
        summary=quote(summary if summary is not None else PLACEHOLDER_SUMMARY),
        heading=quote(PLACEHOLDER_HEADING),
        body="".join(f"      {line}\n" for line in PLACEHOLDER_BODY.splitlines()).rstrip("\n"),
    )


def check(text: str, record_id: str) -> Problems:
    """Every problem in the record apart from its placeholders (which the maintainer replaces later)."""
    problems = Problems()
    shown = f"projects/{record_id}.yml"
    doc = strictyaml.parse(text.replace(schema.PLACEHOLDER, "placeholder"), shown, problems)
    if doc is not None:
        schema.convert("project", record_id, doc, shown, problems)
    return problems


# --------------------------------------------------------------------------- the answers, each checked


def id_problem(record_id: str, root: str) -> str | None:
    if not record_id:
        return "an id is needed: it becomes the address /projects/<id>/"
    if not schema.ID_RE.match(record_id):
        return f"'{record_id}' is not an id: use lower-case letters, digits and single hyphens, e.g. take-ten-people"
    if record_id in RESERVED_IDS:
        return f"'{record_id}' is kept for the page that lists all projects; choose another id"
    if os.path.exists(os.path.join(root, "projects", f"{record_id}.yml")):
        return f"projects/{record_id}.yml already exists; choose another id or edit that file"
    return None


def _id(root: str) -> Callable[[str], str]:
    def checked(answer: str) -> str:
        problem = id_problem(answer, root)
        if problem:
            raise ValueError(problem)
        return answer
    return checked


def _title(answer: str) -> str:
    if not answer:
        raise ValueError("a title is needed: the full title, as on the original page")
    problem = strictyaml.forbidden_character(answer)
    if problem:
        raise ValueError(problem)
    if "\t" in answer:
        raise ValueError("a title holds no tabs; write a space")
    if len(answer) > schema.TEXT.max_length:
        raise ValueError(f"a title is at most {schema.TEXT.max_length} characters; this one is {len(answer):,}")
    return answer


def _date(answer: str) -> PartialDate:
    return parse_date(answer, allow_partial=True)  # ValueError says what is wrong


def _end(start: str) -> Callable[[str], PartialDate | None]:
    try:
        first: PartialDate | None = _date(start)
    except ValueError:  # a bad --start: the record's check reports it
        first = None

    def checked(answer: str) -> PartialDate | None:
        if not answer:
            return None
        end = _date(answer)
        if first is not None and end.last_day < first.first_day:
            raise ValueError(f"the end {end} is before the start {first}")
        return end
    return checked


def ask(question: str, checked: Callable[[str], object]) -> str:
    """Ask until ``checked`` accepts the answer (it raises ValueError saying why not); the answer as typed."""
    while True:
        try:
            answer = input(f"{question}: ").strip()
        except EOFError:
            raise Stopped(f"no answer to '{question}' (end of input)") from None
        try:
            checked(answer)
        except ValueError as e:
            print(f"  {e}; try again.", file=sys.stderr)
            continue
        return answer


# --------------------------------------------------------------------------- the command


def new_project(argv: list[str] | None = None, default_root: str | None = None) -> int:
    ap = argparse.ArgumentParser(prog="new-project", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--id", help="lower-case letters, digits and hyphens; becomes /projects/<id>/")
    ap.add_argument("--title")
    ap.add_argument("--start", help="YYYY-MM-DD (or YYYY-MM, YYYY)")
    ap.add_argument("--end", help="YYYY-MM-DD (or YYYY-MM, YYYY); leave out while running")
    ap.add_argument("--summary", help="one paragraph of plain text; leave out to write it in the file")
    ap.add_argument("--root", default=default_root or os.getcwd(),
                    help="the archive's folder (default: %(default)s)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    root = os.path.abspath(args.root)

    if args.id is not None and (problem := id_problem(args.id, root)):
        if os.path.exists(os.path.join(root, "projects", f"{args.id}.yml")):
            print(problem, file=sys.stderr)
            return 1
        ap.error(problem)
    # anything required missing: ask for what is missing, optional answers included
    asking = args.id is None or args.title is None or args.start is None
    try:
        record_id = args.id if args.id is not None else ask("Id (becomes the address /projects/<id>/)", _id(root))
        title = args.title if args.title is not None else ask("Title", _title)
        start = args.start if args.start is not None else ask("Start date (YYYY-MM-DD, YYYY-MM or YYYY)", _date)
        end, summary = args.end, args.summary
        if asking and end is None:
            end = ask("End date (YYYY-MM-DD; empty while the project is running)", _end(start)) or None
        if asking and summary is None:
            summary = ask("Summary, one paragraph (empty to write it in the file)", str) or None
    except Stopped as e:
        print(f"\n{e}; nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopped; nothing was written.", file=sys.stderr)
        return 130

    text = render(record_id, title, start, end, summary)
    problems = check(text, record_id)
    if problems:
        print(problems.report("nothing was written."), file=sys.stderr)
        return 1
    path = os.path.join(root, "projects", f"{record_id}.yml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:  # made meanwhile
        print(f"projects/{record_id}.yml already exists; choose another id or edit that file", file=sys.stderr)
        return 1
    print(f"wrote projects/{record_id}.yml; replace its placeholders ({schema.PLACEHOLDER} …), "
          "then run .venv/bin/projarchive-validate")
    return 0


def main() -> None:  # console script
    sys.exit(new_project())
