"""Root-relative URLs (`/media/x.svg`) mean the site root: put them under the base path.

A core rule after `inline`. It rewrites `href`/`src` of links and images, and of raw HTML
attributes, and records every root-relative target in `env["root_links"]` (with its line) so the
link phase can report links to pages that do not exist.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_HTML_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*["'])/(?!/)""", re.I)


def urls_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "root_urls", _root_urls)


def _root_urls(state: StateCore) -> None:
    env = state.env
    base = env.get("base_path", "/")
    found = env.setdefault("root_links", [])
    for block in state.tokens:
        line = env.get("_offset", 0) + (block.map[0] if block.map else 0)
        _rewrite(block, base, found, line)
        for token in block.children or ():
            _rewrite(token, base, found, line)


def _rewrite(token: Token, base: str, found: list, line: int) -> None:
    if token.type in ("html_block", "html_inline"):
        token.content = _HTML_ATTR.sub(lambda m: m.group(1) + base, token.content)
        return
    attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
    if attr is None or token.meta.get("wikilink"):
        return
    value = token.attrGet(attr)
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        found.append((value, line))
        token.attrSet(attr, base + value[1:])
