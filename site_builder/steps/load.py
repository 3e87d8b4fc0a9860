"""The load step: the content read (after a save, only the files it touched), the published
items indexed, the images made, and the problems found so far."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import SiteConfig
from ..errors import Diagnostic
from ..images.phase import Pictures, make_pictures
from ..incremental.save import LastBuild, bodies_edited
from ..incremental.state import BuildCache
from ..link.index import SiteIndex, build_index, with_items
from ..load import Loaded, load_content, touched_sources
from ..load.walk import template_problems
from ..model import Item
from ..report import Reporter


@dataclass(frozen=True, slots=True)
class Site:
    """The site as loaded, before any body is parsed."""

    config: SiteConfig
    loaded: Loaded
    published: tuple[Item, ...]
    withheld: tuple[Item, ...]  # drafts and items dated in the future, left out of this build
    index: SiteIndex
    collisions: tuple[Diagnostic, ...]
    templates: tuple[Diagnostic, ...]
    pictures: Pictures
    problems: tuple[Diagnostic, ...]  # the site.yaml's, the content's, the templates', the images'
    edited: Mapping[str, Item] | None  # bodies alone changed since `last`: these items
    view: tuple  # (drafts, live_reload)


def is_published(item: Item, drafts: bool, now: datetime) -> bool:
    return drafts or not (item.draft or (item.date is not None and item.date > now))


def load_site(
    config: SiteConfig,
    cache: BuildCache | None,
    last: LastBuild | None,
    changed: Iterable[str] | None,
    view: tuple,
    now: datetime,
    jobs: int,
    store_charts: bool,
    report: Reporter,
) -> Site:
    """Read the content and make what the items' front matter decides. With `changed` (the
    paths a save changed, as `serve` knows them) and the `last` build, only those files are
    read again, and when only bodies changed, the rest of the last build's work stands."""
    with report.phase("load"):
        touched = touched_sources(last.loaded.walked, changed) if last and changed else None
        loaded, published, withheld, edited = _load(config, cache, last, touched, view, now, jobs)
        if edited is None:
            index, found = build_index(published, withheld, config.base_path, loaded.unreadable)
            collisions = tuple(found)
            templates = tuple(template_problems(config.templates_dir, config.root))
        else:
            index, collisions, templates = (
                with_items(last.index, edited),
                last.collisions,
                last.templates,
            )
    with report.phase("images"):
        if edited is None:
            items = index.by_key.values()
            pictures = make_pictures(config, loaded.media, items, cache, store_charts, jobs)
        else:
            pictures = last.pictures
    problems = (
        *config.warnings,
        *loaded.diagnostics,
        *templates,
        *collisions,
        *pictures.problems,
    )
    return Site(
        config,
        loaded,
        published,
        withheld,
        index,
        collisions,
        templates,
        pictures,
        problems,
        edited,
        view,
    )


def _load(
    config: SiteConfig,
    cache: BuildCache | None,
    last: LastBuild | None,
    touched: frozenset[Path] | None,
    view: tuple,
    now: datetime,
    jobs: int,
) -> tuple[Loaded, tuple[Item, ...], tuple[Item, ...], dict[str, Item] | None]:
    """The content (all of it, or the `touched` files again), which of it this build
    publishes, and the items whose bodies alone changed since `last` (else None)."""
    loaded = load_content(
        config.content_dir,
        config.root,
        config.tz,
        cache.files if cache else None,
        by_content=cache is not None and cache.by_content,
        walked=last.loaded.walked if touched is not None else None,
        touched=touched,
        jobs=jobs,
    )
    drafts = view[0]
    published = tuple(i for i in loaded.items if is_published(i, drafts, now))
    withheld = tuple(i for i in loaded.items if not is_published(i, drafts, now))
    edited = bodies_edited(last, config, view, loaded, published) if touched is not None else None
    return loaded, published, withheld, edited
