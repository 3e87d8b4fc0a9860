"""Build the example site and synthetic corpora; print pages/s, peak memory and phase times.

    python benchmarks/run.py                        # example site, 100 and 1,000 essays
    python benchmarks/run.py --sizes 100 1000 10000 --concepts 300 300 2000 --hugo
    python benchmarks/run.py --hugo --tmp /dev/shm   # in memory: without the disk's variance

For each site, each build runs in a fresh process, as `site-builder build` does, with one
worker per CPU:
- clean: no output and no build cache (search included; "no search" is the same minus it);
- nothing changed: the same build again, with the cache the clean build left;
- one essay changed: a sentence added to one essay, then built with the cache;
- one title changed: the same essay's title changed, then built with the cache.
Peak RSS is the largest of the building process and its children (its workers, and Pagefind),
followed by the building process's own. With `--hugo`, the same
corpus is also written for Hugo (benchmarks/hugo_site.py) and built twice by it, and the floor
of any Python build of it is timed (benchmarks/floor.py).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
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
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # workers, Pagefind
    figures = {
        "pages": result.pages,
        "wall": wall,
        "peak_mib": max(own, children) / 1024,
        "own_peak_mib": own / 1024,
    }
    print(json.dumps({**figures, "phases": result.timings}))


def measure(root: Path, output: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(root), str(output)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"run.py: the build of {root} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def report(label: str, figures: dict) -> None:
    phases = "  ".join(f"{k} {v:.2f}" for k, v in figures["phases"].items())
    search = figures["phases"].get("search", 0.0)
    print(
        f"{label:<30} {figures['pages']:>6} pages {figures['wall']:6.2f} s "
        f"(no search {figures['wall'] - search:5.2f} s) "
        f"{figures['pages'] / figures['wall']:6.0f} pages/s  peak {figures['peak_mib']:5.0f} MiB "
        f"(building process {figures['own_peak_mib']:4.0f})"
        f"  | {phases}",
        flush=True,
    )


def bench_site(label: str, root: Path, work: Path) -> None:
    output = root / "output"
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(root / ".site-builder-cache", ignore_errors=True)
    report(f"{label}: clean", measure(root, output))
    report(f"{label}: nothing changed", measure(root, output))
    essays = sorted((root / "content" / "essays").glob("*.md"))
    if essays:
        essays[0].write_text(
            essays[0].read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8"
        )
        report(f"{label}: one essay changed", measure(root, output))
        text = essays[0].read_text(encoding="utf-8")
        retitled = re.sub(r"^title: ([\"']?)", r"title: \1Retitled ", text, count=1, flags=re.M)
        essays[0].write_text(retitled, encoding="utf-8")
        report(f"{label}: one title changed", measure(root, output))


def bench_floor(label: str, corpus: Path) -> None:
    from floor import time_floor

    from site_builder.pool import default_jobs

    files, wall = time_floor(corpus, default_jobs())
    print(
        f"{label + ': floor':<30} {files:>6} files {wall:6.2f} s (read, YAML, bare Markdown, write)"
    )


def bench_hugo(label: str, corpus: Path, work: Path) -> None:
    from hugo_site import time_hugo, write_hugo_site

    site = work / f"hugo-{label.split()[0]}"
    write_hugo_site(corpus, site)
    figures = time_hugo(site)
    print(
        f"{label + ': Hugo':<30} {figures['pages']:>6} pages {figures['wall']:6.2f} s "
        f"(second build {figures['second_wall']:.2f} s; CPU {figures['cpu']:.2f} s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--episodes", type=int, default=200, help="at most; a fifth of essays")
    parser.add_argument("--concepts", type=int, nargs="*", default=[300], help="one per size")
    parser.add_argument("--hugo", action="store_true", help="also time Hugo on each corpus")
    parser.add_argument(
        "--tmp",
        type=Path,
        help="where to write the corpora and their output (default: the system's temporary "
        "folder); a RAM disk such as /dev/shm takes the disk's own variance out of the figures",
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from generate import generate

    with tempfile.TemporaryDirectory(prefix="site-builder-bench-", dir=args.tmp) as tmp:
        work = Path(tmp)
        example = work / "example"
        example.mkdir()
        for name in ("content", "templates", "site.yaml"):
            source = HERE.parent / name
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, example / name)
        bench_site("example site", example, work)
        for i, size in enumerate(args.sizes):
            concepts = args.concepts[min(i, len(args.concepts) - 1)]
            root = work / f"corpus-{size}"
            generate(root, size, min(args.episodes, max(size // 5, 1)), concepts)
            label = f"{size} essays, {concepts} concepts"
            if args.hugo:
                bench_hugo(label, root, work)
                bench_floor(label, root)
            bench_site(label, root, work)


if __name__ == "__main__":
    main()
