"""Pure: index the site, resolve every reference between items, and build the link graph."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit

from .errors import Diagnostic, did_you_mean
from .fields import parse_whole_number
from .markdown import Matcher, Mention, Parsed, Target, UnknownTarget, WikiTarget
from .model import KIND_OF_SECTION, SECTIONS, Concept, Episode, Essay, Item
from .routes import generated_clash, tag_slug
from .slugs import fold

_KIND_ALIASES = {
    **{s: k for s, k in KIND_OF_SECTION.items()},
    "pages": "page",
    **{k: k for k in SECTIONS},
    "concepts": "concept",
}


def url_path(item: Item) -> str:
    """The item's URL path below the base path, percent-encoded: `essays/slug/`."""
    return quote(item.url_path)


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Lookups over the published items, built once per build."""

    base_path: str
    by_key: Mapping[str, Item]
    by_slug: Mapping[str, tuple[Item, ...]]  # folded slug -> items of any kind
    by_term: Mapping[str, Concept]  # folded term or alias -> concept
    by_number: Mapping[int, Episode]
    withheld: Mapping[str, tuple[str, str]]  # folded slug -> why it is not published, and a hint
    # what a front-matter reference to an item not published finds: `episodes/slug`,
    # `episodes/#12` or `glossary/slug` -> why it is not there (to follow "episode 12"), and
    # a hint
    held: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)

    def url(self, item: Item) -> str:
        return self.base_path + url_path(item)

    def resolve_wikilink(self, target: str) -> WikiTarget:
        item = self.find(target)
        if isinstance(item, Concept):
            # `[[mutually hurting stalemate]]` reads as typed; `[[korea-model]]` shows the term
            named = fold(target) in {fold(n) for n in (item.title, *item.aliases)}
            text = target if named else item.title
            return WikiTarget(
                item.key, self.url(item), text, item.definition, "wikilink concept-link"
            )
        return WikiTarget(item.key, self.url(item), item.title)

    def find(self, target: str) -> Item:
        """The item a wikilink target names; raises UnknownTarget with a hint."""
        section, sep, slug = target.rpartition("/")
        if (
            sep
            and _KIND_ALIASES.get(section.strip().casefold()) is None
            and (fold(target) in self.by_term)
        ):
            sep = ""  # a term that happens to contain "/"
        if sep:
            kind = _KIND_ALIASES.get(section.strip().casefold())
            matches = [i for i in self.by_slug.get(fold(slug.strip()), ()) if i.kind == kind]
            if kind is None:
                raise UnknownTarget(
                    f"unknown section '{section}' in [[{target}]]",
                    "use essays/, episodes/, glossary/ or pages/",
                )
        else:
            folded = fold(target)
            matches = list(self.by_slug.get(folded, ()))
            concept = self.by_term.get(folded)
            if concept is not None and concept not in matches:
                matches.append(concept)
        if len(matches) == 1:
            return matches[0]
        if matches:
            options = " or ".join(f"[[{m.key}]]" for m in matches)
            raise UnknownTarget(f"[[{target}]] is ambiguous", f"write {options}")
        why = self.withheld.get(fold(slug if sep else target))
        if why:
            raise UnknownTarget(f"[[{target}]] links to {why[0]}", why[1])
        names = [
            *(i.slug for items in self.by_slug.values() for i in items),
            *(c.title for c in self.by_term.values()),
        ]
        raise UnknownTarget(f"unknown link target [[{target}]]", did_you_mean(target, names))


def file_slug(path: str) -> str:
    """The slug a content file's name gives: `2026-03-14-title.md` and `001-title.md` -> title."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return re.sub(r"^(\d{4}-\d{2}-\d{2}-|\d+-)", "", stem)


