"""A fixture archive of 64 projects that nobody hand-tuned for one test: long titles, Welsh text, a
programme with sites, a toolkit with several files, 30 organisations (a 30-value facet), 14 themes,
10 regions, active and finished projects over twenty years, people, documents and a news post.

Each project's title holds one distinctive word (:data:`WORDS`) found nowhere else in the archive,
so a search for it must find that project; every project's text shares the word "learners", so a
search for it has every project among its results (several pages of them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from conftest import Archive, make_pdf

# 64 distinctive words, none the beginning of another word in the archive (Pagefind matches prefixes)
WORDS = (
    "avocet", "bittern", "chiffchaff", "dunlin", "eider", "fieldfare", "goldcrest", "hawfinch",
    "jackdaw", "kittiwake", "lapwing", "merganser", "nuthatch", "ouzel", "plover", "quail",
    "redpoll", "shelduck", "treecreeper", "whimbrel", "yellowhammer", "wryneck", "siskin", "ptarmigan",
    "oystercatcher", "nightjar", "moorhen", "linnet", "kingfisher", "jay", "hobby", "greenshank",
    "fulmar", "dotterel", "corncrake", "bunting", "auk", "brambling", "capercaillie", "dipper",
    "egret", "firecrest", "godwit", "heron", "ibis", "knot", "lark", "mallard",
    "nightingale", "osprey", "puffin", "razorbill", "sanderling", "teal", "wagtail", "wigeon",
    "xenops", "yaffle", "zitting", "bluethroat", "crossbill", "dabchick", "gannet", "hoopoe",
)
N = len(WORDS)
THEMES = ("adult learning", "apprenticeships", "careers guidance", "community learning", "digital skills",
          "employment", "ESOL", "family learning", "mental health", "numeracy", "research", "volunteering",
          "wellbeing", "workforce development")  # 14
REGIONS = ("East Midlands", "East of England", "London", "North East", "North West", "South East",
           "South West", "Wales", "West Midlands", "Yorkshire and the Humber")  # 10
ORGANISATIONS = tuple(f"{town} {kind}" for town, kind in zip(
    ("Aberdare", "Barnsley", "Carlisle", "Derby", "Exeter", "Falmouth", "Grimsby", "Hereford", "Ipswich",
     "Jarrow", "Kendal", "Lincoln", "Margate", "Norwich", "Oldham", "Preston", "Ramsgate", "Salford",
     "Telford", "Ullapool", "Ventnor", "Wrexham", "Yeovil", "Ashford", "Bangor", "Cardigan", "Dover",
     "Ely", "Frome", "Goole"),
    ("Adult College", "Learning Trust", "Skills Partnership", "Community Centre", "Training Ltd") * 6,
    strict=True))  # 30: the browse page's organisation facet
PROGRAMME = 0  # project 0 is a programme of projects 1-5, with sites
ACTIVE = {7, 19, 33, 50}  # still running (no end)
WELSH = {8, 16, 24, 40, 56}

PROSE = (
    "The project worked with adult learners in community settings, helping them to build confidence "
    "and to take their next step into work or further study. Tutors and support workers met learners "
    "where they already were: in libraries, job centres, cafés and village halls."
)
LONG_TAIL = ("for adults returning to learning after a long time away, with support for their mental "
             "health and wellbeing, in partnership with employers, colleges and voluntary organisations")


@dataclass(frozen=True)
class Project:
    index: int
    id: str
    title: str
    word: str
    start_year: int
    active: bool
    themes: tuple[str, ...]
    region: str
    organisations: tuple[int, ...]

    @property
    def welsh(self) -> bool:
        return self.index in WELSH


def projects() -> list[Project]:
    out = []
    for i, word in enumerate(WORDS):
        if i in WELSH:
            title = f"Dysgu gydol oes yng Nghymru: prosiect {word.capitalize()} i oedolion"
        elif i % 5 == 0:
            title = f"The {word.capitalize()} project: {LONG_TAIL}"  # long titles
        else:
            title = f"{word.capitalize()} {('pathways', 'skills', 'futures', 'steps')[i % 4]} for adult learners"
        themes = (THEMES[i % 14],) if i % 3 else (THEMES[i % 14], THEMES[(i + 5) % 14])
        orgs = (i % 30,) if i % 2 else (i % 30, (i + 7) % 30)
        out.append(Project(i, f"p-{i:02d}", title, word, 2000 + i % 20, i in ACTIVE, themes,
                           REGIONS[i % 10], orgs))
    return out


def _project_yml(p: Project) -> str:
    lines = [f"title: {json.dumps(p.title)}", f"start: {p.start_year}-{1 + p.index % 12:02d}-01"]
    if not p.active:
        lines += [f"end: {p.start_year + 1 + p.index % 3}-{1 + p.index % 12:02d}-28", "status: finished"]
    else:
        lines.append("status: active")
    if p.welsh:
        lines.append("summary: Prosiect i helpu oedolion yng Nghymru i ddychwelyd i ddysgu, gyda learners "
                     "o bob oed.")
    else:
        lines.append(f"summary: A project with adult learners in {p.region}, about {' and '.join(p.themes)}.")
    lines.append(f"themes: [{', '.join(p.themes)}]")
    lines.append(f"regions: [{p.region}]")
    if p.index == PROGRAMME:
        lines.append("kind: programme")
        lines.append("sites:")
        for n, (town, lat, lon) in enumerate((("Norwich", 52.63, 1.30), ("Leeds", 53.80, -1.55),
                                              ("Cardiff", 51.48, -3.18), ("Bristol", 51.45, -2.59),
                                              ("Durham", 54.78, -1.57))):
            lines.append(f"  - {{name: Pilot site {n + 1}, town: {town}, lat: {lat}, lon: {lon}}}")
    elif 1 <= p.index <= 5:
        lines.append(f"programme: p-{PROGRAMME:02d}")
    lines.append("organisations:")
    for n, o in enumerate(p.organisations):
        lines.append(f"  - {{id: org-{o:02d}, role: {'Lead organisation' if n == 0 else 'Partner'}}}")
    if p.index % 4 == 0:
        lines.append(f"contacts:\n  - {{id: person-{p.index // 4:02d}, role: Project officer}}")
    lines.append(f"resources: [{'toolkit-many' if p.index % 8 == 0 else f'report-{p.index % 6}'}]")
    lines.append("sections:")
    lines.append("  - heading: What did the project do?")
    lines.append(f"    body: {json.dumps(PROSE, ensure_ascii=False)}")
    lines.append("  - heading: What was learnt?")
    lines.append("    body: That small groups, patient tutors and a warm room matter more than any timetable.")
    return "\n".join(lines) + "\n"


def write_many(archive: Archive) -> list[Project]:
    """Write the fixture's records into ``archive``; returns its projects."""
    for n, name in enumerate(ORGANISATIONS):
        archive.write(f"contacts/org-{n:02d}.yml", f"kind: organisation\nname: {name}\n")
    for n in range(N // 4):
        archive.write(f"contacts/person-{n:02d}.yml",
                      f"kind: person\nname: Person Number{n:02d}\norganisation: org-{n % 30:02d}\nrole: Tutor\n")
    archive.write("resources/toolkit-many.yml", """
        title: Tutors' toolkit for adult learners
        kind: toolkit
        summary: Guides, worksheets and a training pack for tutors of adults returning to learning.
        published: 2012-05
        files:
          - {file: toolkit/guide.pdf, title: Tutor guide}
          - {file: toolkit/worksheets.pdf, title: Worksheets}
          - {file: toolkit/training-pack.pdf, title: Training pack}
          - {file: toolkit/evaluation.pdf, title: Evaluation form}
        """)
    for name, pages in (("guide", 12), ("worksheets", 30), ("training-pack", 48), ("evaluation", 2)):
        archive.write_bytes(f"resources/toolkit/{name}.pdf", make_pdf(pages, name))
    for n in range(6):
        archive.write(f"resources/report-{n}.yml", f"""
            title: Evaluation report number {n}
            kind: report
            published: {2005 + n}
            files:
              - {{file: reports/report-{n}.pdf, title: Full report}}
            """)
        archive.write_bytes(f"resources/reports/report-{n}.pdf", make_pdf(1 + n, f"report {n}"))
    all_projects = projects()
    for p in all_projects:
        archive.write(f"projects/{p.id}.yml", _project_yml(p))
    archive.write("docs/news/posts/2019-09-05-coastal-interim.md", """
        ---
        date: 2019-09-05
        projects: [p-09]
        ---

        # Interim findings from the coastal pilots

        The pilots reached more learners than planned.
        """)
    return all_projects
