"""One build at a time, and atomic publishing (projarchive.publish).

The swap, the recovery and the lock are tested step by step in this process (a "kill" after
each step of publishing, with and without the atomic exchange); then, with real processes on a
generated archive of a few hundred projects, two `mkdocs build`s started together and builds
killed at several moments, while a reader polls the site folder as a web server would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import EPOCH, MKDOCS, Archive, make_pdf, snapshot

from projarchive import publish
from projarchive.problems import BuildError
from projarchive.publish import Publisher, SiteLock, exchange, lock_path, previous_dir, recover, staging_dir


def make_site(path: Path, label: str, files: int = 5) -> dict[str, bytes]:
    path.mkdir(parents=True)
    for i in range(files):
        (path / f"page{i}").mkdir()
        (path / f"page{i}" / "index.html").write_text(f"<p>{label} {i}</p>", encoding="utf-8")
    (path / "index.html").write_text(f"<p>{label}</p>", encoding="utf-8")
    return snapshot(path)


class Killed(BaseException):
    """Stands for SIGKILL: raised at one step of publishing, it skips everything after it."""


def steps_killed_at(monkeypatch: pytest.MonkeyPatch, n: int) -> list[str]:
    """Make the n-th file-system step of publishing (rename, exchange, remove) "kill" the build
    before it happens; returns the log of the steps taken."""
    taken: list[str] = []

    def counted(name, real):
        def step(*args, **kwargs):
            if len(taken) == n:
                raise Killed(name)
            taken.append(name)
            return real(*args, **kwargs)
        return step

    monkeypatch.setattr(publish.os, "rename", counted("rename", os.rename))
    monkeypatch.setattr(publish, "remove_tree", counted("remove", publish.remove_tree))
    return taken


@pytest.mark.parametrize("atomic", [True, False], ids=["exchange", "two renames"])
@pytest.mark.parametrize("kill_at", range(5))
def test_a_build_killed_at_any_step_of_publishing_leaves_a_whole_site(tmp_path, monkeypatch, atomic, kill_at):
    site = tmp_path / "site"
    old = make_site(site, "old")
    new = make_site(Path(staging_dir(str(site))), "new", files=7)
    real_exchange = exchange
    swaps: list[str] = []

    def swap(a: str, b: str) -> bool:
        if not atomic:
            return False
        if len(taken) == kill_at:
            raise Killed("exchange")
        taken.append("exchange")
        swaps.append(a)
        return real_exchange(a, b)

    taken = steps_killed_at(monkeypatch, kill_at)
    try:
        how = publish.publish(staging_dir(str(site)), str(site), swap=swap)
    except Killed:
        how = None
    monkeypatch.undo()
    if atomic:  # a reader never finds the site missing: it is there, old or new, after every step
        assert snapshot(site) in (old, new), taken
    recover(str(site))  # what the next build does first, holding the lock
    assert snapshot(site) in (old, new), taken
    if how is not None:
        assert snapshot(site) == new and how == ("exchange" if atomic else "two renames")
    assert not Path(staging_dir(str(site))).exists() and not Path(previous_dir(str(site))).exists()


def test_killed_between_the_fallbacks_two_renames_the_next_build_puts_the_old_site_back(tmp_path):
    site = tmp_path / "site"
    old = make_site(site, "old")
    os.rename(site, previous_dir(str(site)))  # the first rename happened, the second did not
    make_site(Path(staging_dir(str(site))), "half-written")
    done = recover(str(site))
    assert snapshot(site) == old
    assert done == [f"put back the site an interrupted build left in {previous_dir(str(site))}",
                    f"removed {staging_dir(str(site))}, left by an interrupted build"]


def test_the_first_site_is_published_by_one_rename(tmp_path):
    site = tmp_path / "site"
    new = make_site(Path(staging_dir(str(site))), "new")
    assert publish.publish(staging_dir(str(site)), str(site)) == "rename"
    assert snapshot(site) == new


def test_the_exchange_swaps_two_folders_in_one_step(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    sa, sb = make_site(a, "a"), make_site(b, "b")
    if not exchange(str(a), str(b)):
        pytest.skip("this file system cannot exchange two paths; publishing uses two renames here")
    assert snapshot(a) == sb and snapshot(b) == sa


def test_a_second_build_waits_for_the_lock_and_names_its_holder(tmp_path):
    site = str(tmp_path / "site")
    first = SiteLock(site, "mkdocs build")
    assert first.try_acquire()
    said: list[str] = []
    second = SiteLock(site, "mkdocs build")
    released = threading.Timer(0.5, first.release)
    released.start()
    second.acquire(5, said.append)  # waits until the first releases
    assert second.held and len(said) == 1
    assert said[0].startswith(f"Waiting for another build to finish writing {site}: pid {os.getpid()} (mkdocs build) "
                              "since ")
    second.release()
    assert not os.path.exists(lock_path(site)), "the holder removes the lock file"


def test_a_second_build_that_may_not_wait_stops_with_a_message_naming_the_holder(tmp_path):
    site = str(tmp_path / "site")
    first = SiteLock(site, "mkdocs gh-deploy")
    assert first.try_acquire()
    with pytest.raises(BuildError) as e:
        SiteLock(site, "mkdocs build").acquire(0, print)
    message = str(e.value)
    assert message.startswith(f"another build is writing {site}: pid {os.getpid()} (mkdocs gh-deploy) since ")
    assert f"it still holds {lock_path(site)}." in message and "PROJARCHIVE_LOCK_WAIT" in message
    first.release()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    site = str(tmp_path / "site")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from projarchive.publish import SiteLock\n"
        f"lock = SiteLock({site!r}, 'mkdocs build'); assert lock.try_acquire(); print('held', flush=True)\n"
        "time.sleep(60)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not SiteLock(site).try_acquire()
    finally:
        holder.kill()
        holder.wait()
    assert os.path.exists(lock_path(site)), "a killed holder cannot remove its file..."
    lock = SiteLock(site)
    assert lock.try_acquire(), "...but the lock ended with it"
    lock.release()


@pytest.mark.parametrize(("had_site", "message"), [
    (True, "The build failed; the previous site in {site} was left as it was."),
    (False, "The build failed; nothing was published (there was no site in {site} before)."),
])
def test_a_failed_build_says_the_previous_site_was_left_only_when_there_was_one(tmp_path, had_site, message):
    site = tmp_path / "site"
    if had_site:
        before = make_site(site, "old")
    publisher = Publisher(str(site), staged=True, locked=True, command="mkdocs build")
    publisher.begin()
    make_site(Path(publisher.target), "half")
    assert publisher.finish(ok=False) == message.format(site=site)
    assert not Path(publisher.target).exists() and not Path(lock_path(str(site))).exists()
    assert (snapshot(site) == before) if had_site else not site.exists()
    assert publish.nothing_built(str(site), staged=True) == (
        "nothing was built and the previous site was left as it was." if had_site
        else f"nothing was built (there is no site in {site} yet).")


def test_a_site_folder_that_is_a_symbolic_link_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "site").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BuildError, match="is a symbolic link; a build replaces the site folder itself"):
        Publisher(str(tmp_path / "site"), staged=True, locked=True).begin()
    assert not Path(lock_path(str(tmp_path / "site"))).exists()


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_wait_that_is_not_a_number_of_seconds_is_refused(value):
    with pytest.raises(BuildError, match=f"PROJARCHIVE_LOCK_WAIT='{value}' is not a number of seconds"):
        publish.lock_wait({"PROJARCHIVE_LOCK_WAIT": value})


# --------------------------------------------------------------------------- real builds, real processes

PROJECTS = 240


def generate(archive: Archive, n: int = PROJECTS) -> None:
    """A few hundred small projects with organisations, people and a document: hundreds of pages."""
    archive.write_bytes("resources/pack/guide.pdf", make_pdf(3))
    archive.write("resources/pack.yml", "title: Guide\nkind: toolkit\nfiles:\n  - {file: pack/guide.pdf, title: Guide}\n")
    for i in range(10):
        archive.write(f"contacts/org-{i}.yml", f"kind: organisation\nname: Organisation {i}\n")
    for i in range(n):
        archive.write(f"projects/p-{i:03d}.yml", (
            f"title: Project number {i}\nstart: {2000 + i % 20}-04-01\nend: {2001 + i % 20}-03-31\n"
            f"summary: The summary of project {i}, with words to search.\nthemes: [theme {i % 7}]\n"
            f"regions: [region {i % 5}]\norganisations:\n  - {{id: org-{i % 10}, role: Lead}}\n"
            "resources: [pack]\nsections:\n  - heading: What it did\n"
            f"    body: It did a thing, number {i}, and learnt from it.\n"))


def build_env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def start_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*MKDOCS, "build", "--strict", *args], cwd=root, env=build_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


class Reader:
    """Polls the site as a web server would: every few milliseconds, the home page, a listing, the
    search index's entry file and an export must be there and whole."""

    FILES = ("index.html", "projects/index.html", "pagefind/pagefind-entry.json", "api/projects.json")

    def __init__(self, site: Path) -> None:
        self.site = site
        self.reads = 0
        self.problems: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for rel in self.FILES:
                try:
                    data = (self.site / rel).read_bytes()
                except OSError as e:
                    self.problems.append(f"{rel}: {e.strerror}")
                    continue
                if rel.endswith(".html") and not data.rstrip().endswith(b"</html>"):
                    self.problems.append(f"{rel}: cut short")
                elif rel.endswith(".json"):
                    try:
                        json.loads(data)
                    except ValueError:
                        self.problems.append(f"{rel}: not valid JSON")
            self.reads += 1
            time.sleep(0.002)

    def stop(self) -> list[str]:
        self._stop.set()
        self._thread.join()
        return self.problems


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> tuple[Archive, dict[str, bytes]]:
    """The generated archive, built once: (archive, its site)."""
    archive = Archive(tmp_path_factory.mktemp("big") / "archive")
    generate(archive)
    # a second configuration for the same records: every page names its site differently
    config = (archive.root / "mkdocs.yml").read_text(encoding="utf-8")
    (archive.root / "mkdocs-b.yml").write_text(config.replace("site_name: Project Resource Library",
                                                              "site_name: Second Library"), encoding="utf-8")
    result = archive.build()
    assert result.ok, result.output
    return archive, snapshot(archive.root / "site")


