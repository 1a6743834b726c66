"""`mkdocs serve`: in this process on a small archive (the quick run), and as a maintainer runs it,
a real process on a copy of the sample archive (``slow``).

A save that touches only records updates the pages it reaches (hooks/archive_serve.py,
projarchive.preview); after edits, additions, a rename and deletions the served site must be
byte for byte the site a clean build of the same records gives (here: the full build that a
change to mkdocs.yml starts in the same server). A save that breaks a record puts its
``file:line:col: error: …`` list on every page, over the last good page, without any request
waiting, and the next good save recovers.

Both are checked twice. In this process (``conftest.mkdocs_serving``: MkDocs' own ``serve`` with the
hooks' preview as its builder, saves rebuilt at once, pages asked of the server's WSGI application),
where everything but the file watching and the socket is real. And by ``mkdocs serve`` in a process
of its own, learning of saves from the file system and answering over HTTP (marked ``slow``: they
wait on the server's rebuilds, and run with the whole suite and in CI).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import EPOCH, FOLDERS, REPO, Archive, make_pdf, mkdocs_serving, snapshot, text

SAMPLE = ("mkdocs.yml", "hooks", "overrides", "docs", *FOLDERS)


class Served:
    """`mkdocs serve` in a subprocess, its site folder and its log."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root = root
        self.temp = work / "tmp"
        self.temp.mkdir(parents=True)
        self.log = work / "serve.log"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}/archive/"
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(self.temp)}
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}"],
                                         cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 300
        while True:
            try:
                self.get("")
                break
            except (urllib.error.URLError, ConnectionError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"mkdocs serve did not start:\n{self.log.read_text()}") from None
                time.sleep(0.3)

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        """Status and text of a page; a request that waits longer than ``timeout`` fails the test."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8")

    def epoch(self) -> int:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/livereload/0/0", timeout=10) as r:
            return int(r.read())

    def saved(self, before: int) -> int:
        """Wait for the rebuild a save started (browsers reload at each), until no other follows."""
        epoch = before
        deadline = time.monotonic() + 300
        while epoch == before:
            assert time.monotonic() < deadline, self.log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/livereload/{epoch}/0", timeout=60) as r:
                    epoch = int(r.read())
            except TimeoutError:
                pass
        while True:  # a save can be seen in two parts: wait until no rebuild follows for a while
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/livereload/{epoch}/0", timeout=2.5) as r:
                    epoch = int(r.read())
            except (TimeoutError, urllib.error.URLError):
                return epoch

    def save(self, *changes) -> str:
        """Make the changes (callables), wait for the rebuild; return what the server said about it."""
        start = len(self.log.read_text().splitlines())
        before = self.epoch()
        for change in changes:
            change()
        self.saved(before)
        return "\n".join(self.log.read_text().splitlines()[start:])

    def search_settled(self) -> None:
        """Wait until the search index made again after the last update is in place."""
        deadline = time.monotonic() + 300
        while True:
            lines = self.log.read_text().splitlines()
            last = max((i for i, line in enumerate(lines) if "Updated " in line), default=-1)
            if any("Search index made again" in line for line in lines[last + 1:]):
                return
            assert time.monotonic() < deadline, "\n".join(lines)
            time.sleep(0.2)

    @property
    def site(self) -> Path:
        (folder,) = self.temp.glob("mkdocs_*")
        return folder

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    work = tmp_path_factory.mktemp("serve")
    root = work / "archive"
    root.mkdir()
    for name in SAMPLE:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    server = Served(root, work)
    yield server
    server.stop()


def write(path: Path, content: str | bytes) -> None:
    """Write a file so that the server sees a change even within one tick of the clock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def edit(path: Path, old: str, new: str) -> None:
    body = path.read_text(encoding="utf-8")
    assert old in body, f"{old!r} is not in {path}"
    write(path, body.replace(old, new))


def h1(html: str) -> str:
    return text(BeautifulSoup(html, "html.parser").select_one("article h1"))


