#!/usr/bin/env python3
"""Scaffold a new, valid, commented project record.

    python scripts/new_project.py --id my-project --title "My project" \\
        --start 2011-04-01 [--end 2012-03-31] [--summary "One paragraph."]

Missing answers are asked for when run in a terminal. Refuses an id that
already exists, and checks the new record with the same schema as the build
before writing it, so what it writes always builds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from projarchive import schema, strictyaml
from projarchive.catalogue import slugify
from projarchive.problems import Problems

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

TEMPLATE = """\
# yaml-language-server: $schema=../schema/project.schema.json
# Every key is explained in the maintainer guide (docs/maintainers.md).
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
  - heading: What are we aiming to achieve?
    body: |
      Write the section text here, in Markdown.
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


def ask(value: str | None, prompt: str, required: bool = True) -> str | None:
    if value is not None or not sys.stdin.isatty():
        return value
    answer = input(f"{prompt}: ").strip()
    return answer or (None if not required else ask(None, prompt, required))


def quote(text: str) -> str:
    """``text`` as a YAML double-quoted value that reads back exactly.

    JSON's escapes are YAML's too; characters YAML does not allow raw in a file (control
    characters) or reads as line breaks (NEL, U+2028, U+2029) are written as ``\\uXXXX``.
    """
    out = json.dumps(text, ensure_ascii=False)
    return "".join(c if _printable(c) else f"\\u{ord(c):04x}" for c in out)


def _printable(c: str) -> bool:
    return c == "\t" or " " <= c <= "~" or "\xa0" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or c >= "\U00010000"


def render(record_id: str, title: str, start: str, end: str | None, summary: str) -> str:
    return TEMPLATE.format(
        title=quote(title),
        start=start,
        end_line=f"end: {end}" if end else "# end: YYYY-MM-DD         # leave out while the project is running",
        summary=quote(summary),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--id", help="lower-case letters, digits and hyphens; becomes /projects/<id>/")
    ap.add_argument("--title")
    ap.add_argument("--start", help="YYYY-MM-DD (or YYYY-MM, YYYY)")
    ap.add_argument("--end", help="YYYY-MM-DD (or YYYY-MM, YYYY); leave out while running")
    ap.add_argument("--summary", help="one paragraph of plain text")
    ap.add_argument("--root", default=ROOT, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    title = ask(args.title, "Title")
    record_id = ask(args.id, f"Id [{slugify(title or '')}]", required=False) or slugify(title or "")
    start = ask(args.start, "Start date (YYYY-MM-DD)")
    end = ask(args.end, "End date (YYYY-MM-DD, empty if running)", required=False)
    summary = ask(args.summary, "Summary (one paragraph)", required=False) or "Write a one-paragraph summary here."
    if not title or not start:
        ap.error("--title and --start are required")
    if not schema.ID_RE.match(record_id):
        ap.error(f"'{record_id}' is not an id: use lower-case letters, digits and single hyphens")
    path = os.path.join(args.root, "projects", f"{record_id}.yml")
    if os.path.exists(path):
        print(f"projects/{record_id}.yml already exists; choose another id or edit that file", file=sys.stderr)
        return 1
    text = render(record_id, title, start, end, summary)
    problems = Problems()
    shown = f"projects/{record_id}.yml"
    doc = strictyaml.parse(text, shown, problems)
    if doc is not None:
        schema.convert("project", record_id, doc, shown, problems)
    if problems:
        print(problems.report("nothing was written."), file=sys.stderr)
        return 1
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {shown}; edit it, then run scripts/validate.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
