"""Fixture archives built into a temporary folder, and helpers to read the HTML they produce.

``archive`` copies the real mkdocs.yml, hooks/, overrides/ and hand-written docs
into ``tmp_path`` with empty record folders; a test writes the records it needs
(``archive.write("projects/x.yml", text)``) and calls ``archive.build()``, which
does what ``mkdocs build --strict`` does, in this process (``mkdocs_build``: no
interpreter and no MkDocs import per build), and returns the result. Any warning
fails the build (strict), so unchecked warnings fail tests. The command line
itself is run by test_reproducible.py and test_mistakes.py.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import shutil
import sys
import textwrap
import traceback
import types
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from tinypdf import tiny_pdf

from projarchive import platforms
from projarchive.model import RECORD_FOLDERS

# The platform under test (README "Platforms"): the installed theme, and the generator named by
# PROJARCHIVE_GENERATOR (mkdocs or properdocs; by default the platform's own: MkDocs on Material 9,
# ProperDocs on MaterialX). Fixture archives name the installed theme in their mkdocs.yml.
_THEMES = platforms.installed_themes()
THEME = _THEMES[0].name if len(_THEMES) == 1 else "material"
GENERATOR = os.environ.get("PROJARCHIVE_GENERATOR") or ("properdocs" if THEME == "materialx" else "mkdocs")
if GENERATOR not in platforms.GENERATORS:
    raise pytest.UsageError(f"PROJARCHIVE_GENERATOR={GENERATOR}: use one of {', '.join(platforms.GENERATORS)}")
if GENERATOR == "properdocs":
    # as `properdocs` does before anything else: every `mkdocs.*` import (ours below, the hook's,
    # Material's) is ProperDocs' own module from here on
    import properdocs.replacement  # noqa: F401
MKDOCS = [sys.executable, "-m", GENERATOR]  # the command line, for the tests that run it as a maintainer would
CONFIG = {"mkdocs": "mkdocs.yml", "properdocs": "properdocs.yml"}[GENERATOR]  # what the command reads
# a fixed build date: 2026-01-01, so "finished by date" tests do not depend on the clock
EPOCH = "1767225600"
BUILD_ENV = {"SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}


# How many examples each property test tries (Hypothesis). CI (.ci/run and the GitHub workflow set
# HYPOTHESIS_PROFILE=ci) tries the number a test names; the quick loop on a maintainer's machine
# ("dev", the default) a third of it. A failing example Hypothesis finds is kept in .hypothesis/ and
# tried first on every later run, whatever the profile.
settings.register_profile("ci", print_blob=True)  # a failure prints what reproduces it
settings.register_profile("dev", max_examples=34)  # tests that name no number: a third of Hypothesis' 100
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or "dev"
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(in_ci: int) -> int:
    """``max_examples`` for a property test that tries ``in_ci`` examples in CI (see HYPOTHESIS_PROFILE)."""
    return in_ci if HYPOTHESIS_PROFILE == "ci" else -(-in_ci // 3)


def pytest_report_header() -> str:
    found = {name: platforms.version(name) for name in ("mkdocs", "properdocs", "mkdocs-material", "mkdocs-materialx")}
    return (f"platform: {platforms.GENERATORS[GENERATOR].label} + {platforms.THEMES[THEME].label} ("
            + ", ".join(f"{name} {v}" for name, v in found.items() if v) + ")")


def copy_config(root: Path) -> None:
    """The repository's configuration files into ``root``, naming the installed theme."""
    for name in ("mkdocs.yml", "properdocs.yml"):  # properdocs.yml only points ProperDocs at mkdocs.yml
        shutil.copy2(REPO / name, root / name)
    config = root / "mkdocs.yml"
    config.write_text(platforms.with_theme(config.read_text(encoding="utf-8"), THEME), encoding="utf-8")


