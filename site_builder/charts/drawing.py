"""Drawing: vl-convert's SVG for a spec (drawn in the site's time zone: see renderer.py),
cached, then themed and made safe to inline.

vl-convert draws with the light theme's colours; every such colour is then tagged with a class
that style.css maps to the theme's custom properties, so charts follow dark mode, and still read
well where the stylesheet is missing (feed readers keep the attributes). Scripts, foreign
objects and links to other hosts are removed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import store_entry
from ..model import Path_
from . import renderer
from .data import Table

CHART_FORMAT = "1"  # bump when the drawing or its post-processing changes: old cache entries go
MAX_ROWS = 100  # rows shown in the data table

# The light theme's colours (style.css :root). Each must be distinct: a colour is how a role is
# recognised again in the SVG. style.css maps the classes to custom properties.
INK, INK_2, RULE = "#1f1d1a", "#4c4740", "#d9d1bf"
PALETTE = (
    "#8c2f25",  # --chart-1, the accent
    "#2a6f97",
    "#a8650a",
    "#3b7d3b",
    "#6b4c9a",
    "#0f7c7a",
    "#a23e7a",
    "#6b6358",
)
COLOUR_CLASSES = {INK: "ink", INK_2: "ink-2", RULE: "rule"} | {
    colour: f"c{i}" for i, colour in enumerate(PALETTE, 1)
}
# Arial's metrics: vl-convert lays labels out with Liberation Sans (metric-compatible with Arial and
# Helvetica), so browsers draw them at the widths they were measured at; system-ui would not be.
_FONT = 'Arial, Helvetica, "Liberation Sans", sans-serif'
_TEXT = {"labelColor": INK_2, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 13}
THEME_CONFIG: dict[str, Any] = {
    "background": None,
    "font": _FONT,
    "view": {"stroke": None, "continuousWidth": 560, "discreteWidth": 560, "continuousHeight": 280},
    "axis": {**_TEXT, "gridColor": RULE, "domainColor": INK_2, "tickColor": INK_2},
    "legend": _TEXT,
    "header": _TEXT,
    "title": {"color": INK, "subtitleColor": INK_2},
    "mark": {"color": PALETTE[0]},
    "text": {"color": INK},
    "range": {"category": list(PALETTE)},
}
_SVG = "http://www.w3.org/2000/svg"
DOCS = "check the spec against https://vega.github.io/vega-lite/docs/"


@dataclass(frozen=True, slots=True)
class ChartCache:
    """A folder of drawings kept between builds, named by all they were drawn from. Only
    `build` stores new ones (`store`); `check` and `serve`, which write nothing, only read."""

    folder: Path
    store: bool = True


def draw(
    spec: dict[str, Any],
    source: str,
    tables: dict[Path_, Table],
    cache: ChartCache | None,
    timezone: str,
) -> str:
    """vl-convert's SVG for the spec, local time being `timezone` (the site's), from the cache
    when the same drawing was made before; raises renderer.Rejected with Vega-Lite's own
    message when it rejects the spec."""
    entry = None
    if cache is not None:
        key = _cache_key(source, [t.raw for t in tables.values()], _version(), timezone)
        entry = cache.folder / f"{key}.svg"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            cached = entry.read_text(encoding="utf-8")
            if _is_svg(cached):  # a damaged entry is drawn again
                return cached
    svg = renderer.vegalite_to_svg(spec, THEME_CONFIG, timezone)
    if entry is not None and cache.store:
        store_entry(entry, svg)
    return svg


@functools.cache
def _version() -> str:
    """vl-convert's version, read without importing it: a cached chart starts no renderer."""
    import importlib.metadata  # here: 30 ms of imports that a site without charts spares

    return importlib.metadata.version("vl-convert-python")


def _cache_key(source: str, data: list[bytes], version: str, timezone: str) -> str:
    digest = hashlib.sha256()
    theme = json.dumps(THEME_CONFIG, sort_keys=True)
    for part in (CHART_FORMAT, version, timezone, theme, source, *data):
        chunk = part.encode() if isinstance(part, str) else part
        digest.update(len(chunk).to_bytes(8, "big") + chunk)  # lengths keep the parts apart
    return digest.hexdigest()


def _is_svg(text: str) -> bool:
    try:
        return ET.fromstring(text).tag == f"{{{_SVG}}}svg"
    except ET.ParseError:
        return False


def themed_svg(raw: str, chart_id: str, title_id: str, desc_id: str) -> str:
    """Safe to inline, coloured by classes, ids unique on the page, named by the figcaption."""
    root = ET.fromstring(raw)
    _strip_unsafe(root)
    for el in root.iter():
        classes = [c for c in (el.get("class") or "").split() if c]
        for attr in ("fill", "stroke"):
            role = COLOUR_CLASSES.get((el.get(attr) or "").lower())
            if role:
                classes.append(f"chart-{attr}-{role}")
        if classes:
            el.set("class", " ".join(classes))
        if "id" in el.attrib:
            el.set("id", f"{chart_id}-{el.get('id')}")
        for name, value in el.attrib.items():
            if "url(#" in value:
                el.set(name, value.replace("url(#", f"url(#{chart_id}-"))
        if (el.get("href") or "").startswith("#"):
            el.set("href", f"#{chart_id}-{el.get('href')[1:]}")
    root.set("class", "chart-svg")
    root.attrib.pop("version", None)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("aria-describedby", desc_id)
    for el in root.iter():  # plain names: ElementTree would invent prefixes ("ns0:svg")
        el.tag = el.tag.split("}")[1]
    root.attrib = {"xmlns": _SVG, **root.attrib}
    return ET.tostring(root, encoding="unicode")


def _strip_unsafe(root: ET.Element) -> None:
    """No scripts, styles, foreign content, event handlers or references to other files.

    Vega's own ARIA labels go too: inside a `role="img"` they are never read, only downloaded.
    """
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag.startswith(f"{{{_SVG}}}") or tag.split("}")[1] in (
                "script",
                "style",
                "foreignObject",
            ):
                parent.remove(child)
    for el in root.iter():
        for name, value in list(el.attrib.items()):
            local = name.split("}")[-1]
            del el.attrib[name]
            if local.lower().startswith("on") or re.search(r"url\(\s*['\"]?(?!#)", value):
                continue
            if local in ("role", "aria-label", "aria-roledescription"):
                continue
            if local == "href":
                if value.startswith("#"):
                    el.set("href", value)  # xlink:href would need a prefix HTML does not know
                continue
            if name.startswith("{"):
                continue  # attributes in other namespaces
            el.set(name, value)
