"""Facts about downloadable files, read from the files themselves.

A practitioner deciding whether to download needs the format, the size and,
for a PDF, the number of pages. None of these is ever typed by a maintainer:
they are measured here at build time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from .strictyaml import kind_of_file
from .svg import MAX_SVG_BYTES, svg_problem

FILES_PREFIX = "files/"  # documents under resources/ are published under /files/ in the site


def file_dest(rel: str) -> str:
    """Where a file under ``resources/`` is published in the site (a path, not a URL)."""
    return FILES_PREFIX + rel


def file_href(rel: str) -> str:
    """The site-relative URL of a published file, percent-encoded so '#', '?' or '%' in a name survive."""
    return FILES_PREFIX + quote(rel, safe="/")

# extension -> (format name for people, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    ".pdf": ("PDF", "application/pdf"),
    ".doc": ("Word document", "application/msword"),
    ".docx": ("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
    ".rtf": ("Rich Text document", "application/rtf"),
    ".txt": ("Plain text", "text/plain"),
    ".xls": ("Excel spreadsheet", "application/vnd.ms-excel"),
    ".xlsx": ("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    ".csv": ("CSV", "text/csv"),
    ".ppt": ("PowerPoint presentation", "application/vnd.ms-powerpoint"),
    ".pptx": ("PowerPoint presentation", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ".odp": ("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation"),
    ".zip": ("ZIP archive", "application/zip"),
    ".jpg": ("JPEG image", "image/jpeg"),
    ".jpeg": ("JPEG image", "image/jpeg"),
    ".png": ("PNG image", "image/png"),
    ".gif": ("GIF image", "image/gif"),
    ".svg": ("SVG image", "image/svg+xml"),
    ".webp": ("WebP image", "image/webp"),
    ".mp3": ("MP3 audio", "audio/mpeg"),
    ".mp4": ("MP4 video", "video/mp4"),
    ".epub": ("EPUB e-book", "application/epub+zip"),
}

# what a file of that extension must start with, so a mislabelled file is caught
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",), ".ods": (b"PK\x03\x04",), ".odp": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",), ".epub": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",),
}
# Files that a browser runs as a page of the site when opened at their address: never published
ACTIVE_EXTENSIONS = {
    ".html": "a web page", ".htm": "a web page", ".xhtml": "a web page", ".xht": "a web page",
    ".shtml": "a web page", ".mht": "a web page", ".mhtml": "a web page", ".xml": "an XML document",
    ".xsl": "a style sheet program", ".xslt": "a style sheet program", ".js": "a script", ".mjs": "a script",
    ".svgz": "a compressed SVG image", ".swf": "a Flash program",
}
# GitHub refuses a file over 100 MB in a repository, so the site could not be published with one; a
# document is checked against this before it is read (a sparse file of any size costs nothing to make)
MAX_DOCUMENT_BYTES = 100_000_000
CACHE_FILE = ".cache/projarchive/file-facts.json"  # under the repository root; git-ignored (.cache/)
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp"}


@dataclass(frozen=True)
class FileFacts:
    """Measured facts about one file under ``resources/``."""

    path: str  # relative to resources/
    format: str
    mime: str
    size: int
    sha256: str
    pages: int | None = None

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.path)[1].lower()

    @property
    def human_size(self) -> str:
        return human_size(self.size)


def human_size(size: int) -> str:
    """``950 bytes``, ``12 KB``, ``1.4 MB`` (decimal units, as file managers show).

    The number is rounded before the unit is chosen, so 999,999 bytes read
    ``1.0 MB`` rather than ``1000 KB``.
    """
    if size < 1000:
        return f"{size} byte{'s' if size != 1 else ''}"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1000
        shown = f"{value:.0f}" if round(value, 1) >= 10 else f"{value:.1f}"
        if float(shown) < 1000 or unit == "GB":
            return f"{shown} {unit}"
    raise AssertionError("unreachable")


def check_relative_path(path: str) -> str | None:
    """Why ``path`` is not a safe relative path under resources/, or ``None``."""
    if "\\" in path:
        return f"'{path}' contains a backslash; use forward slashes (/)"
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return f"'{path}' is an absolute path; give the path relative to resources/, e.g. reports/x.pdf"
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return f"'{path}' must not contain '..', '.' or empty parts; give the path relative to resources/"
    if any(p.startswith(".") for p in parts):
        return f"'{path}' names a hidden file or folder (starting with '.'); rename it"
    return None


def resolve(resources_dir: str, rel: str) -> tuple[str | None, str | None]:
    """Absolute path of ``rel`` under ``resources_dir``, or an error message."""
    problem = check_relative_path(rel)
    if problem:
        return None, problem
    base = os.path.realpath(resources_dir)
    full = os.path.join(resources_dir, *rel.split("/"))
    if os.path.islink(full) or os.path.realpath(full) != os.path.join(base, *rel.split("/")):
        return None, f"'{rel}' is (or passes through) a symbolic link; copy the real file into resources/"
    try:
        mode = os.stat(full).st_mode
    except OSError:
        near = _nearby(resources_dir, rel)
        return None, f"file resources/{rel} does not exist{near}"
    if stat.S_ISDIR(mode):
        return None, f"resources/{rel} is a folder, not a file; give the path of a document inside it"
    if not stat.S_ISREG(mode):
        return None, f"resources/{rel} is {kind_of_file(mode)}, not an ordinary file; put the document itself there"
    return full, None


def _nearby(resources_dir: str, rel: str) -> str:
    """'; did you mean …?' naming an ordinary file whose name is close to the one asked for, or ''."""
    import difflib

    folder = os.path.join(resources_dir, *rel.split("/")[:-1])
    try:
        names = [n for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n))]
    except OSError:
        return ""
    close = difflib.get_close_matches(rel.split("/")[-1], names, n=1)
    return f"; did you mean '{posixpath.join(posixpath.dirname(rel), close[0])}'?" if close else ""


PageReader = Callable[[str], "tuple[int | None, str | None]"]


class FactsCache:
    """What is slow to measure (a PDF's page count), remembered by the file's SHA-256 across builds.

    Kept in a JSON file outside ``docs/`` and the site (``.cache/projarchive/file-facts.json``
    by default); a rebuild reads every file's bytes to hash them, but parses only new or changed
    PDFs. A missing, unreadable or outdated cache file is simply rebuilt.
    """

    VERSION = 1

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, object]] = {}
        self.used: set[str] = set()
        self.changed = False
        if path and os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
                if data.get("version") == self.VERSION and isinstance(data.get("files"), dict):
                    self.entries = data["files"]
            except (OSError, ValueError, AttributeError):
                self.entries = {}

    def pages(self, sha256: str, full_path: str, read: PageReader) -> tuple[int | None, str | None]:
        self.used.add(sha256)
        hit = self.entries.get(sha256)
        if isinstance(hit, dict) and isinstance(hit.get("pages"), int):
            return hit["pages"], None
        pages, err = read(full_path)
        if err is None:
            self.entries[sha256] = {"pages": pages}
            self.changed = True
        return pages, err

    def save(self) -> None:
        """Write the cache (sorted, so it is stable) if anything was measured or is no longer used."""
        stale = set(self.entries) - self.used
        if not self.path or not (self.changed or stale):
            return
        for key in stale:
            del self.entries[key]
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:  # a read-only checkout: the cache is only a saving, never needed
            return
        # a temporary file of its own: two builds at once (validate and a build) must not write one file
        try:
            fd, tmp = tempfile.mkstemp(prefix=".file-facts-", suffix=".tmp", dir=folder)
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": self.VERSION, "files": self.entries}, f, sort_keys=True, indent=0)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return
        self.changed = False


def measure(full_path: str, rel: str, cache: FactsCache | None = None,
            read_pages: PageReader | None = None) -> tuple[FileFacts | None, str | None]:
    """Read a file once: size, checksum, format (checked against its content), an SVG's safety
    (:mod:`projarchive.svg`) and a PDF's pages.

    ``read_pages`` (default: :func:`projarchive.pdfpages.shared`, a reader process under limits)
    counts a PDF's pages; with a ``cache`` it is called only for content not measured before. Every
    failure is a message, never an exception.
    """
    ext = posixpath.splitext(rel)[1].lower()
    if ext in ACTIVE_EXTENSIONS:
        return None, (f"'{rel}' is {ACTIVE_EXTENSIONS[ext]} ({ext}), which would run as part of the archive's own "
                      "site if published; publish it as a PDF, or link to where it is published with the resource's url")
    if ext not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        return None, f"'{rel}' has a file type we do not describe ({ext or 'no extension'}); use one of {known}"
    digest = hashlib.sha256()
    size = 0
    head = b""
    svg = bytearray() if ext == ".svg" else None
    try:
        # O_NONBLOCK: a named pipe put where a document should be must not stop the build for ever
        fd = os.open(full_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                return None, f"resources/{rel} is {kind_of_file(mode)}, not an ordinary file; put the document itself there"
            size_on_disk = os.fstat(fd).st_size
            if size_on_disk > MAX_DOCUMENT_BYTES:
                return None, (f"resources/{rel} is {size_on_disk:,} bytes ({human_size(size_on_disk)}); a document may "
                              f"be at most {MAX_DOCUMENT_BYTES:,} bytes ({human_size(MAX_DOCUMENT_BYTES)}) (GitHub, where the site is published from, refuses "
                              "bigger files): make it smaller (save a PDF for the web, or split it), or link to where "
                              "it is published with the resource's url")
            while chunk := f.read(1 << 20):
                if not head:
                    head = chunk[:16]
                digest.update(chunk)
                size += len(chunk)
                if svg is not None and len(svg) <= MAX_SVG_BYTES:
                    svg += chunk
    except OSError as e:
        return None, f"resources/{rel} cannot be read: {e.strerror or e}"
    if not size:
        return None, f"resources/{rel} is an empty file"
    magic = MAGIC.get(ext)
    if magic and not head.startswith(magic):
        return None, f"resources/{rel} does not look like a {FORMATS[ext][0]} file (its content does not match '{ext}')"
    if svg is not None:
        problem = svg_problem(bytes(svg))
        if problem:
            return None, (f"resources/{rel} cannot be published: {problem}. An SVG opened at its address runs as "
                          "part of the site, so it must hold no scripts, event handlers or references outside itself; "
                          "remove them in your drawing program, or save the image as a PNG")
    pages = None
    sha256 = digest.hexdigest()
    if ext == ".pdf":
        if read_pages is None:
            from .pdfpages import shared

            read_pages = shared()
        return _facts(rel, ext, size, sha256, full_path, cache, read_pages)
    name, mime = FORMATS[ext]
    return FileFacts(rel, name, mime, size, sha256, pages), None


def _facts(rel: str, ext: str, size: int, sha256: str, full_path: str, cache: FactsCache | None,
           read: PageReader) -> tuple[FileFacts | None, str | None]:
    """A PDF's facts, its pages counted by ``read`` (or found in ``cache``)."""
    pages, err = cache.pages(sha256, full_path, read) if cache is not None else read(full_path)
    if err:
        return None, f"cannot read this PDF ({err}); open resources/{rel} to check it, then save or export it again"
    name, mime = FORMATS[ext]
    return FileFacts(rel, name, mime, size, sha256, pages), None


def pdf_pages(full_path: str) -> tuple[int | None, str | None]:
    """Number of pages, via pypdf, in this process (see :mod:`projarchive.pdfpages` for the limits it
    applies; a build reads PDFs in a process of its own, :class:`~projarchive.pdfpages.PageCounter`)."""
    from .pdfpages import count_pages

    return count_pages(full_path)
