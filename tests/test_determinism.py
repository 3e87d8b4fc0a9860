"""Two builds of the same input are byte-identical, whatever the environment (group J)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from sitecheck import build_with_env as build
from sitecheck import tree

SITE = Path(__file__).parent / "sites" / "basic"


def test_same_bytes_under_other_time_zone_hash_seed_and_locale(tmp_path):
    first = build(SITE, tmp_path / "a", TZ="UTC", PYTHONHASHSEED="0", LANG="C")
    second = build(
        SITE,
        tmp_path / "b",
        TZ="Asia/Kolkata",
        PYTHONHASHSEED="12345",
        LANG="tr_TR.UTF-8",
        PYTHONIOENCODING="cp1252",
    )
    third = build(SITE, tmp_path / "c", TZ="Pacific/Kiritimati", PYTHONHASHSEED="random")
    assert first == second == third
    assert "essays/reading-the-stalemate/index.html" in first


def test_same_output_when_files_are_created_in_another_order(tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(SITE / "site.yaml", copy / "site.yaml")
    # copy the content files in reverse order, with reversed modification times
    files = sorted((SITE / "content").rglob("*"), reverse=True)
    for i, path in enumerate(p for p in files if p.is_file()):
        target = copy / path.relative_to(SITE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        os.utime(target, (1_000_000 + i, 1_000_000 + i))
    assert build(SITE, tmp_path / "a") == build(copy, tmp_path / "b")


def test_same_bytes_whatever_the_number_of_jobs(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from generate import generate

    root = tmp_path / "corpus"
    generate(root, 120, 20, 30)
    serial = tree_with_jobs(root, tmp_path / "one", 1)
    assert serial == tree_with_jobs(root, tmp_path / "two", 2)
    assert len(serial) > 150


def tree_with_jobs(root: Path, out: Path, jobs: int) -> dict[str, bytes]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "build",
            "--root",
            str(root),
            "--output",
            str(out),
            "--jobs",
            str(jobs),
            "--no-cache",
        ],
        check=True,
        capture_output=True,
    )
    return tree(out)
