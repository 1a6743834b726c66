"""Publish a build: one build at a time, and one atomic step from the old site to the new.

MkDocs empties ``site_dir`` before it builds, so a build that fails half-way (a template error,
a warning under ``--strict``) would leave visitors with a broken or empty site; and two builds
writing one folder at once leave a mixture of both, or nothing. So:

* **A lock beside the site** (``<site>.lock``, an ``flock`` on Linux and macOS): a build that
  writes the site holds it from reading the configuration to publishing. A second build waits
  for it (saying whose it is: pid, command, since when), up to ``PROJARCHIVE_LOCK_WAIT`` seconds
  (default 600; 0 stops at once), then stops with the same words. The operating system releases
  the lock when its holder ends, however it ends (even ``kill -9``), so a lock is never stale;
  the file is removed by the build that held it.
* **An atomic swap**: ``mkdocs build`` writes to ``<site>.building``; only a build that finished
  cleanly is published, by exchanging the two folders in one system call (Linux ``renameat2``
  with ``RENAME_EXCHANGE``, macOS ``renamex_np`` with ``RENAME_SWAP``). ``<site>`` stays a real
  folder (GitHub Pages' upload step, ``cp -r`` and file managers see what they expect), and a
  reader finds either the whole old site or the whole new one at every moment. The old one is
  then deleted from ``<site>.building``.
* **Fallback** where the file system cannot exchange (some network file systems, Windows): two
  renames, ``<site>`` → ``<site>.previous`` and ``<site>.building`` → ``<site>``. Between them
  (microseconds) ``<site>`` is missing; a build killed there leaves the old site whole in
  ``<site>.previous``, and the next build puts it back before anything else.
* **Recovery**: every build first clears what a killed build left (under the lock): a stale
  ``<site>.building`` (a half-written site, or the old site after an exchange) and
  ``<site>.previous``.

A failed build says "the previous site … was left as it was" only when there was one and it is
there, untouched; with no previous site it says so instead.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import errno
import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Callable

from .problems import BuildError

STAGING_SUFFIX = ".building"
PREVIOUS_SUFFIX = ".previous"
LOCK_SUFFIX = ".lock"
DEFAULT_WAIT = 600.0  # seconds a build waits for another to finish (PROJARCHIVE_LOCK_WAIT)
POLL = 0.2  # seconds between two tries at the lock


def staging_dir(site_dir: str) -> str:
    return _base(site_dir) + STAGING_SUFFIX


def previous_dir(site_dir: str) -> str:
    return _base(site_dir) + PREVIOUS_SUFFIX


def lock_path(site_dir: str) -> str:
    return _base(site_dir) + LOCK_SUFFIX


def _base(site_dir: str) -> str:
    return site_dir.rstrip("/\\")


# --------------------------------------------------------------------------- the lock


class SiteLock:
    """An exclusive, process-wide lock on one site folder: ``<site>.lock``, holding who holds it.

    The lock is the operating system's (``flock``, or ``msvcrt.locking`` on Windows) on the open
    file, so it ends with its holder. Releasing removes the file; a waiter that locked the file
    just before it was removed notices (its file is no longer the one at the path) and tries again.
    """

    def __init__(self, site_dir: str, command: str = "a build") -> None:
        self.path = lock_path(site_dir)
        self.command = command  # what the holder is, in words: "mkdocs build"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; never waits."""
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            if not _lock_fd(fd):
                os.close(fd)
                return False
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                self._write_holder()
                return True
            os.close(fd)  # the holder removed the file as we locked it: lock the new one

    def acquire(self, wait: float, notify: Callable[[str], None]) -> None:
        """Take the lock, waiting up to ``wait`` seconds for its holder; :class:`BuildError` if it stays taken."""
        deadline = time.monotonic() + max(wait, 0.0)
        told = False
        while not self.try_acquire():
            holder = self.holder()
            if time.monotonic() >= deadline:
                waited = f" after waiting {wait:g} s" if wait > 0 else ""
                raise BuildError(
                    f"another build is writing {self.site_name()}: {holder}; it still holds {self.path}{waited}. "
                    "Let it finish and build again; if that process is stuck, stop it (the lock ends with it). "
                    "PROJARCHIVE_LOCK_WAIT=<seconds> sets how long a build waits.")
            if not told:
                notify(f"Waiting for another build to finish writing {self.site_name()}: {holder} "
                       f"(at most {wait:g} s; PROJARCHIVE_LOCK_WAIT sets how long).")
                told = True
            time.sleep(POLL)

    def site_name(self) -> str:
        return self.path[: -len(LOCK_SUFFIX)]

    def holder(self) -> str:
        """Who holds the lock, in words: pid, command, host and since when (as the holder wrote it)."""
        try:
            with open(self.path, encoding="utf-8") as f:
                info = json.loads(f.read() or "{}")
        except (OSError, ValueError):
            info = {}
        if not isinstance(info, dict) or "pid" not in info:
            return "a process that has not yet said who it is"
        since = info.get("since", "")
        try:
            started = dt.datetime.fromisoformat(since)
            ago = int((dt.datetime.now(dt.UTC) - started).total_seconds())
            since = f"since {started.astimezone().strftime('%Y-%m-%d %H:%M:%S')} ({ago} s ago)"
        except (TypeError, ValueError):
            since = f"since {since}" if since else ""
        host = info.get("host")
        where = f" on {host}" if host and host != socket.gethostname() else ""
        return f"pid {info['pid']}{where} ({info.get('command', 'a build')}) {since}".rstrip()

    def _write_holder(self) -> None:
        assert self._fd is not None
        info = {"pid": os.getpid(), "command": self.command, "host": socket.gethostname(),
                "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        data = json.dumps(info).encode("utf-8")
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, data)

    def release(self) -> None:
        """Remove the lock file and release the lock (safe to call twice)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if os.name != "nt":  # Windows cannot remove an open file; the next holder reuses it
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
        os.close(fd)  # closing the file releases the lock


def _lock_fd(fd: int) -> bool:
    """An exclusive lock on the open file ``fd`` without waiting; False if someone holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as e:
        if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise


