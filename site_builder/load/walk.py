"""I/O in: walk the content folder, leave out scratch files, fingerprint what was read, and
report files that cannot be content (links out, special files, unreadable templates)."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from datetime import tzinfo
from pathlib import Path

from ..errors import Diagnostic
from ..model import (
    Item,
)
from .files import read_regular, special_kind
from .responses import responses_file
from .transcripts import TRANSCRIPT_SUFFIXES

# Files editors and operating systems leave beside the ones authors write.
_VCS_FOLDERS = (".git", ".hg", ".svn")
_SCRATCH = re.compile(r"(^\.|~$|\.sw[a-p]$|\.bak$|\.bck$|\.tmp$|___jb_\w+___$|^4913$|^#.*#$)")


def is_scratch_file(name: str) -> bool:
    """Editor swap, backup and temporary files, which are never content."""
    return bool(_SCRATCH.search(name))


FileCache = dict[Path, tuple[tuple, Item | None, tuple[Diagnostic, ...], tuple[Path, ...]]]


def fingerprint(path: Path, deps: tuple[Path, ...], by_content: bool, tz: tzinfo) -> tuple:
    """What says a file (and the files it pulls in) changed, or the time zone its dates are
    read in (site.yaml's `timezone`).

    Size, times and inode of each (`serve`, which must not read every file on every save), or
    for the text files the hash of their content (the build cache on disk, which must not be
    fooled by a checkout that restores old times; audio is still known by its stat, whose
    change time no restore of the old modification time can set back). An episode's sibling
    transcripts (.vtt, .srt, .json) and an essay's responses file are included, so one that
    appears is noticed."""
    folder = path.parent.name  # (only its own siblings made: this runs for every file)
    if folder == "episodes":
        siblings = tuple(path.with_suffix(suffix) for suffix in TRANSCRIPT_SUFFIXES)
    else:
        siblings = (responses_file(path),) if folder == "essays" else ()
    watched = (path, *siblings, *deps)
    out: list[object] = [str(tz)]
    for file in watched:
        try:
            if by_content and file.suffix in (".md", *TRANSCRIPT_SUFFIXES, ".yaml"):
                out.append(hashlib.sha256(read_regular(file)).digest())
            else:
                st = file.stat()
                out.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


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
        # the section of `top` the folder's files are in: top/essays, top/media, ...
        parts = here.relative_to(top).parts
        section = top / parts[0] if contain and parts else top
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
            label = section.relative_to(root).as_posix() + "/"
            target = path.resolve(strict=True)
            if contain and not target.is_relative_to(section.resolve()):
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
