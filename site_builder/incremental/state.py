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
from ..markdown.matcher import WORD
from ..model import Concept, Episode, Item, Person
from ..render.theme import make_environment
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
    matcher: tuple | None = None  # (parse environment, the glossary matcher made for it)
    reading: dict = field(default_factory=dict)  # related reading's last picks (link/reading.py)
    last: object = None  # serve's record of the last build (incremental/save.LastBuild)
    templates: dict[str, bytes] = field(default_factory=dict)  # compiled (render/theme.py)

    def environment(self, themes: tuple[Path, ...]) -> jinja2.Environment:
        """One Jinja2 environment per theme, kept so templates compile once."""
        if themes not in self.environments:
            self.environments[themes] = make_environment(themes, self.templates)
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
            config.people_autolink,  # a person's names and bio: see `renamed`
            config.timezone,  # charts draw local time in it
            *(facts(i) for i in sorted(index.by_key.values(), key=lambda i: i.key)),
        ]
    )


def _names(person: Person) -> tuple:
    """What autolinks to a person show and find: their names, and their bio as the title."""
    return (person.title, person.aliases, person.summary)


def renamed(index: SiteIndex, previous: Mapping[str, tuple[Item, Parsed]]) -> dict[str, set[str]]:
    """The people whose names or bio are not what they were when `previous` was parsed, each
    with the first words of their names then and now (casefolded), which any text that could
    name them contains."""
    found = {}
    for key, item in index.by_key.items():
        was = previous.get(key, (None,))[0]
        if isinstance(item, Person) and isinstance(was, Person) and _names(was) != _names(item):
            names = (was.title, *was.aliases, item.title, *item.aliases)
            found[key] = {w[0].casefold() for w in map(WORD.findall, names) if w}
    return found


def could_name(item: Item, parsed: Parsed, people: Mapping[str, set[str]]) -> bool:
    """Whether an item's text may name one of `people` (see `renamed`): it did, or a word of
    its body, transcript or letters begins one of their names."""
    if not people:
        return False
    if any(m.key in people for m in parsed.mentions):
        return True
    texts = [item.body]
    if isinstance(item, Episode) and item.transcript:
        texts += [c.text for c in item.transcript.cues]
    for letter in getattr(item, "responses", ()):
        texts += [letter.body, letter.reply or ""]
    words = set(WORD.findall(" ".join(texts).casefold()))
    words |= {w[:-2] for w in words if w.endswith(("'s", "\u2019s"))}  # possessives match too
    return any(not words.isdisjoint(first) for first in people.values())


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
    """A digest of everything but the bodies: if it is unchanged, only bodies changed."""
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
            *(
                outline(i, parsed[i.key], memo)
                for i in sorted(index.by_key.values(), key=lambda i: i.key)
            ),
        ]
    )


def outline(item: Item, parsed: Parsed, memo: dict[str, tuple[Item, Parsed, object]]) -> object:
    """What the site's shape says of an item: all but its body (and, for most, its labels),
    and how often it mentions each concept. `memo` keeps each item's outline while the item
    and its parse are the same objects."""
    known = memo.get(item.key)
    if known is not None and known[0] is item and known[1] is parsed:
        return known[2]
    bare = replace(item, body="")
    if not isinstance(item, Concept) and getattr(item, "menu", None) is None:
        # shown only where the page is (see `shown` in BuildCache), not on every page
        said = ("name", "bio") if isinstance(item, Person) else ("title", "summary")
        meta = {k: v for k, v in item.meta.items() if k not in said}
        bare = replace(bare, title="", summary=None, meta=meta)
    if isinstance(bare, Episode):
        bare = replace(bare, transcript=None)
    mentions = Counter(m.key for m in parsed.mentions)
    found = (repr(bare), sorted(mentions.items()))
    memo[item.key] = (item, parsed, found)
    return found


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
        if item.summary is None and (old is None or old.excerpt != new.excerpt):
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
