"""Pure: what a save in `serve` leaves standing of the last build.

The preview knows which files a save changed. When they are content files the last walk found
(load/: `touched_sources`), only those are read again; and when each item they hold is the one
the last build had but for its body (the same items, in the same order, with the same front
matter), everything the last build made from the items' front matter stands: the index and its
collisions, the images and cards, the paths a link may name, the redirects, the site's shape
(unless an edit changed which concepts a body mentions how often). Then only the edited bodies
are parsed and relinked, and only the pages that show them rendered (incremental/plan.py).
Anything else is a whole build, which the cache makes cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..config import SiteConfig
from ..errors import Diagnostic
from ..link.index import SiteIndex
from ..load import Loaded
from ..markdown import Parsed
from ..model import Item
from .state import BuildCache, outline


@dataclass(frozen=True, slots=True)
class LastBuild:
    """What the last build (good or not) made from the items' front matter, kept by `serve`."""

    config: SiteConfig
    view: tuple  # (drafts, live_reload): which site it was
    loaded: Loaded
    published: tuple[str, ...]  # keys, in order
    index: SiteIndex
    collisions: tuple[Diagnostic, ...]
    templates: tuple[Diagnostic, ...]  # what templates/ holds that cannot be read
    pictures: Any  # images.phase.Pictures (images/ sits above incremental/)
    known: frozenset[str]
    redirects: tuple
    redirect_problems: tuple[Diagnostic, ...]
    shape: str


def bodies_edited(
    last: LastBuild | None,
    config: SiteConfig,
    view: tuple,
    loaded: Loaded,
    published: list[Item],
) -> dict[str, Item] | None:
    """The items whose body alone changed since `last`, by key, when nothing but bodies did;
    None when anything else may have (then the build makes everything again)."""
    if (
        last is None
        or last.config != config
        or last.view != view
        or last.loaded.walked is not loaded.walked
        or last.loaded.unreadable != loaded.unreadable
        or last.collisions  # two items of one key or address: which is which may change
        or len(last.loaded.items) != len(loaded.items)
        or last.published != tuple(i.key for i in published)
    ):
        return None
    edited = {}
    for old, new in zip(last.loaded.items, loaded.items, strict=True):
        if old is new:
            continue
        if replace(new, body=old.body) != old:
            return None
        edited[new.key] = new
    return edited


def same_shape(
    last: LastBuild,
    edited: Mapping[str, Item],
    parsed: Mapping[str, Parsed],
    memo: dict[str, tuple[Item, Parsed, object]],
) -> str | None:
    """The last build's shape, when the edited bodies mention each concept as often as they
    did (their items' outlines are the same); else None."""
    same = True
    for key, item in edited.items():
        before = memo.get(key)
        now = outline(item, parsed[key], memo)
        same = same and before is not None and before[2] == now
    return last.shape if same else None


def last_build(cache: BuildCache | None) -> LastBuild | None:
    """Take the last build's record out of the cache: a build that fails on the way leaves
    none, so that the next one makes everything again."""
    if cache is None:
        return None
    last, cache.last = cache.last, None
    return last
