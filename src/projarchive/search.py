"""The site's search index: Pagefind run over the built site.

Pagefind (https://pagefind.app, PyPI ``pagefind[bin]``, which ships the binary)
reads the built HTML, keeps only what is inside ``data-pagefind-body`` (our
article content), and writes a sharded index to ``<site>/pagefind/``: a visitor
downloads only the index chunks their words need, not the whole archive.

:func:`index_site` is pure apart from running the binary: it takes the site
folder and returns what Pagefind reported, raising :class:`SearchIndexError`
when Pagefind fails. The MkDocs hook calls it once, after the build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import cbor

BUNDLE = "pagefind"  # the folder under the site that holds the index and pagefind.js

# Pagefind's own UI bundles: we use only pagefind.js (the search API) with our own small UI,
# so these are removed from the published site (about 0.5 MB nobody downloads).
UNUSED_BUNDLE_FILES = (
    "pagefind-ui.js", "pagefind-ui.css",
    "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SearchIndexError(RuntimeError):
    """Pagefind could not index the site."""


@dataclass(frozen=True)
class IndexReport:
    pages: int
    words: int
    filters: int
    output: str


Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def pagefind_executable() -> str:
    """The binary shipped by the ``pagefind_bin`` wheel (pinned in pyproject.toml)."""
    try:
        from pagefind_bin import get_executable
    except ImportError as e:  # pragma: no cover - the dependency is pinned
        raise SearchIndexError("Pagefind is not installed: pip install -e . installs pagefind[bin]") from e
    return str(get_executable())


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(argv), capture_output=True, text=True, check=False)


def _count(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m.group(1)) if m else 0


def index_site(site_dir: str, *, executable: str | None = None, run: Runner = _run,
               language: str = "en") -> IndexReport:
    """Index the built site in ``site_dir`` into ``site_dir/pagefind/``.

    ``--force-language`` keeps one index for the whole site (the archive is written in
    English but holds Welsh and other titles; Pagefind must not split it by page language).
    """
    if not os.path.isdir(site_dir):
        raise SearchIndexError(f"{site_dir} is not a folder; nothing to index")
    argv = [executable or pagefind_executable(), "--site", site_dir, "--output-subdir", BUNDLE,
            "--force-language", language,
            # Markdown's permalink anchors (¶) are not words, nor part of a heading's title
            "--exclude-selectors", "a.headerlink"]
    proc = run(argv)
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind failed (exit {proc.returncode}):\n{output.strip()}")
    pages = _count(r"Indexed (\d+) pages?", output)
    if pages == 0:
        raise SearchIndexError("Pagefind indexed no pages; is data-pagefind-body missing from the templates?\n"
                               + output.strip())
    bundle = os.path.join(site_dir, BUNDLE)
    canonicalise_filters(bundle)
    for name in UNUSED_BUNDLE_FILES:
        path = os.path.join(bundle, name)
        if os.path.exists(path):
            os.remove(path)
    return IndexReport(pages, _count(r"Indexed (\d+) words?", output), _count(r"Indexed (\d+) filters?", output),
                       output)


# --------------------------------------------------------------------------- reproducible output

SIGNATURE = b"pagefind_dcd"


def _read_pf(path: str) -> object:
    with open(path, "rb") as f:
        data = gzip.decompress(f.read())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"{path} is not a Pagefind index file")
    return cbor.loads(data[len(SIGNATURE):])


def _write_pf(folder: str, prefix: str, suffix: str, value: object, digits: int) -> str:
    """Write a Pagefind file named by its content hash (gzip without a timestamp); return the hash."""
    data = gzip.compress(SIGNATURE + cbor.dumps(value), compresslevel=9, mtime=0)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    with open(os.path.join(folder, name + suffix), "wb") as f:
        f.write(data)
    return name


def canonicalise_filters(bundle: str) -> None:
    """Make Pagefind's filter files byte-reproducible.

    Pagefind 1.5.2 writes each filter's values, and the list of filters in its meta file,
    in Rust hash-map order, which changes from run to run (upstream issue #638: fragments
    and word indexes are stable, filter and meta files are not). The search does not depend
    on that order, so we sort both, re-encode, and rename the files by the hash of their
    new content, updating the references in the meta file and ``pagefind-entry.json``.
    """
    entry_path = os.path.join(bundle, "pagefind-entry.json")
    with open(entry_path, encoding="utf-8") as f:
        entry = json.load(f)
    filter_dir = os.path.join(bundle, "filter")
    for language in entry["languages"].values():
        old_meta = os.path.join(bundle, f"pagefind.{language['hash']}.pf_meta")
        meta = _read_pf(old_meta)
        if not isinstance(meta, list) or len(meta) < 4 or not isinstance(meta[3], list):
            raise SearchIndexError(f"{old_meta}: unexpected layout (Pagefind version changed?)")
        renamed = []
        for name, old_hash in meta[3]:
            old_file = os.path.join(filter_dir, f"{old_hash}.pf_filter")
            filt = _read_pf(old_file)
            filt[1] = sorted(filt[1], key=lambda pair: pair[0])  # [filter, [[value, [pages]], ...]]
            prefix = old_hash.rsplit("_", 1)[0]
            os.remove(old_file)
            renamed.append([name, _write_pf(filter_dir, prefix, ".pf_filter", filt, 7)])
        meta[3] = sorted(renamed)
        os.remove(old_meta)
        prefix = language["hash"].rsplit("_", 1)[0]
        language["hash"] = _write_pf(bundle, "pagefind." + prefix, ".pf_meta", meta, 10)[len("pagefind."):]
    with open(entry_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
