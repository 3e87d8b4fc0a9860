"""Glossary cost: 1,000 essays parsed with a glossary of 20 and of 2,000 concepts.

    python benchmarks/glossary.py [--essays 1000] [--concepts 20 2000]

Autolinking uses one trie for all terms, built once per build, so the time to parse a page
should follow the page's length and its mentions, not the size of the glossary. For each size a
corpus is generated with the same seed (same essays, same share of sentences mentioning a
concept, drawn from that glossary); every essay is parsed (Markdown, wikilinks, autolinking)
in this process, best of three, and once more with autolinking off as the baseline.
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
from site_builder.link.index import build_index, build_matcher
from site_builder.load import load_content
from site_builder.markdown import make_markdown, render_markdown


def parse_all(md, essays, index, matcher, mode: str) -> tuple[float, int]:
    """Best of three: milliseconds per essay, and the mentions found."""
    best, found = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        found = sum(
            len(
                render_markdown(
                    md,
                    e.body,
                    path="content/essays/x.md",
                    first_line=e.body_line,
                    base_path=index.base_path,
                    resolve_wikilink=index.resolve_wikilink,
                    glossary=matcher,
                    autolink=mode,
                ).mentions
            )
            for e in essays
        )
        best = min(best, time.perf_counter() - start)
    return best / len(essays) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--concepts", type=int, nargs="*", default=[20, 2000])
    args = parser.parse_args()
    md = make_markdown()
    with tempfile.TemporaryDirectory(prefix="site-builder-glossary-") as tmp:
        for count in args.concepts:
            root = Path(tmp) / f"site-{count}"
            generate(root, args.essays, 0, count)
            config = load_config(root)
            items = load_content(config.content_dir, root, config.tz).items
            index, _ = build_index(items, [], config.base_path)
            start = time.perf_counter()
            matcher = build_matcher(index)
            built = time.perf_counter() - start
            essays = [i for i in items if i.kind == "essay"]

            linked, mentions = parse_all(md, essays, index, matcher, "first")
            plain, _ = parse_all(md, essays, index, matcher, "off")
            print(
                f"{count:>5} concepts: {linked:5.2f} ms per essay with autolinking "
                f"({plain:.2f} ms without; {mentions} mentions in {len(essays)} essays; "
                f"matcher built in {built * 1000:.0f} ms)"
            )


if __name__ == "__main__":
    main()
