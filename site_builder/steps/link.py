"""The link step: the reference graph (made, patched after a body edit, or the last build's),
what the glossary learns from it, the redirects, the podcast's checks and guid ledger, and what
the render step may reuse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from ..config import SiteConfig
from ..errors import Diagnostic
from ..feeds.podcast_checks import check_podcast
from ..incremental.plan import Reuse, plan_reuse
from ..incremental.save import LastBuild, same_shape
from ..incremental.state import BuildCache, site_shape
from ..ledger import ledger_text, read_ledger, reconcile, releases
from ..link.glossary import Glossary, study_glossary
from ..link.graph import Links, link_site, relink
from ..link.people import Cast, People, cast_of, link_people
from ..load.sidefiles import read_head
from ..markdown import Parsed
from ..model import Episode, Item
from ..redirects import Redirect, plan_redirects
from ..render.theme import theme_dirs
from ..routes import fixed_paths, tag_folder, tag_slug
from .load import Site, is_published


@dataclass(frozen=True, slots=True)
class Linked:
    links: Links
    glossary: Glossary
    reuse: Reuse
    redirects: tuple[Redirect, ...]
    themes: tuple[Path, ...]
    shape: str | None  # the site's shape (see incremental/state.py), with a cache
    ledger: str | None  # the guid ledger as `build` leaves it, when there is a podcast
    problems: tuple[Diagnostic, ...]  # the redirects', the links', the podcast's
    people: People  # each person's episodes, mentions and moments (link/people.py)


def link_pages(
    site: Site,
    parsed: Mapping[str, Parsed],
    cache: BuildCache | None,
    last: LastBuild | None,
    now: datetime,
) -> Linked:
    """Link the parsed site; with a cache, reuse what the last good build's graph still
    says. The cache is told what this build made of the items' front matter (see
    incremental/save.py) before any error is raised."""
    config, index = site.config, site.index
    themes = theme_dirs(config)
    if site.edited is not None:  # bodies alone changed: what front matter decides stands
        known, redirects, moved = last.known, last.redirects, last.redirect_problems
        shape = same_shape(last, site.edited, parsed, cache.outlines)
    else:
        known, shape = known_paths(index.by_key.values(), site.loaded, config), None
        planned, found = plan_redirects(config, index.by_key.values(), known, site.loaded.static)
        redirects, moved = tuple(planned), tuple(found)
    cast = cast_of(config, index)  # who each name is: see Cast.shape
    if shape is None and cache is not None:
        extra = (*site.view, sorted(known), site.pictures.digest, cast.shape)  # images: Pictures
        shape = site_shape(config, index, parsed, themes, extra, cache.outlines)
    reuse = plan_reuse(cache, shape, index, parsed)
    links, glossary, found = _graph(site, parsed, cache, reuse, known, cast, now)
    people, found_people = link_people(cast, index, links, site.pictures.catalog)
    problems = [*moved, *found, *found_people]
    if cache is not None:
        cache.last = LastBuild(
            config,
            site.view,
            site.loaded,
            tuple(i.key for i in site.published),
            index,
            site.collisions,
            site.templates,
            site.pictures,
            known,
            redirects,
            moved,
            shape,
        )
    ledger = None
    if config.podcast:
        ledger, found = _ledger(config, index.by_key.values(), now)
        problems += found
    return Linked(links, glossary, reuse, redirects, themes, shape, ledger, tuple(problems), people)


def _graph(
    site: Site,
    parsed: Mapping[str, Parsed],
    cache: BuildCache | None,
    reuse: Reuse,
    known: frozenset[str],
    cast: Cast,
    now: datetime,
) -> tuple[Links, Glossary, list[Diagnostic]]:
    """The link graph and the glossary's facts: the last build's when nothing changed, the
    last build's with the dirty bodies relinked when only bodies did, else made anew."""
    config, index = site.config, site.index
    # the last build's pages stand as they are, and so do its warnings; a cache read from disk
    # holds no graph (quicker made again than read back), and people are linked from one
    if reuse.settled and cache.links is not None:
        return cache.links, cache.glossary_facts, list(cache.link_warnings)
    if reuse.dirty is not None and cache.links:
        # only bodies changed: the graph is the same but for what the dirty items say
        links, unresolved = relink(cache.links, index, parsed, reuse.dirty, known)
        return links, cache.glossary_facts, unresolved + cache.link_warnings
    memo = cache.reading if cache else None
    links, unresolved = link_site(index, parsed, known, cast.credited, memo)
    glossary, unused = study_glossary(index, links)
    found = unresolved + unused
    if config.podcast:
        episodes = [i for i in index.by_key.values() if isinstance(i, Episode)]
        found += check_podcast(
            config,
            episodes,
            partial(read_head, config.content_dir),
            unreleased={i.key for i in site.loaded.items if not is_published(i, False, now)},
        )
    if cache is not None:
        cache.link_warnings = [d for d in found if d.severity != "error"]
    return links, glossary, found


def _ledger(
    config: SiteConfig, items: Iterable[Item], now: datetime
) -> tuple[str | None, list[Diagnostic]]:
    """The guid ledger after this build, and what it finds wrong. It follows the feed a build
    without drafts writes, whatever this build includes: drafts may still change."""
    entries, problems = read_ledger(config.root)
    on_record = [i for i in items if isinstance(i, Episode) and is_published(i, False, now)]
    today = now.astimezone(config.tz).date().isoformat()
    kept, found = reconcile(entries, releases(config, on_record), today)
    return (ledger_text(kept) if kept else None), problems + found


def known_paths(items, loaded, config: SiteConfig) -> frozenset[str]:
    """Every path a root-relative link in the content may point at."""
    paths = set(fixed_paths(podcast=bool(config.podcast)))
    paths.update(i.url_path for i in items)
    paths.update(tag_folder(tag_slug(t)) for i in items for t in i.tags)
    paths.update(f"media/{m}" for m in loaded.media)
    paths.update(loaded.static)
    return frozenset(paths)
