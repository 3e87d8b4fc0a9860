"""I/O out: write a build into a sibling temporary folder, then swap it into place.

A failed or interrupted build never touches the previous output: everything is written to
`.<name>.site-builder-tmp-<pid>` beside the output folder (same filesystem, so the renames are
atomic), and only a complete build replaces it. A marker file says the folder is ours, so a
later build may replace it; any other non-empty folder is refused. A symlinked output is
followed: the build goes beside and into its target, and the link stays.

One build at a time writes a given output: `lock_output` holds a POSIX lock (`lockf`) on
`.<name>.site-builder-lock` beside it for the whole build, and a second build waits for it.
Not an `flock`: the pool's forked workers would inherit that, and the workers of a killed
build, which outlive it, would hold it for ever. A POSIX lock belongs to the process alone and
goes with it (so it does not keep two threads of one process apart: nothing here needs that).
Under the lock, the temporary folders left by killed builds are cleared (`recover_leftovers`):
only those whose owner (the pid in their name) is gone, and never while one holds a `.git`.

The swap is one `renameat2(RENAME_EXCHANGE)` on Linux: `output/` and the new folder trade
places, so `output/` always exists and is always a complete build. A deploy checkout in
`output/.git` then moves from the old folder (now aside, under the temporary name) into the
new output. The kill windows that remain, and why they lose nothing:

- before the exchange: `output/` is the previous build, untouched; the next build removes the
  half-made folder (no `.git` in it);
- between the exchange and the `.git` move: `output/` is the new build without its `.git`,
  which is in the leftover; the next build moves it back into `output/` before anything else;
- after the `.git` move: the leftover is only the previous build's pages; the next build
  removes it.

Where the exchange is missing (other systems, some filesystems), the swap is two renames,
`output/` -> `.<name>.site-builder-old-<pid>`, then the new folder -> `output/`: a kill
between them leaves no `output/`, and the next build puts the old one (and its `.git`) back.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .config import CACHE_DIR
from .errors import Diagnostic, UsageError

MARKER = ".site-builder-output"
_TMP = ".site-builder-tmp-"
_OLD = ".site-builder-old-"
_LOCK = ".site-builder-lock"
# Folders of the site that a build into them would destroy, with what they hold.
_PROTECTED = (
    ("content", "the site's content"),
    ("templates", "the site's templates"),
    (CACHE_DIR, "the build cache"),
)
Waiting = Callable[[int | None], None]  # told the pid of the build holding the lock, if known


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


@contextmanager
def lock_output(output: Path, waiting: Waiting | None = None) -> Iterator[None]:
    """Hold the lock on writing `output` (a resolved path) until the block ends.

    When another build holds it, `waiting(its pid, or None if unknown)` is called once and
    this one waits. The lock file is removed on release; a waiter that got the lock on a
    removed file tries again on the new one, so two builds never both hold it."""
    path = output.parent / f".{output.name}{_LOCK}"
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: another holds it
            if waiting is not None:
                waiting(_pid_in(os.pread(fd, 32, 0)))
                waiting = None
            fcntl.lockf(fd, fcntl.LOCK_EX)
        if _same_file(fd, path):
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


def _pid_in(data: bytes) -> int | None:
    text = data.decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def recover_leftovers(output: Path, root: Path) -> list[Diagnostic]:
    """Clear what killed builds of `output` left beside it; call with the lock held.

    A leftover whose owner lives is kept. When there is no `output/`, a previous output set
    aside (by the fallback swap, or holding the `.git`: only a complete build ever does)
    becomes `output/` again. A `.git` in a leftover goes back into `output/` when that has
    none; a leftover still holding one is kept, with a warning."""
    kept = []
    pattern = re.compile(rf"\.{re.escape(output.name)}({re.escape(_TMP)}|{re.escape(_OLD)})(\d+)")
    for leftover in sorted(output.parent.glob(f".{output.name}.site-builder-*")):
        found = pattern.fullmatch(leftover.name)
        if not found or not leftover.is_dir() or leftover.is_symlink() or _alive(int(found[2])):
            continue
        if not output.exists() and (found[1] == _OLD or _holds_git(leftover)):
            leftover.rename(output)
            continue
        _move_git(leftover, output)
        if _holds_git(leftover):
            kept.append(_leftover_warning(leftover, root))
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    return kept


def _alive(pid: int) -> bool:
    """Whether the build that made a leftover may still be running. Under the lock, one made
    by this process is from an earlier build that is over."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _leftover_warning(leftover: Path, root: Path) -> Diagnostic:
    shown = leftover.relative_to(root) if leftover.is_relative_to(root) else leftover
    return Diagnostic(
        str(shown),
        None,
        "left in place: it holds a .git, and output/ has one already",
        hint="a killed build set it aside; keep the .git you want, then delete this folder",
        code="output",
        severity="warning",
    )


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
        self.made: set[str] = set()  # folders made in `tmp`
        self.written = 0
        self.cleaning: threading.Thread | None = None

    def write(self, files: Mapping[str, bytes]) -> None:
        if not self.made:
            self._start()
        for rel, data in sorted(files.items()):
            with open(_ensure_parent(self.tmp, rel, self.made), "wb") as f:
                f.write(data)
        self.written += len(files)

    def commit(
        self, copies: Mapping[str, Path], finish: Callable[[Path], None] | None = None
    ) -> None:
        output, tmp = self.output, self.tmp
        try:
            if not self.made:
                self._start()
            inside = f"{output}/"  # a prefix: `is_relative_to` takes ten times as long
            for rel, source in sorted(copies.items()):
                target = _ensure_parent(tmp, rel, self.made)
                _copy(source, target, from_output=str(source).startswith(inside))
            if finish is not None:
                finish(tmp)
            old = _swap(tmp, output)
        except BaseException:
            self.discard()
            raise
        self.made.clear()  # it is the output now
        if old is not None:
            _move_git(old, output)  # a deploy checkout (or worktree file) survives
            # unlinking the old tree is slow: let it overlap what follows
            self.cleaning = threading.Thread(target=_remove, args=(old,))
            self.cleaning.start()

    def wait(self) -> None:
        """Until the previous output is gone (it no longer is the output: nothing waits on it
        but the end of the build)."""
        if self.cleaning is not None:
            self.cleaning.join()
            self.cleaning = None

    def discard(self) -> None:
        if self.made:
            _remove(self.tmp)
            self.made.clear()

    def _start(self) -> None:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir()
        self.made.add(str(self.tmp))
        (self.tmp / MARKER).write_bytes(b"Made by site-builder; replaced on every build.\n")


