"""Pure: what a rebuild may reuse from the last build in memory (the cache `serve` keeps, or the
one `build` reads back): which items to parse again, whether the site's shape is the same, which
items are dirty, and which pages to render. make_site asks; nothing here builds anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..charts import has_chart
from ..link.index import SiteIndex
from ..markdown import Parsed
from ..model import Item
from .state import (
    BuildCache,
    affected_pages,
    could_name,
    labels,
    renamed,
    retitled,
    shows_title_of,
)


def items_to_parse(
    index: SiteIndex,
    reusable: Mapping[str, tuple[Item, Parsed]],
    charts_changed: bool,
    among: Iterable[str] | None = None,
) -> list[str]:
    """The items whose parse cannot be reused: new or changed, drawing a chart from data that
    changed, showing the title of an item that was retitled, or whose text may name a person
    whose names or bio changed. With `among` (the items a save edited, when nothing but their
    bodies changed), only those can be."""
    new_titles = retitled(index, reusable) if among is None else set()
    people = renamed(index, reusable) if among is None else set()
    return [
        k
        for k in (index.by_key if among is None else among)
        if k not in reusable
        or reusable[k][0] != index.by_key[k]
        or (charts_changed and has_chart(index.by_key[k].body))
        or shows_title_of(index.by_key[k], reusable[k][1], new_titles)
        or could_name(index.by_key[k], reusable[k][1], people)
    ]


@dataclass(frozen=True, slots=True)
class Reuse:
    """How much of the last build's link graph and pages stand."""

    dirty: set[str] | None  # items whose pages must be made again; None: every page
    relabelled: set[str]  # of them, the items whose title or summary changed
    settled: bool  # nothing changed: the last build's pages and warnings stand as they are


def plan_reuse(
    cache: BuildCache | None, shape: object, index: SiteIndex, parsed: Mapping[str, Parsed]
) -> Reuse:
    """Reuse when the site's shape is the last build's: then only the items whose body or
    labels changed are dirty. The shape leaves out essays', episodes' and pages' titles and
    summaries: the pages that showed a relabelled item are known from the last build."""
    if cache is None or not cache.outputs or cache.shape != shape:
        return Reuse(None, set(), False)
    relabelled = {k for k, i in index.by_key.items() if cache.labels.get(k, labels(i)) != labels(i)}
    dirty = {k for k, body in parsed.items() if cache.rendered.get(k) is not body} | relabelled
    return Reuse(dirty, relabelled, not dirty and cache.pages > 0)


def pages_to_render(
    reuse: Reuse, cache: BuildCache | None, index: SiteIndex, parsed: Mapping[str, Parsed]
) -> set[str] | None:
    """The output paths to render again (None: all): the pages the dirty items appear on, and
    those that showed a relabelled item."""
    if reuse.dirty is None or cache is None:
        return None
    return affected_pages(reuse.dirty, index, parsed, cache.rendered) | {
        path for path, keys in cache.shown.items() if not keys.isdisjoint(reuse.relabelled)
    }
