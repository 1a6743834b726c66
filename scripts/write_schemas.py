#!/usr/bin/env python3
"""Write schema/<kind>.schema.json from projarchive.schema (the one declaration of each kind).

Editors with yaml-language-server use these files (each record starts with a
``# yaml-language-server: $schema=../schema/<kind>.schema.json`` line). A test
fails if the committed files are out of date: run this script after changing
the schema.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from projarchive.model import RECORD_FOLDERS
from projarchive.schema import KINDS, json_schema, key_reference

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "schema")
README = os.path.join(ROOT, "README.md")
START, END = "<!-- keys:start -->", "<!-- keys:end -->"


def render(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"


def key_tables() -> str:
    """The README's key reference, one table per kind."""
    out = []
    for kind, rows in key_reference():
        out.append(f"\n**{kind.capitalize()}** — `{RECORD_FOLDERS[kind]}/<id>.yml`\n")
        out.append("| key | required | value | meaning | example |")
        out.append("| --- | --- | --- | --- | --- |")
        for name, f in rows:
            cells = [f"`{name}`", "yes" if f.required else "", f.type.label, f.doc,
                     f"`{f.example}`".replace("\n", " ") if f.example else ""]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"


def readme_with_keys(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{key_tables()}{END}{tail}"


def main() -> int:
    os.makedirs(OUT, exist_ok=True)
    for kind in KINDS:
        with open(os.path.join(OUT, f"{kind}.schema.json"), "w", encoding="utf-8") as f:
            f.write(render(kind))
    with open(README, encoding="utf-8") as f:
        text = f.read()
    with open(README, "w", encoding="utf-8") as f:
        f.write(readme_with_keys(text))
    print(f"wrote {len(KINDS)} schemas to schema/ and the key reference in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
