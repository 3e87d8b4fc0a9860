"""Pure: the phrases (2 to 5 words) and the names a site's pieces keep using, ranked.

One pass per phrase length over every piece's words, level by level (the Apriori idea): an
n-word phrase is counted only where both of its (n-1)-word parts recur and go together more
often than chance would put them side by side, so random neighbours (and most of a text) are
dropped at the first level instead of being counted at every length. Each count is a set or a
Counter fed by C-level iterators (zip, map, compress), never a Python loop over words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress, count, pairwise

from ..markdown.matcher import Matcher, plural

MAX_WORDS = 5
# observed side by side at least this many times as often as two unrelated words would be
LIFT = 3.0
# lowercase words, and every other character that is not a space, `*` or `_` (emphasis), which
# a phrase does not cross: punctuation, a dash, a run's end
TOKEN = re.compile(r"[^\W_]+(?:[-\u2010\u2011'\u2019][^\W_]+)*|[^\w\s*]")
BREAK = "|"  # between runs: a phrase never spans a link, a quotation or a paragraph
_STOP = """a about above after again against ago all almost also although always am among an and
    another any anyone anything are around as at away back be became because become been before
    being below besides best better between both but by can cannot could did do does doing done
    down during each either else enough etc even ever every everyone everything few first for
    from further get gets getting give given go goes going got had has have having he her here
    hers herself him himself his how however i if in into is it its itself just last least less
    let like made make makes making many may me might mine more most much must my myself neither
    never new next no nobody none nor not nothing now of off often old on once one only onto or
    other others our ours ourselves out over own per perhaps put quite rather really said same
    say says second see seem seems seen several shall she should since so some someone
    something sometimes still such than that the their theirs them themselves then there these
    they thing things this those though three through thus till to too took two under until up
    upon us used very via was way ways we well were what whatever when where whether which while
    who whom whose why will with within without would yet you your yours yourself yourselves
    i'm it's that's there's don't doesn't didn't isn't wasn't can't won't we're they're you're
    mr mrs ms dr prof sir
    zero three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty
    seventy eighty ninety hundred thousand million billion
    episode episodes essay essays glossary podcast show"""
# and, last, the site's words for itself ("the companion essay", "this episode")
STOP_WORDS = frozenset(_STOP.split())  # apostrophes are straightened first (words_of)
Gram = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Counts:
    """What the passes found: for each phrase worth listing, the pieces using it (by index)."""

    pieces: dict[Gram, tuple[int, ...]]  # in the order given
    uses: dict[Gram, int]  # occurrences in all pieces


def words_of(
    runs: Iterable[tuple[int, str]], matcher: Matcher | None = None, seen: Tokens | None = None
) -> list[str]:
    """A piece's lowercase words, with BREAK and punctuation between those no phrase joins;
    and with a BREAK for each name of a concept or a person the `matcher` finds (as the build
    would link it: longest match, whole words, plurals), so that no phrase holds one. `seen`
    is `tokens`', kept from piece to piece by a caller reading many."""
    # one space between words: the matcher scans such text with its automaton (words further
    # apart make it walk word by word), and the words are the same
    text = " ".join(f" {BREAK} ".join(text for _, text in runs).split())
    if matcher is not None:
        parts, at = [], 0
        for start, end, _ in matcher.find(text, spaced=True):
            parts += (text[at:start], BREAK)
            at = end
        text = " ".join((*parts, text[at:])) if parts else text
    return tokens(text, Tokens() if seen is None else seen)


class Tokens(dict[str, tuple[str, ...]]):
    """`tokens`' memo, kept from piece to piece by a caller reading many: each distinct
    space-free piece of text to its tokens, found by the regex on the first look-up."""

    def __missing__(self, piece: str) -> tuple[str, ...]:
        found = self[piece] = tuple(TOKEN.findall(piece))
        return found


def tokens(text: str, seen: Tokens) -> list[str]:
    """`TOKEN.findall` of the text lowercased, with straight apostrophes. No token holds a
    space, so the text is split at spaces (in C) and each distinct piece between them goes
    through the regex only once, its tokens kept in `seen` (a site has few distinct pieces:
    words, and words with a comma)."""
    pieces = text.lower().replace("\u2019", "'").split()
    return list(chain.from_iterable(map(seen.__getitem__, pieces)))


