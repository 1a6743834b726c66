"""The catalogue's phases, each on its own (pure Python): read, convert, check references,
measure files, index. load_catalogue is tested end to end in test_schema.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import make_pdf

from projarchive import schema
from projarchive.catalogue import check_references, convert_records, index, measure_files, read_sources
from projarchive.problems import Problems

FILES: dict[str, str | bytes] = {
    "projects/prog.yml": "title: Programme\nstart: 2015\nsummary: Groups.\n",
    "projects/one.yml": "title: One\nstart: 2016\nsummary: S.\nprogramme: prog\nresources: [pack]\n"
                        "themes: [Mental health]\norganisations:\n  - {id: acme, role: Lead}\n",
    "projects/two.yml": "title: Two\nstart: 2017\nsummary: S.\nprogramme: prog\nthemes: [mental health]\n",
    "contacts/acme.yml": "kind: organisation\nname: Acme\n",
    "contacts/jane.yml": "kind: person\nname: Jane\norganisation: jane\n",
    "resources/pack.yml": "title: Pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: A}\n"
                          "  - {file: pack/missing.pdf, title: B}\n",
    "resources/pack/a.pdf": make_pdf(2),
    "resources/notes.txt": "not a record",  # documents may sit beside resource records
    "projects/Bad Name.yml": "title: X\n",
}


def archive(root: Path) -> Path:
    for rel, content in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.write_bytes if isinstance(content, bytes) else path.write_text)(content)
    return root


def test_read_finds_and_parses_every_record_file_and_names_the_odd_ones(tmp_path):
    problems = Problems()
    sources = read_sources(str(archive(tmp_path)), problems)
    assert sorted((s.kind, s.id) for s in sources.records) == [
        ("contact", "acme"), ("contact", "jane"), ("project", "one"), ("project", "prog"), ("project", "two"),
        ("resource", "pack")]
    assert sources.present["project"] == {"one", "prog", "two"}
    assert [str(p) for p in problems.sorted()] == [
        "projects/Bad Name.yml: error: 'Bad Name' cannot be an id: name the file with lower-case letters, "
        "digits and hyphens, e.g. bad-name.yml"]


def test_convert_gives_records_and_partials_for_records_with_problems(tmp_path):
    (tmp_path / "projects").mkdir()
    (tmp_path / "projects/x.yml").write_text("title: X\nstart: 2009-02-30\nsummary: S.\nthemes: [a]\n")
    (tmp_path / "projects/y.yml").write_text("title: Y\nstart: 2009\nsummary: S.\n")
    problems = Problems()
    records = convert_records(read_sources(str(tmp_path), problems), problems)
    x, y = records["project"]["x"], records["project"]["y"]
    assert not x.valid and x.record.themes == ("a",) and x.record.start is None
    assert y.valid and y.record.title == "Y" and y.record.kind is None
    assert len(problems) == 1


def test_check_references_walks_the_schemas_declarations(tmp_path):
    problems = Problems()
    sources = read_sources(str(archive(tmp_path)), problems)
    records = convert_records(sources, problems)
    check_references(records, sources, problems)
    found = [str(p) for p in problems.sorted()]
    assert "contacts/jane.yml:3:15: error: organisation: a contact cannot be its own organisation" in found
    # the newest project's spelling wins; the older one is told
    assert any(p.startswith("projects/one.yml:6:10: error: themes[0]: 'Mental health' and 'mental health' differ")
               for p in found), found
    assert not any("no project with id" in p or "not an organisation" in p for p in found)


def test_every_declared_reference_and_file_is_found_by_walking_a_record():
    record = schema.convert("project", "x", _doc({"title": "X", "start": "2009", "summary": "S.",
                                                  "programme": "p", "resources": ["r1", "r2"],
                                                  "image": {"file": "i.png", "alt": "A"},
                                                  "contacts": [{"id": "c", "organisation": "o"}]}),
                            "projects/x.yml", Problems())
    found = [(at, type(t).__name__, getattr(t, "role", None), v) for at, t, v in schema.leaves(schema.KINDS["project"],
                                                                                               record)
             if isinstance(t, (schema.Id, schema.FilePath))]
    assert found == [
        (("image", "file"), "FilePath", None, "i.png"),
        (("programme",), "Id", "programme", "p"),
        (("contacts", 0, "id"), "Id", None, "c"),
        (("contacts", 0, "organisation"), "Id", "organisation", "o"),
        (("resources", 0), "Id", None, "r1"),
        (("resources", 1), "Id", None, "r2"),
    ]


def test_measure_files_measures_each_declared_file_once_and_reports_the_missing(tmp_path):
    problems = Problems()
    root = str(archive(tmp_path))
    records = convert_records(read_sources(root, problems), problems)
    facts = measure_files(root, records, problems)
    assert list(facts) == ["pack/a.pdf"] and facts["pack/a.pdf"].pages == 2
    assert [str(p) for p in problems.sorted()][-1] == (
        "resources/pack.yml:5:12: error: files[1].file: file resources/pack/missing.pdf does not exist")


def test_index_derives_programmes_children_used_by_and_appearances(tmp_path):
    problems = Problems()
    root = archive(tmp_path)
    (root / "projects/two.yml").write_text("title: Two\nstart: 2017\nsummary: S.\nprogramme: prog\n")
    (root / "contacts/jane.yml").write_text("kind: person\nname: Jane\norganisation: acme\n")
    (root / "resources/pack.yml").write_text("title: Pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: A}\n")
    (root / "projects/Bad Name.yml").unlink()
    sources = read_sources(str(root), problems)
    records = convert_records(sources, problems)
    facts = measure_files(str(root), records, problems)
    assert not problems, problems.report()
    cat = index(str(root), dt.date(2026, 1, 1), records, sources.posts, facts)
    assert list(cat.projects) == ["two", "one", "prog"]  # newest first
    assert [p.id for p in cat.programmes] == ["prog"] and [p.id for p in cat.children("prog")] == ["two", "one"]
    assert [p.id for p in cat.used_by("pack")] == ["one"]
    assert [(a.project.id, a.role, a.as_organisation) for a in cat.appearances("acme")] == [("one", "Lead", True)]
    assert [c.id for c in cat.members("acme")] == ["jane"]
    assert [t.name for t in cat.themes] == ["Mental health"]


def _doc(data: dict) -> object:
    from projarchive.strictyaml import Document

    return Document(data)


def test_a_load_with_a_memo_reads_only_what_changed_and_keeps_unchanged_records(tmp_path, monkeypatch):
    """mkdocs serve loads the archive after every save: an unchanged file is not read again, its record
    is the same object, and its problems are reported again until it is fixed."""
    import os

    import pytest

    from projarchive import catalogue, strictyaml
    from projarchive.problems import ArchiveError

    root = archive(tmp_path)
    (root / "projects/Bad Name.yml").unlink()
    (root / "resources/pack.yml").write_text("title: Pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: A}\n")
    (root / "contacts/jane.yml").write_text("kind: person\nname: Jane\norganisation: acme\n")
    (root / "projects/two.yml").write_text("title: Two\nstart: 2017\nsummary: S.\nprogramme: prog\n")
    memo = catalogue.LoadMemo()
    pdfs = []
    first = catalogue.load_catalogue(str(root), build_date=dt.date(2026, 1, 1), memo=memo,
                                     read_pages=lambda path: (pdfs.append(path), (2, None))[1])
    read = []
    real = strictyaml.load_file
    monkeypatch.setattr(strictyaml, "load_file", lambda full, shown, problems, **limits: (read.append(shown),
                                                                                 real(full, shown, problems, **limits))[1])
    path = root / "projects/two.yml"
    path.write_text("title: Two, again\nstart: 2017\nsummary: S.\nprogramme: prog\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    second = catalogue.load_catalogue(str(root), build_date=dt.date(2026, 1, 1), memo=memo,
                                      read_pages=lambda path: (pdfs.append(path), (2, None))[1])
    assert read == ["projects/two.yml"] and len(pdfs) == 1  # the PDF was measured once, in the first load
    assert second.projects["one"] is first.projects["one"] and second.contacts == first.contacts
    assert second.projects["two"].title == "Two, again"
    (root / "contacts/jane.yml").write_text("kind: person\nname: Jane\norganisation: nobody\n")
    for _ in range(2):  # a problem in an unchanged file is reported by every load until it is fixed
        with pytest.raises(ArchiveError, match="contacts/jane.yml:3:15: error: organisation: no contact"):
            catalogue.load_catalogue(str(root), build_date=dt.date(2026, 1, 1), memo=memo)
    (root / "projects/two.yml").unlink()
    (root / "contacts/jane.yml").write_text("kind: person\nname: Jane\n")
    third = catalogue.load_catalogue(str(root), build_date=dt.date(2026, 1, 1), memo=memo)
    assert "two" not in third.projects and "projects/two.yml" not in memo.sources


REFERENCE_EDITS: list[tuple[str, dict[str, str | None]]] = [
    ("a named contact is deleted", {"contacts/acme.yml": None}),
    ("it comes back with a typo in its file name (a hint is given)", {"contacts/acmee.yml": "kind: organisation\nname: A\n"}),
    ("the right name again", {"contacts/acmee.yml": None, "contacts/acme.yml": "kind: organisation\nname: Acme\n"}),
    ("a named record stops parsing (no second error where it is named)", {"resources/pack.yml": "title: [\n"}),
    ("then it is gone altogether (now the naming record is wrong)", {"resources/pack.yml": None}),
    ("back", {"resources/pack.yml": "title: Pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: A}\n"}),
    ("an organisation becomes a person", {"contacts/acme.yml": "kind: person\nname: Acme\n"}),
    ("and back", {"contacts/acme.yml": "kind: organisation\nname: Acme\n"}),
    ("the programme says it is a project", {"projects/prog.yml": "title: Programme\nstart: 2015\nsummary: G.\n"
                                                                 "kind: project\n"}),
    ("a record linked from text is renamed away", {"projects/prog.yml": "title: Programme\nstart: 2015\nsummary: G.\n",
                                                   "projects/three.yml": "title: Three\nstart: 2015\nsummary: G.\n"
                                                                         "sections:\n  - heading: H\n"
                                                                         "    body: \"See [the pack](resource:pack).\"\n"}),
    ("the linked record goes", {"resources/pack.yml": None}),
    ("a record that names nothing changes, the rest is as it was",
     {"resources/pack.yml": "title: Pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: A}\n",
      "contacts/jane.yml": "kind: person\nname: Jane Smith\n"}),
]


def test_serve_checks_again_only_the_references_a_save_can_change_and_finds_what_a_full_load_finds(tmp_path,
                                                                                                   monkeypatch):
    """Under `mkdocs serve` (a LoadMemo) a record whose references were good is not checked again while it
    and every record it names are unchanged; after each edit the problems are exactly a fresh load's."""
    import os

    from projarchive import catalogue
    from projarchive.problems import ArchiveError

    root = archive(tmp_path)
    (root / "projects/Bad Name.yml").unlink()
    (root / "resources/pack.yml").write_text("title: Pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: A}\n")
    (root / "contacts/jane.yml").write_text("kind: person\nname: Jane\n")
    (root / "projects/two.yml").write_text("title: Two\nstart: 2017\nsummary: S.\nprogramme: prog\n")
    checked: list[str] = []
    real = catalogue._check_referrer
    monkeypatch.setattr(catalogue, "_check_referrer", lambda referrer, *a: (checked.append(referrer.id),
                                                                           real(referrer, *a))[1])

    def load(memo):
        try:
            catalogue.load_catalogue(str(root), build_date=dt.date(2026, 1, 1), memo=memo,
                                     read_pages=lambda path: (2, None))
            return []
        except ArchiveError as e:
            return [str(p) for p in e.problems.sorted()]

    memo = catalogue.LoadMemo()
    assert load(memo) == []
    assert sorted(checked) == ["acme", "jane", "one", "pack", "prog", "two"]
    seen = set()
    problems_seen: dict[str, list[str]] = {}
    for edit, files in REFERENCE_EDITS:
        for rel, text in files.items():
            path = root / rel
            if text is None:
                path.unlink()
                continue
            path.write_text(text)
            os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000 * (len(seen) + 1)))
        checked.clear()
        served = load(memo)
        skipped = set(checked)
        assert served == load(None), edit  # the fresh load, without a memo
        problems_seen[edit] = served
        seen.add(edit)
        if edit.startswith("a record that names nothing changes"):
            # jane and pack changed; only those and the records naming them are checked again
            assert skipped == {"jane", "pack", "one", "three"}, skipped
    assert problems_seen["a named contact is deleted"] == [
        "projects/one.yml:8:10: error: organisations[0].id: no contact with id 'acme'; create contacts/acme.yml"]
    assert "did you mean 'acmee'?" in problems_seen["it comes back with a typo in its file name (a hint is given)"][0]
    assert [p.split(": error: ")[0] for p in problems_seen["a named record stops parsing (no second error where it is named)"]] \
        == ["resources/pack.yml:2:1"]
    assert "projects/one.yml:5:13: error: resources[0]: no resource with id 'pack'" in \
        problems_seen["then it is gone altogether (now the naming record is wrong)"][0]
    assert "'acme' is a person, not an organisation" in problems_seen["an organisation becomes a person"][0]
    assert "says 'kind: project'" in problems_seen["the programme says it is a project"][0]
    assert "projects/three.yml:6:" in problems_seen["the linked record goes"][-1]
    assert problems_seen["back"] == problems_seen["a record that names nothing changes, the rest is as it was"] == []
