#!/usr/bin/env python3
"""Benchmark: our generator against plain MkDocs + Material building the same pages.

    .venv/bin/python scripts/bench.py 2000 [--repeat 3] [--workdir /tmp/projarchive-bench] [--json out.json]

1. Generates N synthetic projects in the real record format (projects/, contacts/,
   resources/ with small real PDFs), ~600 words each, with a fixed seed.
2. Builds them with this repository's generator (`mkdocs build --strict`: hook, templates,
   Pagefind index).
3. Writes the same pages as plain Markdown (a page per project, resource and contact, plus
   the listings) and builds them with plain MkDocs + Material and its built-in search, the
   records left out of the navigation as a typical large site would do.
4. Builds each site `--repeat` times (default 3), taking turns, each from nothing (no site
   folder, no document-facts cache), and reports the median: one slow moment of the machine
   then costs both sides, not one. Then one more of ours over the last, cache warm. The last
   run's site and cache are moved aside, not deleted, and everything moved aside is deleted
   only at the end (see `Trash`): deleting tens of thousands of files just before a build
   makes that build's own files slow to create on some file systems, the more files a build
   writes the more so, which would measure the deleting, not the builds.
5. For each: build time (wall clock) and CPU time (user + system, of the build and every process
   it waited for, Pagefind included), each as the median and the spread of the runs; for ours also
   the CPU time less Pagefind's (sampled from /proc with the memory; plain MkDocs' search index is
   part of its build and stays in its figure; with `--plain-without-search`, plain MkDocs is also
   built a third time in each turn without its search plugin, and the two sides are compared with
   their search indexes apart: ours less Pagefind's CPU against plain's without its index, and
   Pagefind's CPU against what plain's index cost, pair by pair); time per
   record, peak memory of the build's whole process tree (sampled from /proc, so Pagefind's child
   process counts), site size, and what a visitor downloads from opening the home page to seeing
   the first search results, and how long the results take to appear after typing, in headless
   Chromium (Debian's /usr/bin/chromium); for ours also the search results page that Enter opens:
   the download from the home page until its first result, and the time from Enter.
   Before each pair, with two cores or more, a check of the machine (`machine_check`): how much
   more CPU time a fixed loop takes while another core runs the same loop than alone. Where that
   is above 1 (two virtual cores sharing hardware), CPU time costs more when a build keeps both
   cores busy, as ours does (Pagefind beside the pages) and plain MkDocs does not: compare the
   CPU ratio with `--cpus 0` too.
6. Ours under `mkdocs serve` (unless --no-serve): Chromium shows a project page; a project record
   is saved with a new title `--edits` times, and each time the seconds from the write to the
   reloaded page showing the new title are measured; then a broken record (until the page shows
   the error list) and its fix (until the page is clean again).

Prints a table and the ratios ours / plain.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import itertools
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from tinypdf import tiny_pdf  # scripts/tinypdf.py, beside this script

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
QUERY = "lighthouse"  # a word a few projects use; see make_records
TYPING_MS = 80  # a brisk typist; time to results is measured from the last key press
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
# Nothing may come from another host; blocked where names are looked up, not with Playwright's page.route,
# which switches the browser's cache off (the results page would fetch every file the home page had again)
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

THEMES = ["mental health", "employment", "adult learning", "numeracy", "digital skills", "community learning",
          "apprenticeships", "wellbeing", "careers guidance", "family learning", "ESOL", "volunteering"]
REGIONS = ["East of England", "London", "North East", "North West", "South East", "South West",
           "West Midlands", "East Midlands", "Yorkshire and the Humber", "Wales"]
KINDS = ["toolkit", "report", "data", "infographic", "form", "other"]


# --------------------------------------------------------------------------- synthetic records


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "tas", "vel", "dor", "pri", "sun", "gal", "ber", "ton", "hal", "wis",
                 "fen", "mar", "ost", "lin", "cre", "dun", "ash", "ley", "ing", "ford", "ham", "ton", "field"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocab: list[str], n: int, cum: list[float] | None = None) -> str:
    if cum is None:  # --text skewed: the first word of the list is ~53% of all words, the next ~17%
        words = [vocab[min(int(rng.paretovariate(1.1)) - 1, len(vocab) - 1)] for _ in range(n)]
    else:  # --text zipf: a word's share falls as 1 / its rank (cumulative weights `cum`)
        words = rng.choices(vocab, cum_weights=cum, k=n)
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, vocab: list[str], words: int, cum: list[float] | None = None) -> str:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 20))
        out.append(sentence(rng, vocab, n, cum))
        left -= n
    return " ".join(out)


TEXTS = ("skewed", "zipf")  # how often each made-up word is drawn (make_records, --text)


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a YAML double-quoted scalar


def make_records(n: int, seed: int = 4, text: str = "skewed") -> dict:
    """Plain data for N projects and their contacts and resources (shared by both sites).

    ``text``: how often each word is drawn. "skewed" (the default, as every figure before
    2026-12-02 17:50 was measured): one word is more than half of all the words ("ash ash
    ashash ash..."), which no prose is; "zipf": a word's share falls as 1 / its rank, ranks in a
    shuffled order, so the commonest word is ~11% of the words (in the sample's real records the
    commonest, "the", is 4.4%) and a project's ~560 words hold ~280 different ones."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    cum = None
    if text == "zipf":
        vocab = vocab[:]
        random.Random(seed + 1).shuffle(vocab)  # ranks not in alphabetical order ("ash", "ashash", ...)
        cum = list(itertools.accumulate(1 / rank for rank in range(1, len(vocab) + 1)))
    elif text != "skewed":
        raise ValueError(f"text must be one of {TEXTS}, not {text!r}")
    para = functools.partial(paragraph, rng, vocab, cum=cum)
    orgs = [{"id": f"org-{i:05d}", "name": f"{rng.choice(vocab).capitalize()} {rng.choice(['Trust', 'College', 'Council', 'Partnership', 'Ltd'])} {i}"}
            for i in range(max(5, n // 10))]
    people = [{"id": f"person-{i:05d}", "name": f"{rng.choice(vocab).capitalize()} {rng.choice(vocab).capitalize()}",
               "role": para(4).rstrip("."), "organisation": rng.choice(orgs)["id"],
               "email": f"person{i}@example.org"} for i in range(max(5, n // 2))]
    resources = []
    for i in range(max(3, n // 4)):
        resources.append({"id": f"resource-{i:05d}", "title": para(5).rstrip("."),
                          "kind": KINDS[i % len(KINDS)], "summary": para(30),
                          "file": f"docs-{i // 100:03d}/resource-{i:05d}.pdf", "pages": 1 + i % 4})
    projects = []
    for i in range(n):
        year = 2000 + i % 20
        sections = [{"heading": para(4).rstrip(".") + "?", "body": para(130)}
                    for _ in range(4)]
        if i % 97 == 0:
            sections[0]["body"] += f" The {QUERY} approach was tried here."
        projects.append({
            "id": f"project-{i:05d}",
            "title": para(8).rstrip("."),
            "start": f"{year}-{1 + i % 12:02d}-01", "end": f"{year + 1 + i % 3}-{1 + i % 12:02d}-28",
            "summary": para(45),
            "themes": sorted(rng.sample(THEMES, 2)), "regions": [rng.choice(REGIONS)],
            "organisations": [{"id": o["id"], "role": r} for o, r in
                              zip(rng.sample(orgs, 2), ["Lead organisation", "Partner"], strict=True)],
            "sections": sections,
            "contacts": [p["id"] for p in rng.sample(people, 2)],
            "resources": [rng.choice(resources)["id"]],
        })
    return {"projects": projects, "people": people, "orgs": orgs, "resources": resources}


def write_ours(root: Path, data: dict) -> None:
    for name in ("mkdocs.yml", "hooks", "overrides", "src"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name,
                                                            **({"ignore": shutil.ignore_patterns("__pycache__")}
                                                               if src.is_dir() else {}))
    shutil.copytree(REPO / "docs", root / "docs", ignore=shutil.ignore_patterns("posts"))
    (root / "docs/news/posts").mkdir(parents=True, exist_ok=True)
    for folder in ("projects", "contacts", "resources"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for o in data["orgs"]:
        (root / f"contacts/{o['id']}.yml").write_text(f"kind: organisation\nname: {q(o['name'])}\n", encoding="utf-8")
    for p in data["people"]:
        (root / f"contacts/{p['id']}.yml").write_text(
            f"kind: person\nname: {q(p['name'])}\norganisation: {p['organisation']}\nrole: {q(p['role'])}\n"
            f"email: {p['email']}\n", encoding="utf-8")
    for r in data["resources"]:
        pdf = root / "resources" / r["file"]
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(tiny_pdf(r["pages"], r["id"]))
        (root / f"resources/{r['id']}.yml").write_text(
            f"title: {q(r['title'])}\nkind: {r['kind']}\nsummary: {q(r['summary'])}\n"
            f"files:\n  - {{file: {r['file']}, title: {q('Download ' + r['id'])}}}\n", encoding="utf-8")
    for p in data["projects"]:
        lines = [f"title: {q(p['title'])}", f"start: {p['start']}", f"end: {p['end']}", "status: finished",
                 f"summary: {q(p['summary'])}", f"themes: [{', '.join(p['themes'])}]",
                 f"regions: [{', '.join(p['regions'])}]", "organisations:"]
        lines += [f"  - {{id: {o['id']}, role: {o['role']}}}" for o in p["organisations"]]
        lines.append("sections:")
        for s in p["sections"]:
            lines += [f"  - heading: {q(s['heading'])}", f"    body: {q(s['body'])}"]
        lines.append("contacts:")
        lines += [f"  - {{id: {c}}}" for c in p["contacts"]]
        lines.append(f"resources: [{', '.join(p['resources'])}]")
        (root / f"projects/{p['id']}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


PLAIN_MKDOCS = """\
site_name: Project Resource Library
site_url: https://example.org/archive/
theme:
  name: material
  font: false
  features: [navigation.tabs, navigation.sections, navigation.indexes]
plugins:
  - search
not_in_nav: |
  /projects/*.md
  /resources/*.md
  /contacts/*.md
nav:
  - Home: index.md
  - Projects: projects/index.md
  - Resources: resources/index.md
  - Contacts: contacts/index.md
"""


# the same site without Material's search plugin (into its own folder): what plain MkDocs' index costs
PLAIN_WITHOUT_SEARCH = "mkdocs-without-search.yml"
PLAIN_MKDOCS_WITHOUT_SEARCH = PLAIN_MKDOCS.replace("plugins:\n  - search\n", "plugins: []\nsite_dir: site-without-search\n")
assert PLAIN_MKDOCS_WITHOUT_SEARCH != PLAIN_MKDOCS


def write_plain(root: Path, data: dict) -> None:
    """The same pages as plain Markdown: what a site owner would write by hand for MkDocs."""
    docs = root / "docs"
    for folder in ("projects", "resources", "contacts", "files"):
        (docs / folder).mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(PLAIN_MKDOCS, encoding="utf-8")
    (root / PLAIN_WITHOUT_SEARCH).write_text(PLAIN_MKDOCS_WITHOUT_SEARCH, encoding="utf-8")
    (docs / "index.md").write_text(
        "# Project Resource Library\n\nAn archive of finished public projects. Browse "
        "[all projects](projects/index.md), [resources](resources/index.md) or [contacts](contacts/index.md).\n",
        encoding="utf-8")
    names = {c["id"]: c["name"] for c in data["people"] + data["orgs"]}
    res = {r["id"]: r for r in data["resources"]}
    for p in data["projects"]:
        md = [f"# {p['title']}", "", f"**Dates:** {p['start']} – {p['end']}  ", "**Status:** Finished  ",
              f"**Themes:** {', '.join(p['themes'])}  ", f"**Regions:** {', '.join(p['regions'])}", "",
              p["summary"], ""]
        for s in p["sections"]:
            md += [f"## {s['heading']}", "", s["body"], ""]
        md += ["## Organisations", "", "| Organisation | Role |", "| --- | --- |"]
        md += [f"| [{names[o['id']]}](../contacts/{o['id']}.md) | {o['role']} |" for o in p["organisations"]]
        md += ["", "## Documents", ""]
        md += [f"- [{res[r]['title']}](../resources/{r}.md)" for r in p["resources"]]
        md += ["", "## Contact information", ""]
        md += [f"- [{names[c]}](../contacts/{c}.md)" for c in p["contacts"]]
        (docs / f"projects/{p['id']}.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    for r in data["resources"]:
        pdf = docs / "files" / r["file"]
        pdf.parent.mkdir(parents=True, exist_ok=True)
        pdf.write_bytes(tiny_pdf(r["pages"], r["id"]))
        (docs / f"resources/{r['id']}.md").write_text(
            f"# {r['title']}\n\n**Kind:** {r['kind']}\n\n{r['summary']}\n\n## Downloads\n\n"
            f"- [Download {r['id']} (PDF, {r['pages']} pages)](../files/{r['file']})\n", encoding="utf-8")
    for c in data["people"] + data["orgs"]:
        extra = f"\n{c['role']}\n\nEmail: {c['email']}\n" if "email" in c else ""
        (docs / f"contacts/{c['id']}.md").write_text(f"# {c['name']}\n{extra}", encoding="utf-8")
    listing = ["# All projects", ""] + [f"- [{p['title']}]({p['id']}.md) — {p['start'][:4]}" for p in data["projects"]]
    (docs / "projects/index.md").write_text("\n".join(listing) + "\n", encoding="utf-8")
    listing = ["# Resources", ""] + [f"- [{r['title']}]({r['id']}.md)" for r in data["resources"]]
    (docs / "resources/index.md").write_text("\n".join(listing) + "\n", encoding="utf-8")
    listing = ["# Contacts", ""] + [f"- [{c['name']}]({c['id']}.md)" for c in data["people"] + data["orgs"]]
    (docs / "contacts/index.md").write_text("\n".join(listing) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- measuring


def _tree_rss(pid: int, search: dict[int, float] | None = None) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc; ``search`` gets the CPU
    seconds so far of each process among them named ``pagefind`` (the search index's)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            if search is not None:
                with open(f"/proc/{p}/stat") as f:
                    stat = f.read()
                if stat[stat.index("(") + 1:stat.rindex(")")] == "pagefind":
                    fields = stat[stat.rindex(")") + 2:].split()  # utime and stime: all its threads'
                    search[p] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return total


def cpu_of_children() -> float:
    """User + system seconds of every child process waited for so far (and of their waited children)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPUS: set[int] | None = None  # --cpus: the cores every build (and what it starts) may run on


def run_measured(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict:
    """Run a build; wall time, CPU time (its own and its children's: Pagefind) and the peak summed
    RSS of its process tree (sampled every 50 ms, as is Pagefind's part of the CPU time). With ``CPUS`` set, the build and every process it
    starts run on those cores only (as on a machine with that many)."""
    cpu = cpu_of_children()
    load = os.getloadavg()[0]  # the machine is shared: how busy it was is part of the figure
    start = time.perf_counter()
    cpus = CPUS
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    proc = subprocess.Popen(argv, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=pin)
    peak = 0
    search: dict[int, float] = {}  # Pagefind's CPU seconds, as last sampled (its last <= 50 ms missed)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid, search))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return {"seconds": seconds, "cpu": cpu_of_children() - cpu, "peak_rss": peak, "returncode": proc.returncode,
            "load": [load, os.getloadavg()[0]], "output": output, "search_cpu": sum(search.values())}


# A fixed CPU-bound loop on one core; prints the CPU seconds it took (its own process: nothing else counted)
SPIN = ("import os, time\nos.sched_setaffinity(0, {{{core}}})\nt = time.process_time()\nx = 0\n"
        "for i in range({count}): x += i & 7\nprint(time.process_time() - t)")


def machine_check(rounds: int = 4, count: int = 5_000_000) -> dict | None:
    """What a CPU second costs on this machine when two cores work at once: the CPU time of a fixed loop
    pinned to one core alone, and of the same loop on each of two cores at once (their mean), taking
    turns ``rounds`` times. On a machine whose two "cores" share hardware (hyperthreads of one core, or
    a VM's virtual cores placed so), the second is larger, and a build that keeps both cores busy (ours:
    Pagefind beside the pages) is charged more CPU for the same work than one that keeps one busy
    (plain MkDocs). None with fewer than two cores."""
    cores = sorted(CPUS or os.sched_getaffinity(0))[:2]
    if len(cores) < 2:
        return None

    def spin(on: list[int]) -> float:
        procs = [subprocess.Popen([PYTHON, "-c", SPIN.format(core=core, count=count)], stdout=subprocess.PIPE,
                                  text=True) for core in on]
        return statistics.mean(float(proc.communicate()[0]) for proc in procs)

    alone, both = [], []
    for _ in range(rounds):
        alone.append(spin(cores[:1]))
        both.append(spin(cores))
    return {"alone": alone, "both": both}


def inflation(checks: list[dict]) -> float:
    """Of every machine_check taken: the median CPU time of the loop with both cores busy over alone."""
    return statistics.median([x for c in checks for x in c["both"]]) / statistics.median(
        [x for c in checks for x in c["alone"]])


def children_maxrss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class CountingServer:
    """Serves a site on 127.0.0.1 and counts the bytes of every file it sends."""

    def __init__(self, site: Path) -> None:
        self.sent = 0
        self.files: list[tuple[str, int, float]] = []  # path, bytes, when (time.time()) it was sent
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send_head(self):
                f = super().send_head()
                if f is not None and hasattr(f, "fileno"):
                    size = os.fstat(f.fileno()).st_size
                    server.sent += size
                    server.files.append((self.path, size, time.time()))
                return f

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def first_search(site: Path, ours: bool) -> dict:
    """Open the home page, click the search box and type QUERY as a person would; wait for the first
    result. Returns every byte the server sent from opening the page, and the seconds from the
    last key press to the first result on screen. For ours, then press Enter, as a person who wants
    every result would, and wait for the first result on the search results page: ``results_page``
    has every byte sent from opening the home page until then (the first results shown; the counts
    beside the filters load after them: ``settled_bytes`` once they and the rest of the page's
    results are shown), and the seconds from Enter: as Playwright notices the first result
    (``seconds``), and by the clocks (``on_screen_seconds``: from the key press to the first result
    in the page; ``searched_seconds``: to the page's own search of the index answering, which
    replaces the drop-down's first results that search.js carries over; ``first_shown`` says which
    came first, "carried" or "searched"). The
    browser keeps its cache, as a visitor's does; the server answers a revalidation with 304 and
    no body (Python's http.server, as static hosts do), which counts no bytes."""
    from playwright.sync_api import sync_playwright

    server = CountingServer(site)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, OFFLINE])
            context = browser.new_context()
            # when the results page puts its first result on screen (a list item in its list)
            # and, by the browser's clock, when its own search of the index answered (data-shown="searched";
            # "carried": the first results are the drop-down's, kept by search.js for the tab)
            context.add_init_script("""new MutationObserver(function (changes, observer) {
                var list = document.getElementById("archive-finder-list");
                if (list && list.firstElementChild && !window.__firstResultAt) {
                    window.__firstResultAt = performance.timeOrigin + performance.now();
                    window.__firstShown = list.parentNode.getAttribute("data-shown");
                }
                var box = document.querySelector("[data-finder-results]");
                if (box && box.getAttribute("data-shown") === "searched") {
                    window.__searchedAt = performance.timeOrigin + performance.now();
                    observer.disconnect();
                }
            }).observe(document, {childList: true, subtree: true, attributes: true,
                                  attributeFilter: ["data-shown"]});""")
            page = context.new_page()
            page.goto(server.url, wait_until="load")
            if ours:
                box = page.get_by_role("searchbox", name="Search the archive")
                box.click()
                box.press_sequentially(QUERY[:-1], delay=TYPING_MS)
                start = time.perf_counter()
                box.press(QUERY[-1])
                page.locator(f'#archive-search-results[data-query="{QUERY}"] .archive-search__link').first.wait_for(
                    timeout=60_000)
                seconds = time.perf_counter() - start
                page.wait_for_timeout(300)  # let late requests (excerpts, fragments) land in the count
                dropdown = {"bytes": server.sent, "seconds": seconds, "requests": len(server.files)}
                start, pressed = time.perf_counter(), time.time()
                box.press("Enter")
                page.locator("#archive-finder-list > li").first.wait_for(timeout=60_000)
                seconds = time.perf_counter() - start
                page.locator('[data-finder-results][data-shown="searched"]').wait_for(timeout=60_000)
                clock = page.evaluate("[window.__firstResultAt, window.__searchedAt, window.__firstShown]")
                # the bytes sent before the page put its first result in the list (the browser's
                # clock, as the server's: the same machine); Playwright notices it later, by when
                # more may have been asked for
                shown_at = page.evaluate("window.__firstResultAt") / 1000
                before = [size for _, size, when in server.files if when <= shown_at]
                first = {"bytes": sum(before), "seconds": seconds, "requests": len(before),
                         # by the clocks: from the key press to the first results on screen, and to the
                         # page's own search answering; without Playwright's time to notice
                         "on_screen_seconds": clock[0] / 1000 - pressed, "searched_seconds": clock[1] / 1000 - pressed,
                         "first_shown": clock[2]}
                # then the rest of the page's results, and every filter of the index for the counts
                page.locator("[data-finder-results][data-settled]").wait_for(timeout=60_000)
                page.wait_for_timeout(300)
                browser.close()
                return {**dropdown, "results_page": {**first, "settled_bytes": server.sent,
                                                     "settled_seconds": time.perf_counter() - start}}
            else:
                box = page.locator("input.md-search__input")
                box.click()
                box.press_sequentially(QUERY[:-1], delay=TYPING_MS)
                start = time.perf_counter()
                box.press(QUERY[-1])
                page.locator(".md-search-result__item").first.wait_for(timeout=120_000)
            seconds = time.perf_counter() - start
            page.wait_for_timeout(300)  # let late requests (excerpts, fragments) land in the count
            browser.close()
        return {"bytes": server.sent, "seconds": seconds, "requests": len(server.files)}
    finally:
        server.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, timeout: float, what: str) -> float:
    """Poll ``check()`` (every 20 ms) until true; the seconds it took. A page reloading in between is retried."""
    from playwright.sync_api import Error as PlaywrightError

    start = time.perf_counter()
    while True:
        try:
            if check():
                return time.perf_counter() - start
        except PlaywrightError:
            pass  # the page was reloading
        if time.perf_counter() - start > timeout:
            raise TimeoutError(f"{what}: not seen within {timeout:.0f} s")
        time.sleep(0.02)


def serve_edits(root: Path, edits: int, pause: float) -> dict:
    """Ours under `mkdocs serve`: Chromium shows a project page; its record is saved with a new title
    `edits` times, `pause` seconds apart (a maintainer reading the result); each time, the seconds from
    the write to the reloaded page showing the new title. Then a broken record (until the page shows
    the error list) and the fix (until the page is clean again)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}/archive/"
    log_path = root / "serve.log"
    env = {**ENV, "PYTHONPATH": str(root / "src")}
    started = time.perf_counter()
    with open(log_path, "w") as log:
        # -v: the server logs each update's steps (records and page models, pages rendered, written)
        proc = subprocess.Popen([PYTHON, "-m", "mkdocs", "serve", "-v", "-a", f"127.0.0.1:{port}"], cwd=root,
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    record = root / "projects/project-00001.yml"
    original = record.read_text(encoding="utf-8")
    try:
        import urllib.request

        while True:
            try:
                urllib.request.urlopen(base, timeout=5).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"mkdocs serve stopped:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.5)
        startup = time.perf_counter() - started
        print(f"serve: first build and start {startup:.1f} s", flush=True)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context().new_page()
            page.goto(base + "projects/project-00001/", wait_until="load")
            heading = page.locator("article h1").first

            def saved(body: str) -> float:
                time.sleep(pause)
                record.write_text(body, encoding="utf-8")
                return time.perf_counter()

            seconds: list[float] = []
            loads: list[float] = []  # the machine's 1-minute load average at each
            for i in range(edits):
                marker = f"Edited {i} at {time.time():.0f}"
                start = saved(original.replace('title: "', f'title: "{marker} ', 1))
                _wait_for(lambda marker=marker: marker in (heading.text_content(timeout=1000) or ""), 120,
                          "the new title")
                seconds.append(time.perf_counter() - start)
                loads.append(os.getloadavg()[0])
                print(f"serve: edit {i + 1} shown after {seconds[-1]:.2f} s (load {loads[-1]:.1f})", flush=True)
            errors = page.locator("section.archive-serve-errors")
            start = saved(re.sub(r"^start: (\d{4})-(\d{2})-(\d{2})$", r"start: \3/\2/\1", original, flags=re.MULTILINE))
            _wait_for(lambda: errors.count() > 0, 120, "the error list")
            broken = time.perf_counter() - start
            start = saved(original)
            _wait_for(lambda: errors.count() == 0 and "Edited" not in (heading.text_content(timeout=1000) or ""),
                      120, "the page without errors")
            fixed = time.perf_counter() - start
            print(f"serve: broken record shown after {broken:.2f} s, fix after {fixed:.2f} s", flush=True)
            browser.close()
    finally:
        record.write_text(original, encoding="utf-8")
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    # the server's own account of each update: "records and page models 0.61 s (0.60 s CPU); 10 pages rendered …"
    steps = [line.split("Update: ", 1)[1].strip() for line in log_path.read_text(errors="replace").splitlines()
             if "Update: " in line]
    for line in steps:
        print(f"serve: update steps: {line}", flush=True)
    return {"startup_seconds": startup, "edit_seconds": seconds, "error_seconds": broken, "recover_seconds": fixed,
            "load": loads, "update_steps": steps}


class Trash:
    """Where the benchmark puts old sites and caches instead of deleting them, until it ends.

    On ext4 without a journal (this machine's root file system: /proc/fs/jbd2 is empty) an inode
    freed less than 60 s ago (300 s if its inode table block is still dirty) is not given to a new
    file, and every file created meanwhile looks at those inodes one by one (``recently_deleted``
    in ``ext4_create``, 60% of the kernel time in `perf`): after deleting a site of 80,000 files,
    creating 37,500 small ones took 8-17 s of system CPU instead of ~1 s. Deleting each site just
    before the next build charged that to the builds, and most to the one that writes more files.
    A rename frees no inode, so moving the old folders aside costs nothing; they are deleted once
    every measurement is done."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # beside the work folder; one left by an interrupted run is emptied with this one
        self.count = 0

    def put(self, path: Path) -> None:
        if path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            path.rename(self.folder / f"{os.getpid()}-{self.count}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def build_ours(root: Path) -> dict:
    # the snapshot of src/ copied beside the site (write_ours), so editing the repository while a
    # long benchmark runs cannot mix two versions of the code
    env = {**ENV, "PYTHONPATH": str(root / "src")}
    return run_measured([PYTHON, "-m", "mkdocs", "build", "--strict", "-q"], root, env)


def build_plain(root: Path, config: str = "mkdocs.yml") -> dict:
    return run_measured([PYTHON, "-m", "mkdocs", "build", "-q", "-f", config], root)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of synthetic projects")
    ap.add_argument("--workdir", default=None, help="where to write the two sites (default /tmp/projarchive-bench-N)")
    ap.add_argument("--json", default=None, help="also write the figures to this JSON file")
    ap.add_argument("--no-browser", action="store_true", help="skip the visitor measurements")
    ap.add_argument("--repeat", type=int, default=3,
                    help="build each site this many times, taking turns; the median time is reported (default 3)")
    ap.add_argument("--visitor-only", action="store_true",
                    help="only the visitor measurements, on the two sites a previous run left in the workdir "
                         "(e.g. again when the machine is quieter)")
    ap.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve measurements")
    ap.add_argument("--edits", type=int, default=5, help="saves of a record under mkdocs serve (default 5)")
    ap.add_argument("--pause", type=float, default=3.0, help="seconds between those saves (default 3)")
    ap.add_argument("--serve-only", action="store_true",
                    help="only the mkdocs serve measurements (no build comparison, no search)")
    ap.add_argument("--text", choices=TEXTS, default="skewed",
                    help="how often each made-up word is drawn: skewed (default, as measured before "
                         "2026-12-02 17:50; one word is over half of the text) or zipf (a word's share "
                         "falls as 1 / its rank, the commonest ~11%%: nearer real prose)")
    ap.add_argument("--plain-without-search", action="store_true",
                    help="also build plain MkDocs without its search plugin in each turn, and compare the "
                         "builds with the search indexes apart (ours less Pagefind's CPU against plain's "
                         "without its index; Pagefind's CPU against what plain's index cost)")
    ap.add_argument("--cpus", default=None,
                    help="run every build on these cores only, e.g. 0 (one core: what a one-core machine "
                         "or a busy CI runner gives; the build then reads records and writes data files in "
                         "its own process) or 0,1; default: every core")
    args = ap.parse_args()
    if args.cpus:
        global CPUS
        CPUS = {int(c) for c in args.cpus.split(",")}

    work = Path(args.workdir or f"/tmp/projarchive-bench-{args.n}")
    if args.visitor_only:
        for name in ("plain", "ours"):
            print(f"{name}: {json.dumps(first_search(work / name / 'site', ours=name == 'ours'))}", flush=True)
        return 0
    trash = Trash(work.with_name(work.name + ".trash"))
    trash.put(work)  # a previous run's folder: deleted at the end, with the sites moved aside meanwhile
    try:
        return measure(args, work, trash)
    finally:
        trash.empty()


def measure(args: argparse.Namespace, work: Path, trash: Trash) -> int:
    ours_root, plain_root = work / "ours", work / "plain"
    ours_root.mkdir(parents=True)
    plain_root.mkdir(parents=True)

    t = time.perf_counter()
    data = make_records(args.n, text=args.text)
    write_ours(ours_root, data)
    write_plain(plain_root, data)
    print(f"generated {args.n} projects, {len(data['people']) + len(data['orgs'])} contacts, "
          f"{len(data['resources'])} resources (with PDFs) in {time.perf_counter() - t:.1f} s", flush=True)

    results: dict = {"n": args.n, "repeat": args.repeat}
    if args.serve_only:
        sv = results["serve"] = serve_edits(ours_root, args.edits, args.pause)
        print(f"\nN = {args.n}: first build and start {sv['startup_seconds']:.1f} s; save to page "
              f"{statistics.median(sv['edit_seconds']):.2f} s (median of {len(sv['edit_seconds'])}, "
              f"{min(sv['edit_seconds']):.2f}–{max(sv['edit_seconds']):.2f}); broken record to errors "
              f"{sv['error_seconds']:.2f} s; fix to clean page {sv['recover_seconds']:.2f} s")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    builders = {"plain": (build_plain, plain_root), "ours": (build_ours, ours_root)}
    if args.plain_without_search:  # in each turn between the two, so that all three share the minute
        builders = {"plain": builders["plain"], "bare": (functools.partial(build_plain, config=PLAIN_WITHOUT_SEARCH), plain_root),
                    "ours": builders["ours"]}
    runs: dict[str, list[dict]] = {name: [] for name in builders}
    # the two builds take turns, `repeat` times each, every one from nothing (no site folder, and for
    # ours no document-facts cache): a slow moment of the machine then costs both, and the median is kept
    checks: list[dict] = []
    for _ in range(args.repeat):
        if (check := machine_check()) is not None:  # before each pair: the machine changes by the minute
            checks.append(check)
        for name, (build, root) in builders.items():
            trash.put(root / ("site-without-search" if name == "bare" else "site"))
            trash.put(root / ".cache")
            r = build(root)
            if r["returncode"] != 0:
                print(f"{name} build failed:\n{r['output'][-4000:]}")
                return 1
            r.pop("output")
            runs[name].append(r)
            print(f"{name}: {r['seconds']:.2f} s, CPU {r['cpu']:.2f} s"
                  + (f" (Pagefind {r['search_cpu']:.2f} s)" if r["search_cpu"] else "")
                  + f", peak {r['peak_rss'] / 1e6:.0f} MB, "
                  f"load {r['load'][0]:.1f}→{r['load'][1]:.1f}", flush=True)
    for name, (build, root) in builders.items():
        if name == "bare":  # plain MkDocs without its search plugin: only its CPU is compared
            results[name] = {"cpu": statistics.median(r["cpu"] for r in runs[name]),
                             "cpu_runs": sorted(r["cpu"] for r in runs[name])}
            continue
        times = sorted(r["seconds"] for r in runs[name])
        cpus = sorted(r["cpu"] for r in runs[name])
        besides = sorted(r["cpu"] - r["search_cpu"] for r in runs[name])  # ours: what is not Pagefind's
        r = {"seconds": statistics.median(times), "runs": times, "cpu": statistics.median(cpus), "cpu_runs": cpus,
             "cpu_besides_search": statistics.median(besides), "cpu_besides_search_runs": besides,
             "peak_rss": max(r["peak_rss"] for r in runs[name]),
             "load": sorted(x for r in runs[name] for x in r["load"])}
        site = root / "site"
        r.update(site_bytes=folder_size(site), pages=sum(1 for _ in site.rglob("*.html")))
        if name == "ours":
            # a rebuild with the document-facts cache warm (no PDF parsed again) over the last site
            warm = build(root)
            r["rebuild_seconds"] = warm["seconds"]
        if not args.no_browser:
            r["visitor"] = first_search(site, ours=name == "ours")
        if name == "ours" and not args.no_browser and not args.no_serve:
            r["serve"] = serve_edits(root, args.edits, args.pause)
        results[name] = r
        print(f"{name}: {json.dumps(r)}", flush=True)
    results["largest_child_maxrss"] = children_maxrss()

    o, p = results["ours"], results["plain"]
    n = args.n
    # each pair's own ratio (the builds of a pair ran one after the other): a slow minute of the machine
    # moves both builds of a pair, so these vary less than the medians' ratio
    pairs = [(b["seconds"] / a["seconds"], b["cpu"] / a["cpu"]) for a, b in zip(runs["plain"], runs["ours"])]
    results["pair_ratios"] = [{"wall": w, "cpu": c} for w, c in pairs]
    results["cpus"] = sorted(CPUS) if CPUS else None
    results["machine_checks"] = checks
    def spread(values: list[float]) -> str:
        return f"{min(values):.1f}–{max(values):.1f}"

    rows = [
        (f"build time (s, median of {args.repeat})", f"{p['seconds']:.1f}", f"{o['seconds']:.1f}",
         o["seconds"] / p["seconds"]),
        ("  runs, fastest–slowest", spread(p["runs"]), spread(o["runs"]), None),
        (f"build CPU (s, median of {args.repeat})", f"{p['cpu']:.1f}", f"{o['cpu']:.1f}", o["cpu"] / p["cpu"]),
        ("  runs, fastest–slowest", spread(p["cpu_runs"]), spread(o["cpu_runs"]), None),
        ("  each pair's ratio, wall", "", " ".join(f"{w:.2f}" for w, _ in pairs), None),
        ("  each pair's ratio, CPU", "", " ".join(f"{c:.2f}" for _, c in pairs), None),
        ("build CPU less Pagefind's (s, median)", f"{p['cpu']:.1f}", f"{o['cpu_besides_search']:.1f}",
         o["cpu_besides_search"] / p["cpu"]),
        ("  each pair's ratio", "", " ".join(f"{(b['cpu'] - b['search_cpu']) / a['cpu']:.2f}"
                                             for a, b in zip(runs["plain"], runs["ours"])), None),
        ("  machine load (1-min average)", spread(p["load"]), spread(o["load"]), None),
    ]
    if checks:  # see machine_check: how much more a CPU second costs here with both cores busy
        rows.append(("  a loop's CPU, 2 cores busy / 1", "", " ".join(f"{inflation([c]):.2f}" for c in checks),
                     inflation(checks)))
    if "bare" in results:  # the search indexes apart, pair by pair (the three builds of a turn share its minute)
        bare = results["bare"]
        turns = list(zip(runs["plain"], runs["bare"], runs["ours"]))
        apart = [(c["cpu"] - c["search_cpu"]) / b["cpu"] for a, b, c in turns]
        indexes = [c["search_cpu"] / (a["cpu"] - b["cpu"]) if a["cpu"] > b["cpu"] else float("nan") for a, b, c in turns]
        results["apart"] = {"ours_less_pagefind_over_plain_without_search": apart,  # None: plain's index took no time
                            "pagefind_over_plains_index": [None if math.isnan(x) else x for x in indexes]}
        rows += [
            ("plain, no search plugin: CPU (s)", f"{bare['cpu']:.1f}", "", None),
            ("  runs, fastest–slowest", spread(bare["cpu_runs"]), "", None),
            ("  its index, each turn (s)", " ".join(f"{a['cpu'] - b['cpu']:.1f}" for a, b, _ in turns), "", None),
            ("CPU, search indexes apart", "", "", statistics.median(apart)),
            ("  each turn's ratio", "", " ".join(f"{x:.2f}" for x in apart), None),
            ("CPU, Pagefind / plain's index", "", "", statistics.median([x for x in indexes if not math.isnan(x)] or [0.0])),
            ("  each turn's ratio", "", " ".join(f"{x:.2f}" for x in indexes), None),
        ]
    rows += [
        ("time per record (ms)", f"{1000 * p['seconds'] / n:.1f}", f"{1000 * o['seconds'] / n:.1f}", None),
        ("rebuild, cache warm (s)", "", f"{o['rebuild_seconds']:.1f}", None),
        ("peak memory (MB)", f"{p['peak_rss'] / 1e6:.0f}", f"{o['peak_rss'] / 1e6:.0f}", o["peak_rss"] / p["peak_rss"]),
        ("site size (MB)", f"{p['site_bytes'] / 1e6:.1f}", f"{o['site_bytes'] / 1e6:.1f}", o["site_bytes"] / p["site_bytes"]),
        ("HTML pages", str(p["pages"]), str(o["pages"]), None),
    ]
    if "visitor" in o:
        rows += [
            ("first-search download (kB)", f"{p['visitor']['bytes'] / 1e3:.0f}", f"{o['visitor']['bytes'] / 1e3:.0f}",
             o["visitor"]["bytes"] / p["visitor"]["bytes"]),
            ("time to results (s)", f"{p['visitor']['seconds']:.2f}", f"{o['visitor']['seconds']:.2f}",
             o["visitor"]["seconds"] / p["visitor"]["seconds"]),
            ("results page: download (kB)", "", f"{o['visitor']['results_page']['bytes'] / 1e3:.0f}", None),
            ("results page: on screen after Enter (s)", "",
             f"{o['visitor']['results_page']['on_screen_seconds']:.2f}", None),
            (f"  first shown: {o['visitor']['results_page']['first_shown']}; noticed (s)", "",
             f"{o['visitor']['results_page']['seconds']:.2f}", None),
            ("  its own search answered (s)", "", f"{o['visitor']['results_page']['searched_seconds']:.2f}", None),
            ("  with counts, 20 results (kB)", "", f"{o['visitor']['results_page']['settled_bytes'] / 1e3:.0f}", None),
        ]
    if "serve" in o:
        sv = o["serve"]
        rows += [
            ("serve: first build (s)", "", f"{sv['startup_seconds']:.1f}", None),
            (f"serve: save to page (s, median of {len(sv['edit_seconds'])})", "",
             f"{statistics.median(sv['edit_seconds']):.2f}", None),
            ("  saves, fastest–slowest", "", f"{min(sv['edit_seconds']):.2f}–{max(sv['edit_seconds']):.2f}", None),
            ("serve: broken record to errors (s)", "", f"{sv['error_seconds']:.2f}", None),
            ("serve: fix to clean page (s)", "", f"{sv['recover_seconds']:.2f}", None),
        ]
    print(f"\nN = {n}" + (f", every build on core(s) {args.cpus} only" if CPUS else ""))
    print(f"{'':36} {'plain MkDocs':>14} {'ours':>10} {'ours/plain':>11}")
    for label, a, b, ratio in rows:
        print(f"{label:36} {a:>14} {b:>10} {'' if ratio is None else f'{ratio:.2f}×':>11}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
