"""Pure: the podcast rules podcast apps enforce, checked at build time with file and line.

MUST rules (errors) follow Apple's guide and PSP-1 (see the README for the list); SHOULD rules
are warnings. Media facts (image size, file presence) come in as arguments, read by the caller.
Here, the episodes' rules and the feed as a whole (guids, audio URLs); the show's own rules
are in podcast_show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from ..config import SiteConfig
from ..errors import Diagnostic
from ..load.frontmatter import COMMENTED
from ..model import ENCLOSURE_SUFFIXES, MEDIA_TYPES, Episode
from .podcast import episode_guid, show_guid
from .podcast_show import artwork_problems, funding_problems, show_problems

ENCLOSURE_TYPES = tuple(MEDIA_TYPES[suffix] for suffix in ENCLOSURE_SUFFIXES)
_NUMBER_IN_TITLE = re.compile(r"(?i)(?:\bep(?:isode)?\.?\s*|#\s*)\d+")


def check_podcast(
    config: SiteConfig,
    episodes: Sequence[Episode],
    image: Callable[[str], bytes | str],
    unreleased: Collection[str] = (),
) -> list[Diagnostic]:
    """Every problem of the show and of the episodes the build shows.

    `image(path)` gives the first bytes of a file in content/media (e.g. "media/cover.png"),
    or the message that says why it cannot (there is none, the path leads out of the folder).
    `unreleased` are the keys of drafts and future episodes (shown with --drafts): one of them
    may be without audio yet, and is then left out of the feed.
    """
    show = config.podcast
    assert show is not None
    problems = show_problems(config, image)
    guids: dict[str, Episode] = {}
    enclosures: dict[str, Episode] = {}
    channel = show_guid(config)
    for episode in episodes:
        if episode.audio and episode.audio.url in enclosures:
            problems.append(
                Diagnostic(
                    episode.path,
                    episode.line_of("audio", "url"),
                    f"the audio URL is also the audio of {enclosures[episode.audio.url].path}",
                    hint="Apple ignores an audio URL it has seen before",
                    severity="warning",
                    code="podcast",
                )
            )
        if episode.audio:
            enclosures.setdefault(episode.audio.url, episode)
        problems += _check_episode(episode, show.type, show.title, image, episode.key in unreleased)
        guid = episode_guid(channel, episode)
        # a derived guid repeats only when the number does, which is reported already
        if guid in guids and episode.guid:
            problems.append(
                Diagnostic(
                    episode.path,
                    episode.line_of("guid"),
                    f"guid '{guid}' is also the guid of {guids[guid].path}",
                    hint="apps treat two episodes with one guid as one; give each its own `guid:`",
                    code="podcast",
                )
            )
        guids.setdefault(guid, episode)
    return problems


def _check_episode(
    episode: Episode,
    show_type: str,
    show_title: str,
    image: Callable[[str], bytes | str],
    unreleased: bool,
) -> list[Diagnostic]:
    """One episode's problems, in the order of its front matter's sections: audio, funding,
    alternate audio, people, number, image, title, duration."""
    audio = episode.audio
    problems = _audio_problems(episode, unreleased)
    problems += funding_problems(episode.funding, lambda *k: (episode.path, episode.line_of(*k)))
    problems += _alternate_audio_problems(episode)
    for i, guest in enumerate(episode.guests):
        if len(guest) > 128:
            problems.append(
                _problem(
                    episode, ("guests", i), "a guest's name is over 128 characters (podcast:person)"
                )
            )
    if show_type == "serial" and episode.number is None:
        problems.append(
            _problem(
                episode,
                ("number",),
                "a serial show needs a number on every episode",
                "add `number:`",
            )
        )
    if episode.image:
        for message in artwork_problems(episode.image, image):
            problems.append(_problem(episode, ("image",), message))
    problems += _title_problems(episode, show_title)
    # without audio, that is the news; a duration written but refused is an error already
    if episode.duration is None and audio is not None and ("duration",) not in episode.lines:
        problems.append(
            _problem(
                episode,
                (),
                "no duration: apps show it before the audio loads",
                'add `duration: "58:41"`',
                severity="warning",
            )
        )
    return problems


def _problem(
    episode: Episode, key: tuple, message: str, hint: str | None = None, severity: str = "error"
) -> Diagnostic:
    """A podcast problem at the line of `key` in the episode's front matter."""
    return Diagnostic(
        episode.path, episode.line_of(*key), message, hint=hint, code="podcast", severity=severity
    )


