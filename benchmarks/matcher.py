"""The autolinking scan on every paragraph of a corpus, both ways the Matcher can: the
Aho-Corasick scan (`find`, markdown/scan.py) against the trie walk it replaced (`_walk`),
with a check that both give the same matches on every paragraph.

    python benchmarks/matcher.py SITE [SITE...] [--rounds 5]

The paragraphs are the inline text of every block of every item's body, as markdown-it-py
gives it to the glossary rule. Times are CPU seconds to run each to its end on every
paragraph, the collector off (as in a build), the median of the rounds, alternated.
Exits 1 if any paragraph's matches differ.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from pathlib import Path

from markdown_it import MarkdownIt

from site_builder.config import load_config
from site_builder.link.index import build_index, build_matcher
from site_builder.load import load_content


def paragraphs(root: Path) -> tuple[object, list[str]]:
    config = load_config(root)
    loaded = load_content(config.content_dir, config.root, config.tz)
    index, _ = build_index(loaded.items, (), config.base_path, loaded.unreadable)
    md = MarkdownIt("commonmark")
    texts = [
        token.content
        for item in loaded.items
        for token in md.parse(item.body)
        if token.type == "inline" and token.content
    ]
    return build_matcher(index), texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sites", type=Path, nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    gc.disable()
    differ = 0
    for site in args.sites:
        matcher, texts = paragraphs(site)
        for text in texts:
            if list(matcher.find(text)) != list(matcher._walk(text, text.casefold())):
                differ += 1
                print(f"differs: {text[:200]!r}")
        times: dict[str, list[float]] = {"scan (find)": [], "trie walk": []}
        runs = {
            "scan (find)": lambda m=matcher, ts=texts: sum(1 for t in ts for _ in m.find(t)),
            "trie walk": lambda m=matcher, ts=texts: sum(
                1 for t in ts for _ in m._walk(t, t.casefold())
            ),
        }
        counts = {}
        for _ in range(args.rounds):
            for label, run in runs.items():
                start = time.process_time()
                counts[label] = run()
                times[label].append(time.process_time() - start)
        print(f"{site}: {len(texts)} paragraphs, {len(matcher.targets)} concepts")
        for label, spent in times.items():
            print(f"  {label:<12} {statistics.median(spent):.3f} s  ({counts[label]} matches)")
    print(f"{differ} paragraphs differ")
    raise SystemExit(1 if differ else 0)


if __name__ == "__main__":
    main()
