"""What a build keeps for the next one, so that an edit costs what it changes: `serve` keeps it
in memory, `build` on disk (incremental/store.py); incremental/plan.py decides what is reused.

Three layers, each checked, never trusted blindly:
- load: a file is read again only when its fingerprint changed: its stat (or its transcript's
  or audio's) in `serve`, the hash of its text in `build`;
- parse: an item is parsed again only when it changed, when anything it could link to did
  (any item added or removed, any concept's term, alias or definition: the "parse
  environment"), or when an item it links to has a new title (a link shows its target's title);
- render: when only bodies changed (the site's *shape* is the same: the same items, front
  matter, mentions per concept, configuration and theme), only the pages that show those
  bodies are rendered again: the items' own pages, the concept pages quoting them, the lists
  and feeds that carry their excerpts. The shape leaves out the titles and summaries of
  essays, episodes and pages outside the menu: each build records which items every page
  shows, so a new title or summary renders again only the pages that showed the item. Any
  other change renders everything.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2

from ..config import SiteConfig
from ..errors import Diagnostic
from ..link.glossary import Glossary
from ..link.graph import Links
from ..link.index import SiteIndex
from ..load.walk import FileCache
from ..markdown import Parsed
from ..model import Concept, Episode, Item
from ..render.theme import make_environment
from ..render.views import excerpt
from ..routes import tag_folder, tag_slug

LIST_PAGES = ("index.html", "essays/index.html", "episodes/index.html")


@dataclass(slots=True)
class BuildCache:
    files: FileCache = field(default_factory=dict)
    by_content: bool = False  # files are known by their hash (on disk), else by their stat
    parsed: dict[str, tuple[Item, Parsed]] = field(default_factory=dict)
    parse_env: str | None = None
    chart_data: str | None = None  # the media folder's data files, as the charts last read them
    shape: str | None = None
    rendered: dict[str, Parsed] = field(default_factory=dict)  # as of the last good build
    outlines: dict[str, tuple[Item, Parsed, object]] = field(default_factory=dict)
    environments: dict[tuple[Path, ...], jinja2.Environment] = field(default_factory=dict)
    links: Links | None = None  # the last good build's link graph, and what was learnt from it
    glossary_facts: Glossary | None = None
    link_warnings: list[Diagnostic] = field(default_factory=list)
    pages: int = 0  # as of the last good build
    stored: tuple | None = None  # what the cache on disk holds already (see store.py)
    images: dict[str, bytes] = field(default_factory=dict)  # made in memory (see images/)

    def environment(self, themes: tuple[Path, ...]) -> jinja2.Environment:
        """One Jinja2 environment per theme, kept so templates compile once."""
        if themes not in self.environments:
            self.environments[themes] = make_environment(themes)
        return self.environments[themes]

    # the last good build's files: their bytes (in memory), where they are (on disk), or None
    # (written out as they were made, by `build`; `save_cache` records where)
    outputs: dict[str, bytes | Path | None] = field(default_factory=dict)
    # as of the last good build: each page's items (see Renderer.render), and what `labels`
    # says of each item
    shown: dict[str, frozenset[str]] = field(default_factory=dict)
    labels: dict[str, tuple] = field(default_factory=dict)


def _digest(parts: Iterable[object]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def parse_env(config: SiteConfig, index: SiteIndex) -> str:
    """Everything outside an item that its parse reads, but the titles of essays, episodes and
    pages: those only the items linking to them show (see `retitled`)."""

    def facts(item: Item) -> tuple:
        if isinstance(item, Concept):
            return (
                item.key,
                item.title,
                item.definition,
                item.aliases,
                item.quiet_aliases,
                item.forms,
            )
        return (item.key,)

    return _digest(
        [
            config.base_path,
            config.autolink,
            config.timezone,  # charts draw local time in it
            *(facts(i) for i in sorted(index.by_key.values(), key=lambda i: i.key)),
        ]
    )


def labels(item: Item) -> tuple:
    """What pages show of an item beside its own page, and the shape leaves out (see
    `site_shape`): its title and summary."""
    return (item.title, item.summary)


def retitled(index: SiteIndex, previous: Mapping[str, tuple[Item, Parsed]]) -> set[str]:
    """The items whose title is not the one they had when `previous` was parsed."""
    return {
        key
        for key, item in index.by_key.items()
        if key in previous and previous[key][0].title != item.title
    }


def shows_title_of(item: Item, parsed: Parsed, keys: set[str]) -> bool:
    """Whether a parsed body may show the title of one of `keys`: it links to one, or it is an
    essay with readers' responses, whose links are not recorded."""
    return bool(keys) and (
        any(ref.key in keys for ref in parsed.wikilinks) or bool(getattr(item, "responses", ()))
    )


