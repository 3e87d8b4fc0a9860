"""Pure: the site's related reading, from the mention index link_site already built: the
features of each essay and episode (the concepts that refer to it, its tags), the pieces
authors pin with `related: [slug, ...]` (checked, with a hint), and the names reasons show.

People are features as the concepts are (the one matcher finds both in the text), and so is
the series a piece is part of; link/related.py words the reasons.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import Diagnostic, did_you_mean
from ..model import Concept, Episode, Essay, Item, Person
from ..routes import tag_slug
from ..slugs import fold
from .index import SiteIndex
from .related import Pick, Piece, pick_related
from .series import SeriesLinks

PIECES = {"essays": "essay", "episodes": "episode"}  # URL section -> the kinds it lists


@dataclass(frozen=True, slots=True)
class Reading:
    """Each piece's related reading, and what reasons call each feature ("concept/ripeness"
    -> "ripeness", "tag/war-peace" -> "war & peace")."""

    picks: Mapping[str, tuple[Pick, ...]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)


def is_piece(item: Item) -> bool:
    return isinstance(item, (Essay, Episode))


def related_reading(
    items: Sequence[Item],
    concepts_of: Mapping[str, Iterable[Item]],
    credited: Mapping[str, Iterable[Person]],
    pins: Mapping[str, tuple[str, ...]],
    linked: Mapping[str, Collection[str]],
    series: SeriesLinks,
    memo: dict | None = None,
) -> Reading:
    """The related reading of every essay and episode among `items` (newest first, which
    breaks ties), given the concepts each item refers to (`concepts_of`: item key -> concepts),
    the pins `resolve_pins` found, and what each page links to already (an essay's episode,
    an episode's essays), which related reading would only repeat; `series`: which series
    each piece is part of. The people a piece is with are those its credits name (`credited`:
    an episode's hosts and guests, an essay's `people:`) and those its text names. `memo` keeps
    the last picks with what they were picked from: a rebuild that changes none of it (most
    edits) does not pick again, the most costly part of linking a site."""
    pieces = [i for i in items if is_piece(i)]
    names: dict[str, str] = {}
    features = []
    for item in pieces:
        named = concepts_of.get(item.key, ())
        concepts = [c for c in named if isinstance(c, Concept)]
        mentioned = (p for p in named if isinstance(p, Person))  # one matcher finds both
        people = list({p.key: p for p in (*credited.get(item.key, ()), *mentioned)}.values())
        names.update((f"concept/{c.slug}", c.title) for c in concepts)
        names.update((f"person/{p.slug}", p.title) for p in people)
        tags = {tag_slug(t): t for t in item.tags}
        for slug, tag in tags.items():
            names.setdefault(f"tag/{slug}", tag)  # as the tag's page calls it: first written
        shared = {"concept": tuple(c.slug for c in concepts), "tag": tuple(tags)}
        if people:
            shared["person"] = tuple(p.slug for p in people)
        if item.key in series.part_of:
            slug = series.part_of[item.key][0]
            shared["series"] = (slug,)
            names[f"series/{slug}"] = series.runs[f"series/{slug}"].series.title
        features.append(Piece(item.key, shared))
    off = frozenset(i.key for i in pieces if i.related is None)
    given = (features, pins, off, linked)
    if memo is not None and memo.get("given") == given:
        return Reading(memo["picks"], names)
    picks = pick_related(*given)
    if memo is not None:
        memo.update(given=given, picks=picks)
    return Reading(picks, names)


def resolve_pins(index: SiteIndex, items: Iterable[Item]) -> tuple[dict, list[Diagnostic]]:
    """The pieces each item's `related: [slug, ...]` names, as keys in the author's order, and
    a problem at the line of each slug that names no published essay or episode."""
    pins: dict[str, tuple[str, ...]] = {}
    problems: list[Diagnostic] = []
    for item in items:
        if not is_piece(item) or not item.related:
            continue
        keys = []
        for n, ref in enumerate(item.related):
            found, problem = _pin(index, item, ref)
            if found is not None:
                keys.append(found.key)
            else:
                message, hint = problem
                line = item.line_of("related", n)
                problems.append(Diagnostic(item.path, line, message, hint=hint, code="reference"))
        pins[item.key] = tuple(keys)
    return pins, problems


def _pin(index: SiteIndex, item: Item, ref: str) -> tuple[Item | None, tuple[str, str | None]]:
    """The essay or episode `ref` names (a slug, or `essays/slug` when it is ambiguous), or
    what is wrong with it."""
    section, _, slug = ref.rpartition("/")
    kinds = set(PIECES.values()) if not section else {PIECES.get(section)}
    found = [i for i in index.by_slug.get(fold(slug), ()) if i.kind in kinds]
    if len(found) == 1 and found[0].key == item.key:
        return None, (f"'{ref}' is this {item.kind} itself", "pin other pieces")
    if len(found) == 1:
        return found[0], ("", None)
    if found:
        options = " or ".join(sorted(i.key for i in found))
        return None, (f"related piece '{ref}' is ambiguous", f"write {options}")
    for key in (f"{s}/{slug}" for s in PIECES if not section or s == section):
        if key in index.held:
            return None, (f"related piece '{ref}' {index.held[key][0]}", index.held[key][1])
    other = next(iter(index.by_slug.get(fold(slug), ())), None) if not section else None
    if (section and section not in PIECES) or other is not None:
        what = f"'{ref}'" if other is None else f"'{ref}', a {other.kind}"
        return None, (f"related reading lists essays and episodes, not {what}", None)
    slugs = [i.slug for i in index.by_key.values() if i.kind in PIECES.values()]
    return None, (f"unknown related piece '{ref}'", did_you_mean(slug, slugs))
