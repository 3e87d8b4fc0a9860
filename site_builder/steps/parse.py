"""The parse step: every published item's body parsed (those the cache cannot reuse, over
`jobs` processes), with the problems the bodies have."""

from __future__ import annotations

from ..charts import ChartCache, data_digest
from ..errors import Diagnostic
from ..incremental.plan import items_to_parse
from ..incremental.save import LastBuild
from ..incremental.state import BuildCache, parse_env
from ..incremental.store import CACHE_DIR
from ..link.index import SiteIndex, build_matcher
from ..markdown import Parsed, make_markdown
from ..markdown.item import parse_item
from ..model import Person
from ..pool import run_sliced
from ..report import Reporter
from .load import Site


def parse_site(
    site: Site,
    cache: BuildCache | None,
    last: LastBuild | None,
    jobs: int,
    store_charts: bool,
    report: Reporter,
) -> tuple[dict[str, Parsed], list[Diagnostic]]:
    """Every published item parsed, and the problems the bodies have; the cache is told what
    this build parsed. After a save that changed bodies alone (`site.edited`), what every
    parse reads (the concepts, the images, the charts' data) is the last build's."""
    config, index = site.config, site.index
    media_dir = config.content_dir / "media"
    if site.edited is not None and cache is not None and cache.parse_env is not None:
        env, data, among = cache.parse_env, cache.chart_data, site.edited.keys()
        key = cache.matcher[0] if cache.matcher is not None else None
    else:  # a new size or name for an image: parse again
        env, data = parse_env(config, index) + site.pictures.digest, data_digest(media_dir)
        among = None
        # people's names and bios are left out of `env` (see `renamed`), not out of the matcher
        key = (env, [(p.key, p.title, p.aliases, p.summary) for p in _people(index)])
    if cache is not None and cache.matcher is not None and cache.matcher[0] == key:
        glossary = cache.matcher[1]
    else:
        glossary = build_matcher(index, config.people_autolink)
    reusable = cache.parsed if cache and cache.parse_env == env else {}
    changed = items_to_parse(index, reusable, cache is not None and cache.chart_data != data, among)
    report.parsed(changed)
    chart_cache = (
        ChartCache(config.root / CACHE_DIR / "charts", store_charts) if cache is not None else None
    )
    fresh: dict[str, Parsed] = {}
    done = 0

    def take(part: dict[str, Parsed]) -> None:
        nonlocal done
        fresh.update(part)
        done += len(part)
        report.progress("parse", done, len(changed))

    settings = (config.timezone, site.pictures.catalog)
    shared = (index, glossary, config.autolink, media_dir, chart_cache, *settings)
    run_sliced(_parse_slice, shared, changed, jobs, take)
    parsed: dict[str, Parsed] = {}
    problems: list[Diagnostic] = []
    for item in index.by_key.values():
        body = fresh[item.key] if item.key in fresh else reusable[item.key][1]
        parsed[item.key] = body
        problems += body.problems
        problems += body.elsewhere
    if cache is not None:
        cache.parse_env, cache.chart_data, cache.matcher = env, data, (key, glossary)
        if among is None:
            cache.parsed = {key: (index.by_key[key], body) for key, body in parsed.items()}
        else:
            cache.parsed.update((key, (item, parsed[key])) for key, item in site.edited.items())
    return parsed, problems


def _parse_slice(shared: tuple, keys: list[str]) -> dict[str, Parsed]:
    index, matcher, mode, media_dir, chart_cache, *settings = shared  # timezone, images
    md, md_safe = make_markdown(), make_markdown(html=False)
    return {
        key: parse_item(
            index.by_key[key], md, index, matcher, mode, media_dir, chart_cache, md_safe, *settings
        )
        for key in keys
    }


def _people(index: SiteIndex) -> list[Person]:
    return sorted((i for i in index.by_key.values() if isinstance(i, Person)), key=lambda p: p.key)
