"""Fixture archives built into a temporary folder, and helpers to read the HTML they produce.

``archive`` copies the real mkdocs.yml, hooks/, overrides/ and hand-written docs
into ``tmp_path`` with empty record folders; a test writes the records it needs
(``archive.write("projects/x.yml", text)``) and calls ``archive.build()``,
which runs ``mkdocs build --strict`` as a maintainer would and returns the
result. Any warning fails the build (strict), so unchecked warnings fail tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from tinypdf import tiny_pdf

MKDOCS = [sys.executable, "-m", "mkdocs"]
# a fixed build date: 2026-01-01, so "finished by date" tests do not depend on the clock
EPOCH = "1767225600"


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def html(self, url_path: str) -> BeautifulSoup:
        """Parsed HTML of the page at ``url_path`` (e.g. ``projects/x/``)."""
        path = self.site / url_path
        if url_path.endswith("/") or not url_path:
            path = path / "index.html"
        assert path.is_file(), f"{url_path} was not built; output:\n{self.output}"
        # as a visitor's browser shows it: contact emails decoded by contact-email.js (issue #5)
        return reveal_emails(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser"))

    def article(self, url_path: str) -> BeautifulSoup:
        """Just the page's main content (Material's article), without header, nav or footer."""
        art = self.html(url_path).select_one("article.md-content__inner")
        assert art is not None
        return art


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)  # tmp_path / "archive" does not exist yet
        for name in ("mkdocs.yml", "hooks", "overrides"):
            src = REPO / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
        docs = root / "docs"
        shutil.copytree(REPO / "docs", docs, ignore=shutil.ignore_patterns("posts"))
        for folder in ("projects", "contacts", "resources", "docs/news/posts"):
            (root / folder).mkdir(parents=True, exist_ok=True)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def build(self, *args: str, env: dict[str, str] | None = None) -> BuildResult:
        environ = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
        proc = subprocess.run(
            [*MKDOCS, "build", "--strict", *args], check=False, cwd=self.root, env=environ,
            capture_output=True, text=True, timeout=300,
        )
        return BuildResult(proc.returncode, proc.stdout + proc.stderr, self.root / "site")


FOLDERS = ("projects", "contacts", "resources")


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The repository's own sample archive, built once per session from a copy of its sources
    (so nothing a build writes can land in the working tree)."""
    root = tmp_path_factory.mktemp("sample") / "repo"
    root.mkdir()
    for name in ("mkdocs.yml", "hooks", "overrides", "docs", *FOLDERS):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, symlinks=True)
        elif src.exists():
            shutil.copy2(src, root / name)
    out = root / "built-site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([*MKDOCS, "build", "--strict", "-d", str(out)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    return BuildResult(proc.returncode, proc.stdout + proc.stderr, out)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


def make_pdf(pages: int, text: str = "Sample") -> bytes:
    """A real PDF with ``pages`` pages, each with a line of ``text`` (scripts/tinypdf.py)."""
    return tiny_pdf(pages, text)


# --------------------------------------------------------------------------- added helpers


@pytest.fixture(scope="module")
def module_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """Like ``archive``, but shared by a module: build once, let many tests read the result."""
    return Archive(tmp_path_factory.mktemp("archive") / "archive")


