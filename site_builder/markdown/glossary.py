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

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .matcher import Matcher
from .mentions import NAMED, Mention, find_mentions, sentence_ends, sentence_of
from .urls import ROOT_MARK, is_root_relative

# Raw HTML elements whose text is never autolinked.
_SKIP_TAGS = {"a", "code", "pre", "kbd", "samp", "script", "style", "abbr", "dfn", "var"}
_OPEN_TAG = re.compile(r"<([a-zA-Z][\w-]*)([^>]*)>")
_CLOSE_TAG = re.compile(r"</([a-zA-Z][\w-]*)\s*>")
Modes = tuple[str, bool | None]  # the page's mode for concepts, and its own `autolink:`


def glossary_plugin(md: MarkdownIt) -> None:
    """Register the rule, after root URLs are rewritten."""
    md.core.ruler.after("root_urls", "glossary", glossary_rule)


def glossary_rule(state: StateCore) -> None:
    """Autolink concept names and record every concept mention with its sentence."""
    env = state.env
    matcher: Matcher | None = env.get("glossary")
    mode = env.get("autolink", "off") if matcher else "off"
    own = env.get("own_setting")  # the page's `autolink:`, over people's mode as the glossary's
    active = mode != "off" or (matcher is not None and own is not False)
    linked: set[str] = env.setdefault("linked", set())
    mentions: list[Mention] = env.setdefault("mentions", [])
    self_key = env.get("self_key", "")
    tokens = state.tokens
    for index, block in enumerate(tokens):
        if block.type != "inline" or not block.children:
            continue
        in_heading = index > 0 and tokens[index - 1].type == "heading_open"
        if active and not in_heading:
            block.children = _link(block.children, matcher, (mode, own), linked, self_key)
        else:
            _note_wikilinks(block.children, linked)
        line = env.get("_offset", 0) + (block.map[0] if block.map else 0)
        mentions.extend(find_mentions(block.children, line, self_key))


def _note_wikilinks(children: list[Token], linked: set[str]) -> None:
    for token in children:
        key = token.meta.get("wikilink", "") if token.type == "link_open" else ""
        if key.startswith(NAMED):
            linked.add(key)


def _link(
    children: list[Token], matcher: Matcher, mode: Modes, linked: set[str], self_key: str
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
            if key.startswith(NAMED):
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
    run: list[Token], matcher: Matcher, mode: Modes, linked: set[str], self_key: str
) -> list[Token]:
    """Link the names in a run of text; a name already linked on the page (mode "first") is
    left as text but still recorded, so backlinks count it.

    A run with names becomes one `html_inline` token (tens of thousands of small tokens would
    cost more to make and render than the rest of the page), carrying in `meta` the plain
    text and the (concept, start, end, linked) spans that `find_mentions` reads."""
    text = "".join("\n" if t.type == "softbreak" else t.content for t in run)
    html, spans = _linked_html(text, matcher, mode, linked, self_key, ROOT_MARK)
    if not spans:
        return run
    token = Token("html_inline", "", 0)
    token.content = html
    token.meta = {"text": text, "autolinks": spans}
    return [token]


def link_text(
    text: str, matcher: Matcher, mode: Modes, linked: set[str], line: int, at: int
) -> tuple[str, list[Mention]]:
    """Plain text (a transcript paragraph) as escaped HTML with concept links, and its mentions.

    Shares `linked` with the rest of the page, so `first` means first on the page.
    """
    if mode[0] == "off" and mode[1] is False:
        return escapeHtml(text), []
    html, spans = _linked_html(text, matcher, mode, linked)
    ends = sentence_ends(text) if spans else []
    mentions = [
        Mention(key, line, *sentence_of(text, ends, start, end), True, is_link, at)
        for key, start, end, is_link in spans
    ]
    return html, mentions


def _linked_html(
    text: str, matcher: Matcher, modes: Modes, linked: set[str], self_key: str = "", mark: str = ""
) -> tuple[str, list[tuple[str, int, int, bool]]]:
    """`text` as escaped HTML with its concept and people's names linked (a name already linked
    on the page, in mode "first", stays text), and the (key, start, end, linked) span of each.

    `modes` is the page's mode for concepts and its own `autolink:` setting, which turns a
    target's site-wide mode (people's) off, or leaves it. `mark` (ROOT_MARK, in a Markdown
    body) goes before each link's root-relative href."""
    pieces: list[str] = []
    spans: list[tuple[str, int, int, bool]] = []
    pos = 0
    page_mode, own = modes
    for start, end, key in matcher.find(text):
        target = matcher.targets[key]
        mode = page_mode if not target.mode else "off" if own is False else target.mode
        if key == self_key or mode == "off":
            continue
        pieces.append(escapeHtml(text[pos:start]))
        words = escapeHtml(text[start:end])
        if mode == "first" and key in linked:
            pieces.append(words)
            spans.append((key, start, end, False))
        else:
            linked.add(key)
            root = mark if is_root_relative(target.href) else ""
            pieces.append(
                f'<a href="{root}{escapeHtml(target.href)}" class="{target.css} autolink" '
                f'title="{escapeHtml(target.definition)}">{words}</a>'
            )
            spans.append((key, start, end, True))
        pos = end
    pieces.append(escapeHtml(text[pos:]))
    return "".join(pieces), spans