NEW_PROJECT = """\
title: Growing together, a gardening project
start: 2019-05-01
end: 2019-12-31
summary: Gardening with people in recovery.
themes: [gardening, mental health]
regions: [North West]
programme: clmh-research-2015-17
organisations:
  - {id: q-training, role: Partner}
contacts:
  - {id: catina-barrett, role: Adviser}
resources: [lsc-data]
"""


@pytest.mark.slow
def test_saved_records_update_the_served_site_exactly_as_a_clean_build_would(served):
    root = served.root
    said = served.save(lambda: edit(root / "projects/take-ten-people.yml", 'title: "Take Ten People:',
                                    'title: "Take Ten People, edited:'))
    assert "Updated" in said and "Built the whole site" not in said
    assert h1(served.get("projects/take-ten-people/")[1]).startswith("Take Ten People, edited:")

    said = served.save(lambda: write(root / "projects/growing-together.yml", NEW_PROJECT))
    assert "Updated" in said
    assert h1(served.get("projects/growing-together/")[1]) == "Growing together, a gardening project"
    assert served.get("themes/gardening/")[0] == 200

    def rename_contact() -> None:
        for project in root.glob("projects/*.yml"):
            if "catina-barrett" in project.read_text(encoding="utf-8"):
                edit(project, "catina-barrett", "catina-barrett-2")
        (root / "contacts/catina-barrett.yml").rename(root / "contacts/catina-barrett-2.yml")

    served.save(rename_contact)
    assert served.get("contacts/catina-barrett/")[0] == 404
    assert served.get("contacts/catina-barrett-2/")[0] == 200

    said = served.save(lambda: (root / "projects/increasing-take-up-of-work-based-learning.yml").unlink(),
                       lambda: write(root / "resources/lsc-data/lsc-data.pdf", make_pdf(7, "Changed")),
                       # a file of a resource of two: its thumbnail and its "Download all" ZIP are made again
                       lambda: write(root / "resources/take-ten-people/training-pack.pdf", make_pdf(3, "Changed")),
                       lambda: edit(root / "projects/career-learning-pilots.yml", "title: Career Learning Pilots",
                                    "title: Career Learning Pilots (named in a news post)"))
    assert "Built the whole site" not in said
    assert served.get("projects/increasing-take-up-of-work-based-learning/")[0] == 404

    served.search_settled()
    updated = snapshot(served.site)
    said = served.save(lambda: write(root / "mkdocs.yml", (root / "mkdocs.yml").read_text() + "\n"))
    assert "Built the whole site (mkdocs.yml changed)" in said
    clean = snapshot(served.site)
    assert sorted(updated) == sorted(clean)
    assert [path for path in clean if updated[path] != clean[path]] == []


@pytest.mark.slow
def test_a_broken_record_shows_its_errors_on_every_page_until_a_good_save(served):
    root = served.root
    project = root / "projects/take-ten-people.yml"
    good = project.read_text(encoding="utf-8")
    start = re.search(r"^start: (\S+)$", good, re.MULTILINE)
    assert start is not None
    said = served.save(lambda: edit(project, f"start: {start[1]}", "start: 31/03/2010"))
    assert "Traceback" not in said
    assert "projects/take-ten-people.yml:" in said and "'31/03/2010' is not a date" in said
    for path in ("projects/take-ten-people/", "", "projects/not-there/"):  # a 404 page too; none waits
        _, html = served.get(path, timeout=5)
        box = BeautifulSoup(html, "html.parser").select_one("body > section.archive-serve-errors[role=alert]")
        assert box is not None, path
        lines = [text(code) for code in box.select("li code")]
        assert any(re.fullmatch(r"projects/take-ten-people\.yml:\d+:\d+: error: start: '31/03/2010' is not a "
                                r"date; .*", line) for line in lines), lines
        # the sentences around the list, as sentences: "The archive's ...", not the log's "the archive's ..."
        assert [text(p) for p in box.find_all("p", recursive=False)][1:] == [
            "The archive's records have problems:",
            "1 error in 1 file; nothing was built and the previous site was left as it was."], path
    page = BeautifulSoup(served.get("projects/take-ten-people/")[1], "html.parser")
    assert h1(str(page)).startswith("Take Ten People")  # the last good page, below the errors

    said = served.save(lambda: write(project, good.replace('title: "Take Ten People', 'title: "Take Ten People again')))
    assert "Updated" in said
    html = served.get("projects/take-ten-people/")[1]
    assert "archive-serve-errors" not in html and h1(html).startswith("Take Ten People again")

    # a save that needs a full build (a hand-written page) fails on a record the same way, and recovers
    about = root / "docs/about.md"
    said = served.save(lambda: edit(project, "title: \"Take Ten People again", "title: [unclosed"),
                       lambda: write(about, about.read_text() + "\nA new line.\n"))
    assert "Traceback" not in said and "projects/take-ten-people.yml:" in said
    assert "archive-serve-errors" in served.get("about/", timeout=5)[1]
    said = served.save(lambda: write(project, good))
    assert "Built the whole site" in said  # docs/about.md is still to be built
    assert "A new line." in served.get("about/")[1] and "archive-serve-errors" not in served.get("about/")[1]


