"""SVG images are documents that can run: only inert ones are published.

Opened at its own address, an SVG file is a web page of the archive's origin: a script in it runs
with the site's rights (it can read every page and export), and an external reference makes the
visitor's browser fetch from another host. GitHub Pages, where the site is deployed, sends no
headers that would stop this (the site's ``_headers`` file is for hosts that read it). So an SVG,
as an image or as a download, must pass :func:`svg_problem`, which reads it with expat (no entity
expansion, no network) and refuses:

* elements that run or embed: ``script``, ``foreignObject`` and any element not in SVG's own
  list (an allow-list: ``handler``, ``iframe``…), and any element in the XHTML, XSLT or XML Events
  namespaces;
* event-handler attributes (``onload``, ``onclick``, any ``on…``) and XML Events attributes;
* references outside the image: every ``href`` (and ``xlink:href``) must point into the image
  itself (``#id``), except a link (``<a>``) to an ``https``/``http`` page and an embedded raster
  picture (``data:image/png`` and friends) in ``<image>``; every ``url(…)`` in attributes and
  style sheets likewise; ``@import``, ``xml:base`` and CSS escapes (which could hide either);
* ``javascript:`` anywhere in an attribute, and animations that change an ``href`` or a handler;
* ``<?xml-stylesheet?>`` instructions, and entity declarations (a DOCTYPE with an internal subset).

A file that passes is published as it is, byte for byte (its facts are measured from the same
bytes); a file that does not is an error naming the first reason and its line.
"""

from __future__ import annotations

import re
from xml.parsers import expat

MAX_SVG_BYTES = 10_000_000

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
ACTIVE_NAMESPACES = {
    "http://www.w3.org/1999/xhtml": "XHTML",
    "http://www.w3.org/1999/XSL/Transform": "XSLT",
    "http://www.w3.org/2001/xml-events": "XML Events",
}

# SVG 1.1 and SVG 2's elements, less those that run code or embed other documents
ELEMENTS = frozenset("""
a altGlyph altGlyphDef altGlyphItem animate animateColor animateMotion animateTransform circle clipPath
color-profile cursor defs desc discard ellipse feBlend feColorMatrix feComponentTransfer feComposite
feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight
feSpecularLighting feSpotLight feTile feTurbulence filter font font-face font-face-format font-face-name
font-face-src font-face-uri g glyph glyphRef hatch hatchpath hkern image line linearGradient marker mask
metadata missing-glyph mpath path pattern polygon polyline radialGradient rect set solidcolor stop style
svg switch symbol text textPath title tref tspan use view vkern
""".split())
ANIMATIONS = frozenset({"animate", "animateColor", "animateMotion", "animateTransform", "set"})
RASTER_DATA = re.compile(r"data:image/(png|jpeg|jpg|gif|webp);", re.IGNORECASE)
_URL_START = re.compile(r"url\(", re.IGNORECASE)
_JAVASCRIPT = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.IGNORECASE)


class _Refused(Exception):
    pass


def svg_problem(data: bytes) -> str | None:
    """Why the SVG file ``data`` may not be published, in words with its line, or None."""
    if len(data) > MAX_SVG_BYTES:
        return f"an SVG image may be at most {MAX_SVG_BYTES // 1_000_000} MB"
    checker = _Checker()
    try:
        checker.parser.Parse(data, True)
    except _Refused as e:
        return f"{e} (line {checker.parser.CurrentLineNumber} of the SVG)"
    except expat.ExpatError as e:
        return f"it is not a well-formed SVG file ({expat.ErrorString(e.code)}, line {e.lineno})"
    if not checker.root_seen:
        return "it holds no <svg> element"
    return None


def svg_file_problem(path: str) -> str | None:
    """:func:`svg_problem` for the file at ``path`` (a hand-written SVG in docs/), or why it cannot be read."""
    try:
        with open(path, "rb") as f:
            return svg_problem(f.read(MAX_SVG_BYTES + 1))
    except OSError as e:
        return f"it cannot be read ({e.strerror or e})"


def _name(qualified: str) -> tuple[str, str]:
    """(namespace, local name) from expat's "namespace local" (or "local")."""
    namespace, _, local = qualified.rpartition(" ")
    return namespace, local


