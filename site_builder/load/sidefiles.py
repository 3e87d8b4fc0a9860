"""I/O in: the files beside a content file: an episode's transcript and local audio, an
essay's responses, and the images in content/media that feeds point at."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

from ..errors import ContentError, Diagnostic
from ..model import (
    Episode,
    Transcript,
)
from .fields import FieldReader
from .files import Reads, inside, is_regular, read_regular
from .frontmatter import decode
from .media import audio_duration
from .transcripts import TRANSCRIPT_SUFFIXES, parse_transcript
from .values import format_duration


def read_head(content_dir: Path, url: str, size: int = 65536) -> bytes | str:
    """The first bytes of the file in content/media a `media/...` path names (an image), or
    what is wrong with the path."""
    rel = url.lstrip("/")
    if not rel.startswith("media/"):
        return f"/{rel} is not in content/media/: write /media/ and its path there"
    file = media_file(content_dir, rel)
    if isinstance(file, str):
        return f"image path {file}: /{rel}"
    try:
        return read_regular(file, size)
    except OSError:
        return f"no image file /{rel} in content/"


def media_file(content_dir: Path, url: str) -> Path | str:
    """The file a local `/media/...` URL (or `media/...`) names in content/media, or why it
    may not be read (see `inside`)."""
    return inside(content_dir / "media", url.lstrip("/").removeprefix("media/"), "content/media/")


def beside(path: Path, name: str) -> Path | None:
    """The regular file `name` beside a content file (its transcript, its responses), unless
    it is a symbolic link out of the folder (which the walk reports) or there is none."""
    file = path.parent / name
    try:
        linked = stat.S_ISLNK(os.lstat(file).st_mode)
    except OSError:
        return None
    # the folder itself was walked, not reached through a link: only a link here can lead out
    if linked and not isinstance(inside(path.parent, name, ""), Path):
        return None
    return file if is_regular(file) else None


def read_episode_files(
    episode: Episode,
    path: Path,
    content_dir: Path,
    root: Path,
    problems: list[Diagnostic],
    read: Reads,
) -> tuple[Episode, tuple[Path, ...]]:
    """Read the episode's transcript, and the size and length of audio kept in content/media;
    what was read is noted in `read`."""
    changes: dict = {}
    deps: list[Path] = []
    named = episode.transcript_file
    found = (
        _named_transcript(episode, path, named, root, problems)
        if named
        else next(
            (
                found
                for suffix in TRANSCRIPT_SUFFIXES
                if (found := beside(path, path.with_suffix(suffix).name))
            ),
            None,
        )
    )
    if found is not None:
        deps.append(found)
        rel = found.relative_to(root).as_posix()
        try:
            text = decode(read.read(found), rel)
            kind = found.suffix[1:]
            changes["transcript"] = Transcript(
                rel, kind, parse_transcript(text, rel, kind, problems)
            )
        except ContentError as exc:
            problems.extend(exc.diagnostics)
        except OSError as exc:
            problems.append(Diagnostic(rel, None, f"cannot read: {exc.strerror}", code="io"))
    audio = episode.audio
    if audio is not None and audio.local:
        file = media_file(content_dir, audio.url)
        if isinstance(file, Path):
            deps.append(file)  # also when missing: one that appears is noticed
        if isinstance(file, Path) and is_regular(file):
            if episode.duration is None:
                changes["duration"] = audio_duration(read.read(file), file.suffix)
            changes["audio"] = replace(audio, length=read.size(file))
        else:
            message, hint = (
                (f"audio path {file}: /{audio.url}", "keep it in content/media: url: /media/<name>")
                if isinstance(file, str)
                else (
                    f"no audio file /{audio.url} in content/media",
                    "put the file there, or give the address where it is hosted: url: https://…",
                )
            )
            problems.append(
                Diagnostic(
                    episode.path,
                    episode.line_of("audio", "url"),
                    message,
                    hint=hint,
                    code="reference",
                )
            )
    episode = replace(episode, **changes) if changes else episode
    problems += _implausible_duration(episode)
    return episode, tuple(deps)


MAX_HOURS = 12  # longer than any episode: a duration past it was written in milliseconds


def _implausible_duration(episode: Episode) -> list[Diagnostic]:
    """A warning at `duration:` when it cannot be the episode's length: over MAX_HOURS, or
    shorter than where its last chapter starts or its transcript ends."""
    duration = episode.duration
    if duration is None:
        return []
    cues = episode.transcript.cues if episode.transcript else ()
    message, hint = None, None
    if duration > MAX_HOURS * 3600:
        message = f"duration {duration // 3600} hours looks like milliseconds or a typo"
        hint = f'write seconds or "H:MM:SS": {duration} ms is {format_duration(duration // 1000)}'
    elif episode.chapters and episode.chapters[-1].start > duration:
        start = episode.chapters[-1].start
        message = (
            f"duration {format_duration(duration)} is shorter than the last chapter's start "
            f"({format_duration(start)})"
        )
    elif cues and int(cues[-1].end) > duration:
        message = (
            f"duration {format_duration(duration)} is shorter than the transcript "
            f"({format_duration(int(cues[-1].end))})"
        )
    if message is None:
        return []
    return [
        Diagnostic(
            episode.path,
            episode.line_of("duration"),
            message,
            hint=hint,
            severity="warning",
            code="plausibility",
        )
    ]


def misnamed(r: FieldReader, key: str, named: str, written: str | None, what: str) -> None:
    """A warning at `key` when the file name's number or date is not the one written there."""
    if written is not None and written != named:
        r.diagnostics.append(
            Diagnostic(
                r.source.path,
                r.source.line_of(key),
                f"the file name says {what}{named} but {key}: is {written}",
                hint=f"rename the file, or correct `{key}:` (the site shows `{key}:`)",
                severity="warning",
                code="plausibility",
            )
        )


def _named_transcript(
    episode: Episode, path: Path, named: str, root: Path, problems: list[Diagnostic]
) -> Path | None:
    """The transcript file `transcript:` names, relative to the episode's folder; an error at
    its line when it leaves that folder or is not a .vtt, .srt or .json file there."""
    folder = path.parent.relative_to(root).as_posix() + "/"
    found = inside(path.parent, named, folder)
    if isinstance(found, str):
        message = f"transcript path {found}: {named}"
    elif found.suffix not in TRANSCRIPT_SUFFIXES or not is_regular(found):
        message = f"no transcript file '{named}' beside the episode"
    else:
        return found
    problems.append(
        Diagnostic(
            episode.path,
            episode.line_of("transcript"),
            message,
            hint=f"give the name of a .vtt, .srt or .json file in {folder}",
            code="transcript",
        )
    )
    return None