# --------------------------------------------------------------------------- the swap


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to load
        return None


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # Linux <linux/fs.h>
_RENAME_SWAP = 2  # macOS <stdio.h>
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, getattr(errno, "ENOTSUP", errno.EINVAL),
                getattr(errno, "EOPNOTSUPP", errno.EINVAL)}


def exchange(a: str, b: str) -> bool:
    """Swap two existing paths in one atomic step. False where the system or file system cannot
    (no renameat2/renamex_np, or it refuses the flag); an OSError for any other failure."""
    libc = _libc()
    if libc is None:
        return False
    ea, eb = os.fsencode(a), os.fsencode(b)
    if sys.platform.startswith("linux"):
        fn = getattr(libc, "renameat2", None)
        if fn is None:
            return False
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        result = fn(_AT_FDCWD, ea, _AT_FDCWD, eb, _RENAME_EXCHANGE)
    elif sys.platform == "darwin":
        fn = getattr(libc, "renamex_np", None)
        if fn is None:
            return False
        fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        result = fn(ea, eb, _RENAME_SWAP)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), a)


def remove_tree(path: str) -> None:
    """Delete a folder left by an earlier build (a symbolic link is removed, never followed)."""
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def publish(staging: str, site_dir: str, *, swap: Callable[[str, str], bool] = exchange) -> str:
    """Make ``staging`` the site at ``site_dir`` in one atomic step, then delete the old site.
    Returns how it was done: ``"exchange"``, ``"rename"`` (there was no site) or ``"two renames"``."""
    if not os.path.lexists(site_dir):
        os.rename(staging, site_dir)
        return "rename"
    if swap(staging, site_dir):
        remove_tree(staging)  # now the old site
        return "exchange"
    previous = previous_dir(site_dir)
    remove_tree(previous)
    os.rename(site_dir, previous)
    os.rename(staging, site_dir)
    remove_tree(previous)
    return "two renames"


def recover(site_dir: str) -> list[str]:
    """Clear what a build killed half-way left beside ``site_dir`` (call it holding the lock).
    Returns what was done, in words, for the log."""
    done = []
    previous = previous_dir(site_dir)
    if os.path.isdir(previous) and not os.path.islink(previous):
        if not os.path.lexists(site_dir):  # killed between the fallback's two renames
            os.rename(previous, site_dir)
            done.append(f"put back the site an interrupted build left in {previous}")
        else:
            remove_tree(previous)
            done.append(f"removed {previous}, left by an interrupted build")
    staging = staging_dir(site_dir)
    if os.path.lexists(staging):
        remove_tree(staging)
        done.append(f"removed {staging}, left by an interrupted build")
    return done


