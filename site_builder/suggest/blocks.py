"""Pure: the paragraphs (and other inline blocks: list items, table cells) of a Markdown body
that are outside block quotes and headings, as markdown-it's block parse finds them, with no
more of that parse than it takes.

Most of an essay is paragraphs of plain lines, headings, quotes and lists, between blank
lines; what markdown-it makes of those is known without running it. A group of lines between
blank lines (or the body's ends) is read here when each of its lines starts with none of the
characters that can begin or end a block (`_OPENERS`), or is an ATX heading; or when every line
starts a quote (`>`) and none holds a `[` (a reference or a footnote defined in a quote is
still defined for the whole body); or when every line is a list item of one such plain line
(`- item`) and the next group does not start indented (which would go on with the last item).
Such a group starts a block wherever it is: a line at the margin after a blank one ends every
block but a fenced code block and an HTML block of types 1 to 5, and those too when they are
inside a list item, a quote or a footnote. The groups in between go through markdown-it, each
run of them in one parse; should one end in a fence or an HTML block open to its last line,
the rest of the body is parsed with it, as markdown-it would read it.
"""

from __future__ import annotations

import re
from itertools import accumulate

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.token import Token

# a line starting with one of these (or with a number and `.` or `)`) may be, begin or end
# something else than a paragraph: indented code, a quote, a heading, a list, a rule, a
# setext underline, a fence, HTML, a reference or footnote, a table
_OPENERS = frozenset(" \t>#-*+_=~`<[|:")
_ORDERED = re.compile(r"\d+[.)]")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_OPEN_TO_THE_END = ("fence", "html_block")  # blocks that a blank line does not end
_ITEM = re.compile(r"[-*+] ")  # a bullet, and one space before the item's text
_PLAIN, _QUOTE, _LIST, _OTHER = "plain", "quote", "list", "other"

Inline = tuple[int, str]  # (line in the body, starting from 0; the block's inline source)


def prose_inlines(md: MarkdownIt, body: str, env: dict) -> list[Inline]:
    """The inline blocks of `body`, in order, outside quotes and headings (and not code or
    HTML, which are not inline), as `md.block.parse(body, md, env, tokens)` would give them,
    with the same effect on `env`."""
    lines = body.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))  # in the body
    found: list[Inline] = []
    other = None  # the first line of the groups markdown-it has yet to read
    # and after the last group, an empty one: what is left goes to markdown-it
    for first, end, kind in (*_groups(lines), (len(lines), len(lines), _PLAIN)):
        if kind is _OTHER:
            other = first if other is None else other
            continue
        if other is not None:
            parsed, open_at = _parsed(md, body, starts, other, first, env)
            found += parsed
            if open_at is not None:  # a fence or HTML block that goes on past the blank line
                return found + _parsed(md, body, starts, open_at, len(lines), env)[0]
            other = None
        if kind is _PLAIN:
            found += _paragraphs(lines, first, end)
        elif kind is _LIST:  # one inline an item, after its bullet
            found += [(i, mdTrim(lines[i][2:])) for i in range(first, end)]
    return found


def _groups(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first line, end, kind) of each run of lines between blank ones."""
    groups: list[tuple[int, int, str]] = []
    first, kind = None, _PLAIN
    for i, line in enumerate((*lines, "")):
        if not line.strip(" \t"):  # what markdown-it counts as blank
            if first is not None:
                groups.append((first, i, kind))
            first = None
            continue
        if first is None:
            if line[0] in " \t" and groups and groups[-1][2] is _LIST:
                groups[-1] = (*groups[-1][:2], _OTHER)  # its last item may go on here
            first, kind = i, _QUOTE if line[0] == ">" else _LIST if _ITEM.match(line) else _PLAIN
        if kind is not _OTHER and not _fits(kind, line):
            kind = _OTHER
    return groups


def _fits(kind: str, line: str) -> bool:
    """Whether a line that is not blank can be in a group of the kind: a quote's line, a list
    item of a plain line, or a paragraph's line or a heading."""
    if kind is _QUOTE:
        return line[0] == ">" and "[" not in line
    if kind is _LIST:
        text = line[2:]
        return _ITEM.match(line) is not None and text[:1] not in ("", "#") and _fits(_PLAIN, text)
    if line[0] == "#":
        return _HEADING.match(line) is not None
    return line[0] not in _OPENERS and not (line[0].isdigit() and _ORDERED.match(line))


def _paragraphs(lines: list[str], first: int, end: int) -> list[Inline]:
    """A group of plain lines and headings: each run of plain lines is a paragraph (a heading
    ends one), its source trimmed as markdown-it trims it."""
    found, start = [], None
    for i in range(first, end + 1):
        if i < end and not lines[i].startswith("#"):
            start = i if start is None else start
        elif start is not None:
            found.append((start, mdTrim("\n".join(lines[start:i]))))
            start = None
    return found


def _parsed(
    md: MarkdownIt, body: str, starts: list[int], first: int, end: int, env: dict
) -> tuple[list[Inline], int | None]:
    """The inline blocks markdown-it finds in the body's lines from `first` to `end`; and the
    line where the last block starts if it is a fence or HTML open to `end` (in the body, past
    the blank line before `end`, it would go on), or None."""
    tokens: list[Token] = []
    # the lines before as blank ones: markdown-it skips them, and its lines are the body's
    # (a reference's, in `env`, too)
    md.block.parse("\n" * first + body[starts[first] : starts[end]], md, env, tokens)
    found = []
    skipped = 0  # depth in a block quote or a heading
    for token in tokens:
        kind = token.type
        if kind in ("blockquote_open", "heading_open"):
            skipped += 1
        elif kind in ("blockquote_close", "heading_close"):
            skipped -= 1
        elif kind == "inline" and not skipped:
            found.append((token.map[0] if token.map else 0, token.content))
    return found, _open_at(tokens, end) if end < len(starts) - 1 else None


def _open_at(tokens: list[Token], end: int) -> int | None:
    """The first line of the last block if it is a fence or HTML open to `end` (one that was
    closed ends before the blank line before `end`)."""
    last = tokens[-1] if tokens else None
    if last and last.type in _OPEN_TO_THE_END and last.level == 0 and last.map:
        return last.map[0] if last.map[1] >= end else None
    return None