@dataclass
class BuildResult:
    returncode: int
    output: str
    site: Path
    # parsed pages, by file, with the (mtime, size) they were parsed at: see ``soup``
    _parsed: dict[tuple[Path, bool], tuple[tuple[int, int], BeautifulSoup]] = field(
        default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def pages(self) -> list[Path]:
        """Every built HTML file, sorted."""
        return sorted(self.site.rglob("*.html"))

    def soup(self, file: Path, *, revealed: bool = False) -> BeautifulSoup:
        """The parsed HTML of a built file, as written (or, ``revealed``, with contact emails decoded).

        Parsed once per result and shared by every test that reads the same page (parsing the
        sample's pages takes seconds), so treat it as read-only: ``text()`` works on a copy. A file
        rewritten since (a rebuild into the same folder) is parsed again."""
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._parsed.get((file, revealed))
        if cached is None or cached[0] != stamp:
            html = file.read_text(encoding="utf-8")
            soup = BeautifulSoup(html, "html.parser")
            cached = self._parsed[(file, revealed)] = (stamp, reveal_emails(soup) if revealed else soup)
            if "archive-email" not in html:  # no contact email to decode: both readings are this one
                self._parsed[(file, not revealed)] = cached
        return cached[1]

    def html(self, url_path: str) -> BeautifulSoup:
        """Parsed HTML of the page at ``url_path`` (e.g. ``projects/x/``); read-only (see ``soup``)."""
        path = self.site / url_path
        if url_path.endswith("/") or not url_path:
            path = path / "index.html"
        assert path.is_file(), f"{url_path} was not built; output:\n{self.output}"
        # as a visitor's browser shows it: contact emails decoded by contact-email.js (issue #5)
        return self.soup(path, revealed=True)

    def article(self, url_path: str) -> BeautifulSoup:
        """Just the page's main content (Material's article), without header, nav or footer."""
        art = self.html(url_path).select_one("article.md-content__inner")
        assert art is not None
        return art


class Archive:
    def __init__(self, root: Path, *, existing: bool = False) -> None:
        self.root = root
        if existing:  # an archive folder already laid out (see ``copy``)
            return
        root.mkdir(parents=True, exist_ok=True)  # tmp_path / "archive" does not exist yet
        copy_config(root)
        for name in ("hooks", "overrides"):
            shutil.copytree(REPO / name, root / name)
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

    def copy(self, root: Path) -> Archive:
        """A copy of this archive's folder, sources and whatever was built, at ``root``: a test that
        changes or rebuilds an archive a module fixture built starts from its own copy."""
        shutil.copytree(self.root, root, symlinks=True)
        return Archive(root, existing=True)

    def build(self, *args: str, env: dict[str, str] | None = None) -> BuildResult:
        """``mkdocs build --strict [args]`` in this archive (in process; see ``mkdocs_build``)."""
        return mkdocs_build(self.root, *args, env=env)


# --------------------------------------------------------------------------- building in process


@contextlib.contextmanager
def environ(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` set, restored afterwards (like monkeypatch.setenv, usable
    from session fixtures)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class _CliFormatter(logging.Formatter):
    """The command line's log lines (mkdocs.__main__.ColorFormatter), without colour and without
    wrapping to a terminal's width: ``INFO    -  message``."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname:<8}-  {super().format(record)}"


@contextlib.contextmanager
def _cli_logging(stream: io.StringIO) -> Iterator[None]:
    """What ``mkdocs`` sets up on the command line (mkdocs.__main__.State, _enable_warnings), for one
    build: the "mkdocs" logger at INFO, not propagated, into ``stream``; duplicate messages of
    mkdocs.commands.build dropped; Python warnings logged at INFO. Everything is put back afterwards.
    ProperDocs (``GENERATOR``) does the same with its "properdocs" logger, and makes "mkdocs" (where
    hooks and plugins log) a child of it, so their warnings count in strict mode."""
    from mkdocs import utils
    from mkdocs.__main__ import _showwarning

    logger = logging.getLogger(GENERATOR)
    saved = (logger.level, logger.propagate, logger.handlers[:], logger.disabled)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_CliFormatter())
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.disabled = False
    logger.handlers = [handler]
    legacy = logging.getLogger("mkdocs") if GENERATOR != "mkdocs" else None
    saved_legacy = (legacy.parent, legacy.level, legacy.propagate) if legacy else None
    if legacy:
        legacy.parent, legacy.level, legacy.propagate = logger, logging.NOTSET, True
    build_log = logging.getLogger(f"{GENERATOR}.commands.build")
    duplicates = utils.DuplicateFilter()
    build_log.addFilter(duplicates)
    try:
        with warnings.catch_warnings():
            if not sys.warnoptions:
                warnings.simplefilter("module", DeprecationWarning)
                warnings.showwarning = _showwarning
            yield
    finally:
        build_log.removeFilter(duplicates)
        logger.level, logger.propagate, logger.handlers, logger.disabled = saved
        if legacy:
            legacy.parent, legacy.level, legacy.propagate = saved_legacy
        handler.close()


def _site_dir(args: tuple[str, ...]) -> str | None:
    """The one command-line option the tests use: ``-d DIR`` / ``--site-dir DIR``."""
    rest = list(args)
    site_dir = None
    while rest:
        arg = rest.pop(0)
        if arg in ("-d", "--site-dir") and rest:
            site_dir = rest.pop(0)
        elif arg.startswith("--site-dir="):
            site_dir = arg.split("=", 1)[1]
        else:
            raise ValueError(f"mkdocs_build does not know the option {arg!r}; add it to conftest._site_dir")
    return site_dir


class _TemplateCodeCache:
    """Jinja's compiled templates, kept for the test session (a jinja2 BytecodeCache held in memory).

    Compiling Material's and our templates is half of the CPU time of a small build, and each build
    (like each ``mkdocs build`` process) makes new Jinja environments and compiles them again. The
    compiled code is looked up by template name, a checksum of the source (Jinja's own check) and
    every environment option that changes what Jinja generates, so a changed template or another
    environment compiles afresh; what is rendered is the same. Not by file: every fixture archive
    has its own copy of overrides/, so the code is given the file it is loaded from instead (the
    file a template error names). Installed on the environments made
    during a build only (``installed``)."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.code: dict[str, tuple[str, object]] = {}

            def get_bucket(self, environment, name, filename, source):
                key = repr((name, _compile_options(environment, name)))
                bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
                bucket.filename = filename
                self.load_bytecode(bucket)
                return bucket

            def load_bytecode(self, bucket) -> None:
                hit = self.code.get(bucket.key)
                if hit is not None and hit[0] == bucket.checksum:
                    bucket.code = _with_filename(hit[1], bucket.filename)

            def dump_bytecode(self, bucket) -> None:
                self.code[bucket.key] = (bucket.checksum, bucket.code)

        self.cache = Cache()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        import jinja2

        original = jinja2.Environment.__init__
        cache = self.cache

        def __init__(env, *args, **kwargs):
            original(env, *args, **kwargs)
            if env.bytecode_cache is None:
                env.bytecode_cache = cache

        jinja2.Environment.__init__ = __init__
        try:
            yield
        finally:
            jinja2.Environment.__init__ = original


def _with_filename(code: types.CodeType, filename: str | None) -> types.CodeType:
    """``code`` (a compiled template module) and the functions in it, as if compiled from ``filename``."""
    filename = filename or "<template>"
    consts = tuple(_with_filename(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _compile_options(env, name: str) -> tuple:
    """What Jinja's lexer, parser and code generator read from an environment (jinja2 3.1)."""
    def functions(table: dict) -> tuple:  # names, and how each is called (pass_context …)
        return tuple(sorted((key, repr(getattr(f, "jinja_pass_arg", None))) for key, f in table.items()))

    autoescape = env.autoescape(name) if callable(env.autoescape) else env.autoescape
    return (type(env).__qualname__, env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
            env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
            env.keep_trailing_newline, tuple(sorted(env.extensions)), autoescape, env.optimized, env.is_async,
            repr(env.finalize), env.code_generator_class.__qualname__, functions(env.filters), functions(env.tests))


_TEMPLATE_CODE = _TemplateCodeCache()


class _InstalledFilesCache:
    """What each build finds again in the installed theme, found once for the test session.

    Every build lists Material's ~14,000 theme files (``Files.add_files_from_theme``: a walk of its
    folders, then a dozen ``fnmatch`` patterns per file), a fifth of a small build's CPU time. The
    installed packages do not change during a session, so the walk of a folder under site-packages is
    kept, and so is each (name, pattern) answer of ``fnmatch``, and each answer of MkDocs' filter of
    theme files (``Files.add_files_from_theme.<locals>.filter``: a function of the name and the
    theme's ``static_templates`` only); folders of the archive itself (its overrides/) are walked
    every time. What a build finds is the same."""

    THEME_FILTER = "Files.add_files_from_theme.<locals>.filter"

    def __init__(self) -> None:
        import sysconfig

        self.installed = os.path.realpath(sysconfig.get_paths()["purelib"])
        self.walks: dict[str, list[str]] = {}
        self.matches: dict[tuple[str, str], bool] = {}
        self.kept: dict[tuple[str, tuple[str, ...]], bool] = {}  # (name, static_templates) -> theme filter's answer

    @contextlib.contextmanager
    def installed_files(self) -> Iterator[None]:
        import fnmatch

        import jinja2

        original_list, original_fnmatch = jinja2.FileSystemLoader.list_templates, fnmatch.fnmatch
        cache = self

        def list_templates(loader):
            found: set[str] = set()
            for searchpath in loader.searchpath:
                if not os.path.realpath(searchpath).startswith(cache.installed + os.sep):
                    found.update(original_list(jinja2.FileSystemLoader([searchpath], followlinks=loader.followlinks)))
                    continue
                if searchpath not in cache.walks:
                    cache.walks[searchpath] = original_list(
                        jinja2.FileSystemLoader([searchpath], followlinks=loader.followlinks))
                found.update(cache.walks[searchpath])
            return sorted(found)

        def matches(name: str, pattern: str) -> bool:
            key = (name, pattern)
            hit = cache.matches.get(key)
            if hit is None:
                hit = cache.matches[key] = original_fnmatch(name, pattern)
            return hit

        original_env_list = jinja2.Environment.list_templates

        def env_list_templates(env, extensions=None, filter_func=None):
            if filter_func is None or extensions is not None or \
                    getattr(filter_func, "__qualname__", "") != cache.THEME_FILTER:
                return original_env_list(env, extensions, filter_func)
            # the filter reads the name and config.theme.static_templates (and MkDocs' Markdown extensions)
            config = filter_func.__closure__[filter_func.__code__.co_freevars.index("config")].cell_contents
            static = tuple(sorted(config.theme.static_templates))
            kept = cache.kept
            names = []
            for name in env.list_templates():
                hit = kept.get((name, static))
                if hit is None:
                    hit = kept[(name, static)] = bool(filter_func(name))
                if hit:
                    names.append(name)
            return names

        jinja2.FileSystemLoader.list_templates = list_templates
        jinja2.Environment.list_templates = env_list_templates
        fnmatch.fnmatch = matches
        try:
            yield
        finally:
            jinja2.FileSystemLoader.list_templates = original_list
            jinja2.Environment.list_templates = original_env_list
            fnmatch.fnmatch = original_fnmatch


_INSTALLED_FILES = _InstalledFilesCache()


class _MapDrawings:
    """Maps drawn once for the test session (``projarchive.maps.draw``, remembered by its arguments).

    Drawing a map clips and simplifies the whole outline of Britain and Ireland, about 0.1 s; every
    build of an archive with places draws the overview map of the browse page and one map per project,
    and the tests build the same few archives (and the property tests render the same one) many
    times. ``draw`` is a function of its places and ``whole`` only, and its answer is frozen, so the
    same drawing serves again; what is built is the same. Installed during a build only
    (``installed``) and by tests that render pages themselves."""

    def __init__(self) -> None:
        self.drawn: dict[tuple, object] = {}

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from projarchive import maps

        original = maps.draw
        drawn = self.drawn

        def draw(places, *, whole: bool = False):
            key = (tuple(places), whole)
            found = drawn.get(key)
            if found is None:
                found = drawn[key] = original(places, whole=whole)
            return found

        maps.draw = draw
        try:
            yield
        finally:
            maps.draw = original


MAP_DRAWINGS = _MapDrawings()


def _fresh_process_state() -> None:
    """Forget what MkDocs keeps for the life of a process, so every build starts as ``mkdocs build``
    in a new process does: the hooks module is loaded once per file path (``Hooks._load_hook`` is an
    lru_cache) and would keep its module globals, and its ``_Build.share_parts`` default
    (PROJARCHIVE_NAV_CACHE) is read when the module is executed; plugin instances that have
    on_startup (Material's blog) are kept in ``MkDocsConfig.plugins.plugin_cache``."""
    from mkdocs.config import config_options
    from mkdocs.config.defaults import MkDocsConfig

    config_options.Hooks._load_hook.cache_clear()
    MkDocsConfig.plugins.plugin_cache.clear()


def mkdocs_build(root: Path, *args: str, env: dict[str, str] | None = None) -> BuildResult:
    """``mkdocs build --strict [-d DIR]`` run in ``root``, in this process.

    The same steps as mkdocs.__main__.build_command: load_config(strict=True), on_startup,
    build, on_shutdown, with the working directory, environment (``SOURCE_DATE_EPOCH``,
    ``NO_MKDOCS_2_WARNING`` and ``env``) and logging of the command line, all put back afterwards.
    ``output`` is what the command prints: the log lines, then the message of an error (for
    ``Abort``: a blank line and the message; other MkDocs errors ``Error: message``; anything else
    its traceback); ``returncode`` is its exit status.
    """
    from click import ClickException
    from mkdocs import config as mkdocs_config
    from mkdocs.commands import build as mkdocs_commands_build
    from mkdocs.exceptions import Abort

    root = Path(root)
    site_dir = _site_dir(args)
    stream = io.StringIO()
    returncode = 0
    with environ({**BUILD_ENV, **(env or {})}), working_directory(root), _cli_logging(stream), \
            _TEMPLATE_CODE.installed(), _INSTALLED_FILES.installed_files(), MAP_DRAWINGS.installed():
        _fresh_process_state()
        try:
            cfg = mkdocs_config.load_config(config_file=str(root / CONFIG), site_dir=site_dir, strict=True)
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_commands_build.build(cfg, dirty=False)
            finally:
                cfg.plugins.on_shutdown()
        except Abort as e:  # a SystemExit: not caught by `except Exception`
            stream.write("\n" + e.format_message() + "\n")
            returncode = e.exit_code
        except ClickException as e:
            stream.write(f"Error: {e.format_message()}\n")
            returncode = e.exit_code
        except Exception:  # noqa: BLE001 - like the command line: any other error exits 1 with its traceback
            stream.write(traceback.format_exc())
            returncode = 1
        finally:
            _fresh_process_state()  # drop this build's hook module and plugins now, not at the next build
    site = Path(site_dir) if site_dir else root / "site"
    return BuildResult(returncode, stream.getvalue(), site if site.is_absolute() else root / site)


class Serving:
    """``mkdocs serve`` running in this process (``mkdocs_serving``): the server MkDocs made, with our
    preview as its builder, never listening on a port. A test saves (changes files, then runs the
    rebuild the server would run on noticing them: ``save``) and asks for pages through the server's
    own WSGI application (``get``), so everything between a save and the page a browser gets is the
    real thing except the file watching and the socket (tests/test_serve.py runs those too)."""

    def __init__(self, root: Path, server, log: io.StringIO) -> None:
        self.root = root
        self.server = server
        self._log = log

    @property
    def site(self) -> Path:
        return Path(self.server.root)

    @property
    def log(self) -> str:
        return self._log.getvalue()

    def save(self, *changes) -> str:
        """Make the changes (callables), then rebuild as the server does after a save; returns what
        the server logged about it."""
        start = len(self.log)
        for change in changes:
            change()
        self.server.builder()
        return self.log[start:]

    def get(self, path: str) -> tuple[int, str]:
        """Status and text of the page at ``path`` under the site's mount path, as the server answers."""
        from wsgiref.util import setup_testing_defaults

        environ = {"PATH_INFO": self.server.mount_path + path, "REQUEST_METHOD": "GET"}
        setup_testing_defaults(environ)
        status: list[str] = []
        body = b"".join(self.server.get_app()(environ, lambda s, headers, exc_info=None: status.append(s)))
        return int(status[0].split()[0]), body.decode("utf-8")

    def search_settled(self, timeout: float = 120) -> None:
        """Wait until the search index made again after the last update is in place."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            lines = self.log.splitlines()
            last = max((i for i, line in enumerate(lines) if "Updated " in line), default=-1)
            if any("Search index made again" in line for line in lines[last + 1:]):
                return
            assert time.monotonic() < deadline, self.log
            time.sleep(0.05)


@contextlib.contextmanager
def mkdocs_serving(root: Path, temp: Path) -> Iterator[Serving]:
    """``mkdocs serve`` in ``root`` (mkdocs.commands.serve.serve, as the command line calls it), in this
    process, with the environment and logging ``mkdocs_build`` gives a build, and its temporary site
    folder under ``temp``. The server is made, the site built and the hooks' ``on_serve`` run as on the
    command line; only ``LiveReloadServer.serve`` (listen, watch, wait for saves) is replaced by waiting
    for the test to end. The initial build's failure fails here with its output."""
    import tempfile
    import threading

    from mkdocs.commands import serve as serve_command
    from mkdocs.livereload import LiveReloadServer

    stream = io.StringIO()
    ready, stop = threading.Event(), threading.Event()
    got: dict[str, object] = {}

    def serve_until_stopped(server, *, open_in_browser: bool = False) -> None:
        got["server"] = server
        ready.set()
        stop.wait()

    def run() -> None:
        try:
            serve_command.serve(config_file=str(root / CONFIG))
        except BaseException as e:  # noqa: BLE001 - a failed first build (Abort is a SystemExit) fails the test
            got["error"] = e
        finally:
            ready.set()

    temp.mkdir(parents=True, exist_ok=True)
    saved_temp, saved_serve = tempfile.tempdir, LiveReloadServer.serve
    with environ(BUILD_ENV), working_directory(root), _cli_logging(stream), _TEMPLATE_CODE.installed(), \
            _INSTALLED_FILES.installed_files(), MAP_DRAWINGS.installed():
        _fresh_process_state()
        tempfile.tempdir, LiveReloadServer.serve = str(temp), serve_until_stopped
        thread = threading.Thread(target=run, name="mkdocs serve")
        try:
            thread.start()
            ready.wait()
            if "server" not in got:
                raise AssertionError(f"mkdocs serve did not start: {got.get('error')!r}\n{stream.getvalue()}")
            yield Serving(root, got["server"], stream)
        finally:
            stop.set()
            thread.join()
            tempfile.tempdir, LiveReloadServer.serve = saved_temp, saved_serve
            _fresh_process_state()


FOLDERS = tuple(RECORD_FOLDERS.values())  # projects, contacts, resources


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The repository's own sample archive, built once per test run from a copy of its sources
    (so nothing a build writes can land in the working tree), and read-only from then on.

    Once per run, not once per xdist worker: the first worker that needs it builds it in the folder
    the workers share (the parent of each one's temporary folder) and writes down the build's exit
    status and output; the others wait for that (a lock) and read the same site."""
    import fcntl
    import json

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    root = shared / "sample" / "repo"
    done = shared / "sample" / "built.json"
    (shared / "sample").mkdir(exist_ok=True)
    with open(shared / "sample" / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            was = json.loads(done.read_text(encoding="utf-8"))
            return BuildResult(was["returncode"], was["output"], root / "built-site")
        shutil.rmtree(root, ignore_errors=True)  # a run stopped half-way
        root.mkdir()
        copy_config(root)
        for name in ("hooks", "overrides", "docs", *FOLDERS):
            shutil.copytree(REPO / name, root / name, symlinks=True)
        result = mkdocs_build(root, "-d", str(root / "built-site"))
        keep = os.environ.get("PROJARCHIVE_KEEP_SAMPLE")  # .ci/run: for the other platforms to compare with
        if keep and result.ok:
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(result.site, keep)
        done.write_text(json.dumps({"returncode": result.returncode, "output": result.output}), encoding="utf-8")
        return result


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


def broken_links(built: BuildResult) -> tuple[list[str], int]:
    """Crawl every built page: internal a/link hrefs and img/script srcs that do not resolve to a file,
    and fragments (of links in the page content) that do not exist on their target page."""
    site_dir = built.site
    broken: list[str] = []
    checked = 0
    ids: dict[Path, set[str]] = {}
    for page in built.pages():
        url = page_url(site_dir, page)
        soup = built.soup(page)
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
                    ids[dest] = {e["id"] for e in built.soup(dest).select("[id]")}
                if frag not in ids[dest]:
                    broken.append(f"{url}: {el[attr]} -> #{frag} is not on {path or '/'}")
    return broken, checked


# --------------------------------------------------------------------------- browser tests

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]


@pytest.hookimpl(trylast=True)  # after ``-m`` and ``-k`` have deselected: ``items`` is what runs
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test that drives Chromium says so (``@pytest.mark.browser``), so that
    ``pytest -m "not browser"`` never starts a browser: a test that uses the ``browser`` fixture
    without the mark stops the run here. And slow tests are left out of the quick run (below), and the
    longest work comes first (``longest_first``)."""
    unmarked = [item.nodeid for item in items
                if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None]
    if unmarked:
        raise pytest.UsageError("these tests use the browser but are not marked @pytest.mark.browser:\n  "
                                + "\n  ".join(unmarked))
    # Tests marked ``slow`` (real `mkdocs build` and `serve` processes on a generated archive: two builds
    # at once, builds killed) run with the whole suite; the quick loop (``-m "not browser"``) leaves them
    # out too, unless PROJARCHIVE_SLOW=1.
    if "not browser" in (config.getoption("markexpr") or "") and not os.environ.get("PROJARCHIVE_SLOW"):
        skip = pytest.mark.skip(reason='slow: left out of the quick run (-m "not browser"); PROJARCHIVE_SLOW=1 runs them')
        for item in items:
            if item.get_closest_marker("slow") is not None:
                item.add_marker(skip)
    longest_first(config, items)


# --------------------------------------------------------------------------- the order of the work

DURATIONS_KEY = "projarchive/test-seconds"  # in pytest's cache (.pytest_cache): each test's last duration


def xdist_scope(nodeid: str) -> str:
    """The unit of work of ``--dist loadscope`` a test belongs to: its module, or its class (what
    xdist.scheduler.loadscope._split_scope does). A unit runs on one worker, so its module and class
    fixtures are made once."""
    return nodeid.rsplit("::", 1)[0]


def longest_first(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the units of work (``xdist_scope``) in order of how long their selected tests took last time
    (pytest's cache, written by ``pytest_sessionfinish``), longest first; a unit keeps its tests in
    their order. xdist hands the units out in this order (``--no-loadscope-reorder`` in pyproject.toml),
    so the long ones start at once and the short ones fill in at the end, and both workers finish
    together: in the whole suite the four axe runs (~30 s each) no longer start last. Where nothing is
    known yet (a fresh clone), units with browser or slow tests come first."""
    known = last_durations(config)

    def guess(item: pytest.Item) -> float:
        if item.get_closest_marker("skip") is not None:  # e.g. a slow test in the quick loop (above)
            return 0.0
        if item.nodeid in known:
            return known[item.nodeid]
        return 2.0 if item.get_closest_marker("browser") or item.get_closest_marker("slow") else 0.1

    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(xdist_scope(item.nodeid), []).append(item)
    seconds = {scope: sum(guess(item) for item in unit) for scope, unit in units.items()}
    items[:] = [item for scope in sorted(units, key=lambda u: -seconds[u]) for item in units[scope]]


def last_durations(config: pytest.Config) -> dict[str, float]:
    """Each test's duration in the last run that ran it (pytest's cache; nothing with -p no:cacheprovider).
    An xdist worker gets the controlling process's reading (``pytest_configure_node``), so that every
    worker collects the tests in the same order even if another run writes the cache meanwhile."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and DURATIONS_KEY in workerinput:
        return workerinput[DURATIONS_KEY]
    cache = getattr(config, "cache", None)
    return cache.get(DURATIONS_KEY, {}) if cache is not None else {}


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook, in the controlling process
def pytest_configure_node(node) -> None:
    node.workerinput[DURATIONS_KEY] = last_durations(node.config)


_TOOK: dict[str, float] = {}
_SKIPPED: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """How long each test took (setup, call and teardown), for ``longest_first`` next time (in the
    controlling process under xdist: it gets every worker's reports). A skipped test says nothing about
    how long it takes (the quick loop skips the slow ones)."""
    _TOOK[report.nodeid] = _TOOK.get(report.nodeid, 0.0) + report.duration
    if report.skipped:
        _SKIPPED.add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    cache = getattr(config, "cache", None)
    if hasattr(config, "workerinput") or cache is None or not _TOOK:
        return  # a worker: the controlling process writes
    known = cache.get(DURATIONS_KEY, {})
    known.update({nodeid: round(took, 3) for nodeid, took in _TOOK.items() if nodeid not in _SKIPPED})
    cache.set(DURATIONS_KEY, known)


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
    (``span.archive-email[data-email]``) becomes ``<a href="mailto:…">address</a>``, a labelled one
    ``<a href="mailto:…?query">label</a>``. Returns ``soup``."""
    from projarchive.privacy import decode_email

    for span in soup.select("span.archive-email[data-email]"):
        address = decode_email(span["data-email"])
        query = span.get("data-email-query")
        link = soup.new_tag("a", href=f"mailto:{address}" + (f"?{query}" if query else ""),
                            attrs={"class": "archive-email"})
        label = span.select_one(".archive-email__label") if "archive-email--labelled" in span.get("class", []) \
            else None
        if label is not None:  # a labelled link keeps its label as its text
            for child in list(label.contents):
                link.append(child.extract())
        else:
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


# --------------------------------------------------------------------------- the garbage collector

def pytest_collection_finish(session: pytest.Session) -> None:
    """What every test process keeps to its end (the modules imported: MkDocs, Material, our package;
    the collected tests) is moved out of the cyclic collector's sight: each full collection walked it
    again, and the collector was ~13% of the quick loop's CPU (`perf`). The builds' own garbage is
    collected as before. Builds in a test process do not freeze anything themselves: ``BuildSession.start``
    leaves a process that froze objects alone (tests/test_session.py drives both cases)."""
    gc.collect()
    gc.freeze()
