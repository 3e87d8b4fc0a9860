"""The orchestrator: config -> load -> parse -> link -> render, then (for `build`) write.

Everything is collected before anything is written, so backlinks, tag pages and feeds see the
whole site, and a build with any error writes nothing. Each step is one call into steps/;
what a rebuild may reuse is decided in incremental/.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .config import SiteConfig
from .errors import ContentError, Diagnostic, InterruptedAfterWriting, errors_in, raised_with
from .incremental.manifest import (
    Manifest,
    Written,
    forget,
    keep_manifest,
    record_outputs,
    still_built,
)
from .load.values import parse_whole_number
from .model import Episode
from .report import Reporter
from .write import OutputWriter, Waiting, lock_output, recover_leftovers

if TYPE_CHECKING:
    from .incremental.state import BuildCache
    from .load.files import Stat
    from .markdown import Parsed
    from .markdown.mentions import Mention
    from .model import Item
    from .steps.load import Site


@dataclass(slots=True)
class BuildResult:
    files: dict[str, bytes]
    copies: dict[str, Path]  # output path -> a source file, or the previous output's copy
    warnings: list[Diagnostic]
    timings: dict[str, float] = field(default_factory=dict)  # the Reporter's, by phase
    pages: int = 0
    rendered: int = 0  # of them, the pages rendered in this build (the rest were cached)
    drafts_left_out: int = 0
    future_left_out: int = 0  # items dated in the future (drafts among them counted as drafts)
    ledger: str | None = None  # the guid ledger as `build` leaves it, when there is a podcast
    due: datetime | None = None  # the first date an item left out as future is due
    parsed: Mapping[str, Parsed] = field(default_factory=dict)  # by item key
    items: tuple[Item, ...] = ()

    @property
    def withheld(self) -> int:
        return self.drafts_left_out + self.future_left_out

    @property
    def autolinks(self) -> list[tuple[str, Mention]]:
        """Every autolink made, as (source path, link), by source (`check --links`)."""
        return [
            (
                item.transcript.path
                if isinstance(item, Episode) and m.at is not None and item.transcript
                else item.path,
                m,
            )
            for item in sorted(self.items, key=lambda i: i.path)
            for m in self.parsed[item.key].mentions
            if m.autolink and m.linked
        ]


def build_now() -> datetime:
    """'Now' for leaving out future-dated items; SOURCE_DATE_EPOCH pins it for reproducibility."""
    try:
        return datetime.fromtimestamp(parse_whole_number(os.environ["SOURCE_DATE_EPOCH"]), UTC)
    except (KeyError, ValueError):  # unset, or not a number of seconds
        return datetime.now(UTC)


def make_site(
    config: SiteConfig,
    *,
    drafts: bool = False,
    now: datetime | None = None,
    live_reload: str | None = None,
    cache: BuildCache | None = None,
    jobs: int = 1,
    report: Reporter | None = None,
    sink: Callable[[dict[str, bytes]], None] | None = None,
    store_charts: bool = False,
    changed: Iterable[str] | None = None,
    defer_feeds: bool = False,
) -> BuildResult:
    """Build the whole site in memory; raises ContentError listing every problem.

    With a `cache` from the previous build (as `serve` keeps one), unchanged files are not
    read, unchanged items not parsed, and pages that cannot have changed not rendered; with
    the paths a save `changed` too, nothing else is walked (see incremental/save.py). With
    `jobs` > 1, parsing and rendering are spread over that many processes. `report` is told
    the phases, their progress and the pages rendered. With `sink`, the files made are handed
    to it as they come instead of being kept (so a large site is never all in memory at once):
    `build` writes them straight into the new output folder. With a `cache`, charts drawn
    before are read from .site-builder-cache/charts; only with `store_charts` (`build`) are
    new drawings added there: `check` and `serve` write nothing. With `defer_feeds` (`serve`),
    the feeds in `files` are made when first called for (steps.render.Deferred).
    """
    # the pipeline: most of a start-up, which a build with nothing changed does without
    from .incremental.save import last_build
    from .steps.link import link_pages
    from .steps.load import load_site
    from .steps.parse import parse_site
    from .steps.render import Deferred, render_pages

    report = report or Reporter()
    now = now or build_now()
    last = last_build(cache)
    view = (drafts, live_reload)
    site = load_site(config, cache, last, changed, view, now, jobs, store_charts, report)
    with report.phase("parse"):
        parsed, found = parse_site(site, cache, last, jobs, store_charts, report)
    with report.phase("link"):
        linked = link_pages(site, parsed, cache, last, now)
    problems = [*site.problems, *found, *linked.problems]
    if errors_in(problems):
        raise ContentError(problems)  # the warnings too: an author fixes both in one pass
    files: dict[str, bytes] = {}
    with report.phase("render"), raised_with(problems):
        keep = sink or files.update
        made = render_pages(site, parsed, linked, cache, jobs, keep, report, defer_feeds)
    if cache is not None:
        cache.shape, cache.outputs = linked.shape, {**made.reused, **made.made, **files}
        cache.rendered, cache.links, cache.glossary_facts = (
            dict(parsed),
            linked.links,
            linked.glossary,
        )
        cache.pages = made.pages
    files.update({r: was for r, was in made.reused.items() if isinstance(was, (bytes, Deferred))})
    copies = {rel: was for rel, was in made.reused.items() if isinstance(was, Path)}
    copies.update(_sources(config, site))
    site.pictures.publish(copies, sink or files.update)  # web sizes, cards, icons: every build
    copies.update(_transcripts(config, site))
    drafts_left_out = sum(i.draft for i in site.withheld)
    due = min((i.date for i in site.loaded.items if i.date and i.date > now), default=None)
    return BuildResult(
        files,
        copies,
        problems,
        report.timings,
        made.pages,
        made.rendered,
        drafts_left_out,
        len(site.withheld) - drafts_left_out,
        linked.ledger,
        due,
        parsed,
        tuple(site.index.by_key.values()),
    )


def _sources(config: SiteConfig, site: Site) -> dict[str, Path]:
    """The files published as they are: media and static files."""
    from .routes import STATIC_DIR

    copies = {f"media/{rel}": config.content_dir / "media" / rel for rel in site.loaded.media}
    copies.update({rel: config.content_dir / STATIC_DIR / rel for rel in site.loaded.static})
    return copies


def _transcripts(config: SiteConfig, site: Site) -> dict[str, Path]:
    from .routes import episode_files

    return {
        episode_files(item)["transcript"]: config.root / item.transcript.path
        for item in site.index.by_key.values()
        if isinstance(item, Episode) and item.transcript
    }


def build_site(
    config: SiteConfig,
    output: Path,
    *,
    drafts: bool = False,
    jobs: int = 1,
    use_cache: bool = True,
    report: Reporter | None = None,
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
            return _build_site(config, output, drafts, jobs, use_cache, report or Reporter())
    finally:
        if collecting:
            gc.enable()


def _build_site(
    config: SiteConfig,
    output: Path,
    drafts: bool,
    jobs: int,
    use_cache: bool,
    report: Reporter,
) -> BuildResult:
    started, now = time.time_ns(), build_now()
    kept = recover_leftovers(output, config.root)  # first: it may put output/ (or its .git) back
    view = repr((config, drafts))
    if use_cache:
        built = _still_built(config, output, view, now, kept, report)
        if built is not None:
            return built
    from .incremental.store import load_cache, save_cache
    from .search import index_site

    with report.phase("cache"):
        cache, copied, notes = load_cache(config.root, output) if use_cache else (None, {}, [])
    notes += kept
    standing = set(cache.outputs) | set(copied) if cache else set()  # in `output` as written
    writer = OutputWriter(output)
    writing = Reporter()  # the writes, made during the render phase but counted apart

    def sink(files: dict[str, bytes]) -> None:
        with writing.phase("write"):
            writer.write(files)

    def finish(folder: Path) -> None:
        if config.search:
            report.progress("search", 0, 0)
            with report.phase("search"):
                index_site(folder, config.language)

    try:
        result = make_site(
            config,
            drafts=drafts,
            now=now,
            jobs=jobs,
            cache=cache,
            report=report,
            sink=sink,
            store_charts=True,
        )
        said = tuple(result.warnings)
        result.warnings += notes
        report.add_time("render", -writing.timings.get("write", 0.0))
        sources, copies = _copies(result, output, copied)
        if (
            not writer.written
            and standing == set(copies)
            and all(copies[r] == output / r for r in copies)
        ):
            _keep_ledger(config, result)
            try:
                written = record_outputs(output, copies)
            except OSError:
                return result
            _keep_manifest(config, output, view, result, said, written, started, cache)
            return result  # the output already is this build, and the cache already says so
        with writing.phase("write"):
            writer.commit(copies, finish)
    finally:
        writer.discard()  # a no-op once committed
    try:
        _keep_ledger(config, result)
        if cache is not None:
            with report.phase("cache"):
                written = save_cache(config.root, output, cache, sources)
            if written is not None:
                _keep_manifest(config, output, view, result, said, written, started, cache)
        with writing.phase("write"):
            writer.wait()
    except KeyboardInterrupt:
        raise InterruptedAfterWriting(output) from None
    report.timings["write"] = writing.timings["write"] - report.timings.get("search", 0.0)
    return result


def _still_built(
    config: SiteConfig,
    output: Path,
    view: str,
    now: datetime,
    kept: list[Diagnostic],
    report: Reporter,
) -> BuildResult | None:
    """The result of a build `output` already is, when nothing it was made from has changed:
    nothing read, nothing made. Otherwise None, and the manifest saying so is gone."""
    with report.phase("cache"):
        built = still_built(config.root, output, view, now)
    if built is None:
        forget(config.root)
        return None
    pages, drafts, future = built.counts
    return BuildResult({}, {}, [*built.said, *kept], report.timings, pages, 0, drafts, future)


def _copies(
    result: BuildResult, output: Path, copied: Mapping[str, Stat]
) -> tuple[dict[str, Stat], dict[str, Path]]:
    """The stats of the files copied from outside `output`, and each copy's source: the copy
    the previous output holds when the source has not changed since it was made."""
    from .incremental.store import source_stats, unchanged_copies

    outside = {r: s for r, s in result.copies.items() if not str(s).startswith(f"{output}/")}
    sources = source_stats(outside)
    same = unchanged_copies(sources, copied)
    return sources, {r: output / r if r in same else src for r, src in result.copies.items()}


def _keep_manifest(
    config: SiteConfig,
    output: Path,
    view: str,
    result: BuildResult,
    said: tuple[Diagnostic, ...],
    written: Written,
    started: int,
    cache: BuildCache | None,
) -> None:
    """What a build with nothing changed may stop at (incremental/manifest.py)."""
    counts = (result.pages, result.drafts_left_out, result.future_left_out)
    built = Manifest(view, (), (), {}, written, result.due, said, counts)
    keep_manifest(config, output, built, started, result.ledger is not None, cache and cache.files)


def _keep_ledger(config: SiteConfig, result: BuildResult) -> None:
    """After a build that wrote its feed: the ledger records what that feed published."""
    from .ledger import save_ledger

    if result.ledger is not None:
        save_ledger(config.root, result.ledger)
