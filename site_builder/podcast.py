"""/podcast.xml: RSS 2.0 with the iTunes, Podcasting 2.0, content and Atom namespaces."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from email.utils import format_datetime

from .config import SiteConfig
from .feeds import media_url
from .model import Episode
from .render import View
from .routes import PODCAST_FEED, episode_files, is_remote
from .xmlout import xml_document

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
_PODCAST_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 GUID: UUIDv5 of the feed URL without scheme and trailing slashes."""
    name = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(_PODCAST_NS, name))


def show_guid(config: SiteConfig) -> str:
    """The guid set in site.yaml, else the one derived from the feed's URL."""
    assert config.podcast is not None
    return config.podcast.guid or podcast_guid(config.base_url + PODCAST_FEED)


def episode_guid(channel_guid: str, episode: Episode) -> str:
    """An item guid that survives edits of the title and the audio URL: the explicit `guid`,
    else one derived from season, number and type (or, for an episode with no number, its
    slug)."""
    if episode.guid:
        return episode.guid
    if episode.number is not None:
        name = f"{episode.season or 0}/{episode.number}/{episode.episode_type}"
    else:
        name = f"slug/{episode.slug}"
    try:
        namespace = uuid.UUID(channel_guid)
    except ValueError:  # a hand-written show guid that is not a UUID still names the show
        namespace = uuid.uuid5(_PODCAST_NS, channel_guid)
    return f"urn:uuid:{uuid.uuid5(namespace, name)}"


def chapters_json(config: SiteConfig, episode: Episode) -> bytes:
    """Podcasting 2.0 JSON chapters (version 1.2.0) for an episode."""
    assert config.podcast is not None
    chapters = []
    for chapter in episode.chapters:
        entry: dict = {"startTime": chapter.start, "title": chapter.title}
        if chapter.url:
            entry["url"] = media_url(config, chapter.url, chapter.url.startswith("/"))
        chapters.append(entry)
    data = {
        "version": "1.2.0",
        "title": episode.title,
        "podcastName": config.podcast.title,
        "chapters": chapters,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def podcast_feed(
    config: SiteConfig, episodes: Sequence[View], content: Callable[[View], str]
) -> bytes:
    """The feed; `episodes` newest first (the build has checked that each has audio)."""
    show = config.podcast
    assert show is not None
    origin = config.base_url[: -len(config.base_path)]
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        ns, _, name = tag.rpartition(":")
        el = ET.SubElement(parent, f"{{{NAMESPACES[ns]}}}{name}" if ns else name, attrs)
        el.text = text
        return el

    author = config.author.name if config.author else show.title
    hosts = show.hosts or (author,)
    sub(
        channel,
        "atom:link",
        href=config.base_url + PODCAST_FEED,
        rel="self",
        type="application/rss+xml",
    )
    sub(channel, "title", show.title)
    sub(channel, "link", config.base_url)
    sub(channel, "description", show.description)
    sub(channel, "language", config.language)
    sub(channel, "generator", "site-builder")
    if show.image:
        sub(channel, "itunes:image", href=media_url(config, show.image, not is_remote(show.image)))
    parent = channel
    for name in show.category[:2]:  # a category, then optionally its subcategory inside it
        parent = ET.SubElement(parent, f"{{{ITUNES}}}category", {"text": name})
    sub(channel, "itunes:explicit", "true" if show.explicit else "false")
    sub(channel, "itunes:author", author)
    sub(channel, "itunes:type", show.type)
    if show.owner:
        owner = sub(channel, "itunes:owner")
        sub(owner, "itunes:name", show.owner.name)
        if show.owner.email:
            sub(owner, "itunes:email", show.owner.email)
    guid = show_guid(config)
    sub(channel, "podcast:guid", guid)
    if show.owner and show.owner.email:
        sub(channel, "podcast:locked", "yes", owner=show.owner.email)
    sub(channel, "podcast:medium", "podcast")
    for host in hosts:
        sub(channel, "podcast:person", host, role="host")
    for view in episodes:
        episode: Episode = view.item
        audio = episode.audio
        assert audio is not None and audio.length
        item = sub(channel, "item")
        sub(item, "title", episode.title)
        sub(
            item,
            "enclosure",
            url=media_url(config, audio.url, audio.local),
            length=str(audio.length),
            type=audio.type,
        )
        sub(item, "guid", episode_guid(guid, episode), isPermaLink="false")
        if episode.date:
            sub(item, "pubDate", format_datetime(episode.date))
        sub(item, "link", origin + view.url)
        sub(item, "description", view.summary or episode.title)
        sub(item, "content:encoded", content(view))
        if episode.duration is not None:
            sub(item, "itunes:duration", str(episode.duration))
        if episode.image:
            local = not is_remote(episode.image)
            sub(item, "itunes:image", href=media_url(config, episode.image, local))
        if episode.number is not None:
            sub(item, "itunes:episode", str(episode.number))
        if episode.season:
            sub(item, "itunes:season", str(episode.season))
        sub(item, "itunes:episodeType", episode.episode_type)
        explicit = show.explicit if episode.explicit is None else episode.explicit
        sub(item, "itunes:explicit", "true" if explicit else "false")
        if episode.season:
            sub(item, "podcast:season", str(episode.season))
        if episode.number is not None:
            sub(item, "podcast:episode", str(episode.number))
        files = episode_files(episode)
        if episode.transcript:
            attrs = {"rel": "captions"} if episode.transcript.kind == "vtt" else {}
            sub(
                item,
                "podcast:transcript",
                url=config.base_url + files["transcript"],
                type=episode.transcript.mime_type,
                **attrs,
            )
        for remote in () if episode.transcript else _remote_transcripts(episode):
            sub(item, "podcast:transcript", **remote)
        if episode.chapters:
            sub(
                item,
                "podcast:chapters",
                url=config.base_url + files["chapters"],
                type="application/json+chapters",
            )
        if episode.guests:  # people on an item replace the show's: restate the hosts
            for host in hosts:
                sub(item, "podcast:person", host, role="host")
            for guest in episode.guests:
                sub(item, "podcast:person", guest, role="guest")
    return xml_document(rss, NAMESPACES)


def _remote_transcripts(episode: Episode) -> list[dict[str, str]]:
    """`transcripts: [{url, type}]` of an imported episode (checked when it was read): the old
    host's transcripts, still announced by the feed (with their language and rel, if any)."""
    found = episode.meta.get("transcripts")
    return [
        {k: str(t[k]) for k in ("url", "type", "language", "rel") if t.get(k) is not None}
        for t in (found if isinstance(found, list) else ())
        if isinstance(t, dict) and is_remote(str(t.get("url", ""))) and t.get("type")
    ]
