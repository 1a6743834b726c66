"""The incremental preview (projarchive.preview, BuildSession.preview_update), without MkDocs.

After each kind of edit a maintainer makes, the update must name every page whose model (what
the page shows) changed, and only those: the truth is every page model made again from the new
catalogue, compared with the old. The data files must equal those of a full build. Served
through MkDocs, the same edits are compared with a clean build in test_serve.py.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_pdf

from projarchive.catalogue import Catalogue, load_catalogue
from projarchive.pages import site_pages
from projarchive.preview import (
    ReferenceGraph,
    changed_paths,
    error_app,
    failure_lines,
    needs_full_build,
    remove_from_site,
    take_snapshot,
    with_errors,
)
from projarchive.problems import BuildError
from projarchive.public import public_files
from projarchive.session import BuildConfig, BuildSession

RECORDS: dict[str, str | bytes] = {
    "projects/prog.yml": "title: A programme\nstart: 2015-09-01\nend: 2017-08-31\nsummary: Groups projects.\n"
                         "themes: [mental health]\n",
    "projects/one.yml": "title: One\nstart: 2016-01-01\nend: 2016-12-31\nsummary: First.\nprogramme: prog\n"
                        "themes: [mental health, employment]\nregions: [London]\n"
                        "organisations:\n  - {id: acme, role: Lead}\n"
                        "contacts:\n  - {id: jane, role: Officer}\n  - {id: raj, organisation: beta}\n"
                        "resources: [pack]\n",
    "projects/two.yml": "title: Two\nstart: 2017-01-01\nsummary: Second, still running.\nprogramme: prog\n"
                        "themes: [employment]\ncontacts:\n  - {id: raj}\n",
    "projects/three.yml": "title: Three\nstart: 2012\nend: 2013\nsummary: Older.\nregions: [Wales]\n"
                          "resources: [pack, report]\norganisations:\n  - {id: beta, role: Funder}\n",
    "projects/four.yml": "title: Four\nstart: 2011-05\nsummary: Alone.\nstatus: finished\n",
    # a record named only in Markdown text: its page shows the pack's download (#13's record links)
    "projects/five-linked.yml": "title: Linked\nstart: 2014\nsummary: Links.\nstatus: finished\nsections:\n"
                                "  - heading: Made\n    body: \"[Download the pack](download:pack)\"\n",
    "contacts/acme.yml": "kind: organisation\nname: Acme Trust\n",
    "contacts/beta.yml": "kind: organisation\nname: Beta College\n",
    "contacts/jane.yml": "kind: person\nname: Jane Doe\norganisation: acme\nrole: Director\n",
    "contacts/raj.yml": "kind: person\nname: Raj Patel\norganisation: acme\n",
    "resources/pack.yml": "title: The pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: Toolbox}\n",
    "resources/report.yml": "title: A report\nkind: report\npublished: 2013-02\nurl: https://example.org/r\n",
    "resources/pack/a.pdf": make_pdf(2),
}


def write(root: Path, rel: str, content: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    st = path.stat()  # a write within the same clock tick as the last one must still count as a change
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def serving(root: Path) -> BuildSession:
    for rel, content in RECORDS.items():
        write(root, rel, content)
    (root / "docs").mkdir(exist_ok=True)
    session = BuildSession(
        BuildConfig(root=str(root), docs_dir=str(root / "docs"), site_dir=str(root / "site"),
                    templates=str(REPO / "overrides"), site_url="http://127.0.0.1:8000/archive/", site_name="A",
                    command="serve"),
        environ={"SOURCE_DATE_EPOCH": "1767225600"},
    )
    session.generated_files([])
    return session


def models(session: BuildSession) -> dict[str, tuple]:
    """Every generated page's model and metadata, made from scratch: what a full build would render."""
    return {spec.src: (spec, session._meta(session.catalogue, spec))
            for spec in site_pages(session.catalogue, session.settings, build=session.build)}


def assert_as_a_fresh_load(session: BuildSession) -> None:
    """The catalogue an update derived from the last one (catalogue._index_again) is the one a load from
    nothing makes of the same files: every derived fact, and the records in the same order."""
    fresh = load_catalogue(session.config.root, build_date=session.catalogue.build_date,
                           docs_dir=session.config.docs_dir)
    for f in dataclasses.fields(Catalogue):
        mine, theirs = getattr(session.catalogue, f.name), getattr(fresh, f.name)
        if isinstance(mine, dict):
            assert list(mine.items()) == list(theirs.items()) or f.name.startswith("_") and mine == theirs, f.name
        else:
            assert mine == theirs, f.name