# --------------------------------------------------------------------------- in this process

RECORDS: dict[str, str | bytes] = {
    "projects/prog.yml": "title: A programme\nstart: 2015-09-01\nend: 2017-08-31\nsummary: Groups projects.\n"
                         "themes: [mental health]\n",
    "projects/one.yml": "title: One\nstart: 2016-01-01\nend: 2016-12-31\nsummary: First.\nprogramme: prog\n"
                        "themes: [mental health, employment]\nregions: [London]\n"
                        "sites:\n  - {name: The hall, town: Leeds, lat: '53.80', lon: '-1.55'}\n"
                        "organisations:\n  - {id: acme, role: Lead}\n"
                        "contacts:\n  - {id: jane, role: Officer}\n  - {id: raj, organisation: beta}\n"
                        "resources: [pack, single]\n",
    "projects/two.yml": "title: Two\nstart: 2017-01-01\nsummary: Second, still running.\nprogramme: prog\n"
                        "themes: [employment]\ncontacts:\n  - {id: raj}\n",
    "projects/three.yml": "title: Three\nstart: 2012\nend: 2013\nsummary: Older.\nregions: [Wales]\n"
                          "resources: [pack]\norganisations:\n  - {id: beta, role: Funder}\n",
    "contacts/acme.yml": "kind: organisation\nname: Acme Trust\n",
    "contacts/beta.yml": "kind: organisation\nname: Beta College\n",
    "contacts/jane.yml": "kind: person\nname: Jane Doe\norganisation: acme\nrole: Director\n",
    "contacts/raj.yml": "kind: person\nname: Raj Patel\norganisation: acme\n",
    "resources/pack.yml": "title: The pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: Toolbox}\n"
                          "  - {file: pack/b.pdf, title: Cards}\n",
    "resources/single.yml": "title: A report\nkind: report\nfiles:\n  - {file: single.pdf, title: Report}\n",
    "resources/pack/a.pdf": make_pdf(2),
    "resources/pack/b.pdf": make_pdf(1, "Cards"),
    "resources/single.pdf": make_pdf(3, "Report"),
    # a news post that names a project: its page lists the post, the post shows the project's title
    "docs/news/posts/one.md": "---\ndate: 2016-06-01\nprojects: [one]\n---\n\n# One is under way\n\nNews.\n",
}

NEW_RECORD = "title: Growing together\nstart: 2019-05-01\nend: 2019-12-31\nsummary: Gardening.\n" \
             "themes: [gardening]\nregions: [North West]\nprogramme: prog\ncontacts:\n  - {id: jane, role: Adviser}\n" \
             "resources: [single]\n"


@pytest.fixture(scope="module")
def previewed(tmp_path_factory):
    """A small archive served by `mkdocs serve` in this process (conftest.mkdocs_serving)."""
    work = tmp_path_factory.mktemp("preview")
    archive = Archive(work / "archive")
    for rel, content in RECORDS.items():
        (archive.write_bytes if isinstance(content, bytes) else archive.write)(rel, content)
    with mkdocs_serving(archive.root, work / "tmp") as serving:
        yield serving