def _audio_problems(episode: Episode, unreleased: bool) -> list[Diagnostic]:
    """No audio (a warning while the episode is unreleased: show notes come before the
    audio), else what is wrong with its URL, length and type."""
    audio = episode.audio
    if audio is not None:
        return _enclosure_problems(episode)
    # the line `new` leaves for it, `# audio: {url: …}`, else the top of the file
    placeholder = (COMMENTED, "audio")
    commented = placeholder in episode.lines
    fill_in = "fill in the `# audio:` line and remove its #" if commented else "add `audio:`"
    if unreleased:
        return [
            _problem(
                episode,
                placeholder,
                "no audio yet: the episode is left out of the podcast feed",
                f"{fill_in} when the file is online; publishing it without audio is an error",
                severity="warning",
            )
        ]
    what = "the URL of the file, its size in bytes and its type (audio/mpeg)"
    return [
        _problem(
            episode,
            placeholder,
            "no audio: the podcast feed needs `audio: {url, length, type}`",
            f"{fill_in}: {what}" if commented else f"add {what}",
        )
    ]


def _enclosure_problems(episode: Episode) -> list[Diagnostic]:
    """What keeps podcast apps from fetching and playing the episode's audio."""
    audio = episode.audio
    assert audio is not None
    problems = []
    # (an empty URL is one that was missing or refused, and reported where it was read)
    if audio.url and not audio.local and not audio.url.startswith(("https://", "http://")):
        problems.append(
            _problem(
                episode,
                ("audio", "url"),
                f"audio URL '{audio.url}' is not an absolute http(s) URL",
                "or keep the file in content/media and write /media/name.mp3",
            )
        )
    if audio.length is None and not audio.local:  # (a missing local file is reported)
        problems.append(
            _problem(
                episode,
                ("audio",),
                "missing audio length (the file's size in bytes)",
                "add `length:` inside `audio:`",
            )
        )
    if not audio.type:
        suffix = audio.url.split("?")[0].rsplit("/", 1)[-1].rpartition(".")[2]
        problems.append(
            _problem(
                episode,
                ("audio", "url"),
                f"the audio URL ends in '.{suffix}', not a file type podcast apps play"
                if suffix
                else "the audio URL has no file extension podcast apps play",
                "use one of .mp3, .m4a, .mp4, .m4v, .mov, .pdf",
            )
        )
    elif audio.type not in ENCLOSURE_TYPES:
        problems.append(
            _problem(
                episode,
                ("audio", "type"),
                f"audio type '{audio.type}' is not one podcast apps play",
                f"use one of {', '.join(ENCLOSURE_TYPES)}",
            )
        )
    return problems


def _alternate_audio_problems(episode: Episode) -> list[Diagnostic]:
    """Alternate audio with a title apps cut, or that is the episode's own audio again."""
    problems = []
    for i, other in enumerate(episode.alternate_audio):
        if other.title and len(other.title) > 32:
            problems.append(
                _problem(
                    episode,
                    ("alternate_audio", i, "title"),
                    "an alternate audio title is over 32 characters; apps cut it",
                    severity="warning",
                )
            )
        if episode.audio and other.url == episode.audio.url:
            problems.append(
                _problem(
                    episode,
                    ("alternate_audio", i, "url"),
                    "an alternate audio is the episode's own audio",
                )
            )
    return problems


def _title_problems(episode: Episode, show_title: str) -> list[Diagnostic]:
    """Titles that repeat what apps show beside them already: the number, the show's name."""
    problems = []
    numbered = _NUMBER_IN_TITLE.search(episode.title)
    if numbered:
        problems.append(
            _problem(
                episode,
                ("title",),
                "the episode number is in the title; apps show `number` themselves",
                hint=f"take '{numbered.group()}' out of the title",
                severity="warning",
            )
        )
    if show_title.casefold() in episode.title.casefold():
        problems.append(
            _problem(
                episode,
                ("title",),
                "the episode title repeats the show's title",
                hint="apps show the show's title beside it: say what this episode is about",
                severity="warning",
            )
        )
    return problems
