"""/podcast.xml: RSS 2.0 with the iTunes, Podcasting 2.0, content and Atom namespaces."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from email.utils import format_datetime

from .config import SiteConfig
from .feeds import absolute_html
from .model import Episode
from .render import View

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
FEED_PATH = "podcast.xml"
_PODCAST_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 GUID: UUIDv5 of the feed URL without scheme and trailing slashes."""
    name = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(_PODCAST_NS, name))


def episode_guid(channel_guid: str, episode: Episode) -> str:
    """An item guid that survives edits of the title, slug or audio URL."""
    if episode.guid:
        return episode.guid
    name = f"{episode.season or 0}/{episode.number}/{episode.episode_type}"
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(channel_guid), name)}"


def podcast_feed(config: SiteConfig, episodes: Sequence[View]) -> bytes:
    """The feed; `episodes` newest first, each with audio."""
    show = config.podcast
    assert show is not None
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    origin = config.base_url[: -len(config.base_path)]
    feed_url = config.base_url + FEED_PATH
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        ns, _, name = tag.rpartition(":")
        el = ET.SubElement(parent, f"{{{NAMESPACES[ns]}}}{name}" if ns else name, attrs)
        el.text = text
        return el

    sub(channel, "atom:link", href=feed_url, rel="self", type="application/rss+xml")
    sub(channel, "title", show.title)
    sub(channel, "link", config.base_url)
    sub(channel, "description", show.description)
    sub(channel, "language", config.language)
    sub(channel, "generator", "site-builder")
    if show.image:
        sub(channel, "itunes:image", href=config.base_url + show.image.lstrip("/"))
    parent = channel
    for name in show.category[:2]:  # a category, then optionally its subcategory inside it
        parent = ET.SubElement(parent, f"{{{ITUNES}}}category", {"text": name})
    sub(channel, "itunes:explicit", "true" if show.explicit else "false")
    author = config.author.name if config.author else show.title
    sub(channel, "itunes:author", author)
    sub(channel, "itunes:type", show.type)
    if show.owner:
        owner = sub(channel, "itunes:owner")
        sub(owner, "itunes:name", show.owner.name)
        if show.owner.email:
            sub(owner, "itunes:email", show.owner.email)
    guid = show.guid or podcast_guid(feed_url)
    sub(channel, "podcast:guid", guid)
    if show.owner and show.owner.email:
        sub(channel, "podcast:locked", "yes", owner=show.owner.email)
    sub(channel, "podcast:medium", "podcast")
    for view in episodes:
        episode: Episode = view.item
        audio = episode.audio
        if audio is None or not audio.length:
            continue
        item = sub(channel, "item")
        sub(item, "title", episode.title)
        sub(item, "enclosure", url=audio.url, length=str(audio.length), type=audio.type)
        sub(item, "guid", episode_guid(guid, episode), isPermaLink="false")
        if episode.date:
            sub(item, "pubDate", format_datetime(episode.date))
        sub(item, "link", origin + view.url)
        sub(item, "description", view.summary or episode.title)
        sub(item, "content:encoded", absolute_html(view.html, origin))
        if episode.duration is not None:
            sub(item, "itunes:duration", str(episode.duration))
        if episode.number:
            sub(item, "itunes:episode", str(episode.number))
        if episode.season:
            sub(item, "itunes:season", str(episode.season))
        sub(item, "itunes:episodeType", episode.episode_type)
        explicit = show.explicit if episode.explicit is None else episode.explicit
        sub(item, "itunes:explicit", "true" if explicit else "false")
        if episode.season:
            sub(item, "podcast:season", str(episode.season))
        if episode.number:
            sub(item, "podcast:episode", str(episode.number))
        if episode.guests:
            sub(item, "podcast:person", author, role="host")
            for guest in episode.guests:
                sub(item, "podcast:person", guest, role="guest")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="utf-8") + b"\n"
