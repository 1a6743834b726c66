#!/usr/bin/env python3
"""Compare two builds of the same archive, page by page: ``python scripts/compare_sites.py A B``.

Made to compare platforms (README "Platforms"): the same sources built with MkDocs and with
ProperDocs must give the same site, byte for byte, apart from the generator line
(``<meta name="generator">``); built with another theme (MaterialX), every page must say the
same things and only the theme's parts of it may differ. It lists:

- pages and other files only in one site;
- for pages in both, which parts differ: the page's content (``article``, what the archive
  writes) and the theme's parts around it (head, header, tabs, navigation, table of contents,
  footer, the rest of the body), each with the number of pages and the first page's difference;
- other files that differ; files under ``assets/`` and the sitemaps are the theme's.

Exits 0 when the sites are the same apart from the generator line; with ``--theme-may-differ``,
when only the theme's parts and files differ. Needs BeautifulSoup (the test tools install it).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

GENERATOR = re.compile(rb'[ \t]*<meta name="generator" content="[^"]*">[ \t]*\r?\n?')
CONTENT = "content"
# The theme's parts of a page, each found by its selector (Material's markup, shared by MaterialX)
THEME_PARTS = {
    "header": "header.md-header",
    "tabs": "nav.md-tabs",
    "navigation": "div.md-sidebar--primary",
    "table of contents": "div.md-sidebar--secondary",
    "footer": "footer.md-footer",
}
PARTS = ("head", *THEME_PARTS, CONTENT, "rest of the body")


def theme_file(rel: str) -> bool:
    """Files the theme writes (its scripts, styles and images; the sitemaps from its templates)."""
    return rel.startswith("assets/") or rel in ("sitemap.xml", "sitemap.xml.gz")


def generator(page: bytes) -> str:
    """What a page's generator line says ("" if it has none)."""
    found = re.search(rb'<meta name="generator" content="([^"]*)">', page)
    return found.group(1).decode() if found else ""


def without_generator(page: bytes) -> bytes:
    return GENERATOR.sub(b"", page, count=1)


def parts(page: bytes) -> dict[str, str]:
    """A page cut into its parts, each as indented HTML (one tag or text a line), generator line left out."""
    soup = BeautifulSoup(without_generator(page).decode("utf-8"), "html.parser")
    found: dict[str, str] = {}
    for name, selector in (("head", "head"), (CONTENT, "article.md-content__inner"), *THEME_PARTS.items()):
        el = soup.select_one(selector)  # none of these holds another
        found[name] = el.extract().prettify() if el is not None else ""
    found["rest of the body"] = soup.prettify()
    return found


def _excerpt(a: str, b: str, lines: int = 8) -> list[str]:
    diff = [line for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++", "@@"))]
    return [*(f"    {line.strip()[:1]} {line[1:].strip()}" for line in diff[:lines]),
            *(["    …"] if len(diff) > lines else [])]


@dataclass
class SiteDiff:
    a: Path
    b: Path
    generators: tuple[str, str] = ("", "")
    pages: int = 0  # pages in both sites
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # other files in both that differ
    differing: dict[str, list[str]] = field(default_factory=dict)  # part -> pages where it differs
    examples: dict[str, list[str]] = field(default_factory=dict)  # part -> the first page's difference

    @property
    def same(self) -> bool:
        """The same site apart from the generator line."""
        return not (self.only_a or self.only_b or self.files or self.differing)

    @property
    def same_but_theme(self) -> bool:
        """Every page's content and every file of the archive the same; the theme's parts may differ."""
        return (not self.differing.get(CONTENT)
                and not [f for f in (*self.only_a, *self.only_b, *self.files) if not theme_file(f)])

    def report(self) -> str:
        lines = [f"A: {self.a} ({self.generators[0] or 'no generator line'})",
                 f"B: {self.b} ({self.generators[1] or 'no generator line'})",
                 f"{self.pages} pages in both"]
        if self.same:
            return "\n".join([*lines, "the same, apart from the generator line"])
        for name in PARTS:
            pages = self.differing.get(name)
            if not pages:
                lines.append(f"{name}: the same on every page")
                continue
            lines.append(f"{name}: differs on {len(pages)} of {self.pages} pages, e.g. {pages[0]}:")
            lines += self.examples[name]
        for label, names in (("only in A", self.only_a), ("only in B", self.only_b), ("differ", self.files)):
            if names:
                theme = sum(map(theme_file, names))
                shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
                lines.append(f"files {label} ({len(names)}, {theme} of them the theme's): {shown}")
        return "\n".join(lines)


def _files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def compare(a: Path, b: Path) -> SiteDiff:
    """Everything that differs between the sites in folders ``a`` and ``b``."""
    a, b = Path(a), Path(b)
    files_a, files_b = _files(a), _files(b)
    diff = SiteDiff(a, b, only_a=sorted(files_a.keys() - files_b.keys()), only_b=sorted(files_b.keys() - files_a.keys()))
    gen_a = gen_b = ""
    for rel in sorted(files_a.keys() & files_b.keys()):
        bytes_a, bytes_b = files_a[rel].read_bytes(), files_b[rel].read_bytes()
        if not rel.endswith(".html"):
            if bytes_a != bytes_b:
                diff.files.append(rel)
            continue
        diff.pages += 1
        gen_a, gen_b = gen_a or generator(bytes_a), gen_b or generator(bytes_b)
        if without_generator(bytes_a) == without_generator(bytes_b):
            continue
        parts_a, parts_b = parts(bytes_a), parts(bytes_b)
        changed = [name for name in PARTS if parts_a[name] != parts_b[name]] or ["rest of the body"]
        for name in changed:
            if name not in diff.differing:
                diff.examples[name] = _excerpt(parts_a[name], parts_b[name]) or ["    (whitespace only)"]
            diff.differing.setdefault(name, []).append(rel)
    diff.generators = (gen_a, gen_b)
    return diff


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="a built site (folder)")
    parser.add_argument("b", type=Path, help="another build of the same archive")
    parser.add_argument("--theme-may-differ", action="store_true",
                        help="exit 0 if only the theme's parts of pages and the theme's files differ")
    args = parser.parse_args(list(argv) if argv is not None else None)
    for site in (args.a, args.b):
        if not (site / "index.html").is_file():
            print(f"error: {site} is not a built site (it has no index.html)", file=sys.stderr)
            return 2
    diff = compare(args.a, args.b)
    print(diff.report())
    return 0 if (diff.same_but_theme if args.theme_may_differ else diff.same) else 1


if __name__ == "__main__":
    sys.exit(main())
