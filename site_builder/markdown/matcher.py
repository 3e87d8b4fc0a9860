"""Pure: find glossary terms and people's names in text: the Matcher over every term, alias and
name, plurals, acronyms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from .mentions import TERMINAL
from .scan import ENDINGS, JOINERS, automaton, choose, scan

WORD = re.compile(f"\\w+(?:[{JOINERS}]\\w+)*")
_SPLIT = re.compile(f"({WORD.pattern})")  # words and the gaps between them, in one pass
_RUNS = re.compile(r"\s\s")  # words apart by more than one space: the trie walk's


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    href: str
    definition: str  # the link's title: a concept's definition, a person's bio
    css: str = "concept-link"
    mode: str = ""  # the site's autolink mode for this kind of target ("": the glossary's)


def plural(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"


def is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


class Matcher:
    """Finds concept and people's names in text: longest match wins, whole words, acronyms by
    exact case.

    Names are kept in a trie of casefolded words. `find` scans a paragraph for all of them at
    once with an Aho-Corasick automaton made from the trie (see `scan.py`), and walks the trie
    itself where the automaton's offsets would not be the text's."""

    def __init__(self) -> None:
        self._trie: dict = {}
        self.targets: dict[str, Target] = {}
        self._automaton: object | None = None  # made on the first `find` after an `add`

    def add(self, name: str, target: Target, forms: bool = True) -> None:
        """Register a name (term, alias or form); `forms` adds the plural of its last word."""
        self.targets[target.key] = target
        self._automaton = None
        words = WORD.findall(name)
        if not words:
            return
        exact = tuple(words) if is_acronym(name) else None
        endings = {words[-1]}
        if forms and exact is None:
            endings.add(plural(words[-1]))
        for ending in sorted(endings):
            node = self._trie
            for word in (*words[:-1], ending):
                node = node.setdefault(word.casefold(), {})
            entries = node.setdefault(TERMINAL, [])
            entry = ((*exact[:-1], ending) if exact else None, target.key)
            if entry not in entries:
                entries.append(entry)
                entries.sort(key=lambda e: e[0] is None)  # exact-case names are tried first

    def find(self, text: str, spaced: bool = False) -> Iterable[tuple[int, int, str]]:
        """(start, end, concept key) of each match, left to right, longest first. `spaced`
        says the text's words are apart by one space and no other whitespace (as
        `" ".join(text.split())` leaves them), which spares two searches of all of it."""
        folded_text = text.casefold()
        if len(folded_text) == len(text) and (spaced or not _RUNS.search(text)):
            if self._automaton is None:
                self._automaton = automaton(self._trie)
            return scan(self._automaton, text, folded_text, spaced)
        return self._walk(text, folded_text)

    def _walk(self, text: str, folded_text: str) -> Iterator[tuple[int, int, str]]:
        """`find` word by word through the trie."""
        trie = self._trie
        # casefolding keeps offsets for nearly all text; where it does not (ß -> ss), split
        # the text itself and fold word by word
        if len(folded_text) == len(text):
            parts = _SPLIT.split(folded_text)
            strings = parts[1::2]
        else:
            parts = _SPLIT.split(text)
            strings = [w.casefold() for w in parts[1::2]]
        # `parts` is gap, word, gap, ..., word, gap. Most words start no concept name: find
        # the few that may with set operations, at C speed, before walking the trie from them
        unique = set(strings)
        firsts = trie.keys() & unique
        if "'" in folded_text or "\u2019" in folded_text:
            firsts.update(w for w in unique if w[-2:] in ENDINGS and w[:-2] in trie)
        if not firsts:
            return  # most paragraphs name no concept at all
        starts = sorted(k for word in firsts for k in _positions(strings, word))
        ends = list(accumulate(map(len, parts)))  # word k is text[ends[2k] : ends[2k + 1]]
        count, resume = len(strings), 0
        for i in starts:
            if i < resume:
                continue
            node, best, j = trie, None, i
            while j < count:
                if j > i and not parts[2 * j].isspace():  # words apart only by spaces
                    break
                folded = strings[j]
                key = self._accept(node.get(folded), text, ends, i, j, False)
                if key is None and folded[-2:] in ENDINGS:
                    key = self._accept(node.get(folded[:-2]), text, ends, i, j, True)
                if key is not None:
                    best = (j, key)
                node = node.get(folded)
                if node is None:
                    break
                j += 1
            if best is not None:
                last, key = best
                yield ends[2 * i], ends[2 * last + 1], key
                resume = last + 1

    @staticmethod
    def _accept(
        node: dict | None, text: str, ends: list[int], i: int, j: int, possessive: bool
    ) -> str | None:
        if not node or TERMINAL not in node:
            return None

        def typed() -> tuple[str, ...]:
            return tuple(text[ends[2 * k] : ends[2 * k + 1]] for k in range(i, j + 1))

        return choose(node[TERMINAL], typed, possessive)


def _positions(items: list[str], value: str) -> Iterator[int]:
    """Every index of `value` in `items`, found by list.index at C speed."""
    k = -1
    while True:
        try:
            k = items.index(value, k + 1)
        except ValueError:
            return
        yield k
