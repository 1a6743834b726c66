"""Turning page models into HTML: an autoescaping Jinja environment and safe Markdown.

Record text is untrusted. It reaches HTML only two ways, both escaping:

* through our Jinja environment, which autoescapes every ``{{ value }}``;
* through :func:`markdown_html` for Markdown bodies, which escapes raw HTML
  instead of passing it through and drops links whose scheme is not
  https, http or mailto (or a relative/fragment link).
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import markdown
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown.extensions import Extension
from markdown.inlinepatterns import AUTOMAIL_RE
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from .dates import date_range
from .privacy import EncodeEmails, PlainAutomail, encode_addresses_in_html, encode_email, mailto_address, spoken_email
from .textlinks import RECORD_SCHEMES

_SAFE_URL = re.compile(r"^(https?://|mailto:|#|/(?!/)|\.{0,2}/?[A-Za-z0-9_\-.~%/]*(#[\w\-.~%]*)?$)", re.IGNORECASE)


def safe_url(url: str) -> str | None:
    """The URL if it is https, http, mailto or relative; ``None`` for javascript: and friends."""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    if ":" in cleaned.split("/")[0] and not re.match(r"^(https?|mailto):", cleaned, re.IGNORECASE):
        return None
    if cleaned.startswith(("//", "\\", "/\\", "\\/")):  # protocol-relative: another host
        return None
    return url.strip() if _SAFE_URL.match(cleaned) else None


class _Sanitise(Treeprocessor):
    """Demote headings below the section heading and neutralise unsafe link targets (validation has
    refused them already, :func:`link_problems`: this is the second line of defence)."""

    def __init__(self, md: markdown.Markdown, shift: int) -> None:
        super().__init__(md)
        self.shift = shift

    def run(self, root: ET.Element) -> None:
        _record_links(self.md, root)
        found = getattr(self.md, "archive_problems", None)
        for el in root.iter():
            if re.fullmatch(r"h[1-6]", el.tag):
                el.tag = f"h{min(6, int(el.tag[1]) + self.shift)}"
            record = _RECORD_HREF.match(el.get("href") or el.get("src") or "") is not None  # checked by textlinks
            for attr in ("href", "src"):
                if attr in el.attrib and safe_url(el.attrib[attr]) is None:
                    if found is not None and not record:
                        found.append(_unsafe_target(el.attrib[attr]))
                    del el.attrib[attr]
            if el.tag == "a" and "href" in el.attrib and el.attrib["href"].startswith(("http://", "https://")):
                el.set("rel", "noopener")
            if el.tag == "img" and el.get("data-archive-record") is not None:  # our own picture of a document
                del el.attrib["data-archive-record"]
                continue
            if el.tag == "img":  # images in record text would load from third parties
                if found is not None and not record:
                    found.append(f"the image '{_short(el.get('src', ''))}' cannot be shown from the text (it would be "
                                 "loaded from another site); describe it in words, or give the project an 'image'")
                el.tag = "span"
                alt = el.attrib.pop("alt", "")
                el.attrib.clear()
                el.text = f"[image: {alt}]" if alt else "[image]"


_RECORD_HREF = re.compile(r"^(?:" + "|".join(RECORD_SCHEMES) + r"):[a-z0-9-]+$")


def _record_links(md: markdown.Markdown, root: ET.Element) -> None:
    """``[text](resource:x)`` and friends become links to what the page model resolved them to
    (``md.archive_refs``: written link -> {"src", "image"…}, with ``md.archive_link`` making links
    relative to the page); ``![caption](resource:x)`` alone in a paragraph becomes a figure with the
    picture of the document's first page and the text as its caption. Without refs (a body rendered
    outside a page) such links are dropped, as any link to an unknown scheme is."""
    refs: dict[str, dict[str, Any]] = getattr(md, "archive_refs", None) or {}
    link = getattr(md, "archive_link", None)
    for parent in list(root.iter()):
        for el in list(parent):
            if el.tag == "a" and _RECORD_HREF.match(el.get("href", "")):
                ref = refs.get(el.get("href", ""))
                if ref is None or link is None:
                    del el.attrib["href"]
                    continue
                src = ref["src"]
                el.set("href", src if _SCHEME.match(src) else link.page(src))
                if ref.get("download"):
                    el.set("download", ref["download"])
            elif el.tag == "img" and _RECORD_HREF.match(el.get("src", "")):
                ref = refs.get(el.get("src", ""))
                caption = el.get("alt", "")
                if ref is None or link is None or not ref.get("image"):
                    continue  # made text by _Sanitise, as any image
                if parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() \
                        and not (el.tail or "").strip():
                    parent.tag = "figure"
                    parent.set("class", "archive-docfigure")
                    parent.remove(el)
                    anchor = ET.SubElement(parent, "a", {"href": link.page(ref["src"]), "tabindex": "-1",
                                                         "aria-hidden": "true"})
                    img = ET.SubElement(anchor, "img", _picture(ref, link))
                    img.set("alt", "")
                    figcaption = ET.SubElement(parent, "figcaption")
                    figcaption.text = caption
                else:  # in running text: the picture alone, described by the words
                    el.attrib.clear()
                    el.attrib.update(_picture(ref, link))
                    el.set("alt", caption)


def _picture(ref: dict[str, Any], link: Any) -> dict[str, str]:
    attrs = {"src": link.page(ref["image"]), "loading": "lazy",
             "data-archive-record": "", "class": "archive-docfigure__image"}
    if ref.get("width"):
        attrs |= {"width": str(ref["width"]), "height": str(ref["height"])}
    return attrs


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:50] + "…"


def _unsafe_target(url: str) -> str:
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    if cleaned.startswith(("//", "\\", "/\\", "\\/")):
        return (f"the link to '{_short(url)}' has no https: or http: in front, so it leads to another site in a way "
                "readers cannot see; write the address in full (https://…)")
    return (f"the link to '{_short(url)}' cannot be published: a link must be an https://, http:// or mailto: "
            "address, or lead to a page of this site")


# Python-Markdown reads links by searching, from each '[' (and each '(' after '](' ), for the bracket that
# closes it, to the end of the paragraph when none does: text with thousands of open or deeply nested
# brackets takes minutes or hours to render (20,000 '[' took six minutes). BRACKET_WORK bounds the
# characters those searches would cover in one text (about half a second's work; the most any sample
# record needs is a few dozen).
BRACKET_WORK = 200_000
_BRACKET_TOKENS = re.compile(r"\\.|[\[\]()]|\n[ \t]*(?=\n)", re.DOTALL)


def bracket_problem(text: str) -> str | None:
    """Why rendering ``text`` would take too long because of its brackets, in words, or None. Linear in the
    number of brackets; an estimate of the searches Markdown's link patterns make (escaped brackets and
    brackets in separate paragraphs cost nothing)."""
    opens = text.count("[")
    if not opens or (opens + text.count("(")) * len(text) <= BRACKET_WORK:
        return None  # no search could cover more
    work = deepest = unclosed = unended = 0
    brackets: list[int] = []
    parens: list[tuple[int, bool]] = []
    closed_at = -1  # where the last ']' that closed a '[' stands: a '(' right after it starts a link's address

    def paragraph_end(end: int) -> None:
        nonlocal work, unclosed, unended
        work += sum(end - p for p in brackets) + sum(end - p for p, link in parens if link)
        unclosed += len(brackets)
        unended += sum(link for _, link in parens)
        brackets.clear()
        parens.clear()

    for m in _BRACKET_TOKENS.finditer(text):
        token, at = m.group(), m.start()
        if token == "[":
            brackets.append(at)
            deepest = max(deepest, len(brackets))
        elif token == "]":
            if brackets:
                work += at - brackets.pop()
                closed_at = at
        elif token == "(":
            parens.append((at, closed_at == at - 1))
        elif token == ")":
            if parens:
                start, link = parens.pop()
                work += (at - start) if link else 0
        elif token[0] == "\n":
            paragraph_end(at)
    paragraph_end(len(text))
    if work <= BRACKET_WORK:
        return None
    if unclosed >= unended and unclosed:
        what = f"{unclosed:,} '[' that nothing closes"
    elif unended:
        what = f"{unended:,} '](' that nothing closes"
    else:
        what = f"'[' nested {deepest:,} deep"
    return (f"{what} would make Markdown search the rest of the paragraph for the end of a link at each of them, "
            "which can take minutes: close each bracket you open, or write \\[ where a bracket is not part of a link")


def link_problems(text: str, *, quick: bool = True) -> list[str]:
    """What a Markdown text's links and images would lose on the page, in words (empty: nothing): an
    unsafe target (``javascript:``, ``data:``, ``//host``), an image, a ``mailto:`` that is not one
    address with at most a subject, a link whose address holds an email address. The page would
    drop them (:class:`_Sanitise`, :class:`~projarchive.privacy.EncodeEmails`), so validation refuses
    them instead of letting them vanish. Renders the text exactly as the page does."""
    if "](" not in text and "]:" not in text and "<" not in text and "][" not in text:
        return []  # no link, image or autolink can be written without one of these
    if quick and _plainly_safe(text):  # quick=False: always render (a test compares the two)
        return []
    md = _checker()
    md.archive_problems = []  # type: ignore[attr-defined]
    md.reset().convert(text)
    return list(dict.fromkeys(md.archive_problems))  # type: ignore[attr-defined]


# Everything Markdown could read as a link target (an over-estimate: inline links, reference definitions,
# autolinks), and the targets that need no second look: a web page without an address in it, or a link
# within the site. Anything else (another scheme, //host, mailto:, '@', '&', an image) is rendered.
_TARGETS = re.compile(r"\]\(\s*([^)\s]*)|^\s*\[[^\]]*\]:\s*(\S*)|<([^>]*)>", re.MULTILINE)
_SAFE_TARGET = re.compile(r"(?:https?://[^\s@&%]*|#[^\s@&%:]*|(?![/\\]{2})[A-Za-z0-9_./~#-]*)", re.IGNORECASE)


def _plainly_safe(text: str) -> bool:
    """Whether every possible link target in ``text`` is one the page keeps as it is (so it need not be
    rendered to know: validation of 10,000 records stays fast), and it has no image."""
    if "![" in text:
        return False
    for m in _TARGETS.finditer(text):
        target = m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(3)
        if not _SAFE_TARGET.fullmatch(target):
            return False
    return True


def _checker() -> markdown.Markdown:
    global _CHECKER
    if _CHECKER is None:
        _CHECKER = markdown.Markdown(extensions=["sane_lists", "tables", _SafeMarkdown(2)], output_format="html")
    return _CHECKER


_CHECKER: markdown.Markdown | None = None


class _SafeMarkdown(Extension):
    def __init__(self, shift: int) -> None:
        super().__init__()
        self.shift = shift

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.inlinePatterns.register(PlainAutomail(AUTOMAIL_RE, md), "automail", 110)  # in place of Markdown's
        md.treeprocessors.register(_Sanitise(md, self.shift), "projarchive_sanitise", 0)
        # no plain addresses (#5): last, so it reads the tree as it will be written (escapes undone by
        # "unescape" at 0, images already text)
        md.treeprocessors.register(EncodeEmails(md), "projarchive_emails", -10)


# A paragraph of words and the punctuation of prose, and nothing Markdown (or our tree processors: no
# '@', '&' or '%' that could spell an address) gives a meaning to: it starts with a letter (not a
# list, heading, quote or code), holds no line break and does not end in a space (no <br>).
_PROSE = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]"
                    r"[A-Za-z0-9\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff ,.;:?!'\"()/\u2018\u2019\u201c\u201d\u2013\u2014\u2026-]*"
                    r"(?<! )")


def _prose_html(text: str) -> str | None:
    """``text`` as Markdown renders it, when it is paragraphs of plain prose (:data:`_PROSE`, a blank
    line apart); None for anything else. Rendering 40,000 section bodies through Markdown took ~15 s
    of CPU at 10,000 projects; most are prose. A test compares this with Markdown on many texts."""
    body = text.removesuffix("\n")
    paragraphs = body.split("\n\n")
    if not all(_PROSE.fullmatch(paragraph) for paragraph in paragraphs):
        return None
    return "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)


def markdown_html(text: str, *, heading_shift: int = 2, link: Any = None,
                  refs: dict[str, dict[str, Any]] | None = None) -> Markup:
    """Render a record's Markdown body; raw HTML is shown as text, never executed. ``link`` (the
    page's :class:`projarchive.pages.Links`) and ``refs`` resolve record links (projarchive.textlinks)."""
    prose = _prose_html(text)
    if prose is not None:
        return Markup(prose)
    return _markdown_html(text, heading_shift=heading_shift, link=link, refs=refs)


def _markdown_html(text: str, *, heading_shift: int = 2, link: Any = None,
                   refs: dict[str, dict[str, Any]] | None = None) -> Markup:
    md = _MARKDOWN.get(heading_shift)
    if md is None:  # building a Markdown instance costs more than converting a section; reuse it
        md = _MARKDOWN[heading_shift] = markdown.Markdown(
            extensions=["sane_lists", "tables", _SafeMarkdown(heading_shift)], output_format="html")
    md.archive_refs, md.archive_link = refs, link  # type: ignore[attr-defined]
    try:
        return Markup(md.reset().convert(text))
    finally:
        md.archive_refs = md.archive_link = None  # type: ignore[attr-defined]


_MARKDOWN: dict[int, markdown.Markdown] = {}


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for two absolute paths, without its normalising when neither needs it
    (a page links to a dozen others: at 10,000 projects this is called half a million times)."""
    to, frm = path.split("/"), start.split("/")
    if "." in to or ".." in to or "." in frm or ".." in frm:
        return posixpath.relpath(path, start)
    to, frm = [p for p in to if p], [p for p in frm if p]
    common = 0
    while common < len(to) and common < len(frm) and to[common] == frm[common]:
        common += 1
    return "/".join([".."] * (len(frm) - common) + to[common:]) or "."


def relative_url(target: str, from_url: str) -> str:
    """A link from the page at ``from_url`` to site path ``target`` (both relative to the site root)."""
    if target.startswith("#") or _SCHEME.match(target):
        return target
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    path, hashmark, frag = target.partition("#")
    if not path and not hashmark:  # the site root, as src_to_url("index.md") gives it
        path = "/"
    rel = _relpath("/" + path.lstrip("/"), "/" + base) if path else "."
    if (path.endswith("/") or rel == ".") and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{frag}" if frag else "")


def plural(word: str, count: int, plural_form: str | None = None) -> str:
    """``project`` for 1, ``projects`` otherwise (or the given plural form)."""
    return word if count == 1 else (plural_form or word + "s")


DEFAULT_ACCESSIBLE_FORMAT_EMAIL = "accessibility@example.org"


def request_format_url(address: str, title: str) -> str:
    """A ``mailto:`` link asking ``address`` for ``title`` in an accessible format (subject names the document)."""
    from urllib.parse import quote

    subject = quote(f"Accessible format request: {title}", safe="")
    return f"mailto:{quote(address, safe='@')}?subject={subject}"


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja's environment, with ``value.name`` on a plain dict looked up as a key first.

    Jinja reads ``card.title`` as ``getattr(card, "title")`` and, when that raises AttributeError,
    ``card["title"]``: for our templates' dicts (~400,000 reads at 2,000 projects) every read
    raised and caught an exception first, ~0.3 s of a build's main thread. A plain dict has no attribute but
    dict's own (``items``, ``get``, ...), so the answer is the same, without the exception."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:  # the rest as Jinja's own (3.1), inline: every attribute read in a template comes here
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def make_environment(template_dirs: list[str]) -> Environment:
    """Our Jinja environment: autoescaping on for every template, undefined names are errors.

    Templates are read once per environment (``auto_reload=False``, as MkDocs does for the theme's):
    otherwise Jinja asks the file system whether a template changed on every include, tens of
    thousands of times a build. A build makes its own environment, and ``mkdocs serve`` builds the
    whole site again when a template changes."""
    env = _Environment(
        loader=FileSystemLoader(template_dirs),
        auto_reload=False,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = markdown_html
    env.filters["plural"] = plural
    env.filters["safe_url"] = lambda u: safe_url(u) or "#"
    env.filters["encode_email"] = encode_email  # see projarchive.privacy: no plain address in the HTML
    env.filters["spoken_email"] = spoken_email
    env.filters["request_format_url"] = request_format_url
    env.filters["mailto_address"] = mailto_address  # (address, query) of a mailto: URL, else None
    # site-wide choices the templates show; the MkDocs hook replaces this with extra.archive's Settings
    env.globals["archive"] = {"accessible_format_email": DEFAULT_ACCESSIBLE_FORMAT_EMAIL}
    # the site's language, for dates (PartialDate.human) and numbers; the build session sets it
    env.globals["archive_locale"] = "en_GB"
    env.globals["date_range"] = date_range
    return env


# Pagefind runs together the words of adjacent <dt>, <dd>, <th>, <figcaption> and <caption>
# elements ("StatusFinished", "Themesmental health"): it treats them as inline. A newline
# after each closing tag changes nothing on screen and keeps the words apart in the index.
_RUN_TOGETHER = re.compile(r"(</(?:dt|dd|th|figcaption|caption)>)(?=<)")


def render(env: Environment, template: str, context: dict[str, Any]) -> str:
    """A template rendered, with no email address left as it is (projarchive.privacy.encode_addresses_in_html)."""
    return encode_addresses_in_html(_RUN_TOGETHER.sub("\\1\n", env.get_template(template).render(**context)))


class SharedParts:
    """Parts of a page template rendered once and reused by every page with the same key.

    Templates call it as ``{% call archive_once(key, "part") %}…{% endcall %}``: with a key the
    body is rendered the first time and that text is returned for every later page with the same
    key; with no key (None or "") it is simply rendered. The caller chooses keys such that the
    part's text cannot differ between pages that share one (see pages.shared_nav_key).
    One instance per build."""

    def __init__(self) -> None:
        self._parts: dict[tuple[str, str], str] = {}

    def __call__(self, key: str | None, part: str, caller: Callable[[], str]) -> str:
        if not key:
            return caller()
        found = self._parts.get((key, part))
        if found is None:
            found = self._parts[(key, part)] = caller()
        return found
