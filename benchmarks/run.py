"""Build the example site and synthetic corpora; print pages/s, peak memory and phase times.

    python benchmarks/run.py                 # example site, 100 and 1,000 essays
    python benchmarks/run.py --sizes 100 1000 10000 --concepts 2000

Each build runs in a fresh process, with one worker per CPU as `site-builder build` does, so
its peak RSS is its own (the main process's; the workers' are not counted). After the clean
build the script times a rebuild with nothing changed and one after a single essay changed
(each a full build in a new process, as `site-builder build` does).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))


def child(root: Path, output: Path) -> None:
    """Build once in this process and print the figures as JSON."""
    from site_builder.build import build_site
    from site_builder.config import load_config
    from site_builder.pool import default_jobs

    start = time.perf_counter()
    result = build_site(load_config(root), output, jobs=default_jobs())
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "pages": result.pages,
                "wall": wall,
                "peak_mib": peak_kib / 1024,
                "phases": result.timings,
            }
        )
    )


def measure(root: Path, output: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(root), str(output)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def report(label: str, figures: dict) -> None:
    phases = "  ".join(f"{k} {v:.2f}s" for k, v in figures["phases"].items())
    print(
        f"{label:<28} {figures['pages']:>6} pages  {figures['wall']:6.2f} s  "
        f"{figures['pages'] / figures['wall']:7.0f} pages/s  peak {figures['peak_mib']:6.0f} MiB"
        f"  | {phases}"
    )


def bench_site(label: str, root: Path, work: Path) -> None:
    output = work / f"out-{label.replace(' ', '-')}"
    report(f"{label}: clean", measure(root, output))
    report(f"{label}: nothing changed", measure(root, output))
    essays = sorted((root / "content" / "essays").glob("*.md"))
    if essays:
        essays[0].write_text(
            essays[0].read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8"
        )
        report(f"{label}: one essay changed", measure(root, output))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--concepts", type=int, default=300)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from generate import generate

    with tempfile.TemporaryDirectory(prefix="site-builder-bench-") as tmp:
        work = Path(tmp)
        example = work / "example"
        subprocess.run(
            [
                "cp",
                "-r",
                str(HERE.parent / "content"),
                str(HERE.parent / "templates"),
                str(HERE.parent / "site.yaml"),
                "--target-directory",
                str(example),
            ]
            if example.mkdir() is None
            else [],
            check=True,
        )
        bench_site("example site", example, work)
        for size in args.sizes:
            root = work / f"corpus-{size}"
            generate(root, size, min(args.episodes, max(size // 5, 1)), args.concepts)
            bench_site(f"{size} essays", root, work)


if __name__ == "__main__":
    main()
