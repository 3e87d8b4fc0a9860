"""Pure: index the published items (by key, slug, term, episode number) and build the glossary's
matcher; every lookup a reference is resolved against."""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import quote

from ..errors import Diagnostic, did_you_mean
from ..markdown.matcher import Matcher, Target
from ..markdown.wikilinks import UnknownTarget, WikiTarget
from ..model import KIND_OF_SECTION, SECTIONS, Concept, Episode, Item, Person
from ..routes import generated_clash, tag_slug
from ..slugs import fold
from .series import SeriesLinks, link_series
from .withheld import held_reasons, withheld_reasons

_KIND_ALIASES = {
    **{s: k for s, k in KIND_OF_SECTION.items()},
    "pages": "page",
    **{k: k for k in SECTIONS},
    "concepts": "concept",
}
_NO_TARGET = (
    "link to a slug or a concept's term ([[ripeness]]), or to another section's item as"
    " [[episodes/<slug>]]; `site-builder new concept` adds a concept"
)


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
    series: SeriesLinks = field(default_factory=lambda: SeriesLinks({}, {}))

    def url(self, item: Item) -> str:
        return self.base_path + url_path(item)

    def resolve_wikilink(self, target: str, hint: bool = True) -> WikiTarget:
        item = self.find(target, hint)
        if isinstance(item, Concept):
            # `[[mutually hurting stalemate]]` reads as typed; `[[korea-model]]` shows the term
            named = fold(target) in {fold(n) for n in (item.title, *item.aliases)}
            text = target if named else item.title
            return WikiTarget(
                item.key, self.url(item), text, item.definition, "wikilink concept-link"
            )
        return WikiTarget(item.key, self.url(item), item.title)

    def find(self, target: str, hint: bool = True) -> Item:
        """The item a wikilink target names; raises UnknownTarget, with a hint unless not
        `hint` (a did-you-mean compares the target with every name in the site)."""
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
        if not hint:
            raise UnknownTarget(f"unknown link target [[{target}]]")
        names = [
            *(i.slug for items in self.by_slug.values() for i in items),
            *(c.title for c in self.by_term.values()),
        ]
        raise UnknownTarget(
            f"unknown link target [[{target}]]", did_you_mean(target, names) or _NO_TARGET
        )


def build_index(
    items: Iterable[Item],
    withheld: Iterable[Item],
    base_path: str,
    unreadable: Iterable[str] = (),
) -> tuple[SiteIndex, list[Diagnostic]]:
    """Index published items; report slug, URL, term and episode-number collisions, and what
    is wrong with the parts of a series."""
    withheld = list(withheld)
    problems: list[Diagnostic] = []
    by_key: dict[str, Item] = {}
    by_slug: dict[str, list[Item]] = defaultdict(list)
    by_url: dict[str, Item] = {}
    by_term: dict[str, Concept] = {}
    by_name: dict[str, Person] = {}  # see _term_clashes
    numbered: dict[tuple[int | None, int], Episode] = {}
    tags: dict[str, dict[str, tuple[str, Item]]] = {}  # see _tag_clashes
    for item in items:
        clash = _url_clash(item, by_url)
        if clash is not None:  # the item is left out: one URL, one page
            problems.append(clash)
            continue
        by_url[fold(item.url_path)] = item
        by_key[item.key] = item
        by_slug[fold(item.slug)].append(item)
        problems += _tag_clashes(item, tags)
        if isinstance(item, Concept):
            problems += _term_clashes(item, by_term)
        elif isinstance(item, Person):
            problems += _term_clashes(item, by_name)
        if isinstance(item, Episode) and item.number is not None and item.episode_type == "full":
            problems += _number_clashes(item, numbered)
    # `episode: 12` finds a full episode by number when no other season has a number 12
    uses = Counter(number for _, number in numbered)
    by_number = {number: e for (_, number), e in numbered.items() if uses[number] == 1}
    series, found = link_series(by_key.values(), withheld)
    return SiteIndex(
        base_path,
        by_key,
        {k: tuple(v) for k, v in by_slug.items()},
        by_term,
        by_number,
        withheld_reasons(withheld, unreadable),
        held_reasons(withheld, unreadable),
        series,
    ), problems + found


