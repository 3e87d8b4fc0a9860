"""Time `site-builder suggest` on a generated corpus (benchmarks/generate.py).

    python benchmarks/suggest.py [--essays 1000] [--episodes 200] [--concepts 300] [--tmp DIR]

Prints, best of three runs in this process, each step's wall and CPU seconds: loading the
files, reading their Markdown, counting and ranking the phrases; then the whole command as a
fresh process (Python's start-up and imports included).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

from site_builder.config import load_config  # noqa: E402
from site_builder.pool import default_jobs  # noqa: E402
from site_builder.suggest import suggest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes to read with")
    parser.add_argument("--tmp", help="where to write the corpus (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        root = Path(tmp) / "site"
        generate(root, args.essays, args.episodes, args.concepts)
        config = load_config(root)
        best: dict[str, tuple[float, float]] = {}
        for _ in range(3):  # the fastest run in CPU time: the machine may be busy
            timings: dict[str, tuple[float, float]] = {}
            found = suggest(config, jobs=args.jobs, timings=timings)
            timings["total"] = (
                sum(w for w, _ in timings.values()),
                sum(c for _, c in timings.values()),
            )
            if not best or timings["total"][1] < best["total"][1]:
                best = timings
        print(f"{args.essays:,} essays, {args.episodes:,} episodes, {args.concepts:,} concepts:")
        for step, (wall, cpu) in best.items():
            print(f"  {step:6} {wall:6.2f} s wall, {cpu:6.2f} s CPU")
        print(f"  {len(found.concepts)} phrases and {len(found.people)} names listed")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "site_builder", "suggest", "--root", str(root)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"  the command, as a fresh process: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