def rename(root: Path, old: str, new: str) -> None:
    (root / old).rename(root / new)


EDITS = {
    "an organisation is renamed (shown on the pages of projects its people were on)":
        lambda r: write(r, "contacts/acme.yml", "kind: organisation\nname: Acme Foundation\n"),
    "a person moves to another organisation":
        lambda r: write(r, "contacts/jane.yml", "kind: person\nname: Jane Doe\norganisation: beta\nrole: Director\n"),
    "a project becomes a programme by being named as one":
        lambda r: write(r, "projects/four.yml", "title: Four\nstart: 2011-05\nsummary: Alone.\nstatus: finished\n"
                                                "programme: three\n"),
    "a project is added, with a new theme and region":
        lambda r: write(r, "projects/five.yml", "title: Five\nstart: 2019-03-01\nsummary: New.\nthemes: [digital]\n"
                                                "regions: [North East]\ncontacts:\n  - {id: jane}\nresources: [report]\n"),
    "a project is deleted": lambda r: (r / "projects/two.yml").unlink(),
    "a contact is renamed (its file and every reference)": lambda r: (
        rename(r, "contacts/raj.yml", "contacts/raj-patel.yml"),
        write(r, "projects/one.yml", RECORDS["projects/one.yml"].replace("raj", "raj-patel")),
        write(r, "projects/two.yml", RECORDS["projects/two.yml"].replace("raj", "raj-patel"))),
    "a document changes (pages, size)": lambda r: write(r, "resources/pack/a.pdf", make_pdf(5, "Changed")),
    "a project's end date changes (finished, dates of its contacts and resources)":
        lambda r: write(r, "projects/one.yml", RECORDS["projects/one.yml"].replace("end: 2016-12-31", "end: 2018-06")),
    "a resource changes kind (the browse facets of the projects using it)":
        lambda r: write(r, "resources/report.yml", str(RECORDS["resources/report.yml"]).replace("report\\n", "data\\n")),
    "a project's title changes (listings, themes, programme, contacts)":
        lambda r: write(r, "projects/one.yml", RECORDS["projects/one.yml"].replace("title: One", "title: One & only")),
    "a per-project contact detail changes":
        lambda r: write(r, "projects/one.yml", RECORDS["projects/one.yml"].replace("role: Officer", "role: Manager")),
    "a resource linked only from a project's text gains a second file (its download becomes a ZIP)":
        lambda r: (write(r, "resources/pack/b.pdf", make_pdf(1, "Second")),
                   write(r, "resources/pack.yml", "title: The pack\nkind: toolkit\nfiles:\n"
                                                  "  - {file: pack/a.pdf, title: Toolbox}\n  - {file: pack/b.pdf, title: B}\n")),
    "a resource linked only from a project's text is renamed":
        lambda r: write(r, "resources/pack.yml", str(RECORDS["resources/pack.yml"]).replace("The pack", "The kit")),
    "nothing the site shows changes (a comment)":
        lambda r: write(r, "projects/four.yml", "# checked\n" + str(RECORDS["projects/four.yml"])),
}


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.split(" (")[0])
def test_an_update_names_exactly_the_pages_whose_model_changed(tmp_path, edit):
    session = serving(tmp_path)
    before = models(session)
    data_before = dict(session._data)
    EDITS[edit](tmp_path)
    update = session.preview_update()
    assert_as_a_fresh_load(session)
    after = models(session)
    truly_changed = {src for src in before.keys() & after.keys() if before[src] != after[src]}
    assert set(update.changed) == truly_changed
    assert {spec.src for spec in update.added} == after.keys() - before.keys()
    assert set(update.removed) == before.keys() - after.keys()
    assert list(update.order) == list(after)  # the order a full build gives the pages
    assert {src: session.pages[src] for src in after} == {src: model[0] for src, model in after.items()}
    full = public_files(session.catalogue, session.router, "A", products=session.products)
    assert {path: text for path, text in {**data_before, **update.data}.items()
            if path not in update.removed_data} == full
    assert not set(update.removed_data) & set(full)
    assert all(data_before.get(path) != text for path, text in update.data.items())


IN_TURN = ["an organisation is renamed", "a person moves to another organisation",
           "a project becomes a programme by being named as one", "a project is added, with a new theme and region",
           "a project's end date changes", "a project's title changes", "a per-project contact detail changes",
           "a resource changes kind", "a project is deleted", "a contact is renamed", "a document changes",
           "a resource linked only from a project's text gains a second file", "nothing the site shows changes"]


