"""Pure: an episode's front matter to an Episode: its number (from the file name too), its
audio, chapters and transcripts, and what podcast apps read besides."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from ..model import ENCLOSURE_SUFFIXES, KINDS, MEDIA_TYPES, Audio, Chapter, Episode
from ..routes import is_remote
from ..slugs import read_slug
from .fields import FieldReader
from .people import read_names
from .podcast_fields import read_alternate_audio, read_funding, read_social
from .series import read_membership
from .sidefiles import misnamed
from .values import Refused, parse_duration


def read_episode(r: FieldReader, stem: str, tz: tzinfo, common: dict[str, Any]) -> Episode:
    """An episode; a numbered file name (001-slug.md) gives its slug, and its number unless
    `number:` says otherwise."""
    m = KINDS["episode"].file_name.fullmatch(stem)
    episode_type = r.choice("episode_type", ("full", "trailer", "bonus"), "full")
    # trailers and bonus episodes may go without a number; full episodes may take theirs
    # from the file name (001-slug.md)
    number = r.integer("number", required=m is None and episode_type == "full", minimum=1)
    item = Episode(
        kind="episode",
        slug=read_slug(r, m.group(2) if m else stem),
        title=r.text("title", required=True) or stem,
        date=r.when("date", tz, required=True),
        number=number if number is not None else int(m.group(1)) if m else None,
        season=r.integer("season", minimum=1),
        recorded=r.when("recorded", tz),
        audio=_audio(r),
        duration=r.duration("duration"),
        explicit=r.boolean("explicit", None),
        episode_type=episode_type,
        guests=read_names(r, "guests"),
        hosts=read_names(r, "hosts"),
        chapters=_chapters(r),
        image=r.text("image"),
        guid=r.text("guid"),
        transcript_file=r.text("transcript"),
        social=read_social(r),
        alternate_audio=read_alternate_audio(r),
        funding=read_funding(r),
        series=read_membership(r),
        **common,
    )
    _remote_transcripts(r)
    # (with seasons, files may be numbered through the show and episodes by season)
    if m and number is not None and item.season is None:
        misnamed(r, "number", str(int(m.group(1))), str(number), "episode ")
    return item


AUDIO_TYPES = {suffix: MEDIA_TYPES[suffix] for suffix in ENCLOSURE_SUFFIXES}


def _audio(r: FieldReader) -> Audio | None:
    if r.get("audio") is None:
        return None
    if not isinstance(r.get("audio"), dict):
        written = r.get("audio") if isinstance(r.get("audio"), str) else "https://…/episode.mp3"
        r.error(
            "audio",
            "'audio' must be a mapping of its url, length and type",
            f"write audio: {{url: {written}, length: <bytes>, type: audio/mpeg}}",
        )
        return None
    a = r.within("audio")
    url = a.url("url", required=True) or ""
    local = url.startswith(("/media/", "media/"))
    suffix = Path(url.split("?")[0]).suffix.lower()
    kind = a.text("type") or AUDIO_TYPES.get(suffix, "")  # "": checked with the podcast
    return Audio(url.lstrip("/") if local else url, a.integer("length", minimum=1), kind, local)


def _remote_transcripts(r: FieldReader) -> None:
    """Check `transcripts:`, an imported episode's files on its old host (podcast.xml has them)."""
    for t in r.mappings("transcripts"):
        url = t.url("url", required=True)
        if url and not is_remote(url):
            t.error(
                "url", f"'{t.name('url')}' must be an http(s) URL", "a local file is `transcript:`"
            )
        t.text("type", required=True)
        t.text("language")
        t.text("rel")


def _chapters(r: FieldReader) -> tuple[Chapter, ...]:
    chapters = []
    for c in r.mappings("chapters"):
        start_value, title = c.get("start"), c.text("title", required=True)
        try:
            start = parse_duration(start_value) if start_value is not None else None
        except Refused as exc:
            c.error("start", f"'{c.name('start')}': {exc.message}", exc.hint)
            continue
        if start is None:
            c.missing("start", '"12:34"')
        elif title:
            if chapters and start <= chapters[-1].start:
                c.error("start", "chapters must be in order of their start times")
            chapters.append(Chapter(start, title, c.url("url")))
    return tuple(chapters)
