"""I/O in: `load_content` reads every file under content/ into items, media paths and problems.

It walks content/ (`walk_sources`), then reads what the walk found. `serve` keeps the walk: a
save that names only content files the walk found, still regular files, reads those again
and walks nothing (`touched_sources`)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path

from ..errors import ContentError, Diagnostic
from ..model import KIND_OF_FOLDER, Episode, Essay, Item
from ..pool import run_sliced
from ..routes import STATIC_DIR
from .files import Reads
from .readers import read_item
from .responses import SUFFIX as RESPONSES
from .responses import essay_of, read_responses, responses_file
from .sidefiles import beside, read_episode_files
from .transcripts import TRANSCRIPT_SUFFIXES
from .walk import FileCache, Stats, fingerprint, walk_content


@dataclass(frozen=True, slots=True)
class Walked:
    """What a walk of content/ found, before any file was read."""

    sources: tuple[tuple[Path, str, str | None], ...]  # Markdown files: path, rel, kind or None
    media: tuple[str, ...]  # paths under content/media, '/'-separated, sorted
    transcripts: tuple[Path, ...]  # checked against the episodes once they are read
    letters: tuple[Path, ...]  # responses files, likewise checked against the essays
    problems: tuple[Diagnostic, ...]  # what the walk of content/ skipped
    static: tuple[str, ...]  # paths under content/static, hidden ones too, sorted
    static_problems: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Loaded:
    items: tuple[Item, ...]
    media: tuple[str, ...]  # paths under content/media, '/'-separated, sorted
    diagnostics: tuple[Diagnostic, ...]
    unreadable: tuple[str, ...] = ()  # content files that could not be parsed at all
    static: tuple[str, ...] = ()  # paths under content/static, hidden ones too, sorted
    walked: Walked | None = None


def load_content(
    content_dir: Path,
    root: Path,
    tz: tzinfo,
    cache: FileCache | None = None,
    by_content: bool = False,
    walked: Walked | None = None,
    touched: frozenset[Path] | None = None,
    jobs: int = 1,
) -> Loaded:
    """Read every content file under `content_dir`; problems are collected, not raised.

    With a `cache` (kept between builds), a file is not loaded again while its fingerprint, and
    its transcript's and local audio's, are unchanged: their stats, or `by_content` their hashes
    (taken again only of the files whose stat changed since, see `fingerprint`).
    With the last build's `walked` and the files a save `touched` (see `touched_sources`),
    nothing is walked and only those files are fingerprinted. The files to read are read in
    `jobs` processes (see pool.py).
    """
    if walked is None or touched is None or cache is None:
        walked, touched = walk_sources(content_dir, root), None
    kept: FileCache = {}
    todo: dict[str, _ToLoad] = {}  # by rel
    for path, rel, kind in walked.sources:
        known = cache.get(path) if cache is not None and kind is not None else None
        if known is not None and touched is not None and path not in touched:
            kept[path] = known  # the save did not touch it, nor what it reads (else: a walk)
            continue
        now = None
        if known is not None:
            now = fingerprint(path, known[3], by_content, tz, (known[0], known[4]))
        if now is not None and now[0] == known[0]:
            # the same object while nothing moved: the cache on disk need not keep it again
            kept[path] = known if now[1] == known[4] else (*known[:4], now[1])
        elif kind is not None:
            todo[rel] = (path, kind, known[3] if known is not None else None, now)
    shared = (todo, content_dir, root, tz, by_content)
    for rel, entry in run_sliced(_load_slice, shared, list(todo), jobs).items():
        kept[todo[rel][0]] = entry
    items: list[Item] = []
    problems: list[Diagnostic] = list(walked.problems)
    claimed: set[Path] = set()  # transcript and responses files that belong to an item
    unreadable: list[str] = []
    fresh: FileCache = {}  # in the walk's order
    for path, rel, kind in walked.sources:
        if kind is None:
            problems.append(_outside(rel))
            continue
        entry = fresh[path] = kept[path]
        _, item, found_problems, deps, _ = entry
        problems.extend(found_problems)
        claimed.update(deps)
        if item is not None:
            items.append(item)
        else:
            unreadable.append(rel)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    problems += _unclaimed(walked, claimed, root)
    problems += walked.static_problems
    return Loaded(
        tuple(items), walked.media, tuple(problems), tuple(unreadable), walked.static, walked
    )


def walk_sources(content_dir: Path, root: Path) -> Walked:
    """Walk content/ and content/static/ (reading nothing), sorting what is found by kind."""
    problems: list[Diagnostic] = []
    sources: list[tuple[Path, str, str | None]] = []
    transcripts: list[Path] = []
    letters: list[Path] = []
    media: list[str] = []
    inside = len(str(content_dir)) + 1  # what walk_content finds is below content_dir
    for path in walk_content(content_dir, problems, root):
        parts = tuple(str(path)[inside:].split("/"))  # `relative_to`: thrice the time
        if parts[0] == "media" and len(parts) > 1:
            media.append("/".join(parts[1:]))
            continue
        if parts[0] == STATIC_DIR and len(parts) > 1:
            continue  # walked on its own below, hidden files and folders (.well-known/) too
        if path.suffix in TRANSCRIPT_SUFFIXES and parts[0] == "episodes":
            transcripts.append(path)
        if path.name.endswith(RESPONSES) and parts[0] == "essays":
            letters.append(path)
        if path.suffix == ".md":
            kind = KIND_OF_FOLDER.get(parts[0]) if len(parts) == 2 else None
            sources.append((path, path.relative_to(root).as_posix(), kind))
    static_dir = content_dir / STATIC_DIR
    static_problems: list[Diagnostic] = []
    static = [
        p.relative_to(static_dir).as_posix()
        for p in walk_content(static_dir, static_problems, root, hidden=True)
    ]
    return Walked(
        tuple(sources),
        tuple(media),
        tuple(transcripts),
        tuple(letters),
        tuple(problems),
        tuple(static),
        tuple(static_problems),
    )


def touched_sources(walked: Walked | None, changed: Iterable[str]) -> frozenset[Path] | None:
    """The content files a save changed, when the last walk still stands for everything else:
    each changed path is a Markdown file of a section that walk found, and is still a regular
    file (not deleted, not swapped for a link). Else None: walk again. A transcript, audio or
    responses file, a folder or anything new is a change only a walk sees whole."""
    changed = set(changed)
    if walked is None or not changed:  # no path named: an event may have been lost
        return None
    known = {str(path): path for path, _, kind in walked.sources if kind is not None}
    touched = set()
    for name in changed:
        path = known.get(name)
        try:
            if path is None or not stat.S_ISREG(os.lstat(path).st_mode):
                return None
        except OSError:
            return None
        touched.add(path)
    return frozenset(touched)


def _outside(rel: str) -> Diagnostic:
    return Diagnostic(
        rel,
        None,
        "Markdown file outside a content section",
        hint="move it into content/essays, episodes, glossary or pages",
        severity="warning",
        code="layout",
    )


def _unclaimed(walked: Walked, claimed: set[Path], root: Path) -> list[Diagnostic]:
    """Transcripts without their episode, and responses without their essay."""
    problems = [
        Diagnostic(
            path.relative_to(root).as_posix(),
            None,
            "transcript without an episode of the same name",
            hint="name it like its episode, or set `transcript:` in the episode",
            severity="warning",
            code="transcript",
        )
        for path in walked.transcripts
        if path not in claimed
    ]
    problems += [
        Diagnostic(
            path.relative_to(root).as_posix(),
            1,
            f"responses without an essay: there is no {essay_of(path).name}",
            hint="name it after its essay: <essay file name>.responses.yaml",
            code="responses",
        )
        for path in walked.letters
        if path not in claimed
    ]
    return problems


# a file to read: its path, kind, the files it pulled in when last read, and its fingerprint
# taken before reading (None: not taken)
_ToLoad = tuple[Path, str, tuple[Path, ...] | None, tuple[tuple, Stats | None] | None]


def _load_slice(
    shared: tuple[dict[str, _ToLoad], Path, Path, tzinfo, bool], keys: list[str]
) -> dict[str, tuple]:
    """The cache entries of the files of `keys` (see FileCache), each read now."""
    todo, content_dir, root, tz, by_content = shared
    loaded = {}
    for rel in keys:
        path, kind, last_deps, now = todo[rel]
        found: list[Diagnostic] = []
        item, deps, read = _load_file(kind, path, rel, content_dir, root, tz, found)
        if now is None or deps != last_deps:  # else taken before reading: no older
            now = fingerprint(path, deps, by_content, tz, read=read)
        loaded[rel] = (now[0], item, tuple(found), deps, now[1])
    return loaded


def _load_file(
    kind: str,
    path: Path,
    rel: str,
    content_dir: Path,
    root: Path,
    tz: tzinfo,
    problems: list[Diagnostic],
) -> tuple[Item | None, tuple[Path, ...], Reads]:
    """One content file as an Item, the other files it read (transcript, audio), and what
    was read of each (see `Reads`)."""
    read = Reads()
    try:
        item = read_item(kind, rel, read.read(path), tz, problems)
    except ContentError as exc:
        problems.extend(exc.diagnostics)
        return None, (), read
    except OSError as exc:
        problems.append(Diagnostic(rel, None, f"cannot read: {exc.strerror}", code="io"))
        return None, (), read
    if isinstance(item, Episode):
        return (*read_episode_files(item, path, content_dir, root, problems, read), read)
    letters = beside(path, responses_file(path).name)
    if isinstance(item, Essay) and letters is not None:
        rel_letters = letters.relative_to(root).as_posix()
        try:
            responses, found = read_responses(rel_letters, read.read(letters), tz)
            item = replace(item, responses=responses)
            problems.extend(found)
        except ContentError as exc:
            problems.extend(exc.diagnostics)
        except OSError as exc:
            problems.append(
                Diagnostic(rel_letters, None, f"cannot read: {exc.strerror}", code="io")
            )
        return item, (letters,), read
    return item, (), read
