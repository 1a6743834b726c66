"""The site's search index: Pagefind, fed each page while the build runs.

Pagefind (https://pagefind.app, PyPI ``pagefind[bin]``, which ships the binary) keeps
only what is inside ``data-pagefind-body`` (our article content) and writes a sharded
index to ``<site>/pagefind/``: a visitor downloads only the index chunks their words
need, not the whole archive.

:class:`SiteIndexer` runs Pagefind as a service (``pagefind --service``: base64 JSON
messages separated by commas on its stdin and stdout, the protocol of Pagefind's own
Node and Python wrappers), so indexing overlaps the build instead of following it:

1. while MkDocs reads the pages, the build hands over each page's indexed part (the
   ``data-pagefind-body`` element, all Pagefind reads of a page) and Pagefind parses it
   on the second core (:meth:`SiteIndexer.add_page`);
2. once every page is read, Pagefind writes the index (:meth:`SiteIndexer.write`) while
   MkDocs renders and writes the pages;
3. after the build, :meth:`SiteIndexer.finish` adds any marked HTML file nobody handed
   over (another plugin's pages; the index is then written again), and waits until Pagefind
   has ended, which is the only sign that every file of the index is complete (see
   :data:`STOP`).

A build with only one core keeps the pages back and hands them all over in step 3
(``SiteIndexer(defer=True)``): there Pagefind cannot overlap the build, only take turns with it,
and the turns cost more than the wait.

The build checks that each page as written contains exactly what was indexed. We talk the
protocol ourselves because the ``pagefind`` Python wrapper sleeps 0.1 s before reading each
reply (400 s for 4,000 pages).

Nothing here knows MkDocs; ``SiteIndexer().finish(folder)`` indexes a finished folder.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from . import cbor
from .problems import BuildError
from .router import Router

BUNDLE = "pagefind"  # the folder under the site that holds the index and pagefind.js

# Pagefind's own UI bundles: we use only pagefind.js (the search API) with our own small UI,
# so these are removed from the published site (about 0.5 MB nobody downloads).
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css",
    "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css",
    "pagefind-highlight.js",
)

# Markdown's permalink anchors (¶) are not words, nor part of a heading's title
EXCLUDE_SELECTORS = ("a.headerlink",)

# How we end Pagefind once the index is written. Pagefind 1.5.2 answers WriteFiles before its
# files are complete: it writes each file through tokio's File, whose `write_all` returns once the
# bytes are queued for a background thread, and drops the file without `flush` (fixed upstream,
# Pagefind #1272, after 1.5.2). On end of input the service calls `process::exit`, which ends those
# threads with their writes undone: closing stdin right after the reply left files empty or cut
# short (`pagefind-entry.json` empty: the flaky "index written again" test; 14% of bundles on a
# busy machine). A message that is not base64 makes the service stop reading instead; it then
# returns from `main`, and tokio's shutdown completes every queued file write before the process
# exits (files are written as "mandatory" blocking tasks). So the process's exit, with status 0,
# is what says the index is on disk. Pagefind answers this message with an error and, until it
# exits, with `null`s; both are ignored.
STOP = b"!stop,"


class SearchIndexError(BuildError):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class IndexReport:
    pages: int
    words: int
    filters: int


def pagefind_executable() -> str:
    """The binary shipped by the ``pagefind_bin`` wheel (pinned in pyproject.toml)."""
    try:
        from pagefind_bin import get_executable
    except ImportError as e:  # pragma: no cover - the dependency is pinned
        raise SearchIndexError("Pagefind is not installed: pip install -e . installs pagefind[bin]") from e
    return str(get_executable())


# Pagefind's runtime (tokio) reads this; any value but a whole number from 1 makes Pagefind panic at start
WORKER_THREADS = "TOKIO_WORKER_THREADS"

# Pagefind's memory allocator (jemalloc, through the tikv-jemallocator crate, hence the prefix) reads
# this. Pagefind gzips every file it writes (a fragment a page, and the index's chunks), each with
# buffers of 44-68 KB. jemalloc keeps blocks that large out of its per-thread cache (32 KB and under
# by default) and, as Pagefind asks for them zeroed, zeroes a recycled one by handing its pages back
# to the kernel (three madvise(MADV_DONTNEED) calls a file under strace), so the next touch faults
# them in again: ~60 page faults a file, ~233,000 in a 2,000-project build, ~1 s of system time.
# With blocks up to 256 KB cached per thread they are reused and zeroed with memset instead: faults
# ~233,000 -> ~90,000 (what the index's own memory needs), madvise calls 11,800 -> 370, Pagefind's
# CPU ~6.2 s -> ~5.6 s (four replays of one build's messages each way, alternating); its files are
# byte-identical. A Pagefind built without jemalloc would ignore the variable.
ALLOCATOR = "_RJEM_MALLOC_CONF"
ALLOCATOR_SETTINGS = "tcache_max:262144"


def pagefind_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Pagefind runs in: ours, less an empty ``TOKIO_WORKER_THREADS`` (``export
    TOKIO_WORKER_THREADS=`` in a CI file means "not set", but Pagefind stops at start on it). Any other
    value that is not a whole number from 1 is an error naming the variable, not Pagefind's panic.
    Its allocator gets :data:`ALLOCATOR_SETTINGS` unless ``_RJEM_MALLOC_CONF`` is set already (then
    that is used as it is)."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault(ALLOCATOR, ALLOCATOR_SETTINGS)
    value = env.get(WORKER_THREADS)
    if value is not None and not value.strip():
        del env[WORKER_THREADS]
    elif value is not None and not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise SearchIndexError(f"{WORKER_THREADS}={value!r} in the environment: Pagefind needs a whole number of "
                               "threads from 1 (or the variable unset, for one thread a core)")
    return env


def html_files(site_dir: str) -> Iterator[str]:
    """Every HTML file under ``site_dir`` (not the search bundle), as sorted site-relative POSIX paths."""
    for folder, dirs, names in os.walk(site_dir):
        if folder == site_dir and BUNDLE in dirs:
            dirs.remove(BUNDLE)
        dirs.sort()
        rel = os.path.relpath(folder, site_dir).replace(os.sep, "/")
        for name in sorted(names):
            if name.endswith(".html"):
                yield name if rel == "." else f"{rel}/{name}"


BATCH = 32  # pages' messages handed to the writer thread at once (each hand-over wakes that thread)

INDEXED_MARK = "<div data-pagefind-body>"  # how partials/archive-indexed.html opens the indexed part


@dataclass(frozen=True)
class IndexedPart:
    """A fingerprint of what Pagefind was given for a page, to check the page as written against.

    ``digest`` is Python's own string hash: the page is checked in the process that indexed it
    (the hash differs between processes), against our own build's mistakes, not an adversary, so
    64 bits with the length beside them are plenty. It needs no UTF-8 copy of the part, which
    SHA-256 did: ~40 MB of parts at 2,000 projects cost ~1 s of the build's main thread, twice."""

    marked: bool
    length: int
    digest: int

    @classmethod
    def of(cls, part: str) -> IndexedPart:
        return cls(part.startswith(INDEXED_MARK), len(part), hash(part))

    @staticmethod
    def document(part: str) -> str:
        """The part as a document Pagefind accepts (it indexes nothing outside <html><body>)."""
        return f"<!DOCTYPE html><html><head></head><body>{part}</body></html>"

    def written_in(self, page_html: str) -> bool:
        """Whether the written page holds exactly this part (or, unmarked, no indexed part at all)."""
        if not self.marked:
            return "data-pagefind-body" not in page_html
        at = page_html.find(INDEXED_MARK)
        found = page_html[at:at + self.length] if at >= 0 else ""
        return len(found) == self.length and hash(found) == self.digest


