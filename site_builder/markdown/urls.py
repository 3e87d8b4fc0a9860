"""Root-relative URLs (`/media/x.svg`) mean the site root: put them under the base path.

Two core rules after `inline`. The first records every root-relative URL in the author's raw
HTML, the second those of Markdown links and images, in `env["root_links"]` (with its line) so
the link phase can report links to pages that do not exist; the second also rewrites `href`/`src`
of links and images, and the URL attributes of raw HTML tags. Each URL it rewrites starts with
`ROOT_MARK`, as do those the other rules make (wikilinks, autolinks, a chart's data link):
`render_markdown` takes the marks out and keeps where they were, so the feeds make those URLs
absolute without reading the HTML again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# a start tag, with quoted values that may hold '>'; possessive, so an unclosed tag costs no
# backtracking
_TAG = re.compile(r"""<[A-Za-z](?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
# one attribute with a value, as HTML reads it: any case, spaces around '=', quoted or bare
_ATTR = re.compile(r"""([^\s"'<>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_URL_ATTRS = frozenset({"href", "src", "poster"})
# each image candidate of a srcset: its URL (a data: URL may hold commas) and its descriptors
_CANDIDATE = re.compile(r"([\s,]*)([^\s,](?:\S*[^\s,])?)([^,]*)")
# where a root-relative URL starts in the HTML being rendered; NUL never reaches the renderer
# from Markdown (markdown-it reads it as U+FFFD), and the word makes a chance match unlikely
ROOT_MARK = "\x00root\x00"


def urls_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "root_urls", _root_urls)
    md.core.ruler.after("inline", "raw_root_links", _raw_root_links)  # so, before root_urls


def marked(href: str) -> str:
    """`href` marked as root-relative (see ROOT_MARK) if it is."""
    return ROOT_MARK + href if is_root_relative(href) else href


def take_marks(html: str) -> tuple[str, tuple[int, ...]]:
    """`html` without its marks, and where each marked URL starts in what is left."""
    pieces = html.split(ROOT_MARK)
    starts, at = [], 0
    for piece in pieces[:-1]:
        at += len(piece)
        starts.append(at)
    return "".join(pieces), tuple(starts)


def rebase_root_urls(html: str, prefix: str) -> str:
    """`html` with the leading '/' of every root-relative URL in its tags' `href`, `src`,
    `poster` and `srcset` replaced by `prefix` (the base path, or the origin and base path)."""
    return _TAG.sub(lambda tag: _ATTR.sub(lambda a: _rebase_attr(a, prefix), tag.group()), html)


def is_root_relative(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _rebase_attr(attr: re.Match[str], prefix: str) -> str:
    name, equals, value = attr.groups()
    name_lower = name.lower()
    if name_lower not in _URL_ATTRS and name_lower != "srcset":
        return attr.group()
    quote = value[0] if value[0] in "\"'" else ""
    inner = value[len(quote) : len(value) - len(quote)]
    if name_lower == "srcset":
        inner = _CANDIDATE.sub(lambda c: _rebase_candidate(c, prefix), inner)
    elif is_root_relative(inner):
        inner = prefix + inner[1:]
    return f"{name}{equals}{quote}{inner}{quote}"


def _rebase_candidate(candidate: re.Match[str], prefix: str) -> str:
    gap, url, descriptors = candidate.groups()
    return gap + (prefix + url[1:] if is_root_relative(url) else url) + descriptors


def _root_urls(state: StateCore) -> None:
    base = ROOT_MARK + state.env.get("base_path", "/")
    found = state.env.setdefault("root_links", [])
    for token, line, _ in lined(state):
        _rewrite(token, base, found, line)


def _raw_root_links(state: StateCore) -> None:
    """Record the root-relative URLs of the author's raw HTML, before the images rule puts in
    tags of its own (web sizes, which are not files of the site until the images are made)."""
    found = state.env.setdefault("root_links", [])
    for token, line, _ in lined(state):
        if token.type in ("html_block", "html_inline"):
            found += html_root_urls(token.content, line)


def html_root_urls(text: str, line: int) -> list[tuple[str, int]]:
    """Each root-relative URL of the tags in `text` (HTML starting at `line`), with its line."""
    found = []
    for tag in _TAG.finditer(text):
        at = line + text.count("\n", 0, tag.start())
        for attr in _ATTR.finditer(tag.group()):
            name, value = attr.group(1).lower(), attr_value(attr.group(3))
            if name == "srcset":
                urls = [c.group(2) for c in _CANDIDATE.finditer(value)]
            else:
                urls = [value] if name in _URL_ATTRS else []
            found += [(url, at) for url in urls if is_root_relative(url)]
    return found


def attr_value(value: str) -> str:
    """An attribute's value as written in a tag, unquoted and unescaped."""
    return html.unescape(value[1:-1] if value[:1] in "\"'" else value)


def lined(state: StateCore) -> Iterator[tuple[Token, int, int]]:
    """Each block token and each token inline in it, with the line it starts on and the
    block's index in `state.tokens`."""
    offset = state.env.get("_offset", 0)
    for at, block in enumerate(state.tokens):
        line = offset + (block.map[0] if block.map else 0)
        yield block, line, at
        for token in block.children or ():
            # counted before the caller may rewrite it (an <img> spread over lines, say)
            step = token.content.count("\n") if token.type == "html_inline" else 0
            yield token, line, at
            line += 1 if token.type in ("softbreak", "hardbreak") else step


def _rewrite(token: Token, base: str, found: list, line: int) -> None:
    if token.type in ("html_block", "html_inline"):
        token.content = rebase_root_urls(token.content, base)
        return
    attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
    if attr is None or token.meta.get("wikilink"):
        return
    value = token.attrGet(attr)
    if isinstance(value, str) and is_root_relative(value):
        found.append((value, line))
        token.attrSet(attr, base + value[1:])
