#!/usr/bin/env python3
"""Time ``scripts/validate.py`` over N generated records: ``.venv/bin/python scripts/bench_validate.py [N]``.

Writes N realistic records (half projects, three tenths contacts, one fifth
resources, every other resource with a real PDF under ``resources/``) into a
temporary folder, runs the validator once in a fresh process as a pre-commit hook
would, and prints the wall time. The records cross-reference each other (contacts,
organisations, programmes, resources), so every check runs. A benchmark, not a test:
the figure depends on the machine; README.md records it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

from tinypdf import tiny_pdf  # scripts/tinypdf.py, beside this script

HERE = os.path.dirname(os.path.abspath(__file__))


PROJECT = """\
# yaml-language-server: $schema=../schema/project.schema.json
title: "Project {i}: learning, skills and “work” — £{i} a session"
short_title: Project {i}
start: {year}-04-01
end: {year1}-03-31
status: finished
summary: >-
  Resources that help practitioners support people with experience of mental
  health difficulties into work, learning and volunteering (number {i}).
themes: [mental health, employment, theme {t}]
regions: [East of England, region {r}]
{programme}organisations:
  - {{id: org-{o}, role: Lead organisation}}
  - {{id: org-{o2}, role: Funder}}
sections:
  - heading: What are we aiming to achieve?
    body: |
      1. Establishing the baseline of provision in the region
      2. Training **support workers** in café settings

      See the [evaluation](https://example.org/{i}) for more.
  - heading: Who is it for?
    body: |
      People who have *experience* of mental health difficulties, their
      carers, and the practitioners who support them.
outputs:
  - {{measure: Support workers trained, target: 20, achieved: 33}}
  - {{measure: Learners, target: "1,200", note: Exceeded in every area.}}
timeline:
  - {{date: {year}-04, text: Project starts}}
  - {{date: {year}-09, end: {year1}-01, text: Training delivered}}
contacts:
  - {{id: person-{c}, role: "Regional Project Officer, East of England", email: p{c}@example.org, phone: "01611 234567"}}
resources: [resource-{res}]
links:
  - {{title: Evaluation report, url: "https://www.example.org/report/{i}"}}
"""

PERSON = """\
# yaml-language-server: $schema=../schema/contact.schema.json
kind: person
name: Person {i} Smith-Jones
organisation: org-{o}
role: Mental health co-ordinator
email: person.{i}@example.org
phone: "07920 {i:06d}"
"""

ORG = """\
# yaml-language-server: $schema=../schema/contact.schema.json
kind: organisation
name: Organisation {i} Ltd
address: [21 De Montfort Street, Leicester, LE1 7GE]
url: https://example.org/org/{i}
"""

RESOURCE_FILES = """\
# yaml-language-server: $schema=../schema/resource.schema.json
title: Resource pack {i}
kind: toolkit
summary: A collection of resources for practitioners, number {i}.
published: 2010-03
licence: OGL-3.0
files:
  - {{file: r{i}/toolbox.pdf, title: Toolbox}}
"""

RESOURCE_URL = """\
# yaml-language-server: $schema=../schema/resource.schema.json
title: External report {i}
kind: report
summary: Published elsewhere.
url: https://www.example.org/publications/{i}
"""


def generate(root: str, n: int) -> dict[str, int]:
    n_projects, n_contacts = n // 2, n * 3 // 10
    n_resources = n - n_projects - n_contacts
    n_orgs = max(1, n_contacts // 5)
    n_people = n_contacts - n_orgs
    for folder in ("projects", "contacts", "resources"):
        os.makedirs(os.path.join(root, folder), exist_ok=True)
    pdf = tiny_pdf(3)

    def write(rel: str, data: str | bytes) -> None:
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

    for i in range(n_orgs):
        write(f"contacts/org-{i}.yml", ORG.format(i=i))
    for i in range(n_people):
        write(f"contacts/person-{i}.yml", PERSON.format(i=i, o=i % n_orgs))
    for i in range(n_resources):
        if i % 2 == 0:
            write(f"resources/resource-{i}.yml", RESOURCE_FILES.format(i=i))
            write(f"resources/r{i}/toolbox.pdf", pdf)
        else:
            write(f"resources/resource-{i}.yml", RESOURCE_URL.format(i=i))
    for i in range(n_projects):
        year = 2000 + i % 20
        programme = "" if i % 50 == 0 else f"programme: project-{i - i % 50}\n"
        text = PROJECT.format(
            i=i, year=year, year1=year + 1, t=i % 7, r=i % 9, programme=programme,
            o=i % n_orgs, o2=(i + 1) % n_orgs, c=i % max(1, n_people), res=i % n_resources,
        )
        if i % 50 == 0:
            text = text.replace("status: finished\n", "status: finished\nkind: programme\n")
        write(f"projects/project-{i}.yml", text)
    return {"projects": n_projects, "people": n_people, "organisations": n_orgs, "resources": n_resources,
            "files": (n_resources + 1) // 2}


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 10_000
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as root:
        t0 = time.perf_counter()
        counts = generate(root, n)
        print(f"generated {n:,} records in {time.perf_counter() - t0:.1f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, os.path.join(HERE, "validate.py"), root],
                              capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print((proc.stdout + proc.stderr).strip().splitlines()[-1] if proc.stdout or proc.stderr else "(no output)")
        print(f"scripts/validate.py: {elapsed:.2f} s wall clock, {cpu:.2f} s CPU for {n:,} records "
              f"({elapsed / n * 1000:.2f} ms per record), exit {proc.returncode}")
        return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
