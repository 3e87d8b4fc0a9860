"""Time `site-builder suggest` on a generated corpus (benchmarks/generate.py).

    python benchmarks/suggest.py [--essays 1000] [--episodes 200] [--concepts 300] [--tmp DIR]
                                 [--phrases]

Prints, the median of five runs in this process, each step's wall and CPU seconds (worker
processes included): loading the files, reading their Markdown, counting and ranking the
phrases, with no cache; then, the median of five each, the whole command as a fresh process
(Python's start-up and imports included, with its default number of processes): cold with
`--no-cache`; cold with no cache folder yet (it reads everything and writes the cache);
warm, nothing changed; and warm after one essay was edited. The machine may be busy: CPU
seconds are the figure to compare.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import BUILD_ENV  # noqa: E402

from site_builder.config import CACHE_DIR, load_config  # noqa: E402
from site_builder.pool import default_jobs  # noqa: E402
from site_builder.suggest import suggest  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes to read with")
    parser.add_argument("--tmp", help="where to write the corpus (default: a temporary folder)")
    parser.add_argument(
        "--phrases",
        action="store_true",
        help="plant recurring phrases and names (generate.py --phrases), so there is a list",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        root = Path(tmp) / "site"
        generate(root, args.essays, args.episodes, args.concepts, phrases=args.phrases)
        config = load_config(root)
        runs = []
        for _ in range(5):
            timings: dict[str, tuple[float, float]] = {}
            found = suggest(config, jobs=args.jobs, timings=timings)
            timings["total"] = (
                sum(w for w, _ in timings.values()),
                sum(c for _, c in timings.values()),
            )
            runs.append(timings)
        print(f"{args.essays:,} essays, {args.episodes:,} episodes, {args.concepts:,} concepts:")
        for step in runs[0]:
            wall, cpu = (statistics.median(run[step][k] for run in runs) for k in (0, 1))
            print(f"  {step:6} {wall:6.2f} s wall, {cpu:6.2f} s CPU")
        print(f"  {len(found.concepts)} phrases and {len(found.people)} names listed")
        print("  the command, as a fresh process:")
        for label, times in _whole_command(root).items():
            wall, cpu = zip(*times, strict=True)
            print(
                f"    {label:32} {statistics.median(wall):5.2f} s wall, "
                f"{statistics.median(cpu):5.2f} s CPU"
            )


def _whole_command(root: Path) -> dict[str, list[tuple[float, float]]]:
    """Five runs of each: cold (without the cache, or before there is one), warm (nothing
    changed), and warm with one essay edited before each run (each time another line)."""
    cache = root / CACHE_DIR
    found: dict[str, list[tuple[float, float]]] = {"cold, --no-cache": [], "cold, no cache yet": []}
    for _ in range(5):
        found["cold, --no-cache"].append(_fresh_process(root, "--no-cache"))
        shutil.rmtree(cache, ignore_errors=True)
        found["cold, no cache yet"].append(_fresh_process(root))
    found["warm, nothing changed"] = [_fresh_process(root) for _ in range(5)]
    essay = sorted((root / "content" / "essays").glob("*.md"))[0]
    text = essay.read_text(encoding="utf-8")
    found["warm, one essay edited"] = []
    for n in range(5):
        essay.write_text(f"{text}\nEdited: {n + 1}.\n", encoding="utf-8")
        found["warm, one essay edited"].append(_fresh_process(root))
    essay.write_text(text, encoding="utf-8")
    return found


def _fresh_process(root: Path, *options: str) -> tuple[float, float]:
    """Wall and CPU seconds of `site-builder suggest` (its workers included), run from the
    corpus' folder so that this checkout's package is the one imported."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "site_builder", "suggest", *options],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=root,
        env={**BUILD_ENV, "PYTHONPATH": str(HERE.parent)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


if __name__ == "__main__":
    main()
