"""The build cache on disk: what `build` keeps between runs in `.site-builder-cache/`.

It holds the same `BuildCache` that `serve` keeps in memory (loaded files keyed by their
content hash, parsed bodies keyed by the item and everything its parse read, the last link
graph and the site's shape digest), minus the rendered bytes: those are already in the output
folder, and a record of each file written there (size, time, inode) says whether they still
are. An unchanged page is then hard-linked from the previous output instead of rendered again.

The folder may be deleted at any time. A cache written by another version of site-builder or
Python, or for another site, is ignored; one that cannot be read is discarded with a warning.
Nothing in it is trusted that a later check does not confirm: every reuse is conditional on
the same comparisons a warm `serve` makes.
"""

from __future__ import annotations

import os
import pickle
import platform
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .errors import Diagnostic
from .incremental import BuildCache

CACHE_DIR = ".site-builder-cache"
_FILE = "build.pickle"
# Bump when what is pickled changes shape in a way the version number would not show.
_FORMAT = 1

Written = dict[str, tuple[int, int, int]]  # output path -> (size, mtime_ns, inode) as written


@dataclass(slots=True)
class _Stored:
    stamp: tuple
    cache: BuildCache
    written: Written  # every file of the output folder
    copied: dict[str, tuple[int, int]]  # copied output path -> its source's (size, mtime_ns)


def _stamp(root: Path, output: Path) -> tuple:
    return (
        _FORMAT,
        __version__,
        platform.python_implementation(),
        platform.python_version(),
        str(root.resolve()),
        str(output.resolve()),
    )


def load_cache(root: Path, output: Path) -> tuple[BuildCache, dict, list[Diagnostic]]:
    """The cache for building `root` into `output`, with what it says of the output folder.

    Returns the cache (empty when there is none to trust), the record of the files copied into
    the output (when the output is still as written), and warnings."""
    path = root / CACHE_DIR / _FILE
    try:
        with path.open("rb") as f:
            stored = pickle.load(f)
    except FileNotFoundError:
        return BuildCache(by_content=True), {}, []
    except Exception as exc:  # anything a damaged pickle can raise
        warning = _discarded(f"it cannot be read ({type(exc).__name__})")
        return BuildCache(by_content=True), {}, [warning]
    if not isinstance(stored, _Stored):
        warning = _discarded("it was not written by site-builder")
        return BuildCache(by_content=True), {}, [warning]
    if stored.stamp != _stamp(root, output):  # another version or another site: start afresh
        return BuildCache(by_content=True), {}, []
    cache = stored.cache
    standing = _still_there(output, stored.written)
    cache.outputs = {rel: path for rel, path in standing.items() if rel not in stored.copied}
    return cache, stored.copied if standing else {}, []


def save_cache(root: Path, output: Path, cache: BuildCache, copies: Mapping[str, Path]) -> None:
    """Record `cache` and what now stands in `output`; atomic, and best effort."""
    folder = root / CACHE_DIR
    written: Written = {}
    copied = {}
    try:
        for rel in (*cache.outputs, *copies):
            st = (output / rel).stat()
            written[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
        for rel, source in copies.items():
            st = source.stat()
            copied[rel] = (st.st_size, st.st_mtime_ns)
    except OSError:
        return
    kept, cache.outputs = cache.outputs, {}
    envs, cache.environments = cache.environments, {}
    try:
        folder.mkdir(exist_ok=True)
        tmp = folder / f"{_FILE}.tmp-{os.getpid()}"
        with tmp.open("wb") as f:
            pickle.dump(
                _Stored(_stamp(root, output), cache, written, copied),
                f,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        os.replace(tmp, folder / _FILE)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)  # a cache we cannot write is no cache
    finally:
        cache.outputs, cache.environments = kept, envs


def unchanged_copies(copies: Mapping[str, Path], record: Mapping[str, tuple[int, int]]) -> set[str]:
    """Copied files whose source is as it was when the output's copy was made."""
    same = set()
    for rel, source in copies.items():
        try:
            st = source.stat()
        except OSError:
            continue
        if record.get(rel) == (st.st_size, st.st_mtime_ns):
            same.add(rel)
    return same


def _still_there(output: Path, written: Written) -> dict:
    """Each recorded output file, if every one is still exactly as written; else nothing.

    The values are paths in the output folder: `make_site` passes them on, and the writer
    links them into the new build instead of writing the bytes again."""
    found = {}
    for rel, record in written.items():
        target = output / rel
        try:
            st = target.lstat()
        except OSError:
            return {}
        if (st.st_size, st.st_mtime_ns, st.st_ino) != record:
            return {}
        found[rel] = target
    return found


def _discarded(why: str) -> Diagnostic:
    return Diagnostic(
        f"{CACHE_DIR}/{_FILE}",
        None,
        f"build cache discarded: {why}",
        hint=f"nothing to do: it is rebuilt now; `{CACHE_DIR}/` may be deleted at any time",
        severity="warning",
        code="cache",
    )
