"""`site-builder suggest`: the concepts (and people) an archive already has but its glossary
does not, found in the essays' and episodes' own prose.

The site is read once: every essay and episode is loaded and its body walked as the build's
Markdown parser reads it (prose.py); the phrases of every piece are then counted together,
one pass per phrase length (phrases.py), and only the best are looked up again for their
example sentences, in the pieces already known to use them (rank.py).
"""

from __future__ import annotations

import gc
import os
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from markdown_it import MarkdownIt

from ..config import SiteConfig
from ..errors import ContentError, errors_in
from ..link.index import SiteIndex, build_index, build_matcher
from ..load import load_content
from ..markdown import make_markdown
from ..markdown.matcher import Matcher
from ..model import Concept, Episode, Essay, Item, Person
from ..pool import run_sliced
from .names import names_in
from .phrases import Gram, Tokens, count_phrases, gram, known_forms, maximal, words_of
from .prose import Run, plain_runs, prose_runs
from .rank import Example, Piece, Suggestion, rank

__all__ = ["Example", "Suggestion", "Suggestions", "suggest"]


@dataclass(frozen=True, slots=True)
class Suggestions:
    concepts: list[Suggestion]  # recurring phrases, best first
    people: list[Suggestion]  # recurring capitalised names, best first
    pieces: int  # essays and episodes read


def suggest(
    config: SiteConfig,
    min_pieces: int = 2,
    limit: int = 20,
    jobs: int = 1,
    timings: dict[str, tuple[float, float]] | None = None,
) -> Suggestions:
    """What the site's essays and episodes (drafts too) keep saying that no concept, alias or
    person names yet: phrases and names used in at least `min_pieces` pieces, the best
    `limit` of each; the Markdown is read in `jobs` processes. A file that cannot be read is
    an error, as in `check`. `timings`, if given, gets the (wall, CPU) seconds of each step,
    worker processes included: load, read (the Markdown, into words), count (and rank)."""
    # as in a build (build.py): millions of objects that live to the end, and almost no
    # cycles; the collector's passes over them (in each worker too) are for nothing
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _suggest(config, min_pieces, limit, jobs, timings)
    finally:
        if collecting:
            gc.enable()


def _suggest(
    config: SiteConfig,
    min_pieces: int,
    limit: int,
    jobs: int,
    timings: dict[str, tuple[float, float]] | None,
) -> Suggestions:
    clock = [(time.perf_counter(), sum(os.times()[:4]))]

    def lap(step: str) -> None:
        clock.append((time.perf_counter(), sum(os.times()[:4])))
        if timings is not None:
            timings[step] = (clock[-1][0] - clock[-2][0], clock[-1][1] - clock[-2][1])

    loaded = load_content(config.content_dir, config.root, config.tz)
    if errors_in(loaded.diagnostics):
        raise ContentError(errors_in(loaded.diagnostics))
    lap("load")
    index, _ = build_index(loaded.items, (), config.base_path)
    items = sorted(
        (i for i in loaded.items if isinstance(i, Essay | Episode)),
        key=lambda i: (i.date.isoformat() if i.date else "", i.path),
    )
    keys = [item.path for item in items]
    shared = ({i.path: i for i in items}, index, build_matcher(index))
    read = run_sliced(_read_slice, shared, keys, jobs)
    pieces = [_piece(item, read[item.path][0]) for item in items]
    words, names = [read[key][1] for key in keys], [read[key][2] for key in keys]
    lap("read")
    known = known_forms(gram(name) for name in _known_names(loaded.items))
    counts = count_phrases(words, min_pieces, known)
    named, name_uses = _names(names, min_pieces, known)
    # a phrase that is a name, or holds one ("professor lena hartvig"), is listed as the name
    phrases = maximal(counts.pieces, known | set(named), counts.uses)
    found = Suggestions(
        rank("concept", pieces, phrases, counts.uses, limit),
        rank("person", pieces, named, name_uses, limit),
        len(pieces),
    )
    lap("count")
    return found


def _read_slice(
    shared: tuple[dict[str, Item], SiteIndex, Matcher], keys: Sequence[str]
) -> dict[str, tuple[tuple[Run, ...], list[str], list[Gram]]]:
    """The prose of the pieces of `keys`, its words and the names in it (run in worker
    processes, as the build's parse is: see pool.py; what they send back is only that)."""
    items, index, matcher = shared
    md = make_markdown()
    read, seen = {}, Tokens()
    for key in keys:
        # whether a wikilink's target exists is all that matters here, not what it might be
        runs = _runs(items[key], md, partial(index.resolve_wikilink, hint=False))
        read[key] = (runs, words_of(runs, matcher, seen), names_in(runs))
    return read


def _runs(item: Item, md: MarkdownIt, resolve: Callable) -> tuple[Run, ...]:
    """The piece's title and summary, then its body's own prose."""
    env = {"resolve_wikilink": resolve, "self_key": item.key, "path": item.path}
    runs = list(plain_runs(item.title, item.line_of("title")))
    if item.summary:
        runs += plain_runs(item.summary, item.line_of("summary"))
    runs += prose_runs(md, item.body, item.body_line, env)
    return tuple(runs)


def _piece(item: Item, runs: tuple[Run, ...]) -> Piece:
    month = item.date.strftime("%Y-%m") if item.date else ""
    return Piece(item.path, month, runs, item.body, item.body_line)


def _names(
    names: list[list[Gram]], min_pieces: int, known: set[Gram]
) -> tuple[dict[Gram, tuple[int, ...]], Counter[Gram]]:
    uses: Counter[Gram] = Counter()
    where: dict[Gram, list[int]] = {}
    for i, found in enumerate(names):
        uses.update(found)
        for name in set(found):
            where.setdefault(name, []).append(i)
    recurring = {g: tuple(w) for g, w in where.items() if len(w) >= min_pieces}
    return maximal(recurring, known, uses), uses


def _known_names(items: tuple[Item, ...]) -> list[str]:
    """Every concept's term, aliases and forms, and every person's name and aliases."""
    return [
        name
        for item in items
        if isinstance(item, Concept | Person)
        for name in (
            item.title,
            *item.aliases,
            *getattr(item, "quiet_aliases", ()),
            *getattr(item, "forms", ()),
        )
    ]