def whole(site: Path, expected: dict[str, bytes]) -> str:
    """Which configuration's site ``site`` is, wholly ("A" or "B"); fails if it is neither or a mixture.
    ``expected`` is A's site; every file that names its site (pages, the feed) must name the same one,
    and every other file must be what A's build wrote (B's build writes the same)."""
    got = snapshot(site)
    assert sorted(got) == sorted(expected), "files missing or extra"
    names = set()
    for rel, data in got.items():
        if b"Second Library" in data:
            names.add("B")
        elif b"Project Resource Library" in data:
            names.add("A")
            assert data == expected[rel], rel
        elif rel != "sitemap.xml.gz":
            assert data == expected[rel], rel
    assert len(names) == 1, "files of both builds in one site"
    return names.pop()


@pytest.mark.slow
def test_two_builds_started_together_leave_one_whole_site(big):
    archive, site_a = big
    reader = Reader(archive.root / "site")
    builds = [start_build(archive.root), start_build(archive.root, "-f", "mkdocs-b.yml")]
    outputs = [b.communicate(timeout=600)[0] for b in builds]
    problems = reader.stop()
    assert [b.returncode for b in builds] == [0, 0], outputs
    assert problems == [] and reader.reads > 50
    waited = [out for out in outputs if "Waiting for another build to finish writing" in out]
    assert len(waited) == 1, "exactly one build waited for the other"
    other = builds[1 - outputs.index(waited[0])].pid
    assert f": pid {other} (mkdocs build) since " in waited[0]
    assert "Traceback" not in "".join(outputs)
    winner = whole(archive.root / "site", site_a)
    assert winner == ("B" if builds[1].pid != other else "A"), "the build that waited published last"
    assert sorted(os.listdir(archive.root)) == sorted(
        ["contacts", "docs", "hooks", "mkdocs-b.yml", "mkdocs.yml", "overrides", "projects", "resources", "site",
         ".cache", "properdocs.yml"])


