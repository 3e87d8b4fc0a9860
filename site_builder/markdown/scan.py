"""Pure: every glossary name in a paragraph at once, by an Aho-Corasick automaton over the
casefolded text (pyahocorasick, in C), kept only where the Matcher's trie walk would match.

The walk (matcher.py) splits a paragraph into words and follows the trie from each word that
may start a name. The automaton finds every name in one pass instead; a hit then counts only
where the walk would have seen it: it starts and ends on the bounds of a `WORD` (or ends on a
possessive 's), its words are apart by one whitespace character (the Matcher walks instead
where any are further apart), and an acronym is in its exact case. Of the hits at one start
the longest wins, and matches do not overlap, left to right: the walk's own rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import ahocorasick

from .mentions import TERMINAL

JOINERS = "-\u2010\u2011'\u2019"  # inside a word: cease-fire, o'clock
POSSESSIVE = re.compile(r"['\u2019]s$")
_OTHER_SPACE = re.compile(r"[^\S ]")  # a line break or tab between words: names have a space
ENDINGS = ("'s", "\u2019s")  # of a casefolded word


def automaton(trie: dict) -> ahocorasick.Automaton:
    """Every name in `trie` (its casefolded words joined by a space) with its entries."""
    made = ahocorasick.Automaton()
    todo: list[tuple[dict, tuple[str, ...]]] = [(trie, ())]
    while todo:
        node, words = todo.pop()
        for word, child in node.items():
            if word == TERMINAL:
                name = " ".join(words)
                made.add_word(name, (len(name), child))
            else:
                todo.append((child, (*words, word)))
    made.make_automaton()
    return made


def scan(
    found: ahocorasick.Automaton, text: str, folded: str, spaced: bool = False
) -> Iterator[tuple[int, int, str]]:
    """(start, end, concept key) of each match in `text`, whose casefolding `folded` has its
    offsets, left to right, longest first; `spaced`: it has no whitespace but single spaces."""
    if not len(found):
        return
    best: dict[int, tuple[int, bool, str]] = {}  # start -> (end, possessive, key)
    size = len(folded)
    for last, (length, entries) in found.iter(folded if spaced else _OTHER_SPACE.sub(" ", folded)):
        start, end = last + 1 - length, last + 1
        if start and (_is_word(folded[start - 1]) or _joined(folded, start - 1, start - 2)):
            continue  # inside a word
        possessive = False
        if end < size and (_is_word(folded[end]) or _joined(folded, end, end + 1)):
            if folded[end : end + 2] not in ENDINGS or not _ends_word(folded, end + 2):
                continue
            possessive, end = True, end + 2
        had = best.get(start)
        if had is not None and (had[0] > end or (had[0] == end and not had[1])):
            continue  # a longer match from the same start, or the word itself over its 's
        typed = text[start:end].split
        key = choose(entries, typed, possessive)
        if key is not None:
            best[start] = (end, possessive, key)
    resume = 0
    for start in sorted(best):
        if start >= resume:
            end, _, key = best[start]
            yield start, end, key
            resume = end


def choose(entries: list, typed, possessive: bool) -> str | None:
    """The concept of a trie node's `entries` for the words as typed (`typed()`): acronyms,
    which sort first, only in their exact case."""
    if entries[0][0] is None:
        return entries[0][1]
    words = tuple(typed())
    if possessive:
        words = (*words[:-1], POSSESSIVE.sub("", words[-1]))
    return next((key for exact, key in entries if exact is None or exact == words), None)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what `\w` matches


def _joined(text: str, joiner: int, other: int) -> bool:
    """Whether a joiner at `joiner` binds the word at `other` (next to it) into one word."""
    return text[joiner] in JOINERS and 0 <= other < len(text) and _is_word(text[other])


def _ends_word(text: str, end: int) -> bool:
    return end >= len(text) or not (_is_word(text[end]) or _joined(text, end, end + 1))
