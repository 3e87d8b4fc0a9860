"""Pure: who is on each episode and essay, and, for each person, their episodes with their role,
the items that mention them and the moments they speak; made from the index and the link graph
(people's mentions are references like concepts', see graph.py), in time proportional to the
names and references, never items x people."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..config import SiteConfig
from ..errors import Diagnostic, did_you_mean
from ..images.facts import Catalog, ImageFacts, find_image
from ..load.transcripts import paragraphs
from ..model import Episode, Essay, Item, Person
from ..routes import is_remote
from ..slugs import fold
from .graph import Links, Reference
from .index import SiteIndex, newest_first

INDEX_PAGE = "people/"  # the list of everyone, made when the site has people


class Credit(NamedTuple):
    """A name on an episode (`hosts:`, `guests:`) or an essay (`people:`), and the person page
    it names, if there is one (a name without one stays plain text)."""

    role: str  # "host", "guest", or "" for an essay's `people:`
    name: str  # the person's name, or the name as written
    person: Person | None


class Moment(NamedTuple):
    episode: Episode
    at: int  # seconds: where a turn of theirs starts in the transcript


@dataclass(frozen=True, slots=True)
class People:
    """What the site knows of its people."""

    people: tuple[Person, ...]  # hosts first, then by name
    credits: Mapping[str, tuple[Credit, ...]]  # item key -> hosts then guests, or `people:`
    episodes: Mapping[str, tuple[tuple[Episode, str], ...]]  # person key -> (episode, role)
    mentions: Mapping[str, tuple[Reference, ...]]  # person key -> references, newest first
    moments: Mapping[str, tuple[Moment, ...]]  # person key -> turns in transcripts
    images: Mapping[str, str]  # person key -> their image at a web size: a path, or a URL
    author: Person | None = None  # the site's author, when they have a page
    named: Mapping[str, Person] = field(default_factory=dict)  # see Cast.named

    def find(self, name: str) -> Person | None:
        return self.named.get(fold(name))

    def role_of(self, person: Person) -> str:
        """What `/people/` and the feed call them: their first role, else what they did."""
        done = {role for _, role in self.episodes.get(person.key, ())}
        return next(iter(person.roles), "host" if "host" in done else "guest" if done else "")


@dataclass(frozen=True, slots=True)
class Cast:
    """Who each name on the site is: read from the index alone, before the link graph, so the
    build's shape can say which names have pages (a renamed person who keeps their credits
    renders again only the pages that show them)."""

    people: tuple[Person, ...]
    named: Mapping[str, Person]  # folded slug, name or alias -> person
    credits: Mapping[str, tuple[Credit, ...]]  # episode key -> hosts, then guests
    author: Person | None  # the site's author, when they have a page
    moments: Mapping[str, tuple[Moment, ...]]  # person key -> their turns, newest episode first
    # item key -> the people its credits name: an episode's hosts and guests, an essay's
    # `people:` (related reading weighs them as it weighs the people a text names)
    credited: Mapping[str, tuple[Person, ...]]

    @property
    def shape(self) -> tuple:
        """Which person each credit names, and who speaks when (keys only: names are labels,
        and a transcript's words are the episode's body)."""
        return (
            self.author and self.author.key,
            sorted(
                (k, tuple(c.person and c.person.key for c in v)) for k, v in self.credits.items()
            ),
            sorted((k, [(m.episode.key, m.at) for m in v]) for k, v in self.moments.items()),
        )


def cast_of(config: SiteConfig, index: SiteIndex) -> Cast:
    people = tuple(sorted((i for i in index.by_key.values() if isinstance(i, Person)), key=_key))
    named = _names(people)
    shows = config.podcast.hosts if config.podcast and config.podcast.hosts else ()
    show_hosts = shows or ((config.author.name,) if config.author else ())
    credits = {
        item.key: _once(
            (
                *(_credit("host", n, named) for n in item.hosts or show_hosts),
                *(_credit("guest", n, named) for n in item.guests),
            )
        )
        for item in index.by_key.values()
        if isinstance(item, Episode)
    }
    author = named.get(fold(config.author.name)) if config.author else None
    credited = {key: _people(c.person for c in names) for key, names in credits.items()}
    for item in index.by_key.values():
        if isinstance(item, Essay) and item.people:  # an unknown name: link_people says so
            credited[item.key] = _people(named.get(fold(name)) for name in item.people)
    moments: dict[str, list[Moment]] = defaultdict(list)
    for item in sorted(index.by_key.values(), key=newest_first):
        if isinstance(item, Episode):
            for moment, person in _turns(item, named):
                moments[person.key].append(moment)
    return Cast(people, named, credits, author, {k: tuple(v) for k, v in moments.items()}, credited)


def link_people(
    cast: Cast, index: SiteIndex, links: Links, catalog: Catalog
) -> tuple[People, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    people, named = cast.people, cast.named
    credits: dict[str, tuple[Credit, ...]] = {}
    episodes: dict[str, list[tuple[Episode, str]]] = defaultdict(list)
    listed: dict[str, list[Item]] = defaultdict(list)
    for item in sorted(index.by_key.values(), key=newest_first):
        if isinstance(item, Episode):
            credits[item.key] = cast.credits[item.key]
            problems += _names_problems(item, named, people)
            for credit in credits[item.key]:
                if credit.person is not None:
                    episodes[credit.person.key].append((item, credit.role))
        elif isinstance(item, Essay) and item.people:
            credits[item.key] = tuple(_listed(item, named, people, problems))
            for credit in credits[item.key]:
                listed[credit.person.key].append(item)  # type: ignore[union-attr]
    mentions = {p.key: _references(p, links, listed) for p in people}
    images = _images(people, catalog, problems)
    hosts = {p.key for p in people if "host" in {r for _, r in episodes.get(p.key, ())}}
    ordered = sorted(people, key=lambda p: (p.key not in hosts, fold(p.title), p.key))
    return People(
        tuple(ordered),
        credits,
        {k: tuple(v) for k, v in episodes.items()},
        mentions,
        cast.moments,
        images,
        cast.author,
        named,
    ), problems


def _key(item: Item) -> str:
    return item.key


def _names(people: Sequence[Person]) -> dict[str, Person]:
    """Folded slug, name and alias -> person (the first person by key keeps a shared name)."""
    named: dict[str, Person] = {}
    for person in people:
        for name in (person.slug, person.title, *person.aliases):
            named.setdefault(fold(name), person)
    return named


def _people(found: Iterable[Person | None]) -> tuple[Person, ...]:
    return tuple({p.key: p for p in found if p is not None}.values())


def _credit(role: str, name: str, named: Mapping[str, Person]) -> Credit:
    person = named.get(fold(name))
    return Credit(role, person.title if person else name, person)


def _once(credits: tuple[Credit, ...]) -> tuple[Credit, ...]:
    """Each person (or name without a page) once in each role: a guest named by slug and
    by alias is one `podcast:person`, not two."""
    kept: dict[tuple[str, str], Credit] = {}
    for c in credits:
        kept.setdefault((c.role, c.person.key if c.person else fold(c.name)), c)
    return tuple(kept.values())


_SLUG_LIKE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def _names_problems(
    episode: Episode, named: Mapping[str, Person], people: Sequence[Person]
) -> list[Diagnostic]:
    """Warnings for an episode's `hosts:` and `guests:`: a name said twice, and a slug that
    names no person page, which podcast apps would otherwise show as it is written. Only a
    slug is compared with every name (a name without a page is allowed: it stays text)."""
    problems: list[Diagnostic] = []
    for key in ("hosts", "guests"):
        seen: set[str] = set()
        for i, name in enumerate(getattr(episode, key)):
            person = named.get(fold(name))
            who = person.key if person else fold(name)
            said, hint = None, None
            if who in seen:
                said, hint = f"'{name}' is named twice in `{key}:`", "take out the second"
            elif person is None and _SLUG_LIKE.fullmatch(name):
                said = f"'{name}' in `{key}:` names no person page: apps show it as written"
                hint = did_you_mean(name, [n for p in people for n in (p.slug, p.title)])
                hint = hint or 'add content/people/<slug>.md (site-builder new person "Name")'
            seen.add(who)
            if said:
                line = episode.line_of(key, i)
                problems.append(Diagnostic(episode.path, line, said, hint, "reference", "warning"))
    return problems


def _listed(
    essay: Essay, named: Mapping[str, Person], people: Sequence[Person], problems: list
) -> list[Credit]:
    """An essay's `people:`: each must name a person page (it links there)."""
    found = []
    for i, name in enumerate(essay.people):
        person = named.get(fold(name))
        if person is None:
            problems.append(
                Diagnostic(
                    essay.path,
                    essay.line_of("people", i),
                    f"unknown person '{name}'",
                    hint=did_you_mean(name, [n for p in people for n in (p.slug, p.title)])
                    or 'add content/people/<slug>.md (site-builder new person "Name")',
                    code="reference",
                )
            )
        elif all(c.person is not person for c in found):
            found.append(Credit("", person.title, person))
    return found


