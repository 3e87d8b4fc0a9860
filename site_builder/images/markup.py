"""Pure: the HTML that shows an image: `<picture>` with WebP and fallback `srcset`s, or `<img>`.

Every image carries `width` and `height` (its shape, so nothing moves when it arrives) and
`decoding="async"`; all but the first of a page are `loading="lazy"`. URLs start with
`prefix`: "/" in Markdown (the URL rule puts them under the base path), the base path in
templates.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from .facts import SVG, ImageFacts, Variant

# The text column is 40rem wide at most, with 1.25rem each side on a phone (style.css).
PROSE_SIZES = "(min-width: 42.5rem) 40rem, calc(100vw - 2.5rem)"
COVER_SIZES = "(min-width: 48rem) 11rem, 8rem"  # .cover in style.css


def picture_html(
    facts: ImageFacts,
    alt: str,
    *,
    prefix: str,
    lazy: bool,
    sizes: str = PROSE_SIZES,
    title: str | None = None,
    extra: str = "",
) -> str:
    """`<picture>` for a raster image, `<img>` for an SVG; `extra` is more attributes, as
    HTML (a `class`)."""
    tail = ' decoding="async"' + (' loading="lazy"' if lazy else "")
    tail += f' title="{escape(title)}"' if title else ""
    tail += extra
    if facts.type == SVG or not facts.variants:
        src = prefix + "media/" + quote(facts.source)
        size = f' width="{facts.width}" height="{facts.height}"' if facts.width else ""
        return f'<img src="{escape(src)}" alt="{escape(alt)}"{size}{tail}>'
    fallback = facts.fallback
    middle = fallback[min(1, len(fallback) - 1)]  # what a browser without srcset gets
    img = (
        f'<img src="{escape(prefix + quote(middle.path))}" '
        f'srcset="{_srcset(fallback, prefix)}" sizes="{sizes}" alt="{escape(alt)}" '
        f'width="{facts.width}" height="{facts.height}"{tail}>'
    )
    webp = facts.sized("image/webp")
    if webp == fallback:
        return f"<picture>{img}</picture>"
    source = f'<source type="image/webp" srcset="{_srcset(webp, prefix)}" sizes="{sizes}">'
    return f"<picture>{source}{img}</picture>"


def figure_html(picture: str, caption: str) -> str:
    """An image with its caption (the Markdown title), as HTML; `caption` is HTML already."""
    return f"<figure>{picture}<figcaption>{caption}</figcaption></figure>\n"


def largest(facts: ImageFacts) -> Variant | None:
    """The widest web size in a format every app reads (for og:image)."""
    return facts.fallback[-1] if facts.fallback else None


def _srcset(variants: tuple[Variant, ...], prefix: str) -> str:
    return ", ".join(f"{escape(prefix + quote(v.path))} {v.width}w" for v in variants)