def discard(staging: str) -> None:
    remove_tree(staging)


def site_problem(site_dir: str) -> str | None:
    """Why ``site_dir`` cannot be published to by swapping folders, or None."""
    if os.path.islink(site_dir):
        return (f"{site_dir} is a symbolic link; a build replaces the site folder itself, so it must be a real "
                "folder (build into it with 'mkdocs build -d <folder>', or copy the site where it is served)")
    if os.path.lexists(site_dir) and not os.path.isdir(site_dir):
        return f"{site_dir} is a file, not a folder; move it away or build elsewhere ('mkdocs build -d <folder>')"
    return None


# --------------------------------------------------------------------------- one build's way to the site


class Publisher:
    """How one build reaches its site folder.

    ``staged``: write to ``<site>.building`` and swap it in at the end (``mkdocs build``);
    otherwise write in place (``serve``'s temporary folder, ``gh-deploy``). ``locked``: hold the
    site's lock from :meth:`begin` to :meth:`finish` (every command that writes ``site_dir``)."""

    def __init__(self, site_dir: str, *, staged: bool, locked: bool, command: str = "a build",
                 wait: float = DEFAULT_WAIT, notify: Callable[[str], None] = print) -> None:
        self.site_dir = site_dir
        self.staged = staged
        self.target = staging_dir(site_dir) if staged else site_dir  # where the build writes
        self.lock = SiteLock(site_dir, command) if locked else None
        self.wait = wait
        self.notify = notify
        self.had_site = False  # a whole site was there when the build began (after recovery)

    def begin(self) -> None:
        """Take the lock, clear what an interrupted build left, and note whether there is a site."""
        if self.lock is not None:
            problem = site_problem(self.site_dir) if self.staged else None  # in place, any folder will do
            if problem:
                raise BuildError(problem)
            parent = os.path.dirname(os.path.abspath(self.site_dir))
            os.makedirs(parent, exist_ok=True)
            self.lock.acquire(self.wait, self.notify)
            try:
                for step in recover(self.site_dir):
                    self.notify(step[0].upper() + step[1:] + ".")
            except OSError as e:
                self.lock.release()
                raise BuildError(f"cannot clear what an interrupted build left beside {self.site_dir}: {e}") from None
        self.had_site = os.path.isdir(self.site_dir)
        if self.staged:
            discard(self.target)

    def finish(self, ok: bool) -> str | None:
        """Publish a good build or discard a failed one, and release the lock (safe to call twice).
        Returns what to tell the maintainer about the site when the build failed, else None."""
        try:
            if not self.staged:
                return None
            self.staged = False
            if ok:
                try:
                    publish(self.target, self.site_dir)
                except OSError as e:
                    raise BuildError(f"the site was built in {self.target} but could not be published to "
                                     f"{self.site_dir}: {e}") from None
                return None
            discard(self.target)
            if self.had_site and os.path.isdir(self.site_dir):
                return f"The build failed; the previous site in {self.site_dir} was left as it was."
            return f"The build failed; nothing was published (there was no site in {self.site_dir} before)."
        finally:
            if self.lock is not None:
                self.lock.release()

    def abandon(self) -> None:
        """The build stopped before it began writing: release the lock, leave the site alone."""
        if self.lock is not None:
            self.lock.release()


def nothing_built(site_dir: str, *, staged: bool) -> str:
    """The end of a report of problems found before anything was written: what became of the site."""
    if not staged or os.path.isdir(site_dir):
        return "nothing was built and the previous site was left as it was."
    return f"nothing was built (there is no site in {site_dir} yet)."


def lock_wait(environ: dict[str, str] | os._Environ[str]) -> float:
    """Seconds to wait for another build (PROJARCHIVE_LOCK_WAIT); a BuildError if it is not a number."""
    raw = environ.get("PROJARCHIVE_LOCK_WAIT")
    if raw is None or raw == "":
        return DEFAULT_WAIT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise BuildError(f"PROJARCHIVE_LOCK_WAIT={raw!r} is not a number of seconds (0 or more)")
    return value
