"""What `serve` keeps between builds, so that an edit costs what it changes.

Three layers, each checked, never trusted blindly:
- load: a file is read again only when its stat (or its transcript's or audio's) changed;
- parse: an item is parsed again only when it changed, or when anything it could link to did
  (any title, URL, term, alias or definition: the "parse environment");
- render: when only bodies changed (the site's *shape* is the same: the same items, front
  matter, mentions per concept, configuration and theme), only the pages that show those
  bodies are rendered again: the items' own pages, the concept pages quoting them, the lists
  and feeds that carry their excerpts. Any other change renders everything.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import SiteConfig
from .link import SiteIndex
from .load import FileCache
from .markdown import Parsed
from .model import Concept, Episode, Item
from .podcast import FEED_PATH
from .slugs import slugify

LIST_PAGES = ("index.html", "essays/index.html", "episodes/index.html", "feed.xml", "feed.json")


@dataclass(slots=True)
class BuildCache:
    files: FileCache = field(default_factory=dict)
    parsed: dict[str, tuple[Item, Parsed]] = field(default_factory=dict)
    parse_env: str | None = None
    shape: str | None = None
    rendered: dict[str, Parsed] = field(default_factory=dict)  # as of the last good build
    outputs: dict[str, bytes] = field(default_factory=dict)  # the last good build's files


def _digest(parts: Iterable[object]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def parse_env(config: SiteConfig, index: SiteIndex) -> str:
    """Everything outside an item that its parse reads: what every link target looks like."""

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
        return (item.key, item.title)

    return _digest(
        [
            config.base_path,
            config.autolink,
            *(facts(i) for i in sorted(index.by_key.values(), key=lambda i: i.key)),
        ]
    )


def site_shape(
    config: SiteConfig,
    index: SiteIndex,
    parsed: Mapping[str, Parsed],
    theme: tuple[Path, ...],
    extra: tuple,
) -> str:
    """A digest of everything but the bodies: if it is unchanged, only bodies changed."""

    def outline(item: Item) -> object:
        bare = replace(item, body="")
        if isinstance(bare, Episode):
            bare = replace(bare, transcript=None)
        mentions = Counter(m.key for m in parsed[item.key].mentions)
        return (repr(bare), sorted(mentions.items()))

    stats = []
    for folder in theme:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                st = path.stat()
                stats.append((str(path), st.st_mtime_ns, st.st_size))
    return _digest(
        [
            repr(config),
            extra,
            stats,
            *(outline(i) for i in sorted(index.by_key.values(), key=lambda i: i.key)),
        ]
    )


def affected_outputs(
    dirty: Iterable[str], index: SiteIndex, parsed: Mapping[str, Parsed], podcast: bool
) -> set[str]:
    """The output files that show the bodies of the `dirty` items (the site's shape unchanged)."""
    paths: set[str] = set()
    for key in dirty:
        item = index.by_key[key]
        paths.add(f"{item.url_path}index.html")
        paths.update(LIST_PAGES)
        if podcast and isinstance(item, Episode):
            paths.add(FEED_PATH)
        concepts = {m.key for m in parsed[key].mentions}
        concepts.update(f"glossary/{slug}" for slug in item.concepts)
        for concept in concepts:
            if concept in index.by_key:
                url = index.by_key[concept].url_path
                paths.update((f"{url}index.html", f"{url}feed.xml"))
        for tag in item.tags:
            slug = slugify(tag, "tag")
            paths.update((f"tags/{slug}/index.html", f"tags/{slug}/feed.xml"))
    return paths
