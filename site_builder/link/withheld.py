"""Pure: why a link or a reference to an item finds nothing: the item is a draft, is dated in
the future, or its file could not be read; the message says so, and what to do."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Episode, Item
from ..slugs import fold


def file_slug(path: str) -> str:
    """The slug a content file's name gives: `2026-03-14-title.md` and `001-title.md` -> title."""
    stem = path.rsplit("/", 1)[-1].removesuffix(".md")
    return re.sub(r"^(\d{4}-\d{2}-\d{2}-|\d+-)", "", stem)


def withheld_reasons(
    withheld: Iterable[Item], unreadable: Iterable[str]
) -> dict[str, tuple[str, str]]:
    """By folded slug, why a wikilink to each item left out of the build, or to each file
    that could not be read, finds nothing, and a hint (see SiteIndex.withheld)."""
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
    return why


def held_reasons(
    withheld: Iterable[Item], unreadable: Iterable[str]
) -> dict[str, tuple[str, str | None]]:
    """Why each item left out of the build, or each file that could not be read, is not what
    a front-matter reference to it finds (see SiteIndex.held)."""
    held: dict[str, tuple[str, str | None]] = {}
    for path in unreadable:
        folder, _, name = path.removeprefix("content/").partition("/")
        why: tuple[str, str | None] = (
            f"cannot be checked until {path} is fixed",
            "fix the error reported in that file, and this one goes with it",
        )
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
