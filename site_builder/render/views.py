"""Pure: what templates see of an item: View, its labels, dates and backlinks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from ..markdown import Parsed
from ..model import Episode, Item

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def episode_label(episode: Episode) -> str:
    """'Episode 12', 'Bonus · Episode 4', or 'Trailer' for one without a number."""
    kind = "" if episode.episode_type == "full" else episode.episode_type.capitalize()
    if episode.number is None:
        return kind or "Episode"
    return f"{kind} · Episode {episode.number}" if kind else f"Episode {episode.number}"


def format_date(value: datetime | None) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if value else ""


class _Backlink(NamedTuple):
    """One item on a concept page: the sentence to quote and the transcript moments."""

    item: View
    mentions: tuple
    quote: Any  # the first mention in prose, else the first in the transcript
    moments: list


def backlink(item: View, mentions: tuple) -> _Backlink:
    moments = [m for m in mentions if m.at is not None]
    quote = next((m for m in mentions if m.at is None), mentions[0] if mentions else None)
    return _Backlink(item, mentions, quote, moments)


_GROUPS = (
    ("essay", "Essays"),
    ("episode", "Episodes"),
    ("page", "Pages"),
    ("concept", "Concepts"),
    ("person", "People"),
    ("series", "Series"),
)


def backlink_groups(refs: Iterable, view: Callable[[Item], View]) -> list[tuple[str, list]]:
    """The references to a concept or a person (link/graph's), as their page lists them: by
    kind, each with the sentence to quote and the transcript moments."""
    groups = []
    for kind, label in _GROUPS:
        members = [backlink(view(r.item), r.mentions) for r in refs if r.item.kind == kind]
        if members:
            groups.append((label, members))
    return groups


@dataclass(frozen=True, slots=True)
class View:
    """An item as templates see it: the item, its rendered body and its place in the site."""

    item: Item
    url: str
    parsed: Parsed | None  # not `body`: that is the item's Markdown, as templates know it
    summary: str

    @property
    def html(self) -> str:  # decoded when a page or feed shows it, not kept
        return self.parsed.html if self.parsed else ""

    # the attributes templates read most, without the cost of a failed lookup first
    title = property(lambda self: self.item.title)
    date = property(lambda self: self.item.date)
    key = property(lambda self: self.item.key)
    kind = property(lambda self: self.item.kind)
    tags = property(lambda self: self.item.tags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.item, name)