class SiteIndexer:
    """One Pagefind index, built page by page: :meth:`add_page` while the site is written,
    :meth:`finish` once it is complete. ``language``: one index for the whole site (the archive
    is written in English but holds Welsh and other titles; Pagefind must not split it by page
    language). At most ``window`` pages wait in Pagefind at once, so memory stays bounded
    when the build outruns it.

    ``defer``: keep the pages in a temporary file and hand them to Pagefind only when the index is
    written (:meth:`write` or :meth:`finish`), for a build that has one core. There Pagefind reading
    pages beside the build cannot overlap it, only take turns with it, and the turns cost: at
    10,000 projects on one core, four builds each way, alternating, took 91-110 s of CPU (median
    98) deferred against 99-115 s (median 114) interleaved; Pagefind's own part 30-35 s against
    32-38 s, the build's main thread 53-65 s against 59-68 s (switching between two large working
    sets on one core, we think: each evicts the other's data from the processor's caches)."""

    def __init__(self, *, executable: str | None = None, language: str = "en", window: int = 512,
                 router: Router | None = None, defer: bool = False) -> None:
        argv = [executable or pagefind_executable(), "--service"]
        try:
            self._proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, env=pagefind_environment())
        except OSError as e:
            raise SearchIndexError(f"could not start Pagefind ({argv[0]}): {e}") from None
        self._window = window
        # defer: the pages' messages, encoded, in a file until the index is written: (id, what, length).
        # A file, not memory: ~200 MB at 10,000 projects. Closed by _send_deferred or close().
        self._deferred: list[tuple[int, str, int]] | None = [] if defer else None
        self._spool = tempfile.TemporaryFile(prefix="projarchive-pagefind-") if defer else None  # noqa: SIM115
        self._router = router or Router()  # the URL of each page, as the site links to it
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._batch: list[bytes] = []  # pages' messages not yet handed to the writer thread (BATCH)
        self._lock = threading.Condition()
        self._next_id = 0
        self._waiting: dict[int, str] = {}  # message id -> what it was (for errors)
        self._replies: dict[int, dict] = {}  # replies someone waits for (not page replies)
        self._errors: list[str] = []
        self._words = 0
        self._pages = 0
        self._marked = 0  # pages with data-pagefind-body: without any, Pagefind would index whole pages
        self._stderr: list[bytes] = []
        self._ended = False
        self._stopping = False  # STOP sent: what Pagefind says from then on is not for us
        self.added: set[str] = set()  # site-relative paths handed over by add_page
        self.late: list[tuple[str, str]] = []  # (path, page) of the files finish() found and added itself
        self._write: tuple[str, int] | None = None  # (bundle folder, message id) once writing has started
        threading.Thread(target=self._read_replies, daemon=True).start()
        self._writer = threading.Thread(target=self._write_messages, daemon=True)
        self._writer.start()
        self._stderr_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_reader.start()
        config = {"force_language": language, "exclude_selectors": list(EXCLUDE_SELECTORS)}
        self._index = int(self._call({"type": "NewIndex", "config": config}, "creating the index")["index_id"])

    # ------------------------------------------------------------------ protocol

    def _read_replies(self) -> None:
        out = self._proc.stdout
        assert out is not None
        buffer = b""
        try:
            while chunk := out.read1(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b",")
                for message in messages:
                    if self._stopping:  # the error STOP earns, then nulls until Pagefind exits
                        continue
                    reply = json.loads(base64.b64decode(message))
                    if not isinstance(reply, dict):
                        raise TypeError(f"expected a message, got {reply!r}")
                    self._settle(reply.get("message_id"), reply.get("payload") or {})
        except (ValueError, TypeError) as e:  # not the protocol (a newer Pagefind?): stop rather than wait for ever
            self._stderr.append(f"unreadable reply from Pagefind: {e}".encode())
            self._proc.kill()
        finally:
            with self._lock:
                self._ended = True
                self._lock.notify_all()

    def _read_stderr(self) -> None:
        err = self._proc.stderr
        assert err is not None
        while chunk := err.read1(1 << 16):
            self._stderr.append(chunk)

    def _settle(self, message_id: int | None, payload: dict) -> None:
        with self._lock:
            what = self._waiting.pop(message_id, None) if message_id is not None else None
            if payload.get("type") == "Error":
                self._errors.append(f"{what or 'a message'}: {payload.get('message', '').strip()}")
            elif payload.get("type") == "IndexedFile":
                self._words += int(payload.get("page_word_count") or 0)
            if message_id is not None and payload.get("type") != "IndexedFile":  # page replies: counted above
                self._replies[message_id] = payload
            self._lock.notify_all()

    def _send(self, payload: dict, what: str, *, batch: bool = False) -> int:
        """Send a message (``batch``: with the next few pages' messages, see :data:`BATCH`); its id."""
        if self._deferred is not None and payload.get("type") == "AddFile":
            return self._spool_message(payload, what)
        with self._lock:
            message_id = self._admit(what)
        if message_id is None:
            self._fail(f"Pagefind stopped unexpectedly before {what}")
        self._hand(self._encoded(message_id, payload), batch=batch)
        return message_id

    @staticmethod
    def _encoded(message_id: int, payload: dict) -> bytes:
        """A message as Pagefind reads it: the base64 of its JSON."""
        return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8"))

    def _admit(self, what: str, message_id: int | None = None) -> int | None:
        """With the lock held: wait for room in the window (handing over what is held back first, or
        the replies that make room would never come) and count the message in; its id (a new one
        unless given), None if Pagefind has ended."""
        if len(self._waiting) >= self._window:
            self._flush()
        self._lock.wait_for(lambda: len(self._waiting) < self._window or self._ended)
        if self._ended:
            return None
        if message_id is None:
            message_id = self._new_id()
        self._waiting[message_id] = what
        return message_id

    def _new_id(self) -> int:
        """The next message's id (with the lock held)."""
        self._next_id += 1
        return self._next_id

    def _hand(self, data: bytes, *, batch: bool) -> None:
        """Hold a message back for the writer thread; hand over what is held once a batch is full
        (or at once, ``batch=False``). From the build's thread only."""
        self._batch.append(data + b",")  # Pagefind reads up to the comma
        if not batch or len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        """Hand the messages held back to the writer thread, as one piece (from the build's thread only)."""
        if self._batch:
            self._outbox.put(b"".join(self._batch))
            self._batch = []

    def _spool_message(self, payload: dict, what: str) -> int:
        """A page's message kept in the spool file (``defer``), with the id it will be sent with."""
        assert self._deferred is not None and self._spool is not None
        with self._lock:
            message_id = self._new_id()
        data = self._encoded(message_id, payload)
        try:
            self._spool.write(data)
        except OSError as e:  # the temporary folder is full, or gone
            self.close()
            raise SearchIndexError(f"could not keep {what} for Pagefind in a temporary file "
                                   f"({tempfile.gettempdir()}; TMPDIR chooses another folder): {e}") from None
        self._deferred.append((message_id, what, len(data)))
        return message_id

    def _send_deferred(self) -> None:
        """Hand Pagefind the pages kept back (``defer``), in their order, ``window`` at a time."""
        deferred, self._deferred = self._deferred, None
        spool, self._spool = self._spool, None
        if spool is None or deferred is None:
            return
        with spool:
            spool.seek(0)
            for message_id, what, length in deferred:
                data = spool.read(length)
                with self._lock:
                    if self._admit(what, message_id) is None:
                        break  # write() reports that Pagefind stopped
                self._hand(data, batch=True)

    def _write_messages(self) -> None:
        """Writes to Pagefind's stdin on its own thread: when Pagefind reads more slowly than the
        build hands pages over, the pipe blocks this thread, not the build (the window bounds it)."""
        stdin = self._proc.stdin
        assert stdin is not None
        while (data := self._outbox.get()) is not None:
            try:
                stdin.write(data)
                stdin.flush()
            except (OSError, ValueError):  # Pagefind stopped; the reply reader ends the waits
                break
        try:
            stdin.close()
        except OSError:
            pass

    def _call(self, payload: dict, what: str) -> dict:
        return self._await(self._send(payload, what), what)

    def _await(self, message_id: int, what: str) -> dict:
        with self._lock:
            self._lock.wait_for(lambda: message_id in self._replies or self._ended)
            reply = self._replies.pop(message_id, None)
        if reply is None:
            self._fail(f"Pagefind stopped while {what}")
        if reply.get("type") == "Error":
            self._fail(f"Pagefind failed {what}: {reply.get('message', '').strip()}")
        return reply

    def _check_alive(self) -> None:
        if self._ended:
            self._fail("Pagefind stopped unexpectedly")

    def _fail(self, message: str) -> None:
        self.close()
        self._stderr_reader.join(timeout=2)  # Pagefind has stopped: what it said is all read
        detail = b"".join(self._stderr).decode("utf-8", "replace").strip()
        raise SearchIndexError(message + (f":\n{detail}" if detail else ""))

    # ------------------------------------------------------------------ the build's side

    def add_page(self, rel_path: str, html: str) -> None:
        """Hand over the page published at ``rel_path`` under the site (its URL from the router).

        ``html`` is the whole page, or a document holding only what Pagefind reads of it (the
        ``data-pagefind-body`` element, see :meth:`IndexedPart.document`): everything outside that
        element is ignored once any page has one."""
        if self._write is not None:
            raise SearchIndexError(f"{rel_path} was handed to Pagefind after the index was written")
        self.added.add(rel_path)
        self._pages += 1
        self._marked += "data-pagefind-body" in html
        url = "/" + self._router.url_of_dest(rel_path)
        self._send({"type": "AddFile", "index_id": self._index, "url": url,
                    "file_contents": html, "file_path": None}, rel_path, batch=True)

    def write(self, site_dir: str) -> None:
        """Start writing ``site_dir/pagefind/`` once every page has been handed over; the build goes
        on writing its pages meanwhile, and :meth:`finish` waits for it."""
        self._send_deferred()
        self._flush()
        with self._lock:  # Pagefind must have read every page before it writes
            self._lock.wait_for(lambda: not self._waiting or self._ended)
        self._check_alive()
        if not self._marked:
            self._fail(f"none of the {self._pages} pages marks its content with data-pagefind-body; "
                       "the templates (overrides/partials/content.html) must, or Pagefind would index "
                       "every page whole (navigation, header and footer included)")
        if self._errors:
            self._fail("Pagefind could not index:\n  " + "\n  ".join(self._errors))
        bundle = os.path.abspath(os.path.join(site_dir, BUNDLE))
        shutil.rmtree(bundle, ignore_errors=True)
        self._write = (bundle, self._send({"type": "WriteFiles", "index_id": self._index, "output_path": bundle},
                                          "writing the index"))

    def finish(self, site_dir: str) -> IndexReport:
        """Index the site's HTML files that were not handed over but are marked for search (pages
        other plugins wrote), make sure the index is written, end Pagefind once its files are
        complete, tidy the bundle."""
        if not os.path.isdir(site_dir):
            self.close()
            raise SearchIndexError(f"{site_dir} is not a folder; nothing to index")
        try:
            late = []
            for rel in html_files(site_dir):
                if rel not in self.added:
                    with open(os.path.join(site_dir, *rel.split("/")), encoding="utf-8") as f:
                        html = f.read()
                    if "data-pagefind-body" in html or not self._marked:
                        late.append((rel, html))
            written = False
            if self._write is not None:
                self._await(self._write[1], "writing the index")
                written = not late
                if late:  # written too early: add these and write again
                    self._write = None
            for rel, html in late:
                self.add_page(rel, html)
            self.late = late
            if self._write is None:
                self.write(site_dir)
            assert self._write is not None
            bundle = self._write[0]
            if not written:
                self._await(self._write[1], "writing the index")
            self._end()  # the reply is not enough: only Pagefind's exit says its files are complete
        finally:
            self.close()
        fragments = os.path.join(bundle, "fragment")
        pages = len(os.listdir(fragments)) if os.path.isdir(fragments) else 0
        if pages == 0:
            raise SearchIndexError(f"Pagefind indexed none of the {self._pages} pages")
        filters = canonicalise_filters(bundle)
        for name in UNUSED_BUNDLE_FILES:
            path = os.path.join(bundle, name)
            if os.path.exists(path):
                os.remove(path)
        return IndexReport(pages, self._words, filters)

    def _end(self, timeout: float = 300) -> None:
        """Let Pagefind complete what it is writing and exit (see :data:`STOP`); fail unless it
        exits of its own accord, with status 0. ``timeout`` only guards against a hang."""
        self._stopping = True
        self._outbox.put(STOP)
        self._outbox.put(None)  # then close stdin
        try:
            status = self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._fail(f"Pagefind did not finish writing the index within {timeout:.0f} s")
        if status != 0:
            self._fail(f"Pagefind ended with status {status} while writing the index; it may be incomplete")

    @property
    def deferred(self) -> bool:
        """Whether pages are kept back until the index is written (``defer``), not sent yet."""
        return self._deferred is not None

    def close(self) -> None:
        """Stop Pagefind at once (safe to call twice; a build that fails calls it to leave no process
        behind). An index still being written may be left incomplete: :meth:`finish` ends Pagefind
        in the way that lets it complete its files."""
        spool, self._spool = self._spool, None
        if spool is not None:
            spool.close()
        if self._proc.poll() is None:
            self._outbox.put(None)  # the writer closes stdin after what is queued: Pagefind then exits at once
            self._writer.join(timeout=5)
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


