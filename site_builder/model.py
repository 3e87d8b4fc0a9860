"""The site's content as immutable values: what load produces and everything after reads."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

Path_ = tuple[str | int, ...]  # a key's place in front matter: ("audio", "url"), ("tags", 2)
# file suffix -> media type: the files an episode's audio may be, and its transcripts
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".pdf": "application/pdf",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
}
ENCLOSURE_SUFFIXES = (".mp3", ".m4a", ".mp4", ".mov", ".m4v", ".pdf")  # what podcast apps play


def pickled_by_fields(cls: type) -> type:
    """A frozen dataclass pickled as its class and its fields' values, made again by calling
    it: a third of the time of the dataclass's own `__getstate__`/`__setstate__`, for the
    thousands the build cache and the worker processes pickle. Only for classes whose every
    field is an argument of `__init__` and that have no `__post_init__`."""
    assert all(f.init for f in fields(cls)) and not hasattr(cls, "__post_init__"), cls
    values = operator.attrgetter(*(f.name for f in fields(cls)))

    def __reduce__(self):
        return (cls, values(self))

    cls.__reduce__ = __reduce__
    return cls


def key_line(lines: dict[Path_, int], key: Path_) -> int:
    """The line of a key (or of its nearest located parent), else the first line."""
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return 1


# What no feed carries: the characters XML 1.0 does not allow anywhere, not even escaped, and
# U+007F, which it allows but discourages and no reader shows. The body's warning (load/readers) and
# the JSON feed use this same table, so the warning's "feeds leave it out" holds for every feed.
UNCARRIED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# kind -> the URL section its items live under; pages live at the site root.


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of item: its URL section, its folder under content/, and, where the file's name
    also says the item's date or number, the pattern that splits that from the slug."""

    name: str
    section: str  # "" for pages, which live at the site root
    folder: str
    file_name: re.Pattern[str] | None = None


KINDS = {
    kind.name: kind
    for kind in (
        Kind("essay", "essays", "essays", re.compile(r"(\d{4}-\d{2}-\d{2})-(.+)")),
        Kind("episode", "episodes", "episodes", re.compile(r"(\d+)-(.+)")),
        Kind("concept", "glossary", "glossary"),
        Kind("page", "", "pages"),
        Kind("person", "people", "people"),
        Kind("series", "series", "series"),
    )
}
SECTIONS = {name: kind.section for name, kind in KINDS.items()}
KIND_OF_FOLDER = {kind.folder: name for name, kind in KINDS.items()}
KIND_OF_SECTION = {section: kind for kind, section in SECTIONS.items() if section}
# Typed relations read both ways: the label on the other concept's page.
RELATION_INVERSES = {
    "precondition_of": "requires",
    "requires": "precondition_of",
    "part_of": "includes",
    "includes": "part_of",
    "example_of": "has_example",
    "has_example": "example_of",
    "leads_to": "follows_from",
    "follows_from": "leads_to",
    "causes": "caused_by",
    "caused_by": "causes",
    "contrasts_with": "contrasts_with",
    "alternative_to": "alternative_to",
}


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    speaker: str | None
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Transcript:
    path: str  # the source file, relative to the site root
    kind: str  # "vtt", "srt" or "json": the file's suffix
    cues: tuple[Cue, ...]

    @property
    def mime_type(self) -> str:
        return MEDIA_TYPES["." + self.kind]


@dataclass(frozen=True, slots=True)
class Item:
    """Fields every kind of content has."""

    kind: str
    slug: str
    title: str
    path: str  # source file, relative to the site root, with '/' separators
    body: str
    body_line: int
    date: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()
    concepts: tuple[str, ...] = ()
    draft: bool = False
    autolink: bool | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # all front matter, for templates
    extra: dict[str, Any] = field(default_factory=dict)  # the author's own data, `extra:`
    lines: dict[tuple, int] = field(default_factory=dict)  # key path -> line in the file

    @property
    def key(self) -> str:
        """Unique across the site: `essays/slug`, `glossary/slug`, `pages/slug` …"""
        return f"{SECTIONS[self.kind] or 'pages'}/{self.slug}"

    @property
    def url_path(self) -> str:
        """The page's path under the site root, without the base path: `essays/slug/`."""
        section = SECTIONS[self.kind]
        return f"{section}/{self.slug}/" if section else f"{self.slug}/"

    def line_of(self, *key: str | int) -> int:
        return key_line(self.lines, key)