def test_in_process_saved_records_update_the_site_exactly_as_a_clean_build_would(previewed):
    root = previewed.root
    said = previewed.save(lambda: edit(root / "projects/one.yml", "title: One", "title: One, edited"))
    assert "Updated" in said and "Built the whole site" not in said, said
    assert h1(previewed.get("projects/one/")[1]) == "One, edited"

    said = previewed.save(lambda: write(root / "projects/growing.yml", NEW_RECORD))
    assert "Updated" in said and "Built the whole site" not in said, said
    assert h1(previewed.get("projects/growing/")[1]) == "Growing together"
    assert previewed.get("themes/gardening/")[0] == 200

    def rename_contact() -> None:
        for project in root.glob("projects/*.yml"):
            if "raj" in project.read_text(encoding="utf-8"):
                edit(project, "id: raj", "id: raj-patel")
        (root / "contacts/raj.yml").rename(root / "contacts/raj-patel.yml")

    said = previewed.save(rename_contact)
    assert "Updated" in said, said
    assert previewed.get("contacts/raj/")[0] == 404
    assert previewed.get("contacts/raj-patel/")[0] == 200

    said = previewed.save(lambda: (root / "projects/three.yml").unlink(),
                          lambda: write(root / "resources/single.pdf", make_pdf(7, "Changed")),
                          # a file of a resource of two: its thumbnail and its "Download all" ZIP are made again
                          lambda: write(root / "resources/pack/b.pdf", make_pdf(3, "Changed")),
                          # the project a news post names: the post shows its new title
                          lambda: edit(root / "projects/one.yml", "title: One, edited", "title: One (in the news)"))
    assert "Updated" in said and "Built the whole site" not in said, said
    assert previewed.get("projects/three/")[0] == 404

    previewed.search_settled()
    updated = snapshot(previewed.site)
    said = previewed.save(lambda: write(root / "mkdocs.yml", (root / "mkdocs.yml").read_text() + "\n"))
    assert "Built the whole site (mkdocs.yml changed)" in said, said
    clean = snapshot(previewed.site)
    assert sorted(updated) == sorted(clean)
    assert [path for path in clean if updated[path] != clean[path]] == []


def test_in_process_a_broken_record_shows_its_errors_on_every_page_until_a_good_save(previewed):
    root = previewed.root
    project = root / "projects/two.yml"
    good = project.read_text(encoding="utf-8")
    said = previewed.save(lambda: edit(project, "start: 2017-01-01", "start: 31/03/2010"))
    assert "Traceback" not in said
    assert "projects/two.yml:" in said and "'31/03/2010' is not a date" in said, said
    for path in ("projects/two/", "", "projects/not-there/"):  # a 404 page too
        _, html = previewed.get(path)
        box = BeautifulSoup(html, "html.parser").select_one("body > section.archive-serve-errors[role=alert]")
        assert box is not None, path
        lines = [text(code) for code in box.select("li code")]
        assert any(re.fullmatch(r"projects/two\.yml:\d+:\d+: error: start: '31/03/2010' is not a date; .*", line)
                   for line in lines), lines
    assert h1(previewed.get("projects/two/")[1]) == "Two"  # the last good page, below the errors

    said = previewed.save(lambda: write(project, good.replace("title: Two", "title: Two again")))
    assert "Updated" in said, said
    html = previewed.get("projects/two/")[1]
    assert "archive-serve-errors" not in html and h1(html) == "Two again"

    # a save that needs a full build (a hand-written page) fails on a record the same way, and recovers
    about = root / "docs/about.md"
    said = previewed.save(lambda: edit(project, "title: Two again", "title: [unclosed"),
                          lambda: write(about, about.read_text() + "\nA new line.\n"))
    assert "Traceback" not in said and "projects/two.yml:" in said, said
    assert "archive-serve-errors" in previewed.get("about/")[1]
    said = previewed.save(lambda: write(project, good))
    assert "Built the whole site" in said, said  # docs/about.md is still to be built
    assert "A new line." in previewed.get("about/")[1] and "archive-serve-errors" not in previewed.get("about/")[1]


