"""The peak memory of a command's whole process tree, by PSS, sampled from /proc (Linux).

    python benchmarks/pss.py [--every 0.05] -- site-builder build --root SITE

PSS (proportional set size) counts a page shared by n processes as 1/n in each, so the sum
over a build and its forked workers counts the pages they share once, as RSS would not.
Pagefind's process (a child of the build) is summed apart: its peak is reported separately.
Printed: wall seconds, the peak of the build's tree without Pagefind, Pagefind's own peak.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

PAGEFIND = "pagefind"  # the binary's name starts so (pagefind, pagefind_extended)


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):  # gone between listing and reading
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _is_pagefind(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().startswith(PAGEFIND)
    except OSError:
        return False


def sample(command: list[str], every: float = 0.05, **popen) -> dict:
    """Run `command`, sampling its tree's PSS every `every` seconds until it ends: wall
    seconds, peak MiB of the build and its workers, peak MiB of Pagefind, and the exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, **popen)
    build = pagefind = 0
    at_peak: list[int] = []  # the build's and each worker's PSS (KiB) when the tree peaked
    while process.poll() is None:
        now_build = now_pagefind = 0
        each = []
        for pid in _tree(process.pid):
            if _is_pagefind(pid):
                now_pagefind += _pss_kib(pid)
            else:
                each.append(_pss_kib(pid))
        now_build = sum(each)
        if now_build > build:
            build, at_peak = now_build, each
        pagefind = max(pagefind, now_pagefind)
        time.sleep(every)
    return {
        "wall": time.perf_counter() - start,
        "build_mib": build / 1024,
        "at_peak_mib": [round(kib / 1024) for kib in at_peak],
        "pagefind_mib": pagefind / 1024,
        "code": process.returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=float, default=0.05, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command or not os.path.exists("/proc/self/smaps_rollup"):
        raise SystemExit("pss.py needs a command, and Linux's /proc/<pid>/smaps_rollup")
    found = sample(command, args.every)
    print(
        f"{found['wall']:.2f} s  build and workers {found['build_mib']:.0f} MiB (PSS peak: "
        f"{' + '.join(map(str, found['at_peak_mib']))})  "
        f"Pagefind {found['pagefind_mib']:.0f} MiB  exit {found['code']}"
    )
    sys.exit(found["code"])


if __name__ == "__main__":
    main()
