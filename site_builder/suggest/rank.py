"""Pure: counted phrases and names to ranked suggestions, each with two example sentences."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (not imported to read a kept answer: see suggest/__init__.py)
    from .phrases import Gram
    from .prose import Run

# a full stop ends a sentence, but not after an initial or a title ("Dr. Ines Carvalho")
_SENTENCE_END = re.compile(
    r"(?<!\b[A-Z])(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\bProf)"
    r"[.!?\u2026][\"'\u201d\u2019)\]]*(?:\s+|$)"
)
EXAMPLE_CHARS = 200  # a longer sentence is cut around the phrase


@dataclass(frozen=True, slots=True)
class Piece:
    """An essay or an episode as `suggest` reads it: its own prose, and when it was written."""

    path: str
    month: str  # "2026-03", or "" when undated
    runs: tuple[Run, ...]
    body: str = ""  # as written, for the examples (split into lines only for them)
    body_line: int = 1  # the line in the file the body starts on


@dataclass(frozen=True, slots=True)
class Example:
    path: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: str  # what it could become: "concept", or for a name "person"
    text: str  # as the author writes it
    pieces: int  # how many essays and episodes use it
    uses: int  # how many times in all
    months: tuple[str, ...]  # the distinct months of those pieces, oldest first
    examples: tuple[Example, ...]  # from the first two pieces that use it


@dataclass(frozen=True, slots=True)
class Suggestions:
    concepts: list[Suggestion]  # recurring phrases, best first
    people: list[Suggestion]  # recurring capitalised names, best first
    pieces: int  # essays and episodes read


def rank(
    kind: str,
    pieces: Sequence[Piece],
    found: Mapping[Gram, tuple[int, ...]],
    uses: Mapping[Gram, int],
    limit: int,
) -> list[Suggestion]:
    """The best `limit` of `found` (phrase -> the indexes of the pieces using it), best first:
    by uses times the spread, the geometric mean of pieces and distinct months (a phrase
    in twelve posts over a year beats one in twenty posts of one month)."""
    merged = _with_plurals(found, uses)
    scored = []
    for g, (where, count) in merged.items():
        months = sorted({pieces[i].month for i in where} - {""})
        spread = math.sqrt(len(where) * max(len(months), 1))
        scored.append((-count * spread, -len(where), " ".join(g), g, where, months, count))
    scored.sort()
    best = []
    for *_, g, where, months, count in scored[:limit]:
        examples = _examples(g, pieces, where)
        text = _as_written(g, examples, anywhere=kind == "person")
        best.append(Suggestion(kind, text, len(where), count, tuple(months), examples))
    return best


def _with_plurals(
    found: Mapping[Gram, tuple[int, ...]], uses: Mapping[Gram, int]
) -> dict[Gram, tuple[tuple[int, ...], int]]:
    """ "ceasefire line" and "ceasefire lines" are one suggestion, under the form used more."""
    from ..markdown.matcher import plural

    plural_of = {g: p for g in found if (p := (*g[:-1], plural(g[-1]))) in found and p != g}
    plurals = set(plural_of.values())
    merged: dict[Gram, tuple[tuple[int, ...], int]] = {}
    for g in found:
        if g in plurals:
            continue
        forms = (g, plural_of[g]) if g in plural_of else (g,)
        keep = max(forms, key=lambda f: (uses[f], f == g))  # on a tie, the singular
        where = tuple(sorted({i for f in forms for i in found[f]}))
        merged[keep] = (where, sum(uses[f] for f in forms))
    return merged


def _examples(g: Gram, pieces: Sequence[Piece], where: tuple[int, ...]) -> tuple[Example, ...]:
    """The first sentence using `g` in each of the first two pieces where one is found (a
    sentence with more than the phrase in it, if there is one: a wikilink's target is a run
    of its own)."""
    pattern = phrase_pattern(g)
    examples: list[Example] = []
    for i in where:
        found = [
            _example(pieces[i], pattern, line + text.count("\n", 0, m.start()), text, m)
            for line, text in pieces[i].runs
            if (m := pattern.search(text))
        ]
        found.sort(key=lambda e: len(e.text) <= len(" ".join(g)) + 1)  # stable: first stays first
        examples += found[:1]
        if len(examples) == 2:
            break
    return tuple(examples)


def _example(piece: Piece, pattern: re.Pattern[str], line: int, run: str, match) -> Example:
    """The sentence as the file has it (the author finds it so, link and all), or as the run
    has it where the line does not show the phrase whole."""
    at = line - piece.body_line
    lines = piece.body.split("\n")
    source = lines[at] if 0 <= at < len(lines) else ""
    whole = pattern.search(source)
    text = _sentence(source, whole) if whole else _sentence(run, match)
    return Example(piece.path, line, text)


def phrase_pattern(g: Gram) -> re.Pattern[str]:
    """The phrase as it may be written: any case, spaces, emphasis or (in a wikilink's target)
    a hyphen between its words, a straight or curly apostrophe, a plural."""
    words = [re.escape(w).replace("'", "['\u2019]") for w in g]
    phrase = r"[\s*_-]+".join(words)
    return re.compile(rf"(?<!\w)(?P<phrase>{phrase})(?:e?s)?(?!\w)", re.IGNORECASE)


def _sentence(text: str, match: re.Match[str]) -> str:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, match.start())]
    start = ends[-1] if ends else 0
    after = _SENTENCE_END.search(text, match.end())
    sentence = text[start : after.end() if after else len(text)]
    at = match.start() - start
    if len(sentence) > EXAMPLE_CHARS:  # cut around the phrase
        left = max(0, at - EXAMPLE_CHARS // 2)
        sentence = ("…" if left else "") + sentence[left : left + EXAMPLE_CHARS] + "…"
    return " ".join(sentence.split())


def _as_written(g: Gram, examples: tuple[Example, ...], anywhere: bool) -> str:
    """The phrase in the case the examples write it where it starts no sentence (a name keeps
    its capitals, a common phrase is lowercase); a name, `anywhere`, as it is first written."""
    pattern = phrase_pattern(g)
    for example in examples:
        for match in pattern.finditer(example.text):
            written = " ".join(match.group("phrase").replace("*", "").replace("_", "").split())
            before = example.text[: match.start()].rstrip()
            if tuple(written.lower().replace("\u2019", "'").split()) != g:
                continue  # a wikilink's target: "korea-model"
            if anywhere or (before and not before.endswith((".", "!", "?", "\u2026"))):
                return written
    return " ".join(g)
