"""Which feeds the site has: Atom and JSON feeds of the site, of each tag and of each concept;
the podcast's RSS (feeds/podcast, checked by feeds/podcast_checks) and its chapters;
glossary.json."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import islice
from urllib.parse import quote

from ..config import SiteConfig
from ..link.graph import Links
from ..link.index import newest_first
from ..model import Episode, Essay, Item
from ..render.pages import Renderer
from ..render.views import View
from ..routes import PODCAST_FEED, episode_files, series_feed, tag_folder
from .atom import FEED_SIZE, absolute_html, atom_feed, json_feed
from .podcast import chapters_json, podcast_feed

STREAM = ("essay", "episode")  # the kinds a concept's feed carries


def feed_jobs(
    config: SiteConfig,
    renderer: Renderer,
    links: Links,
    items: list[Item],
    dirty: set[str] | None = None,
) -> dict[str, Callable[[], bytes]]:
    """The site's feeds, each made when called: Atom and JSON feeds of the site, of each tag and
    of each concept; the Atom feed of each series; the podcast feed and each episode's
    chapters. With `dirty`, only the feeds that carry one of those items (or, for a series,
    that take its title)."""
    jobs: dict[str, Callable[[], bytes]] = {}
    made: dict[str, str] = {}  # item key -> its content with absolute links, made once
    origin = config.base_url.removesuffix(config.base_path)

    def content(view) -> str:
        if view.key not in made:
            starts = view.parsed.url_starts if view.parsed else ()
            made[view.key] = absolute_html(view.html, starts, origin)
        return made[view.key]

    slugs = {key.rpartition("/")[2] for key in dirty or ()}  # a cheap test before the key's

    def stale(entries) -> bool:
        return dirty is None or any(e.slug in slugs and e.key in dirty for e in entries[:FEED_SIZE])

    stream = [i for i in sorted(items, key=newest_first) if isinstance(i, (Essay, Episode))]
    if stale(stream):
        views = renderer.views(stream[:FEED_SIZE])
        jobs["feed.xml"] = partial(
            atom_feed, config, views, "feed.xml", config.title, config.base_path, content
        )
        jobs["feed.json"] = partial(
            json_feed, config, views, "feed.json", config.title, config.base_path, content
        )
    jobs.update(_topic_feeds(config, renderer, links, stale))
    jobs.update(_series_feeds(config, renderer, stale, dirty or set()))
    if config.podcast:
        jobs.update(_podcast_jobs(config, renderer, stream, content, dirty))
    return jobs


def _topic_feeds(
    config: SiteConfig, renderer: Renderer, links: Links, stale: Callable[[list], bool]
) -> dict[str, Callable[[], bytes]]:
    """The Atom feed of each tag and of each concept (of the pieces that refer to it), those
    that carry a changed item (`stale`)."""
    jobs: dict[str, Callable[[], bytes]] = {}
    for slug, (label, tagged) in links.tags.items():
        if stale(tagged):
            folder = tag_folder(slug)
            jobs[f"{folder}feed.xml"] = partial(
                atom_feed,
                config,
                renderer.views(tagged[:FEED_SIZE]),
                quote(f"{folder}feed.xml"),
                f"{config.title}: {label}",
                config.base_path + quote(folder),
                None,
            )
    for concept, refs in links.referrers.items():
        about = list(islice((r.item for r in refs if r.item.kind in STREAM), FEED_SIZE))
        if stale(about):
            item = renderer.index.by_key[concept]
            path = item.url_path + "feed.xml"
            jobs[path] = partial(
                atom_feed,
                config,
                renderer.views(about[:FEED_SIZE]),
                path,
                f"{config.title}: {item.title}",
                renderer.index.url(item),
                None,
            )
    return jobs


def _series_feeds(
    config: SiteConfig, renderer: Renderer, stale: Callable[[list], bool], dirty: set[str]
) -> dict[str, Callable[[], bytes]]:
    """The Atom feed of each series whose parts or whose title (the feed's) changed."""
    jobs: dict[str, Callable[[], bytes]] = {}
    for _, run in sorted(renderer.index.series.runs.items()):
        parts = sorted((item for _, item in run.parts), key=newest_first)
        if stale(parts) or run.series.key in dirty:  # its title is the feed's
            path = series_feed(run.series)
            jobs[path] = partial(
                atom_feed,
                config,
                renderer.views(parts[:FEED_SIZE]),
                quote(path),
                f"{config.title}: {run.series.title}",
                renderer.index.url(run.series),
                None,
            )
    return jobs


def _podcast_jobs(
    config: SiteConfig,
    renderer: Renderer,
    stream: list[Item],
    content: Callable[[View], str],
    dirty: set[str] | None,
) -> dict[str, Callable[[], bytes]]:
    """The podcast feed of the episodes with audio (`stream` newest first), unless neither
    they nor the people they name changed; each episode's chapters in a full build."""
    jobs: dict[str, Callable[[], bytes]] = {}
    people = [p.key for p in renderer.people.people] if renderer.people else []
    # a draft's show notes may come before its audio (which a published episode must have)
    episodes = [i for i in stream if isinstance(i, Episode) and i.audio is not None]
    # its hosts and guests carry their names and pages: a renamed person is in `dirty`
    if dirty is None or any(k in dirty for k in (*(e.key for e in episodes), *people)):
        jobs[PODCAST_FEED] = partial(
            podcast_feed, config, renderer.views(episodes), content, renderer.people
        )
    for episode in episodes if dirty is None else ():
        if episode.chapters:
            jobs[episode_files(episode)["chapters"]] = partial(chapters_json, config, episode)
    return jobs
