"""I/O out: write a build into a sibling temporary folder, then swap it into place.

A failed or interrupted build never touches the previous output: everything is written to
`.<name>.site-builder-tmp-<pid>` beside the output folder (same filesystem, so the renames are
atomic), and only a complete build replaces it. A marker file says the folder is ours, so a
later build may replace it; any other non-empty folder is refused. A symlinked output is
followed: the build goes beside and into its target, and the link stays.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from .config import CACHE_DIR
from .errors import UsageError

MARKER = ".site-builder-output"
_TMP = ".site-builder-tmp-"
_OLD = ".site-builder-old-"
# Folders of the site that a build into them would destroy, with what they hold.
_PROTECTED = (
    ("content", "the site's content"),
    ("templates", "the site's templates"),
    (CACHE_DIR, "the build cache"),
)


def check_output_dir(output: Path, root: Path, force: bool = False) -> None:
    """Refuse output folders whose replacement would destroy the author's files."""
    try:
        out = output.resolve()  # a symlink is followed: what it points at is what is replaced
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise UsageError(f"cannot build into {output}: {exc}") from None
    site, home = root.resolve(), Path.home().resolve()
    if out == site or site.is_relative_to(out):
        raise UsageError(f"refusing to build into {output}: it holds the site itself")
    if out == home:
        raise UsageError(f"refusing to build into {output}: it is your home folder")
    if home.is_relative_to(out):
        raise UsageError(f"refusing to build into {output}: it holds your home folder")
    for folder, holds in _PROTECTED:
        if out.is_relative_to(site / folder):
            where = "" if out == site / folder else "inside "
            raise UsageError(f"refusing to build into {output}: it is {where}{folder}/, {holds}")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise UsageError(
            f"refusing to replace {output}: it is not empty and was not made by "
            "site-builder (pass --force to replace it)"
        )
    if out.exists() and not out.is_dir():
        raise UsageError(f"refusing to build into {output}: it is a file")


class OutputWriter:
    """A new build of `output`, written into a sibling temporary folder as pages are made.

    Nothing is created until the first file comes. `commit(copies, finish)` adds the copied
    files, runs `finish(folder)` on the complete new folder (to index it for search) and swaps
    it in; `discard()` (or any exception in `commit`) removes it and leaves `output` as it was.

    A copy of a file in the current `output` (an unchanged page the build cache vouches for)
    is a hard link: the previous build's file is never written to again, only unlinked from
    the old folder, so the new folder gets the same bytes for the price of a directory entry.
    """

    def __init__(self, output: Path):
        self.output = output.absolute()
        self.tmp = self.output.parent / f".{self.output.name}{_TMP}{os.getpid()}"
        self.made: set[Path] = set()
        self.written = 0
        self.cleaning: threading.Thread | None = None

    def write(self, files: Mapping[str, bytes]) -> None:
        if not self.made:
            self._start()
        for rel, data in sorted(files.items()):
            _ensure_parent(self.tmp, rel, self.made).write_bytes(data)
        self.written += len(files)

    def commit(
        self, copies: Mapping[str, Path], finish: Callable[[Path], None] | None = None
    ) -> None:
        output, tmp = self.output, self.tmp
        try:
            if not self.made:
                self._start()
            for rel, source in sorted(copies.items()):
                target = _ensure_parent(tmp, rel, self.made)
                _copy(source, target, from_output=source.is_relative_to(output))
            if finish is not None:
                finish(tmp)
            git = output / ".git"  # a deploy checkout (or worktree file) inside output/ survives
            if git.exists() or git.is_symlink():
                git.rename(tmp / ".git")
            old = _swap(tmp, output)
            self.made.clear()  # it is the output now
            if old is not None:  # unlinking the old tree is slow: let it overlap what follows
                self.cleaning = threading.Thread(
                    target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True}
                )
                self.cleaning.start()
        except BaseException:
            kept = tmp / ".git"
            if (kept.exists() or kept.is_symlink()) and output.is_dir():
                kept.rename(output / ".git")
            self.discard()
            raise

    def wait(self) -> None:
        """Until the previous output is gone (it no longer is the output: nothing waits on it
        but the end of the build)."""
        if self.cleaning is not None:
            self.cleaning.join()
            self.cleaning = None

    def discard(self) -> None:
        if self.made:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.made.clear()

    def _start(self) -> None:
        parent = self.output.parent
        parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(parent, self.output.name)
        self.tmp.mkdir()
        self.made.add(self.tmp)
        (self.tmp / MARKER).write_bytes(b"Made by site-builder; replaced on every build.\n")


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


def _swap(new: Path, output: Path) -> Path | None:
    """Put `new` in place of `output`; returns the old folder, now aside, to be removed."""
    if not output.exists():
        new.rename(output)
        return None
    old = output.parent / f".{output.name}{_OLD}{os.getpid()}"
    output.rename(old)
    new.rename(output)
    return old


def _remove_leftovers(parent: Path, name: str) -> None:
    """Temporary folders of builds that were killed before they could clean up."""
    for leftover in parent.glob(f".{name}.site-builder-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