class BackgroundIndex:
    """The search index made again beside ``mkdocs serve`` after a preview update.

    Pagefind cannot take a page out of an index, so a preview update that changed pages has the
    whole index made again from every page's indexed part (kept in memory by the build session):
    on a thread, into a folder beside the site, and swapped in as ``<site>/pagefind`` once it is
    complete, so the browser never sees a half-written index. The pages are shown at once; search
    finds the change a little later (seconds at 2,000 projects, longer at 10,000). A newer update
    cancels a run that is still going, so only the latest pages are indexed."""

    def __init__(self, site_dir: str, router: Router, *, language: str = "en",
                 done: Callable[[IndexReport | None, str | None], None] | None = None,
                 indexer: Callable[..., SiteIndexer] | None = None) -> None:
        self.site_dir = os.path.abspath(site_dir)
        self.router = router
        self.language = language
        self._done = done or (lambda report, error: None)
        self._indexer_factory = indexer or SiteIndexer
        self._lock = threading.Lock()
        self._run: _IndexRun | None = None
        self.generation = 0  # runs started; tests wait for the last one
        self.finished = 0  # runs that swapped their index in

    def start(self, pages: list[tuple[str, str]], delay: float = 1.0) -> None:
        """Index ``pages`` (destination, document), in this order, replacing any run still going. The
        run waits ``delay`` seconds first: a maintainer saving again soon needs the machine more."""
        with self._lock:
            if self._run is not None:
                self._run.cancel()
            self.generation += 1
            self._run = _IndexRun(self, pages, self.generation, delay)
            self._run.thread.start()

    def cancel(self, wait: bool = True) -> None:
        """Stop the run going, if any (``wait``: until its thread has ended and cleaned up)."""
        with self._lock:
            run, self._run = self._run, None
        if run is not None:
            run.cancel()
            if wait:
                run.thread.join(timeout=10)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the current run (tests and the benchmark); True if none is running."""
        with self._lock:
            run = self._run
        if run is not None:
            run.thread.join(timeout)
            return not run.thread.is_alive()
        return True

    def _swap(self, run: _IndexRun, bundle: str) -> bool:
        """Put a complete index in place of the site's, unless a newer run has started."""
        with self._lock:
            if run.cancelled or self._run is not run:
                return False
            live = os.path.join(self.site_dir, BUNDLE)
            old = bundle + ".old"
            if os.path.isdir(live):
                os.rename(live, old)
            os.rename(bundle, live)
            shutil.rmtree(old, ignore_errors=True)
            self.finished += 1
            return True


