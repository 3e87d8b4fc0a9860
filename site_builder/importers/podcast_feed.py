"""A podcast feed, read: its channel (refused when it is locked, unless it is the owner's),
each item as an episode's front matter, and the channel as site.yaml's `podcast:` section
(podcast.py decides which items become files)."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from ..errors import UsageError
from ..load.values import format_duration, parse_duration
from ..podcast_config import podcast_guid
from .common import KNOWN_PREFIXES, feed_date, iso, parse_xml
from .markup import first_sentence, html_to_markdown, plain_text

NS = KNOWN_PREFIXES
# `00:00 Intro`, `(12:34) The Korea model`, `[1:02:03] - Questions`
_TIMESTAMP = re.compile(
    r"^\s*[-*\u2022]?\s*[\(\[]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\)\]]?\s*[-\u2013\u2014:|]?\s+(\S.*?)\s*$"
)


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed podcast feed: its channel, and where a relative `podcast:chapters` path
    starts (the feed file's folder, for a feed read from a file)."""

    channel: Element
    source: str
    folder: Path | None


def read_feed(data: bytes, source: str, folder: Path | None, owner: bool) -> tuple[Feed, list[str]]:
    """The feed in `data`, or a UsageError saying why it is not one or may not be imported
    (`podcast:locked`, unless `owner`); and the warnings."""
    root = parse_xml(data, source)
    tag = root.tag.rsplit("}", 1)[-1]
    channel = root.find("channel") if tag == "rss" else None
    if channel is None:
        hint = " (an Atom feed: podcast feeds are RSS; `import feed` reads posts)" * (tag == "feed")
        raise UsageError(f"{source} is not an RSS podcast feed: its root is <{tag}>{hint}")
    notes = []
    if find_text(channel, "podcast:locked").lower() == "yes":
        if not owner:
            raise UsageError(
                f"{source} is locked: its <podcast:locked> says 'yes', which asks every service "
                "but the owner's host not to import it. If it is your show, turn the lock off "
                "in your hosting service's settings (often 'Allow import' or 'Feed lock') and "
                "import again once the feed says 'no', or pass --owner to confirm that you "
                "own it"
            )
        notes.append(
            f"{source} is locked (podcast:locked): importing it because --owner says it is yours"
        )
    return Feed(channel, source, folder), notes


def written_number(item: Element) -> str:
    """The episode number as the item writes it (`read_episode` takes it if it is one)."""
    return find_text(item, "itunes:episode") or find_text(item, "podcast:episode")


def read_episode(feed: Feed, item: Element, title: str, guid: str) -> dict[str, Any]:
    """The front matter of one item (in the order an author would write it), its notes under
    `notes`."""
    notes_html = find_text(item, "content:encoded") or find_text(item, "description")
    notes, _ = html_to_markdown(notes_html)
    text = plain_text(notes_html)
    kind = find_text(item, "itunes:episodeType").lower()
    meta: dict[str, Any] = {
        "title": title,
        "number": whole_number(written_number(item)),
        "season": whole_number(
            find_text(item, "itunes:season") or find_text(item, "podcast:season")
        ),
        "date": iso(feed_date(find_text(item, "pubDate"))),
        "episode_type": kind if kind in ("trailer", "bonus") else "full",
        "explicit": _explicit(find_text(item, "itunes:explicit")),
        "duration": _duration(find_text(item, "itunes:duration")),
        "audio": _audio(item),
        "image": find_attr(item, "itunes:image", "href") or None,
        "summary": _summary(item, text),
        "guests": _people(item, "guest") or None,
        "chapters": _local_chapters(feed, item) or _timestamp_chapters(text) or None,
        "transcripts": _transcripts(item) or None,
        "guid": guid,
        "notes": notes,
    }
    return {k: v for k, v in meta.items() if v is not None}


def read_show(feed: Feed) -> dict[str, Any]:
    """The channel's facts, under the names site.yaml's `podcast:` uses."""
    c = feed.channel
    categories = [
        [
            unescape(top.get("text", "")),
            *[unescape(s.get("text", "")) for s in _all(top, "itunes:category")][:1],
        ]
        for top in _all(c, "itunes:category")
        if top.get("text")
    ]
    owner = c.find("itunes:owner", NS)
    self_url = next(
        (a.get("href") for a in _all(c, "atom:link") if a.get("rel") == "self" and a.get("href")),
        feed.source if feed.source.startswith(("http://", "https://")) else None,
    )
    guid = find_text(c, "podcast:guid") or (podcast_guid(self_url) if self_url else None)
    funding = [
        {"url": f.get("url"), "text": (f.text or "").strip() or None}
        for f in _all(c, "podcast:funding")
        if f.get("url")
    ]
    description = find_text(c, "description") or find_text(c, "itunes:summary")
    show: dict[str, Any] = {
        "title": unescape(find_text(c, "title")),
        "description": " ".join(plain_text(description).split())
        if "<" in description
        else description,
        "image": find_attr(c, "itunes:image", "href") or find_text(c, "image/url") or None,
        # one as `category:`, several (Apple reads three at most) as `categories:`
        "category": categories[0] if len(categories) == 1 else None,
        "categories": categories[:3] if len(categories) > 1 else None,
        "explicit": _explicit(find_text(c, "itunes:explicit")),
        "owner": _owner(owner) if owner is not None else None,
        "author": find_text(c, "itunes:author") or None,
        "type": find_text(c, "itunes:type").lower() or None,
        "language": find_text(c, "language") or None,
        "guid": guid,
        "locked": {"yes": True, "no": False}.get(find_text(c, "podcast:locked").lower()),
        "funding": [{k: v for k, v in f.items() if v} for f in funding] or None,
        "copyright": find_text(c, "copyright") or None,
        "new_feed_url": find_text(c, "itunes:new-feed-url") or None,
        "hosts": _people(c, "host") or None,
    }
    return {k: v for k, v in show.items() if v not in (None, "")}


