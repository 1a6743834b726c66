"""The last step of a build (issue #5): make the written site public-sector ready.

:func:`finish_site` runs once after every other writer (MkDocs, Material's plugins,
Pagefind) and before the staged site is swapped in. It only reads and writes files
under ``site_dir``; the rules live in the pure modules it calls:

* :mod:`projarchive.csp` — a Content Security Policy per page (meta tag) and ``_headers``.
"""

from __future__ import annotations

from pathlib import Path

from . import csp


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


def apply_csp(site: Path) -> None:
    """Put each page's policy into it and write ``_headers`` with the union of all hashes."""
    pages = {}
    for path in _html_pages(site):
        html = path.read_text(encoding="utf-8")
        secured = csp.with_policy(html)
        if secured != html:
            path.write_text(secured, encoding="utf-8")
        pages[path.relative_to(site).as_posix()] = secured
    (site / "_headers").write_text(csp.headers_file(pages), encoding="utf-8")


def finish_site(site_dir: str) -> None:
    site = Path(site_dir)
    apply_csp(site)  # last: it hashes the final HTML
