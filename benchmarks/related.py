"""Related reading's cost: the time to choose every piece's related reading, per essay, on
synthetic corpora of 1,000 and 10,000 essays.

    python benchmarks/related.py [--sizes 1000 10000] [--concepts 300 300] [--jobs 2]

For each size a corpus is generated (benchmarks/generate.py, same seed), loaded, parsed and
linked as a build does (the mention index: which pieces refer to which concepts); then only
`related_reading` is timed, best of three, in processor time (on a shared machine, wall time
says more about the neighbours). Its cost is bounded by pieces x features per piece
x the posting lists' cap (link/related.py, `NOMINEES`): the time per essay should stay flat as
the site grows, where a comparison of every pair of pieces would grow tenfold with it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

from site_builder.config import load_config
from site_builder.link.graph import link_site
from site_builder.link.index import build_index, build_matcher, newest_first
from site_builder.link.people import cast_of
from site_builder.link.reading import related_reading, resolve_pins
from site_builder.load import load_content
from site_builder.markdown import make_markdown
from site_builder.markdown.item import parse_item
from site_builder.pool import run_sliced


def _parse(shared: tuple, keys: list[str]) -> dict:
    index, matcher, mode = shared
    md = make_markdown()
    return {key: parse_item(index.by_key[key], md, index, matcher, mode) for key in keys}


def measure(root: Path, jobs: int) -> tuple[int, float, float, float]:
    """(pieces, features per piece, best seconds for the whole site, seconds to parse)."""
    config = load_config(root)
    items = load_content(config.content_dir, root, config.tz).items
    index, _ = build_index(items, [], config.base_path)
    matcher = build_matcher(index)
    parsed: dict = {}
    start = time.perf_counter()
    run_sliced(_parse, (index, matcher, config.autolink), list(index.by_key), jobs, parsed.update)
    parse_time = time.perf_counter() - start
    cast = cast_of(config, index)
    links, _ = link_site(index, parsed, frozenset(), cast.credited)
    ordered = sorted(index.by_key.values(), key=newest_first)
    concepts_of: dict[str, list] = {}
    for concept, refs in links.referrers.items():
        for ref in refs:
            concepts_of.setdefault(ref.item.key, []).append(index.by_key[concept])
    pins, _ = resolve_pins(index, ordered)
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        reading = related_reading(ordered, concepts_of, cast.credited, pins, {}, index.series)
        best = min(best, time.process_time() - start)
    pieces = len(reading.picks)
    features = sum(len(concepts_of.get(k, ())) for k in reading.picks) / max(pieces, 1)
    return pieces, features, best, parse_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--concepts", type=int, nargs="*", default=[300, 300])
    parser.add_argument("--jobs", type=int, default=2, help="processes that parse the corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-builder-related-") as tmp:
        for size, concepts in zip(args.sizes, args.concepts, strict=True):
            root = Path(tmp) / f"site-{size}"
            generate(root, size, min(size // 5, 200), concepts)
            pieces, features, seconds, parse_time = measure(root, args.jobs)
            print(
                f"{size:>6} essays, {concepts} concepts: {pieces} pieces of {features:.1f} "
                f"concepts each; related reading in {seconds:.2f} s, "
                f"{seconds / pieces * 1e6:.0f} µs per piece (parsing took {parse_time:.0f} s)"
            )


if __name__ == "__main__":
    main()