def test_updates_one_after_another_derive_what_a_fresh_load_derives(tmp_path):
    """Each update derives the catalogue from the last update's (not from a full load): after every one of
    a dozen saves in turn it is still the catalogue a fresh load makes."""
    session = serving(tmp_path)
    for name in IN_TURN:
        edit = next(e for e in EDITS if e.startswith(name))
        EDITS[edit](tmp_path)
        session.preview_update()
        session.preview_done([])
        assert_as_a_fresh_load(session)


def test_an_edit_that_changes_nothing_shown_changes_no_page(tmp_path):
    session = serving(tmp_path)
    EDITS["nothing the site shows changes (a comment)"](tmp_path)
    update = session.preview_update()
    assert update.empty and not update.sitemap


def test_a_changed_document_is_copied_again_and_a_removed_one_taken_away(tmp_path):
    session = serving(tmp_path)
    write(tmp_path, "resources/pack/a.pdf", make_pdf(3))
    update = session.preview_update()
    assert update.documents[0] == ("files/pack/a.pdf", str(tmp_path / "resources" / "pack" / "a.pdf"))
    thumbnail = session.products.thumbnails["pack/a.pdf"]  # the new first page's picture goes with it
    assert update.documents[1:] == ((thumbnail.dest, thumbnail.source),)
    session.preview_done([])
    write(tmp_path, "resources/pack.yml", "title: The pack\nkind: toolkit\nurl: https://example.org/pack\n")
    update = session.preview_update()
    assert update.removed_documents == ("files/pack/a.pdf", thumbnail.dest) and update.documents == ()


def test_records_with_problems_fail_the_update_and_leave_the_last_good_state(tmp_path):
    session = serving(tmp_path)
    catalogue, pages = session.catalogue, session.pages
    write(tmp_path, "projects/one.yml", str(RECORDS["projects/one.yml"]).replace("start: 2016-01-01", "start: 31/03/2016"))
    with pytest.raises(BuildError) as e:
        session.preview_update()
    assert "projects/one.yml:2:8: error: start: '31/03/2016' is not a date" in str(e.value)
    assert session.catalogue is catalogue and session.pages is pages
    write(tmp_path, "projects/one.yml", RECORDS["projects/one.yml"])  # fixed: the next update starts from there
    update = session.preview_update()
    assert update.empty


def test_a_failed_render_restores_the_last_good_state(tmp_path):
    session = serving(tmp_path)
    catalogue, pages, graph = session.catalogue, session.pages, dict(session._graph.forward)
    EDITS["a project is deleted"](tmp_path)
    session.preview_update()
    assert session.catalogue is not catalogue
    session.preview_failed()
    assert session.catalogue is catalogue and session.pages is pages and session._graph.forward == graph
    data = dict(session._data)
    EDITS["an organisation is renamed (shown on the pages of projects its people were on)"](tmp_path)
    update = session.preview_update()  # from the last good state: the deletion and the rename
    assert "projects/two.md" in update.removed
    assert {path: text for path, text in {**data, **update.data}.items()
            if path not in update.removed_data} == public_files(session.catalogue, session.router, "A", products=session.products)


def test_the_reference_graph_follows_records_both_ways(tmp_path):
    session = serving(tmp_path)
    graph = ReferenceGraph.of(session.catalogue)
    assert graph.forward[("project", "one")] == {("project", "prog"), ("contact", "acme"), ("contact", "jane"),
                                                  ("contact", "raj"), ("contact", "beta"), ("resource", "pack")}
    assert graph.backward[("contact", "acme")] == {("project", "one"), ("contact", "jane"), ("contact", "raj")}
    # two steps from an organisation: its people, then the projects they were on
    assert ("project", "two") in graph.within({("contact", "acme")}, 2)
    assert ("project", "two") not in graph.within({("contact", "acme")}, 1)


