"""The archive's own scripts and style sheets as the site publishes them: minified.

``docs/javascripts/*.js`` and ``docs/stylesheets/*.css`` are written to be read (every function
says what it does); a visitor needs none of that. They are published with comments and spaces
left out, as Material publishes its own assets, by rjsmin and rcssmin (well-kept, pure-Python
minifiers that only remove what cannot change behaviour: they do not rename or reorder). The
search results page's first results are a download budget (README "Performance": 600 kB from the
home page at 2,000 projects), and these files are about 60 kB as written, 40 kB minified.

Comments that start ``/*!`` (licences) are kept. Files already named ``*.min.js``/``*.min.css``,
and anything not in the docs folder (the theme's assets), are published as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from rcssmin import cssmin
from rjsmin import jsmin

_MINIFIERS: dict[str, Callable[[str], str]] = {
    ".js": lambda text: jsmin(text, keep_bang_comments=True),
    ".css": lambda text: cssmin(text, keep_bang_comments=True),
}


def _extension(src_uri: str) -> str:
    name = src_uri.rsplit("/", 1)[-1].lower()
    stem, dot, ext = name.rpartition(".")
    return "" if not dot or stem.endswith(".min") else "." + ext


def minifies(src_uri: str) -> bool:
    """Whether a file at ``src_uri`` (a path in the docs folder) is published minified."""
    return _extension(src_uri) in _MINIFIERS


def minified(src_uri: str, text: str) -> str:
    """``text`` of the script or style sheet at ``src_uri`` as published. The result ends with a
    newline, as the file did, so the published file is a text file as any other."""
    out = _MINIFIERS[_extension(src_uri)](text).strip()
    return out + "\n" if out else ""
