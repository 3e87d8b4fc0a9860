"""The orchestrator: config -> load -> parse -> link -> render, then (for `build`) write.

Everything is collected before anything is written, so backlinks, tag pages and feeds see the
whole site, and a build with any error writes nothing.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from .charts import ChartCache, data_digest
from .config import SiteConfig
from .errors import ContentError, Diagnostic, InterruptedAfterWriting, errors_in
from .feeds import feed_jobs
from .feeds.glossary_json import glossary_json
from .feeds.podcast_checks import check_podcast
from .images.phase import Pictures, make_pictures
from .incremental.plan import items_to_parse, pages_to_render, plan_reuse
from .incremental.state import BuildCache, labels, parse_env, site_shape
from .incremental.store import CACHE_DIR, load_cache, save_cache, source_stats, unchanged_copies
from .ledger import ledger_text, read_ledger, reconcile, releases, save_ledger
from .link.glossary import study_glossary
from .link.graph import link_site, relink
from .link.index import SiteIndex, build_index, build_matcher
from .load import load_content
from .load.sidefiles import read_head
from .load.values import parse_whole_number
from .load.walk import template_problems
from .markdown import Parsed, make_markdown
from .markdown.item import parse_item
from .markdown.mentions import Mention
from .model import Episode, Item, Page
from .pool import run_sliced
from .redirects import plan_redirects, redirect_files
from .render.pages import Job, Renderer
from .render.theme import collect_assets, theme_dirs
from .routes import STATIC_DIR, episode_files, fixed_paths, tag_folder, tag_slug
from .search import index_site
from .write import OutputWriter, Waiting, lock_output, recover_leftovers

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(slots=True)
class BuildResult:
    files: dict[str, bytes]
    copies: dict[str, Path]  # output path -> a source file, or the previous output's copy
    warnings: list[Diagnostic]
    timings: dict[str, float] = field(default_factory=dict)
    pages: int = 0
    rendered: int = 0  # of them, the pages rendered in this build (the rest were cached)
    autolinks: list[tuple[str, Mention]] = field(default_factory=list)  # (source path, link)
    drafts_left_out: int = 0
    future_left_out: int = 0  # items dated in the future (drafts among them counted as drafts)
    ledger: str | None = None  # the guid ledger as `build` leaves it, when there is a podcast

    @property
    def withheld(self) -> int:
        return self.drafts_left_out + self.future_left_out


@contextmanager
def _phase(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def build_now() -> datetime:
    """'Now' for leaving out future-dated items; SOURCE_DATE_EPOCH pins it for reproducibility."""
    try:
        return datetime.fromtimestamp(parse_whole_number(os.environ["SOURCE_DATE_EPOCH"]), UTC)
    except (KeyError, ValueError):  # unset, or not a number of seconds
        return datetime.now(UTC)


def is_published(item: Item, drafts: bool, now: datetime) -> bool:
    return drafts or not (item.draft or (item.date is not None and item.date > now))


def make_site(
    config: SiteConfig,
    *,
    drafts: bool = False,
    now: datetime | None = None,
    live_reload: str | None = None,
    cache: BuildCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    sink: Callable[[dict[str, bytes]], None] | None = None,
    store_charts: bool = False,
) -> BuildResult:
    """Build the whole site in memory; raises ContentError listing every problem.

    With a `cache` from the previous build (as `serve` keeps one), unchanged files are not
    read, unchanged items not parsed, and pages that cannot have changed not rendered. With
    `jobs` > 1, parsing and rendering are spread over that many processes. `progress(phase,
    done, total)` is told how far parsing and rendering have got. With `sink`, the files made
    are handed to it as they come instead of being kept (so a large site is never all in
    memory at once): `build` writes them straight into the new output folder. With a `cache`,
    charts drawn before are read from .site-builder-cache/charts; only with `store_charts`
    (`build`) are new drawings added there: `check` and `serve` write nothing.
    """
    timings: dict[str, float] = {}
    now = now or build_now()
    with _phase(timings, "load"):
        loaded = load_content(
            config.content_dir,
            config.root,
            config.tz,
            cache.files if cache else None,
            by_content=cache is not None and cache.by_content,
        )
    problems = [
        *config.warnings,
        *loaded.diagnostics,
        *template_problems(config.templates_dir, config.root),
    ]
    published = [i for i in loaded.items if is_published(i, drafts, now)]
    withheld = [i for i in loaded.items if not is_published(i, drafts, now)]
    index, collisions = build_index(published, withheld, config.base_path, loaded.unreadable)
    problems += collisions
    with _phase(timings, "images"):
        pics = make_pictures(config, loaded.media, index.by_key.values(), cache, store_charts, jobs)
    problems += pics.problems
    with _phase(timings, "parse"):
        parsed, found = _parse_site(config, index, cache, jobs, progress, store_charts, pics)
        problems += found
    with _phase(timings, "link"):
        themes = theme_dirs(config)
        known = _known_paths(index.by_key.values(), loaded.media, loaded.static, config)
        redirects, found = plan_redirects(config, index.by_key.values(), known, loaded.static)
        problems += found
        extra = (drafts, live_reload, sorted(known), pics.digest)  # images: see Pictures.digest
        shape = site_shape(config, index, parsed, themes, extra, cache.outlines) if cache else None
        reuse = plan_reuse(cache, shape, index, parsed)
        dirty, settled = reuse.dirty, reuse.settled
        if settled:  # the last build's pages stand as they are, and so do its warnings
            links, glossary_facts = cache.links, cache.glossary_facts
            problems += cache.link_warnings
        elif dirty is not None and cache.links:
            # only bodies changed: the graph is the same but for what the dirty items say
            links, unresolved = relink(cache.links, index, parsed, dirty, known)
            glossary_facts = cache.glossary_facts
            problems += unresolved + cache.link_warnings
        else:
            links, unresolved = link_site(index, parsed, known)
            glossary_facts, unused = study_glossary(index, links)
            found = unresolved + unused
            if config.podcast:
                episodes = [i for i in index.by_key.values() if isinstance(i, Episode)]
                found += check_podcast(
                    config,
                    episodes,
                    partial(read_head, config.content_dir),
                    unreleased={i.key for i in loaded.items if not is_published(i, False, now)},
                )
            problems += found
            if cache is not None:
                cache.link_warnings = [d for d in found if d.severity != "error"]
    ledger = None
    if config.podcast:
        ledger, found = _ledger(config, index.by_key.values(), now)
        problems += found
    if errors_in(problems):
        raise ContentError(errors_in(problems))
    items = list(index.by_key.values())
    files: dict[str, bytes] = {}
    made: dict[str, None] = {}  # every file made, kept in `files` or given to `sink`
    todo: list[str] = []

    def keep(part: dict[str, bytes]) -> None:
        made.update(dict.fromkeys(part))
        (sink or files.update)(part)

    if settled:
        pages, reused = cache.pages, dict(cache.outputs)
    else:
        with _phase(timings, "render"):
            wanted = pages_to_render(reuse, cache, index, parsed)
            assets = collect_assets(themes)
            renderer = Renderer(
                config,
                index,
                parsed,
                links,
                {k: v[0] for k, v in assets.items()},
                sorted(
                    (i for i in items if isinstance(i, Page) and i.menu is not None),
                    key=lambda p: (p.menu, p.path),
                ),
                glossary_facts,
                live_reload=live_reload,
                env=cache.environment(themes) if cache else None,
            )
            renderer.env.globals.update(pics.globals(config.base_path))
            every = {job[0]: job for job in renderer.jobs(items)}
            todo = list(every) if wanted is None else [p for p in every if p in wanted]
            pages = len(every)
            feeds = feed_jobs(config, renderer, links, items, dirty)
            count = _counter(progress, "render", len(todo) + len(feeds))
            shown = _render_files(renderer, every, todo, feeds, jobs, keep, count)
            keep(redirect_files(config, redirects))  # they show their targets' titles
            if wanted is None:
                keep(
                    {"glossary.json": glossary_json(index, links, glossary_facts, config.base_url)}
                )
                keep({out: data for out, data in assets.values()})
                reused = {}
            else:  # the rest is as the last build made it: bytes in memory, or files on disk
                reused = {rel: was for rel, was in cache.outputs.items() if rel not in made}
    if cache is not None:
        outputs = {**reused, **made, **files}  # None: given to `sink`, not kept here
        if not settled:
            cache.shown = shown if wanted is None else {**cache.shown, **shown}
            cache.labels = {k: labels(i) for k, i in index.by_key.items()}
        cache.shape, cache.outputs, cache.rendered = shape, outputs, dict(parsed)
        cache.links, cache.glossary_facts, cache.pages = links, glossary_facts, pages
    files.update({rel: was for rel, was in reused.items() if isinstance(was, bytes)})
    copies = {rel: was for rel, was in reused.items() if isinstance(was, Path)}
    copies.update({f"media/{rel}": config.content_dir / "media" / rel for rel in loaded.media})
    copies.update({rel: config.content_dir / STATIC_DIR / rel for rel in loaded.static})
    pics.publish(copies, sink or files.update)  # web sizes, cards, icons: made by every build
    for item in items:
        if isinstance(item, Episode) and item.transcript:
            copies[episode_files(item)["transcript"]] = config.root / item.transcript.path
    autolinks = [
        (
            item.transcript.path
            if isinstance(item, Episode) and m.at is not None and item.transcript
            else item.path,
            m,
        )
        for item in sorted(items, key=lambda i: i.path)
        for m in parsed[item.key].mentions
        if m.autolink and m.linked
    ]
    drafts_left_out = sum(i.draft for i in withheld)
    return BuildResult(
        files,
        copies,
        problems,
        timings,
        pages,
        len(todo),
        autolinks,
        drafts_left_out,
        len(withheld) - drafts_left_out,
        ledger,
    )


def _parse_site(
    config: SiteConfig,
    index: SiteIndex,
    cache: BuildCache | None,
    jobs: int,
    progress: Progress | None,
    store_charts: bool,
    pics: Pictures,
) -> tuple[dict[str, Parsed], list[Diagnostic]]:
    """Every published item parsed (those the cache cannot reuse, over `jobs` processes), with
    the problems their bodies have; the cache is told what this build parsed."""
    problems: list[Diagnostic] = []
    glossary = build_matcher(index)
    env = parse_env(config, index) + pics.digest  # a new size or name for an image: parse again
    media_dir = config.content_dir / "media"
    data = data_digest(media_dir)
    reusable = cache.parsed if cache and cache.parse_env == env else {}
    changed = items_to_parse(index, reusable, cache is not None and cache.chart_data != data)
    chart_cache = (
        ChartCache(config.root / CACHE_DIR / "charts", store_charts) if cache is not None else None
    )
    fresh: dict[str, Parsed] = {}
    count = _counter(progress, "parse", len(changed))
    run_sliced(
        _parse_slice,
        (index, glossary, config.autolink, media_dir, chart_cache, config.timezone, pics.catalog),
        changed,
        jobs,
        lambda part: (fresh.update(part), count(len(part))),
    )
    parsed: dict[str, Parsed] = {}
    for item in index.by_key.values():
        body = fresh[item.key] if item.key in fresh else reusable[item.key][1]
        parsed[item.key] = body
        problems += body.problems
        problems += body.elsewhere
    if cache is not None:
        cache.parse_env, cache.chart_data = env, data
        cache.parsed = {key: (index.by_key[key], body) for key, body in parsed.items()}
    return parsed, problems


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


def _render_files(
    renderer: Renderer,
    every: dict[str, Job],
    todo: list[str],
    feeds: dict[str, Callable[[], bytes]],
    jobs: int,
    keep: Callable[[dict[str, bytes]], None],
    count: Callable[[int], None],
) -> dict[str, frozenset[str]]:
    """Render the pages in `todo` and the feeds, handing each slice to `keep` as it comes;
    returns the items each page showed. One pool does both, so no worker waits for the last
    pages before the feeds start."""
    shown: dict[str, frozenset[str]] = {}

    def take(part: tuple[dict[str, bytes], dict[str, frozenset[str]]]) -> None:
        keep(part[0])
        shown.update(part[1])
        count(len(part[0]))

    run_sliced(_render_slice, (renderer, every, feeds), [*todo, *feeds], jobs, take)
    return shown


def _counter(progress: Progress | None, phase: str, total: int) -> Callable[[int], None]:
    done = 0

    def count(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(phase, done, total)

    return count


def _parse_slice(shared: tuple, keys: list[str]) -> dict[str, Parsed]:
    index, matcher, mode, media_dir, chart_cache, *settings = shared  # timezone, images
    md, md_safe = make_markdown(), make_markdown(html=False)
    return {
        key: parse_item(
            index.by_key[key], md, index, matcher, mode, media_dir, chart_cache, md_safe, *settings
        )
        for key in keys
    }


def _render_slice(shared: tuple, paths: list[str]) -> tuple[dict, dict[str, frozenset[str]]]:
    renderer, every, feeds = shared
    made, shown = renderer.render(every[path] for path in paths if path in every)
    made.update((path, feeds[path]()) for path in paths if path in feeds)
    return made, shown


def build_site(
    config: SiteConfig,
    output: Path,
    *,
    drafts: bool = False,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Progress | None = None,
    waiting: Waiting | None = None,
) -> BuildResult:
    """Build and write atomically into `output` (checked by the caller; a symlink is followed).

    With `use_cache`, the build cache in the site folder saves reading, parsing and rendering
    what has not changed since the last build into the same `output`. One build at a time
    writes an output: when another holds it, `waiting(its pid or None)` is told, and this one
    waits for it to end."""
    output = output.resolve()
    # A build makes millions of objects that live until it ends, and almost no reference
    # cycles: the cyclic collector's passes over them cost a quarter of a large build (and
    # half of reading the cache back) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with lock_output(output, waiting):
            return _build_site(config, output, drafts, jobs, use_cache, progress)
    finally:
        if collecting:
            gc.enable()


def _build_site(
    config: SiteConfig,
    output: Path,
    drafts: bool,
    jobs: int,
    use_cache: bool,
    progress: Progress | None,
) -> BuildResult:
    timings: dict[str, float] = {}
    kept = recover_leftovers(output, config.root)  # first: it may put output/ (or its .git) back
    with _phase(timings, "cache"):
        cache, copied, notes = load_cache(config.root, output) if use_cache else (None, {}, [])
    notes += kept
    standing = set(cache.outputs) | set(copied) if cache else set()  # in `output` as written
    writer = OutputWriter(output)
    writing = {"write": 0.0}

    def sink(files: dict[str, bytes]) -> None:
        with _phase(writing, "write"):
            writer.write(files)

    def finish(folder: Path) -> None:
        if config.search:
            if progress:
                progress("search", 0, 0)
            with _phase(result.timings, "search"):
                index_site(folder, config.language)

    try:
        result = make_site(
            config,
            drafts=drafts,
            jobs=jobs,
            cache=cache,
            progress=progress,
            sink=sink,
            store_charts=True,
        )
        result.warnings += notes
        result.timings = {**timings, **result.timings}
        result.timings["render"] = result.timings.get("render", 0.0) - writing["write"]
        sources = source_stats(
            {r: src for r, src in result.copies.items() if not src.is_relative_to(output)}
        )
        same = unchanged_copies(sources, copied)
        copies = {r: output / r if r in same else src for r, src in result.copies.items()}
        if (
            not writer.written
            and standing == set(copies)
            and all(copies[r] == output / r for r in copies)
        ):
            _keep_ledger(config, result)
            return result  # the output already is this build, and the cache already says so
        with _phase(writing, "write"):
            writer.commit(copies, finish)
    finally:
        writer.discard()  # a no-op once committed
    try:
        _keep_ledger(config, result)
        if cache is not None:
            with _phase(result.timings, "cache"):
                save_cache(config.root, output, cache, sources)
        with _phase(writing, "write"):
            writer.wait()
    except KeyboardInterrupt:
        raise InterruptedAfterWriting(output) from None
    result.timings["write"] = writing["write"] - result.timings.get("search", 0.0)
    return result


def _keep_ledger(config: SiteConfig, result: BuildResult) -> None:
    """After a build that wrote its feed: the ledger records what that feed published."""
    if result.ledger is not None:
        save_ledger(config.root, result.ledger)


def _known_paths(
    items, media: tuple[str, ...], static: tuple[str, ...], config: SiteConfig
) -> frozenset[str]:
    """Every path a root-relative link in the content may point at."""
    paths = set(fixed_paths(podcast=bool(config.podcast)))
    paths.update(i.url_path for i in items)
    paths.update(tag_folder(tag_slug(t)) for i in items for t in i.tags)
    paths.update(f"media/{m}" for m in media)
    paths.update(static)
    return frozenset(paths)
