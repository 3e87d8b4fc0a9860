"""Pure: resolve every reference between items into the link graph (backlinks, tags, referrers),
and check anchors and root-relative links; `relink` redoes only the items that changed."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from ..errors import Diagnostic, did_you_mean
from ..load.values import parse_whole_number
from ..markdown import Parsed
from ..markdown.mentions import Mention
from ..model import Concept, Episode, Essay, Item, Person
from ..routes import tag_slug
from ..slugs import fold
from .index import SiteIndex, newest_first
from .reading import Reading, related_reading, resolve_pins


class Reference(NamedTuple):
    """An item that refers to a concept: by front matter, and/or by these mentions.

    (A named tuple: a large site makes tens of thousands per build, and these are cheap.)"""

    item: Item
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class Links:
    """The site's link graph: who refers to whom, both ways."""

    episode_of: Mapping[str, Episode]  # essay key -> the episode it names
    essays_of: Mapping[str, tuple[Essay, ...]]  # episode key -> essays naming it
    referrers: Mapping[str, tuple[Reference, ...]]  # concept key -> references, newest first
    related: Mapping[str, tuple[Concept, ...]]  # concept key -> related concepts, both ways
    tags: Mapping[str, tuple[str, tuple[Item, ...]]]  # tag slug -> (label, items)
    reading: Reading = field(default_factory=Reading)  # under each essay and episode


def link_site(
    index: SiteIndex,
    parsed: Mapping[str, Parsed],
    known_paths: frozenset[str],
    credited: Mapping[str, tuple[Person, ...]],
    reading_memo: dict | None = None,
) -> tuple[Links, list[Diagnostic]]:
    """Resolve front-matter references, wikilink anchors and root-relative links; `credited`:
    the people each item's credits name (see Cast.credited), for related reading; with a
    `reading_memo`, related reading is picked again only if what it is picked from changed."""
    problems: list[Diagnostic] = []
    items = sorted(index.by_key.values(), key=newest_first)
    graph = _Graph()
    concept_names = [i.slug for i in index.by_key.values() if isinstance(i, Concept)]
    for item in items:
        problems += _link_front_matter(item, index, concept_names, graph)
        body = parsed.get(item.key)
        if body is None:
            continue
        for mention in body.mentions:
            graph.referrers[mention.key].setdefault(item.key, []).append(mention)
        problems += _check_body_links(item, body, index, parsed, known_paths)
    pins, found = resolve_pins(index, items)
    problems += found
    reading = _reading(index, items, graph, credited, pins, reading_memo)
    return graph.freeze(index, reading), problems


