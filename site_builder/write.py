"""I/O out: write a build into a sibling temporary folder, then swap it into place.

A failed or interrupted build never touches the previous output: everything is written to
`.<name>.site-builder-tmp-<pid>` beside the output folder (same filesystem, so the renames are
atomic), and only a complete build replaces it. A marker file says the folder is ours, so a
later build may replace it; any other non-empty folder is refused.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import UsageError

MARKER = ".site-builder-output"
_TMP = ".site-builder-tmp-"
_OLD = ".site-builder-old-"


def check_output_dir(output: Path, root: Path, force: bool = False) -> None:
    """Refuse output folders whose replacement would destroy the author's files."""
    out, site = output.resolve(), root.resolve()
    home = Path.home().resolve()
    if out == site or site.is_relative_to(out):
        raise UsageError(f"refusing to build into {output}: it holds the site itself")
    if out == home:
        raise UsageError(f"refusing to build into {output}: it is your home folder")
    for protected in ("content", "templates"):
        if out.is_relative_to(site / protected):
            raise UsageError(f"refusing to build into {output}: it is inside {protected}/")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise UsageError(
            f"refusing to replace {output}: it is not empty and was not made by "
            "site-builder (pass --force to replace it)"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"refusing to build into {output}: it is a file")


def write_site(
    output: Path,
    files: Mapping[str, bytes],
    copies: Mapping[str, Path],
    finish: Callable[[Path], None] | None = None,
) -> None:
    """Write `files` (bytes) and `copies` (source files) as the new contents of `output`;
    `finish(folder)` runs on the complete new folder before it replaces the old (to index it).

    A copy of a file in the current `output` (an unchanged page the build cache vouches for)
    is a hard link: the previous build's file is never written to again, only unlinked from
    the old folder, so the new folder gets the same bytes for the price of a directory entry."""
    output = output.absolute()
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, output.name)
    tmp = parent / f".{output.name}{_TMP}{os.getpid()}"
    try:
        tmp.mkdir()
        (tmp / MARKER).write_bytes(b"Made by site-builder; replaced on every build.\n")
        made: set[Path] = {tmp}
        for rel, data in sorted(files.items()):
            target = _ensure_parent(tmp, rel, made)
            target.write_bytes(data)
        for rel, source in sorted(copies.items()):
            target = _ensure_parent(tmp, rel, made)
            _copy(source, target, from_output=source.is_relative_to(output))
        if finish is not None:
            finish(tmp)
        git = output / ".git"  # a deploy checkout (or worktree file) inside output/ survives
        if git.exists() or git.is_symlink():
            git.rename(tmp / ".git")
        _swap(tmp, output)
    except BaseException:
        kept = tmp / ".git"
        if (kept.exists() or kept.is_symlink()) and output.is_dir():
            kept.rename(output / ".git")
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _copy(source: Path, target: Path, from_output: bool) -> None:
    if from_output:
        try:
            os.link(source, target)
            return
        except OSError:  # a filesystem without hard links: copy after all
            pass
    shutil.copyfile(source, target)


def _ensure_parent(top: Path, rel: str, made: set[Path]) -> Path:
    target = top / rel
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)
    return target


def _swap(new: Path, output: Path) -> None:
    if not output.exists():
        new.rename(output)
        return
    old = output.parent / f".{output.name}{_OLD}{os.getpid()}"
    output.rename(old)
    new.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(parent: Path, name: str) -> None:
    """Temporary folders of builds that were killed before they could clean up."""
    for leftover in parent.glob(f".{name}.site-builder-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