def make_png(width: int = 2, height: int = 1) -> bytes:
    """A real (tiny, grey) PNG image."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def text(el) -> str:
    """The visible text of an element with whitespace collapsed, as a reader (or screen reader) gets it.

    A ``<br>`` counts as a space; Markdown's permalink anchors (``¶``) and what is inside a
    ``hidden`` element (what a page tells the search index, partials/archive-indexed.html) are
    left out.
    """
    import copy

    el = copy.copy(el)
    for br in el.find_all("br"):
        br.replace_with(" ")
    for link in el.select("a.headerlink"):
        link.decompose()
    for hidden in el.select("[hidden]"):
        hidden.decompose()
    return " ".join(el.get_text().split())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), to compare two states of a tree."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page_url(site_dir: Path, html_file: Path) -> str:
    """The URL path (relative to the site root) of a built HTML file."""
    return html_file.relative_to(site_dir).as_posix().removesuffix("index.html")


def target(from_url: str, href: str, site_path: str = "archive/") -> tuple[str, str] | None:
    """Site-relative path and fragment that ``href`` on page ``from_url`` points to; None if external."""
    from urllib.parse import unquote, urljoin, urlsplit

    if urlsplit(href).scheme or href.startswith("//"):
        return None
    joined = urlsplit(urljoin("http://site.invalid/" + from_url, href))
    path = unquote(joined.path).lstrip("/")
    if href.startswith("/") and path.startswith(site_path):  # 404.html links from the site_url path
        path = path[len(site_path):]
    return path, joined.fragment


def file_for(site_dir: Path, path: str) -> Path:
    return site_dir / (path + "index.html" if path.endswith("/") or path == "" else path)


def broken_links(site_dir: Path) -> tuple[list[str], int]:
    """Crawl every built page: internal a/link hrefs and img/script srcs that do not resolve to a file,
    and fragments (of links in the page content) that do not exist on their target page."""
    broken: list[str] = []
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page in sorted(site_dir.rglob("*.html")):
        url = page_url(site_dir, page)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        art = soup.select_one("article")
        in_article = {id(e) for e in art.descendants} if art is not None else set()
        refs = [(e, "href") for e in soup.select("a[href], link[href]")] + \
               [(e, "src") for e in soup.select("img[src], script[src]")]
        for el, attr in refs:
            t = target(url, el[attr])
            if t is None:
                continue
            path, frag = t
            dest = file_for(site_dir, path)
            checked += 1
            if not dest.is_file():
                broken.append(f"{url}: {el[attr]} -> {path}")
                continue
            if frag and id(el) in in_article and dest.suffix == ".html":
                if dest not in ids:
                    ids[dest] = {e["id"] for e in BeautifulSoup(dest.read_text(encoding="utf-8"),
                                                                 "html.parser").select("[id]")}
                if frag not in ids[dest]:
                    broken.append(f"{url}: {el[attr]} -> #{frag} is not on {path or '/'}")
    return broken, checked


# --------------------------------------------------------------------------- browser tests

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no downloaded browsers).

    Without /usr/bin/chromium the browser tests skip locally, but fail when
    REQUIRE_BROWSER=1 (set by .ci/run), so CI can never pass them silently.
    """
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is not installed (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class StaticServer:
    """A built site served on 127.0.0.1 (like a static host), for the browser. With ``not_found``
    (a file), a missing address gets that page with status 404, as GitHub Pages or Netlify serve
    a site's 404.html."""

    def __init__(self, site_dir: Path, not_found: Path | None = None) -> None:
        import functools
        import http.server
        import threading

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                if code != 404 or not_found is None:
                    return super().send_error(code, message, explain)
                body = not_found.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

        handler = functools.partial(Quiet, directory=str(site_dir))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    """``serve(site_dir)`` → base URL (``not_found=``: the page a missing address gets); every
    server is stopped after the test."""
    servers: list[StaticServer] = []

    def start(site_dir: Path, not_found: Path | None = None) -> str:
        servers.append(StaticServer(site_dir, not_found))
        return servers[-1].url

    yield start
    for s in servers:
        s.close()


# --------------------------------------------------------------------------- contact emails (issue #5)


def reveal_emails(soup):
    """Do what docs/javascripts/contact-email.js does in the browser: every encoded contact email
    (``span.archive-email[data-email]``) becomes ``<a href="mailto:…">address</a>``. Returns ``soup``."""
    from projarchive.privacy import decode_email

    for span in soup.select("span.archive-email[data-email]"):
        address = decode_email(span["data-email"])
        link = soup.new_tag("a", href=f"mailto:{address}", attrs={"class": "archive-email"})
        link.string = address
        span.replace_with(link)
    return soup


SITE_PATH = "archive/"  # the path of site_url in mkdocs.yml; 404.html links to its assets from there


def host_at_site_path(site: Path, root: Path) -> Path:
    """A folder (``root``) that holds ``site`` at /archive/, as the host in site_url would serve it;
    serve ``root`` and visit ``<base>archive/…``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / SITE_PATH.rstrip("/")).symlink_to(site, target_is_directory=True)
    return root
