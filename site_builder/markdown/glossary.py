"""Glossary autolinking and mention capture: a core rule over inline text tokens.

Shaped like markdown-it's own `linkify` rule: it walks each inline block's children, skips
everything inside links (wikilinks included), raw HTML elements, code and images, and replaces
each run of plain text that names a concept with one token of HTML. Headings are never touched.

One `Matcher` serves every page of a build: a trie over words, so finding terms costs time in
proportion to a page's length, never to the number of concepts. Whole words only: a word is a
run of letters and digits that may contain hyphens and apostrophes, so "term" never matches
inside "terminal" and "ceasefire" does not match inside "ceasefire-like".

While it walks, the rule also records every mention of a concept (autolink or wikilink) with
the sentence around it, in `env["mentions"]`: the link phase builds backlinks from those,
without reading any page again.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .lines import LineBreaks

WORD = re.compile(r"\w+(?:[-\u2010\u2011'\u2019]\w+)*")
_SPLIT = re.compile(f"({WORD.pattern})")  # words and the gaps between them, in one pass
_POSSESSIVE = re.compile(r"['\u2019]s$")
_POSSESSIVE_ENDINGS = ("'s", "\u2019s")  # of a casefolded word
_SENTENCE_END = re.compile("[.!?\u2026][\"'\u201d\u2019)\\]]*\\s")
# A full stop after these does not end a sentence ("I. William Zartman", "Dr. Carvalho").
_ABBREVIATION = re.compile(r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|vs|cf|eg|ie|e\.g|i\.e|No))$")
_TERMINAL = ""  # trie key of the list of concepts ending at a node (never a word)
CONTEXT_CHARS = 160
# Raw HTML elements whose text is never autolinked.
_SKIP_TAGS = {"a", "code", "pre", "kbd", "samp", "script", "style", "abbr", "dfn", "var"}
_OPEN_TAG = re.compile(r"<([a-zA-Z][\w-]*)([^>]*)>")
_CLOSE_TAG = re.compile(r"</([a-zA-Z][\w-]*)\s*>")


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    href: str
    definition: str


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
    """Finds concept names in text: longest match wins, whole words, acronyms by exact case."""

    def __init__(self) -> None:
        self._trie: dict = {}
        self.targets: dict[str, Target] = {}

    def add(self, name: str, target: Target, forms: bool = True) -> None:
        """Register a name (term, alias or form); `forms` adds the plural of its last word."""
        self.targets[target.key] = target
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
            entries = node.setdefault(_TERMINAL, [])
            entry = ((*exact[:-1], ending) if exact else None, target.key)
            if entry not in entries:
                entries.append(entry)
                entries.sort(key=lambda e: e[0] is None)  # exact-case names are tried first

    def find(self, text: str) -> Iterable[tuple[int, int, str]]:
        """(start, end, concept key) of each match, left to right, longest first."""
        trie = self._trie
        folded_text = text.casefold()
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
            firsts.update(w for w in unique if w[-2:] in _POSSESSIVE_ENDINGS and w[:-2] in trie)
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
                if key is None and folded[-2:] in _POSSESSIVE_ENDINGS:
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
        if not node or _TERMINAL not in node:
            return None
        entries = node[_TERMINAL]  # acronyms (exact words) sort first
        if entries[0][0] is None:
            return entries[0][1]
        typed = tuple(text[ends[2 * k] : ends[2 * k + 1]] for k in range(i, j + 1))
        if possessive:
            typed = (*typed[:-1], _POSSESSIVE.sub("", typed[-1]))
        return next((key for exact, key in entries if exact is None or exact == typed), None)


def _positions(items: list[str], value: str) -> Iterator[int]:
    """Every index of `value` in `items`, found by list.index at C speed."""
    k = -1
    while True:
        try:
            k = items.index(value, k + 1)
        except ValueError:
            return
        yield k


def glossary_plugin(md: MarkdownIt) -> None:
    """Register the rule, after root URLs are rewritten."""
    md.core.ruler.after("root_urls", "glossary", glossary_rule)


def glossary_rule(state: StateCore) -> None:
    """Autolink concept names and record every concept mention with its sentence."""
    env = state.env
    matcher: Matcher | None = env.get("glossary")
    mode = env.get("autolink", "off") if matcher else "off"
    linked: set[str] = env.setdefault("linked", set())
    mentions: list[Mention] = env.setdefault("mentions", [])
    self_key = env.get("self_key", "")
    tokens = state.tokens
    for index, block in enumerate(tokens):
        if block.type != "inline" or not block.children:
            continue
        in_heading = index > 0 and tokens[index - 1].type == "heading_open"
        if mode != "off" and not in_heading:
            block.children = _link(block.children, matcher, mode, linked, self_key)
        else:
            _note_wikilinks(block.children, linked)
        line = env.get("_offset", 0) + (block.map[0] if block.map else 0)
        mentions.extend(_mentions(block.children, line, self_key))


def _note_wikilinks(children: list[Token], linked: set[str]) -> None:
    for token in children:
        key = token.meta.get("wikilink", "") if token.type == "link_open" else ""
        if key.startswith("glossary/"):
            linked.add(key)


def _link(
    children: list[Token], matcher: Matcher, mode: str, linked: set[str], self_key: str
) -> list[Token]:
    out: list[Token] = []
    run: list[Token] = []
    link_depth = 0
    html_stack: list[str] = []

    def flush() -> None:
        if run:
            out.extend(_link_run(run, matcher, mode, linked, self_key))
            run.clear()

    for token in children:
        plain = token.type in ("text", "softbreak") and link_depth == 0 and not html_stack
        if plain:
            run.append(token)
            continue
        flush()
        out.append(token)
        if token.type == "link_open":
            link_depth += 1
            key = token.meta.get("wikilink", "")
            if key.startswith("glossary/"):
                linked.add(key)
        elif token.type == "link_close":
            link_depth -= 1
        elif token.type == "html_inline":
            _track_html(token.content, html_stack)
    flush()
    return out


def _track_html(html: str, stack: list[str]) -> None:
    opened = _OPEN_TAG.match(html)
    if opened and not html.endswith("/>"):
        name, attrs = opened.group(1).lower(), opened.group(2)
        if stack or name in _SKIP_TAGS or "no-autolink" in attrs:
            stack.append(name)
        return
    closed = _CLOSE_TAG.match(html)
    if closed and stack and stack[-1] == closed.group(1).lower():
        stack.pop()


def _link_run(
    run: list[Token], matcher: Matcher, mode: str, linked: set[str], self_key: str
) -> list[Token]:
    """Link the names in a run of text; a name already linked on the page (mode "first") is
    left as text but still recorded, so backlinks count it.

    A run with names becomes one `html_inline` token (tens of thousands of small tokens would
    cost more to make and render than the rest of the page), carrying in `meta` the plain
    text and the (concept, start, end, linked) spans that `_mentions` reads."""
    text = "".join("\n" if t.type == "softbreak" else t.content for t in run)
    html, spans = _linked_html(text, matcher, mode, linked, self_key)
    if not spans:
        return run
    token = Token("html_inline", "", 0)
    token.content = html
    token.meta = {"text": text, "autolinks": spans}
    return [token]


def _mentions(children: list[Token], line: int, self_key: str) -> list[Mention]:
    """Concept mentions in one block, each with its line and the sentence it sits in."""
    parts: list[str] = []
    spans: list[tuple[str, int, int, int, bool, bool]] = []
    opened: tuple[str, int, int] | None = None
    length = breaks = 0
    for token in children:
        if token.type == "link_open":
            key = token.meta.get("wikilink", "")
            if key.startswith("glossary/") and key != self_key:
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
    ends = _sentence_ends(text)
    return [
        Mention(key, at, *_sentence(text, ends, start, end), autolink, is_link)
        for key, at, start, end, autolink, is_link in spans
    ]


def _sentence_ends(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence-ending punctuation run in a block, found once per block."""
    return [
        (m.start(), m.end())
        for m in _SENTENCE_END.finditer(text)
        if not _ABBREVIATION.search(text, max(0, m.start() - 6), m.start())
    ]


