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
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

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
    if not os.path.isfile(full):
        near = _nearby(resources_dir, rel)
        return None, f"file resources/{rel} does not exist{near}"
    return full, None


def _nearby(resources_dir: str, rel: str) -> str:
    import difflib

    folder = os.path.join(resources_dir, *rel.split("/")[:-1])
    try:
        names = os.listdir(folder)
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
    """Read a file once: size, checksum, format (checked against its content) and PDF pages.

    ``read_pages`` (default :func:`pdf_pages`) counts a PDF's pages; with a ``cache`` it is
    called only for content not measured before.
    """
    ext = posixpath.splitext(rel)[1].lower()
    if ext not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        return None, f"'{rel}' has a file type we do not describe ({ext or 'no extension'}); use one of {known}"
    with open(full_path, "rb") as f:
        data = f.read()
    if not data:
        return None, f"resources/{rel} is an empty file"
    magic = MAGIC.get(ext)
    if magic and not data.startswith(magic):
        return None, f"resources/{rel} does not look like a {FORMATS[ext][0]} file (its content does not match '{ext}')"
    pages = None
    sha256 = hashlib.sha256(data).hexdigest()
    if ext == ".pdf":
        read = read_pages or pdf_pages
        pages, err = cache.pages(sha256, full_path, read) if cache is not None else read(full_path)
        if err:
            return None, f"resources/{rel} cannot be read as a PDF: {err}"
    name, mime = FORMATS[ext]
    return FileFacts(rel, name, mime, len(data), sha256, pages), None


def pdf_pages(full_path: str) -> tuple[int | None, str | None]:
    """Number of pages, via pypdf (a maintained, pure-Python PDF reader)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return len(PdfReader(full_path, strict=False).pages), None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        return None, str(e) or type(e).__name__