def wait_for(condition, proc: subprocess.Popen, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.001)
    return False


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_whole_site(big):
    archive, _ = big
    site = archive.root / "site"
    if whole(site, big[1]) != "A":  # the test before may have left the other configuration's site
        assert archive.build().ok
    old = snapshot(site)
    archive.write("projects/p-000.yml", (archive.root / "projects/p-000.yml").read_text(encoding="utf-8")
                  .replace("Project number 0", "Project number zero"))
    staging = Path(staging_dir(str(site)))
    moments = {
        "while reading the records": lambda: True,
        "while writing pages": lambda: (staging / "projects").is_dir(),
        "while writing the search index": lambda: (staging / "pagefind").is_dir(),
        "while publishing": lambda: (staging / "_headers").is_file(),
    }
    reader = Reader(site)
    after: dict[str, dict[str, bytes]] = {}
    for moment, condition in moments.items():
        build = start_build(archive.root)
        reached = wait_for(condition, build)
        if reached:  # else the build has ended, and wait_for has reaped it: there is nothing to kill
            os.killpg(build.pid, signal.SIGKILL)
        build.communicate()
        assert reached or build.returncode == 0, f"the build ended before {moment}"
        after[moment] = snapshot(site)
    final = start_build(archive.root)
    output = final.communicate(timeout=600)[0]
    problems = reader.stop()
    assert final.returncode == 0, output
    new = snapshot(site)
    assert new != old
    for moment, seen in after.items():
        assert seen in (old, new), f"killed {moment}, the site was neither the old nor the new one"
    assert after["while reading the records"] == old
    assert problems == [] and reader.reads > 50
    assert not staging.exists() and not Path(previous_dir(str(site))).exists()
    assert not Path(lock_path(str(site))).exists()
    assert "Traceback" not in output


def test_the_sample_build_leaves_nothing_beside_the_site(sample):
    """A good build removes its staging folder and its lock: only the site is left."""
    assert sample.ok, sample.output
    beside = sorted(p.name for p in sample.site.parent.iterdir() if p.name.startswith(sample.site.name))
    assert beside == [sample.site.name]