def build_index(
    items: Iterable[Item],
    withheld: Iterable[Item],
    base_path: str,
    unreadable: Iterable[str] = (),
) -> tuple[SiteIndex, list[Diagnostic]]:
    """Index published items; report slug, URL, term and episode-number collisions."""
    problems: list[Diagnostic] = []
    by_key: dict[str, Item] = {}
    by_slug: dict[str, list[Item]] = defaultdict(list)
    by_url: dict[str, Item] = {}
    by_term: dict[str, Concept] = {}
    numbered: dict[tuple[int | None, int], Episode] = {}
    tags: dict[str, dict[str, tuple[str, Item]]] = {}  # see _tag_clashes
    for item in items:
        url = fold(item.url_path)
        if url in by_url:
            other = by_url[url]
            problems.append(
                Diagnostic(
                    item.path,
                    item.line_of("slug"),
                    f"{item.url_path} is also written by {other.path}",
                    hint="give one of them another `slug:`",
                    code="collision",
                )
            )
            continue
        if generated_clash(item.url_path):
            problems.append(
                Diagnostic(
                    item.path,
                    item.line_of("slug"),
                    f"the {item.kind} slug '{item.slug}' is used by the site itself",
                    hint=f"give the {item.kind} another `slug:`",
                    code="collision",
                )
            )
            continue
        by_url[url] = item
        by_key[item.key] = item
        by_slug[fold(item.slug)].append(item)
        problems += _tag_clashes(item, tags)
        if isinstance(item, Concept):
            for name, key in ((item.title, "term"), *((a, "aliases") for a in item.aliases)):
                owner = by_term.setdefault(fold(name), item)
                if owner is not item:
                    problems.append(
                        Diagnostic(
                            item.path,
                            item.line_of(key),
                            f"'{name}' already names the concept in {owner.path}",
                            code="collision",
                            hint="terms and aliases must be unique",
                        )
                    )
        if isinstance(item, Episode) and item.number is not None and item.episode_type == "full":
            slot = (item.season, item.number)
            if slot in numbered:
                season = f" in season {item.season}" if item.season else ""
                problems.append(
                    Diagnostic(
                        item.path,
                        item.line_of("number"),
                        f"episode number {item.number}{season} is also used by "
                        f"{numbered[slot].path}",
                        hint="each full episode of a season needs its own number",
                        code="collision",
                    )
                )
            else:
                numbered[slot] = item
    # `episode: 12` finds a full episode by number when no other season has a number 12
    uses = Counter(number for _, number in numbered)
    by_number = {number: e for (_, number), e in numbered.items() if uses[number] == 1}
    why = {
        fold(i.slug): (
            f"'{i.path}' ({'a draft' if i.draft else 'dated in the future'}), which "
            "is not published",
            "publish it, or build with --drafts",
        )
        for i in withheld
    }
    for path in unreadable:  # the link is fine; its target could not be read
        why.setdefault(
            fold(file_slug(path)), (f"'{path}', which has errors of its own", "fix that file first")
        )
    return SiteIndex(
        base_path,
        by_key,
        {k: tuple(v) for k, v in by_slug.items()},
        by_term,
        by_number,
        why,
        _held(withheld, unreadable),
    ), problems


