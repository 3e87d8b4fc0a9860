"""The orchestrator: config -> load -> parse -> link -> render, then (for `build`) write.

Everything is collected before anything is written, so backlinks, tag pages and feeds see the
whole site, and a build with any error writes nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from .cache import CACHE_DIR, load_cache, save_cache, unchanged_copies
from .charts import data_digest, has_chart
from .concepts import glossary_json, study_glossary
from .config import SiteConfig
from .errors import ContentError, Diagnostic, errors_in
from .feeds import FEED_SIZE, absolute_html, atom_feed, json_feed
from .incremental import BuildCache, affected_pages, parse_env, site_shape
from .link import Links, build_index, build_matcher, link_site, newest_first, relink
from .load import load_content, read_head
from .markdown import Mention, Parsed, make_markdown
from .model import Episode, Essay, Item, Page
from .parse import parse_item
from .podcast import FEED_PATH, chapters_json, episode_files, podcast_feed
from .podcast_checks import check_podcast
from .pool import run_sliced
from .render import Renderer, collect_assets, theme_dirs
from .search import index_site
from .slugs import slugify
from .write import write_site

FIXED_PATHS = (
    "glossary.json",
    "",
    "essays/",
    "episodes/",
    "glossary/",
    "tags/",
    "feed.xml",
    "feed.json",
    "sitemap.xml",
    "robots.txt",
    "404.html",
    "search/",
)


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


@contextmanager
def _phase(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = timings.get(name, 0.0) + time.perf_counter() - start


def build_now() -> datetime:
    """'Now' for leaving out future-dated items; SOURCE_DATE_EPOCH pins it for reproducibility."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)


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
) -> BuildResult:
    """Build the whole site in memory; raises ContentError listing every problem.

    With a `cache` from the previous build (as `serve` keeps one), unchanged files are not
    read, unchanged items not parsed, and pages that cannot have changed not rendered. With
    `jobs` > 1, parsing and rendering are spread over that many processes. `progress(phase,
    done, total)` is told how far parsing and rendering have got.
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
    problems = list(loaded.diagnostics)
    published = [i for i in loaded.items if is_published(i, drafts, now)]
    withheld = [i for i in loaded.items if not is_published(i, drafts, now)]
    index, collisions = build_index(published, withheld, config.base_path, loaded.unreadable)
    problems += collisions
    with _phase(timings, "parse"):
        glossary = build_matcher(index)
        env = parse_env(config, index)
        media_dir = config.content_dir / "media"
        data = data_digest(media_dir)
        reusable = cache.parsed if cache and cache.parse_env == env else {}
        changed = [
            k
            for k, item in index.by_key.items()
            if k not in reusable
            or reusable[k][0] != item
            or (cache.chart_data != data and has_chart(item.body))
        ]
        chart_cache = config.root / CACHE_DIR / "charts" if cache is not None else None
        fresh = run_sliced(
            _parse_slice,
            (index, glossary, config.autolink, media_dir, chart_cache),
            changed,
            jobs,
            _counter(progress, "parse", len(changed)),
        )
        parsed: dict[str, Parsed] = {}
        for item in index.by_key.values():
            body = fresh[item.key] if item.key in fresh else reusable[item.key][1]
            parsed[item.key] = body
            problems += [
                Diagnostic(item.path, line, message, hint=hint, code=code)
                for line, message, hint, code in body.problems
            ]
            problems += body.elsewhere
        if cache is not None:
            cache.parse_env, cache.chart_data = env, data
            cache.parsed = {key: (index.by_key[key], body) for key, body in parsed.items()}
    with _phase(timings, "link"):
        themes = theme_dirs(config)
        known = _known_paths(index.by_key.values(), loaded.media, config)
        shape = (
            site_shape(
                config, index, parsed, themes, (drafts, live_reload, sorted(known)), cache.outlines
            )
            if cache
            else None
        )
        dirty: set[str] | None = None
        if cache is not None and cache.outputs and cache.shape == shape and cache.links:
            # only bodies changed: the graph is the same but for what the dirty items say
            dirty = {k for k, body in parsed.items() if cache.rendered.get(k) is not body}
            links, unresolved = relink(cache.links, index, parsed, dirty, known)
            glossary_facts = cache.glossary_facts
            problems += unresolved + cache.link_warnings
        else:
            links, unresolved = link_site(index, parsed, known)
            glossary_facts, unused = study_glossary(index, links)
            found = unresolved + unused
            if config.podcast:
                episodes = [i for i in index.by_key.values() if isinstance(i, Episode)]
                found += check_podcast(config, episodes, partial(read_head, config.content_dir))
            problems += found
            if cache is not None:
                cache.link_warnings = [d for d in found if d.severity != "error"]
    if errors_in(problems):
        raise ContentError(errors_in(problems))
    items = list(index.by_key.values())
    with _phase(timings, "render"):
        assets = collect_assets(themes)
        wanted = None if dirty is None else affected_pages(dirty, index, parsed, cache.rendered)
        menu = sorted(
            (i for i in items if isinstance(i, Page) and i.menu is not None),
            key=lambda p: (p.menu, p.path),
        )
        renderer = Renderer(
            config,
            index,
            parsed,
            links,
            {k: v[0] for k, v in assets.items()},
            menu,
            glossary_facts,
            live_reload=live_reload,
            env=cache.environment(themes) if cache else None,
        )
        paths = [job[0] for job in renderer.jobs(items)]
        todo = paths if wanted is None else [p for p in paths if p in wanted]
        shared = (config, renderer, links, items, dirty)
        feeds = list(_feed_jobs(*shared))
        count = _counter(progress, "render", len(todo) + len(feeds))
        files = run_sliced(_render_slice, (renderer, items), todo, jobs, count)
        files.update(run_sliced(_feed_slice, shared, feeds, jobs, count))
        pages = len(paths)
        if wanted is None:
            files["glossary.json"] = glossary_json(index, links, glossary_facts, config.base_url)
            files.update({out: data for out, data in assets.values()})
            reused = {}
        else:  # the rest is as the last build made it: bytes in memory, or files on disk
            reused = {rel: was for rel, was in cache.outputs.items() if rel not in files}
    if cache is not None:
        cache.shape, cache.outputs, cache.rendered = shape, {**reused, **files}, dict(parsed)
        cache.links, cache.glossary_facts = links, glossary_facts
    files.update({rel: was for rel, was in reused.items() if isinstance(was, bytes)})
    copies = {rel: was for rel, was in reused.items() if isinstance(was, Path)}
    copies.update({f"media/{rel}": config.content_dir / "media" / rel for rel in loaded.media})
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
    return BuildResult(files, copies, problems, timings, pages, len(todo), autolinks)


def _counter(progress: Progress | None, phase: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    done = 0

    def count(n: int) -> None:
        nonlocal done
        done += n
        progress(phase, done, total)

    return count


def _parse_slice(shared: tuple, keys: list[str]) -> dict[str, Parsed]:
    index, matcher, mode, media_dir, chart_cache = shared
    md, md_safe = make_markdown(), make_markdown(html=False)
    return {
        key: parse_item(
            index.by_key[key], md, index, matcher, mode, media_dir, chart_cache, md_safe
        )
        for key in keys
    }


def _render_slice(shared: tuple, paths: list[str]) -> dict[str, bytes]:
    renderer, items = shared
    return renderer.render_all(items, set(paths))[0]


def _feed_jobs(
    config: SiteConfig,
    renderer: Renderer,
    links: Links,
    items: list[Item],
    dirty: set[str] | None = None,
) -> dict[str, Callable[[], bytes]]:
    """The site's feeds, each made when called: Atom and JSON feeds of the site, of each tag and
    of each concept; the podcast feed and each episode's chapters. With `dirty`, only the feeds
    that carry one of those items."""
    jobs: dict[str, Callable[[], bytes]] = {}
    made: dict[str, str] = {}  # item key -> its content with absolute links, made once
    origin = config.base_url.removesuffix(config.base_path)

    def content(view) -> str:
        if view.key not in made:
            made[view.key] = absolute_html(view.html, origin)
        return made[view.key]

    def stale(entries) -> bool:
        return dirty is None or any(e.key in dirty for e in entries[:FEED_SIZE])

    stream = [i for i in sorted(items, key=newest_first) if isinstance(i, (Essay, Episode))]
    if stale(stream):
        views = renderer.views(stream)
        jobs["feed.xml"] = partial(
            atom_feed, config, views, "feed.xml", config.title, config.base_path, content
        )
        jobs["feed.json"] = partial(
            json_feed, config, views, "feed.json", config.title, config.base_path, content
        )
    for slug, (label, tagged) in links.tags.items():
        if stale(tagged):
            path = f"tags/{slug}/feed.xml"
            jobs[path] = partial(
                atom_feed,
                config,
                renderer.views(tagged),
                path,
                f"{config.title}: {label}",
                f"{config.base_path}tags/{slug}/",
                None,
            )
    for concept, refs in links.referrers.items():
        about = [r.item for r in refs if r.item.kind in ("essay", "episode")]
        if stale(about):
            item = renderer.index.by_key[concept]
            path = item.url_path + "feed.xml"
            jobs[path] = partial(
                atom_feed,
                config,
                renderer.views(about),
                path,
                f"{config.title}: {item.title}",
                renderer.index.url(item),
                None,
            )
    if config.podcast:
        episodes = [i for i in stream if isinstance(i, Episode)]
        if dirty is None or any(e.key in dirty for e in episodes):
            jobs[FEED_PATH] = partial(podcast_feed, config, renderer.views(episodes), content)
        for episode in episodes if dirty is None else ():
            if episode.chapters:
                jobs[episode_files(episode)["chapters"]] = partial(chapters_json, config, episode)
    return jobs


def _feed_slice(shared: tuple, paths: list[str]) -> dict[str, bytes]:
    jobs = _feed_jobs(*shared)
    return {path: jobs[path]() for path in paths}


def build_site(
    config: SiteConfig,
    output: Path,
    *,
    drafts: bool = False,
    jobs: int = 1,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> BuildResult:
    """Build and write atomically into `output` (checked by the caller).

    With `use_cache`, the build cache in the site folder saves reading, parsing and rendering
    what has not changed since the last build into the same `output`."""
    timings: dict[str, float] = {}
    with _phase(timings, "cache"):
        cache, copied, notes = load_cache(config.root, output) if use_cache else (None, {}, [])
    standing = set(cache.outputs) | set(copied) if cache else set()  # in `output` as written
    result = make_site(config, drafts=drafts, jobs=jobs, cache=cache, progress=progress)
    result.warnings += notes
    result.timings = {**timings, **result.timings}
    sources = {rel: src for rel, src in result.copies.items() if not src.is_relative_to(output)}
    same = unchanged_copies(sources, copied)
    copies = {rel: output / rel if rel in same else src for rel, src in result.copies.items()}
    if (
        not result.files
        and standing == set(copies)
        and all(copies[r] == output / r for r in copies)
    ):
        return result  # the output already is this build, and the cache already says so

    def finish(folder: Path) -> None:
        if config.search:
            if progress:
                progress("search", 0, 0)
            with _phase(result.timings, "search"):
                index_site(folder, config.language)

    with _phase(result.timings, "write"):
        write_site(output, result.files, copies, finish)
    result.timings["write"] -= result.timings.get("search", 0.0)  # timed on its own
    if cache is not None:
        with _phase(result.timings, "cache"):
            save_cache(config.root, output, cache, sources)
    return result


def _known_paths(items, media: tuple[str, ...], config: SiteConfig) -> frozenset[str]:
    """Every path a root-relative link in the content may point at."""
    paths = set(FIXED_PATHS)
    paths.update(i.url_path for i in items)
    paths.update(f"tags/{slugify(t, 'tag')}/" for i in items for t in i.tags)
    paths.update(f"media/{m}" for m in media)
    if config.podcast:
        paths.add("podcast.xml")
    return frozenset(paths)
