"""Reading and converting record files in worker processes (catalogue.parallel_workers, #15) gives the
very catalogue, and the very problems at the very lines and columns, that reading them here gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import make_pdf

from projarchive import catalogue
from projarchive.problems import ArchiveError

GOOD: dict[str, str | bytes] = {
    "projects/alpha.yml": "title: Alpha\nstart: 2015-09-01\nend: 2017-08-31\nsummary: Groups projects.\n"
                          "themes: [mental health]\n",
    "projects/beta.yml": "title: Beta\nstart: 2016-01-01\nend: 2016-12-31\nsummary: First.\nprogramme: alpha\n"
                         "themes: [mental health, employment]\nregions: [London]\n"
                         "organisations:\n  - {id: acme, role: Lead}\ncontacts:\n  - {id: jane, role: Officer}\n"
                         "resources: [pack]\nsections:\n  - heading: Made\n    body: \"[Download the pack](download:pack)\"\n",
    "contacts/acme.yml": "kind: organisation\nname: Acme Trust\n",
    "contacts/jane.yml": "kind: person\nname: Jane Doe\norganisation: acme\nrole: Director\n",
    "resources/pack.yml": "title: The pack\nkind: toolkit\nfiles:\n  - {file: pack/a.pdf, title: Toolbox}\n",
    "resources/pack/a.pdf": make_pdf(2),
}
BROKEN: dict[str, str] = {
    "projects/gamma.yml": "title: Gamma\nstart: 2014\nsummary: Names nobody.\nstatus: finished\n"
                          "contacts:\n  - {id: nobody}\nthemes: [Mental Health]\n",  # a reference, a spelling
    "projects/delta.yml": "title: [unclosed\n",  # not YAML
    "projects/epsilon.yml": "title: Epsilon\nstart: someday\nsummary: Bad date.\n",  # the schema's
    "contacts/kappa.yml": "kind: person\nname: Kappa\norganisation: jane\n",  # a person as organisation
}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")


def load(root: Path, monkeypatch: pytest.MonkeyPatch, workers: str) -> catalogue.Catalogue:
    monkeypatch.setenv("PROJARCHIVE_WORKERS", workers)
    return catalogue.load_catalogue(str(root), build_date=dt.date(2026, 1, 1))


def test_records_read_in_worker_processes_make_the_same_catalogue(tmp_path, monkeypatch):
    write(tmp_path, GOOD)
    here, there = load(tmp_path, monkeypatch, "1"), load(tmp_path, monkeypatch, "2")
    assert there == here
    assert list(there.projects) == list(here.projects) and list(there.contacts) == list(here.contacts)
    assert there.project_contacts("beta") == here.project_contacts("beta")


def test_problems_found_in_worker_processes_are_the_same_at_the_same_places(tmp_path, monkeypatch):
    write(tmp_path, {**GOOD, **BROKEN})
    reports = []
    for workers in ("1", "2"):
        with pytest.raises(ArchiveError) as e:
            load(tmp_path, monkeypatch, workers)
        reports.append(e.value.problems.report())
    assert reports[0] == reports[1]
    lines = reports[1].splitlines()
    # each kind of mistake, at its line and column: YAML, schema, reference (a position read again), spelling
    assert any(line.startswith("projects/delta.yml:") and ": error: " in line for line in lines)
    assert any(line.startswith("projects/epsilon.yml:2:8: error: start:") for line in lines), lines
    assert any(line.startswith("projects/gamma.yml:6:10: error: contacts[0].id:") for line in lines), lines
    assert any(line.startswith("projects/gamma.yml:7:10: error: themes[0]:") for line in lines), lines
    assert any(line.startswith("contacts/kappa.yml:3:15: error: organisation:") for line in lines), lines


def test_how_many_workers(monkeypatch):
    assert catalogue.parallel_workers(10, {}) == 1
    assert catalogue.parallel_workers(catalogue.PARALLEL_FILES - 1, {}) == 1
    assert 1 <= catalogue.parallel_workers(catalogue.PARALLEL_FILES, {}) <= 4
    assert catalogue.parallel_workers(50_000, {"PROJARCHIVE_WORKERS": "1"}) == 1
    assert catalogue.parallel_workers(10, {"PROJARCHIVE_WORKERS": "3"}) == 3
