"""`suggest`'s cache on disk: `.site-builder-cache/suggest.pickle`, what a run keeps for the
next one so that nothing is read twice: every file as `load_content` loaded it (keyed by the
hash of its text, as the build keeps them), each piece's prose, words and names (read again
when its file changed, when a wikilink of it finds something else, or when the names of the
concepts or people did), and the last answer with what it was the answer to.

It is signed and stamped as the build's cache is (incremental/signed.py): a file written by
other code (another version of site-builder, down to its source files, or of Python) or for
another site is ignored, one that this user's key did not sign or that cannot be read is
discarded with a warning, and the folder may be deleted at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CACHE_DIR
from ..errors import Diagnostic
from ..incremental.signed import (
    Untrusted,
    cache_stamp,
    discarded,
    dump_signed,
    keyless,
    read_signed,
    user_key,
)
from ..load.walk import FileCache

if TYPE_CHECKING:  # (not imported to read a kept answer: see suggest/__init__.py)
    from .phrases import Gram, Tally
    from .prose import Run

FILE, READ = "suggest.pickle", "suggest-read.pickle"


@dataclass(frozen=True, slots=True)
class Read:
    """A piece as the last run read it, and what that reading depended on."""

    fingerprint: tuple | None  # its file's, as `load_content` took it
    asked: tuple[tuple[str, bool], ...]  # each wikilink target it asked for: found or not
    glossary: str  # the digest of the concepts' and people's names its words were broken at
    runs: tuple[Run, ...]
    words: list[str]
    names: list[Gram]


@dataclass(slots=True)
class SuggestCache:
    """What the last run left. Two files, each good on its own (every entry says what it
    stands for): the loaded files and the answer, which a run with nothing changed needs
    alone, and the readings (with the tally of their words), read from the disk only when the
    answer must be made again."""

    root: Path
    files: FileCache = field(default_factory=dict)
    answer: tuple[str, object] | None = None  # (the digest of all it depended on, Suggestions)
    read: dict[str, Read] | None = None  # by the piece's path; None until `readings` asks
    tally: Tally | None = None  # of the words of `read`
    read_again: bool = False  # whether `read` or `tally` changed since they were loaded
    warnings: list[Diagnostic] = field(default_factory=list)

    def readings(self) -> dict[str, Read]:
        """The pieces as the last run read them, from the disk on the first call."""
        if self.read is None:
            found = _load(self.root, READ, self.warnings)
            self.read, self.tally = found if isinstance(found, tuple) else ({}, None)
        return self.read


def load_suggest_cache(root: Path) -> SuggestCache:
    """The cache of the site in `root` (empty when there is none to trust; its `warnings` say
    why, if that is a problem)."""
    cache = SuggestCache(root)
    found = _load(root, FILE, cache.warnings)
    if isinstance(found, tuple) and len(found) == 2:
        cache.files, cache.answer = found
    return cache


def save_suggest_cache(cache: SuggestCache) -> None:
    """Keep `cache` for the next run (its readings only if they changed); atomic, and
    best effort: a cache that cannot be written is no cache, and no error."""
    folder = cache.root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        secret = user_key()
        if cache.read_again:  # one pickle: the tally's words are the readings' lists
            kept = (cache.read, cache.tally)
            dump_signed(folder / READ, kept, secret, _stamp(cache.root, READ))
        dump_signed(folder / FILE, (cache.files, cache.answer), secret, _stamp(cache.root, FILE))
    except OSError:
        pass


def _load(root: Path, name: str, warnings: list[Diagnostic]) -> object:
    """What the file `name` of the cache folder holds, or None (and why in `warnings`, when
    that is something to tell)."""
    try:
        secret = user_key()
    except OSError as exc:
        if not warnings:
            warnings.append(keyless(f"{CACHE_DIR}/{name}", "suggest's cache", exc, "reads"))
        return None
    try:
        return read_signed(root / CACHE_DIR / name, secret, _stamp(root, name))
    except FileNotFoundError:
        return None
    except Untrusted as exc:
        warnings.append(_discarded(name, str(exc)))
    except Exception as exc:  # signed by us, yet not what this code reads: a bug, or a torn disk
        warnings.append(_discarded(name, f"it cannot be read ({type(exc).__name__})"))
    return None


def _stamp(root: Path, name: str) -> bytes:
    # the code, the site, and what for: this file
    return cache_stamp(root, root / CACHE_DIR / name)


def _discarded(name: str, why: str) -> Diagnostic:
    return discarded(f"{CACHE_DIR}/{name}", "suggest's cache", why, "it is made again now")
