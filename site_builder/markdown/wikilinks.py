"""`[[target]]`, `[[target|text]]`, `[[target#heading]]`: an inline rule run before `link`.

The rule turns each wikilink into ordinary link tokens. What the target means is not its
business: it asks `env["resolve_wikilink"](target)` for a `WikiTarget`, and records the reference
(with its line) in `env["wikilinks"]` so the link phase can check `#heading` anchors once every
page's headings are known. Unknown targets are recorded in `env["diagnostics"]` and the source
text is kept, so one pass reports every broken link in a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from ..errors import Diagnostic
from .lines import line_breaks
from .urls import marked

# `[[`, then up to the first `]]` with no `[` on the way: a match stops at the next `[`, so a
# paragraph of thousands of unclosed `[[` costs its length, not its length squared
INNER = r"(?:[^\[\]]|\](?!\]))*"
WIKILINK = re.compile(rf"\[\[({INNER})\]\]")


@dataclass(frozen=True, slots=True)
class WikiTarget:
    key: str  # the target item's key, e.g. "glossary/ripeness"
    href: str
    text: str  # link text when the author gave none
    title: str | None = None  # shown on hover without JavaScript (a concept's definition)
    css_class: str = "wikilink"


class WikiRef(NamedTuple):
    key: str
    anchor: str | None
    line: int
    text: str


class UnknownTarget(LookupError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def wikilinks_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", _wikilink)


def split_wikilink(inner: str) -> tuple[str, str, str]:
    """A wikilink's target, text and anchor, from what is between its brackets."""
    target, _, label = inner.partition("|")
    target, _, anchor = target.partition("#")
    return " ".join(target.split()), " ".join(label.split()), anchor.strip()


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("[[", start):
        return False
    match = WIKILINK.match(src, start)
    if match is None:
        return False
    inner, end = match.group(1), match.end(1)
    if not inner.strip() or "\n\n" in inner:
        return False
    if silent:
        state.pos = end + 2
        return True
    target, label, anchor = split_wikilink(inner)
    env = state.env
    line = env.get("_line", 0) + line_breaks(env, src).before(start)
    try:
        found: WikiTarget = env["resolve_wikilink"](target or env.get("self_key", ""))
    except UnknownTarget as exc:
        problem = Diagnostic(env["path"], line, exc.message, exc.hint, "reference")
        env.setdefault("diagnostics", []).append(problem)
        token = state.push("text", "", 0)
        token.content = src[start : end + 2]
        state.pos = end + 2
        return True
    env.setdefault("wikilinks", []).append(WikiRef(found.key, anchor or None, line, target))
    href = found.href + (f"#{anchor}" if anchor else "")
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": marked(href), "class": found.css_class}
    if found.title:
        token.attrs["title"] = found.title
    token.meta = {"wikilink": found.key}
    token = state.push("text", "", 0)
    token.content = label or found.text
    state.push("link_close", "a", -1)
    state.pos = end + 2
    return True