def _sentence(text: str, ends: list[tuple[int, int]], start: int, end: int) -> tuple[str, str, str]:
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


def link_text(
    text: str, matcher: Matcher, mode: str, linked: set[str], line: int, at: int
) -> tuple[str, list[Mention]]:
    """Plain text (a transcript paragraph) as escaped HTML with concept links, and its mentions.

    Shares `linked` with the rest of the page, so `first` means first on the page.
    """
    if mode == "off":
        return escapeHtml(text), []
    html, spans = _linked_html(text, matcher, mode, linked)
    ends = _sentence_ends(text) if spans else []
    mentions = [
        Mention(key, line, *_sentence(text, ends, start, end), True, is_link, at)
        for key, start, end, is_link in spans
    ]
    return html, mentions


def _linked_html(
    text: str, matcher: Matcher, mode: str, linked: set[str], self_key: str = ""
) -> tuple[str, list[tuple[str, int, int, bool]]]:
    """`text` as escaped HTML with its concept names linked (a name already linked on the page,
    in mode "first", stays text), and the (concept, start, end, linked) span of each name."""
    pieces: list[str] = []
    spans: list[tuple[str, int, int, bool]] = []
    pos = 0
    for start, end, key in matcher.find(text):
        if key == self_key:
            continue
        pieces.append(escapeHtml(text[pos:start]))
        words = escapeHtml(text[start:end])
        if mode == "first" and key in linked:
            pieces.append(words)
            spans.append((key, start, end, False))
        else:
            linked.add(key)
            target = matcher.targets[key]
            pieces.append(
                f'<a href="{escapeHtml(target.href)}" class="concept-link autolink" '
                f'title="{escapeHtml(target.definition)}">{words}</a>'
            )
            spans.append((key, start, end, True))
        pos = end
    pieces.append(escapeHtml(text[pos:]))
    return "".join(pieces), spans
