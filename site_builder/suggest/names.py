"""Pure: capitalised names (candidate people) in a piece's prose: "Ines Carvalho", "Dr. Ines
Carvalho" (titles are dropped), "Jean de la Fontaine", "J. R. Smith" ("I. William Zartman" is
"William Zartman": "I" is a stop word)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .phrases import STOP_WORDS, Gram, gram

_CAPITAL = r"[A-Z\u00c0-\u00d6\u00d8-\u00de]"
_WORD = rf"(?:{_CAPITAL}\.|{_CAPITAL}[\w\u2019'-]*\w)"
_PARTICLE = r"(?:de|del|della|der|di|da|du|la|le|van|von|bin|al|ibn|ter|y)"
NAME = re.compile(rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_WORD})+")
_POSSESSIVE = re.compile(r"['\u2019]s$")
# a title before a name is not part of it ("Professor Lena Hartvig")
_TITLES = frozenset(("professor", "president", "ambassador", "general", "minister", "senator"))


def names_in(runs: Iterable[tuple[int, str]]) -> list[Gram]:
    """Each name each time it is written, as its words: a name is two capitalised words or
    more, with no stop word among them (a sentence's first word is often one: "When Ines
    Carvalho" is "Ines Carvalho")."""
    found: list[Gram] = []
    # one search of all the runs: a name does not span the "|" between two
    for match in NAME.finditer(" | ".join(text for _, text in runs)):
        part: list[str] = []
        for word in (*match.group().split(), ""):
            key = word.lower().rstrip(".")
            if word and key not in STOP_WORDS and key not in _TITLES:
                part.append(_POSSESSIVE.sub("", word))
                continue
            if sum(w[0].isupper() for w in part) >= 2:
                found.append(gram(" ".join(part)))
            part = []
    return found
