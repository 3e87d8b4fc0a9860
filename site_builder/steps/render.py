"""The render step: the pages that cannot be reused rendered, with the feeds, the redirects and
(in a whole build) glossary.json and the theme's assets; what the cache may reuse recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..feeds import feed_jobs
from ..feeds.glossary_json import glossary_json
from ..incremental.plan import pages_to_render
from ..incremental.state import BuildCache, labels
from ..markdown import Parsed
from ..model import Episode, Essay, Page
from ..pool import run_sliced
from ..redirects import redirect_files
from ..render.pages import Job, Renderer
from ..render.related import reading_globals
from ..render.theme import collect_assets
from ..report import Reporter
from .link import Linked
from .load import Site

# From this many pages on, the pages that read objects from all over the site (lists, tags,
# concepts: their backlinks quote mentions from every essay) and the feeds are rendered in
# this process before the pool forks. A page of memory on which any process reads an object
# while a forked worker lives is copied (the reference count is written), and at 10,000
# essays, these pages rendered beside a worker copied 300 MiB more; below, the second core
# is worth more than the memory. The output is the same bytes either way.
FAR_ALONE_FROM = 5_000


class Deferred:
    """A file made when first asked for, as its build would have made it: `serve`'s feeds,
    which no tab shows, so that a save does not wait for them."""

    __slots__ = ("_data", "_lock", "_make")

    def __init__(self, make: Callable[[], bytes]):
        self._make: Callable[[], bytes] | None = make
        self._data: bytes | None = None
        self._lock = threading.Lock()

    def __call__(self) -> bytes:
        with self._lock:
            if self._make is not None:  # then let go of the build it was made from
                self._data, self._make = self._make(), None
            return self._data


@dataclass(frozen=True, slots=True)
class Made:
    pages: int  # pages the site has
    rendered: int  # of them, the pages rendered in this build (the rest were cached)
    reused: Mapping[str, bytes | Path | None]  # the rest of the last build's files
    made: Mapping[str, None]  # every file made this build


def render_pages(
    site: Site,
    parsed: Mapping[str, Parsed],
    linked: Linked,
    cache: BuildCache | None,
    jobs: int,
    keep: Callable[[dict[str, bytes]], None],
    report: Reporter,
    defer_feeds: bool = False,
) -> Made:
    """Render what this build must, handing the files to `keep` as they come; with
    `defer_feeds`, the feeds are `Deferred`."""
    config, index, reuse = site.config, site.index, linked.reuse
    if reuse.settled:
        return Made(cache.pages, 0, dict(cache.outputs), {})
    items = list(index.by_key.values())
    wanted = pages_to_render(reuse, cache, index, parsed)
    assets = collect_assets(linked.themes)
    renderer = Renderer(
        config,
        index,
        parsed,
        linked.links,
        {k: v[0] for k, v in assets.items()},
        sorted(
            (i for i in items if isinstance(i, Page) and i.menu is not None),
            key=lambda p: (p.menu, p.path),
        ),
        linked.glossary,
        live_reload=site.view[1],
        env=cache.environment(linked.themes) if cache else None,
        people=linked.people,
    )
    renderer.env.globals.update(
        site.pictures.globals(config.base_path), **reading_globals(renderer)
    )
    every = {job[0]: job for job in renderer.jobs(items)}
    todo = list(every) if wanted is None else [p for p in every if p in wanted]
    report.rendered(todo)
    feeds = feed_jobs(config, renderer, linked.links, items, reuse.dirty)
    made: dict[str, None] = {}  # every file made this build

    def take(part: dict[str, bytes]) -> None:
        made.update(dict.fromkeys(part))
        keep(part)

    shown = _render_files(renderer, every, todo, {} if defer_feeds else feeds, jobs, take, report)
    made = dict.fromkeys(p for p in (*todo, *feeds) if p in made)  # as listed, however made
    take({path: Deferred(make) for path, make in feeds.items()} if defer_feeds else {})
    take(redirect_files(config, linked.redirects))  # they show their targets' titles
    if wanted is None:
        take(
            {"glossary.json": glossary_json(index, linked.links, linked.glossary, config.base_url)}
        )
        take({out: data for out, data in assets.values()})
        reused = {}
    else:  # the rest is as the last build made it: bytes in memory, or files on disk
        reused = {rel: was for rel, was in cache.outputs.items() if rel not in made}
    if cache is not None:
        cache.shown = shown if wanted is None else {**cache.shown, **shown}
        cache.labels = {k: labels(i) for k, i in index.by_key.items()}
    return Made(len(every), len(todo), reused, made)


def _render_files(
    renderer: Renderer,
    every: dict[str, Job],
    todo: list[str],
    feeds: dict[str, Callable[[], bytes]],
    jobs: int,
    keep: Callable[[dict[str, bytes]], None],
    report: Reporter,
) -> dict[str, frozenset[str]]:
    """Render the pages in `todo` and the feeds, handing each slice to `keep` as it comes;
    returns the items each page showed. One pool does both, so no worker waits for the last
    pages before the feeds start; but on a large site (FAR_ALONE_FROM) the pages that are not
    an essay's or an episode's, and the feeds, are rendered here first, the rest by the pool."""
    shown: dict[str, frozenset[str]] = {}
    total, done = len(todo) + len(feeds), 0

    def take(part: tuple[dict[str, bytes], dict[str, frozenset[str]]]) -> None:
        nonlocal done
        keep(part[0])
        shown.update(part[1])
        done += len(part[0])
        report.progress("render", done, total)

    shared, listed = (renderer, every, feeds), [*todo, *feeds]
    if len(every) >= FAR_ALONE_FROM:
        near = {path for path in todo if isinstance(every[path][2], Essay | Episode)}
        run_sliced(_render_slice, shared, [path for path in listed if path not in near], 1, take)
        listed = [path for path in todo if path in near]
    run_sliced(_render_slice, shared, listed, jobs, take)
    return {path: shown[path] for path in todo if path in shown}  # as listed, however made


def _render_slice(shared: tuple, paths: list[str]) -> tuple[dict, dict[str, frozenset[str]]]:
    renderer, every, feeds = shared
    made, shown = renderer.render(every[path] for path in paths if path in every)
    made.update((path, feeds[path]()) for path in paths if path in feeds)
    return made, shown
