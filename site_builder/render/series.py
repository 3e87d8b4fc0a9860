"""Pure: a series' page, and the "Part 3 of 5 in Ending the war" block on each of its parts."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from ..link.index import newest_first
from ..link.series import INDEX_PAGE, Run
from ..model import Item
from ..routes import series_feed
from .views import View

if TYPE_CHECKING:  # the renderer calls in here; only its type is needed
    from .pages import Job, Renderer


class Part(NamedTuple):
    """What a member's page shows of its series."""

    series: View
    number: int
    total: int
    previous: View | None
    next: View | None


class SeriesOf:
    """The template global `series_of(page)`: the page's Part, or None when it is in no series.
    True when the site has a series at all (the search page offers it as a kind then)."""

    def __init__(self, renderer: Renderer):
        self._renderer = renderer

    def __bool__(self) -> bool:
        return bool(self._renderer.index.series.runs)

    def __call__(self, page: View | Item | None) -> Part | None:
        found = page and self._renderer.index.series.part_of.get(page.key)
        if not found:
            return None
        slug, number = found
        run = self._renderer.index.series.runs[f"series/{slug}"]
        at = [n for n, _ in run.parts].index(number)
        view = self._renderer.view  # records what the page shows, for rebuilds
        before = run.parts[at - 1][1] if at > 0 else None
        after = run.parts[at + 1][1] if at + 1 < len(run.parts) else None
        return Part(
            view(run.series),
            number,
            run.total,
            before and view(before),
            after and view(after),
        )


def series_jobs(renderer: Renderer) -> list[Job]:
    """`/series/`, listing every published series, and one page per series, listing its
    parts in order (none on a site without series)."""
    runs = [run for _, run in sorted(renderer.index.series.runs.items())]
    jobs: list[Job] = [
        (
            f"{run.series.url_path}index.html",
            "series.html",
            run.series,
            partial(_context, renderer, run),
        )
        for run in runs
    ]
    if runs:
        listing = partial(_listing, renderer, runs)
        jobs.insert(0, (f"{INDEX_PAGE}index.html", "series-list.html", None, listing))
    return jobs


def _listing(renderer: Renderer, runs: list[Run]) -> dict[str, Any]:
    """Each series with its number of parts and its latest part's date, the series whose
    latest part is the newest first (one with no part published yet, last)."""

    def latest(run: Run) -> Item | None:
        return min((item for _, item in run.parts), key=newest_first, default=None)

    def order(found: tuple[Run, Item | None]) -> tuple:
        run, last = found
        return (last is None, newest_first(last) if last else (), run.series.key)

    ordered = sorted(((run, latest(run)) for run in runs), key=order)
    shown = [(renderer.view(run.series), run.total, last and last.date) for run, last in ordered]
    return dict(series=shown)


def _context(renderer: Renderer, run: Run) -> dict[str, Any]:
    title = f"{renderer.config.title}: {run.series.title}"
    feed = renderer.index.base_path + quote(series_feed(run.series))
    parts = [(n, renderer.view(item)) for n, item in run.parts]
    return dict(
        parts=parts, total=run.total, feeds=[(title, feed)], json_ld=_json_ld(renderer, run, parts)
    )


def _json_ld(renderer: Renderer, run: Run, parts: list[tuple[int, View]]) -> dict[str, Any]:
    """schema.org CreativeWorkSeries data, its parts in order; `tojson` in the template."""
    kinds = {"essay": "Article", "episode": "PodcastEpisode"}
    return {
        "@context": "https://schema.org",
        "@type": "CreativeWorkSeries",
        "name": run.series.title,
        "description": run.series.summary,
        "url": renderer.abs_url(renderer.index.url(run.series)),
        "hasPart": [
            {
                "@type": kinds[view.kind],
                "name": view.title,
                "url": renderer.abs_url(view.url),
                "position": number,
            }
            for number, view in parts
        ],
    }
