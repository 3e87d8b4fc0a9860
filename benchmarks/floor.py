"""The least a Python build of a corpus can cost: read, YAML, bare Markdown, write.

    python benchmarks/floor.py SITE [--jobs N]

No glossary, no links, no templates, no feeds: each Markdown file is read, its front matter
parsed with libyaml, its body rendered by markdown-it-py with the CommonMark preset and nothing
else, and the HTML written to `index.html` in its own folder, over `--jobs` processes (one
per CPU by default). The folder is beside the site, as `output/` is, and is removed after the
clock stops. The time is the best of three and includes starting Python, as a command typed at
the shell does. `run.py --hugo` prints it beside Hugo's time and ours on the same corpus.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def work(args: tuple[list[str], str]) -> int:
    import yaml
    from markdown_it import MarkdownIt

    paths, out = args
    md = MarkdownIt("commonmark")
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        _, head, body = text.split("---\n", 2) if text.startswith("---\n") else ("", "", text)
        yaml.load(head, Loader=yaml.CSafeLoader)
        folder = Path(out) / Path(path).stem
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(md.render(body), encoding="utf-8")
    return len(paths)


def child(site: Path, jobs: int, out: str) -> None:
    from multiprocessing import get_context

    paths = sorted(str(p) for p in (site / "content").rglob("*.md"))
    slices = [(paths[i::jobs], out) for i in range(jobs)]
    with get_context("fork").Pool(jobs) as pool:
        print(sum(pool.map(work, slices)))


def time_floor(site: Path, jobs: int) -> tuple[int, float]:
    """Files done, and the best of three wall times of a fresh process doing them."""
    best, files = float("inf"), 0
    for _ in range(3):
        # beside the site, like output/; removed after the clock stops
        with tempfile.TemporaryDirectory(prefix=".floor-", dir=site) as out:
            command = [sys.executable, __file__, str(site), "--jobs", str(jobs), "--child", out]
            start = time.perf_counter()
            done = subprocess.run(command, check=True, capture_output=True)
            best = min(best, time.perf_counter() - start)
            files = int(done.stdout)
    return files, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--child", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.site, args.jobs, args.child)
        return
    files, best = time_floor(args.site, args.jobs)
    print(f"{files:,} files read, parsed and written by {args.jobs} processes: {best:.2f} s")


if __name__ == "__main__":
    main()
