"""site.yaml -> SiteConfig, with every problem reported at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ContentError, Diagnostic, errors_in
from .fields import EXTRA, FieldReader, Keys
from .frontmatter import Source, decode, key_line, parse_yaml

CONFIG_FILE = "site.yaml"
AUTOLINK_MODES = ("first", "all", "off")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class PodcastConfig:
    title: str
    description: str
    image: str | None
    category: tuple[str, ...]
    explicit: bool
    owner: Person | None
    type: str
    guid: str | None
    hosts: tuple[str, ...] = ()  # podcast:person role="host"; the site's author by default
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
        "explicit",
        "type",
        "guid",
        "hosts",
        owner=_PERSON,
    ),
    glossary=_keys("autolink"),
    responses=_keys("email"),
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
    )
    for key in ("podcast", "glossary", "responses", "author"):
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
        category=p.text_list("category"),
        explicit=bool(p.boolean("explicit", default=False)),
        owner=_person(p, "owner"),
        type=p.choice("type", ("episodic", "serial"), "episodic"),
        guid=p.text("guid"),
        hosts=p.text_list("hosts"),
        extra=dict(p.data),
    )
