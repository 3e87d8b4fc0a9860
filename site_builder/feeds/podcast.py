"""/podcast.xml: RSS 2.0 with the iTunes, Podcasting 2.0, content and Atom namespaces."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from email.utils import format_datetime
from urllib.parse import quote

from ..config import SiteConfig
from ..link.people import People
from ..model import Episode, Funding
from ..podcast_config import PODCAST_NAMESPACE, podcast_guid
from ..render.views import View
from ..routes import PODCAST_FEED, episode_files, is_remote
from .atom import media_url
from .people import crew_elements, people_elements
from .podcast_show import show_language
from .xmlout import xml_document

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}


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
        namespace = uuid.uuid5(PODCAST_NAMESPACE, channel_guid)
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
    config: SiteConfig,
    episodes: Sequence[View],
    content: Callable[[View], str],
    people: People | None = None,
) -> bytes:
    """The feed; `episodes` newest first (the build has checked that each has audio); the
    site's `people` give hosts and guests their pages and images."""
    show = config.podcast
    assert show is not None
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    author = show.author or (config.author.name if config.author else show.title)
    hosts = show.hosts or (author,)

    def url(path: str) -> str:
        return config.base_url + quote(path)

    crew = crew_elements(people, url)
    guid = show_guid(config)
    _describe_show(channel, config, author)
    _podcasting_show(channel, config, guid)
    for name, attrs in people_elements((("host", h) for h in hosts), people, url) + crew:
        _sub(channel, "podcast:person", name, **attrs)
    for view in episodes:
        episode: Episode = view.item
        item = _sub(channel, "item")
        _describe_episode(item, config, view, guid, content(view))
        _itunes_episode(item, config, episode)
        _podcasting_episode(item, config, episode)
        if episode.guests or episode.hosts:  # people on an item replace the show's
            names = [
                *(("host", h) for h in episode.hosts or hosts),
                *(("guest", g) for g in episode.guests),
            ]
            for name, attrs in people_elements(names, people, url) + crew:
                _sub(item, "podcast:person", name, **attrs)
    return xml_document(rss, NAMESPACES)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A child element whose `tag` may be written `prefix:name` with a prefix of NAMESPACES."""
    ns, _, name = tag.rpartition(":")
    el = ET.SubElement(parent, f"{{{NAMESPACES[ns]}}}{name}" if ns else name, attrs)
    el.text = text
    return el


def _describe_show(channel: ET.Element, config: SiteConfig, author: str) -> None:
    """The channel's RSS and iTunes elements: what every podcast app reads first."""
    show = config.podcast
    assert show is not None
    _sub(
        channel,
        "atom:link",
        href=config.base_url + PODCAST_FEED,
        rel="self",
        type="application/rss+xml",
    )
    _sub(channel, "title", show.title)
    _sub(channel, "link", config.base_url)
    _sub(channel, "description", show.description)
    _sub(channel, "language", show_language(config))
    if show.copyright:
        _sub(channel, "copyright", show.copyright)
    _sub(channel, "generator", "site-builder")
    if show.image:
        _sub(channel, "itunes:image", href=media_url(config, show.image, not is_remote(show.image)))
    for names in show.categories:  # a category, then optionally its subcategory inside it
        parent = channel
        for name in names[:2]:
            parent = ET.SubElement(parent, f"{{{ITUNES}}}category", {"text": name})
    _sub(channel, "itunes:explicit", "true" if show.explicit else "false")
    _sub(channel, "itunes:author", author)
    _sub(channel, "itunes:type", show.type)
    if show.new_feed_url:
        _sub(channel, "itunes:new-feed-url", show.new_feed_url)
    if show.owner:
        owner = _sub(channel, "itunes:owner")
        _sub(owner, "itunes:name", show.owner.name)
        if show.owner.email:
            _sub(owner, "itunes:email", show.owner.email)


def _podcasting_show(channel: ET.Element, config: SiteConfig, guid: str) -> None:
    """The channel's Podcasting 2.0 elements, up to (not including) its people."""
    show = config.podcast
    assert show is not None
    _sub(channel, "podcast:guid", guid)
    email = show.owner.email if show.owner else None
    # without an owner's email a lock names no one to ask, and only `no` says anything then
    if email or not show.locked:
        _sub(
            channel,
            "podcast:locked",
            "yes" if show.locked else "no",
            **({"owner": email} if email else {}),
        )
    _funding(channel, show.funding)
    if show.location:
        place = show.location
        attrs = {k: v for k, v in (("geo", place.geo), ("osm", place.osm)) if v}
        _sub(channel, "podcast:location", place.name, **attrs)
    for entry in show.txt:
        _sub(
            channel,
            "podcast:txt",
            entry.text,
            **({"purpose": entry.purpose} if entry.purpose else {}),
        )
    if show.podroll:
        roll = _sub(channel, "podcast:podroll")
        for feed in show.podroll:
            attrs = {"feedGuid": feed.guid, **({"feedUrl": feed.url} if feed.url else {})}
            _sub(roll, "podcast:remoteItem", **attrs)
    _sub(channel, "podcast:medium", "podcast")


