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
decorative). A missing file, named by Markdown or by raw HTML, is left to the link check, which
reports every link to a path the site does not have.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..errors import Diagnostic
from ..images.facts import Catalog, ImageFacts, find_image, media_key
from ..images.markup import figure_html, picture_html
from .urls import _ATTR, _TAG, attr_value, lined

_KEPT = ("class", "id")  # attributes of a raw <img> that its <picture> keeps
_UNREADABLE = "replace the file with one that opens in an image viewer"
_NO_ALT = "describe what it shows: ![the table at Panmunjom](/media/...)"


def images_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("root_urls", "images", _images)


def _images(state: StateCore) -> None:
    for token, line, at in lined(state):
        if token.type == "image":
            _image(state, state.tokens, at, token, line)
        elif token.type in ("html_block", "html_inline"):
            token.content = _raw_images(token.content, line, state.env)


def _image(state: StateCore, tokens: list[Token], at: int, token: Token, line: int) -> None:
    env = state.env
    src = str(token.attrGet("src") or "")
    alt = state.md.renderer.renderInlineAsText(token.children or [], state.md.options, env)
    if not alt.strip():
        _problem(env, line, f"the image {src} has no alt text", _NO_ALT, "warning")
    found = _catalogued(env, src)
    if found is None:
        return
    if isinstance(found, str):
        _problem(env, line, found, _UNREADABLE)
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
        attrs = {m.group(1).lower(): attr_value(m.group(3)) for m in _ATTR.finditer(tag.group())}
        at = line + text.count("\n", 0, tag.start())
        src = attrs.get("src", "")
        if "alt" not in attrs:
            hint = 'say what it shows in alt="..."; alt="" marks an image as decorative'
            _problem(env, at, f"the image {src} has no alt attribute", hint, "warning")
        found = _catalogued(env, src)
        if found is None or "srcset" in attrs:
            return tag.group()
        if isinstance(found, str):
            _problem(env, at, found, _UNREADABLE)
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


def _catalogued(env: dict, src: str) -> ImageFacts | str | None:
    """What the image phase found of the local image at `src`: its facts, or why it cannot be
    shown; None when it is not a local image, or is missing (see the module's docstring)."""
    catalog: Catalog | None = env.get("images")
    key = media_key(src) if src.startswith("/media/") else None
    if catalog is None or key is None or key not in catalog:
        return None
    return find_image(catalog, src)


def _lazy(env: dict) -> bool:
    """Whether the next image of the page loads lazily: all but the page's first."""
    shown = env.get("_images_shown", 0)
    env["_images_shown"] = shown + 1
    return shown > 0 or not env.get("eager_first", True)


def _problem(env: dict, line: int, message: str, hint: str, severity: str = "error") -> None:
    problem = Diagnostic(env["path"], line, message, hint, "image", severity)
    env.setdefault("diagnostics", []).append(problem)
