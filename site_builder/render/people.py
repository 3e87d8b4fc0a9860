"""Pure: the people's pages (each person, and `/people/`, hosts first), and what essay and
episode templates show of the people on them: their credits and schema.org Person data."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from ..link.people import INDEX_PAGE, Moment
from ..model import Item, Person
from .views import View, backlink_groups

if TYPE_CHECKING:
    from .pages import Renderer


class Shown(NamedTuple):
    """A credit as a template shows it: the name, and the person's page if they have one."""

    role: str
    name: str
    view: View | None


def people_pages(renderer: Renderer, page: Callable[..., None]) -> None:
    """Add `/people/` and each person's page to the jobs (none on a site without people)."""
    people = renderer.people
    if people is None or not people.people:
        return
    page(
        f"{INDEX_PAGE}index.html",
        "people.html",
        context=lambda: dict(
            people=[(renderer.view(p), people.role_of(p)) for p in people.people],
        ),
    )
    for person in people.people:
        page(
            f"{person.url_path}index.html",
            "person.html",
            person,
            partial(_person_context, renderer, person),
        )


def _person_context(renderer: Renderer, person: Person) -> dict[str, Any]:
    people = renderer.people
    assert people is not None
    view = renderer.view
    return dict(
        role=people.role_of(person),
        episodes=[(view(e), role) for e, role in people.episodes.get(person.key, ())],
        referrers=backlink_groups(people.mentions.get(person.key, ()), view),
        moments=_by_episode(people.moments.get(person.key, ()), view),
        person_ld=_person_ld(renderer, person),
        # the Atom feed of what mentions them, as a concept's (feeds/__init__)
        feeds=[
            (f"{renderer.config.title}: {person.title}", renderer.index.url(person) + "feed.xml")
        ]
        if person.key in renderer.links.referrers
        else [],
    )


def _by_episode(moments: tuple[Moment, ...], view: Callable[[Item], View]) -> list:
    """(episode, [seconds, …]) for each episode they speak in, in the order given."""
    found: dict[str, tuple[View, list[int]]] = {}
    for moment in moments:
        key = moment.episode.key
        if key not in found:
            found[key] = (view(moment.episode), [])
        found[key][1].append(moment.at)
    return list(found.values())


def _person_ld(renderer: Renderer, person: Person) -> dict[str, Any]:
    """schema.org Person data; templates serialise it with `tojson`."""
    data = _person_data(renderer, person)
    if person.aliases:
        data["alternateName"] = list(person.aliases)
    if person.summary:
        data["description"] = person.summary
    image = renderer.people.images.get(person.key) if renderer.people else None
    if image:
        data["image"] = renderer.abs_url(image)
    if person.links:
        data["sameAs"] = [link.url for link in person.links]
    return {"@context": "https://schema.org", **data}


def _person_data(renderer: Renderer, person: Person) -> dict[str, Any]:
    return {
        "@type": "Person",
        "name": person.title,
        "url": renderer.abs_url(renderer.index.url(person)),
    }


def people_globals(renderer: Renderer) -> dict[str, Any]:
    """What templates call: `credits_of(page)` (an episode's hosts and guests, an essay's
    people, each with their page if they have one) and `people_ld(page)` (the `actor` or
    `author` keys to add to its schema.org data: none when no credit has a page)."""

    def credits_of(page: View | None) -> list[Shown]:
        people = renderer.people
        if page is None:
            return []
        if people is None:  # no people phase: the names as written
            return [Shown("guest", name, None) for name in getattr(page.item, "guests", ())]
        return [
            Shown(c.role, c.name, c.person and renderer.view(c.person))
            for c in people.credits.get(page.key, ())
        ]

    def people_ld(page: View | None) -> dict[str, Any]:
        credits = [c for c in credits_of(page) if c.view is not None]
        if not credits or page is None:
            return {}
        data = [_person_data(renderer, c.view.item) for c in credits]  # type: ignore[union-attr]
        if page.kind == "episode":
            return {"actor": data}
        return {"about": data}

    def author_ld() -> dict[str, Any]:
        """The site's author, with their page when they have one."""
        config = renderer.config
        found = renderer.people.author if renderer.people else None
        if found is None:
            return {
                "@type": "Person",
                "name": config.author.name if config.author else config.title,
            }
        renderer.view(found)  # a page showing them, renamed
        return _person_data(renderer, found)

    return dict(
        credits_of=credits_of,
        people_ld=people_ld,
        author_ld=author_ld,
        has_people=bool(renderer.people and renderer.people.people),  # `/people/` in the menu
    )