@dataclass(slots=True)
class Tally:
    """Every word and every pair of words side by side in the pieces, counted: the first pass
    of `count_phrases`, the one over all the words, kept from run to run (see `tally`)."""

    words: Counter[str]
    pairs: Counter[Gram]
    of: dict[str, list[str]]  # the words counted, by piece


def tally(
    pieces: Mapping[str, list[str]], last: Tally | None = None, begun: Tally | None = None
) -> Tally:
    """The Tally of `pieces` (their words, by key); made from `last` (which it takes over)
    when that counted most of them: a piece is the same when its words are the very list
    counted then, as a cache gives them back, and only the others are counted or taken off.
    Else from `begun` (taken over too), which the caller began as it read some of the pieces
    (see `count_into`): only the pieces it has not counted are counted here."""
    if last is not None:
        gone = [key for key, words in last.of.items() if pieces.get(key) is not words]
        new = [key for key, words in pieces.items() if last.of.get(key) is not words]
        if len(gone) + len(new) <= len(pieces) // 2:
            for key in gone:
                _add(last, last.of[key], -1)
            for key in new:
                _add(last, pieces[key], 1)
            last.of = dict(pieces)
            return last
    if begun is None or any(pieces.get(key) is not words for key, words in begun.of.items()):
        begun = Tally(Counter(), Counter(), {})
    count_into(begun, {key: w for key, w in pieces.items() if begun.of.get(key) is not w})
    begun.of = dict(pieces)
    return begun


def count_into(counted: Tally, pieces: Mapping[str, list[str]]) -> None:
    """Add the words of `pieces` (by key) to `counted`, in C (a Counter's `update` from an
    iterable): the same work whether a piece is counted now or with all the others."""
    counted.words.update(chain.from_iterable(pieces.values()))
    counted.pairs.update(chain.from_iterable(map(pairwise, pieces.values())))
    counted.of.update(pieces)


def _add(counted: Tally, words: list[str], sign: int) -> None:
    for counter, found in (
        (counted.words, Counter(words)),
        (counted.pairs, Counter(pairwise(words))),
    ):
        for key, k in found.items():
            if left := counter[key] + sign * k:
                counter[key] = left
            else:  # as if never counted
                del counter[key]


def count_phrases(
    pieces: Sequence[list[str]],
    min_pieces: int,
    known: set[Gram] = frozenset(),
    counted: Tally | None = None,
) -> Counts:
    """The phrases used in at least `min_pieces` pieces, no stop word or number at either end,
    none a `known` form (see known_forms) or holding one, and none that only ever occurs
    inside a longer one of them (the same pieces use it). `counted` is the pieces' Tally, if
    the caller keeps one."""
    total = sum(map(len, pieces)) or 1
    if counted is None:
        counted = tally({str(i): words for i, words in enumerate(pieces)})
    words_used = counted.words
    # a copy: the longer phrases' uses are added to it
    uses, kept, starts = _pairs(pieces, min_pieces, words_used, total, Counter(counted.pairs))
    where: dict[Gram, list[int]] = {}
    for n in range(3, MAX_WORDS + 2):
        _note_where(where, pieces, starts, n - 1)
        if n > MAX_WORDS or not kept:
            break
        # an n-gram can recur only where both of its (n-1)-word parts were kept: start there
        grams = [
            [tuple(words[i : i + n]) for i in sorted(at) if i + 1 in at]
            for words, at in zip(pieces, starts, strict=True)
        ]
        level: Counter[Gram] = Counter()
        in_pieces: Counter[Gram] = Counter()
        for found in grams:
            level.update(found)
            in_pieces.update(set(found))
        kept = {
            g
            for g, k in in_pieces.items()
            if k >= min_pieces and level[g] * total >= LIFT * uses[g[:-1]] * words_used[g[-1]]
        }
        uses.update({g: level[g] for g in kept})
        starts = [
            {i for i in sorted(at) if i + 1 in at and tuple(words[i : i + n]) in kept}
            for words, at in zip(pieces, starts, strict=True)
        ]
    pieces_of = maximal({g: tuple(found) for g, found in where.items()}, known, uses)
    return Counts(pieces_of, {g: uses[g] for g in pieces_of})


