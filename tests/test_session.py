"""The build session (projarchive.session): one object per build holds every rule the MkDocs
adapter used to hold. Driven here without MkDocs, as another site generator would drive it,
and once through MkDocs for what only a real build shows (publishing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, Archive, snapshot

from projarchive.problems import BuildError
from projarchive.session import BuildConfig, BuildSession

RECORDS = {
    "projects/prog.yml": "title: A programme\nstart: 2015-09-01\nsummary: It groups projects.\n",
    "projects/one.yml": "title: One <b>project</b>\nstart: 2016-01-01\nend: 2017-01-01\nsummary: First.\n"
                        "programme: prog\nsections:\n  - {heading: Aims & means, body: To learn.}\n",
    "contacts/acme.yml": "kind: organisation\nname: Acme\n",
}


def session_for(root: Path, command: str | None = None, **options) -> BuildSession:
    for rel, body in RECORDS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    return BuildSession(
        BuildConfig(root=str(root), docs_dir=str(root / "docs"), site_dir=str(root / "site"),
                    templates=str(REPO / "overrides"), site_url="https://example.org/a/", site_name="A",
                    options=options, command=command),
        environ={"SOURCE_DATE_EPOCH": "1767225600"},
    )


def test_generated_pages_get_escaped_titles_their_record_data_and_a_date(tmp_path):
    session = session_for(tmp_path)
    meta = session.page_meta("projects/one.md", None)
    assert meta.meta["title"] == "One &lt;b&gt;project&lt;/b&gt;"  # Material writes meta.title unescaped
    assert '"@type":"Project"' in meta.meta["archive_seo"]["json_ld"]
    assert "search" not in meta.meta and meta.update_date == "2017-01-01"
    assert session.page_meta("projects/index.md", None).meta["search"] == {"exclude": True}  # a listing
    assert session.page_meta("news/index.md", "blog.html").meta == {"search": {"exclude": True}}
    assert session.page_meta("search/index.md", None).meta["search"] == {"exclude": True}  # the results page
    assert meta.meta["archive_search"].type == "Project" and meta.meta["archive_search"].date == "2016-01-01"


def test_hand_written_pages_say_what_they_are_to_the_search_and_the_home_page_is_no_result(tmp_path):
    session = session_for(tmp_path)
    assert session.page_meta("about.md", None).meta["archive_search"].type == "Page"
    guide = session.page_meta("maintainers.md", None, {"audience": "maintainers"}).meta["archive_search"]
    assert guide.type == "For maintainers"
    assert session.page_meta("index.md", None, {}, is_homepage=True).meta == {"search": {"exclude": True}}
    assert session.page_meta("x.md", None, {"search": {"exclude": True}}).meta == {"search": {"exclude": True}}
    with pytest.raises(BuildError, match=r"docs/x.md: audience: should be public or maintainers, not 'editors'"):
        session.page_meta("x.md", None, {"audience": "editors"})


def test_page_content_and_toc_come_from_the_archive_with_links_checked(tmp_path):
    session = session_for(tmp_path)
    pages, documents, data = session.generated_files(["index.md", "about.md"])
    session.site_files({**{spec.src: (session.router.dest(spec.src), session.router.url(spec.src)) for spec in pages},
                        **{dest: (dest, dest) for dest in [*(d for d, _ in data), *(d for d, _ in documents)]},
                        "index.md": ("index.html", "./"), "about.md": ("about/index.html", "about/")})
    content = session.page_content("projects/one.md", "", "projects/one/", False)
    assert ("aims-means", "Aims &amp; means") in content.toc
    assert 'href="../prog/"' in content.html
    home = session.page_content("index.md", "<p>Intro</p>", "", True)
    assert home.html.startswith("<p>Intro</p>") and "projects/" in home.html and home.toc is None
    assert session.page_content("about.md", "<p>A</p>", "about/", False).html == "<p>A</p>"
    with pytest.raises(BuildError, match="internal link to missing.md"):
        session.url_of("missing.md")


def test_a_hand_written_file_where_the_archive_generates_one_is_an_error_naming_both(tmp_path):
    session = session_for(tmp_path)
    with pytest.raises(BuildError) as e:
        session.generated_files(["index.md", "about.md", "projects/one.md", "api/projects.json", "api/extra.json",
                                 "feed.xml", "files/notes.txt", "pagefind/pagefind.js", "_headers", "filesx.md"])
    assert str(e.value).splitlines() == [
        "docs/_headers: _headers is the security policy file the build writes, so a hand-written file there would be "
        "mixed in with or replaced by what the build writes; move docs/_headers out of it",
        "docs/api/extra.json: api/ is where the archive publishes its open data exports, so a hand-written file there "
        "would be mixed in with or replaced by what the build writes; move docs/api/extra.json out of it",
        "docs/api/projects.json: the archive generates api/projects.json here (an open data export), which would "
        "replace this hand-written file; rename or remove docs/api/projects.json",
        "docs/feed.xml: the archive generates feed.xml here (the Atom feed of projects and resources), which would "
        "replace this hand-written file; rename or remove docs/feed.xml",
        "docs/files/notes.txt: files/ is where the archive publishes the documents under resources/ (add a document "
        "there, with a resource record), so a hand-written file there would be mixed in with or replaced by what the "
        "build writes; move docs/files/notes.txt out of it",
        "docs/pagefind/pagefind.js: pagefind/ is where the search index is written, so a hand-written file there "
        "would be mixed in with or replaced by what the build writes; move docs/pagefind/pagefind.js out of it",
        "docs/projects/one.md: the archive generates projects/one.md here (the page 'One <b>project</b>'), which "
        "would replace this hand-written file; rename or remove docs/projects/one.md",
    ]


def test_a_platform_that_publishes_a_page_elsewhere_stops_the_build(tmp_path):
    session = session_for(tmp_path)
    pages, _, _ = session.generated_files([])
    addresses = {spec.src: (session.router.dest(spec.src), session.router.url(spec.src)) for spec in pages}
    addresses["projects/one.md"] = ("projects/one.html", "projects/one.html")
    with pytest.raises(BuildError, match="projects/one.md: the site generator publishes it at projects/one.html"):
        session.site_files(addresses)


def test_settings_and_environment_are_read_for_each_build(tmp_path):
    assert session_for(tmp_path, recent=2).settings.recent == 2
    assert session_for(tmp_path).share_parts
    with pytest.raises(BuildError, match="extra.archive.recnet: unknown option 'recnet'; did you mean 'recent'?"):
        session_for(tmp_path, recnet=2)
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        BuildSession(BuildConfig(root=str(tmp_path), docs_dir=str(tmp_path / "docs"), site_dir=str(tmp_path / "s"),
                                 templates=str(REPO / "overrides")), environ={"SOURCE_DATE_EPOCH": "soon"})


def test_only_mkdocs_build_publishes_through_a_staging_folder(tmp_path):
    building = session_for(tmp_path, command="build")
    assert building.site_dir == str(tmp_path / "site") + ".building"
    assert session_for(tmp_path, command="serve").site_dir == str(tmp_path / "site")
    assert building.end() is not None  # never finished: discarded, and the maintainer is told
    assert not Path(building.site_dir).exists()


def test_a_site_folder_named_like_mkdocs_serves_temporary_folder_is_still_published_atomically(tmp_path):
    """`mkdocs serve` is known from the command, not from the folder's name (it once was: mkdocs_*)."""
    archive = Archive(tmp_path / "archive")
    archive.write("projects/only.yml", "title: Only\nstart: 2009-04-01\nsummary: S.\n")
    first = archive.build("-d", "mkdocs_site")
    assert first.ok, first.output
    before = snapshot(archive.root / "mkdocs_site")
    archive.write("docs/about.md", "# About\n\nSee [a page that is not there](missing.md).\n")  # fails late
    second = archive.build("-d", "mkdocs_site")
    assert not second.ok and "missing.md" in second.output
    assert snapshot(archive.root / "mkdocs_site") == before
    assert not (archive.root / "mkdocs_site.building").exists()


