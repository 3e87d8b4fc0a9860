"""Pure: a mention of a concept and the sentence around it, as backlinks quote it."""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from markdown_it.token import Token

from .lines import LineBreaks

_SENTENCE_END = re.compile("[.!?\u2026][\"'\u201d\u2019)\\]]*\\s")
# A full stop after these does not end a sentence ("I. William Zartman", "Dr. Carvalho").
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|vs|cf|eg|ie|e\.g|i\.e|No))$")
NAMED = ("glossary/", "people/")  # the kinds of item whose names are linked and counted
TERMINAL = ""  # trie key of the list of concepts ending at a node (never a word)
CONTEXT_CHARS = 160


class Mention(NamedTuple):  # a tuple: a site has tens of thousands, made, cached and pickled
    """One reference to a concept on a page, with the sentence it sits in."""

    key: str
    line: int
    before: str
    text: str
    after: str
    autolink: bool  # linked by the glossary (not by a wikilink)
    linked: bool = True  # False for a later mention left plain by `autolink: first`
    at: int | None = None  # seconds into the episode, for a mention in a transcript


def find_mentions(children: list[Token], line: int, self_key: str) -> list[Mention]:
    """Concept mentions in one block, each with its line and the sentence it sits in."""
    parts: list[str] = []
    spans: list[tuple[str, int, int, int, bool, bool]] = []
    opened: tuple[str, int, int] | None = None
    length = breaks = 0
    for token in children:
        if token.type == "link_open":
            key = token.meta.get("wikilink", "")
            if key.startswith(NAMED) and key != self_key:
                opened = (key, line + breaks, length)
        elif token.type == "link_close" and opened:
            key, at, start = opened
            spans.append((key, at, start, length, False, True))
            opened = None
        if token.type in ("softbreak", "hardbreak"):
            breaks += 1
            piece = " "
        elif "autolinks" in token.meta:  # a run of text with concept names (`_link_run`)
            text = token.meta["text"]
            text_breaks = LineBreaks(text)
            for key, start, end, is_link in token.meta["autolinks"]:
                at = line + breaks + text_breaks.before(start)
                spans.append((key, at, length + start, length + end, is_link, is_link))
            breaks += text.count("\n")
            piece = text.replace("\n", " ")
        else:
            piece = token.content if token.type in ("text", "code_inline") else ""
        parts.append(piece)
        length += len(piece)
    if not spans:
        return []
    text = "".join(parts)
    ends = sentence_ends(text)
    return [
        Mention(key, at, *sentence_of(text, ends, start, end), autolink, is_link)
        for key, at, start, end, autolink, is_link in spans
    ]


def sentence_ends(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence-ending punctuation run in a block, found once per block."""
    return [
        (m.start(), m.end())
        for m in _SENTENCE_END.finditer(text)
        if not _ABBREVIATION.search(text, max(0, m.start() - 6), m.start())
    ]


def sentence_of(
    text: str, ends: list[tuple[int, int]], start: int, end: int
) -> tuple[str, str, str]:
    """The text before the mention in its sentence, the mention, and the text after it."""
    at = bisect.bisect_right(ends, (start, start))  # sentence ends before the mention
    begin = ends[at - 1][1] if at and ends[at - 1][1] <= start else 0
    stop = bisect.bisect_left(ends, (end, 0))  # the first sentence end at or after the mention
    finish = ends[stop][1] if stop < len(ends) else len(text)
    before, after = _squeezed(text, begin, start, True), _squeezed(text, end, finish, False)
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    if before and text[start - 1].isspace():
        before += " "
    if after and text[end].isspace():
        after = " " + after
    return before, " ".join(text[start:end].split()), after


def _squeezed(text: str, begin: int, end: int, keep_end: bool) -> str:
    """`text[begin:end]` with its spaces squeezed, or as much of its end (`keep_end`) or start
    as squeezes to more than CONTEXT_CHARS: all that a cut to CONTEXT_CHARS reads.

    A paragraph may be one sentence with thousands of mentions: each costs what it shows, not
    the sentence. Squeezing a suffix (prefix) of a text gives a suffix (prefix) of the whole
    squeezed, so the cut is the same."""
    window = 4 * CONTEXT_CHARS
    while True:
        low = max(begin, end - window) if keep_end else begin
        high = end if keep_end else min(end, begin + window)
        squeezed = " ".join(text[low:high].split())
        if (low, high) == (begin, end) or len(squeezed) > CONTEXT_CHARS:
            return squeezed
        window *= 4
