"""The platforms the archive builds on, and ``projarchive-platform``, which shows and switches them.

A platform is a theme and a site generator (README "Platforms"):

- the **theme** is an install: ``pip install -e '.[material]'`` (Material for MkDocs 9) or
  ``'.[materialx]'`` (MaterialX 10, a maintained fork of it), with ``theme: name:`` in mkdocs.yml
  to match. Both packages install the Python package ``material``, so only one may be installed:
  :func:`environment_problem` stops a build that finds both.
- the **generator** is the command typed: ``mkdocs`` (MkDocs 1.6) or ``properdocs`` (ProperDocs
  1.6, a maintained fork of MkDocs that runs the same hooks and themes). Both are installed
  with either theme.

``projarchive-platform`` says which platform an environment and a configuration are on;
``projarchive-platform materialx`` (or ``material``) switches both in one command: it removes the
other theme, installs this one and sets the theme's name in mkdocs.yml.

Free of MkDocs: what is installed is read from package metadata, and mkdocs.yml is edited as
text (one value replaced; comments and layout kept).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Theme:
    name: str  # `theme: name:` in mkdocs.yml, and the extra of pyproject.toml that installs it
    package: str  # the distribution that provides it
    label: str


@dataclass(frozen=True)
class Generator:
    package: str  # the distribution that provides the command (GENERATORS' key: the command and its module)
    label: str


THEMES = {
    "material": Theme("material", "mkdocs-material", "Material for MkDocs"),
    "materialx": Theme("materialx", "mkdocs-materialx", "MaterialX"),
}
GENERATORS = {
    "mkdocs": Generator("mkdocs", "MkDocs"),
    "properdocs": Generator("properdocs", "ProperDocs"),  # reads properdocs.yml, which inherits mkdocs.yml
}


def version(package: str) -> str | None:
    """The installed version of a distribution, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def installed_themes() -> list[Theme]:
    return [theme for theme in THEMES.values() if version(theme.package)]


def environment_problem() -> str | None:
    """What is wrong with the installed platform for any build, or None: two themes that overwrite
    each other's files (installing one platform's extra over the other's does that)."""
    themes = installed_themes()
    if len(themes) < 2:
        return None
    both = " and ".join(f"{t.package} {version(t.package)}" for t in themes)
    return (f"{both} are both installed; they overwrite each other's files (the Python package "
            "'material'), so the site would be built with a mix of the two. Keep one: run "
            "'projarchive-platform material' or 'projarchive-platform materialx'")


# ---------------------------------------------------------------------- mkdocs.yml


class ConfigError(Exception):
    """mkdocs.yml cannot be read or changed as asked; the message says why."""


def _theme_name_node(text: str, path: str) -> yaml.ScalarNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: tags such as !ENV need no constructor
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from None
    node = None
    if isinstance(root, yaml.MappingNode):
        theme = next((value for key, value in root.value if key.value == "theme"), None)
        if isinstance(theme, yaml.MappingNode):
            node = next((value for key, value in theme.value if key.value == "name"), None)
        else:
            node = theme  # `theme: material`, the short form
    if node is None:
        raise ConfigError(f"{path}: has no `theme: name:`; add `theme: {{name: material}}`")
    if not isinstance(node, yaml.ScalarNode) or node.tag != yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG:
        raise ConfigError(f"{path}:{node.start_mark.line + 1}: the theme's name is not plain text "
                          "(material or materialx)")
    return node


def configured_theme(text: str, path: str = "mkdocs.yml") -> str:
    """The theme named in a configuration's text."""
    return str(_theme_name_node(text, path).value)


def with_theme(text: str, name: str, path: str = "mkdocs.yml") -> str:
    """The configuration's text with its theme's name replaced by ``name``; nothing else changes."""
    node = _theme_name_node(text, path)
    if node.value == name:
        return text
    return text[:node.start_mark.index] + name + text[node.end_mark.index:]


# ---------------------------------------------------------------------- the command


def _source_root() -> Path | None:
    """The repository this package is installed from in editable mode (src/projarchive → the root)."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "projarchive"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def _command(name: str) -> str:
    """How to type a console command of this environment from the current folder."""
    path = os.path.join(os.path.dirname(sys.executable), name)
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else path


def build_commands(theme: str) -> list[str]:
    """The commands that build the site on ``theme``, the platform's default first."""
    order = ("mkdocs", "properdocs") if theme == "material" else ("properdocs", "mkdocs")
    return [f"{_command(g)} build" for g in order if version(GENERATORS[g].package)]