class _NoIndex:
    """Stands for Pagefind where a test only drives the session's steps."""

    def __init__(self, **_options) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def nothing_frozen():
    """A process that freezes nothing of its own (the test run freezes what it imported: conftest)."""
    import gc

    gc.unfreeze()
    yield
    gc.freeze()


@pytest.mark.parametrize("command", ["build", "serve", None])
def test_a_build_keeps_what_lives_all_build_out_of_the_collectors_walks_and_gives_it_back_at_the_end(
        tmp_path, command, nothing_frozen):
    import gc
    import weakref

    class Kept:  # a cycle made before the pages are read: frozen by a build, collectable again after it
        pass
    kept = Kept()
    kept.me = kept
    session = session_for(tmp_path, command)
    session.start(indexer=_NoIndex)
    if command == "build":
        assert gc.get_freeze_count() > 1000  # the catalogue, the page models and the cycle above
    else:  # `serve` keeps its own (hooks/archive_serve.py freezes after a full build); unknown: left alone
        assert gc.get_freeze_count() == 0
    session.failed()
    session.end()
    assert gc.get_freeze_count() == 0
    gone = weakref.ref(kept)
    del kept
    gc.collect()
    assert gone() is None  # the cycle is not kept for the rest of the process's life


def test_a_build_in_a_process_that_freezes_objects_itself_leaves_them_as_they_are(tmp_path):
    import gc

    gc.freeze()  # as the test run (conftest) or `mkdocs serve` (after a full build) does
    before = gc.get_freeze_count()
    session = session_for(tmp_path, "build")
    session.start(indexer=_NoIndex)
    assert gc.get_freeze_count() <= before  # nothing frozen by the build (objects freed meanwhile leave it)
    session.failed()
    session.end()
    assert gc.get_freeze_count() > before // 2  # nor unfrozen by it


class _IndexTakingNotes(_NoIndex):
    """Stands for Pagefind: notes how it was made and when the index was written."""

    def __init__(self, **options) -> None:
        super().__init__()
        self.options = options
        self.deferred = bool(options.get("defer"))
        self.written: list[str] = []

    def write(self, site_dir: str) -> None:
        self.written.append(site_dir)


@pytest.mark.parametrize(("command", "cores", "deferred"),
                         [("build", 1, True), ("build", 2, False), ("serve", 1, False), (None, 1, False)])
def test_a_build_with_one_core_gives_pagefind_the_pages_once_they_are_written(tmp_path, monkeypatch, command, cores,
                                                                               deferred, nothing_frozen):
    """With one core, Pagefind reading pages beside the build only takes turns with it: the indexer
    keeps them back (search.SiteIndexer's defer) and the session does not ask for the index early."""
    from projarchive import session as session_module

    monkeypatch.setattr(session_module, "usable_cores", lambda: cores)
    session = session_for(tmp_path, command)
    session.start(indexer=_IndexTakingNotes)
    indexer = session._indexer
    assert isinstance(indexer, _IndexTakingNotes) and indexer.options["defer"] is deferred
    session.pages_read()
    assert indexer.written == ([] if deferred else [session.site_dir])
    session.failed()
    session.end()


def test_usable_cores_follows_the_process_s_affinity():
    from projarchive.catalogue import usable_cores

    before = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {min(before)})
        assert usable_cores() == 1
    finally:
        os.sched_setaffinity(0, before)
    assert usable_cores() == len(before)