def _pairs(
    pieces: Sequence[list[str]],
    min_pieces: int,
    words_used: Counter[str],
    total: int,
    uses: Counter[Gram],
) -> tuple[Counter[Gram], set[Gram], list[set[int]]]:
    """The two-word phrases kept (in enough pieces, and together more than by chance), their
    uses, and where in each piece one starts. Whether two words go together is known from the
    count of every pair, one pass of C-level iterators; the pieces are searched only for the
    few pairs that do (hardly any, in text of random neighbours), counted there by piece.
    `uses` is every pair's count."""
    likely = {
        g
        for g, k in uses.items()
        if k >= min_pieces
        and g[0][0].isalnum()
        and g[1][0].isalnum()
        and k * total >= LIFT * words_used[g[0]] * words_used[g[1]]
    }
    if not likely:
        return uses, likely, [set() for _ in pieces]
    # looked for only where a kept pair's first word is (found in C): making a tuple of every
    # pair of neighbours was 0.07 s of a 1,000-essay run when one starts with "war"
    firsts = {g[0] for g in likely}
    starts = [
        {i for i in compress(count(), map(firsts.__contains__, words)) if _pair(words, i) in likely}
        for words in pieces
    ]
    in_pieces = Counter(
        chain.from_iterable(
            {(words[i], words[i + 1]) for i in at} for words, at in zip(pieces, starts, strict=True)
        )
    )
    kept = {g for g in likely if in_pieces[g] >= min_pieces}
    if len(kept) < len(likely):
        starts = [
            {i for i in at if (words[i], words[i + 1]) in kept}
            for words, at in zip(pieces, starts, strict=True)
        ]
    return uses, kept, starts


def _pair(words: list[str], i: int) -> Gram:
    return tuple(words[i : i + 2])


def _note_where(
    where: dict[Gram, list[int]], pieces: Sequence[list[str]], starts: list[set[int]], n: int
) -> None:
    """Add the pieces using each kept n-word phrase fit to be listed (see _ends_well), which
    is asked once a phrase, not once a piece using it."""
    grams = [
        {tuple(words[i : i + n]) for i in at} for words, at in zip(pieces, starts, strict=True)
    ]
    fit = {g for g in set().union(*grams) if _ends_well(g)}
    for index, found in enumerate(grams):
        for g in found & fit:
            where.setdefault(g, []).append(index)


def gram(text: str) -> Gram:
    """A name as the words a phrase is counted in."""
    return tuple(tokens(text, Tokens()))


def _ends_well(gram: Gram) -> bool:
    """No stop word or number at either end, and at most one stop word inside: "line of
    contact" is a name for something, "long before it is ready" a piece of a sentence."""
    ends = all(w not in STOP_WORDS and not w.isdigit() for w in (gram[0], gram[-1]))
    return ends and sum(w in STOP_WORDS for w in gram) <= 1


def known_forms(known: Iterable[Gram]) -> set[Gram]:
    """Known names (terms, aliases, people), each also with its last word in the plural."""
    return {form for name in known if name for form in (name, (*name[:-1], plural(name[-1])))}


def maximal(
    where: Mapping[Gram, tuple[int, ...]], known: set[Gram], uses: Mapping[Gram, int]
) -> dict[Gram, tuple[int, ...]]:
    """The phrases (or names) that are not known and not always part of a longer one: a part
    used as many times as a whole holding it is only ever used in it ("mutually hurting" in
    "mutually hurting stalemate"), and is dropped."""
    listed = {
        g: found
        for g, found in where.items()
        if g not in known and not any(part in known for part in _parts(g))
    }
    inner = {
        part
        for g, found in listed.items()
        for part in _parts(g)
        if part in listed and uses[part] == uses[g]
    }
    return {g: found for g, found in listed.items() if g not in inner}


def _parts(gram: Gram) -> Iterable[Gram]:
    """Its runs of two words or more, shorter than itself."""
    n = len(gram)
    return (gram[i : i + k] for k in range(2, n) for i in range(n - k + 1))
