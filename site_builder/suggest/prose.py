"""Pure: the author's own prose in a Markdown body, as runs of text with their line numbers.

What is not the author's wording is left out: code (fenced, indented, inline), raw HTML, link
and image text, block quotes, and words in quotation marks. The body is read with the site's
own parser (`make_markdown`), walking its tokens, so a `[link](…)` or a `` `span` `` is
recognised exactly as the build recognises it. A wikilink to an item that exists is a link; one
to nothing names what the site lacks, exactly the kind of phrase `suggest` looks for: its target
(`[[security-guarantees|the guarantees]]`: "security guarantees") and its text are read as runs
of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from ..markdown.wikilinks import INNER, UnknownTarget, split_wikilink
from .blocks import prose_inlines

# Without one of these an inline's source has no code, link, image, HTML, wikilink, entity or
# escape in it, so its text is the source itself, and markdown-it's inline parse (most of a
# parse's cost) is skipped
_MARKUP = re.compile(r"[\[`<&\\]")
# what else markdown-it's inline parse reads in text with wikilinks: code, HTML, entities,
# escapes, emphasis and strikethrough, an image, an inline footnote, spaces at a line break
_OTHER_MARKUP = re.compile(r"[`<&\\*_~]|!\[|\^\[|[ \t]\n|\n[ \t]")
# a wikilink (as the rule reads it), or a footnote reference not followed by what would make
# it a link's text
_LINKS = re.compile(rf"\[\[(?P<inner>{INNER})\]\]|\[\^(?P<label>[^\] \n]+)\](?![(\[])")
# quotation marks around words (others' words, or the author's scare quotes); straight double
# quotes pair up within a run; a single curly quote must open before a word and close after one
QUOTED = r"\u201c[^\u201d]*\u201d?|\"[^\"]*\"?|\u2018(?=\w)[^\u2018]*?\w\u2019(?!\w)"
_WIKILINK = r"\[\[(?P<target>[^\[\]|#]*)(?:#[^\[\]|]*)?(?:\|(?P<label>[^\[\]]*))?\]\]"
_SKIPPED = re.compile(f"{_WIKILINK}|{QUOTED}")
_SKIPPED_STARTS = ("[[", '"', "\u201c", "\u2018")  # how each of those starts

Run = tuple[int, str]  # (line in the file, text)


def prose_runs(md: MarkdownIt, body: str, first_line: int, env: dict) -> list[Run]:
    """Runs of the body's own prose; a run ends wherever something skipped was. `env` is
    markdown-it's, with what the wikilink rule reads (`resolve_wikilink`, `self_key`)."""
    runs: list[Run] = []
    # every block is read before any inline: a link may use a reference defined further on
    for line, source in prose_inlines(md, body, env):
        runs += _inline_runs(md, source, first_line + line, env)
    return runs


def _inline_runs(md: MarkdownIt, source: str, line: int, env: dict) -> Iterator[Run]:
    if not _MARKUP.search(source):
        yield from plain_runs(source, line)
        return
    if (links := _only_links(source, env)) is not None:
        yield from _linked_runs(source, line, links, env)
        return
    children: list[Token] = []
    env["_line"] = line
    md.inline.parse(source, md, env, children)
    text: list[str] = []
    start = line  # the line the run being gathered starts on
    inside = 0  # depth in a link
    for child in children:
        kind = child.type
        if kind == "link_open":
            inside += 1
        elif kind == "link_close":
            inside -= 1
        if kind == "text" and not inside:
            text.append(child.content)
            continue
        if kind in ("softbreak", "hardbreak"):
            if not inside:
                text.append("\n")
            line += 1
            continue
        if kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
            continue  # emphasis does not end a phrase: *security* guarantees
        if text:
            yield from plain_runs("".join(text), start)
        text = []
        line += child.content.count("\n")
        start = line
    if text:
        yield from plain_runs("".join(text), start)


def _only_links(source: str, env: dict) -> list[re.Match[str]] | None:
    """The wikilinks and footnote references of an inline source whose only markup they are
    (each wikilink within one line), in order; or None. Then what markdown-it reads there is
    the source itself but for the wikilinks that find an item and the references to a
    footnote the body defines (which are tokens of their own), and its inline parse is spared.
    Not with emphasis, an image, an inline footnote, a reference that is a link's (`[^1](…)`,
    or defined as a link), or spaces around a line break (which markdown-it takes out)."""
    if _OTHER_MARKUP.search(source):
        return None
    links = list(_LINKS.finditer(source))
    brackets = sum(2 if m.group("inner") is not None else 1 for m in links)
    if source.count("[") != brackets:
        return None  # a `[` outside them: a link, a footnote, a reference
    references = env.get("references") or {}
    for m in links:
        inner = m.group("inner")
        if inner is None and normalizeReference("^" + m.group("label")) in references:
            return None
        if inner is not None and (not inner.strip() or "\n" in inner):
            return None  # not a wikilink to the rule, or one whose line breaks it does not count
    return links


def _linked_runs(source: str, line: int, links: list[re.Match[str]], env: dict) -> Iterator[Run]:
    """`_inline_runs` of a source whose only markup is `links` (see `_only_links`): the text
    between the wikilinks that find an item and the references to a footnote, the others
    kept as written, as the rules leave them (the wikilinks asked for in order, as the rule
    asks)."""
    resolve, at = env["resolve_wikilink"], 0
    footnotes = (env.get("footnotes") or {}).get("refs") or {}
    for link in links:
        inner = link.group("inner")
        if inner is None and ":" + link.group("label") not in footnotes:
            continue  # text, as written
        if inner is not None:
            try:
                resolve(split_wikilink(inner)[0] or env.get("self_key", ""))
            except UnknownTarget:
                continue
        if link.start() > at:
            yield from plain_runs(source[at : link.start()], line + source.count("\n", 0, at))
        at = link.end()
    if at < len(source):
        yield from plain_runs(source[at:], line + source.count("\n", 0, at))


def plain_runs(text: str, line: int) -> Iterator[Run]:
    """The text between quotations, each with the line it starts on; a wikilink left as
    written (its target is not in the site) gives its target's words and its text."""
    if not any(mark in text for mark in _SKIPPED_STARTS):  # most text: no regex through it
        if text:
            yield line, text
        return
    at = 0
    for match in _SKIPPED.finditer(text):
        if match.start() > at:
            yield line + text.count("\n", 0, at), text[at : match.start()]
        target, label = match.group("target"), match.group("label")
        if target is not None:
            here = line + text.count("\n", 0, match.start())
            if "/" not in target:  # `essays/…`: an item, not a phrase
                yield here, target.replace("-", " ")
            if label:
                yield here, label
        at = match.end()
    if at < len(text):
        yield line + text.count("\n", 0, at), text[at:] if at else text
