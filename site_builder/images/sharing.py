"""What a page shows where it is shared: its `og:image` (a card, or the item's own image),
and the site's icons; made in the image phase, read by the templates.

Every essay, episode, concept and page gets a card of its own; the other pages (home, lists,
tags, search) share the site's card. An essay's or episode's own `image:` is used instead of
its card.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ..config import SiteConfig
from ..errors import Diagnostic
from ..model import Concept, Episode, Item
from ..pool import run_sliced
from .cards import HEIGHT, WIDTH, Card, Painter, draw_card
from .facts import Catalog, ImageFacts, find_image
from .icons import publish_icons
from .markup import COVER_SIZES, largest, picture_html
from .process import ImageStore, Published

CARD_FOLDER = "assets/cards/"
_KICKERS = {
    "essay": "Essay",
    "concept": "Concept",
    "page": "",
    "person": "People",
    "series": "Series",
}


@dataclass(frozen=True, slots=True)
class Share:
    """The image a page is shared with: a path below the site, its size and its alt text."""

    path: str
    width: int
    height: int
    alt: str
    type: str = "image/jpeg"


@dataclass(frozen=True, slots=True)
class SiteImages:
    """What templates know of images: the catalog, each page's share (by item key; "" for
    pages without an item) and the icons published."""

    catalog: Catalog = field(default_factory=dict)
    shares: Mapping[str, Share] = field(default_factory=dict)
    icons: tuple[str, ...] = ()

    def share(self, key: str | None) -> Share | None:
        return self.shares.get(key or "") or self.shares.get("")


def publish_sharing(
    config: SiteConfig,
    items: Iterable[Item],
    store: ImageStore,
    done: Published,
    label: Callable[[Episode], str],
    jobs: int = 1,
) -> tuple[SiteImages, list[Diagnostic]]:
    """Cards for the site and each item, and the icons, published into `done`; `label` says
    what an episode is ("Episode 12"), as its page does. Cards not in the store are drawn in
    `jobs` processes."""
    problems: list[Diagnostic] = []
    cover = _cover_bytes(config, done, store)
    footer = _address(config.base_url)
    wanted = {"site": Card(config.title, "", config.title, config.description, footer)}
    shares: dict[str, Share] = {}
    for item in items:
        own = _own_image(item, done.catalog, problems)
        if own is not None:
            shares[item.key] = own
        else:
            wanted[item.key] = _card_for(config, item, cover, footer, label)
    keys = {name: card.key() for name, card in wanted.items()}  # a hash each: once
    entries = {name: f"card-{key}.jpg" for name, key in keys.items()}
    missing = [name for name, entry in entries.items() if store.get(entry) is None]

    def keep(drawn: dict[str, bytes]) -> None:  # slice by slice: never all the cards at once
        for name, data in drawn.items():
            store.put(entries[name], data)

    run_sliced(_draw_slice, wanted, missing, jobs, keep)
    for name, card in wanted.items():
        path = f"{CARD_FOLDER}{name.replace('/', '-')}.{keys[name][:12]}.jpg"
        done.add(path, store, entries[name])
        alt = f"{card.title} · {card.site}" if card.kicker else card.site
        shares["" if name == "site" else name] = Share(path, WIDTH, HEIGHT, alt)
    icon_source = _icon_source(config, done, store, problems)
    icons = publish_icons(config.content_dir, icon_source, store, done)
    return SiteImages(done.catalog, shares, icons), problems


def _draw_slice(cards: Mapping[str, Card], names: Iterable[str]) -> dict[str, bytes]:
    painter = Painter()  # one per slice: cards of a kind share their fonts and top
    return {name: draw_card(cards[name], painter) for name in names}


def _card_for(
    config: SiteConfig, item: Item, cover: bytes, footer: str, label: Callable[[Episode], str]
) -> Card:
    if isinstance(item, Episode):
        return Card(config.title, label(item), item.title, "", footer, cover)
    detail = item.definition if isinstance(item, Concept) else ""
    return Card(config.title, _KICKERS[item.kind], item.title, detail, footer)


def _own_image(item: Item, catalog: Catalog, problems: list[Diagnostic]) -> Share | None:
    """An essay's or episode's `image:`, at its largest web size; a broken one is an error
    for an essay (an episode's is checked with the podcast feed's artwork)."""
    url = item.meta.get("image") if item.kind in ("essay", "episode") else None
    if not isinstance(url, str):
        return None
    found = find_image(catalog, url)
    if isinstance(found, ImageFacts):
        best = largest(found)
        if best is not None:
            return Share(best.path, best.width, best.height, item.title, best.type)
        return None
    if item.kind == "essay":
        message = found or f"'image' must be a file in content/media: {url}"
        hint = "write image: /media/<file>"
        problems.append(Diagnostic(item.path, item.line_of("image"), message, hint, "image"))
    return None


def _cover_bytes(config: SiteConfig, done: Published, store: ImageStore) -> bytes:
    """The show's cover at a card's size (a web size, not the 3000 px original)."""
    url = config.podcast.image if config.podcast else None
    found = find_image(done.catalog, url) if url else None
    if not isinstance(found, ImageFacts) or not found.fallback:
        return b""
    fitting = [v for v in found.fallback if v.width >= 400] or [found.fallback[-1]]
    return done.read(fitting[0].path, store) or b""


def _icon_source(
    config: SiteConfig, done: Published, store: ImageStore, problems: list[Diagnostic]
) -> bytes | None:
    url = config.icon or (config.podcast.image if config.podcast else None)
    if not isinstance(url, str):
        return None
    found = find_image(done.catalog, url)
    if isinstance(found, ImageFacts) and found.fallback:
        return done.read(found.fallback[-1].path, store)
    if config.icon:
        message = found if isinstance(found, str) else f"'icon' is not a raster image: {url}"
        problems.append(Diagnostic("site.yaml", config.line_of("icon"), message, code="config"))
    return None


def _address(base_url: str) -> str:
    parts = urlsplit(base_url)
    return (parts.netloc + parts.path).rstrip("/")


def template_globals(site: SiteImages, base: str) -> dict[str, Any]:
    """What templates call: `picture(url, alt, sizes)`, `share_of(page)`, `icons`."""
    return dict(
        icons=site.icons,
        share_of=lambda page: site.share(page.key if page else None),
        picture=partial(_picture, site.catalog, base),
        cover_sizes=COVER_SIZES,
    )


def _picture(
    catalog: Catalog,
    base: str,
    url: str | None,
    alt: str,
    sizes: str,
    lazy: bool = False,
    class_: str = "",
) -> Markup:
    """A local image at its web sizes, or nothing (no such image, or none named)."""
    found = find_image(catalog, url) if url else None
    if not isinstance(found, ImageFacts):
        return Markup("")
    extra = f' class="{html.escape(class_)}"' if class_ else ""
    return Markup(picture_html(found, alt, prefix=base, lazy=lazy, sizes=sizes, extra=extra))
