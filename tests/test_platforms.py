"""The platforms (README "Platforms"): the same archive builds the same site on MkDocs and on
ProperDocs, and on MaterialX differs only in the theme's parts; generated pages carry what
MaterialX's plugins need; ``projarchive-platform`` shows and switches the platform.

The suite runs on whichever platform is installed (conftest: THEME, GENERATOR); the comparison
with the other generator builds the sample once more, in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import compare_sites
import jinja2
import pytest
from conftest import EPOCH, FOLDERS, GENERATOR, REPO, THEME, Archive, copy_config

from projarchive import platforms
from projarchive.problems import BuildError
from projarchive.session import BuildConfig, BuildSession

OTHER_GENERATOR = "mkdocs" if GENERATOR == "properdocs" else "properdocs"


# --------------------------------------------------------------------------- the same site


def build_with(generator: str, root: Path) -> Path:
    """The repository's sample archive, copied to ``root`` and built by ``generator``'s command line."""
    root.mkdir(parents=True)
    copy_config(root)
    for name in ("hooks", "overrides", "docs", *FOLDERS):
        shutil.copytree(REPO / name, root / name)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", generator, "build", "--strict", "-d", str(root / "built-site")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root / "built-site"


@pytest.mark.skipif(platforms.version(OTHER_GENERATOR) is None, reason=f"{OTHER_GENERATOR} is not installed")
def test_mkdocs_and_properdocs_build_the_same_site_page_by_page(sample, tmp_path):
    """(a) and (b) (or, on MaterialX, MkDocs and ProperDocs with it): every file the same, byte for
    byte, apart from each page's generator line."""
    assert sample.ok, sample.output
    other = build_with(OTHER_GENERATOR, tmp_path / "archive")
    diff = compare_sites.compare(sample.site, other)
    assert diff.pages > 80
    assert diff.same, diff.report()
    # and they really were built by the two generators
    names = {GENERATOR: diff.generators[0], OTHER_GENERATOR: diff.generators[1]}
    assert names["mkdocs"].startswith("mkdocs-1.6"), names
    assert "ProperDocs 1.6" in names["properdocs"], names


REFERENCE = os.environ.get("PROJARCHIVE_REFERENCE_SITE")


@pytest.mark.skipif(not REFERENCE, reason="PROJARCHIVE_REFERENCE_SITE names no sample built on another platform "
                                          "(.ci/run gives MaterialX the sample as Material built it)")
def test_the_sample_differs_from_another_platforms_only_in_the_theme(sample):
    """On MaterialX: the sample as the suite built it on Material (PROJARCHIVE_KEEP_SAMPLE, .ci/run) has
    the same pages, each with the same content, and the same files; only the theme's parts and files
    may differ (.ci/run prints them, with scripts/compare_sites.py)."""
    assert sample.ok, sample.output
    diff = compare_sites.compare(Path(REFERENCE), sample.site)
    assert diff.pages > 80
    assert diff.same_but_theme, diff.report()


# --------------------------------------------------------------------------- comparing sites


PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
      <meta name="generator" content="{generator}">