# --------------------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_the_open_page_reloads_by_itself_with_a_change_with_errors_and_after_the_fix(served, browser):
    """What the maintainer sees: the page in the browser reloads after each save (MkDocs' live reload,
    whose waits no longer hang), showing the change, then the error list, then the fixed page."""
    project = served.root / "projects/embedding-learning-in-everyday-activity.yml"
    good = project.read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served.base + "projects/embedding-learning-in-everyday-activity/", wait_until="load")
    heading = page.locator("article h1").first
    errors = page.get_by_role("alert").filter(has_text="Your last save did not build")

    edit(project, "title: Embedding learning", "title: Reloaded, embedding learning")
    expect_text(heading, "Reloaded, embedding learning")
    edit(project, "start: 2010", "start: the winter of 2010")
    errors.wait_for(timeout=60_000)
    assert "embedding-learning-in-everyday-activity.yml:" in errors.inner_text()
    # on screen, not above it: a reload keeps the page where it was, and Chrome did so by the element it
    # had at the top, so the new list went above the window at desktop widths (until serve-errors.html
    # turned that off); looked at a moment after the reload, when the page has settled
    page.wait_for_timeout(300)
    assert page.evaluate("scrollY") == 0
    assert errors.bounding_box()["y"] >= 0
    assert heading.inner_text().startswith("Reloaded,")  # the last good page, below the list
    write(project, good)
    errors.wait_for(state="detached", timeout=60_000)
    expect_text(heading, "Embedding learning in everyday activity")
    page.close()


def expect_text(locator, wanted: str, timeout: float = 60) -> None:
    """Wait until the element's text starts with ``wanted`` (the page may reload meanwhile)."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout
    while True:
        try:
            if (locator.text_content(timeout=1000) or "").strip().startswith(wanted):
                return
        except PlaywrightError:
            pass  # reloading
        assert time.monotonic() < deadline, f"{wanted!r} never shown"
        time.sleep(0.05)


def _server_watching(folder: Path):
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(folder))
    server.watch(str(folder))
    return server


@pytest.mark.parametrize("setting", ["", "poll"])
def test_saves_are_learnt_of_from_the_system_unless_polling_is_asked_for(tmp_path, monkeypatch, setting):
    sys.path.insert(0, str(REPO / "hooks"))
    try:
        from archive_serve import _native_watching, _Saves
    finally:
        sys.path.remove(str(REPO / "hooks"))
    from watchdog.observers.polling import PollingObserver

    monkeypatch.setenv("PROJARCHIVE_WATCH", setting)
    server = _server_watching(tmp_path)
    saves = _Saves()
    try:
        _native_watching(server, [str(tmp_path)], saves)
        assert server._watched_paths == {str(tmp_path): 1}  # the same paths, watched once each
        if setting == "poll":
            assert isinstance(server.observer, PollingObserver)  # MkDocs' own, as it was
            return
        assert not isinstance(server.observer, PollingObserver)
        assert len(server.observer.emitters) == 1
        # the paths the system names are kept for the next save, which looks again at those only
        assert saves.take() is None  # nothing said yet: look at everything
        server.observer.start()
        (tmp_path / "a.yml").write_text("x")
        (tmp_path / "b.yml").write_text("y")
        (tmp_path / "b.yml").rename(tmp_path / "c.yml")
        told: set[str] = set()
        deadline = time.monotonic() + 10
        while str(tmp_path / "c.yml") not in told:
            assert time.monotonic() < deadline, told
            told |= saves.take() or set()
            time.sleep(0.05)
        assert {str(tmp_path / name) for name in ("a.yml", "b.yml", "c.yml")} <= told
        (tmp_path / "folder").mkdir()  # a folder made (or moved in) may bring files that have no events
        deadline = time.monotonic() + 10
        while not saves._everything:
            assert time.monotonic() < deadline, "the folder was never said to be made"
            time.sleep(0.05)
        (tmp_path / "d.yml").write_text("z")
        time.sleep(0.5)
        assert saves.take() is None  # so the next save looks at every file
    finally:
        if server.observer.is_alive():
            server.observer.stop()
            server.observer.join()
        server.server_close()