@dataclass(frozen=True, slots=True)
class Membership:
    """`series:` on an essay or episode: the series' slug, and its part when the author numbers
    the parts (else the parts follow the members' dates)."""

    slug: str
    part: int | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Essay(Item):
    episode: str | None = None  # episode slug or number as written
    series: Membership | None = None
    responses: tuple[Response, ...] = ()  # oldest first (see responses.py)
    people: tuple[str, ...] = ()  # people it is about: slugs, names or aliases as written
    related: tuple[str, ...] | None = ()  # related reading: pieces pinned first; None: off


@dataclass(frozen=True, slots=True)
class Response:
    """A reader's letter published under an essay, and the author's reply."""

    name: str
    date: datetime
    body: str
    body_line: int  # in the responses file
    anchor: str  # unique on the page, kept when other responses are added
    url: str | None = None
    reply: str | None = None
    reply_line: int = 0


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Audio:
    url: str  # absolute, or for a file in content/media its path below the site: media/x.mp3
    length: int | None  # bytes
    type: str
    local: bool = False


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Chapter:
    start: int  # seconds
    title: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Funding:
    """podcast:funding: where listeners can support the show, and the words of the link."""

    url: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class SocialPost:
    """podcast:socialInteract: the post under which listeners discuss an episode."""

    url: str
    protocol: str = "activitypub"
    account: str | None = None  # the poster's account, e.g. @mara@example.social
    account_url: str | None = None


@dataclass(frozen=True, slots=True)
class AlternateAudio:
    """podcast:alternateEnclosure: the same episode in another file (Opus, a low bitrate)."""

    url: str
    type: str
    length: int
    bitrate: float | None = None  # bits per second
    title: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Episode(Item):
    number: int | None = None
    season: int | None = None
    recorded: datetime | None = None
    audio: Audio | None = None
    duration: int | None = None
    explicit: bool | None = None
    episode_type: str = "full"
    guests: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()  # none: the show's (config podcast.hosts)
    chapters: tuple[Chapter, ...] = ()
    transcript: Transcript | None = None
    transcript_file: str | None = None  # `transcript:`, a file beside the episode
    image: str | None = None
    guid: str | None = None
    social: tuple[SocialPost, ...] = ()
    alternate_audio: tuple[AlternateAudio, ...] = ()
    funding: tuple[Funding, ...] = ()
    series: Membership | None = None
    related: tuple[str, ...] | None = ()  # as Essay.related


@dataclass(frozen=True, slots=True)
class SourceRef:
    author: str
    title: str
    year: int | None = None
    url: str | None = None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Concept(Item):
    definition: str = ""
    aliases: tuple[str, ...] = ()
    quiet_aliases: tuple[str, ...] = ()  # aliases that resolve wikilinks but never autolink
    forms: tuple[str, ...] = ()  # extra word forms that autolink (plurals come for free)
    related: tuple[str, ...] = ()
    relations: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (kind, concept slugs)
    sources: tuple[SourceRef, ...] = ()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Page(Item):
    menu: int | None = None


@dataclass(frozen=True, slots=True)
class PersonLink:
    label: str  # "Website", "Mastodon", …: as written, or from the address
    url: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Person(Item):
    """Someone the site is about: a host, a guest, a statesman quoted. `title` is the name and
    `summary` the one-sentence bio, so lists and labels treat them like any item."""

    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # Podcasting 2.0 taxonomy roles, lowercase: host, guest, …
    image: str | None = None
    links: tuple[PersonLink, ...] = ()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Series(Item):
    """A run of essays and episodes read in order (content/series/): its title, summary and
    body are the Item's; its parts are the items whose `series:` names it (link/series.py)."""
