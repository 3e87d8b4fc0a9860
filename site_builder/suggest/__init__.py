"""`site-builder suggest`: the concepts (and people) an archive already has but its glossary
does not, found in the essays' and episodes' own prose.

The site is read once: every essay and episode is loaded and its body walked as the build's
Markdown parser reads it (prose.py); the phrases of every piece are then counted together,
one pass per phrase length (phrases.py), and only the best are looked up again for their
example sentences, in the pieces already known to use them (rank.py); that is answer.py. What
a run read is kept for the next (store.py), and only what changed is read again.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time

from ..config import SiteConfig
from ..errors import ContentError, errors_in
from ..load import load_content
from ..load.walk import FileCache
from .rank import Example, Suggestion, Suggestions
from .store import SuggestCache

__all__ = ["Example", "Suggestion", "Suggestions", "suggest"]


def suggest(
    config: SiteConfig,
    min_pieces: int = 2,
    limit: int = 20,
    jobs: int = 1,
    timings: dict[str, tuple[float, float]] | None = None,
    cache: SuggestCache | None = None,
) -> Suggestions:
    """What the site's essays and episodes (drafts too) keep saying that no concept, alias or
    person names yet: phrases and names used in at least `min_pieces` pieces, the best
    `limit` of each; the Markdown is read in `jobs` processes. A file that cannot be read is
    an error, as in `check`. `timings`, if given, gets the (wall, CPU) seconds of each step,
    worker processes included: load, read (the Markdown, into words), count (and rank).

    With a `cache` (see store.py), what it holds of a file that has not changed is not read
    again, and it is left holding this run's files, readings and answer; the answer is the
    same with it or without."""
    # as in a build (build.py): millions of objects that live to the end, and almost no
    # cycles; the collector's passes over them (in each worker too) are for nothing
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _suggest(config, min_pieces, limit, jobs, timings, cache)
    finally:
        if collecting:
            gc.enable()


def _suggest(
    config: SiteConfig,
    min_pieces: int,
    limit: int,
    jobs: int,
    timings: dict[str, tuple[float, float]] | None,
    cache: SuggestCache | None,
) -> Suggestions:
    clock = [(time.perf_counter(), sum(os.times()[:4]))]

    def lap(step: str) -> None:
        clock.append((time.perf_counter(), sum(os.times()[:4])))
        if timings is not None:
            timings[step] = (clock[-1][0] - clock[-2][0], clock[-1][1] - clock[-2][1])

    files = cache.files if cache is not None else None
    loaded = load_content(
        config.content_dir, config.root, config.tz, files, by_content=True, jobs=jobs
    )
    if errors_in(loaded.diagnostics):
        raise ContentError(errors_in(loaded.diagnostics))
    lap("load")
    asked = None
    if cache is not None:
        # every file as it was, and what it was read into: the answer is the same
        asked = _asked(config, cache.files, min_pieces, limit)
        if cache.answer is not None and cache.answer[0] == asked:
            lap("read")
            lap("count")
            return cache.answer[1]
    # here, not above: a run with nothing changed needs none of the reading and counting (nor
    # markdown-it, the glossary's matcher and the index): a tenth of its time
    from .answer import answer

    found = answer(config, loaded, min_pieces, limit, jobs, cache, lap)
    if cache is not None and asked is not None:
        cache.answer = (asked, found)
    lap("count")
    return found


def _asked(config: SiteConfig, files: FileCache, min_pieces: int, limit: int) -> str:
    """All an answer depends on: every file loaded (its path and fingerprint: the item made of
    it is the same, and so is its reading) and what the command was asked."""
    fingerprints = sorted((str(path), entry[0]) for path, entry in files.items())
    return hashlib.sha256(
        repr((min_pieces, limit, config.base_path, fingerprints)).encode()
    ).hexdigest()