def site_shape(
    config: SiteConfig,
    index: SiteIndex,
    parsed: Mapping[str, Parsed],
    theme: tuple[Path, ...],
    extra: tuple,
    memo: dict[str, tuple[Item, Parsed, object]],
) -> str:
    """A digest of everything but the bodies: if it is unchanged, only bodies changed.

    `memo` keeps each item's outline while the item and its parse are the same objects."""

    def outline(item: Item) -> object:
        known = memo.get(item.key)
        if known is not None and known[0] is item and known[1] is parsed[item.key]:
            return known[2]
        bare = replace(item, body="")
        if not isinstance(item, Concept) and getattr(item, "menu", None) is None:
            # shown only where the page is (see `shown` in BuildCache), not on every page
            meta = {k: v for k, v in item.meta.items() if k not in ("title", "summary")}
            bare = replace(bare, title="", summary=None, meta=meta)
        if isinstance(bare, Episode):
            bare = replace(bare, transcript=None)
        # concept pages count them, and related reading is chosen from the concepts mentioned
        mentions = Counter(m.key for m in parsed[item.key].mentions)
        found = (repr(bare), sorted(mentions.items()))
        memo[item.key] = (item, parsed[item.key], found)
        return found

    stats = []
    for folder in theme:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stats.append((str(path), hashlib.sha256(path.read_bytes()).hexdigest()))
    return _digest(
        [
            repr(config),
            extra,
            stats,
            *(outline(i) for i in sorted(index.by_key.values(), key=lambda i: i.key)),
        ]
    )


def affected_pages(
    dirty: Iterable[str],
    index: SiteIndex,
    parsed: Mapping[str, Parsed],
    before: Mapping[str, Parsed],
) -> set[str]:
    """The pages that show the bodies of the `dirty` items (the site's shape unchanged): their
    own pages; the concept pages quoting a sentence that changed; and, when an excerpt made from
    the body changed, the lists and concept pages that show it. (Feeds decide for themselves.)"""
    paths: set[str] = set()
    for key in dirty:
        item = index.by_key[key]
        new, old = parsed[key], before.get(key)
        paths.add(f"{item.url_path}index.html")
        quoted = _quotes(new)
        for concept in quoted.keys() | (_quotes(old).keys() if old else set()):
            if old is None or quoted.get(concept) != _quotes(old).get(concept):
                paths.add(f"{index.by_key[concept].url_path}index.html")
        if item.summary is None and (old is None or excerpt(old.html) != excerpt(new.html)):
            paths.update(LIST_PAGES)
            paths.update(f"{tag_folder(tag_slug(tag))}index.html" for tag in item.tags)
            paths.update(
                f"{index.by_key[f'glossary/{slug}'].url_path}index.html"
                for slug in item.concepts
                if f"glossary/{slug}" in index.by_key
            )
    return paths


def _quotes(parsed: Parsed) -> dict[str, list[tuple]]:
    """What concept pages show of a page's mentions, by concept."""
    found: dict[str, list[tuple]] = {}
    for m in parsed.mentions:
        found.setdefault(m.key, []).append((m.before, m.text, m.after, m.at))
    return found
