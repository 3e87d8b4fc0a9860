"""Pure: related reading, the pieces to read next under an essay or an episode, each with why.

The scorer knows nothing of the site: each piece is a key and its *features*, by kind: the
concepts it refers to, its tags and, where a site has them, the people in it and its series.
Two pieces are as related as the features they share weigh, and a feature weighs more the
fewer pieces have it: `KIND_WEIGHT[kind] * log(N / df)` for a feature `df` of the `N` pieces
have (a concept in every piece weighs nothing). The reasons name what was shared, by kind, the
rarest first: "also in *Ending the war*, with Dr. Ines Carvalho, on ripeness".
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import neg

from markupsafe import Markup, escape

from ..model import pickled_by_fields

COUNT = 3  # pieces under each essay and episode
# what sharing one feature of a kind is worth, before its rarity: a series is an argument read
# in order, a person a voice; tags are the author's coarse filing
KIND_WEIGHT = {"series": 3.0, "person": 1.5, "concept": 1.0, "tag": 0.5}
REASON_ORDER = ("series", "person", "concept", "tag")
# each kind's words, and whether its names are titles (set in italics)
REASON_WORDS = {"series": ("in", True), "person": ("with", False), "concept": ("on", False)}
REASON_WORDS["tag"] = ("tagged", False)
NAMED = 3  # names shown per kind in a reason; the rest are counted ("and 2 more")
NOMINEES = 50  # see `pick_related`


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Piece:
    """An essay or an episode as the scorer sees it: its key and features by kind (each a
    tuple of ids: concept keys, tag slugs, person slugs, a series slug)."""

    key: str
    features: Mapping[str, tuple[str, ...]]


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Pick:
    """A piece chosen for another, and the features they share, by kind, the rarest first."""

    key: str
    shared: tuple[tuple[str, tuple[str, ...]], ...]
    pinned: bool = False


Feature = tuple[str, str]  # (kind, id)


def pick_related(
    pieces: Sequence[Piece],
    pins: Mapping[str, Sequence[str]] | None = None,
    off: frozenset[str] = frozenset(),
    linked: Mapping[str, Collection[str]] | None = None,
    count: int = COUNT,
    nominees: int = NOMINEES,
) -> dict[str, tuple[Pick, ...]]:
    """For each piece not in `off`, its pinned pieces (`pins`: key -> keys, in the author's
    order) and then the best scored others, up to `count` in all, leaving out those its page
    links to already (`linked`: key -> keys, as an essay's episode). `pieces` come in the order
    that breaks ties (newest first): of two equal scores, the earlier piece wins.

    The cost stays linear in the number of pieces. Scores are summed over posting lists
    (feature -> the pieces that have it, in that order), built once: a feature adds its weight
    to each piece of its list, but a feature more than `nominees` pieces have (a concept in
    most pieces, which says little, and which its rarity weight makes light) adds it only to
    the `nominees` of them nearest in the order, the pieces nearest in time. Each piece so
    visits at most k x `nominees` others for its k features, whatever the size of the site:
    O(N x k x nominees) for N pieces, never N squared. (What a pick is said to share is all it
    shares, whether or not each feature counted for its score.)
    """
    pins, linked = pins or {}, linked or {}
    at = {p.key: i for i, p in enumerate(pieces)}
    own: list[tuple[Feature, ...]] = []
    postings: dict[Feature, list[int]] = {}
    for i, piece in enumerate(pieces):
        features = tuple(sorted({(kind, f) for kind, ids in piece.features.items() for f in ids}))
        own.append(features)
        for feature in features:
            postings.setdefault(feature, []).append(i)
    n = len(pieces)
    # in millionths, as whole numbers: sums are exact in any order, so equal scores tie
    weight = {
        f: round(KIND_WEIGHT.get(f[0], 1.0) * math.log(n / len(ps)) * 1e6)
        for f, ps in postings.items()
    }
    sets = [frozenset(f) for f in own]
    visits = [[(postings[f], weight[f]) for f in fs if weight[f] > 0] for fs in own]
    chosen: dict[str, tuple[Pick, ...]] = {}
    for i, piece in enumerate(pieces):
        if piece.key in off:
            continue
        score: defaultdict[int, int] = defaultdict(int)
        for posting, w in visits[i]:
            if len(posting) > nominees:
                posting = _nearest(posting, i, nominees)
            for j in posting:
                score[j] += w
        score.pop(i, None)
        for k in linked.get(piece.key, ()):
            score.pop(at.get(k, -1), None)
        pinned = [
            at[k] for k in dict.fromkeys(pins.get(piece.key, ())) if k in at and k != piece.key
        ]
        for j in pinned:
            score.pop(j, None)
        # (-score, position): the best first, and of equal scores the earlier piece
        best = heapq.nsmallest(
            max(count - len(pinned), 0), zip(map(neg, score.values()), score, strict=True)
        )
        picks = [(j, True) for j in pinned] + [(j, False) for _, j in best]
        chosen[piece.key] = tuple(
            Pick(pieces[j].key, _shared(sets[i] & sets[j], weight), is_pin) for j, is_pin in picks
        )
    return chosen


def _nearest(posting: list[int], i: int, wanted: int) -> list[int]:
    """The `wanted` entries of a sorted posting list nearest to position `i` (ties: earlier)."""
    middle = bisect_left(posting, i)
    start = max(0, min(middle - wanted // 2, len(posting) - wanted))
    return posting[start : start + wanted]


def _shared(features: frozenset[Feature], weight: Mapping[Feature, float]):
    by_kind: dict[str, list[Feature]] = {}
    for f in features:
        if weight[f] > 0:
            by_kind.setdefault(f[0], []).append(f)
    kinds = sorted(by_kind, key=lambda k: (_rank(k), k))
    return tuple(
        (kind, tuple(f[1] for f in sorted(by_kind[kind], key=lambda f: (-weight[f], f[1]))))
        for kind in kinds
    )


def _rank(kind: str) -> int:
    return REASON_ORDER.index(kind) if kind in REASON_ORDER else len(REASON_ORDER)


def reason(shared: tuple[tuple[str, tuple[str, ...]], ...], names: Mapping[str, str]) -> Markup:
    """Why a pick was chosen, in words: "also in <em>Ending the war</em>, with Dr. Ines
    Carvalho, on ripeness and security guarantees, tagged history". `names` maps a feature's
    `kind/id` to what readers know it by (a concept's term, a person's name, a series' title)."""
    parts = []
    for kind, ids in shared:
        word, italic = REASON_WORDS.get(kind, ("on", False))
        named = ids if len(ids) <= NAMED + 1 else ids[:NAMED]  # never "and 1 more"
        shown = [escape(names.get(f"{kind}/{i}", i)) for i in named]
        if italic:
            shown = [Markup("<em>%s</em>") % s for s in shown]
        if len(ids) > len(named):
            shown.append(Markup(f"{len(ids) - len(named)} more"))
        parts.append(Markup(f"{word} ") + _and(shown))
    return Markup("also ") + Markup(", ").join(parts) if parts else Markup("")


def _and(names: list[Markup]) -> Markup:
    if len(names) < 2:
        return Markup("").join(names)
    return Markup(", ").join(names[:-1]) + Markup(" and ") + names[-1]
