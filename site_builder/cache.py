"""The build cache on disk: what `build` keeps between runs in `.site-builder-cache/`.

It holds the same `BuildCache` that `serve` keeps in memory (loaded files keyed by their
content hash, parsed bodies keyed by the item and everything its parse read, and the site's
shape digest), minus the link graph (made again: quicker than read back) and the rendered
bytes: those are already in the output
folder, and a record of each file written there (size, time, inode) says whether they still
are. An unchanged page is then hard-linked from the previous output instead of rendered again.

The folder may be deleted at any time. A cache written by other code (another version of
site-builder, down to its source files, or of Python), or for another site or output folder, is
ignored; one that cannot be read is discarded with a warning.
Nothing in it is trusted that a later check does not confirm: every reuse is conditional on
the same comparisons a warm `serve` makes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .config import CACHE_DIR
from .errors import Diagnostic
from .incremental import BuildCache, labels

_BASE, _STATE = "base.pickle", "state.pickle"
# Bump when what is pickled changes shape in a way the code digest would not show.
_FORMAT = 2
# A build that leaves more than this share of the entries (or this many) changed since the
# base rewrites it; until then each build writes only the changes since the base.
_REBASE, _SMALL = 0.1, 32

Written = dict[str, tuple[int, int, int]]  # output path -> (size, mtime_ns, inode) as written


@dataclass(slots=True)
class _Base:
    """The bulk: every loaded file and parsed body. Rewritten only when much has changed."""

    stamp: tuple
    token: str  # names this base; a state applies only to the base it was made against
    files: dict
    parsed: dict


@dataclass(slots=True)
class _State:
    """The rest, small, rewritten by every build: what changed since the base, the digests
    that decide what may be reused, and what the output folder holds."""

    stamp: tuple
    token: str
    files: dict  # entries new or changed since the base
    parsed: dict
    gone_files: set
    gone_parsed: set
    facts: dict  # BuildCache's small fields: parse_env, chart_data, shape, pages, link_warnings
    written: Written  # every file of the output folder
    copied: dict[str, tuple[int, int]]  # copied output path -> its source's (size, mtime_ns)


_FACTS = ("parse_env", "chart_data", "shape", "pages", "link_warnings", "shown")


def _stamp(root: Path, output: Path) -> tuple:
    return (
        _FORMAT,
        __version__,
        _code_digest(),
        platform.python_implementation(),
        platform.python_version(),
        str(root.resolve()),
        str(output.resolve()),
    )


@functools.cache
def _code_digest() -> str:
    """The generator's own code: what it pickled is only read back by the same code."""
    h = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return h.hexdigest()


def load_cache(root: Path, output: Path) -> tuple[BuildCache, dict, list[Diagnostic]]:
    """The cache for building `root` into `output`, with what it says of the output folder.

    Returns the cache (empty when there is none to trust), the record of the files copied into
    the output (when the output is still as written), and warnings."""
    folder = root / CACHE_DIR
    empty = BuildCache(by_content=True)
    try:
        with (folder / _STATE).open("rb") as f:
            state = pickle.load(f)
        with (folder / _BASE).open("rb") as f:
            base = pickle.load(f)
    except FileNotFoundError:
        return empty, {}, []
    except Exception as exc:  # anything a damaged pickle can raise
        return empty, {}, [_discarded(f"it cannot be read ({type(exc).__name__})")]
    if not isinstance(state, _State) or not isinstance(base, _Base):
        return empty, {}, [_discarded("it was not written by site-builder")]
    stamp = _stamp(root, output)
    if state.stamp != stamp or base.stamp != stamp or state.token != base.token:
        return empty, {}, []  # other code, another site or output, or a torn write: afresh
    files = {k: v for k, v in base.files.items() if k not in state.gone_files} | state.files
    parsed = {k: v for k, v in base.parsed.items() if k not in state.gone_parsed} | state.parsed
    cache = BuildCache(by_content=True, files=files, parsed=parsed, **state.facts)
    cache.rendered = {key: body for key, (_, body) in parsed.items()}  # as the last build left
    cache.labels = {key: labels(item) for key, (item, _) in parsed.items()}
    cache.stored = (base.token, base.files, base.parsed)
    standing = _still_there(output, state.written)
    cache.outputs = {rel: path for rel, path in standing.items() if rel not in state.copied}
    return cache, state.copied if standing else {}, []


def save_cache(root: Path, output: Path, cache: BuildCache, copies: Mapping[str, Path]) -> None:
    """Record `cache` and what now stands in `output`; atomic, and best effort.

    Only what changed since the base is written, unless that is much: then a new base."""
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
    stamp = _stamp(root, output)
    token, base_files, base_parsed = cache.stored or ("", {}, {})
    files = {k: v for k, v in cache.files.items() if not _same(base_files.get(k), v)}
    parsed = {k: v for k, v in cache.parsed.items() if not _same(base_parsed.get(k), v)}
    gone_files, gone_parsed = (
        set(base_files) - set(cache.files),
        set(base_parsed) - set(cache.parsed),
    )
    changed = len(files) + len(parsed) + len(gone_files) + len(gone_parsed)
    total = len(cache.files) + len(cache.parsed)
    try:
        folder.mkdir(exist_ok=True)
        if not token or changed > max(_REBASE * total, _SMALL):
            token = os.urandom(8).hex()
            _dump(folder / _BASE, _Base(stamp, token, cache.files, cache.parsed))
            cache.stored = (token, dict(cache.files), dict(cache.parsed))
            files, parsed, gone_files, gone_parsed = {}, {}, set(), set()
        facts = {name: getattr(cache, name) for name in _FACTS}
        state = _State(stamp, token, files, parsed, gone_files, gone_parsed, facts, written, copied)
        _dump(folder / _STATE, state)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)  # a cache we cannot write is no cache


def _same(stored: tuple | None, now: tuple) -> bool:
    """The same objects (not merely equal ones): what the last load or parse reused as is."""
    return stored is not None and all(a is b for a, b in zip(stored, now, strict=True))


def _dump(path: Path, value: object) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


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
        f"{CACHE_DIR}/",
        None,
        f"build cache discarded: {why}",
        hint=f"nothing to do: it is rebuilt now; `{CACHE_DIR}/` may be deleted at any time",
        severity="warning",
        code="cache",
    )
