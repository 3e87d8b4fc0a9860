"""Pure: WebVTT and SRT transcripts to timed cues, and cues to readable paragraphs.

Speakers come from WebVTT voice tags (`<v Mara Linden>`) or, in SRT, from a `Name:` at the
start of a card; a card without one continues with the previous speaker. Cues must be in
order and must not overlap; every problem is reported with the line of its cue.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..errors import Diagnostic
from ..model import Cue

_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})"
_TIMING = re.compile(rf"{_TIME}\s+-->\s+{_TIME}(?:\s+.*)?")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{2}:[\d:.]+>")
_SRT_SPEAKER = re.compile("^([A-Z][\\w.'\u2019 -]{0,40}):\\s+(.*)$", re.S)
PARAGRAPH_CHARS = 700  # a long speech is cut into paragraphs of about this length
PAUSE_SECONDS = 8.0  # a pause this long starts a new paragraph


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int  # whole seconds, for links and anchors
    speaker: str | None
    text: str


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse_transcript(
    text: str, path: str, kind: str, problems: list[Diagnostic]
) -> tuple[Cue, ...]:
    """Cues of a .vtt or .srt file (text already decoded); appends a problem per bad cue."""
    lines = text.split("\n")
    if kind == "vtt" and not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        problems.append(
            Diagnostic(
                path,
                1,
                "a WebVTT file must start with WEBVTT",
                hint="add a first line that reads WEBVTT",
                code="transcript",
            )
        )
        return ()
    cues: list[Cue] = []
    speaker: str | None = None
    for block_start, block in _blocks(lines):
        timing_at = next((i for i, line in enumerate(block) if "-->" in line), None)
        if timing_at is None:
            if kind == "srt" or not (block[0].startswith(("NOTE", "STYLE", "REGION", "WEBVTT"))):
                problems.append(
                    Diagnostic(
                        path,
                        block_start,
                        "a cue without a timing line",
                        hint="write 00:01:02.000 --> 00:01:05.000 before the text",
                        code="transcript",
                    )
                )
            continue
        line = block_start + timing_at
        match = _TIMING.fullmatch(block[timing_at].strip())
        if not match:
            problems.append(
                Diagnostic(
                    path,
                    line,
                    f"malformed cue timing '{block[timing_at].strip()}'",
                    hint="write HH:MM:SS.mmm --> HH:MM:SS.mmm",
                    code="transcript",
                )
            )
            continue
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        body = "\n".join(block[timing_at + 1 :]).strip()
        cue_speaker, body = _speaker(body, kind)
        speaker = cue_speaker or speaker
        words = " ".join(html.unescape(_TAG.sub("", body)).split())
        if end <= start:
            problems.append(
                Diagnostic(path, line, "the cue ends before it starts", code="transcript")
            )
        elif cues and start < cues[-1].end:
            problems.append(
                Diagnostic(
                    path,
                    line,
                    f"the cue starts at {_clock(start)}, before the previous one ends "
                    f"({_clock(cues[-1].end)}, line {cues[-1].line})",
                    hint="cues must be in order and must not overlap",
                    code="transcript",
                )
            )
        elif words:
            cues.append(Cue(start, end, speaker, words, line))
    return tuple(cues)


def _blocks(lines: list[str]):
    """(first line number, lines) of each blank-line separated block."""
    block: list[str] = []
    start = 1
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _speaker(body: str, kind: str) -> tuple[str | None, str]:
    if kind == "vtt":
        voice = _VOICE.search(body)
        return (html.unescape(" ".join(voice.group(1).split())) if voice else None), body
    named = _SRT_SPEAKER.match(body)
    return (named.group(1).strip(), named.group(2)) if named else (None, body)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def paragraphs(cues: tuple[Cue, ...]) -> list[Paragraph]:
    """Cues joined into paragraphs: a new one at each change of speaker, long pause or length."""
    out: list[Paragraph] = []
    current: list[Cue] = []
    for cue in cues:
        if current and (
            cue.speaker != current[0].speaker
            or cue.start - current[-1].end > PAUSE_SECONDS
            or sum(len(c.text) for c in current) > PARAGRAPH_CHARS
        ):
            out.append(_paragraph(current))
            current = []
        current.append(cue)
    if current:
        out.append(_paragraph(current))
    return out


def _paragraph(cues: list[Cue]) -> Paragraph:
    return Paragraph(int(cues[0].start), cues[0].speaker, " ".join(c.text for c in cues))
