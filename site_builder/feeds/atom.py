"""Atom 1.0 and JSON Feed 1.1 of essays and episodes, built as trees and serialized."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ..config import SiteConfig
from ..model import Episode
from ..render.views import View
from .xmlout import XML_NS, feed_text, xml_document

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 30


def absolute_html(body: str, url_starts: Sequence[int], origin: str) -> str:
    """Feed readers have no base URL: make root-relative links absolute (the parse says where
    each starts: markdown.Parsed.url_starts)."""
    pieces, last = [], 0
    for start in url_starts:
        pieces += [body[last:start], origin]
        last = start
    return "".join(pieces) + body[last:]


def media_url(config: SiteConfig, url: str, local: bool) -> str:
    """Absolute URL of an episode's audio or image (kept in content/media, or elsewhere)."""
    return config.base_url + url.lstrip("/") if local else url


def _rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _updated(views: Sequence[View]) -> datetime | None:
    stamps = [v.updated or v.date for v in views if v.updated or v.date]
    return max(stamps) if stamps else None


def atom_feed(
    config: SiteConfig,
    views: Sequence[View],
    self_path: str,
    title: str,
    alternate: str,
    content: Callable[[View], str] | None,
) -> bytes:
    """An Atom feed; `views` newest first. No build time goes in: `updated` is the newest item's.

    Without `content`, entries carry their summary and link only: a tag's or a concept's feed
    announces new pieces, and the site's own feed carries them in full (300 concept feeds of 30
    full essays each would be most of a site's bytes)."""
    origin = config.base_url[: -len(config.base_path)]
    feed = ET.Element(f"{{{ATOM}}}feed", {f"{{{XML_NS}}}lang": config.language})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        el.text = text
        return el

    sub(feed, "id", config.base_url + self_path)
    sub(feed, "title", title)
    if config.description:
        sub(feed, "subtitle", config.description)
    newest = _updated(views)
    sub(feed, "updated", _rfc3339(newest) if newest else "1970-01-01T00:00:00Z")
    author_name = config.author.name if config.author else config.title
    author = sub(feed, "author")
    sub(author, "name", author_name)
    sub(feed, "link", rel="self", type="application/atom+xml", href=config.base_url + self_path)
    sub(feed, "link", rel="alternate", type="text/html", href=origin + alternate)
    sub(feed, "generator", "site-builder")
    for view in views[:FEED_SIZE]:
        entry = sub(feed, "entry")
        url = origin + view.url
        sub(entry, "id", url)
        sub(entry, "title", view.title)
        sub(sub(entry, "author"), "name", author_name)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        if isinstance(view.item, Episode) and view.item.audio and view.item.audio.length:
            audio = view.item.audio
            sub(
                entry,
                "link",
                rel="enclosure",
                type=audio.type or "application/octet-stream",
                href=media_url(config, audio.url, audio.local),
                length=str(audio.length),
            )
        if view.date:
            sub(entry, "published", _rfc3339(view.date))
        stamp = view.updated or view.date
        sub(entry, "updated", _rfc3339(stamp) if stamp else "1970-01-01T00:00:00Z")
        if view.summary:
            sub(entry, "summary", view.summary)
        for tag in view.tags:
            sub(entry, "category", term=tag)
        if content is not None:
            sub(entry, "content", content(view), type="html")
    return xml_document(feed, {"": ATOM})


def json_feed(
    config: SiteConfig,
    views: Sequence[View],
    self_path: str,
    title: str,
    alternate: str,
    content: Callable[[View], str],
) -> bytes:
    origin = config.base_url[: -len(config.base_path)]
    items = []
    for view in views[:FEED_SIZE]:
        url = origin + view.url
        entry: dict = {
            "id": url,
            "url": url,
            "title": view.title,
            "content_html": content(view),
        }
        if view.summary:
            entry["summary"] = view.summary
        if view.date:
            entry["date_published"] = _rfc3339(view.date)
        if view.updated:
            entry["date_modified"] = _rfc3339(view.updated)
        if view.tags:
            entry["tags"] = list(view.tags)
        if config.author:
            entry["authors"] = [{"name": config.author.name}]
        if isinstance(view.item, Episode) and view.item.audio:
            audio = view.item.audio
            attachment: dict = {
                "url": media_url(config, audio.url, audio.local),
                "mime_type": audio.type or "application/octet-stream",
            }
            if audio.length:
                attachment["size_in_bytes"] = audio.length
            if view.item.duration:
                attachment["duration_in_seconds"] = view.item.duration
            entry["attachments"] = [attachment]
        items.append(entry)
    feed: dict = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": origin + alternate,
        "feed_url": config.base_url + self_path,
        "language": config.language,
        "items": items,
    }
    if config.description:
        feed["description"] = config.description
    if config.author:
        feed["authors"] = [{"name": config.author.name}]
    return (json.dumps(_feed_texts(feed), ensure_ascii=False, indent=2) + "\n").encode()


def _feed_texts(value: Any) -> Any:
    """A JSON value with what no feed carries dropped from its strings, as the XML writer does:
    JSON could escape these, but the body's warning tells authors that feeds leave them out."""
    if isinstance(value, str):
        return feed_text(value)
    if isinstance(value, list):
        return [_feed_texts(v) for v in value]
    if isinstance(value, dict):
        return {k: _feed_texts(v) for k, v in value.items()}
    return value
