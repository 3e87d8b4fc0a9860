"""Pure: index the published items (by key, slug, term, episode number) and build the glossary's
matcher; every lookup a reference is resolved against."""

from __future__ import annotations

import functools
import re
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
    """Index published items; report slug, URL, term and episode-number collisions, and what
    is wrong with the parts of a series."""
    withheld = list(withheld)
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
    series, found = link_series(by_key.values(), withheld)
    return SiteIndex(
        base_path,
        by_key,
        {k: tuple(v) for k, v in by_slug.items()},
        by_term,
        by_number,
        why,
        _held(withheld, unreadable),
        series,
    ), problems + found


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