<link rel="stylesheet" href="assets/{css}"></head>
<body><header class="md-header">Archive</header>
<div class="md-sidebar md-sidebar--primary"><nav>Projects</nav></div>
<article class="md-content__inner md-typeset"><h1>{title}</h1></article>
<footer class="md-footer">Footer</footer></body></html>
"""


def site(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return root


def page(title: str = "Take Ten People", generator: str = "mkdocs-1.6.1, mkdocs-material-9.8.2",
         css: str = "main.css") -> str:
    return PAGE.format(title=title, generator=generator, css=css)


def test_compare_ignores_only_the_generator_line(tmp_path):
    a = site(tmp_path / "a", {"index.html": page(), "api/projects.json": "[]", "assets/main.css": "a{}"})
    b = site(tmp_path / "b", {"index.html": page(generator="mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2"),
                              "api/projects.json": "[]", "assets/main.css": "a{}"})
    diff = compare_sites.compare(a, b)
    assert diff.same and diff.pages == 1
    assert diff.generators == ("mkdocs-1.6.1, mkdocs-material-9.8.2", "mkdocs-ProperDocs 1.6.7, mkdocs-material-9.8.2")
    assert "the same, apart from the generator line" in diff.report()


def test_compare_names_the_part_of_the_page_that_differs(tmp_path):
    a = site(tmp_path / "a", {"index.html": page(), "projects/x/index.html": page("X")})
    b = site(tmp_path / "b", {"index.html": page("Take Ten People!"), "projects/x/index.html": page("X", css="x.css")})
    diff = compare_sites.compare(a, b)
    assert not diff.same
    assert diff.differing == {"content": ["index.html"], "head": ["projects/x/index.html"]}
    assert not diff.same_but_theme  # a page says something else
    report = diff.report()
    assert "content: differs on 1 of 2 pages, e.g. index.html:" in report
    assert "- Take Ten People" in report and "+ Take Ten People!" in report
    assert "header: the same on every page" in report


def test_compare_tells_the_themes_files_from_the_archives(tmp_path):
    a = site(tmp_path / "a", {"index.html": page(), "assets/main.1.css": "", "feed.xml": "<feed/>"})
    b = site(tmp_path / "b", {"index.html": page(css="main.2.css"), "assets/main.2.css": "", "feed.xml": "<feed/>"})
    diff = compare_sites.compare(a, b)
    assert (diff.only_a, diff.only_b, diff.differing) == (["assets/main.1.css"], ["assets/main.2.css"],
                                                          {"head": ["index.html"]})
    assert diff.same_but_theme
    (b / "feed.xml").write_text("<feed>changed</feed>", encoding="utf-8")
    assert not compare_sites.compare(a, b).same_but_theme  # the archive's own file differs
    (b / "feed.xml").unlink()
    assert not compare_sites.compare(a, b).same_but_theme  # ... or is missing


def test_compare_sites_command_exit_status(tmp_path, capsys):
    a = site(tmp_path / "a", {"index.html": page()})
    b = site(tmp_path / "b", {"index.html": page(css="other.css")})
    assert compare_sites.main([str(a), str(b)]) == 1
    assert compare_sites.main([str(a), str(b), "--theme-may-differ"]) == 0
    assert compare_sites.main([str(a), str(tmp_path / "nothing")]) == 2
    assert "is not a built site" in capsys.readouterr().err


# --------------------------------------------------------------------------- what MaterialX's plugins need

PROBE = '''
"""Records the documentation pages as a plugin running where MaterialX's blog does (on_files, -50) sees them."""
import json
import os

from mkdocs.plugins import event_priority


@event_priority(-50)
def on_files(files, config):
    pages = [{"src": f.src_uri, "abs_src_path": f.abs_src_path, "content": f.content_string}
             for f in files.documentation_pages()]
    with open(os.path.join(os.path.dirname(config.config_file_path), "probe.json"), "w") as out:
        json.dump(pages, out)
    return files
