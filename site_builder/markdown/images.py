"""Images in Markdown and in raw `<img>` tags: responsive `<picture>`s with their size.

A core rule before `root_urls`. With the image phase's catalog in `env["images"]`, every
local image (`/media/...`) becomes a `<picture>` (an SVG an `<img>`) with `srcset`, `sizes`,
`width` and `height`; a Markdown image alone in its paragraph with a title
(`![alt](/media/x.jpg "Caption")`) becomes a `<figure>` with that caption. The first image
of a body loads at once (unless `env["eager_first"]` is false: an episode's page shows the
cover above it), the others lazily. Its markup has root-relative URLs, which `root_urls`
then puts under the base path, as it does for any other.

Problems go to `env["diagnostics"]` as Diagnostics: an image the catalog could not read is an
error at its line; an image without alt text is a warning (`alt=""` in raw HTML says it is
decorative). A missing file named by Markdown is left to the link check, which reports every
link to a path the site does not have.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..errors import Diagnostic
from ..images.facts import Catalog, find_image, media_key
from ..images.markup import figure_html, picture_html
from .urls import _ATTR, _TAG

_KEPT = ("class", "id")  # attributes of a raw <img> that its <picture> keeps
_NO_ALT = "describe what it shows: ![the table at Panmunjom](/media/...)"


def images_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("root_urls", "images", _images)


def _images(state: StateCore) -> None:
    env = state.env
    tokens = state.tokens
    for i, block in enumerate(tokens):
        line = env.get("_offset", 0) + (block.map[0] if block.map else 0)
        if block.type == "html_block":
            block.content = _raw_images(block.content, line, env)
            continue
        breaks = 0
        for token in block.children or ():
            if token.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif token.type == "image":
                _image(state, tokens, i, token, line + breaks)
            elif token.type == "html_inline":
                token.content = _raw_images(token.content, line + breaks, env)


def _image(state: StateCore, tokens: list[Token], at: int, token: Token, line: int) -> None:
    env = state.env
    src = str(token.attrGet("src") or "")
    alt = state.md.renderer.renderInlineAsText(token.children or [], state.md.options, env)
    if not alt.strip():
        _problem(env, line, f"the image {src} has no alt text", _NO_ALT, "warning")
    catalog: Catalog | None = env.get("images")
    key = media_key(src) if src.startswith("/media/") else None
    if catalog is None or key is None or key not in catalog:
        return  # not a local image, or a missing one (see the module's docstring)
    found = find_image(catalog, src)
    if found is None:
        return
    if isinstance(found, str):
        _problem(env, line, found, "replace the file with one that opens in an image viewer")
        return
    title = token.attrGet("title")
    alone = _alone(tokens, at)
    picture = picture_html(
        found,
        alt,
        prefix="/",
        lazy=_lazy(env),
        title=None if title and alone else (str(title) if title else None),
    )
    if title and alone:
        tokens[at - 1].hidden = tokens[at + 1].hidden = True  # a <figure> may not sit in a <p>
        picture = figure_html(picture, html.escape(str(title)))
    token.type, token.tag, token.children, token.content = "html_inline", "", None, picture


def _alone(tokens: list[Token], at: int) -> bool:
    """Whether the inline token at `at` is a paragraph holding one image and nothing else."""
    inline = tokens[at]
    parts = [c for c in inline.children or () if not (c.type == "text" and not c.content.strip())]
    return (
        0 < at < len(tokens) - 1
        and tokens[at - 1].type == "paragraph_open"
        and tokens[at + 1].type == "paragraph_close"
        and len(parts) == 1
        and parts[0].type == "image"
    )


def _raw_images(text: str, line: int, env: dict) -> str:
    """`text` (raw HTML) with each `<img>` of a local image made a `<picture>`."""
    if "<img" not in text.lower() or "<picture" in text.lower():
        return text  # an author's own <picture> is theirs

    def replace(tag: re.Match[str]) -> str:
        if not tag.group().lower().startswith("<img"):
            return tag.group()
        attrs = {m.group(1).lower(): _unquote(m.group(3)) for m in _ATTR.finditer(tag.group())}
        at = line + text.count("\n", 0, tag.start())
        src = attrs.get("src", "")
        if "alt" not in attrs:
            hint = 'say what it shows in alt="..."; alt="" marks an image as decorative'
            _problem(env, at, f"the image {src} has no alt attribute", hint, "warning")
        catalog: Catalog | None = env.get("images")
        found = find_image(catalog, src) if catalog is not None and src.startswith("/") else None
        if found is None or "srcset" in attrs:
            return tag.group()
        if isinstance(found, str):
            _problem(env, at, found, "write /media/ and the path of a file in content/media")
            return tag.group()
        extra = "".join(f' {a}="{html.escape(attrs[a])}"' for a in _KEPT if a in attrs)
        return picture_html(
            found,
            attrs.get("alt", ""),
            prefix="/",
            lazy=_lazy(env),
            title=attrs.get("title"),
            extra=extra,
        )

    return _TAG.sub(replace, text)


def _unquote(value: str) -> str:
    return html.unescape(value[1:-1] if value[:1] in "\"'" else value)


def _lazy(env: dict) -> bool:
    """Whether the next image of the page loads lazily: all but the page's first."""
    shown = env.get("_images_shown", 0)
    env["_images_shown"] = shown + 1
    return shown > 0 or not env.get("eager_first", True)


def _problem(env: dict, line: int, message: str, hint: str, severity: str = "error") -> None:
    problem = Diagnostic(env["path"], line, message, hint, "image", severity)
    env.setdefault("diagnostics", []).append(problem)
