"""The answer made afresh: each piece read (or its reading kept, while it still stands), the
phrases and names of all of them counted, and the best ranked."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ..config import SiteConfig
from ..link.index import SiteIndex, build_index, build_matcher
from ..load import Loaded, Walked
from ..markdown import make_markdown
from ..markdown.matcher import Matcher
from ..markdown.wikilinks import UnknownTarget, WikiTarget
from ..model import Concept, Episode, Essay, Item, Person
from ..pool import run_sliced
from .names import names_in
from .phrases import (
    Gram,
    Tally,
    Tokens,
    count_into,
    count_phrases,
    gram,
    known_forms,
    maximal,
    tally,
    words_of,
)
from .prose import Run, plain_runs, prose_runs
from .rank import Piece, Suggestions, rank
from .store import Read, SuggestCache


def answer(
    config: SiteConfig,
    loaded: Loaded,
    min_pieces: int,
    limit: int,
    jobs: int,
    cache: SuggestCache | None,
    lap: Callable[[str], None],
) -> Suggestions:
    """What `suggest` answers for the `loaded` site; the pieces are read in `jobs` processes
    (what `cache` holds of them that still stands is not read again, and it is left holding
    this run's readings); `lap` is told when the reading is done."""
    index, _ = build_index(loaded.items, (), config.base_path)
    items = sorted(
        (i for i in loaded.items if isinstance(i, Essay | Episode)),
        key=lambda i: (i.date.isoformat() if i.date else "", i.path),
    )
    read, begun = _read(items, index, loaded.walked, cache, jobs)
    pieces = [_piece(item, read[item.path].runs) for item in items]
    words, names = [read[i.path].words for i in items], [read[i.path].names for i in items]
    lap("read")
    last = cache.tally if cache is not None else None
    counted = tally({i.path: read[i.path].words for i in items}, last, begun)
    if cache is not None and counted is not cache.tally:
        cache.tally, cache.read_again = counted, True
    known = known_forms(gram(name) for name in _known_names(loaded.items))
    counts = count_phrases(words, min_pieces, known, counted)
    named, name_uses = _names(names, min_pieces, known)
    # a phrase that is a name, or holds one ("professor lena hartvig"), is listed as the name
    phrases = maximal(counts.pieces, known | set(named), counts.uses)
    return Suggestions(
        rank("concept", pieces, phrases, counts.uses, limit),
        rank("person", pieces, named, name_uses, limit),
        len(pieces),
    )


def _read(
    items: list[Item],
    index: SiteIndex,
    walked: Walked | None,
    cache: SuggestCache | None,
    jobs: int,
) -> tuple[dict[str, Read], Tally]:
    """Each piece's reading: the cache's, while it still stands (see `_stands`), else made
    now, in `jobs` processes; and the Tally of the words read now, begun as each slice of
    them comes (this process counts while the others read). The cache is left with the
    readings."""
    glossary = _glossary(index)
    fingerprints: dict[str, tuple] = {}
    if cache is not None and walked is not None:
        entries = cache.files
        fingerprints = {rel: entries[p][0] for p, rel, _ in walked.sources if p in entries}
    kept = cache.readings() if cache is not None else {}
    # what each wikilink target finds now, asked once a target (pieces share most of them)
    finds = {target: _finds(index, target) for r in kept.values() for target, _ in r.asked}
    read = {
        i.path: kept[i.path]
        for i in items
        if i.path in kept and _stands(kept[i.path], fingerprints.get(i.path), glossary, finds)
    }
    keys = [i.path for i in items if i.path not in read]
    begun = Tally(Counter(), Counter(), {})

    def take(part: dict[str, Read]) -> None:
        read.update(part)
        count_into(begun, {key: r.words for key, r in part.items()})

    if keys:
        by_path = {i.path: i for i in items}
        # people's names too: "Professor Lena" is no phrase when Lena Hartvig has a file
        shared = (by_path, index, build_matcher(index, people="all"), glossary, fingerprints)
        run_sliced(_read_slice, shared, keys, jobs, each=take)
        read = {i.path: read[i.path] for i in items}  # one order, whichever slice came first
    if cache is not None and (keys or len(read) < len(kept)):
        cache.read, cache.read_again = read, True
    return read, begun


def _stands(read: Read, fingerprint: tuple | None, glossary: str, finds: dict[str, bool]) -> bool:
    """Whether a piece read before reads the same now: its file is as it was, and so are the
    concepts' names and what each of its wikilinks finds (`finds`: each target, whether it
    finds an item now)."""
    return (
        read.fingerprint == fingerprint
        and fingerprint is not None
        and read.glossary == glossary
        and all(finds[target] is found for target, found in read.asked)
    )


def _read_slice(
    shared: tuple[dict[str, Item], SiteIndex, Matcher, str, dict[str, tuple]],
    keys: Sequence[str],
) -> dict[str, Read]:
    """The prose of the pieces of `keys`, its words and the names in it (run in worker
    processes, as the build's parse is: see pool.py; what they send back is only that)."""
    items, index, matcher, glossary, fingerprints = shared
    md = make_markdown()
    read, seen = {}, Tokens()
    for key in keys:
        asking = _Asking(index, [])
        runs = _runs(items[key], md, asking)
        read[key] = Read(
            fingerprints.get(key),
            tuple(asking.asked),
            glossary,
            runs,
            words_of(runs, matcher, seen),
            names_in(runs),
        )
    return read


@dataclass(slots=True)
class _Asking:
    """The wikilink rule's `resolve_wikilink`, noting each target asked for and whether it
    was found: whether it exists is all that matters here, not what it might be."""

    index: SiteIndex
    asked: list[tuple[str, bool]]

    def __call__(self, target: str) -> WikiTarget:
        try:
            found = self.index.resolve_wikilink(target, hint=False)
        except UnknownTarget:
            self.asked.append((target, False))
            raise
        self.asked.append((target, True))
        return found


def _finds(index: SiteIndex, target: str) -> bool:
    try:
        index.resolve_wikilink(target, hint=False)
    except UnknownTarget:
        return False
    return True


def _glossary(index: SiteIndex) -> str:
    """The digest of what the matcher (build_matcher) finds: each concept's names, and each
    person's."""
    known = sorted(
        (i for i in index.by_key.values() if isinstance(i, Concept | Person)), key=lambda i: i.key
    )
    names = [
        (i.key, i.title, i.aliases, getattr(i, "quiet_aliases", ()), getattr(i, "forms", ()))
        for i in known
    ]
    return hashlib.sha256(repr(names).encode()).hexdigest()


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
