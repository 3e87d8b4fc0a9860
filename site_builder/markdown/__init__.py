"""Markdown for site content: markdown-it-py with a fixed, documented set of plugins.

Order matters and is fixed here:
1. preset `commonmark` with raw HTML on (authors are trusted) and typographer off (the author's
   own quotes and dashes are kept as written); then tables and strikethrough;
2. footnotes (mdit-py-plugins);
3. wikilinks, an inline rule before `link`;
4. local images made responsive `<picture>`s (images.py), a core rule after `inline`; then
   root-relative URLs rewritten under the base path, theirs included;
5. glossary autolinking and mention capture, a core rule after that (it must see wikilinks as
   links, and its own links must not be rewritten again);
6. heading ids (mdit-py-plugins anchors, all levels, unique per page), the last core rule.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..errors import ContentError, Diagnostic
from ..model import pickled_by_fields
from .glossary import glossary_plugin
from .images import images_plugin
from .matcher import Matcher, Target
from .mentions import Mention
from .urls import take_marks, urls_plugin
from .wikilinks import UnknownTarget, WikiRef, WikiTarget, wikilinks_plugin

__all__ = [
    "Heading",
    "Matcher",
    "Mention",
    "Parsed",
    "Target",
    "UnknownTarget",
    "WikiRef",
    "WikiTarget",
    "excerpt",
    "make_markdown",
    "render_markdown",
]


class Heading(NamedTuple):
    level: int
    id: str
    text: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Parsed:
    """What one Markdown body turned into, and what it refers to."""

    # UTF-8: a page with one curly quote or dash would otherwise take two bytes a character,
    # and a large site keeps every body from parsing to the end of the build (and its cache)
    encoded: bytes
    headings: tuple[Heading, ...]
    wikilinks: tuple[WikiRef, ...]
    root_links: tuple[tuple[str, int], ...]  # (root-relative href as written, line)
    problems: tuple[Diagnostic, ...]  # found by the rules, errors and warnings
    # where each root-relative URL starts in `html` (in characters): feeds make them absolute
    url_starts: tuple[int, ...] = ()
    excerpt: str = ""  # the first paragraph as plain text (see `excerpt`)
    mentions: tuple[Mention, ...] = ()  # every concept mention, in page order
    linked: frozenset[str] = frozenset()  # concepts the body links (for `autolink: first`)
    transcript_html: str = ""  # an episode's transcript, rendered (see item.py)
    responses_html: tuple[tuple[str, str], ...] = ()  # an essay's (response, reply), rendered
    elsewhere: tuple[Diagnostic, ...] = ()  # problems in the item's other files (responses)

    @property
    def html(self) -> str:
        return self.encoded.decode()


def make_markdown(html: bool = True) -> MarkdownIt:
    """The parser a build uses; build it once and pass it around. Without `html`, raw HTML is
    text (for what readers wrote: see responses.py)."""
    md = MarkdownIt("commonmark", {"html": html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(wikilinks_plugin)
    md.core.ruler.at("inline", _inline_with_lines)
    md.use(urls_plugin)
    md.use(images_plugin)
    md.use(glossary_plugin)
    md.use(anchors_plugin, min_level=1, max_level=6)
    code_fence = md.renderer.rules["fence"]

    def fence(self, tokens, idx, options, env) -> str:
        """A ```chart fence is drawn by `env["chart"]`; any other fence is code."""
        token, draw = tokens[idx], env.get("chart")
        if draw is None or token.info.split()[:1] != ["chart"]:
            return code_fence(tokens, idx, options, env)
        first_line = env["_offset"] + (token.map[0] if token.map else 0) + 1
        try:
            return draw(token.content, first_line)
        except ContentError as exc:
            last = first_line + max(token.content.count("\n") - 1, 0)  # YAML may blame the end
            env.setdefault("diagnostics", []).extend(
                replace(d, line=min(d.line or first_line, last)) for d in exc.diagnostics
            )
            return ""

    md.add_render_rule("fence", fence)
    return md


def render_markdown(
    md: MarkdownIt,
    text: str,
    *,
    path: str,
    first_line: int,
    base_path: str,
    resolve_wikilink: Callable[[str], WikiTarget],
    self_key: str = "",
    glossary: Matcher | None = None,
    autolink: str = "off",
    own_setting: bool | None = None,
    chart: Callable[[str, int], str] | None = None,
    linked: set[str] | None = None,
    images: Mapping | None = None,
    eager_first: bool = True,
) -> Parsed:
    """Parse and render one body; `first_line` is the body's first line number in `path`, the
    file its problems are reported in.

    `autolink` is "first", "all" or "off": link each concept's first mention, every mention,
    or none (mentions through wikilinks are recorded either way); people's names follow their
    own site-wide mode (the matcher's targets say it) unless the page's own `autolink:` setting
    (`own_setting`) is false. `chart(source, first_line)`
    draws ```chart fences (see charts/); without it they are shown as code. `linked`, the
    concepts already linked on the page, is shared and added to. `images`, the image phase's
    catalog, makes local images responsive; without `eager_first` even the first loads lazily.
    """
    env: dict = {
        "path": path,
        "_offset": first_line,
        "base_path": base_path,
        "resolve_wikilink": resolve_wikilink,
        "self_key": self_key,
        "glossary": glossary,
        "autolink": autolink,
        "own_setting": own_setting,
        "chart": chart,
        "linked": set() if linked is None else linked,
        "images": images,
        "eager_first": eager_first,
    }
    tokens = md.parse(text, env)
    html, url_starts = take_marks(md.renderer.render(tokens, md.options, env))
    headings = tuple(
        Heading(int(tok.tag[1]), str(tok.attrGet("id")), _plain(tokens[i + 1]))
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    )
    return Parsed(
        html.encode(),
        headings,
        tuple(env.get("wikilinks", ())),
        tuple(env.get("root_links", ())),
        tuple(env.get("diagnostics", ())),
        url_starts,
        excerpt(html),
        tuple(env.get("mentions", ())),
        frozenset(env.get("linked", ())),
    )


def excerpt(body_html: str, limit: int = 200) -> str:
    """Plain text of the first paragraph, cut at a word boundary (before any escaping): read
    from the HTML the parse has just made, so that raw HTML paragraphs count too."""
    m = re.search(r"<p>(.*?)</p>", body_html, re.S)
    text = " ".join(html_text.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split()) if m else ""
    if len(text) <= limit:
        return text
    # one character more, so that a word ending right at the limit is kept
    return text[: limit + 1].rsplit(" ", 1)[0][:limit].rstrip(",;:\u2014\u2013-") + "…"


def _inline_with_lines(state: StateCore) -> None:
    """markdown-it's `inline` rule, telling inline rules the line their block starts on."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            state.env["_line"] = state.env["_offset"] + (token.map[0] if token.map else 0)
            state.md.inline.parse(token.content, state.md, state.env, token.children)


def _plain(inline) -> str:
    return "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))
