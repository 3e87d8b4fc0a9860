"""Pure: the podcast feed's `podcast:person` elements: each host and guest by name, and, for
those with a page, its address (`href`), their image at a web size (`img`) and their role in
the Podcasting 2.0 taxonomy; the show's crew (a person whose roles are not the cast's) too."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..link.people import People
from ..load.people import GROUP_OF
from ..model import Person

Element = tuple[str, dict[str, str]]  # a name, and the element's attributes
_HOSTING = ("host", "co-host", "guest host")


def people_elements(
    names: Iterable[tuple[str, str]], people: People | None, url: Callable[[str], str]
) -> list[Element]:
    """`podcast:person` for each (role, name), once (a guest named by slug and by alias is one
    person); `url` makes a path below the site absolute."""
    found: list[Element] = []
    for role, name in names:
        person = people.find(name) if people else None
        if person is None or people is None:
            element = (name, {"role": role})
        else:
            if role == "host":  # a co-host is a host of the show, as the feed says of them
                role = next((r for r in person.roles if r in _HOSTING), role)
            element = (person.title, _attributes(person, role, people, url))
        if element not in found:
            found.append(element)
    return found


def crew_elements(people: People | None, url: Callable[[str], str]) -> list[Element]:
    """The people whose roles lie outside the cast (producers, editors, composers …)."""
    return [
        (p.title, _attributes(p, role, people, url))
        for p in (people.people if people else ())
        for role in p.roles
        if GROUP_OF[role] != "cast"
    ]


def _attributes(person: Person, role: str, people: People, url: Callable[[str], str]) -> dict:
    attrs = {"role": role}
    group = GROUP_OF.get(role, "cast")
    if group != "cast":
        attrs["group"] = group
    attrs["href"] = url(person.url_path)
    image = people.images.get(person.key)
    if image:
        attrs["img"] = image if image.startswith(("https://", "http://")) else url(image)
    return attrs