def _held(withheld: Iterable[Item], unreadable: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """Why each item left out of the build, or each file that could not be read, is not what
    a front-matter reference to it finds (see SiteIndex.held)."""
    held: dict[str, tuple[str, str | None]] = {}
    for path in unreadable:
        folder, _, name = path.removeprefix("content/").partition("/")
        why: tuple[str, str | None] = (f"cannot be checked until {path} is fixed", None)
        held[f"{folder}/{file_slug(path)}"] = why
        number = re.match(r"\d+(?=-)", name) if folder == "episodes" else None
        if number:
            held.setdefault(f"episodes/#{int(number.group())}", why)
    for item in withheld:
        why = (
            "is a draft; it is published with --drafts or when its draft: line goes"
            if item.draft
            else f"is dated in the future ({item.date.date().isoformat() if item.date else ''});"
            " it is published with --drafts or from that day",
            f"it is {item.path}",
        )
        held[item.key] = why
        if isinstance(item, Episode) and item.number is not None and item.episode_type == "full":
            held.setdefault(f"episodes/#{item.number}", why)
    return held


def _tag_clashes(item: Item, seen: dict[str, dict[str, tuple[str, Item]]]) -> list[Diagnostic]:
    """The tags of `item` that would share a page with another tag (not merely written in
    another case), each where it is first met. `seen` holds, by slug, the tags met so far
    (case-folded), each as first written and by whom."""
    problems = []
    for i, tag in enumerate(item.tags):
        slug = tag_slug(tag)
        tags = seen.setdefault(slug, {})
        if fold(tag) in tags:
            continue
        if tags:
            other, owner = next(iter(tags.values()))
            problems.append(
                Diagnostic(
                    item.path,
                    item.line_of("tags", i),
                    f"tags '{tag}' and '{other}' (in {owner.path}) would share the page "
                    f"tags/{slug}/",
                    hint="write them alike if they are one tag, or tell them apart by a letter "
                    "or digit",
                    code="collision",
                )
            )
        tags[fold(tag)] = (tag, item)
    return problems


def build_matcher(index: SiteIndex) -> Matcher:
    """The one glossary matcher of a build: every concept's term, aliases and forms."""
    matcher = Matcher()
    concepts = sorted(
        (i for i in index.by_key.values() if isinstance(i, Concept)), key=lambda c: c.key
    )
    for concept in concepts:
        target = Target(concept.key, index.url(concept), concept.definition)
        quiet = {fold(a) for a in concept.quiet_aliases}
        for name in (concept.title, *concept.aliases):
            if fold(name) not in quiet:
                matcher.add(name, target)
        for form in concept.forms:
            matcher.add(form, target, forms=False)
    return matcher


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


def link_site(
    index: SiteIndex, parsed: Mapping[str, Parsed], known_paths: frozenset[str]
) -> tuple[Links, list[Diagnostic]]:
    """Resolve front-matter references, wikilink anchors and root-relative links."""
    problems: list[Diagnostic] = []
    items = sorted(index.by_key.values(), key=newest_first)
    episode_of: dict[str, Episode] = {}
    essays_of: dict[str, list[Essay]] = defaultdict(list)
    referrers: dict[str, dict[str, list[Mention]]] = defaultdict(dict)
    related: dict[str, dict[str, Concept]] = defaultdict(dict)
    tags: dict[str, tuple[str, list[Item]]] = {}
    concept_names = [i.slug for i in index.by_key.values() if isinstance(i, Concept)]

    def concept_ref(item: Item, key: str, slug: str) -> Concept | None:
        found = index.by_key.get(f"glossary/{slug}")
        if isinstance(found, Concept):
            return found
        held = index.held.get(f"glossary/{slug}")
        message, hint = (
            (f"concept '{slug}' {held[0]}", held[1])
            if held
            else (f"unknown concept '{slug}'", did_you_mean(slug, concept_names))
        )
        problems.append(
            Diagnostic(item.path, item.line_of(key), message, hint=hint, code="reference")
        )
        return None

    for item in items:
        for slug in item.concepts:
            concept = concept_ref(item, "concepts", slug)
            if concept is not None and concept is not item:
                referrers[concept.key].setdefault(item.key, [])
        if isinstance(item, Essay) and item.episode is not None:
            episode = _find_episode(index, item.episode)
            held = index.held.get(_episode_key(item.episode))
            if episode is None:
                message, hint = (
                    (f"episode {_quoted_slug(item.episode)} {held[0]}", held[1])
                    if held
                    else (
                        f"unknown episode '{item.episode}'",
                        did_you_mean(item.episode, [i.slug for i in index.by_number.values()]),
                    )
                )
                problems.append(
                    Diagnostic(
                        item.path, item.line_of("episode"), message, hint=hint, code="reference"
                    )
                )
            else:
                episode_of[item.key] = episode
                essays_of[episode.key].append(item)
        if isinstance(item, Concept):
            for slug in item.related:
                other = concept_ref(item, "related", slug)
                if other is not None and other is not item:
                    related[item.key][other.key] = other
                    related[other.key].setdefault(item.key, item)
        for tag in item.tags:
            _, tagged = tags.setdefault(tag_slug(tag), (tag, []))
            tagged.append(item)
        body = parsed.get(item.key)
        if body is None:
            continue
        for mention in body.mentions:
            referrers[mention.key].setdefault(item.key, []).append(mention)
        for ref in body.wikilinks:
            target = index.by_key[ref.key]
            if ref.anchor:
                problems.extend(_check_anchor(item, ref.anchor, ref.line, target, parsed))
        for href, line in body.root_links:
            problems.extend(_check_root_link(item, href, line, known_paths))
    sorted_related = {
        k: tuple(sorted(v.values(), key=lambda c: fold(c.title))) for k, v in related.items()
    }
    return Links(
        episode_of=episode_of,
        essays_of={k: tuple(v) for k, v in essays_of.items()},
        # items were visited newest first, so each concept's references already are in order
        referrers={
            concept: tuple(
                Reference(index.by_key[key], tuple(found)) for key, found in refs.items()
            )
            for concept, refs in referrers.items()
        },
        related=sorted_related,
        tags={k: (label, tuple(v)) for k, (label, v) in sorted(tags.items())},
    ), problems


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
                Reference(item, tuple(said.get(concept, ()))) if ref.item.key == key else ref
                for ref in referrers[concept]
            )
        for ref in body.wikilinks:
            if ref.anchor:
                problems += _check_anchor(item, ref.anchor, ref.line, index.by_key[ref.key], parsed)
        for href, line in body.root_links:
            problems += _check_root_link(item, href, line, known_paths)
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


def newest_first(item: Item) -> tuple:
    """Sort key: newest first, ties broken by source path so order never depends on the disk."""
    return (-_stamp(item.date), item.path)


@functools.cache
def _stamp(when: datetime | None) -> float:
    # aware datetimes make .timestamp() slow, and lists are sorted by it many times a build
    return when.timestamp() if when else float("-inf")


def _quoted_slug(ref: str) -> str:
    """`12` as it is, `ripe-for-what` in quotes: "episode 12", "episode 'ripe-for-what'"."""
    return ref if _episode_key(ref).startswith("episodes/#") else f"'{ref}'"


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


def _check_root_link(item: Item, href: str, line: int, known: frozenset[str]) -> list[Diagnostic]:
    path = unquote(urlsplit(href).path).lstrip("/")
    if path == "" or path in known or f"{path}/" in known:
        return []
    return [
        Diagnostic(
            item.path,
            line,
            f"link to /{path}, which the site does not have",
            hint=did_you_mean(f"/{path}", [f"/{k}" for k in known]),
            code="reference",
        )
    ]
