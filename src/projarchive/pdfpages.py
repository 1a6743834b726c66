"""Count a PDF's pages under limits: in a process of its own, with a deadline and a memory ceiling.

A PDF is a program-like format: a crafted file of a few hundred bytes can ask a reader to inflate
gigabytes, to walk a page tree that never ends, or to recurse until it crashes. pypdf has limits of
its own for some of these (it raises ``LimitReachedError``); this module adds the rest and makes
every failure a reason in words:

* **time**: each file gets ``TIMEOUT`` seconds; a reader still busy then is killed, and the file is
  reported ("reading it took longer than 20 s");
* **memory**: the reading process may use at most ``MEMORY`` bytes (``RLIMIT_AS``, where the system
  has it), so a bomb cannot take the machine's memory;
* **objects and pages**: a file that declares more than ``MAX_OBJECTS`` objects or ``MAX_PAGES``
  pages is refused before its page tree is walked;
* **anything else** pypdf raises becomes the reason, never a traceback.

:class:`PageCounter` runs one reader process (``python -m projarchive.pdfpages``), started at the
first PDF that is not in the facts cache and restarted after a file it had to kill; :func:`shared`
is the one a process uses for every load (a build, each rebuild of ``mkdocs serve``, a test session),
ended when the process ends. :func:`count_pages` is what the reader process runs.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import threading
from typing import Self

TIMEOUT = 20.0  # seconds for one file
MEMORY = 1 << 30  # bytes the reading process may map (1 GiB)
MAX_OBJECTS = 1_000_000
MAX_PAGES = 100_000


def count_pages(path: str) -> tuple[int | None, str | None]:
    """(pages, None), or (None, the reason in words). Runs pypdf in this process: call it where a
    crash or a runaway is contained (the reader process), or on trusted files."""
    import logging

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings are about files we report anyway
    try:
        from pypdf import PdfReader

        reader = PdfReader(path, strict=False)
        size = _declared(reader.trailer, "/Size")
        if size is not None and size > MAX_OBJECTS:
            return None, f"it declares {size:,} objects; a document may have at most {MAX_OBJECTS:,}"
        root = reader.trailer.get("/Root")
        pages_node = root.get_object().get("/Pages") if root is not None else None
        declared = _declared(pages_node.get_object(), "/Count") if pages_node is not None else None
        if declared is not None and declared > MAX_PAGES:
            return None, f"it declares {declared:,} pages; a document may have at most {MAX_PAGES:,}"
        pages = len(reader.pages)
    except MemoryError:
        limit = int(os.environ.get("PROJARCHIVE_PDF_MEMORY", MEMORY))
        return None, f"reading it needs more than {limit >> 20:,} MB of memory"
    except RecursionError:
        return None, "its structure is nested too deeply to read"
    except Exception as e:  # pypdf's errors, LimitReachedError among them, and whatever a damaged file causes
        detail = " ".join(str(e).split())
        return None, f"{type(e).__name__}: {detail}" if detail else type(e).__name__
    if pages > MAX_PAGES:
        return None, f"it has {pages:,} pages; a document may have at most {MAX_PAGES:,}"
    return pages, None


def _declared(mapping: object, key: str) -> int | None:
    try:
        value = mapping.get(key) if mapping is not None else None  # type: ignore[attr-defined]
        return int(value) if value is not None else None
    except (TypeError, ValueError, AttributeError):
        return None


class PageCounter:
    """A :data:`~projarchive.files.PageReader` that counts pages in a reader process, under the
    limits above. Use it as a context manager (the process ends with it), or call :meth:`close`."""

    def __init__(self, timeout: float = TIMEOUT, memory: int = MEMORY) -> None:
        self.timeout = timeout
        self.memory = memory
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._replies: queue.Queue[str] = queue.Queue()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __call__(self, path: str) -> tuple[int | None, str | None]:
        with self._lock:  # one question at a time on the reader's pipe
            return self._ask(path)

    def _ask(self, path: str) -> tuple[int | None, str | None]:
        try:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps(path) + "\n")
            proc.stdin.flush()
            line = self._reply(proc)
        except OSError as e:  # the reader could not be started or died: say so about this file
            self.close()
            return None, f"the PDF reader stopped ({e.strerror or e})"
        if line is None:
            self.close()
            return None, f"reading it took longer than {self.timeout:g} s"
        if not line:
            self.close()
            return None, (f"the PDF reader stopped while reading it; it may need more than {self.memory >> 20:,} MB "
                          "of memory")
        try:
            reply = json.loads(line)
            return reply.get("pages"), reply.get("error")
        except (ValueError, AttributeError):
            self.close()
            return None, "the PDF reader gave no answer"

    def warm(self) -> None:
        """Start the reader now (it imports pypdf while the caller does other work), if it is not running."""
        with self._lock:
            try:
                self._start()
            except OSError:
                pass  # said about the first file, if one needs reading

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "PYTHONUNBUFFERED": "1", "PROJARCHIVE_PDF_MEMORY": str(self.memory)}
            self._proc = subprocess.Popen([sys.executable, "-m", "projarchive.pdfpages"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                          encoding="utf-8", env=env)
            # the replies are read by a thread of their own, so waiting for one can time out on every system
            # (select() cannot wait on a pipe on Windows)
            self._replies = queue.Queue()
            threading.Thread(target=_read_lines, args=(self._proc, self._replies), daemon=True).start()
        return self._proc

    def _reply(self, proc: subprocess.Popen[str]) -> str | None:
        """The reader's next line; "" if it ended; None if none came in time."""
        try:
            return self._replies.get(timeout=self.timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        """End the reader process (safe to call twice)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def _read_lines(proc: subprocess.Popen[str], replies: queue.Queue[str]) -> None:
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            replies.put(line)
    except (OSError, ValueError):  # closed under it by close()
        pass
    replies.put("")


_SHARED: PageCounter | None = None


def shared() -> PageCounter:
    """The reader this process uses for every load, started when first needed, ended at exit."""
    global _SHARED
    if _SHARED is None:
        _SHARED = PageCounter()
        atexit.register(_SHARED.close)
    return _SHARED


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: no ceiling, the deadline still holds
        return
    limit = int(os.environ.get("PROJARCHIVE_PDF_MEMORY", MEMORY))
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def main() -> None:
    """The reader process: a path (JSON) a line in, ``{"pages": n}`` or ``{"error": "…"}`` a line out."""
    _limit_memory()
    try:
        import pypdf  # noqa: F401 - imported once, before the first question
    except Exception:  # e.g. out of memory: count_pages says so about the file
        pass
    for line in sys.stdin:
        try:
            path = json.loads(line)
        except ValueError:
            continue
        pages, error = count_pages(path)
        sys.stdout.write(json.dumps({"pages": pages, "error": error}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