class _IndexRun:
    def __init__(self, owner: BackgroundIndex, pages: list[tuple[str, str]], generation: int, delay: float) -> None:
        self.owner = owner
        self.pages = pages
        self.generation = generation
        self.delay = delay
        self.cancelled = False
        self._stop = threading.Event()
        self.indexer: SiteIndexer | None = None
        self.thread = threading.Thread(target=self._index, name=f"pagefind-{generation}", daemon=True)

    def cancel(self) -> None:
        self.cancelled = True
        self._stop.set()
        indexer = self.indexer
        if indexer is not None:
            indexer.close()

    def _index(self) -> None:
        if self._stop.wait(self.delay):
            return
        owner = self.owner
        parent = os.path.dirname(owner.site_dir)
        work = tempfile.mkdtemp(prefix=f".{os.path.basename(owner.site_dir)}-index-", dir=parent)
        try:
            self.indexer = owner._indexer_factory(language=owner.language, router=owner.router)
            if self.cancelled:
                self.indexer.close()
                return
            for dest, document in self.pages:
                if self.cancelled:
                    return
                self.indexer.add_page(dest, document)
            self.indexer.write(work)
            report = self.indexer.finish(work)
            if owner._swap(self, os.path.join(work, BUNDLE)):
                owner._done(report, None)
        except SearchIndexError as e:
            if not self.cancelled:
                owner._done(None, str(e))
        finally:
            if self.indexer is not None:
                self.indexer.close()
            shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- reproducible output