def _url_clash(item: Item, by_url: Mapping[str, Item]) -> Diagnostic | None:
    """Why `item` cannot have its URL: an item met before has it (compared case-folded, as
    case-insensitive disks do), or the site writes a file of its own there."""
    other = by_url.get(fold(item.url_path))
    if other is not None:
        return Diagnostic(
            item.path,
            item.line_of("slug"),
            f"{item.url_path} is also written by {other.path}",
            hint="give one of them another `slug:`",
            code="collision",
        )
    if generated_clash(item.url_path):
        return Diagnostic(
            item.path,
            item.line_of("slug"),
            f"the {item.kind} slug '{item.slug}' is used by the site itself",
            hint=f"give the {item.kind} another `slug:`",
            code="collision",
        )
    return None


def _term_clashes(item: Concept | Person, by_name: dict) -> list[Diagnostic]:
    """Add a concept's term and aliases (a person's slug, name and aliases) to `by_name`;
    each one another has already is a problem, since a wikilink (a guest's name) could not
    tell which is meant."""
    if isinstance(item, Concept):
        names, hint = [(item.title, "term")], "terms and aliases must be unique"
    else:
        names = [(item.slug, "slug"), (item.title, "name")]
        hint = "names and aliases must be unique: a guest named so could be either"
    problems = []
    for name, key in (*names, *((a, "aliases") for a in item.aliases)):
        owner = by_name.setdefault(fold(name), item)
        if owner is not item:
            problems.append(
                Diagnostic(
                    item.path,
                    item.line_of(key),
                    f"'{name}' already names the {item.kind} in {owner.path}",
                    code="collision",
                    hint=hint,
                )
            )
    return problems


def _number_clashes(
    episode: Episode, numbered: dict[tuple[int | None, int], Episode]
) -> list[Diagnostic]:
    """Add a full episode to `numbered` by (season, number), unless another has that slot."""
    assert episode.number is not None
    slot = (episode.season, episode.number)
    if slot not in numbered:
        numbered[slot] = episode
        return []
    season = f" in season {episode.season}" if episode.season else ""
    return [
        Diagnostic(
            episode.path,
            episode.line_of("number"),
            f"episode number {episode.number}{season} is also used by {numbered[slot].path}",
            hint="each full episode of a season needs its own number",
            code="collision",
        )
    ]


def with_items(index: SiteIndex, items: Mapping[str, Item]) -> SiteIndex:
    """The index with `items` in place of those of the same keys, which they equal but for
    their bodies (so every lookup finds what it found, as the new item)."""
    items = {key: item for key, item in items.items() if key in index.by_key}
    swap = {id(index.by_key[key]): item for key, item in items.items()}

    def new(item):
        return swap.get(id(item), item)

    return replace(
        index,
        by_key={**index.by_key, **items},
        by_slug={s: tuple(map(new, found)) for s, found in index.by_slug.items()},
        by_term={t: new(c) for t, c in index.by_term.items()},
        by_number={n: new(e) for n, e in index.by_number.items()},
    )


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


def build_matcher(index: SiteIndex, people: str = "off") -> Matcher:
    """The one matcher of a build: every concept's term, aliases and forms, and, unless
    `people` (their autolink mode) is off, every person's name and aliases (a concept's name
    wins a name both have, as it was added first)."""
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
    if people == "off":
        return matcher
    people_items = (i for i in index.by_key.values() if isinstance(i, Person))
    for person in sorted(people_items, key=lambda p: p.key):
        target = Target(person.key, index.url(person), person.summary or "", "person-link", people)
        for name in (person.title, *person.aliases):
            matcher.add(name, target, forms=False)  # a possessive matches; a plural never
    return matcher


def newest_first(item: Item) -> tuple:
    """Sort key: newest first, ties broken by source path so order never depends on the disk."""
    return (-_stamp(item.date), item.path)


@functools.lru_cache(maxsize=1 << 16)
def _stamp(when: datetime | None) -> float:
    # aware datetimes make .timestamp() slow, and lists are sorted by it many times a build
    return when.timestamp() if when else float("-inf")