def test_only_changes_to_records_can_be_taken_in_without_a_full_build(tmp_path):
    session = serving(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: A\n")
    before = take_snapshot([tmp_path / "projects", tmp_path / "mkdocs.yml", tmp_path / "docs"])
    write(tmp_path, "projects/one.yml", RECORDS["projects/one.yml"] + "\n")
    write(tmp_path, "projects/.one.yml.swp", "an editor's swap file")
    after = take_snapshot([tmp_path / "projects", tmp_path / "mkdocs.yml", tmp_path / "docs"])
    assert changed_paths(before, after) == {str(tmp_path / "projects" / "one.yml")}
    assert needs_full_build(changed_paths(before, after), session.config.root) == []
    write(tmp_path, "docs/about.md", "# About\n")
    later = take_snapshot([tmp_path / "projects", tmp_path / "mkdocs.yml", tmp_path / "docs"])
    assert needs_full_build(changed_paths(after, later), session.config.root) == [str(tmp_path / "docs" / "about.md")]


def test_the_error_box_goes_first_in_every_html_page_and_nowhere_else():
    def app(environ, start_response):
        kind = "text/html; charset=utf-8" if environ["PATH_INFO"].endswith("/") else "application/json"
        body = b'<html><body class="x"><p>Last good page</p></body></html>'
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    box = {"html": None}
    served = error_app(app, lambda: box["html"])
    got = {}

    def start(status, headers):
        got.update(status=status, headers=dict(headers))

    assert b"".join(served({"PATH_INFO": "/a/"}, start)) == b'<html><body class="x"><p>Last good page</p></body></html>'
    box["html"] = "<section>errors</section>"
    page = b"".join(served({"PATH_INFO": "/a/"}, start))
    assert page == b'<html><body class="x"><section>errors</section><p>Last good page</p></body></html>'
    assert got["headers"]["Content-Length"] == str(len(page))
    assert b"errors" not in b"".join(served({"PATH_INFO": "/api/x.json"}, start))
    assert with_errors(b"no body", "<b>") == b"<b>no body"


class PluginError(Exception):
    """Named as MkDocs' own: the hook turns a BuildError into one (hooks/archive.py _reported)."""


def _raised(make):
    try:
        make()
    except BaseException as e:  # noqa: BLE001 - the test inspects whatever was raised
        return e
    raise AssertionError("nothing was raised")


def test_a_failure_reads_as_the_archive_s_own_lines_without_a_traceback():
    problem = "projects/a.yml:4:8: error: start: '01/04/2009' is not a date"

    def archive_error():
        try:
            raise BuildError(f"the archive's records have problems:\n{problem}\n1 error in 1 file")
        except BuildError as e:
            try:
                raise PluginError(str(e)) from None
            except PluginError:
                raise SystemExit(1)  # MkDocs' Abort, raised while handling the plugin's error

    lines = failure_lines(_raised(archive_error), ["WARNING about a link"])
    assert lines == ["WARNING about a link", "the archive's records have problems:", problem, "1 error in 1 file"]
    assert not any("Traceback" in line or "File \"" in line for line in lines)


def test_a_template_mistake_names_the_template_and_line_and_anything_else_is_one_line():
    from jinja2 import Environment, TemplateSyntaxError

    error = _raised(lambda: Environment().from_string("{% if %}", ))
    assert isinstance(error, TemplateSyntaxError)
    error.filename = "overrides/main.html"
    assert failure_lines(error, []) == [f"overrides/main.html:1: TemplateSyntaxError: {error.message}"]
    assert failure_lines(_raised(lambda: int("x")), []) == ["ValueError: invalid literal for int() with base 10: 'x'"]
    # MkDocs' "Aborted with N warnings in strict mode!": the warnings are the reason
    assert failure_lines(SystemExit(1), ["a warning"]) == ["a warning"]


def test_a_page_that_went_is_removed_with_the_folders_it_leaves_empty(tmp_path):
    site = tmp_path / "site"
    write(site, "projects/old/index.html", "old")
    write(site, "projects/kept/index.html", "kept")
    remove_from_site(str(site / "projects/old/index.html"), str(site))
    assert not (site / "projects/old").exists()
    assert (site / "projects/kept/index.html").read_text() == "kept"
    remove_from_site(str(site / "projects/kept/index.html"), str(site))
    assert not (site / "projects").exists() and site.is_dir()  # the site folder itself stays
    remove_from_site(str(site / "projects/never/index.html"), str(site))  # already gone: nothing to do


def test_an_update_given_the_files_as_just_seen_looks_at_no_unchanged_file_again(tmp_path, monkeypatch):
    """`mkdocs serve` has just looked at every watched file (its snapshot): the loader takes their sizes and
    times from it instead of asking the system again for each of them, and still reads the saved one."""
    from projarchive import catalogue

    session = serving(tmp_path)
    write(tmp_path, "projects/one.yml", RECORDS["projects/one.yml"].replace("title: One", "title: One, saved"))
    now = take_snapshot([tmp_path / "projects", tmp_path / "contacts", tmp_path / "resources"])
    asked = []
    monkeypatch.setattr(catalogue, "signature", lambda path: asked.append(path) or None)
    update = session.preview_update(now)
    assert asked == []
    assert session.catalogue.projects["one"].title == "One, saved" and "projects/one.md" in update.changed


def test_a_deleted_record_still_named_elsewhere_fails_the_update_at_the_line_that_names_it(tmp_path):
    session = serving(tmp_path)
    catalogue = session.catalogue
    (tmp_path / "contacts/jane.yml").unlink()
    with pytest.raises(BuildError) as e:
        session.preview_update()
    assert "projects/one.yml:11:10: error: contacts[0].id: no contact with id 'jane'" in str(e.value)
    assert session.catalogue is catalogue
    write(tmp_path, "contacts/jane.yml", RECORDS["contacts/jane.yml"])  # put back: the site as it was
    assert session.preview_update().empty


def test_a_generated_page_s_content_is_held_compressed_from_its_reading_to_its_writing(tmp_path):
    """Every page is read before any is written: the archive keeps its pages' content compressed in
    between (hooks/archive.py gives it back in on_page_context), and gives the site generator none."""
    session = serving(tmp_path)
    html = "<h1>One</h1>" + "<p>Words and words.</p>" * 500
    session.hold_budget = 0  # past the budget of content held as it is
    assert session.hold_content("projects/one.md", html) == ""
    assert len(session._held["projects/one.md"]) < len(html) / 10
    assert session.release_content("projects/one.md") == html
    assert session.release_content("projects/one.md") is None  # given back once
    # within the budget a page is held as it is, and its bytes count against it until it is written
    session.hold_budget = sys.getsizeof(html) + sys.getsizeof(html) // 2
    assert session.hold_content("projects/one.md", html) == ""
    assert session._held["projects/one.md"] is html
    other = html.replace("One", "Two")
    assert session.hold_content("projects/two.md", other) == ""
    assert len(session._held["projects/two.md"]) < len(other) / 10  # the budget is spent: compressed
    assert session.release_content("projects/one.md") is html
    assert session.hold_content("projects/one.md", html) == ""  # written: its budget is free again
    assert session._held["projects/one.md"] is html
    assert session.release_content("projects/two.md") == other
    assert session.hold_content("projects/one.md", other) == ""  # held again before it was written
    assert session._held["projects/one.md"] is other and session._held_plain == sys.getsizeof(other)
    assert session.release_content("projects/one.md") is other and session._held_plain == 0
    assert session.hold_content("about.md", html) == html  # a hand-written page is left to the site generator
    assert session.release_content("about.md") is None


def test_a_snapshot_patched_with_the_paths_said_to_change_is_the_snapshot_taken_again(tmp_path):
    """`mkdocs serve` looks again only at the files the system said changed (hooks/archive_serve.py,
    _Saves): the snapshot it patches must be the one a walk of every file gives."""
    from projarchive.preview import patch_snapshot

    for rel, content in RECORDS.items():
        write(tmp_path, rel, content)
    (tmp_path / "mkdocs.yml").write_text("site_name: A\n")
    roots = [tmp_path / "projects", tmp_path / "contacts", tmp_path / "resources", tmp_path / "mkdocs.yml"]
    seen = take_snapshot(roots)
    told: list[Path] = []

    def said(*paths: Path) -> None:
        told.extend(paths)

    write(tmp_path, "projects/one.yml", "title: Changed\n"); said(tmp_path / "projects/one.yml")
    write(tmp_path, "projects/new.yml", "title: New\n"); said(tmp_path / "projects/new.yml")
    (tmp_path / "projects/two.yml").unlink(); said(tmp_path / "projects/two.yml")
    rename(tmp_path, "contacts/raj.yml", "contacts/raj-patel.yml")
    said(tmp_path / "contacts/raj.yml", tmp_path / "contacts/raj-patel.yml")
    write(tmp_path, "resources/pack/a.pdf", make_pdf(4)); said(tmp_path / "resources/pack/a.pdf")
    write(tmp_path, "projects/.one.yml.swp", "x"); said(tmp_path / "projects/.one.yml.swp")  # left out, as walks do
    (tmp_path / "mkdocs.yml").write_text("site_name: B\n"); said(tmp_path / "mkdocs.yml")
    said(tmp_path / "docs/index.md")  # not under the roots: not in the snapshot
    patched = patch_snapshot(seen, [str(p) for p in told], [str(r) for r in roots])
    assert patched == take_snapshot(roots)
    assert patched != seen and str(tmp_path / "projects/two.yml") not in patched
