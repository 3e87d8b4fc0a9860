"""Pure: WebVTT, SRT and Podcasting 2.0 JSON transcripts to timed cues, and cues to readable
paragraphs.

Speakers come from WebVTT voice tags (`<v Mara Linden>`), in SRT from a `Name:` at the start
of a card, in JSON from each segment's `speaker`; a cue without one continues with the
previous speaker. Cues must be in order and must not overlap, but for the few hundred
milliseconds by which tools such as Whisper and Descript overlap theirs: an overlap under a
second is clamped (one warning per file). Every problem is reported with the line of its cue.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, replace

from ..errors import Diagnostic
from ..model import Cue

_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})"
_TIMING = re.compile(rf"{_TIME}\s+-->\s+{_TIME}(?:\s+.*)?")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{2}:[\d:.]+>")
_SRT_SPEAKER = re.compile("^([A-Z][\\w.'\u2019 -]{0,40}):\\s+(.*)$", re.S)
TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json")  # in this order, when an episode has several
CLAMPED_OVERLAP = 1.0  # seconds: a shorter overlap of two cues is a tool's, and is clamped
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
    """Cues of a .vtt, .srt or .json file (text already decoded); appends a problem per bad
    cue."""
    timed = (
        _json_cues(text, path, problems)
        if kind == "json"
        else _text_cues(text, path, kind, problems)
    )
    return _in_order(timed, path, problems)


def _text_cues(text: str, path: str, kind: str, problems: list[Diagnostic]) -> list[Cue]:
    """Every timed cue of a WebVTT or SRT file, as written (words may be empty)."""
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
        return []
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
        cues.append(
            Cue(start, end, speaker, " ".join(html.unescape(_TAG.sub("", body)).split()), line)
        )
    return cues


def _json_cues(text: str, path: str, problems: list[Diagnostic]) -> list[Cue]:
    """The segments of a Podcasting 2.0 JSON transcript (`{"version": "1.0.0", "segments":
    [{"speaker", "startTime", "endTime", "body"}]}`), each at the line where it starts."""

    def problem(line: int, message: str, hint: str | None = None) -> None:
        problems.append(Diagnostic(path, line, message, hint=hint, code="transcript"))

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem(exc.lineno, f"not JSON: {exc.msg}")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        problem(1, 'a JSON transcript is an object with a "segments" list', _JSON_HINT)
        return []
    cues: list[Cue] = []
    speaker: str | None = None
    for line, segment in zip(_segment_lines(text, data["segments"]), data["segments"], strict=True):
        start, end = (segment.get(k) if isinstance(segment, dict) else None for k in _TIMES)
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in (start, end)):
            problem(line, "a segment needs startTime and endTime in seconds", _JSON_HINT)
            continue
        body = segment.get("body")
        named = segment.get("speaker")
        speaker = " ".join(named.split()) if isinstance(named, str) and named.strip() else speaker
        words = " ".join(body.split()) if isinstance(body, str) else ""
        cues.append(Cue(float(start), float(end), speaker, words, line))
    return cues


_TIMES = ("startTime", "endTime")
_JSON_HINT = (
    'write {"version": "1.0.0", "segments": [{"startTime": 0.5, "endTime": 2.1, "body": "…"}]}'
)
_SEGMENTS = re.compile(r'"segments"\s*:\s*\[')


def _segment_lines(text: str, segments: list) -> list[int]:
    """The line each segment starts on (json gives no positions: each one is decoded again
    where the `segments` list has it); line 1 for all when the list is not found as written."""
    decoder = json.JSONDecoder()
    for found in _SEGMENTS.finditer(text):
        lines, at = [], found.end()
        try:
            for _ in segments:
                at = _skip(text, at)
                lines.append(text.count("\n", 0, at) + 1)
                _, at = decoder.raw_decode(text, at)
                at = _skip(text, at)
                if text.startswith(",", at):
                    at += 1
        except json.JSONDecodeError:
            continue
        if text.startswith("]", _skip(text, at)):
            return lines
    return [1] * len(segments)


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _in_order(timed: list[Cue], path: str, problems: list[Diagnostic]) -> tuple[Cue, ...]:
    """The cues with words, in order: a reversed cue or one that starts a second or more before
    the previous one ends is an error; a smaller overlap cuts the previous cue short."""
    cues: list[Cue] = []
    clamped: list[Cue] = []
    for cue in timed:
        if cue.end < cue.start:
            problems.append(
                Diagnostic(
                    path,
                    cue.line,
                    "the cue ends before it starts",
                    hint="write its start, then ' --> ', then a later end",
                    code="transcript",
                )
            )
            continue
        if cues and cue.start < cues[-1].end:
            if cues[-1].end - cue.start >= CLAMPED_OVERLAP or cue.start <= cues[-1].start:
                problems.append(
                    Diagnostic(
                        path,
                        cue.line,
                        f"the cue starts at {_clock(cue.start)}, before the previous one ends "
                        f"({_clock(cues[-1].end)}, line {cues[-1].line})",
                        hint="cues must be in order and must not overlap",
                        code="transcript",
                    )
                )
                continue
            cues[-1] = replace(cues[-1], end=cue.start)
            clamped.append(cue)
        if cue.text:
            cues.append(cue)
    if clamped:
        problems.append(
            Diagnostic(
                path,
                clamped[0].line,
                f"{len(clamped)} cue{'s' * (len(clamped) != 1)} start{'s' * (len(clamped) == 1)} "
                "less than a second before the previous one ends; each previous cue was cut "
                "short where the next begins",
                hint="transcription tools overlap their cues like this: nothing to do",
                severity="warning",
                code="transcript",
            )
        )
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


# what closes up to the word before it when word-level segments are joined: "world" ","
_CLOSING = re.compile(r"[,.;:!?%)\]}\u2019\u201d\u2026]")


def _paragraph(cues: list[Cue]) -> Paragraph:
    words = [cues[0].text]
    for cue in cues[1:]:
        words.append(cue.text if _CLOSING.match(cue.text) else " " + cue.text)
    return Paragraph(int(cues[0].start), cues[0].speaker, "".join(words))
