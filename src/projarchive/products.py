"""What the build makes from the documents: first-page thumbnails and "download all" ZIPs.

A practitioner sees what a PDF looks like before downloading it (a thumbnail of its first
page, as GOV.UK shows attachments) and gets a toolkit of several files in one click (one ZIP).
Both are made at build time from the files under ``resources/`` and kept in
``.cache/projarchive/`` by content, so a rebuild renders only new or changed PDFs. Both are
reproducible: the same input gives byte-identical PNGs and ZIPs (fixed timestamps and
permissions, entries in the record's order, stored uncompressed so no zlib version can change
a byte). The build copies them into the site like documents (``BuildSession.generated_files``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from .catalogue import Catalogue
from .files import FileFacts
from .router import bundle_dest, thumbnail_dest

log = logging.getLogger("mkdocs.projarchive")

THUMB_WIDTH = 200  # pixels; shown 100 CSS pixels wide, so sharp on screens of 2 device pixels a pixel
THUMB_HEIGHT = 283  # an A4 page's shape: every thumbnail has this size, so pages know it before it is drawn
CACHE_DIR = ".cache/projarchive"  # under the repository root, git-ignored (as files.CACHE_FILE)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a ZIP can hold: entries carry no build time
BUNDLE_VERSION = 1  # part of a cached ZIP's key: raise it when zip_bytes changes what it writes


@dataclass(frozen=True)
class Thumbnail:
    """A PNG of a document's first page: where the site publishes it and the file to copy."""

    dest: str  # thumbnails/<sha256>.png
    source: str  # absolute path of the PNG in the cache
    width: int
    height: int


@dataclass(frozen=True)
class Bundle:
    """Every file of one resource in one ZIP ("Download all")."""

    dest: str  # downloads/<resource id>.zip
    source: str
    size: int
    sha256: str
    names: tuple[str, ...]  # the entries, as saved

    @property
    def human_size(self) -> str:
        from .files import human_size

        return human_size(self.size)


@dataclass(frozen=True)
class Products:
    thumbnails: dict[str, Thumbnail]  # by file path under resources/
    bundles: dict[str, Bundle]  # by resource id
    drawing: ThumbnailDrawer | None = None  # thumbnails still being drawn beside the build

    def finish(self) -> None:
        """Wait until every thumbnail is in the cache (before the site generator copies them)."""
        if self.drawing is not None:
            self.drawing.wait()

    def documents(self) -> list[tuple[str, str]]:
        """(destination in the site, file to copy) of every product, in a stable order."""
        seen: dict[str, str] = {}
        for t in self.thumbnails.values():
            seen[t.dest] = t.source
        for b in self.bundles.values():
            seen[b.dest] = b.source
        return sorted(seen.items())


def saved_name(rel: str) -> str:
    """The name a downloaded file is saved under: its path under resources/ as one name, so
    ``take-ten-people/toolbox.pdf`` saves as ``take-ten-people-toolbox.pdf`` instead of a bare
    ``toolbox.pdf``. A name that already starts with its folder's name is not repeated
    (``lsc-data/lsc-data.pdf`` saves as ``lsc-data.pdf``)."""
    parts = rel.split("/")
    name = parts[-1]
    for folder in reversed(parts[:-1]):
        if not name.lower().startswith(folder.lower()):
            name = f"{folder}-{name}"
    return name


# --------------------------------------------------------------------------- thumbnails

Renderer = Callable[[str, int, int], "tuple[int, int, bytes]"]  # (PDF, width, height) -> (width, height, RGB)


def render_first_page(path: str, width: int = THUMB_WIDTH, height: int = THUMB_HEIGHT) -> tuple[int, int, bytes]:
    """The first page of a PDF as RGB pixels on a white ``width`` × ``height`` canvas: scaled to fit,
    centred across, from the top (a landscape slide sits at the top of a portrait card), with
    pdfium (pypdfium2 ships the binary)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        page = pdf[0]
        page_width, page_height = page.get_size()
        scale = min(width / page_width, height / page_height)
        bitmap = page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255),
                             may_draw_forms=True, draw_annots=True)
        w, h, stride, channels = bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels
        raw = bytes(bitmap.buffer)
        page.close()
    finally:
        pdf.close()
    w, h = min(w, width), min(h, height)
    left = (width - w) // 2
    white = b"\xff" * (width * 3)
    rows = []
    for y in range(h):
        row = raw[y * stride: y * stride + w * channels]
        if channels == 4:  # RGBA on a white page: drop alpha
            row = b"".join(row[i:i + 3] for i in range(0, len(row), 4))
        rows.append(white[:left * 3] + row + white[:(width - w - left) * 3])
    rows += [white] * (height - h)
    return width, height, b"".join(rows)


def png(width: int, height: int, rgb: bytes) -> bytes:
    """A PNG of 8-bit RGB pixels, written the same way every time (no dates, no text chunks)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def _renderer_tag() -> str:
    """What a cached thumbnail depends on besides the PDF: the renderer's version and the width."""
    try:
        from pypdfium2.version import PDFIUM_INFO

        version = str(PDFIUM_INFO.build)
    except Exception:  # noqa: BLE001 - an unexpected pypdfium2 only makes the cache key less precise
        version = "unknown"
    return f"{THUMB_WIDTH}x{THUMB_HEIGHT}-pdfium{version}"


def _write_atomically(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)  # two builds at once each write a whole file


def blank_card(width: int = THUMB_WIDTH, height: int = THUMB_HEIGHT) -> bytes:
    """What stands for a PDF pdfium cannot draw: a white card with a grey edge."""
    grey, white = b"\xbb\xbb\xbb", b"\xff\xff\xff"
    edge = grey * width
    middle = grey + white * (width - 2) + grey
    return png(width, height, edge + middle * (height - 2) + edge)


