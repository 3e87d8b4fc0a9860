"""Pure: what the build knows of an image in content/media, and where its web sizes go.

An image is published at a few widths (never wider than it is), as WebP and in a fallback
format, under `assets/img/`, named by the hash of its bytes so a browser may cache them for
ever and a changed photo gets new names. SVG is published as it is, with the size its root
element declares.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

WIDTHS = (480, 960, 1600)  # what `sizes` picks from, phone to wide screen at 2x
RASTER = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
RASTER |= {".webp": "image/webp", ".gif": "image/gif"}
SVG = "image/svg+xml"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
IMAGE_FOLDER = "assets/img/"


@dataclass(frozen=True, slots=True)
class Variant:
    """One published web size of an image."""

    path: str  # output path, e.g. assets/img/panmunjom.3fa9c2d1e0ab-480.webp
    width: int
    height: int
    type: str  # media type


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """An image of content/media as pages show it: its size once EXIF orientation is applied."""

    source: str  # path under content/media, '/'-separated
    width: int
    height: int
    type: str  # media type of the file as written
    variants: tuple[Variant, ...] = ()  # none for SVG

    def sized(self, kind: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.type == kind)

    @property
    def fallback(self) -> tuple[Variant, ...]:
        """The web sizes in the format every browser reads (JPEG or PNG), narrowest first."""
        return tuple(v for v in self.variants if v.type != "image/webp") or self.sized("image/webp")


# path under content/media -> its facts, or why it cannot be shown
Catalog = Mapping[str, "ImageFacts | str"]


def widths_for(width: int) -> tuple[int, ...]:
    """The web widths of an image `width` pixels wide: the steps below it, and itself if it
    is narrower than the widest step."""
    return tuple(sorted({min(step, width) for step in WIDTHS}))


def variant_path(source: str, key: str, width: int, kind: str) -> str:
    stem = PurePosixPath(source).stem
    return f"{IMAGE_FOLDER}{stem}.{key[:12]}-{width}.{EXTENSIONS[kind]}"


def media_key(url: str) -> str | None:
    """The path under content/media that a local image URL names (`/media/a%20b.jpg`,
    `media/x.png`), or None for any other URL."""
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if path.startswith("/media/"):
        return path.removeprefix("/media/")
    if path.startswith("media/"):  # as site.yaml and front matter write them
        return path.removeprefix("media/")
    return None


def find_image(catalog: Catalog, url: str) -> ImageFacts | str | None:
    """What the catalog says of the image at `url`: its facts, why it cannot be shown, or None
    when `url` is not a local image."""
    key = media_key(url)
    if key is None or PurePosixPath(key).suffix.lower() not in (*RASTER, ".svg"):
        return None
    return catalog.get(key, f"no image file /media/{key} in content/media")


_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


def svg_size(data: bytes) -> tuple[int, int] | str:
    """Width and height an SVG file declares (its `width`/`height`, else its viewBox; 0, 0
    when it declares none), or what is wrong with it."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"is not a readable SVG file: {exc}"
    if not root.tag.endswith("svg"):
        return "is not an SVG file: its root element is not <svg>"
    width, height = (_LENGTH.fullmatch(root.get(a) or "") for a in ("width", "height"))
    if width and height:
        return round(float(width.group(1))), round(float(height.group(1)))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        w, h = float(box[2]), float(box[3])
    except (IndexError, ValueError):
        return 0, 0  # no size: the browser's default (300 x 150), as the author left it
    return (round(w), round(h)) if w > 0 and h > 0 else (0, 0)


def catalog_digest(catalog: Catalog) -> str:
    """What pages see of the images: changes when any image's size or names change."""
    return hashlib.sha256(repr(sorted(catalog.items())).encode()).hexdigest()
