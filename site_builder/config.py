"""site.yaml -> SiteConfig, with every problem reported at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ContentError, Diagnostic, errors_in
from .load.fields import EXTRA, OPEN, FieldReader, Keys, keys
from .load.frontmatter import Source, decode, parse_yaml
from .load.values import Refused
from .model import key_line
from .podcast_config import Person, PodcastConfig, read_person, read_podcast

CONFIG_FILE = "site.yaml"
CACHE_DIR = ".site-builder-cache"  # the build cache, in the site folder
AUTOLINK_MODES = ("first", "all", "off")


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
    def image_cache_dir(self) -> Path:
        """Where `build` keeps the images it made (images/process.py); `serve` reads them too."""
        return self.root / CACHE_DIR / "images"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def with_base_url(self, base_url: str) -> SiteConfig:
        return replace(self, base_url=normalise_base_url(base_url))


# What a base URL's host and path may hold as written. Every page, feed and sitemap has the
# base in it, so what a browser, a feed reader or a sitemap parser would read otherwise is
# refused: a space or a quote, `//` (`href="//double/…"` points at a host called "double"), a
# name and password (shown to every reader), a host not in ASCII.
_HOST = re.compile(r"(?:[\w-]+(?:\.[\w-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?", re.ASCII)
_PATH_SAFE = "/-._~!$()*+,;=:@"
_PATH = re.compile(rf"(?:[A-Za-z0-9{re.escape(_PATH_SAFE)}]|%[0-9A-Fa-f]{{2}})*")
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class BaseUrlError(Refused):
    """A base URL refused: what is wrong with it, and what to write instead (if it can say)."""


def normalise_base_url(url: str) -> str:
    """Absolute http(s) URL with a trailing slash; BaseUrlError if it is not one, or holds
    what would break its links (see the note above `_HOST`)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BaseUrlError(f"'{url}' is not an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise BaseUrlError(f"'{url}' must not have a query or fragment")
    if "@" in parts.netloc:
        raise BaseUrlError(f"'{url}' holds a user name or password: every page would show it")
    if not _HOST.fullmatch(parts.netloc):
        raise BaseUrlError(f"'{url}' has a host that is not a plain domain name", _ascii(parts))
    fixed = ""
    if "//" in parts.path:
        why, fixed = "an empty folder (//) in its path", re.sub("/{2,}", "/", parts.path)
    elif not _PATH.fullmatch(parts.path):
        why = "characters a URL's path cannot hold as they are"
        fixed = quote(_BARE_PERCENT.sub("%25", parts.path), safe=_PATH_SAFE + "%")
    if fixed:
        raise BaseUrlError(f"'{url}' has {why}", f"write {parts.scheme}://{parts.netloc}{fixed}")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _ascii(parts: SplitResult) -> str:
    """What to write instead of a host that is not ASCII: its xn-- form, when it has one."""
    try:
        host = parts.netloc.encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    if not _HOST.fullmatch(host):
        return "write its name in ASCII letters, digits, dots and dashes"
    return f"write {parts.scheme}://{host}{parts.path or '/'}"


_PERSON = keys("name", "email")
# The keys site.yaml accepts: what `read_config` reads, and nothing else (a test holds the two
# together). Any other key is a warning at its line.
KEYS: Keys = keys(
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "search",
    "icon",
    EXTRA,
    author=_PERSON,
    podcast=keys(
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
        funding=keys("url", "text"),
        location=keys("name", "geo", "osm"),
        txt=keys("text", "purpose"),
        seasons=keys(OPEN),  # season numbers
    ),
    glossary=keys("autolink"),
    people=keys("autolink"),
    responses=keys("email"),
    redirects=keys(OPEN),  # old paths, any
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
        except BaseUrlError as exc:
            r.error(
                "base_url", exc.message, exc.hint or "write e.g. https://example.org/companion/"
            )
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
        author=read_person(r, "author"),
        timezone=timezone,
        podcast=read_podcast(r.within("podcast")) if isinstance(r.get("podcast"), dict) else None,
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
