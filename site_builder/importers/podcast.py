"""`site-builder import podcast FEED`: one episode file per item of an RSS podcast feed, and
the channel's facts in site.yaml's `podcast:` section.

What must survive the move (Castopod's importer is the reference) is what apps know the show
and its episodes by: the podcast guid, each item's guid exactly as it was, each enclosure's
URL, length and type, each pubDate as the same instant. Those are copied, never made up.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from ..errors import UsageError
from ..link.index import file_slug
from ..load.values import format_duration, parse_duration
from ..podcast_config import podcast_guid
from ..slugs import slugify
from .common import (
    KNOWN_PREFIXES,
    Outcome,
    existing_values,
    feed_date,
    free_name,
    front_matter,
    front_matters,
    iso,
    parse_xml,
    unique_slug,
)
from .markup import first_sentence, html_to_markdown, plain_text
from .siteyaml import merge_section

NS = KNOWN_PREFIXES
EPISODES = "content/episodes"
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
    if _text(channel, "podcast:locked").lower() == "yes":
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


def import_podcast(feed: Feed, root: Path, site_yaml: str) -> Outcome:
    """Every file the import writes (episodes not imported before, site.yaml merged), what
    was skipped or refused, and what differs: nothing is written here."""
    out = Outcome()
    section = root / EPISODES
    known = existing_values(section, "guid")
    taken_names: set[str] = set()
    slugs = {file_slug(p.name) for p in section.glob("*.md")} if section.is_dir() else set()
    numbers = _numbers_in(section)
    seen: dict[str, int] = {}
    episodes = []
    for position, item in enumerate(feed.channel.findall("item"), 1):
        title = unescape(_text(item, "title") or _text(item, "itunes:title"))
        label = f"item {position} {title!r}" if title else f"item {position}"
        guid = _text(item, "guid") or _attr(item, "enclosure", "url")
        why = _refusal(item, title, guid, seen)
        if why:
            out.refused.append(f"{label}: {why}")
            continue
        seen[guid] = position
        if guid in known:
            out.skipped += 1
            continue
        episodes.append((position, item, title, guid))
    fields = [_episode(feed, item, title, guid) for _, item, title, guid in episodes]
    out.notes += _number(fields, [(p, title) for p, _, title, _ in episodes], numbers)
    for meta in fields:
        slug = unique_slug(slugify(meta["title"], "episode"), slugs)
        number = meta.get("number")
        name = free_name(section, f"{number:03d}-{slug}" if number else slug, taken_names)
        body = meta.pop("notes")
        out.files[f"{EPISODES}/{name}"] = front_matter(meta, body)
        out.new += 1
    show = _show(feed)
    merged, differ = merge_section(site_yaml, "podcast", show)
    out.notes += differ
    if merged != site_yaml:
        out.files["site.yaml"] = merged.encode()
    return out


def _number(
    fields: list[dict[str, Any]],
    labels: list[tuple[int, str]],
    numbers: dict[int | None, set[int]],
) -> list[str]:
    """Number the full episodes that have no number: after the highest number of their season
    (the site's and the feed's), oldest first; a note for each."""
    for meta in fields:
        if meta.get("number") is not None:
            numbers.setdefault(meta.get("season"), set()).add(meta["number"])
    notes = []
    for (position, title), meta in sorted(
        zip(labels, fields, strict=True), key=lambda pair: datetime.fromisoformat(pair[1]["date"])
    ):
        if meta.get("number") is None and meta["episode_type"] == "full":
            used = numbers.setdefault(meta.get("season"), set())
            meta["number"] = max(used, default=0) + 1
            used.add(meta["number"])
            notes.append(
                f"item {position} {title!r} has no itunes:episode: numbered {meta['number']}"
            )
    return notes


def _refusal(item: Element, title: str, guid: str, seen: dict[str, int]) -> str | None:
    if not title:
        return "no title: not imported"
    url = _attr(item, "enclosure", "url")
    if not url:
        return "no enclosure (no audio for apps to play): not imported"
    if guid in seen:
        return f"its guid is also item {seen[guid]}'s: not imported"
    try:
        feed_date(_text(item, "pubDate"))
    except ValueError as exc:
        return f"{exc}: not imported"
    return None


def _episode(feed: Feed, item: Element, title: str, guid: str) -> dict[str, Any]:
    """The front matter of one item (in the order an author would write it), its notes under
    `notes`."""
    notes_html = _text(item, "content:encoded") or _text(item, "description")
    notes, _ = html_to_markdown(notes_html)
    text = plain_text(notes_html)
    kind = _text(item, "itunes:episodeType").lower()
    meta: dict[str, Any] = {
        "title": title,
        "number": _whole(_text(item, "itunes:episode") or _text(item, "podcast:episode")),
        "season": _whole(_text(item, "itunes:season") or _text(item, "podcast:season")),
        "date": iso(feed_date(_text(item, "pubDate"))),
        "episode_type": kind if kind in ("trailer", "bonus") else "full",
        "explicit": _explicit(_text(item, "itunes:explicit")),
        "duration": _duration(_text(item, "itunes:duration")),
        "audio": _audio(item),
        "image": _attr(item, "itunes:image", "href") or None,
        "summary": _summary(item, text),
        "guests": _people(item, "guest") or None,
        "chapters": _local_chapters(feed, item) or _timestamp_chapters(text) or None,
        "transcripts": _transcripts(item) or None,
        "guid": guid,
        "notes": notes,
    }
    return {k: v for k, v in meta.items() if v is not None}


def _show(feed: Feed) -> dict[str, Any]:
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
    guid = _text(c, "podcast:guid") or (podcast_guid(self_url) if self_url else None)
    funding = [
        {"url": f.get("url"), "text": (f.text or "").strip() or None}
        for f in _all(c, "podcast:funding")
        if f.get("url")
    ]
    description = _text(c, "description") or _text(c, "itunes:summary")
    show: dict[str, Any] = {
        "title": unescape(_text(c, "title")),
        "description": " ".join(plain_text(description).split())
        if "<" in description
        else description,
        "image": _attr(c, "itunes:image", "href") or _text(c, "image/url") or None,
        # one as `category:`, several (Apple reads three at most) as `categories:`
        "category": categories[0] if len(categories) == 1 else None,
        "categories": categories[:3] if len(categories) > 1 else None,
        "explicit": _explicit(_text(c, "itunes:explicit")),
        "owner": _owner(owner) if owner is not None else None,
        "author": _text(c, "itunes:author") or None,
        "type": _text(c, "itunes:type").lower() or None,
        "language": _text(c, "language") or None,
        "guid": guid,
        "locked": {"yes": True, "no": False}.get(_text(c, "podcast:locked").lower()),
        "funding": [{k: v for k, v in f.items() if v} for f in funding] or None,
        "copyright": _text(c, "copyright") or None,
        "new_feed_url": _text(c, "itunes:new-feed-url") or None,
        "hosts": _people(c, "host") or None,
    }
    return {k: v for k, v in show.items() if v not in (None, "")}


def _owner(owner: Element) -> dict[str, str] | None:
    found = {"name": _text(owner, "itunes:name"), "email": _text(owner, "itunes:email")}
    return {k: v for k, v in found.items() if v} or None


def _all(el: Element, tag: str) -> list[Element]:
    return el.findall(tag, NS)


def _text(el: Element, tag: str) -> str:
    found = el.find(tag, NS)
    return (found.text or "").strip() if found is not None else ""


def _attr(el: Element, tag: str, name: str) -> str:
    found = el.find(tag, NS)
    return (found.get(name) or "").strip() if found is not None else ""


def _whole(text: str) -> int | None:
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
        found = _text(item, tag)
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
    url = _attr(item, "podcast:chapters", "url")
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


def _numbers_in(section: Path) -> dict[int | None, set[int]]:
    """The episode numbers the site has already, by season (`number:`, else the file name's)."""
    numbers: dict[int | None, set[int]] = {}
    for path, data in front_matters(section):
        named = re.match(r"(\d+)-", path.name)
        number = _whole(str(data.get("number", ""))) or (int(named.group(1)) if named else None)
        if number:
            numbers.setdefault(_whole(str(data.get("season", ""))), set()).add(number)
    return numbers