'''

RECORDS = {
    "contacts/niace.yml": "kind: organisation\nname: NIACE\n",
    "projects/take-ten-people.yml": """
        title: Take Ten People
        start: 2009-04-01
        end: 2010-03-31
        summary: Resources for practitioners.
        themes: [employment]
        organisations:
          - {id: niace, role: Lead organisation}
        resources: [pack]
        """,
    "resources/pack.yml": "title: Resource pack\nkind: toolkit\nurl: https://example.org/pack\n",
}


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    archive = Archive(tmp_path_factory.mktemp("probe") / "archive")
    for rel, text in RECORDS.items():
        archive.write(rel, text)
    archive.write("probe.py", PROBE)
    config = archive.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "hooks:\n  - hooks/archive.py\n", "hooks:\n  - hooks/archive.py\n  - probe.py\n"), encoding="utf-8")
    result = archive.build()
    assert result.ok, result.output
    pages = json.loads((archive.root / "probe.json").read_text(encoding="utf-8"))
    return archive, result, {p["src"]: p for p in pages}


def test_every_page_has_a_source_file_that_exists(probed):
    """MaterialX's blog plugin stats the source of every page (mkdocs-document-dates'
    load_dates_and_authors); a generated page without one stopped every build on MaterialX."""
    archive, _, pages = probed
    assert {"projects/take-ten-people.md", "projects/index.md", "themes/employment.md", "index.md"} <= pages.keys()
    missing = sorted(src for src, p in pages.items() if not (p["abs_src_path"] and os.path.isfile(p["abs_src_path"])))
    assert missing == []
    root = archive.root.resolve()
    assert Path(pages["projects/take-ten-people.md"]["abs_src_path"]).resolve() == root / "projects/take-ten-people.yml"
    assert Path(pages["resources/pack.md"]["abs_src_path"]).resolve() == root / "resources/pack.yml"
    assert Path(pages["contacts/niace.md"]["abs_src_path"]).resolve() == root / "contacts/niace.yml"
    assert Path(pages["projects/index.md"]["abs_src_path"]).resolve() == root / "overrides/archive/projects.html"


def test_a_generated_page_is_still_read_from_memory_not_from_its_source(probed):
    """The source file is for plugins to look at: the site generator reads the page's content as given
    (empty; the archive renders it), never the YAML record as Markdown."""
    _, result, pages = probed
    assert pages["projects/take-ten-people.md"]["content"] == ""
    article = result.article("projects/take-ten-people/")
    assert article.h1.get_text(strip=True) == "Take Ten People"
    assert "start: 2009-04-01" not in article.get_text()


UPSTREAM = {
    "mkdocs.yml": "site_name: Reproduction\ntheme: {name: materialx}\nplugins: [blog]\nhooks: [generate.py]\n",
    "docs/index.md": "# Home\n",
    "generate.py": (
        "from mkdocs.structure.files import File\n\n\n"
        "def on_files(files, config):\n"
        "    files.append(File.generated(config, 'generated.md', content='# A page made in memory'))\n"
        "    return files\n"),
}


@pytest.mark.skipif(platforms.version("mkdocs-materialx") is None, reason="MaterialX is not installed")
def test_upstream_materialx_still_stops_on_a_page_made_in_memory(tmp_path):
    """The upstream bug our source_path works around, reproduced in a two-page site (no archive): a hook
    adds a page with File.generated(content=...), which MkDocs 1.6 allows, and MaterialX's blog plugin
    stops the build. When this no longer reproduces, upstream has fixed it (README "Platforms")."""
    for rel, text in UPSTREAM.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if proc.returncode == 0:
        pytest.skip(f"fixed upstream in mkdocs-materialx {platforms.version('mkdocs-materialx')} / mkdocs-document-dates "
                    f"{platforms.version('mkdocs-document-dates')}: generated pages no longer need a source file")
    assert "load_file_creation_date(file.abs_src_path)" in proc.stderr, proc.stderr
    assert "TypeError: stat: path should be string, bytes, os.PathLike or integer, not NoneType" in proc.stderr


# --------------------------------------------------------------------------- templates on both themes


STUBS = {name: name.upper() + "\n" for name in ("tags", "actions", "source-file", "feedback", "comments")}


def render_partial(name: str, theme: str, **config) -> str:
    """One of our partials as the theme ``theme`` renders it, Material's own partials stubbed."""
    loader = jinja2.ChoiceLoader([
        jinja2.DictLoader({f"partials/{stub}.html": text for stub, text in STUBS.items()}),
        jinja2.FileSystemLoader(REPO / "overrides"),
    ])
    env = jinja2.Environment(loader=loader)
    env.filters["url"] = lambda value: value
    settings = {"theme": {"name": theme}, "extra": {}, "copyright": "", **config}
    page = {"content": "<p>Body</p>", "title": "Title", "meta": {}}
    return env.get_template(f"partials/{name}.html").render(config=settings, page=page)


def test_content_puts_the_tags_where_each_theme_does():
    def order(theme: str) -> list[str]:
        return [line.strip() for line in render_partial("content", theme).splitlines()
                if line.strip() in {"TAGS", "ACTIONS", "SOURCE-FILE", "FEEDBACK"}]

    assert order("material") == ["TAGS", "ACTIONS", "SOURCE-FILE", "FEEDBACK"]  # Material 9.x's order
    assert order("materialx") == ["ACTIONS", "SOURCE-FILE", "TAGS", "FEEDBACK"]  # MaterialX 10.x's


def test_the_footer_names_the_theme_the_site_was_made_with():
    from bs4 import BeautifulSoup

    def made_with(theme: str, generator: bool = True) -> str:
        html = render_partial("copyright", theme, extra={"generator": generator})
        links = BeautifulSoup(html, "html.parser").select("a[target=_blank]")
        return " ".join(a.get_text(strip=True) for a in links)

    assert made_with("material") == "Material for MkDocs"
    assert made_with("materialx") == "MaterialX"
    assert made_with("materialx", generator=False) == ""


# --------------------------------------------------------------------------- projarchive.platforms


# the repository's configuration as it is on Material (a checkout switched to MaterialX names materialx)
CONFIG = platforms.with_theme((REPO / "mkdocs.yml").read_text(encoding="utf-8"), "material")


def test_with_theme_changes_the_themes_name_and_nothing_else():
    changed = platforms.with_theme(CONFIG, "materialx")
    assert platforms.configured_theme(CONFIG) == "material"
    assert platforms.configured_theme(changed) == "materialx"
    before, after = CONFIG.splitlines(), changed.splitlines()
    assert len(before) == len(after)
    assert [(b, a) for b, a in zip(before, after) if b != a] == [("  name: material", "  name: materialx")]
    assert platforms.with_theme(changed, "material") == CONFIG
    assert platforms.with_theme(CONFIG, "material") is CONFIG
    # the short form, quotes, and comments beside it
    assert platforms.with_theme('theme: "material"  # the theme\n', "materialx") == "theme: materialx  # the theme\n"


@pytest.mark.parametrize(("text", "message"), [
    ("site_name: x\n", "x.yml: has no `theme: name:`"),
    ("theme:\n  custom_dir: overrides\n", "x.yml: has no `theme: name:`"),
    ("theme:\n  name: !ENV [THEME, material]\n", "x.yml:2: the theme's name is not plain text"),
    ("theme: [material\n", "x.yml: not valid YAML"),
])
def test_with_theme_says_why_it_cannot(text, message):
    with pytest.raises(platforms.ConfigError, match="^" + message.replace("[", r"\[")):
        platforms.with_theme(text, "materialx", "x.yml")


@pytest.fixture
def installed(monkeypatch):
    """Pretend these distributions (name -> version) are the ones installed."""
    found: dict[str, str] = {}
    monkeypatch.setattr(platforms, "version", found.get)
    return found


def test_two_themes_installed_stop_the_build_before_anything_is_read(installed, tmp_path):
    installed.update({"mkdocs-material": "9.8.2", "mkdocs-materialx": "10.2.2"})
    with pytest.raises(BuildError) as e:
        BuildSession(BuildConfig(root=str(tmp_path / "nowhere"), docs_dir=str(tmp_path), site_dir=str(tmp_path / "site"),
                                 templates=str(REPO / "overrides")))
    assert str(e.value).startswith("mkdocs-material 9.8.2 and mkdocs-materialx 10.2.2 are both installed;")
    assert "projarchive-platform material" in str(e.value)
    installed.pop("mkdocs-material")
    assert platforms.environment_problem() is None


def test_status_says_what_is_installed_and_how_to_build(installed, tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG, encoding="utf-8")
    installed.update({"mkdocs": "1.6.1", "properdocs": "1.6.7", "mkdocs-material": "9.8.2"})
    lines, ok = platforms.status(str(config))
    assert ok, lines
    assert "theme installed: Material for MkDocs 9.8.2 (mkdocs-material)" in lines
    assert f"{config} names the theme: material" in lines
    build = next(line for line in lines if line.startswith("build with: "))
    assert build.index("mkdocs build") < build.index("properdocs build")
    assert "switch with: projarchive-platform materialx" in lines

    installed.pop("mkdocs-material")
    installed["mkdocs-materialx"] = "10.2.2"
    lines, ok = platforms.status(str(config))
    assert not ok
    assert any(line.startswith(f"problem: {config} names material but mkdocs-materialx is installed") for line in lines)


def test_switch_removes_both_themes_installs_one_and_names_it(installed, tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG, encoding="utf-8")
    installed.update({"mkdocs-material": "9.8.2", "mkdocs-materialx": "10.2.2"})  # the mix a second install leaves
    calls: list[list[str]] = []
    said: list[str] = []

    def pip(args):
        calls.append(list(args))
        if args[0] == "uninstall":
            for name in args[2:]:
                installed.pop(name)
        else:
            installed["mkdocs-materialx"] = "10.2.2"
        return 0

    assert platforms.switch("materialx", str(config), run=pip, out=said.append) == 0
    assert calls == [["uninstall", "--yes", "mkdocs-material", "mkdocs-materialx"],
                     ["install", "--quiet", "--editable", f"{REPO}[materialx]"]]
    assert platforms.configured_theme(config.read_text(encoding="utf-8")) == "materialx"
    assert said[0] == f"{config}: the theme's name is now materialx"
    assert said[-1].startswith("on MaterialX 10.2.2; build with: ")

    calls.clear()
    assert platforms.switch("materialx", str(config), run=pip, out=said.append) == 0
    assert calls == []  # already there: nothing to install, nothing to change


def test_switch_leaves_the_configuration_alone_when_pip_fails(installed, tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(CONFIG, encoding="utf-8")
    installed["mkdocs-material"] = "9.8.2"
    said: list[str] = []
    assert platforms.switch("materialx", str(config), run=lambda args: 1 if args[0] == "install" else 0,
                            out=said.append) == 1
    assert config.read_text(encoding="utf-8") == CONFIG
    assert said == [f"error: pip could not install mkdocs-materialx; {config} was not changed"]
    assert platforms.switch("materialx", str(tmp_path / "missing.yml"), run=lambda args: 0, out=said.append) == 2
    assert said[-1].startswith("error: cannot read")


def test_the_platform_command_is_installed_and_reports_this_environment():
    command = Path(sys.executable).parent / "projarchive-platform"
    assert command.is_file(), "pip install -e . installs the projarchive-platform command"
    proc = subprocess.run([str(command), "--config", str(REPO / "mkdocs.yml")], capture_output=True, text=True,
                          timeout=60, check=False)
    theme = platforms.THEMES[THEME]
    assert f"theme installed: {theme.label} {platforms.version(theme.package)} ({theme.package})" in proc.stdout


def test_the_guide_explains_what_the_generator_says_of_a_theme_that_is_not_installed():
    """mkdocs.yml naming the other theme stops the build in the generator's own configuration check,
    before our hook is loaded; the guide quotes that message and says which command settles it."""
    from mkdocs.config.base import ValidationError
    from mkdocs.config.config_options import Theme

    other = next(name for name in platforms.THEMES if name != THEME)
    with pytest.raises(ValidationError) as e:
        Theme(default="mkdocs").validate({"name": other})
    said = str(e.value)
    assert said.startswith(f"Unrecognised theme name: '{other}'."), said
    guide = (REPO / "docs" / "maintainers.md").read_text(encoding="utf-8")
    building = guide.split("### Building the site", 1)[1].split("\n## ", 1)[0]
    paragraph = next((p for p in building.split("\n\n") if "Unrecognised theme name" in p), "")
    assert "Config value 'theme': Unrecognised theme name: '…'. The available installed themes are: …" in paragraph
    assert "projarchive-platform" in paragraph