def _copy(source: Path, target: str, from_output: bool) -> None:
    if from_output:
        try:
            os.link(source, target)
            return
        except OSError:  # a filesystem without hard links: copy after all
            pass
    shutil.copyfile(source, target)


def _ensure_parent(top: Path, rel: str, made: set[str]) -> str:
    """The path of `rel` in `top`, its folder made (strings: thousands of files a build)."""
    target = f"{top}/{rel}"
    parent = os.path.dirname(target)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)
    return target


def _swap(new: Path, output: Path) -> Path | None:
    """Put `new` in place of `output`; returns the old folder, now aside, to be removed.
    Raises only with `output` as it was."""
    if not output.exists():
        new.rename(output)
        return None
    if _exchange(new, output):
        return new
    old = output.parent / f".{output.name}{_OLD}{os.getpid()}"
    output.rename(old)
    try:
        new.rename(output)
    except BaseException:
        old.rename(output)
        raise
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Trade the names of `a` and `b` in one step; False where the system cannot."""
    if sys.platform != "linux":
        return False
    import ctypes  # here, not at the top: every command's start-up would pay for it

    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "renameat2"):  # a C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    if libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or filesystem
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _holds_git(folder: Path) -> bool:
    git = folder / ".git"
    return git.exists() or git.is_symlink()


def _move_git(source: Path, output: Path) -> None:
    """Move a deploy checkout (`.git` folder, or a worktree's `.git` file) into `output`,
    unless that has one already."""
    if _holds_git(source) and not _holds_git(output):
        (source / ".git").rename(output / ".git")


def _remove(folder: Path) -> None:
    """Delete a folder of ours, unless it holds a `.git`: a deploy checkout is never deleted
    (the next build puts it back)."""
    if not _holds_git(folder):
        shutil.rmtree(folder, ignore_errors=True)