@dataclass(slots=True)
class _Graph:
    """The graph while link_site walks the items (newest first), before it is frozen."""

    episode_of: dict[str, Episode] = field(default_factory=dict)
    essays_of: dict[str, list[Essay]] = field(default_factory=lambda: defaultdict(list))
    referrers: dict[str, dict[str, list[Mention]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    related: dict[str, dict[str, Concept]] = field(default_factory=lambda: defaultdict(dict))
    tags: dict[str, tuple[str, list[Item]]] = field(default_factory=dict)

    def freeze(self, index: SiteIndex, reading: Reading) -> Links:
        return Links(
            episode_of=self.episode_of,
            essays_of={k: tuple(v) for k, v in self.essays_of.items()},
            # items were visited newest first, so each concept's references already are in order
            referrers={
                concept: tuple(
                    Reference(index.by_key[key], tuple(found)) for key, found in refs.items()
                )
                for concept, refs in self.referrers.items()
            },
            related={
                k: tuple(sorted(v.values(), key=lambda c: fold(c.title)))
                for k, v in self.related.items()
            },
            tags={k: (label, tuple(v)) for k, (label, v) in sorted(self.tags.items())},
            reading=reading,
        )


def _link_front_matter(
    item: Item, index: SiteIndex, concept_names: list[str], graph: _Graph
) -> list[Diagnostic]:
    """Add what `item`'s front matter names to the graph (its concepts, its episode, related
    concepts, tags); the problems are the names that resolve to nothing."""
    problems: list[Diagnostic] = []
    for slug in item.concepts:
        concept = _concept_ref(item, "concepts", slug, index, concept_names, problems)
        if concept is not None and concept is not item:
            graph.referrers[concept.key].setdefault(item.key, [])
    if isinstance(item, Essay) and item.episode is not None:
        episode = _episode_ref(item, item.episode, index, problems)
        if episode is not None:
            graph.episode_of[item.key] = episode
            graph.essays_of[episode.key].append(item)
    if isinstance(item, Concept):
        for slug in item.related:
            other = _concept_ref(item, "related", slug, index, concept_names, problems)
            if other is not None and other is not item:
                graph.related[item.key][other.key] = other
                graph.related[other.key].setdefault(item.key, item)
    for tag in item.tags:
        _, tagged = graph.tags.setdefault(tag_slug(tag), (tag, []))
        tagged.append(item)
    return problems


def _concept_ref(
    item: Item,
    key: str,
    slug: str,
    index: SiteIndex,
    concept_names: list[str],
    problems: list[Diagnostic],
) -> Concept | None:
    """The concept `slug` that `item`'s front-matter `key` names, else a problem: held back
    (a draft, say, and why), or unknown with the nearest name."""
    found = index.by_key.get(f"glossary/{slug}")
    if isinstance(found, Concept):
        return found
    held = index.held.get(f"glossary/{slug}")
    message, hint = (
        (f"concept '{slug}' {held[0]}", held[1])
        if held
        else (
            f"unknown concept '{slug}'",
            did_you_mean(slug, concept_names)
            or f"add content/glossary/{slug}.md (`site-builder new concept`), or take it out",
        )
    )
    problems.append(Diagnostic(item.path, item.line_of(key), message, hint=hint, code="reference"))
    return None


def _episode_ref(
    item: Item, ref: str, index: SiteIndex, problems: list[Diagnostic]
) -> Episode | None:
    """The episode an essay's `episode:` names by number or slug, else a problem as for
    concepts."""
    episode = _find_episode(index, ref)
    if episode is not None:
        return episode
    held = index.held.get(_episode_key(ref))
    message, hint = (
        (f"episode {_quoted_slug(ref)} {held[0]}", held[1])
        if held
        else (
            f"unknown episode '{ref}'",
            did_you_mean(ref, [i.slug for i in index.by_number.values()]) or _episodes_there(index),
        )
    )
    problems.append(
        Diagnostic(item.path, item.line_of("episode"), message, hint=hint, code="reference")
    )
    return None


def _check_body_links(
    item: Item,
    body: Parsed,
    index: SiteIndex,
    parsed: Mapping[str, Parsed],
    known_paths: frozenset[str],
) -> list[Diagnostic]:
    """The anchors of `item`'s wikilinks and its root-relative links that lead nowhere."""
    problems: list[Diagnostic] = []
    for ref in body.wikilinks:
        if ref.anchor:
            problems += _check_anchor(item, ref.anchor, ref.line, index.by_key[ref.key], parsed)
    for href, line in body.root_links:
        problems += _check_root_link(item, href, line, known_paths)
    return problems


def _reading(
    index: SiteIndex,
    items: list[Item],
    graph: _Graph,
    credited: Mapping[str, tuple[Person, ...]],
    pins: Mapping,
    reading_memo: dict | None,
) -> Reading:
    """Related reading under each essay and episode, from the concepts each item refers to."""
    concepts_of: dict[str, list[Item]] = defaultdict(list)
    for concept, refs in graph.referrers.items():
        for key in refs:
            concepts_of[key].append(index.by_key[concept])
    return related_reading(
        items,
        concepts_of,
        credited,
        pins,
        _companions(items, graph.episode_of, graph.essays_of),
        index.series,
        reading_memo,
    )


def _companions(
    items: list[Item], episode_of: Mapping[str, Episode], essays_of: Mapping[str, list[Essay]]
) -> dict[str, list[str]]:
    """What an essay's or episode's page links to already (`items` newest first): its
    episode; or its essays, and the episodes before and after it."""
    linked = {essay: [episode.key] for essay, episode in episode_of.items()}
    episodes = [i.key for i in items if isinstance(i, Episode)]
    for n, key in enumerate(episodes):
        linked[key] = [*(e.key for e in essays_of.get(key, ())), *episodes[max(n - 1, 0) : n + 2]]
    return linked


def relink(
    previous: Links,
    index: SiteIndex,
    parsed: Mapping[str, Parsed],
    dirty: set[str],
    known_paths: frozenset[str],
) -> tuple[Links, list[Diagnostic]]:
    """The previous graph with what the `dirty` items now say, when only bodies changed (the
    same items, front matter and number of mentions per concept): their references carry the
    new sentences, and their links, and the links to their headings, are checked again."""
    problems: list[Diagnostic] = []
    referrers = dict(previous.referrers)
    for key in sorted(dirty):
        item, body = index.by_key[key], parsed[key]
        said: dict[str, list[Mention]] = defaultdict(list)
        for mention in body.mentions:
            said[mention.key].append(mention)
        named = {f"glossary/{slug}" for slug in item.concepts} & index.by_key.keys()
        for concept in said.keys() | named:
            referrers[concept] = tuple(
                Reference(item, tuple(said.get(concept, ())))
                if ref.item.slug == item.slug and ref.item.key == key  # the slug: cheaper
                else ref
                for ref in referrers[concept]
            )
        problems += _check_body_links(item, body, index, parsed, known_paths)
    # an edit may also take away a heading that an unchanged page links to
    for key, body in parsed.items():
        if key in dirty:
            continue
        for ref in body.wikilinks:
            if ref.anchor and ref.key in dirty:
                problems += _check_anchor(
                    index.by_key[key], ref.anchor, ref.line, index.by_key[ref.key], parsed
                )
    return replace(previous, referrers=referrers), problems


@functools.cache
def _quoted_slug(ref: str) -> str:
    """`12` as it is, `ripe-for-what` in quotes: "episode 12", "episode 'ripe-for-what'"."""
    return ref if _episode_key(ref).startswith("episodes/#") else f"'{ref}'"


def _episodes_there(index: SiteIndex) -> str:
    """The hint for an episode nothing is close to: how episodes are named, with the newest."""
    if not index.by_number:
        return "the site has no numbered episodes yet: name one by its slug"
    newest = max(index.by_number)
    slug = index.by_number[newest].slug
    return f"name an episode by its number or slug: the newest is {newest} ({slug})"


def _episode_key(ref: str) -> str:
    """The key of SiteIndex.held an essay's `episode:` names: `episodes/#12` or `episodes/slug`."""
    try:
        return f"episodes/#{parse_whole_number(ref)}"
    except ValueError:
        return f"episodes/{ref}"


def _find_episode(index: SiteIndex, ref: str) -> Episode | None:
    try:
        return index.by_number.get(parse_whole_number(ref))
    except ValueError:  # not a number: a slug
        found = index.by_key.get(f"episodes/{ref}")
    return found if isinstance(found, Episode) else None


def _check_anchor(
    item: Item, anchor: str, line: int, target: Item, parsed: Mapping[str, Parsed]
) -> list[Diagnostic]:
    body = parsed.get(target.key)
    ids = [h.id for h in body.headings] if body else []
    if anchor in ids:
        return []
    same_but_case = [i for i in ids if i.casefold() == anchor.casefold()]
    if same_but_case:
        hint = f"anchors are case-sensitive: write #{same_but_case[0]}"
    else:
        hint = did_you_mean(anchor, ids) or (
            f"{target.path} has headings: {', '.join('#' + i for i in ids)}"
            if ids
            else f"{target.path} has no headings"
        )
    return [
        Diagnostic(
            item.path, line, f"no heading #{anchor} in {target.key}", hint=hint, code="reference"
        )
    ]


_ROOT_LINK_HINT = (
    "write the path the built site serves: a page as /essays/<slug>/, a file of"
    " content/media as /media/<name>, of content/static as /<name>"
)


def _check_root_link(item: Item, href: str, line: int, known: frozenset[str]) -> list[Diagnostic]:
    path = unquote(urlsplit(href).path).lstrip("/")
    if path == "" or path in known or f"{path}/" in known:
        return []
    return [
        Diagnostic(
            item.path,
            line,
            f"link to /{path}, which the site does not have",
            hint=did_you_mean(f"/{path}", [f"/{k}" for k in known]) or _ROOT_LINK_HINT,
            code="reference",
        )
    ]
