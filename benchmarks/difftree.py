"""Compare two built output trees byte for byte: the proof that a refactor changed nothing.

    python benchmarks/difftree.py BEFORE AFTER

Prints how many files the trees share, then every file that differs or is only in one of them,
and exits 1 when there is any such file. The marker file site-builder writes is compared too.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path


def digests(top: Path) -> dict[str, str]:
    """Every regular file under `top`, by path relative to it, with the SHA-256 of its bytes."""
    return {
        path.relative_to(top).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(top.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(top).parts
    }


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """One line per difference, sorted by path."""
    lines = []
    for rel in sorted(before.keys() | after.keys()):
        if rel not in after:
            lines.append(f"only in before: {rel}")
        elif rel not in before:
            lines.append(f"only in after: {rel}")
        elif before[rel] != after[rel]:
            lines.append(f"differs: {rel}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    before, after = digests(args.before), digests(args.after)
    differences = compare(before, after)
    for line in differences:
        print(line)
    same = len(before.keys() & after.keys()) - sum(d.startswith("differs") for d in differences)
    print(f"{same} identical files, {len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
