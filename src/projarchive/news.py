"""News posts: Material blog posts whose front matter links them to records.

The posts themselves are ordinary Markdown files (``docs/news/posts/*.md``)
published by Material's blog plugin. Their front matter may name the records a
post is about (``projects``, ``organisations``, ``resources``); we read only
that, strictly, so record pages can list the news that mentions them and a
mistyped id fails the build with the post's file and line.
"""

from __future__ import annotations

import os
import re

from . import strictyaml
from .dates import parse_date
from .model import NewsPost
from .problems import Problems
from .schema import NEWS_LINKS, Context, Invalid

_FRONT = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def load_posts(
    docs_dir: str, posts_dir: str, problems: Problems
) -> list[tuple[NewsPost, strictyaml.Document]]:
    """Read every post under ``docs_dir/posts_dir`` with the positions of its front matter.

    Problems are reported, not raised; newest post first.
    """
    root = os.path.join(docs_dir, posts_dir)
    if not os.path.isdir(root):
        return []
    posts = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".md"):
                continue
            full = os.path.join(dirpath, name)
            src = os.path.relpath(full, docs_dir).replace(os.sep, "/")
            shown = f"{os.path.basename(docs_dir.rstrip('/'))}/{src}"
            post = _load(full, src, shown, problems)
            if post:
                posts.append(post)
    posts.sort(key=lambda pair: (pair[0].date.first_day, pair[0].src), reverse=True)
    return posts


def _load(
    full: str, src: str, shown: str, problems: Problems
) -> tuple[NewsPost, strictyaml.Document] | None:
    with open(full, "rb") as f:
        text = strictyaml.decode(f.read(), shown, problems)
    if text is None:
        return None
    m = _FRONT.match(text)
    if not m:
        problems.add(shown, 1, 1, "", "a news post starts with front matter: '---', 'date: YYYY-MM-DD', '---'")
        return None
    before = len(problems)
    doc = strictyaml.parse(m.group(1) or "", shown, problems)
    if doc is None:
        return None
    # front matter starts on line 2 of the file
    shift = {k: strictyaml.Mark(v.line + 1, v.column) for k, v in doc.marks.items()}
    doc = strictyaml.Document(doc.data, shift, doc.key_marks)
    data = doc.data
    date_value = data.get("date")
    if isinstance(date_value, dict):  # Material also allows {created: ..., updated: ...}
        date_value = date_value.get("created")
    date = None
    if not isinstance(date_value, str):
        mk = doc.mark(("date",))
        problems.add(shown, mk.line, mk.column, "date", "a news post needs 'date: YYYY-MM-DD'")
    else:
        try:
            date = parse_date(date_value.split(" ")[0].split("T")[0], allow_partial=False)
        except ValueError as e:
            mk = doc.mark(("date",))
            problems.add(shown, mk.line, mk.column, "date", str(e))
    links = _links(doc, shown, problems)
    body = text[m.end():]
    h1 = _H1.search(body)
    if not h1:
        problems.add(shown, text.count("\n", 0, m.end()) + 1, 1, "", "a news post needs a '# Title' line")
    if len(problems) != before or date is None or not h1:
        return None
    return NewsPost(src=src, path=shown, title=h1.group(1), date=date, **links), doc



def _links(doc: strictyaml.Document, shown: str, problems: Problems) -> dict[str, tuple[str, ...]]:
    """The records the post names, read with their declarations in :data:`projarchive.schema.NEWS_LINKS`
    (the catalogue checks that they exist, as for records)."""
    ctx = Context(doc, shown, problems)
    links: dict[str, tuple[str, ...]] = {}
    for f in NEWS_LINKS.fields:
        value = doc.data.get(f.name)
        if value is None:
            continue
        try:
            links[f.name] = f.type.convert(value, ctx, (f.name,))
        except Invalid as e:
            ctx.report((f.name,), str(e))
    return links
