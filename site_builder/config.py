"""site.yaml -> SiteConfig, with every problem reported at once."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ContentError, Diagnostic, errors_in
from .load.fields import EXTRA, OPEN, FieldReader, Keys, read_funding
from .load.frontmatter import Source, decode, parse_yaml
from .load.values import parse_whole_number
from .model import Funding, key_line

CONFIG_FILE = "site.yaml"
CACHE_DIR = ".site-builder-cache"  # the build cache, in the site folder
AUTOLINK_MODES = ("first", "all", "off")


@dataclass(frozen=True, slots=True)
class Person:
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
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path
    title: str
    description: str
    base_url: str  # absolute, always ending in "/"
    language: str
    author: Person | None
    timezone: str
    podcast: PodcastConfig | None
    autolink: str
    search: bool
    responses_email: str | None
    icon: str | None = None  # the image icons are made from (see images/icons.py)
    extra: dict[str, Any] = field(default_factory=dict)  # `extra:`, the author's own data
    lines: dict[tuple, int] = field(default_factory=dict)  # key path -> line in site.yaml
    warnings: tuple[Diagnostic, ...] = ()  # reported with the build's own
    redirects: Any = None  # `redirects: {/old/: /new/}` as written (checked in redirects.py)
    people_autolink: str = "first"  # `people: {autolink: …}`, as the glossary's

    def line_of(self, *key: str | int) -> int:
        return key_line(self.lines, key)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. '/companion/'."""
        return urlsplit(self.base_url).path

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def with_base_url(self, base_url: str) -> SiteConfig:
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    """Absolute http(s) URL with a trailing slash; ValueError if it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{url}' is not an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError(f"'{url}' must not have a query or fragment")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _keys(*names: str, **tables: Keys) -> Keys:
    return {**dict.fromkeys(names), **tables}


_PERSON = _keys("name", "email")
# The keys site.yaml accepts: what `read_config` reads, and nothing else (a test holds the two
# together). Any other key is a warning at its line.
KEYS: Keys = _keys(
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "search",
    "icon",
    EXTRA,
    author=_PERSON,
    podcast=_keys(
        "title",
        "description",
        "image",
        "category",
        "categories",
        "explicit",
        "type",
        "guid",
        "hosts",
        "new_feed_url",
        "locked",
        "copyright",
        "podroll",
        "author",  # the show's itunes:author, as imported
        "language",  # the show's language, as imported
        owner=_PERSON,
        funding=_keys("url", "text"),
        location=_keys("name", "geo", "osm"),
        txt=_keys("text", "purpose"),
        seasons=_keys(OPEN),  # season numbers
    ),
    glossary=_keys("autolink"),
    people=_keys("autolink"),
    responses=_keys("email"),
    redirects=_keys(OPEN),  # old paths, any
)


def load_config(root: Path) -> SiteConfig:
    """Read `root/site.yaml`; raises ContentError listing every problem."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ContentError(
            [
                Diagnostic(
                    CONFIG_FILE,
                    None,
                    f"no {CONFIG_FILE} in {root}",
                    hint="run in a site folder or pass --root PATH",
                    code="config",
                )
            ]
        )
    text = decode(path.read_bytes(), CONFIG_FILE)
    data, lines = parse_yaml(text, CONFIG_FILE)
    return read_config(root, Source(CONFIG_FILE, data, lines))


def read_config(root: Path, source: Source) -> SiteConfig:
    problems: list[Diagnostic] = []
    r = FieldReader(source, problems, code="config")
    title = r.text("title", required=True) or ""
    base_url = "http://localhost/"
    raw_base = r.text("base_url", required=True)
    if raw_base:
        try:
            base_url = normalise_base_url(raw_base)
        except ValueError as exc:
            r.error("base_url", str(exc), "write e.g. https://example.org/companion/")
    timezone = r.text("timezone") or "UTC"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.error(
            "timezone", f"unknown time zone '{timezone}'", "use an IANA name like Europe/London"
        )
        timezone = "UTC"
    glossary = r.within("glossary") if isinstance(r.get("glossary"), dict) else None
    people = r.within("people") if isinstance(r.get("people"), dict) else None
    responses = r.within("responses") if isinstance(r.get("responses"), dict) else None
    email = responses.text("email") if responses else None
    if email and not re.fullmatch(r"[^@\s<>\"'?&]+@[^@\s<>\"'?&]+\.[^@\s<>\"'?&]+", email):
        responses.error("email", f"'responses.email': {email!r} is not an email address")
        email = None
    config = SiteConfig(
        root=root,
        title=title,
        description=r.text("description") or "",
        base_url=base_url,
        language=r.text("language") or "en",
        author=_person(r, "author"),
        timezone=timezone,
        podcast=_podcast(r.within("podcast")) if isinstance(r.get("podcast"), dict) else None,
        autolink=glossary.choice("autolink", AUTOLINK_MODES, "first") if glossary else "first",
        search=bool(r.boolean("search", default=True)),
        responses_email=email,
        icon=r.text("icon"),
        extra=r.mapping(EXTRA),
        lines=dict(source.lines),
        redirects=r.get("redirects"),
        people_autolink=people.choice("autolink", AUTOLINK_MODES, "first") if people else "first",
    )
    for key in ("podcast", "glossary", "responses", "author", "people"):
        if r.get(key) is not None and not isinstance(r.get(key), dict):
            r.error(key, f"'{key}' must be a mapping of keys to values")
    r.warn_unknown(KEYS, CONFIG_FILE, "site.extra")
    if errors_in(problems):
        raise ContentError(problems)
    return replace(config, warnings=tuple(problems))


def _person(r: FieldReader, key: str) -> Person | None:
    if not isinstance(r.get(key), dict):
        return None
    p = r.within(key)
    name = p.text("name", required=True)
    return Person(name, p.text("email")) if name else None


def _podcast(p: FieldReader) -> PodcastConfig:
    return PodcastConfig(
        title=p.text("title", required=True) or "",
        description=p.text("description", required=True) or "",
        image=p.text("image"),
        categories=_categories(p),
        explicit=bool(p.boolean("explicit", default=False)),
        owner=_person(p, "owner"),
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
        extra={**dict(p.data), "author": p.text("author"), "language": p.text("language")},
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