class _Checker:
    def __init__(self) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.entity
        parser.ExternalEntityRefHandler = self.external_entity
        parser.ProcessingInstructionHandler = self.instruction
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        self.parser = parser
        self.root_seen = False
        self.stack: list[str] = []
        self.style: list[str] | None = None  # the text of the <style> element being read

    # -- declarations
    def doctype(self, name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
        if has_internal_subset:
            raise _Refused("it declares entities (a DOCTYPE with [ … ]), which can expand without end")

    def entity(self, *args: object) -> None:
        raise _Refused("it declares entities (a DOCTYPE with [ … ]), which can expand without end")

    def external_entity(self, *args: object) -> int:
        raise _Refused("it refers to an external entity")

    def instruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _Refused("it has an <?xml-stylesheet?> instruction, which loads a style sheet from elsewhere")

    # -- elements
    def start(self, qualified: str, attributes: dict[str, str]) -> None:
        namespace, local = _name(qualified)
        if not self.root_seen:
            if namespace != SVG or local != "svg":
                raise _Refused(f"its root element is <{local}>, not <svg xmlns=\"{SVG}\">; it is not an SVG image")
            self.root_seen = True
        if namespace in ACTIVE_NAMESPACES:
            raise _Refused(f"it holds the element <{local}> from the {ACTIVE_NAMESPACES[namespace]} namespace")
        if namespace == SVG and local not in ELEMENTS:
            raise _Refused(f"it holds the element <{local}>" + (", which runs a script" if local == "script" else
                           ", which embeds another document" if local == "foreignObject" else
                           ", which an SVG image published here may not hold"))
        for qualified_attribute, value in attributes.items():
            self.attribute(local if namespace == SVG else qualified, qualified_attribute, value)
        if namespace == SVG and local in ANIMATIONS:
            target = attributes.get("attributeName", "").strip()
            if target.lower().startswith("on") or target.rpartition(":")[2] == "href":
                raise _Refused(f"it has an <{local}> element that changes '{target}'")
        self.stack.append(local if namespace == SVG else "")
        self.style = [] if namespace == SVG and local == "style" else self.style

    def attribute(self, element: str, qualified: str, value: str) -> None:
        namespace, local = _name(qualified)
        if namespace in ACTIVE_NAMESPACES:
            raise _Refused(f"its <{element}> element has an attribute in the {ACTIVE_NAMESPACES[namespace]} "
                           f"namespace ({local})")
        if local.lower().startswith("on"):
            raise _Refused(f"its <{element}> element has an event handler ({local}=…), which runs a script")
        if namespace == XML and local == "base":
            raise _Refused(f"its <{element}> element has xml:base, which changes where its references lead")
        if _JAVASCRIPT.search(value.replace("\0", "")):
            raise _Refused(f"its <{element}> element's {local} holds a javascript: address")
        if local == "href" and namespace in ("", XLINK):
            _reference(element, local, value.strip())
        if local == "style":
            _style(element, value)
        else:
            for target in _urls(value):
                _url_target(element, local, target)

    def end(self, qualified: str) -> None:
        local = self.stack.pop() if self.stack else ""
        if local == "style" and self.style is not None:
            _style("style", "".join(self.style))
            self.style = None

    def text(self, data: str) -> None:
        if self.style is not None:
            self.style.append(data)


def _reference(element: str, attribute: str, target: str) -> None:
    if target.startswith("#"):
        return
    if element == "a" and re.match(r"https?://", target, re.IGNORECASE):
        return  # a link to a page elsewhere: followed only when clicked, and runs nothing here
    if element in ("image", "feImage") and RASTER_DATA.match(target):
        return  # a picture embedded in the image itself
    raise _Refused(f"its <{element}> element's {attribute} points outside the image ('{_short(target)}'); "
                   "an SVG published here may only refer to its own parts ('#…')")


def _url_target(element: str, attribute: str, target: str) -> None:
    if target.startswith("#") or (element in ("image", "feImage") and RASTER_DATA.match(target)):
        return
    raise _Refused(f"its <{element}> element's {attribute} has url({_short(target)}), which points outside the image")


def _style(element: str, css: str) -> None:
    if "\\" in css:
        raise _Refused(f"its <{element}> style uses CSS escapes (\\), which could hide a reference")
    if re.search(r"@import", css, re.IGNORECASE):
        raise _Refused(f"its <{element}> style has @import, which loads a style sheet from elsewhere")
    for target in _urls(css):
        if not target.startswith("#") and not RASTER_DATA.match(target):
            raise _Refused(f"its <{element}> style has url({_short(target)}), which points outside the image")
    if re.search(r"(?<![\w-])(image-set|src)\s*\(", css, re.IGNORECASE):
        raise _Refused(f"its <{element}> style loads images or fonts from elsewhere")


def _urls(text: str) -> list[str]:
    """What each ``url(…)`` in ``text`` points to, as a browser would read it (an unclosed one runs to the end)."""
    found = []
    for m in _URL_START.finditer(text):
        rest = text[m.end():]
        end = rest.find(")")
        found.append((rest if end < 0 else rest[:end]).strip().strip("'\"").strip())
    return found


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:50] + "…"