SIGNATURE = b"pagefind_dcd"


def _read_pf(path: str) -> object:
    with open(path, "rb") as f:
        data = gzip.decompress(f.read())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"{path} is not a Pagefind index file")
    return cbor.loads(data[len(SIGNATURE):])


def _write_pf(folder: str, prefix: str, suffix: str, value: object, digits: int) -> str:
    """Write a Pagefind file named by its content hash (gzip without a timestamp); return the hash."""
    data = gzip.compress(SIGNATURE + cbor.dumps(value), compresslevel=9, mtime=0)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    with open(os.path.join(folder, name + suffix), "wb") as f:
        f.write(data)
    return name


def canonicalise_filters(bundle: str) -> int:
    """Make Pagefind's filter files byte-reproducible.

    Pagefind 1.5.2 writes each filter's values, and the list of filters in its meta file,
    in Rust hash-map order, which changes from run to run (upstream issue #638: fragments
    and word indexes are stable, filter and meta files are not). The search does not depend
    on that order, so we sort both, re-encode, and rename the files by the hash of their
    new content, updating the references in the meta file and ``pagefind-entry.json``.
    Returns the number of filters.
    """
    entry_path = os.path.join(bundle, "pagefind-entry.json")
    with open(entry_path, encoding="utf-8") as f:
        entry = json.load(f)
    filter_dir = os.path.join(bundle, "filter")
    filters = 0
    for language in entry["languages"].values():
        old_meta = os.path.join(bundle, f"pagefind.{language['hash']}.pf_meta")
        meta = _read_pf(old_meta)
        if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
            raise SearchIndexError(f"{old_meta}: unexpected layout (Pagefind version changed?)")
        renamed = []
        for name, old_hash in meta[3]:
            old_file = os.path.join(filter_dir, f"{old_hash}.pf_filter")
            filt = _read_pf(old_file)
            filt[1] = sorted(filt[1], key=lambda pair: pair[0])  # [filter, [[value, [pages]], ...]]
            prefix = old_hash.rsplit("_", 1)[0]
            os.remove(old_file)
            renamed.append([name, _write_pf(filter_dir, prefix, ".pf_filter", filt, 7)])
        meta[3] = sorted(renamed)
        filters = max(filters, len(renamed))
        os.remove(old_meta)
        prefix = language["hash"].rsplit("_", 1)[0]
        language["hash"] = _write_pf(bundle, "pagefind." + prefix, ".pf_meta", meta, 10)[len("pagefind."):]
    with open(entry_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return filters