def status(config: str) -> tuple[list[str], bool]:
    """Lines that say which platform this environment and ``config`` are on, and whether they can build."""
    lines: list[str] = []
    ok = True
    themes = installed_themes()
    for theme in themes:
        lines.append(f"theme installed: {theme.label} {version(theme.package)} ({theme.package})")
    if not themes:
        ok = False
        lines.append("theme installed: none. Install one: pip install -e '.[material]' (or '.[materialx]')")
    for generator in GENERATORS.values():
        v = version(generator.package)
        lines.append(f"generator: {generator.label} {v}" if v else f"generator: {generator.label} not installed")
    problem = environment_problem()
    if problem:
        ok = False
        lines.append(f"problem: {problem}")
    try:
        named = configured_theme(Path(config).read_text(encoding="utf-8"), config)
    except (OSError, ConfigError) as e:
        return [*lines, f"problem: {e}"], False
    lines.append(f"{config} names the theme: {named}")
    if len(themes) == 1 and named != themes[0].name:
        ok = False
        lines.append(f"problem: {config} names {named} but {themes[0].package} is installed; "
                     f"run `projarchive-platform {themes[0].name}` to set the name, or "
                     f"`projarchive-platform {named}` to install {named}")
    elif len(themes) == 1:
        lines.append("build with: " + " or ".join(build_commands(named)))
        others = [t.name for t in THEMES.values() if t.name != named]
        lines.append("switch with: " + " or ".join(f"projarchive-platform {o}" for o in others))
    return lines, ok


Runner = Callable[[Sequence[str]], int]


def _pip(args: Sequence[str]) -> int:
    return subprocess.run([sys.executable, "-m", "pip", *args], check=False).returncode


def switch(target: str, config: str, *, run: Runner = _pip, out: Callable[[str], None] = print) -> int:
    """Put this environment and ``config`` on ``target``'s theme. Returns the exit status."""
    theme = THEMES[target]
    path = Path(config)
    try:
        text = path.read_text(encoding="utf-8")
        changed = with_theme(text, theme.name, config)
    except OSError as e:
        out(f"error: cannot read {config}: {e.strerror}; run this in the archive's folder or name it with --config")
        return 2
    except ConfigError as e:
        out(f"error: {e}")
        return 2
    installed = installed_themes()
    if installed != [theme]:
        root = _source_root()
        if root is None:
            out(f"error: projarchive is not installed from its repository (pip install -e), so this command "
                f"cannot install its extras; run: pip uninstall {' '.join(t.package for t in installed)} "
                f"&& pip install 'projarchive[{theme.name}]'")
            return 2
        # Both packages own material/; removing one takes files the other needs, so remove every
        # installed theme and install the wanted one afresh.
        if installed and run(["uninstall", "--yes", *(t.package for t in installed)]) != 0:
            out("error: pip could not remove the installed theme; nothing else was changed")
            return 1
        if run(["install", "--quiet", "--editable", f"{root}[{theme.name}]"]) != 0:
            out(f"error: pip could not install {theme.package}; {config} was not changed")
            return 1
    if changed != text:
        path.write_text(changed, encoding="utf-8")
        out(f"{config}: the theme's name is now {theme.name}")
    out(f"on {theme.label} {version(theme.package) or ''}".rstrip() + "; build with: "
        + " or ".join(build_commands(theme.name)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="projarchive-platform",
        description="Say which platform (theme and site generator) this environment and mkdocs.yml are on, "
                    "or switch both to THEME: remove the other theme, install this one, set its name in "
                    "mkdocs.yml. README \"Platforms\" explains the choices.")
    parser.add_argument("theme", nargs="?", choices=sorted(THEMES), help="the theme to switch to")
    parser.add_argument("--config", default="mkdocs.yml", help="the configuration file (default: mkdocs.yml)")
    args = parser.parse_args(argv)
    if args.theme:
        return switch(args.theme, args.config)
    lines, ok = status(args.config)
    print("\n".join(lines))
    return 0 if ok else 1


def console() -> None:  # console script
    sys.exit(main())
