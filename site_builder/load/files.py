"""I/O in: the files an author names, kept inside their folder and opened only when regular.

Two rules hold for every file the build opens because an author named it or put it in content/.
A path named in front matter or site.yaml (`transcript:`, `audio: {url: /media/...}`, `image:`,
chart data) leads into the folder it is relative to, symbolic links followed, and never out of
it: what lies outside is never published. And only a regular file is opened: opening a FIFO
waits for a writer that may never come, so every open here is non-blocking and checked.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO


def inside(folder: Path, name: str, label: str) -> Path | str:
    """The path `name` names in `folder` (`label` is how messages call it: "content/media/"),
    or why it may not be used: it is absolute, it climbs out, or a symbolic link on the way
    leads out. The path is `folder / name` as written, so that it stays under the site's root;
    it may not exist."""
    if not name or "\0" in name:
        return "is not a file name"
    if name.startswith(("/", "\\")) or re.match(r"[a-zA-Z]:", name):
        return f"must be relative to {label}"
    if PurePosixPath(os.path.normpath(name.replace("\\", "/"))).parts[:1] == ("..",):
        return f"leaves {label}"
    path = folder / name
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11 and 3.12)
        return "is a symbolic link that loops"
    if not target.is_relative_to(folder.resolve()):
        return f"leads outside {label} (a symbolic link)"
    return path


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("FIFO", "socket", ...), None for one that is."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    return "folder" if stat.S_ISDIR(mode) else "special file"


def is_regular(path: Path) -> bool:
    """Whether `path` (symlinks followed) is a regular file; False when there is none."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading; raises OSError, without waiting, for anything but a regular
    file (a FIFO swapped in after it was checked, a device)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        kind = special_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise OSError(errno.EINVAL, f"not a regular file but a {kind}", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, size: int = -1) -> bytes:
    """The bytes of a regular file (the first `size` of them); see `open_regular`."""
    with open_regular(path) as f:
        return f.read(size)


Stat = tuple[int, int, int, int]  # a file's size, modification and change times, inode


def stat_of(st: os.stat_result) -> Stat:
    """What says a file changed without reading it. Size and modification time are not enough:
    `cp -p`, `rsync -t` or a restore from a backup put an edited file's old time back. Its
    change time is what no one can set back, and the inode tells a file put in another's place."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class Reads(dict[Path, tuple[os.stat_result, bytes | None]]):
    """The files a content file was read from, each with its stat when it was opened and the
    bytes then read (None: only its size was taken): what its fingerprint is made of, so that
    a save during the read changes the stat the next build compares, and is read then."""

    def read(self, path: Path) -> bytes:
        """The bytes of a regular file (see `read_regular`), noted."""
        with open_regular(path) as f:
            found = os.fstat(f.fileno()), f.read()
        self[path] = found
        return found[1]

    def size(self, path: Path) -> int:
        """The size of a file known by its stat alone (audio): as it was read, or stat-ed
        now; noted, and its bytes not kept."""
        st = self[path][0] if path in self else os.stat(path)
        self[path] = st, None
        return st.st_size
