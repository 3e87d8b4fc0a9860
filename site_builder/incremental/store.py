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

Each file is signed by this user (see signed.py): nothing is unpickled that another put there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import CACHE_DIR
from ..errors import Diagnostic
from ..load.files import Stat, stat_of
from .manifest import Written, record_outputs, still_there
from .signed import Untrusted, cache_stamp, discarded, dump_signed, keyless, read_signed, user_key
from .state import BuildCache, labels

_BASE, _STATE = "base.pickle", "state.pickle"
# A build that leaves more than this share of the entries (or this many) changed since the
# base rewrites it; until then each build writes only the changes since the base.
_REBASE, _SMALL = 0.1, 32


@dataclass(slots=True)
class _Base:
    """The bulk: every loaded file and parsed body. Rewritten only when much has changed."""

    token: str  # names this base; a state applies only to the base it was made against
    files: dict
    parsed: dict
    outlines: dict  # of the parsed items, with them (state.outline's memo)


@dataclass(slots=True)
class _State:
    """The rest, small, rewritten by every build: what changed since the base, the digests
    that decide what may be reused, and what the output folder holds."""

    token: str
    files: dict  # entries new or changed since the base
    parsed: dict
    outlines: dict  # of those parsed items
    gone_files: set
    gone_parsed: set
    facts: dict  # BuildCache's small fields: parse_env, chart_data, shape, pages, link_warnings
    written: Written  # every file of the output folder
    copied: dict[str, Stat]  # copied output path -> its source, as it was when copied


_FACTS = (
    "parse_env",
    "chart_data",
    "shape",
    "pages",
    "link_warnings",
    "shown",
    "reading",
    "templates",
)


def load_cache(root: Path, output: Path) -> tuple[BuildCache, dict, list[Diagnostic]]:
    """The cache for building `root` into `output`, with what it says of the output folder.

    Returns the cache (empty when there is none to trust), the record of the files copied into
    the output (when the output is still as written), and warnings."""
    folder = root / CACHE_DIR
    empty = BuildCache(by_content=True)
    try:
        secret = user_key()
    except OSError as exc:
        return empty, {}, [_keyless(exc)]
    stamp = cache_stamp(root, output)
    try:
        state = read_signed(folder / _STATE, secret, stamp)
        base = read_signed(folder / _BASE, secret, stamp)
    except FileNotFoundError:
        return empty, {}, []
    except Untrusted as exc:
        return empty, {}, [_discarded(str(exc))]
    except Exception as exc:  # signed by us, yet not what this code reads: a bug, or a torn disk
        return empty, {}, [_discarded(f"it cannot be read ({type(exc).__name__})")]
    if state is None or base is None or state.token != base.token:
        return empty, {}, []  # other code, another site or output, or a torn write: afresh
    files = {k: v for k, v in base.files.items() if k not in state.gone_files} | state.files
    parsed = {k: v for k, v in base.parsed.items() if k not in state.gone_parsed} | state.parsed
    cache = BuildCache(by_content=True, files=files, parsed=parsed, **state.facts)
    cache.outlines = {k: v for k, v in base.outlines.items() if k not in state.parsed}
    cache.outlines.update(state.outlines)
    cache.rendered = {key: body for key, (_, body) in parsed.items()}  # as the last build left
    cache.labels = {key: labels(item) for key, (item, _) in parsed.items()}
    cache.stored = (base.token, base.files, base.parsed)
    standing = still_there(output, state.written)
    cache.outputs = {rel: path for rel, path in standing.items() if rel not in state.copied}
    return cache, state.copied if standing else {}, []


def save_cache(
    root: Path, output: Path, cache: BuildCache, copied: Mapping[str, Stat]
) -> Written | None:
    """Record `cache` and what now stands in `output`, with the sources of the files copied
    into it as `source_stats` found them before copying; atomic, and best effort. Returns the
    record of the output, or None if the cache could not be kept.

    Only what changed since the base is written, unless that is much: then a new base."""
    folder = root / CACHE_DIR
    try:
        written = record_outputs(output, (*cache.outputs, *copied))
        secret = user_key()
    except OSError:
        return None
    stamp = cache_stamp(root, output)
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
            outlines = _outlines(cache, cache.parsed)
            base = _Base(token, cache.files, cache.parsed, outlines)
            dump_signed(folder / _BASE, base, secret, stamp)
            cache.stored = (token, dict(cache.files), dict(cache.parsed))
            files, parsed, gone_files, gone_parsed = {}, {}, set(), set()
        facts = {name: getattr(cache, name) for name in _FACTS}
        outlines = _outlines(cache, parsed)
        state = _State(
            token, files, parsed, outlines, gone_files, gone_parsed, facts, written, dict(copied)
        )
        dump_signed(folder / _STATE, state, secret, stamp)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)  # a cache we cannot write is no cache
        return None
    return written


def _outlines(cache: BuildCache, parsed: Mapping[str, tuple]) -> dict:
    """The outlines of these parsed items that are of them (of the same objects, as
    `state.outline` asks), to be pickled with them: a build from the cache then makes only
    the outlines of the items it parses."""
    return {
        k: known
        for k, (item, body) in parsed.items()
        if (known := cache.outlines.get(k)) is not None and known[0] is item and known[1] is body
    }


def _same(stored: tuple | None, now: tuple) -> bool:
    """The same objects (not merely equal ones): what the last load or parse reused as is."""
    return stored is not None and all(a is b for a, b in zip(stored, now, strict=True))


def source_stats(copies: Mapping[str, Path]) -> dict[str, Stat]:
    """The sources of the files to copy, as they are before copying (a change made after this
    shows at the next build); see `stat_of`."""
    found = {}
    for rel, source in copies.items():
        try:
            st = source.stat()
        except OSError:  # gone: the copy will say so
            continue
        found[rel] = stat_of(st)
    return found


def unchanged_copies(now: Mapping[str, Stat], record: Mapping[str, Stat]) -> set[str]:
    """Copied files whose source is as it was when the output's copy was made."""
    return {rel for rel, st in now.items() if record.get(rel) == st}


def _keyless(exc: OSError) -> Diagnostic:
    return keyless(f"{CACHE_DIR}/", "build cache", exc, "builds")


def _discarded(why: str) -> Diagnostic:
    return discarded(f"{CACHE_DIR}/", "build cache", why, "it is rebuilt now")
