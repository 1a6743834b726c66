"""A Content Security Policy for the built site, from the inline scripts it really has.

Pure functions on HTML text (no MkDocs, no files): :func:`inline_scripts` finds the
executable inline ``<script>`` elements of a page, :func:`script_hash` gives each its
CSP source (``'sha256-…'``), :func:`policy` the policy allowing exactly those,
:func:`with_policy` puts the policy for a page's scripts into it as ``<meta http-equiv="Content-Security-Policy">``
(first in ``<head>``, before any script) and :func:`headers_file` writes the same policy for
a static host in the ``_headers`` format of Netlify and Cloudflare Pages.

No ``'unsafe-inline'`` for scripts: Material's small inline bootstrapping scripts (the
``__md_*`` helpers, the palette) are allowed by their hashes. ``'wasm-unsafe-eval'`` lets
Pagefind's WebAssembly search run; it does not allow JavaScript ``eval``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Iterable

# classic and module scripts execute; JSON (Material's __config, JSON-LD) and templates do not
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)
_CHARSET = re.compile(r"\s*<meta\s+charset=[^>]*>", re.IGNORECASE)
_EXISTING = re.compile(r"\s*<meta\s+http-equiv=\"Content-Security-Policy\"[^>]*>", re.IGNORECASE)

BASE_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),  # + the hashes of the page's inline scripts
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),  # Material's icons are data: SVGs in its CSS
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
)
# directives a <meta> policy ignores (browsers warn about them), sent only as an HTTP header
HEADER_ONLY: tuple[tuple[str, str], ...] = (("frame-ancestors", "'none'"),)


def _attrs(text: str) -> dict[str, str]:
    out = {}
    for m in _ATTR.finditer(text):
        value = next((v for v in m.group(2, 3, 4) if v is not None), "")
        out[m.group(1).lower()] = value
    return out


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script the browser would execute (no ``src``, a JavaScript type)."""
    found = []
    for m in _SCRIPT.finditer(html):
        attrs = _attrs(m.group("attrs"))
        if "src" in attrs or attrs.get("type", "").strip().lower() not in _EXECUTABLE_TYPES:
            continue
        found.append(m.group("body"))
    return found


@functools.lru_cache(maxsize=1024)  # the theme's few scripts, on every page
def script_hash(body: str) -> str:
    """The CSP source allowing exactly this inline script: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def policy(hashes: Iterable[str], *, header: bool = False) -> str:
    """The policy text allowing the given script hashes (sorted, so builds are reproducible)."""
    parts = []
    for name, value in BASE_DIRECTIVES + (HEADER_ONLY if header else ()):
        if name == "script-src":
            value = " ".join([value, *sorted(set(hashes))])
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def with_policy(html: str, hashes: Iterable[str] | None = None) -> str:
    """The page with its policy as the first element of <head> (after <meta charset>), replacing an old one.

    ``hashes``: the page's script hashes if already taken (:func:`page_hashes`), to read the page once."""
    head = _HEAD.search(html)
    if head is None:
        raise ValueError("the page has no <head>")
    at = head.end()
    end = html.find("</head", at)  # an old policy is looked for in <head> only: pages are long, heads short
    end = len(html) if end < 0 else end
    if "content-security-policy" in html[at:end].lower():
        html = html[:at] + _EXISTING.sub("", html[at:end]) + html[end:]
    allowed = policy(hashes if hashes is not None else page_hashes(html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{allowed}">'
    charset = _CHARSET.match(html, at)
    if charset:
        at = charset.end()
    return html[:at] + "\n    " + meta + html[at:]


def page_hashes(html: str) -> set[str]:
    """The CSP sources of every executable inline script of a page."""
    return {script_hash(s) for s in inline_scripts(html)}


def headers_file(hashes: Iterable[str]) -> str:
    """``_headers`` (Netlify / Cloudflare Pages) for the whole site: one policy allowing every page's
    script hashes (taken page by page, so no page need stay in memory)."""
    return (
        "# Generated by the build (projarchive.csp); do not edit.\n"
        "/*\n"
        f"  Content-Security-Policy: {policy(hashes, header=True)}\n"
        "  X-Content-Type-Options: nosniff\n"
        "  Referrer-Policy: no-referrer\n"
        "  Permissions-Policy: browsing-topics=()\n"
    )
