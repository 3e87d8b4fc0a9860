"""Pure: a person's front matter (content/people/<slug>.md) to a Person, and the Podcasting 2.0
taxonomy their roles are checked against."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import did_you_mean
from ..model import Person, PersonLink
from .fields import OPEN, FieldReader, Keys

PERSON_KEYS: Keys = {
    "name": None,
    "aliases": None,
    "roles": None,
    "bio": None,
    "image": None,
    "links": {OPEN: None},
}

# The Podcast Taxonomy Project's roles (podcast:person `role`), by `group`, as the Podcasting 2.0
# namespace names them; written lowercase, as the namespace's examples do.
TAXONOMY: dict[str, tuple[str, ...]] = {
    "creative direction": (
        "director",
        "assistant director",
        "executive producer",
        "senior producer",
        "producer",
        "associate producer",
        "development producer",
        "creative director",
    ),
    "cast": (
        "host",
        "co-host",
        "guest host",
        "guest",
        "voice actor",
        "narrator",
        "announcer",
        "reporter",
    ),
    "writing": (
        "author",
        "editorial director",
        "co-writer",
        "writer",
        "songwriter",
        "guest writer",
        "story editor",
        "managing editor",
        "script editor",
        "script coordinator",
        "researcher",
        "editor",
        "fact checker",
        "translator",
        "transcriber",
        "logger",
    ),
    "audio production": (
        "studio coordinator",
        "technical director",
        "technical manager",
        "audio engineer",
        "remote recording engineer",
        "post production engineer",
    ),
    "audio post-production": (
        "audio editor",
        "sound designer",
        "foley artist",
        "composer",
        "theme music",
        "music production",
        "music contributor",
    ),
    "administration": (
        "production coordinator",
        "booking coordinator",
        "production assistant",
        "content manager",
        "marketing manager",
        "sales representative",
        "sales manager",
    ),
    "visuals": ("graphic designer", "cover art designer"),
    "community": ("social media manager",),
    "misc.": ("consultant", "intern"),
    "video production": ("camera operator", "lighting designer", "camera grip", "assistant camera"),
    "video post-production": ("assistant editor",),  # its "editor" is writing's too
}
GROUP_OF = {role: group for group, roles in TAXONOMY.items() for role in roles}
# well-known sites, named by their address when a link is given without a label
_SITES = {"bsky.app": "Bluesky", "github.com": "GitHub", "linkedin.com": "LinkedIn"}


def read_names(r: FieldReader, key: str) -> tuple[str, ...]:
    """`hosts:`, `guests:` (an episode's) or `people:` (an essay's): the people named, each by
    the slug, name or alias of a person file, or by a name alone."""
    return r.text_list(
        key,
        f"name each person by their file's slug or their name (`{key}: [ines-carvalho]`); "
        "what they do goes in their file, content/people/<slug>.md: `roles: [guest]`",
    )


def read_person(r: FieldReader, slug: str, common: dict[str, Any]) -> Person:
    """A person: `name` (required), `aliases`, `roles`, a one-sentence `bio`, `image`, `links`."""
    name = r.text("name", required=True)
    bio = r.text("bio")
    return Person(
        kind="person",
        slug=slug,
        title=name or slug,
        **{**common, "summary": bio or common["summary"]},
        aliases=tuple(a for a in r.text_list("aliases") if not a.startswith("/")),
        roles=_roles(r),
        image=r.text("image"),
        links=_links(r),
    )


def _roles(r: FieldReader) -> tuple[str, ...]:
    roles = []
    for i, role in enumerate(r.text_list("roles")):
        folded = " ".join(role.casefold().split())
        if folded in GROUP_OF:
            roles.append(folded)
            continue
        r.within("roles").error(
            i,
            f"unknown role '{role}': podcast apps know the Podcasting 2.0 taxonomy's roles",
            did_you_mean(folded, GROUP_OF) or "e.g. host, co-host, guest, producer, editor",
        )
    return tuple(roles)


def _links(r: FieldReader) -> tuple[PersonLink, ...]:
    """`links: {Website: https://…, Mastodon: https://…}`, or a list of addresses."""
    value = r.get("links")
    if value is None:
        return ()
    if isinstance(value, dict):
        within = r.within("links")
        found = ((str(label), within.url(label)) for label in value)
        return tuple(PersonLink(label, url) for label, url in found if url)
    if isinstance(value, list):
        within = r.within("links")
        urls = (within.url(i) for i in range(len(value)))
        return tuple(PersonLink(_label(url), url) for url in urls if url)
    r.error("links", "'links' must be a mapping: `links: {Website: https://…}`")
    return ()


def _label(url: str) -> str:
    host = urlsplit(url).netloc.lower().removeprefix("www.")
    return _SITES.get(host, host or url)
