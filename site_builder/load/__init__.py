"""I/O in: `load_content` reads every file under content/ into items, media paths and problems."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import tzinfo
from pathlib import Path

from ..errors import ContentError, Diagnostic
from ..model import KIND_OF_FOLDER, Episode, Essay, Item
from ..routes import STATIC_DIR
from .files import read_regular
from .readers import read_item
from .responses import SUFFIX as RESPONSES
from .responses import essay_of, read_responses, responses_file
from .sidefiles import beside, read_episode_files
from .transcripts import TRANSCRIPT_SUFFIXES
from .walk import FileCache, fingerprint, walk_content


@dataclass(frozen=True, slots=True)
class Loaded:
    items: tuple[Item, ...]
    media: tuple[str, ...]  # paths under content/media, '/'-separated, sorted
    diagnostics: tuple[Diagnostic, ...]
    unreadable: tuple[str, ...] = ()  # content files that could not be parsed at all
    static: tuple[str, ...] = ()  # paths under content/static, hidden ones too, sorted


def load_content(
    content_dir: Path,
    root: Path,
    tz: tzinfo,
    cache: FileCache | None = None,
    by_content: bool = False,
) -> Loaded:
    """Read every content file under `content_dir`; problems are collected, not raised.

    With a `cache` (kept between builds), a file is not loaded again while its fingerprint, and
    its transcript's and local audio's, are unchanged: their stats, or `by_content` their hashes.
    """
    items: list[Item] = []
    problems: list[Diagnostic] = []
    claimed: set[Path] = set()  # transcript files that belong to an episode
    unreadable: list[str] = []
    transcripts: list[Path] = []  # found in the same walk; checked once every episode is read
    letters: list[Path] = []  # responses files, likewise checked against the essays
    fresh: FileCache = {}
    media: list[str] = []  # paths under content/media, '/'-separated
    for path in walk_content(content_dir, problems, root):
        rel = path.relative_to(root).as_posix()
        parts = path.relative_to(content_dir).parts
        if parts[0] == "media" and len(parts) > 1:
            media.append("/".join(parts[1:]))
            continue
        if parts[0] == STATIC_DIR and len(parts) > 1:
            continue  # walked on its own below, hidden files and folders (.well-known/) too
        if path.suffix in TRANSCRIPT_SUFFIXES and parts[0] == "episodes":
            transcripts.append(path)
        if path.name.endswith(RESPONSES) and parts[0] == "essays":
            letters.append(path)
        if path.suffix != ".md":
            continue
        kind = KIND_OF_FOLDER.get(parts[0]) if len(parts) == 2 else None
        if kind is None:
            problems.append(
                Diagnostic(
                    rel,
                    None,
                    "Markdown file outside a content section",
                    hint="move it into content/essays, episodes, glossary or pages",
                    severity="warning",
                    code="layout",
                )
            )
            continue
        known = cache.get(path) if cache is not None else None
        if known is not None and known[0] == fingerprint(path, known[3], by_content, tz):
            entry = known
        else:
            found: list[Diagnostic] = []
            item, deps = _load_file(kind, path, rel, content_dir, root, tz, found)
            entry = (fingerprint(path, deps, by_content, tz), item, tuple(found), deps)
        fresh[path] = entry
        _, item, found_problems, deps = entry
        problems.extend(found_problems)
        claimed.update(deps)
        if item is not None:
            items.append(item)
        else:
            unreadable.append(rel)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    for path in transcripts:
        if path not in claimed:
            problems.append(
                Diagnostic(
                    path.relative_to(root).as_posix(),
                    None,
                    "transcript without an episode of the same name",
                    hint="name it like its episode, or set `transcript:` in the episode",
                    severity="warning",
                    code="transcript",
                )
            )
    for path in letters:
        if path not in claimed:
            problems.append(
                Diagnostic(
                    path.relative_to(root).as_posix(),
                    1,
                    f"responses without an essay: there is no {essay_of(path).name}",
                    hint="name it after its essay: <essay file name>.responses.yaml",
                    code="responses",
                )
            )
    static_dir = content_dir / STATIC_DIR
    static = [
        p.relative_to(static_dir).as_posix()
        for p in walk_content(static_dir, problems, root, hidden=True)
    ]
    return Loaded(tuple(items), tuple(media), tuple(problems), tuple(unreadable), tuple(static))


def _load_file(
    kind: str,
    path: Path,
    rel: str,
    content_dir: Path,
    root: Path,
    tz: tzinfo,
    problems: list[Diagnostic],
) -> tuple[Item | None, tuple[Path, ...]]:
    """One content file as an Item, and the other files it read (transcript, audio)."""
    try:
        item = read_item(kind, rel, read_regular(path), tz, problems)
    except ContentError as exc:
        problems.extend(exc.diagnostics)
        return None, ()
    except OSError as exc:
        problems.append(Diagnostic(rel, None, f"cannot read: {exc.strerror}", code="io"))
        return None, ()
    if isinstance(item, Episode):
        return read_episode_files(item, path, content_dir, root, problems)
    letters = beside(path, responses_file(path).name)
    if isinstance(item, Essay) and letters is not None:
        rel_letters = letters.relative_to(root).as_posix()
        try:
            responses, found = read_responses(rel_letters, read_regular(letters), tz)
            item = replace(item, responses=responses)
            problems.extend(found)
        except ContentError as exc:
            problems.extend(exc.diagnostics)
        except OSError as exc:
            problems.append(
                Diagnostic(rel_letters, None, f"cannot read: {exc.strerror}", code="io")
            )
        return item, (letters,)
    return item, ()
