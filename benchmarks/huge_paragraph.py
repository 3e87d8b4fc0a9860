"""Parse time of one huge paragraph: thousands of concept mentions, or a megabyte of prose.

    python benchmarks/huge_paragraph.py [--mentions 4000 8000 16000] [--megabytes 1]

Each mention is recorded with its line and its sentence, so a paragraph's cost must grow with
its length, not with its length times its mentions. Three shapes, each a single paragraph with a
line break every sentence (or every dozen words): sentences that each name a concept; one
sentence that never ends, naming a concept every dozen words; and, for `--megabytes`, prose
with no mention, with a mention per sentence, and with a wikilink per sentence. Each is parsed
once (Markdown, wikilinks, autolinking every mention) and timed in CPU seconds, with the
garbage collector off as in a build.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import WORDS, generate

from site_builder.config import load_config
from site_builder.link.index import build_index, build_matcher
from site_builder.load import load_content
from site_builder.markdown import make_markdown, render_markdown

CONCEPTS = 20


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def sentences(count: int, rng: random.Random) -> str:
    """`count` sentences, one a line, each naming one concept."""
    return "\n".join(
        f"{words(rng, 5).capitalize()} concept term {i % CONCEPTS} {words(rng, 6)}."
        for i in range(count)
    )


def one_sentence(count: int, rng: random.Random) -> str:
    """One sentence of `count` mentions, a line each, with no full stop until the end."""
    return "\n".join(f"{words(rng, 6)} concept term {i % CONCEPTS}," for i in range(count)) + "."


def megabytes(size: float, term: str, rng: random.Random) -> str:
    """About `size` MB of sentences, one a line, each naming `term` (an empty one: none)."""
    lines, length = [], 0
    while length < size * 1_000_000:
        name = term.format(len(lines) % CONCEPTS)
        line = f"{words(rng, 6).capitalize()} {name} {words(rng, 6)}."
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines)


def parse_seconds(md, index, matcher, text: str) -> tuple[float, int]:
    """CPU seconds to parse and render `text`, and the mentions it recorded."""
    start = time.process_time()
    parsed = render_markdown(
        md,
        text + "\n",
        path="content/essays/x.md",
        first_line=1,
        base_path=index.base_path,
        resolve_wikilink=index.resolve_wikilink,
        glossary=matcher,
        autolink="all",
    )
    return time.process_time() - start, len(parsed.mentions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentions", type=int, nargs="*", default=[4000, 8000, 16000])
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()
    gc.disable()  # as `build_site` does
    md, rng = make_markdown(), random.Random(1)
    with tempfile.TemporaryDirectory(prefix="site-builder-paragraph-") as tmp:
        generate(Path(tmp), 0, 0, CONCEPTS)
        config = load_config(Path(tmp))
        items = load_content(config.content_dir, Path(tmp), config.tz).items
    index, _ = build_index(items, [], config.base_path)
    matcher = build_matcher(index)
    cases = [(f"{n:,} sentences, a mention each", sentences(n, rng)) for n in args.mentions]
    cases += [(f"one sentence, {n:,} mentions", one_sentence(n, rng)) for n in args.mentions]
    if args.megabytes:
        size = args.megabytes
        cases += [
            (f"{size:g} MB, no mention", megabytes(size, "", rng)),
            (f"{size:g} MB, a mention a sentence", megabytes(size, "concept term {}", rng)),
            (f"{size:g} MB, a wikilink a sentence", megabytes(size, "[[concept-{:05d}]]", rng)),
        ]
    for name, text in cases:
        seconds, found = parse_seconds(md, index, matcher, text)
        print(f"{name:>36}: {seconds:6.2f} s ({len(text) / 1e6:.2f} MB, {found:,} mentions)")


if __name__ == "__main__":
    main()
