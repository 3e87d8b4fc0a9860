"""I/O in: walk the content folder, leave out scratch files, fingerprint what was read, and
report files that cannot be content (links out, special files, unreadable templates)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from datetime import tzinfo
from pathlib import Path

from ..errors import Diagnostic
from ..model import (
    Item,
)
from .files import Reads, Stat, read_regular, special_kind, stat_of
from .responses import responses_file
from .transcripts import TRANSCRIPT_SUFFIXES

# Files editors and operating systems leave beside the ones authors write.
_VCS_FOLDERS = (".git", ".hg", ".svn")
_SCRATCH = re.compile(r"(^\.|~$|\.sw[a-p]$|\.bak$|\.bck$|\.tmp$|___jb_\w+___$|^4913$|^#.*#$)")


def is_scratch_file(name: str) -> bool:
    """Editor swap, backup and temporary files, which are never content."""
    return bool(_SCRATCH.search(name))


_TEXTS = frozenset((".md", *TRANSCRIPT_SUFFIXES, ".yaml"))  # fingerprinted by content
# A file changed again within its file system's timestamp granularity (1 s on ext3 and HFS+,
# 2 s on FAT) keeps its stat: a stat taken this close to a change cannot vouch for the content.
RACY_NS = 2_000_000_000
Stats = tuple[Stat | None, ...]  # of each file a fingerprint is of
# path -> (fingerprint, item, problems, the files it pulls in, the stats the fingerprint was
# taken at: None when they cannot vouch for it, see `fingerprint`)
FileCache = dict[
    Path, tuple[tuple, Item | None, tuple[Diagnostic, ...], tuple[Path, ...], Stats | None]
]


def fingerprint(
    path: Path,
    deps: tuple[Path, ...],
    by_content: bool,
    tz: tzinfo,
    last: tuple[tuple, Stats | None] | None = None,
    read: Reads | None = None,
) -> tuple[tuple, Stats | None]:
    """What says a file (and the files it pulls in) changed, or the time zone its dates are
    read in (site.yaml's `timezone`); and the stats it was taken at.

    Size, times and inode of each (`serve`, which must not read every file on every save), or
    for the text files the hash of their content (the build cache on disk, which must not be
    fooled by a checkout that restores old times; audio is still known by its stat, whose
    change time no restore of the old modification time can set back). An episode's sibling
    transcripts (.vtt, .srt, .json) and an essay's responses file are included, so one that
    appears is noticed.

    Given the `last` fingerprint and stats, a text file whose stat is as it was then is not
    read again: its hash is the one it had (as git trusts its index). The stats are None,
    and so vouch for nothing next time, when a file changed less than RACY_NS ago. The files
    in `read` (see `Reads`), just read, are not stat-ed or read again: the fingerprint is of
    what was read, and of their stats before."""
    folder = path.parent.name
    if folder == "episodes":
        siblings: tuple[Path, ...] = tuple(map(path.with_suffix, TRANSCRIPT_SUFFIXES))
    else:
        siblings = (responses_file(path),) if folder == "essays" else ()
    files = (path, *siblings, *deps)
    out: list[object] = [str(tz)]
    if last is not None and (last[1] is None or len(last[1]) != len(files) or last[0][0] != out[0]):
        last = None
    stats: list[Stat | None] = []
    recent = time.time_ns() - RACY_NS
    vouch = by_content
    for n, file in enumerate(files):
        seen = None
        try:
            st, data = read[file] if read and file in read else (os.stat(file), None)
            seen = stat_of(st)
            if not (by_content and file.suffix in _TEXTS):
                out.append(seen)
            elif last is not None and last[1][n] == seen:
                out.append(last[0][n + 1])
            else:
                out.append(content_hash(file) if data is None else digest(data))
                vouch = vouch and max(st.st_mtime_ns, st.st_ctime_ns) < recent
        except OSError:
            out.append(None)
        stats.append(seen)
    return tuple(out), tuple(stats) if vouch else None


def content_hash(path: Path) -> bytes:
    """What a text file is known by on disk (`fingerprint`); OSError if it cannot be read."""
    return digest(read_regular(path))


def digest(data: bytes) -> bytes:
    """What a text file holding `data` is known by (`content_hash`)."""
    return hashlib.sha256(data).digest()


def walk_content(
    top: Path, problems: list[Diagnostic], root: Path, contain: bool = True, hidden: bool = False
) -> list[Path]:
    """Regular files below `top`, sorted. Anything else is skipped with a warning before it is
    opened: a FIFO, socket or device (opening a FIFO waits forever), a symbolic link that is
    broken or loops. Links to folders are never followed, so the walk cannot loop. With
    `contain`, a link to a file is followed only while it stays inside its section of `top`
    (content/essays/, content/media/, ...), what lies outside is never read, and a link to a
    folder is reported. With `hidden`, files and folders whose names start with '.' are kept
    (content/static/.well-known/); editor scratch files and version-control folders never are."""
    found: list[Path] = []
    if not top.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        below = here.relative_to(top).parts  # once a folder, not once a file
        section = top / below[0] if contain and below else top
        folders = sorted(
            d for d in dirnames if not d.startswith(".") or (hidden and d not in _VCS_FOLDERS)
        )
        dirnames[:] = [d for d in folders if not (here / d).is_symlink()]
        for name in sorted(set(folders) - set(dirnames)) if contain else ():
            problems.append(
                _skipped(
                    here / name,
                    root,
                    "symbolic link to a folder was skipped",
                    "links to folders are not followed: move the folder itself into place",
                )
            )
        for name in sorted(filenames):
            if is_scratch_file(name.removeprefix(".") if hidden else name) or name == ".DS_Store":
                continue
            path = here / name
            problem = _unreadable(path, section, root, contain)
            if problem is None:
                found.append(path)
            else:
                problems.append(problem)
    return sorted(found)


def _unreadable(path: Path, section: Path, root: Path, contain: bool) -> Diagnostic | None:
    """Why the walk skips a file, or None to read it (only `lstat` and `stat`: nothing opened)."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = path.resolve(strict=True)
            if contain and not target.is_relative_to(section.resolve()):
                label = section.relative_to(root).as_posix() + "/"
                return _skipped(
                    path,
                    root,
                    f"symbolic link to a file outside {label} was skipped",
                    f"copy the file into {label}: what lies outside it is never published",
                )
            mode = os.stat(target).st_mode
    except FileNotFoundError:
        if not path.is_symlink():
            return None  # deleted while the walk ran: it is simply not there
        return _skipped(path, root, "broken symbolic link was skipped", None)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11 and 3.12)
        return _skipped(path, root, "symbolic link that loops was skipped", None)
    kind = special_kind(mode)
    if kind is None:
        return None
    return _skipped(
        path,
        root,
        f"{kind} was skipped: only regular files are read",
        "delete it, or move it out of the site's folders",
    )


def _skipped(path: Path, root: Path, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(
        path.relative_to(root).as_posix(),
        None,
        message,
        hint=hint,
        severity="warning",
        code="layout",
    )


def template_problems(templates_dir: Path, root: Path) -> list[Diagnostic]:
    """Warnings for what the site's templates/ holds that cannot be read (a FIFO, a broken
    link): the template loader and the copy of static files would pass over it in silence.
    Links there may lead anywhere: the theme is the site's own code, not its content."""
    problems: list[Diagnostic] = []
    walk_content(templates_dir, problems, root, contain=False)
    return problems
