"""A build with nothing changed: the manifest of what the last build read and left.

Every file a build may read (all below the content, template and theme folders, and site.yaml
and the podcast ledger) is recorded by its size, modification and change times and inode, with
every file it left in the output and what it said. When the next build, with the same code,
configuration and flags, finds all of them as recorded, the output already is what it would
make: it stops there, having read nothing but this file and the stats (a tenth of a cached
build, which reads the whole cache back and hashes every source).

What a stat cannot see is kept out. A file changed again within its file system's timestamp
granularity (1 s on ext3 and HFS+, 2 s on FAT) keeps its stat: so an input changed less than
`RACY_NS` before the build began is known by its content instead: by the hash of what the
build read (the essay just saved, then built). An input with no such hash (a template,
site.yaml) means no manifest (the build after next has one).
A file put back with its old times (`cp -p`, `rsync -t`) has a new change time; one put in
another's place, a new inode. An item dated in the future is due at its date, whatever the
files say: a manifest stands only until the first such date.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import CACHE_DIR, CONFIG_FILE
from ..errors import Diagnostic
from ..load.files import Stat, stat_of
from ..load.walk import RACY_NS, FileCache, content_hash, is_scratch_file
from .signed import cache_stamp, dump_signed, read_signed, user_key

if TYPE_CHECKING:
    from ..config import SiteConfig

MANIFEST = "manifest.pickle"
_FOLDER = ()  # what a walked folder is recorded as: that it is there
_SKIPPED = frozenset({".git", ".hg", ".svn", ".DS_Store"})  # never read by any build

Written = dict[str, tuple[int, int, int]]  # output path -> (size, mtime_ns, inode) as written
Seen = Stat | tuple[()] | None  # a file's `stat_of`, () a folder, None nothing there


@dataclass(frozen=True, slots=True)
class Manifest:
    view: str  # the configuration and flags the build was made with
    folders: tuple[str, ...]  # walked whole: content, templates, the themes
    files: tuple[str, ...]  # single files: site.yaml, the ledger
    inputs: dict[str, Seen]
    outputs: Written
    until: datetime | None  # the first date an item is due: the build must be made again
    said: tuple[Diagnostic, ...]  # the build's warnings
    counts: tuple[int, int, int]  # pages, drafts and future items left out
    # the inputs changed too near the build for their stat to vouch: their content's hash
    hashed: dict[str, bytes] = field(default_factory=dict)


def still_built(root: Path, output: Path, view: str, now: datetime) -> Manifest | None:
    """The manifest of the last build into `output`, if a build now would make it again."""
    try:
        found = read_signed(root / CACHE_DIR / MANIFEST, user_key(), cache_stamp(root, output))
    except Exception:  # none, or not ours: the cached build reads, and says, what is wrong
        return None
    if (
        not isinstance(found, Manifest)
        or found.view != view
        or (found.until is not None and now >= found.until)
        or read_inputs(found.folders, found.files) != found.inputs  # first: what an edit changes
        or not all(_hash(path) == digest for path, digest in found.hashed.items())
        or not as_written(output, found.outputs)
    ):
        return None
    return found


def forget(root: Path) -> None:
    """Before a build that may change the output: the last manifest no longer holds."""
    with contextlib.suppress(OSError):
        (root / CACHE_DIR / MANIFEST).unlink(missing_ok=True)


def keep_manifest(
    config: SiteConfig,
    output: Path,
    built: Manifest,
    started_ns: int,
    wrote_ledger: bool,
    loaded: FileCache | None,
) -> None:
    """Record what a good build begun at `started_ns` made (`built`, its inputs left empty)
    and the inputs as they are now. One changed too close to the start for its stat to tell
    it apart from a later change is kept by the hash of what the build `loaded` of it; if the
    build read no hash of it, no manifest is kept (see the module's notes). The ledger, when
    the build wrote it, is no such change: the build read it as it left it."""
    from ..ledger import LEDGER_FILE
    from ..render.theme import theme_dirs

    root = config.root
    themes = (config.content_dir, config.templates_dir, *theme_dirs(config))
    folders = tuple(dict.fromkeys(map(str, themes)))
    files = (str(root / CONFIG_FILE), str(root / LEDGER_FILE))
    inputs = read_inputs(folders, files)
    near = started_ns - RACY_NS
    ours = set(files[1:]) if wrote_ledger else set()
    hashed = {}
    for path, st in inputs.items():
        if st and max(st[1], st[2]) >= near and path not in ours:
            entry = loaded.get(Path(path)) if loaded else None
            read = entry[0][1] if entry is not None else None  # the source's own hash, if any
            if not isinstance(read, bytes):
                return
            hashed[path] = read  # changed since it was read, the next build tells by this
    manifest = replace(built, folders=folders, files=files, inputs=inputs, hashed=hashed)
    try:
        dump_signed(root / CACHE_DIR / MANIFEST, manifest, user_key(), cache_stamp(root, output))
    except OSError:
        forget(root)


def read_inputs(folders: Sequence[str], files: Sequence[str]) -> dict[str, Seen]:
    """The stat of every file a build may read, and each folder's presence."""
    found: dict[str, Seen] = {path: _stat(path) for path in files}
    for folder in folders:
        if os.path.isdir(folder):
            _walk(folder, found)
    return found


def _walk(folder: str, found: dict[str, Seen]) -> None:
    found[folder] = _FOLDER
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in _SKIPPED or is_scratch_file(entry.name.removeprefix(".")):
                continue
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, found)
            else:  # a link to a folder: the build does not follow it, and its target's stat
                # says whether it was pointed elsewhere
                found[entry.path] = _stat(entry.path)


def _hash(path: str) -> bytes | None:
    try:
        return content_hash(Path(path))
    except OSError:
        return None


def _stat(path: str) -> Seen:
    try:
        return stat_of(os.stat(path))
    except OSError:
        return None


def record_outputs(output: Path, paths: Iterable[str]) -> Written:
    """Each file of the output as it stands; OSError if one is gone."""
    written: Written = {}
    top = str(output)  # strings, not paths: a third of the time for thousands of files
    for rel in paths:
        st = os.lstat(f"{top}/{rel}")
        written[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return written


def still_there(output: Path, written: Written) -> dict[str, Path]:
    """Each recorded output file, if every one is still exactly as written; else nothing."""
    return {rel: output / rel for rel in written} if as_written(output, written) else {}


def as_written(output: Path, written: Written) -> bool:
    """Whether every recorded output file is still exactly as written."""
    top = str(output)
    for rel, record in written.items():
        try:
            st = os.lstat(f"{top}/{rel}")
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != record:
            return False
    return True
