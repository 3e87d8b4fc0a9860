"""site.yaml's `podcast:` section -> PodcastConfig, the show as its feed describes it, and the
Podcasting 2.0 guid of a feed URL. config.py reads the rest of site.yaml, and lists the keys
of both (KEYS)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from .load.fields import FieldReader
from .load.podcast_fields import read_funding
from .load.values import parse_whole_number
from .model import Funding


@dataclass(frozen=True, slots=True)
class Person:
    """A person as site.yaml names one: the site's `author:`, the show's `owner:`."""

    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """A show in the podroll (podcast:remoteItem): its Podcasting 2.0 guid, and its URL."""

    guid: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    """podcast:location: what the show is about, as a name, and optionally a geo URI and an
    OpenStreetMap object."""

    name: str
    geo: str | None = None
    osm: str | None = None


@dataclass(frozen=True, slots=True)
class Txt:
    """podcast:txt: a verification token a directory or host asked the show to publish."""

    text: str
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class PodcastConfig:
    title: str
    description: str
    image: str | None
    categories: tuple[tuple[str, ...], ...]  # (category, optional subcategory), at most three
    explicit: bool
    owner: Person | None
    type: str
    guid: str | None
    hosts: tuple[str, ...] = ()  # podcast:person role="host"; the site's author by default
    new_feed_url: str | None = None  # itunes:new-feed-url, for the day the feed moves away
    locked: bool = True
    copyright: str | None = None
    funding: tuple[Funding, ...] = ()
    podroll: tuple[RemoteFeed, ...] = ()
    location: Location | None = None
    txt: tuple[Txt, ...] = ()
    seasons: dict[int, str] = field(default_factory=dict)  # number -> podcast:season name
    author: str | None = None  # itunes:author, when not the site's author (as imported)
    language: str | None = None  # the show's language, when not the site's (as imported)
    extra: dict[str, Any] = field(default_factory=dict)


def read_person(r: FieldReader, key: str) -> Person | None:
    if not isinstance(r.get(key), dict):
        return None
    p = r.within(key)
    name = p.text("name", required=True)
    return Person(name, p.text("email")) if name else None


def read_podcast(p: FieldReader) -> PodcastConfig:
    return PodcastConfig(
        title=p.text("title", required=True) or "",
        description=p.text("description", required=True) or "",
        image=p.text("image"),
        categories=_categories(p),
        explicit=bool(p.boolean("explicit", default=False)),
        owner=read_person(p, "owner"),
        type=p.choice("type", ("episodic", "serial"), "episodic"),
        guid=p.text("guid"),
        hosts=p.text_list("hosts"),
        new_feed_url=p.url("new_feed_url", absolute=True),
        locked=bool(p.boolean("locked", default=True)),
        copyright=p.text("copyright"),
        funding=read_funding(p),
        podroll=_podroll(p),
        location=_location(p),
        txt=_txt(p),
        seasons=_seasons(p),
        author=p.text("author"),
        language=p.text("language"),
        extra=dict(p.data),
    )


def _categories(p: FieldReader) -> tuple[tuple[str, ...], ...]:
    """`category: [News, Politics]` (one), or `categories:` a list of up to three such pairs
    (or single names); which ones Apple knows is checked with the rest of the podcast."""
    if p.has("categories"):
        if p.has("category"):
            p.error("category", "give either `category:` or `categories:`, not both")
        value = p.get("categories")
        if not isinstance(value, list):
            p.error("categories", "'categories' must be a list: `categories: [[News, Politics]]`")
            return ()
        out = []
        for i, entry in enumerate(value):
            names = [entry] if isinstance(entry, str) else entry
            if not (
                isinstance(names, list)
                and 1 <= len(names) <= 2
                and all(isinstance(n, str) and n.strip() for n in names)
            ):
                p.within("categories").error(
                    i,
                    f"'categories' item {i + 1} must be a category and optionally one subcategory",
                    "write e.g. [Society & Culture, Philosophy] or [History]",
                )
                continue
            out.append(tuple(n.strip() for n in names))
        return tuple(out)
    return (p.text_list("category"),) if p.has("category") else ()


def _podroll(p: FieldReader) -> tuple[RemoteFeed, ...]:
    """Shows recommended: each a Podcasting 2.0 guid, a feed URL, or `{guid, url}`."""
    value = p.get("podroll")
    if value is None:
        return ()
    if not isinstance(value, list):
        p.error("podroll", "'podroll' must be a list of feed guids or feed URLs")
        return ()
    feeds = []
    items = p.within("podroll")
    for i, entry in enumerate(value):
        if isinstance(entry, dict):
            r = items.within(i)
            guid, url = r.text("guid"), r.url("url", absolute=True)
        elif isinstance(entry, str) and entry.strip().lower().startswith(("http:", "https:")):
            guid, url = None, items.url(i, absolute=True)
        elif isinstance(entry, str):
            guid, url = entry.strip(), None
        else:
            items.error(
                i, f"'podroll' item {i + 1} must be a feed guid, a feed URL or {{guid, url}}"
            )
            continue
        if guid is None and url is None:
            continue
        # a feed with no guid of its own is known by the one derived from its URL
        feeds.append(RemoteFeed(guid or podcast_guid(url or ""), url))
    return tuple(feeds)


PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 GUID: UUIDv5 of the feed URL without scheme and trailing slashes
    (what a feed that sets no guid of its own is known by)."""
    name = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, name))


def _location(p: FieldReader) -> Location | None:
    """`location: Name` or `location: {name, geo, osm}`."""
    if isinstance(p.get("location"), dict):
        r = p.within("location")
        name = r.text("name", required=True)
        return Location(name, r.text("geo"), r.text("osm")) if name else None
    name = p.text("location")
    return Location(name) if name else None


def _txt(p: FieldReader) -> tuple[Txt, ...]:
    """`txt:` verification tokens: each a text or `{text, purpose}`."""
    value = p.get("txt")
    if value is None:
        return ()
    entries = value if isinstance(value, list) else [value]
    found = []
    for i, entry in enumerate(entries):
        if isinstance(entry, dict):
            r = p.within("txt", i) if isinstance(value, list) else p.within("txt")
            text = r.text("text", required=True)
            if text:
                found.append(Txt(text, r.text("purpose")))
        elif isinstance(entry, str) and entry.strip():
            found.append(Txt(entry.strip()))
        else:
            p.error("txt", f"'txt' item {i + 1} must be text or {{text, purpose}}")
    return tuple(found)


def _seasons(p: FieldReader) -> dict[int, str]:
    """`seasons: {1: "Origins"}`: the name of each season, by its number."""
    value = p.get("seasons")
    if value is None:
        return {}
    if not isinstance(value, dict):
        p.error("seasons", "'seasons' must map season numbers to names: `seasons: {1: Origins}`")
        return {}
    names = {}
    r = p.within("seasons")
    for key in value:
        try:
            number = parse_whole_number(str(key)) if not isinstance(key, bool) else None
        except ValueError:
            number = None
        name = r.text(key)
        if number is None or number < 1:
            r.error(key, f"season '{key}' is not a season number (1, 2, …)")
        elif name:
            names[number] = name
    return dict(sorted(names.items()))