class ThumbnailDrawer:
    """Draws thumbnails into the cache on one thread of its own while the build goes on.

    pdfium is called from this one thread only (it must not be called from two at once), and
    both it and zlib let go of Python's lock while they work, so the drawing overlaps the
    build's own work on a second core. Every file is in place once :meth:`wait` returns; a PDF
    that pdfium cannot draw gets a blank card (and a log line), so the page's picture never breaks.
    """

    def __init__(self, jobs: list[tuple[str, str, str]], render: Renderer) -> None:
        import threading

        self.jobs = jobs  # (PDF, PNG to write, path under resources/ for messages)
        self.render = render
        self.thread = threading.Thread(target=self._run, name="projarchive-thumbnails", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for pdf, target, rel in self.jobs:
            try:
                data = png(*self.render(pdf, THUMB_WIDTH, THUMB_HEIGHT))
            except Exception as e:  # noqa: BLE001 - pdfium's errors are not one class; the page keeps a blank card
                log.info("resources/%s: pdfium could not draw its first page (%s); it is shown as a blank card.",
                         rel, e)
                data = blank_card()
            try:
                _write_atomically(target, data)
            except OSError as e:  # the cache folder went away: the copy into the site will say so
                log.warning("Could not write the thumbnail of resources/%s: %s", rel, e)

    def wait(self) -> None:
        self.thread.join()


def make_thumbnail(facts: FileFacts, cache_dir: str) -> tuple[Thumbnail, bool]:
    """The thumbnail of a PDF, and whether it still has to be drawn (it is not in the cache yet)."""
    cached = os.path.join(cache_dir, "thumbnails", f"{facts.sha256}-{_renderer_tag()}.png")
    return Thumbnail(thumbnail_dest(facts.sha256), cached, THUMB_WIDTH, THUMB_HEIGHT), not os.path.isfile(cached)


# --------------------------------------------------------------------------- bundles


def zip_bytes(entries: list[tuple[str, str]]) -> bytes:
    """A ZIP of (name in the ZIP, file) pairs in the order given: stored (uncompressed, so no zlib
    version can change a byte), dated 1 January 1980, permissions rw-r--r--."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for name, path in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # unix, so the permissions are read
            with open(path, "rb") as f:
                z.writestr(info, f.read(), compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def make_bundle(resource_id: str, entries: list[tuple[str, str, str]], cache_dir: str,
                previous: Bundle | None = None) -> Bundle:
    """The ZIP of one resource's files: (name in the ZIP, file, its sha256) in the record's order.
    ``previous``, the resource's bundle at the last build, is kept when its entries are the same."""
    key = hashlib.sha256("\n".join([f"v{BUNDLE_VERSION}", *(f"{n}\0{sha}" for n, _, sha in entries)]).encode()).hexdigest()
    cached = os.path.join(cache_dir, "downloads", f"{key}.zip")
    if previous is not None and previous.source == cached and previous.dest == bundle_dest(resource_id) \
            and os.path.isfile(cached):
        return previous
    if not os.path.isfile(cached):
        _write_atomically(cached, zip_bytes([(n, p) for n, p, _ in entries]))
    with open(cached, "rb") as f:
        data = f.read()
    return Bundle(bundle_dest(resource_id), cached, len(data), hashlib.sha256(data).hexdigest(),
                  tuple(n for n, _, _ in entries))


def bundle_names(rels: list[str]) -> list[str]:
    """Each file's saved name, made unique within one ZIP (``a.pdf``, ``a-2.pdf``)."""
    out: list[str] = []
    for rel in rels:
        name = saved_name(rel)
        stem, ext = posixpath.splitext(name)
        n = 1
        while name in out:
            n += 1
            name = f"{stem}-{n}{ext}"
        out.append(name)
    return out


# --------------------------------------------------------------------------- all of them


def make_products(cat: Catalogue, resources_dir: str, cache_dir: str,
                  render: Renderer = render_first_page, *, wait: bool = True,
                  previous: Products | None = None) -> Products:
    """A thumbnail for every PDF a resource offers, and a ZIP for every resource of two or more files.

    Thumbnails not in the cache are drawn by a :class:`ThumbnailDrawer`; with ``wait=False`` it goes
    on beside the build and :meth:`Products.finish` waits for it (the build calls that before the
    site generator copies the files). ``previous``, the products of the last build (``mkdocs serve``),
    lends the ZIPs whose files did not change, so they are not read again."""
    thumbnails: dict[str, Thumbnail] = {}
    bundles: dict[str, Bundle] = {}
    jobs: list[tuple[str, str, str]] = []
    for resource in cat.resources.values():
        rels = [f.file for f in resource.files]
        for rel in rels:
            facts = cat.facts[rel]
            if rel not in thumbnails and facts.extension == ".pdf":
                thumbnails[rel], missing = make_thumbnail(facts, cache_dir)
                if missing:
                    jobs.append((os.path.join(resources_dir, *rel.split("/")), thumbnails[rel].source, rel))
        if len(rels) > 1:
            names = [f"{resource.id}/{name}" for name in bundle_names(rels)]  # unzips into one folder
            bundles[resource.id] = make_bundle(
                resource.id,
                [(name, os.path.join(resources_dir, *rel.split("/")), cat.facts[rel].sha256)
                 for name, rel in zip(names, rels, strict=True)],
                cache_dir, previous.bundles.get(resource.id) if previous is not None else None)
    jobs = list({target: (pdf, target, rel) for pdf, target, rel in jobs}.values())  # one job a content
    products = Products(thumbnails, bundles, ThumbnailDrawer(jobs, render) if jobs else None)
    if wait:
        products.finish()
    return products