def _describe_episode(
    item: ET.Element, config: SiteConfig, view: View, guid: str, content: str
) -> None:
    """An item's RSS elements: its title, audio, guid, date, page and text."""
    episode: Episode = view.item
    audio = episode.audio
    assert audio is not None and audio.length
    _sub(item, "title", episode.title)
    _sub(
        item,
        "enclosure",
        url=media_url(config, audio.url, audio.local),
        length=str(audio.length),
        type=audio.type,
    )
    _sub(item, "guid", episode_guid(guid, episode), isPermaLink="false")
    if episode.date:
        _sub(item, "pubDate", format_datetime(episode.date))
    _sub(item, "link", config.base_url[: -len(config.base_path)] + view.url)
    _sub(item, "description", view.summary or episode.title)
    _sub(item, "content:encoded", content)


def _itunes_episode(item: ET.Element, config: SiteConfig, episode: Episode) -> None:
    """An item's iTunes elements; an episode's `explicit` falls back to the show's."""
    show = config.podcast
    assert show is not None
    if episode.duration is not None:
        _sub(item, "itunes:duration", str(episode.duration))
    if episode.image:
        local = not is_remote(episode.image)
        _sub(item, "itunes:image", href=media_url(config, episode.image, local))
    if episode.number is not None:
        _sub(item, "itunes:episode", str(episode.number))
    if episode.season:
        _sub(item, "itunes:season", str(episode.season))
    _sub(item, "itunes:episodeType", episode.episode_type)
    explicit = show.explicit if episode.explicit is None else episode.explicit
    _sub(item, "itunes:explicit", "true" if explicit else "false")


def _podcasting_episode(item: ET.Element, config: SiteConfig, episode: Episode) -> None:
    """An item's Podcasting 2.0 elements, up to (not including) its people."""
    show = config.podcast
    assert show is not None
    if episode.season:
        name = show.seasons.get(episode.season)
        _sub(item, "podcast:season", str(episode.season), **({"name": name} if name else {}))
    if episode.number is not None:
        _sub(item, "podcast:episode", str(episode.number))
    files = episode_files(episode)
    if episode.transcript:
        attrs = {"rel": "captions"} if episode.transcript.kind == "vtt" else {}
        _sub(
            item,
            "podcast:transcript",
            url=config.base_url + files["transcript"],
            type=episode.transcript.mime_type,
            **attrs,
        )
    for remote in () if episode.transcript else _remote_transcripts(episode):
        _sub(item, "podcast:transcript", **remote)
    if episode.chapters:
        _sub(
            item,
            "podcast:chapters",
            url=config.base_url + files["chapters"],
            type="application/json+chapters",
        )
    _alternate_enclosures(item, config, episode)
    for post in episode.social:
        attrs = {"uri": post.url, "protocol": post.protocol}
        if post.account:
            attrs["accountId"] = post.account
        if post.account_url:
            attrs["accountUrl"] = post.account_url
        _sub(item, "podcast:socialInteract", **attrs)
    _funding(item, episode.funding)


def _alternate_enclosures(item: ET.Element, config: SiteConfig, episode: Episode) -> None:
    """Each alternate audio file; the enclosure is listed first too, as the default choice."""
    audio = episode.audio
    if not episode.alternate_audio:
        return
    assert audio is not None
    default = _sub(
        item,
        "podcast:alternateEnclosure",
        type=audio.type,
        length=str(audio.length),
        default="true",
    )
    _sub(default, "podcast:source", uri=media_url(config, audio.url, audio.local))
    for other in episode.alternate_audio:
        attrs = {"type": other.type, "length": str(other.length)}
        if other.bitrate:
            attrs["bitrate"] = str(other.bitrate)
        if other.title:
            attrs["title"] = other.title
        _sub(
            _sub(item, "podcast:alternateEnclosure", **attrs),
            "podcast:source",
            uri=other.url,
        )


def _remote_transcripts(episode: Episode) -> list[dict[str, str]]:
    """`transcripts: [{url, type}]` of an imported episode (checked when it was read): the old
    host's transcripts, still announced by the feed (with their language and rel, if any)."""
    found = episode.meta.get("transcripts")
    return [
        {k: str(t[k]) for k in ("url", "type", "language", "rel") if t.get(k) is not None}
        for t in (found if isinstance(found, list) else ())
        if isinstance(t, dict) and is_remote(str(t.get("url", ""))) and t.get("type")
    ]


def _funding(parent: ET.Element, funding: Sequence[Funding]) -> None:
    for entry in funding:
        _sub(parent, "podcast:funding", entry.text or None, url=entry.url)