def _turns(episode: Episode, named: Mapping[str, Person]) -> list[tuple[Moment, Person]]:
    """Where each turn of a speaker with a person page starts in the episode's transcript."""
    if episode.transcript is None:
        return []
    found, speaker = [], None
    for para in paragraphs(episode.transcript.cues):
        if para.speaker and para.speaker != speaker:
            person = named.get(fold(para.speaker))
            if person is not None:
                found.append((Moment(episode, para.start), person))
        speaker = para.speaker or speaker
    return found


def _references(
    person: Person, links: Links, listed: Mapping[str, list[Item]]
) -> tuple[Reference, ...]:
    """The items that mention a person (as concept pages' backlinks), and the essays listing
    them in `people:` without a mention, newest first."""
    refs = list(links.referrers.get(person.key, ()))
    seen = {r.item.key for r in refs}
    refs += [Reference(i, ()) for i in listed.get(person.key, ()) if i.key not in seen]
    return tuple(sorted(refs, key=lambda r: newest_first(r.item)))


def _images(
    people: Sequence[Person], catalog: Catalog, problems: list[Diagnostic]
) -> dict[str, str]:
    """Each person's image as podcast apps fetch it: the narrowest web size in a format every
    app reads (JPEG or PNG), or the address of one kept elsewhere; a missing one is an error."""
    found: dict[str, str] = {}
    for person in people:
        if person.image is None:
            continue
        if is_remote(person.image):
            found[person.key] = person.image
            continue
        facts = find_image(catalog, person.image)
        if isinstance(facts, ImageFacts):
            if facts.fallback:  # an SVG has no web sizes, and apps do not show one
                found[person.key] = facts.fallback[0].path
            continue
        problems.append(
            Diagnostic(
                person.path,
                person.line_of("image"),
                facts or f"'image' must be an image in content/media: {person.image}",
                hint="write image: /media/<file>",
                code="image",
            )
        )
    return found
