"""Edit-to-reload latency of `site-builder serve`: from saving a file to the tab being told.

    python benchmarks/serve.py [--essays 1000] [--edits 10]

For the example site and a synthetic corpus, it starts the preview server, listens on the
live-reload channel as an open tab does, then saves an essay (a new sentence in its body, and
once a changed title) and measures the time until the tab is told to reload and the new page
is served. A full rebuild from scratch is printed for comparison.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def listen(port: int):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/__site-builder/events")
    response = conn.getresponse()
    while line := response.fp.readline():
        if line.startswith(b"data: "):
            yield json.loads(line[6:])


def measure(root: Path, edits: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        port, base = re.search(r":(\d+)(/\S*) ", line).groups()
        port = int(port)
        first = proc.stderr.readline().strip()
        stream = listen(port)
        next(stream)
        essays = sorted((root / "content/essays").glob("*.md"))
        target = essays[len(essays) // 2]
        slug = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", target.stem)
        text = target.read_text(encoding="utf-8")
        times = []
        for i in range(edits):
            marker = f"Edited sentence number {i}."
            start = time.perf_counter()
            target.write_text(text + f"\n{marker}\n", encoding="utf-8")
            state = next(stream)
            assert not state["errors"], state["errors"]
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", f"{base}essays/{slug}/")
            body = conn.getresponse().read().decode()
            times.append((time.perf_counter() - start) * 1000)
            assert marker in body
            time.sleep(0.2)
        start = time.perf_counter()
        target.write_text(
            re.sub(r"(?m)^title: .*$", 'title: "A new title"', text, count=1), encoding="utf-8"
        )
        next(stream)
        retitled = (time.perf_counter() - start) * 1000
        print(f"  first build in serve: {first}")
        print(
            f"  edit a body -> tab told and page served: median {statistics.median(times):.0f} ms,"
            f" max {max(times):.0f} ms ({edits} edits)"
        )
        print(f"  edit a title (lists, links and backlinks show it): {retitled:.0f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def full_build(root: Path, out: Path) -> None:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--output", str(out)],
        check=True,
        capture_output=True,
    )
    print(f"  full build from scratch for comparison: {time.perf_counter() - start:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-builder-serve-bench-") as tmp:
        example = Path(tmp) / "example"
        example.mkdir()
        for name in ("content", "templates"):
            shutil.copytree(HERE.parent / name, example / name)
        shutil.copy(HERE.parent / "site.yaml", example / "site.yaml")
        print("example site")
        measure(example, args.edits)
        full_build(example, Path(tmp) / "out-example")
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.essays, min(200, max(args.essays // 5, 1)), 300)
        print(f"{args.essays} essays")
        measure(corpus, args.edits)
        full_build(corpus, Path(tmp) / "out-corpus")


if __name__ == "__main__":
    main()
