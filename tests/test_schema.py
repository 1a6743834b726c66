"""Record validation, through catalogue.load_catalogue on a temporary folder (pure Python, no MkDocs).

Each case adds or replaces files in a small valid archive and names the one problem the
maintainer must see: its exact ``path:line:col`` prefix and the words that say what to do.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path

import pytest
from conftest import make_pdf

from projarchive.catalogue import load_catalogue
from projarchive.pages import Settings, site_pages
from projarchive.problems import ArchiveError

BUILD_DATE = dt.date(2026, 1, 1)

BASE: dict[str, str | bytes] = {
    "projects/good.yml": """
        title: Good project
        start: 2009-04-01
        end: 2010-03-31
        summary: A good project.
        """,
    "projects/prog.yml": """
        title: A programme
        kind: programme
        start: 2015-09-01
        summary: It groups projects.
        """,
    "contacts/jane.yml": """
        kind: person
        name: Jane Doe
        organisation: acme
        email: jane@example.org
        """,
    "contacts/acme.yml": """
        kind: organisation
        name: Acme Learning
        """,
    "resources/pack.yml": """
        title: Pack
        kind: toolkit
        files:
          - {file: pack/toolbox.pdf, title: Toolbox}
        """,
    "resources/pack/toolbox.pdf": make_pdf(2),
}


def write_archive(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in {**BASE, **files}.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def problems(root: Path, *, docs: bool = False) -> list[str]:
    """Every problem the archive under ``root`` has, as the maintainer reads them; [] if it loads."""
    try:
        load_catalogue(str(root), build_date=BUILD_DATE, docs_dir=str(root / "docs") if docs else None)
    except ArchiveError as e:
        return [str(p) for p in e.problems.sorted()]
    return []


def project(extra: str, *, start: str = "2009-04-01") -> str:
    return f"title: X\nstart: {start}\nsummary: S.\n{extra}"


P = "projects/x.yml"

CASES = [
    # ---- missing required keys
    ("missing summary", {P: "title: X\nstart: 2009-04-01\n"},
     "projects/x.yml:1:1", "missing required key 'summary'"),
    ("missing contact name", {"contacts/bob.yml": "kind: person\nemail: bob@example.org\n"},
     "contacts/bob.yml:1:1", "missing required key 'name'"),
    ("missing resource kind", {"resources/r.yml": "title: R\nurl: https://example.org/r\n"},
     "resources/r.yml:1:1", "missing required key 'kind'"),
    ("missing section body", {P: project("sections:\n  - heading: Aims\n")},
     "projects/x.yml:5:5", "sections[0]: missing required key 'body'"),
    # ---- wrong types
    ("list as title", {P: "title: [a, b]\nstart: 2009-04-01\nsummary: S.\n"},
     "projects/x.yml:1:8", "title: should be text, but is a list"),
    ("mapping as summary", {P: "title: X\nstart: 2009-04-01\nsummary:\n  a: b\n"},
     "projects/x.yml:4:3", "summary: should be text, but is keys and values"),
    ("list as contact name", {"contacts/bob.yml": "kind: person\nname:\n  - Bob\n"},
     "contacts/bob.yml:3:3", "name: should be text, but is a list"),
    ("text as sections", {P: project("sections: Aims\n")},
     "projects/x.yml:4:11", "sections: should be a list"),
    ("not a number", {P: project("outputs:\n  - {measure: People, target: twenty, achieved: 3}\n")},
     "projects/x.yml:5:31", "outputs[0].target: 'twenty' is not a number"),
    ("bad status", {P: project("status: no\n")},
     "projects/x.yml:4:9", "status: 'no' is not allowed; use one of: finished, active"),
    ("bad kind with suggestion", {"contacts/bob.yml": "kind: persn\nname: Bob\n"},
     "contacts/bob.yml:1:7", "did you mean 'person'?"),
    # ---- unknown keys
    ("unknown top-level key", {P: project("sumary: S.\n")},
     "projects/x.yml:4:1", "sumary: unknown key 'sumary'; did you mean 'summary'?"),
    ("unknown nested key", {P: project("contacts:\n  - {id: jane, emial: jane@example.org}\n")},
     "projects/x.yml:5:16", "contacts[0].emial: unknown key 'emial'; did you mean 'email'?"),
    ("unknown resource key", {"resources/r.yml": "title: R\nkind: report\nurl: https://example.org\nlicense: OGL\n"},
     "resources/r.yml:4:1", "did you mean 'licence'?"),
    # ---- dates
    ("impossible start", {P: project("", start="2024-02-30")},
     "projects/x.yml:2:8", "start: '2024-02-30' is not a real date: February 2024 has 29 days"),
    ("impossible timeline date", {P: project("timeline:\n  - {date: 2017-02-30, text: T}\n")},
     "projects/x.yml:5:12", "timeline[0].date: '2017-02-30' is not a real date"),
    ("impossible published", {"resources/r.yml": "title: R\nkind: report\npublished: 2010-02-30\nurl: https://x.org\n"},
     "resources/r.yml:3:12", "published: '2010-02-30' is not a real date"),
    ("month 13", {P: project("", start="2009-13")},
     "projects/x.yml:2:8", "has month 13"),
    ("end before start", {P: "title: X\nstart: 2009-04-01\nend: 2009-03-01\nsummary: S.\n"},
     "projects/x.yml:3:6", "end: end date 2009-03-01 is before start date 2009-04-01"),
    ("partial end before start", {P: "title: X\nstart: 2009-04\nend: 2009\nsummary: S.\n"},
     None, None),  # 2009 ends after April 2009 starts: allowed
    ("timeline end before date", {P: project("timeline:\n  - {date: 2017-08, end: 2017-07, text: T}\n")},
     "projects/x.yml:5:26", "timeline[0].end: end 2017-07 is before date 2017-08"),
    # ---- references
    ("unknown contact", {P: project("contacts:\n  - {id: jnae}\n")},
     "projects/x.yml:5:10", "contacts[0].id: no contact with id 'jnae'; did you mean 'jane'?"),
    ("unknown contact, no suggestion", {P: project("contacts:\n  - {id: zebedee}\n")},
     "projects/x.yml:5:10", "no contact with id 'zebedee'; create contacts/zebedee.yml"),
    ("unknown resource", {P: project("resources: [pakc]\n")},
     "projects/x.yml:4:13", "resources[0]: no resource with id 'pakc'; did you mean 'pack'?"),
    ("unknown programme", {P: project("programme: porg\n")},
     "projects/x.yml:4:12", "programme: no project with id 'porg'; did you mean 'prog'?"),
    ("unknown organisation", {P: project("organisations:\n  - {id: acm, role: Funder}\n")},
     "projects/x.yml:5:10", "organisations[0].id: no contact with id 'acm'; did you mean 'acme'?"),
    ("person as organisation", {P: project("organisations:\n  - {id: jane, role: Funder}\n")},
     "projects/x.yml:5:10", "organisations[0].id: 'jane' is a person, not an organisation"),
    ("contact's organisation then is a person", {P: project("contacts:\n  - {id: jane, organisation: jane}\n")},
     "projects/x.yml:5:30", "contacts[0].organisation: 'jane' is a person, not an organisation"),
    ("person's organisation is a person", {"contacts/bob.yml": "kind: person\nname: Bob\norganisation: jane\n"},
     "contacts/bob.yml:3:15", "organisation: 'jane' is a person, not an organisation"),
    ("programme that says it is a project", {P: project("programme: good\n"),
                                              "projects/good.yml": "title: G\nkind: project\nstart: 2009\nsummary: S.\n"},
     "projects/x.yml:4:12", "programme: 'good' is named as a programme here, but projects/good.yml says "
                            "'kind: project'; remove that line there (being named as a programme makes it one)"),
    ("own programme", {P: project("kind: programme\nprogramme: x\n")},
     "projects/x.yml:5:12", "a project cannot be its own programme"),
    ("resource listed twice", {P: project("resources: [pack, pack]\n")},
     "projects/x.yml:4:19", "resources[1]: 'pack' is listed twice"),
    # ---- files
    ("missing file", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/tolbox.pdf, title: T}\n"},
     "resources/r.yml:4:12", "file resources/pack/tolbox.pdf does not exist; did you mean 'pack/toolbox.pdf'?"),
    ("missing image", {P: project("image: {file: images/none.png, alt: A picture}\n")},
     "projects/x.yml:4:15", "file resources/images/none.png does not exist"),
    ("path traversal", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: ../x.pdf, title: T}\n"},
     "resources/r.yml:4:12", "'../x.pdf' must not contain '..'"),
    ("absolute path", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: /etc/x.pdf, title: T}\n"},
     "resources/r.yml:4:12", "'/etc/x.pdf' is an absolute path"),
    ("backslash", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: 'pack\\toolbox.pdf', title: T}\n"},
     "resources/r.yml:4:12", "contains a backslash; use forward slashes"),
    ("hidden component", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/.secret/a.pdf, title: T}\n"},
     "resources/r.yml:4:12", "names a hidden file or folder"),
    ("content does not match extension",
     {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/fake.pdf, title: T}\n",
      "resources/pack/fake.pdf": b"<html>not a pdf</html>"},
     "resources/r.yml:4:12", "resources/pack/fake.pdf does not look like a PDF file"),
    ("png that is a pdf", {P: project("image: {file: pack/toolbox.png, alt: A}\n"),
                           "resources/pack/toolbox.png": make_pdf(1)},
     "projects/x.yml:4:15", "does not look like a PNG image file"),
    ("image that is not an image", {P: project("image: {file: pack/toolbox.pdf, alt: A}\n")},
     "projects/x.yml:4:15", "'pack/toolbox.pdf' is a PDF, not an image"),
    ("unknown file type", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/x.exe, title: T}\n",
                           "resources/pack/x.exe": b"MZ"},
     "resources/r.yml:4:12", "has a file type we do not describe (.exe)"),
    ("empty file", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/e.txt, title: T}\n",
                    "resources/pack/e.txt": b""},
     "resources/r.yml:4:12", "resources/pack/e.txt is an empty file"),
    ("broken pdf", {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/b.pdf, title: T}\n",
                    "resources/pack/b.pdf": b"%PDF-1.4\ngarbage\n"},
     "resources/r.yml:4:12", "files[0].file: cannot read this PDF ("),
    # ---- links and emails
    ("javascript link", {P: project("links:\n  - {title: T, url: 'javascript:alert(1)'}\n")},
     "projects/x.yml:5:21", "links[0].url: 'javascript:alert(1)' is not a web address we can link to"),
    ("JavaScript contact url", {"contacts/o.yml": "kind: organisation\nname: O\nurl: 'JaVaScRiPt:alert(1)'\n"},
     "contacts/o.yml:3:6", "url: 'JaVaScRiPt:alert(1)' is not a web address"),
    ("data: resource url", {"resources/r.yml": "title: R\nkind: report\nurl: 'data:text/html,x'\n"},
     "resources/r.yml:3:6", "is not a web address"),
    ("bad email", {"contacts/bob.yml": "kind: person\nname: Bob\nemail: bob@\n"},
     "contacts/bob.yml:3:8", "email: 'bob@' is not an email address"),
    ("bad email override", {P: project("contacts:\n  - {id: jane, email: jane at example.org}\n")},
     "projects/x.yml:5:23", "contacts[0].email: 'jane at example.org' is not an email address"),
    ("phone without digits", {"contacts/bob.yml": "kind: person\nname: Bob\nphone: unknown\n"},
     "contacts/bob.yml:3:8", "has no digits"),
    # ---- file names and shapes
    ("id with capitals", {"projects/Take-Ten.yml": project("")},
     "projects/Take-Ten.yml", "'Take-Ten' cannot be an id"),
    ("id with underscore", {"contacts/jane_doe.yml": "kind: person\nname: J\n"},
     "contacts/jane_doe.yml", "e.g. jane-doe.yml"),
    (".yaml extension", {"projects/y.yaml": project("")},
     "projects/y.yaml", "rename it to y.yml"),
    ("stray file in projects", {"projects/notes.txt": "hello"},
     "projects/notes.txt", "only records (<id>.yml) belong in projects/"),
    ("two spellings of a theme", {P: project("themes: [Mental Health]\n"),
                                  "projects/y.yml": project("themes: [mental health]\n", start="2010-01-01")},
     "projects/x.yml:4:10", "'Mental Health' and 'mental health' differ only in capitals"),
    ("comment cuts a title", {P: "title: C# toolkit #2\nstart: 2009-04-01\nsummary: S.\n"},
     "projects/x.yml:1:8", "the text '#2' after the value is read as a YAML comment"),
    ("duplicate key through the loader", {P: project("title: Y\n")},
     "projects/x.yml:4:1", "duplicate key 'title' (first given on line 1)"),
]


@pytest.mark.parametrize(("files", "prefix", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_one_mistake_one_message(tmp_path, files, prefix, fragment):
    found = problems(write_archive(tmp_path, files))
    if prefix is None:
        assert found == []
        return
    assert found, "the archive loaded although it has a mistake"
    line = next((p for p in found if p.startswith(prefix + ": error: ")), None)
    assert line is not None, f"no problem at {prefix}:\n" + "\n".join(found)
    assert fragment in line, line


@pytest.mark.parametrize(
    "files",
    [c[1] for c in CASES if c[2] is not None and c[0] not in {
        "path traversal", "absolute path", "backslash", "hidden component", "two spellings of a theme"}],
    ids=[c[0] for c in CASES if c[2] is not None and c[0] not in {
        "path traversal", "absolute path", "backslash", "hidden component", "two spellings of a theme"}],
)
def test_one_mistake_gives_exactly_one_message(tmp_path, files):
    found = problems(write_archive(tmp_path, files))
    assert len(found) == 1, "\n".join(found)


@pytest.mark.parametrize("path", ["../x.pdf", "/etc/x.pdf", "'pack\\toolbox.pdf'", "pack/.secret/a.pdf"])
def test_a_bad_file_path_is_reported_once(tmp_path, path):
    files = {"resources/r.yml": f"title: R\nkind: report\nfiles:\n  - {{file: {path}, title: T}}\n"}
    found = problems(write_archive(tmp_path, files))
    assert len(found) == 1 and found[0].startswith("resources/r.yml:4:12: error: files[0].file: "), found


@pytest.mark.parametrize(
    ("image", "prefix", "fragment"),
    [
        ("image: {file: x.png}\n", "projects/x.yml:4:8", "missing required key 'alt'"),
        ("image: {file: ../x.png, alt: A}\n", "projects/x.yml:4:15", "must not contain '..'"),
        ("image:\n  file: x.png\n  alt: A\n  credt: c\n", "projects/x.yml:7:3", "did you mean 'credit'?"),
    ],
)
def test_a_mistake_inside_image_is_reported_not_a_crash(tmp_path, image, prefix, fragment):
    found = problems(write_archive(tmp_path, {P: project(image)}))
    assert any(p.startswith(prefix + ": error: ") and fragment in p for p in found), found


def test_year_zero_is_reported_with_its_line(tmp_path):
    found = problems(write_archive(tmp_path, {P: project("end: 0000-01\n")}))
    assert any(p.startswith("projects/x.yml:4:6: error: end: ") for p in found), found


def test_a_symlink_in_resources_is_rejected(tmp_path):
    root = write_archive(tmp_path, {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/link.pdf, title: T}\n"})
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(make_pdf(1))
    os.symlink(outside, root / "resources" / "pack" / "link.pdf")
    found = problems(root)
    assert "resources/pack/link.pdf: error: symbolic links are not allowed in the content folders; " \
           "copy the real file here" in found
    assert any(p.startswith("resources/r.yml:4:12: error: files[0].file: 'pack/link.pdf' is (or passes through) "
                            "a symbolic link") for p in found), found


def test_a_symlinked_folder_in_resources_is_rejected(tmp_path):
    root = write_archive(tmp_path, {"resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: elsewhere/a.pdf, title: T}\n"})
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "a.pdf").write_bytes(make_pdf(1))
    os.symlink(tmp_path / "outside", root / "resources" / "elsewhere")
    found = problems(root)
    assert any(p.startswith("resources/elsewhere: error: symbolic links are not allowed") for p in found), found
    assert any(p.startswith("resources/r.yml:4:12: error: ") and "symbolic link" in p for p in found), found


def test_a_symlinked_record_is_rejected(tmp_path):
    root = write_archive(tmp_path, {})
    os.symlink(root / "projects" / "good.yml", root / "projects" / "copy.yml")
    assert "projects/copy.yml: error: symbolic links are not allowed in the content folders; " \
           "copy the real file here" in problems(root)


def test_several_mistakes_in_several_files_are_reported_together_and_sorted(tmp_path):
    root = write_archive(tmp_path, {
        "resources/r.yml": "title: R\nkind: report\nfiles:\n  - {file: pack/missing.pdf, title: T}\n",
        "projects/c.yml": "title: C\nstart: 2009-04-01\nsummary: S.\ncontacts:\n  - {id: nobody}\n",
        "projects/b.yml": "title: B\nstart: 2009-04-01\nend: 2009-03-01\nsummary: S.\n",
        "projects/a.yml": "title: A\nstart: 2024-02-30\nsummary: S.\n",
        "contacts/bob.yml": "kind: persn\nname: Bob\nemail: bob@\n",
    })
    with pytest.raises(ArchiveError) as e:
        load_catalogue(str(root), build_date=BUILD_DATE)
    lines = str(e.value).splitlines()
    assert [ln.split(": error: ")[0] for ln in lines[:-1]] == [
        "contacts/bob.yml:1:7",
        "contacts/bob.yml:3:8",
        "projects/a.yml:2:8",
        "projects/b.yml:3:6",
        "projects/c.yml:5:10",
        "resources/r.yml:4:12",
    ], "\n".join(lines)
    assert lines[-1] == "6 errors in 5 files; nothing was built and the previous site was left as it was."


def test_every_mistake_in_one_record_is_reported_in_one_run(tmp_path):
    root = write_archive(tmp_path, {
        "projects/b.yml": "title: B\nstart: 2009-04-01\nend: 2009-03-01\nsummary: S.\nsumary: again\n"
                          "contacts:\n  - {id: nobody}\n",
    })
    prefixes = [p.split(": error: ")[0] for p in problems(root)]
    assert prefixes == ["projects/b.yml:3:6", "projects/b.yml:5:1", "projects/b.yml:7:10"]


def test_lines_are_sorted_numerically_not_as_text(tmp_path):
    body = "title: X\nstart: 2009-04-01\nsummary: S.\n" + "".join(f"k{i}: v\n" for i in range(4, 12))
    found = problems(write_archive(tmp_path, {P: body}))
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == list(range(4, 12))


# --------------------------------------------------------------------------- news posts


@pytest.mark.parametrize(
    ("front", "prefix", "fragment"),
    [
        ("date: 2020-01-02\nprojects: [godo]\n", "docs/news/posts/p.md:3:12", "no project with id 'godo'; did you mean 'good'?"),
        ("date: 2020-01-02\norganisations: [jane]\n", "docs/news/posts/p.md:3:17", "'jane' is a person, not an organisation"),
        ("date: 2020-01-02\nresources:\n  - pakc\n", "docs/news/posts/p.md:4:5", "no resource with id 'pakc'"),
        ("date: 2020-02-30\n", "docs/news/posts/p.md:2:7", "not a real date"),
        ("date: 2020-01-02\nprojects: [Good]\n", "docs/news/posts/p.md:3:12", "is not an id"),
    ],
)
def test_news_post_front_matter_is_checked_with_lines(tmp_path, front, prefix, fragment):
    root = write_archive(tmp_path, {"docs/news/posts/p.md": f"---\n{front}---\n\n# A post\n\nText.\n"})
    found = problems(root, docs=True)
    assert any(p.startswith(prefix + ": error: ") and fragment in p for p in found), found


def test_valid_news_post_links_records(tmp_path):
    root = write_archive(tmp_path, {
        "docs/news/posts/p.md": "---\ndate: 2020-01-02\nprojects: [good]\norganisations: [acme]\n"
                                "resources: [pack]\n---\n\n# A “post”\n\nText.\n",
    })
    cat = load_catalogue(str(root), build_date=BUILD_DATE, docs_dir=str(root / "docs"))
    [post] = cat.news
    assert post.title == "A “post”"
    assert [p.title for p in cat.news_about("project", "good")] == ["A “post”"]
    assert cat.news_about("contact", "acme") == (post,)
    assert cat.news_about("resource", "pack") == (post,)
    assert cat.news_about("project", "prog") == ()


# --------------------------------------------------------------------------- derived facts


@pytest.mark.parametrize(
    ("extra", "finished"),
    [
        ("end: 2010-03-31\n", True),
        ("end: 2025-12-31\n", True),  # the day before the build date
        ("end: 2025-12\n", True),
        ("end: 2025\n", True),
        ("end: 2026-01-01\n", False),  # ends on the build date: not yet before it
        ("end: 2026\n", False),
        ("end: 2030-03-31\n", False),
        ("", False),  # no end: running
        ("end: 2030-03-31\nstatus: finished\n", True),
        ("end: 2010-03-31\nstatus: active\n", False),
        ("status: finished\n", True),
    ],
)
def test_finished_follows_status_then_end_date(tmp_path, extra, finished):
    root = write_archive(tmp_path, {P: project(extra, start="2009")})
    cat = load_catalogue(str(root), build_date=BUILD_DATE)
    assert cat.is_finished(cat.projects["x"]) is finished


def test_derived_relations(tmp_path):
    root = write_archive(tmp_path, {
        "projects/a.yml": project("programme: prog\nresources: [pack]\ncontacts:\n  - {id: jane, role: Lead}\n"
                                  "organisations:\n  - {id: acme, role: Funder}\n", start="2016-01-01"),
        "projects/b.yml": project("programme: prog\ncontacts:\n  - {id: jane, email: old@example.org}\n",
                                  start="2017-01-01"),
    })
    cat = load_catalogue(str(root), build_date=BUILD_DATE)
    assert [p.id for p in cat.children("prog")] == ["b", "a"]  # newest first
    assert [p.id for p in cat.used_by("pack")] == ["a"]
    apps = {a.project.id: a for a in cat.appearances("jane")}
    assert (apps["a"].role, apps["a"].email) == ("Lead", "jane@example.org")
    assert (apps["b"].role, apps["b"].email) == (None, "old@example.org")
    [org] = cat.appearances("acme")
    assert (org.project.id, org.role, org.as_organisation) == ("a", "Funder", True)
    assert [c.id for c in cat.members("acme")] == ["jane"]
    assert [p.id for p in cat.projects.values()] == ["b", "a", "prog", "good"]


# --------------------------------------------------------------------------- page models


@pytest.mark.parametrize(
    "files",
    [
        {"projects/index.yml": "title: Index\nstart: 2009-04-01\nsummary: S.\n"},
        {P: project("themes: [Index]\n")},
        {P: project("regions: [INDEX]\n")},
    ],
    ids=["project id index", "theme Index", "region INDEX"],
)
def test_no_record_can_take_the_place_of_a_listing_page(tmp_path, files):
    root = write_archive(tmp_path, files)
    try:
        cat = load_catalogue(str(root), build_date=BUILD_DATE)
    except ArchiveError:
        return  # rejected with a message: fine
    srcs = [p.src for p in site_pages(cat, Settings())]
    assert len(srcs) == len(set(srcs)), sorted(s for s in srcs if srcs.count(s) > 1)


def test_every_page_has_a_distinct_source(tmp_path):
    root = write_archive(tmp_path, {P: project("themes: [Mental health, Employment]\nregions: [Wales]\n")})
    cat = load_catalogue(str(root), build_date=BUILD_DATE)
    srcs = [p.src for p in site_pages(cat, Settings())]
    assert len(srcs) == len(set(srcs))
    assert {"projects/index.md", "projects/x.md", "themes/mental-health.md", "themes/employment.md",
            "regions/wales.md", "contacts/jane.md", "resources/pack.md", "programmes/index.md"} <= set(srcs)


# --------------------------------------------------------------------------- programmes are derived


def test_a_project_named_as_a_programme_is_one_without_saying_so(tmp_path):
    root = write_archive(tmp_path, {
        "projects/prog.yml": "title: A programme\nstart: 2015-09-01\nsummary: It groups projects.\n",
        P: project("programme: prog\n"),
    })
    cat = load_catalogue(str(root), build_date=BUILD_DATE)
    assert cat.is_programme(cat.projects["prog"])
    assert not cat.is_programme(cat.projects["x"]) and not cat.is_programme(cat.projects["good"])
    assert [p.id for p in cat.programmes] == ["prog"]
    assert [c.id for c in cat.children("prog")] == ["x"]
    programme_page = next(s for s in site_pages(cat, Settings()) if s.src == "projects/prog.md")
    assert programme_page.context["is_programme"] and [c["project"].id for c in programme_page.context["children"]] == ["x"]


def test_a_project_that_says_kind_programme_is_one_even_with_no_projects_yet(tmp_path):
    cat = load_catalogue(str(write_archive(tmp_path, {})), build_date=BUILD_DATE)
    assert [p.id for p in cat.programmes] == ["prog"] and cat.children("prog") == ()