def _owner(owner: Element) -> dict[str, str] | None:
    found = {"name": find_text(owner, "itunes:name"), "email": find_text(owner, "itunes:email")}
    return {k: v for k, v in found.items() if v} or None


def _all(el: Element, tag: str) -> list[Element]:
    return el.findall(tag, NS)


def find_text(el: Element, tag: str) -> str:
    """The text of `el`'s first `tag` (a prefixed name, as NS spells it), stripped; '' if none."""
    found = el.find(tag, NS)
    return (found.text or "").strip() if found is not None else ""


def find_attr(el: Element, tag: str, name: str) -> str:
    """Attribute `name` of `el`'s first `tag`, stripped; '' if either is missing."""
    found = el.find(tag, NS)
    return (found.get(name) or "").strip() if found is not None else ""


def whole_number(text: str) -> int | None:
    """`text` as a number of 1 or more written in ASCII digits, else None."""
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None


def _explicit(text: str) -> bool | None:
    value = text.lower()
    return (
        True
        if value in ("yes", "true", "explicit")
        else False
        if value in ("no", "false", "clean")
        else None
    )


def _duration(text: str) -> int | None:
    """`itunes:duration` as `H:MM:SS`, `MM:SS` or seconds (`1834.5` too), in seconds."""
    if re.fullmatch(r"\d+\.\d+", text):
        return round(float(text))
    try:
        return parse_duration(text) if text else None
    except ValueError:
        return None


def _audio(item: Element) -> dict[str, Any]:
    enclosure = item.find("enclosure")
    assert enclosure is not None  # refused before when there is none
    audio: dict[str, Any] = {"url": enclosure.get("url", "").strip()}
    length = (enclosure.get("length") or "").strip()
    if length.isascii() and length.isdigit() and int(length) > 0:
        audio["length"] = int(length)
    if enclosure.get("type"):
        audio["type"] = enclosure.get("type", "").strip()
    return audio


def _summary(item: Element, text: str) -> str | None:
    for tag in ("itunes:summary", "itunes:subtitle"):
        found = find_text(item, tag)
        if found:
            return " ".join(plain_text(found).split()) if "<" in found else " ".join(found.split())
    return first_sentence(text)


def _people(el: Element, role: str) -> list[str]:
    return [
        " ".join(p.text.split())
        for p in _all(el, "podcast:person")
        if (p.get("role") or "host").lower() == role and p.text and p.text.strip()
    ]


def _transcripts(item: Element) -> list[dict[str, str]]:
    return [
        {k: t.get(k, "").strip() for k in ("url", "type", "language", "rel") if t.get(k)}
        for t in _all(item, "podcast:transcript")
        if t.get("url") and t.get("type")
    ]


def _local_chapters(feed: Feed, item: Element) -> list[dict[str, Any]]:
    """Chapters from a `podcast:chapters` JSON file that is local: a path beside the feed file,
    or a file: URL (one on the web is not downloaded: the notes' timestamps are used)."""
    url = find_attr(item, "podcast:chapters", "url")
    parts = urlsplit(url)
    if not url or parts.scheme not in ("", "file") or (feed.folder is None and not parts.scheme):
        return []
    path = Path(unquote(parts.path)) if parts.scheme == "file" else feed.folder / unquote(url)
    try:
        chapters = json.loads(path.read_text(encoding="utf-8")).get("chapters", [])
    except (OSError, ValueError, AttributeError):
        return []
    found = [
        {"start": format_duration(int(c["startTime"])), "title": str(c["title"]).strip()}
        | ({"url": c["url"]} if isinstance(c.get("url"), str) else {})
        for c in chapters
        if isinstance(c, dict) and isinstance(c.get("startTime"), (int, float)) and c.get("title")
    ]
    return found if _in_order(found) else []


def _timestamp_chapters(text: str) -> list[dict[str, Any]]:
    """Chapters from lines of the notes that start with a time: two or more, in order."""
    found = []
    for line in text.splitlines():
        m = _TIMESTAMP.match(line)
        if m:
            found.append(
                {"start": format_duration(parse_duration(m.group(1))), "title": m.group(2)}
            )
    return found if len(found) >= 2 and _in_order(found) else []


def _in_order(chapters: list[dict[str, Any]]) -> bool:
    starts = [parse_duration(c["start"]) for c in chapters]
    return all(a < b for a, b in itertools.pairwise(starts))
