"""Facts read from media headers, and transcripts parsed to cues and paragraphs."""

from __future__ import annotations

import struct
import zlib

import pytest

from site_builder.errors import Diagnostic
from site_builder.load.media import audio_duration, image_info
from site_builder.load.transcripts import paragraphs, parse_transcript


def png(width: int, height: int, colour_type: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def jpeg(width: int, height: int, components: int = 3) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 8 + 3 * components, 8, height, width, components)
    return b"\xff\xd8" + app0 + sof + b"\x01\x11\x00" * components + b"\xff\xd9"


def test_image_headers():
    assert image_info(png(1400, 1400)) == image_info(png(1400, 1400))
    info = image_info(png(3000, 2000))
    assert (info.kind, info.width, info.height, info.rgb) == ("png", 3000, 2000, True)
    assert image_info(png(1400, 1400, colour_type=0)).rgb is False
    info = image_info(jpeg(1600, 1600))
    assert (info.kind, info.width, info.height, info.rgb) == ("jpeg", 1600, 1600, True)
    assert image_info(jpeg(1600, 1600, components=1)).rgb is False
    assert image_info(b"GIF89a....") is None and image_info(b"") is None


def mp3(frames: int, xing: int | None = None) -> bytes:
    header = b"\xff\xfb\x90\x00"  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, stereo
    frame = header + b"\x00" * 413
    if xing is None:
        return frame * frames
    tag = header + b"\x00" * 32 + b"Xing" + struct.pack(">II", 1, xing)
    return tag + b"\x00" * (417 - len(tag)) + frame * frames


def test_mp3_duration_from_constant_bitrate_and_from_a_xing_header():
    assert audio_duration(mp3(383), ".mp3") == 10  # 383 frames x 1152 samples / 44,100 Hz
    assert audio_duration(mp3(10, xing=38281), ".mp3") == 1000  # the header's frame count wins
    id3 = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10
    assert audio_duration(id3 + mp3(383), ".mp3") == 10
    assert audio_duration(b"not audio" * 100, ".mp3") is None


def test_m4a_duration_from_the_movie_header():
    mvhd = struct.pack(">I4sB3xIIII", 8 + 20, b"mvhd", 0, 0, 0, 600, 600 * 3725)
    moov = struct.pack(">I4s", 8 + len(mvhd), b"moov") + mvhd
    ftyp = struct.pack(">I4s4sI", 16, b"ftyp", b"M4A ", 0)
    assert audio_duration(ftyp + moov, ".m4a") == 3725
    assert audio_duration(ftyp, ".m4a") is None
    assert audio_duration(b"\x00\x00\x00\x01moov", ".m4a") is None  # a truncated box


VTT = """WEBVTT - a test

NOTE a comment block is not a cue

intro
00:00:00.000 --> 00:00:04.000 align:start
<v Mara Linden>Welcome <i>back</i> &amp; hello.

00:00:04.000 --> 00:00:08.500
<v Mara Linden>Still me.

00:00:09.000 --> 00:01:02.250
<v.loud Ines Carvalho>Now the guest.
"""

SRT = """1
00:00:00,000 --> 00:00:03,000
Mara Linden: Hello there,
and welcome.

2
00:00:03,500 --> 00:00:06,000
This card has no name, so Mara goes on.

3
01:00:06,000 --> 01:00:09,000
Ines Carvalho: An hour later.
"""


def test_webvtt_cues_speakers_and_markup():
    problems: list[Diagnostic] = []
    cues = parse_transcript(VTT, "t.vtt", "vtt", problems)
    assert problems == []
    assert [(c.start, c.end, c.speaker, c.text, c.line) for c in cues] == [
        (0.0, 4.0, "Mara Linden", "Welcome back & hello.", 6),
        (4.0, 8.5, "Mara Linden", "Still me.", 9),
        (9.0, 62.25, "Ines Carvalho", "Now the guest.", 12),
    ]
    assert [(p.start, p.speaker, p.text) for p in paragraphs(cues)] == [
        (0, "Mara Linden", "Welcome back & hello. Still me."),
        (9, "Ines Carvalho", "Now the guest."),
    ]


def test_srt_speaker_names_carry_over_cards():
    problems: list[Diagnostic] = []
    cues = parse_transcript(SRT, "t.srt", "srt", problems)
    assert problems == []
    assert [(c.start, c.speaker, c.text) for c in cues] == [
        (0.0, "Mara Linden", "Hello there, and welcome."),
        (3.5, "Mara Linden", "This card has no name, so Mara goes on."),
        (3606.0, "Ines Carvalho", "An hour later."),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1\n00:00:01,000 --> 00:00:00,500\nBackwards.\n", [(2, "the cue ends before it starts")]),
        (
            "1\n00:00:00,000 --> 00:00:05,000\nA\n\n2\n00:00:04,000 --> 00:00:06,000\nB\n",
            [(6, "the cue starts at 0:00:04, before the previous one ends (0:00:05, line 2)")],
        ),
        (
            "1\n00:00:0 --> 00:00:05,000\nA\n",
            [(2, "malformed cue timing '00:00:0 --> 00:00:05,000'")],
        ),
        ("1\nA card without a time.\n", [(1, "a cue without a timing line")]),
    ],
)
def test_malformed_and_overlapping_cues_are_positioned(text, expected):
    problems: list[Diagnostic] = []
    parse_transcript(text, "t.srt", "srt", problems)
    assert [(d.line, d.message) for d in problems] == expected


def test_a_webvtt_file_must_say_so():
    problems: list[Diagnostic] = []
    assert parse_transcript("00:00.000 --> 00:01.000\nHi\n", "t.vtt", "vtt", problems) == ()
    assert [(d.line, d.message) for d in problems] == [(1, "a WebVTT file must start with WEBVTT")]


# Podcasting 2.0 JSON transcripts, as Whisper-based tools write them: word-level segments.
WORDS_JSON = """{
  "version": "1.0.0",
  "segments": [
    {"speaker": "Mara Linden", "startTime": 0.0, "endTime": 0.4, "body": "Welcome"},
    {"startTime": 0.4, "endTime": 0.6, "body": "back"},
    {"startTime": 0.6, "endTime": 0.7, "body": ","},
    {"startTime": 0.7, "endTime": 1.1, "body": "everyone"},
    {"startTime": 1.1, "endTime": 1.2, "body": "."},
    {
      "speaker": "Ines Carvalho",
      "startTime": 1.5,
      "endTime": 2.0,
      "body": "Thanks!"
    }
  ]
}
"""


def test_json_transcript_segments_become_cues_and_readable_paragraphs():
    problems: list[Diagnostic] = []
    cues = parse_transcript(WORDS_JSON, "t.json", "json", problems)
    assert problems == []
    assert [(c.start, c.speaker, c.text, c.line) for c in cues] == [
        (0.0, "Mara Linden", "Welcome", 4),
        (0.4, "Mara Linden", "back", 5),
        (0.6, "Mara Linden", ",", 6),
        (0.7, "Mara Linden", "everyone", 7),
        (1.1, "Mara Linden", ".", 8),
        (1.5, "Ines Carvalho", "Thanks!", 9),
    ]
    assert [(p.start, p.speaker, p.text) for p in paragraphs(cues)] == [
        (0, "Mara Linden", "Welcome back, everyone."),
        (1, "Ines Carvalho", "Thanks!"),
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"version": "1.0.0", "segments": [\n', [(2, "not JSON: Expecting value")]),
        ('{"version": "1.0.0"}', [(1, 'a JSON transcript is an object with a "segments" list')]),
        (
            '{"segments": [\n {"startTime": 1, "body": "a"}\n]}',
            [(2, "a segment needs startTime and endTime in seconds")],
        ),
        (
            '{"segments": [\n {"startTime": 3, "endTime": 1, "body": "a"}\n]}',
            [(2, "the cue ends before it starts")],
        ),
        (
            '{"segments": [{"startTime": 0, "endTime": 5, "body": "a"},\n'
            '{"startTime": 3.5, "endTime": 6, "body": "b"}]}',
            [(2, "the cue starts at 0:00:03, before the previous one ends (0:00:05, line 1)")],
        ),
    ],
)
def test_bad_json_transcripts_are_positioned(text, expected):
    problems: list[Diagnostic] = []
    parse_transcript(text, "t.json", "json", problems)
    assert [(d.line, d.message) for d in problems] == expected


@pytest.mark.parametrize("kind", ["vtt", "srt", "json"])
def test_overlaps_under_a_second_are_clamped_with_one_warning_per_file(kind):
    times = [(0.0, 4.3), (4.0, 8.9), (8.2, 12.0)]  # each overlaps the one before, under 1 s
    if kind == "json":
        segments = [
            {"startTime": a, "endTime": b, "body": f"Cue {i}"} for i, (a, b) in enumerate(times)
        ]
        text = __import__("json").dumps({"version": "1.0.0", "segments": segments}, indent=1)
    else:
        stamp = "{:02d}:{:02d}:{:02d}{}{:03d}".format
        sep = "." if kind == "vtt" else ","

        def at(t: float) -> str:
            ms = round(t * 1000)
            return stamp(ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, sep, ms % 1000)

        cards = [f"{i + 1}\n{at(a)} --> {at(b)}\nCue {i}\n" for i, (a, b) in enumerate(times)]
        text = ("WEBVTT\n\n" if kind == "vtt" else "") + "\n".join(cards)
    problems: list[Diagnostic] = []
    cues = parse_transcript(text, f"t.{kind}", kind, problems)
    assert [(c.start, c.end) for c in cues] == [(0.0, 4.0), (4.0, 8.2), (8.2, 12.0)]
    (warning,) = problems
    assert warning.severity == "warning" and warning.code == "transcript"
    assert warning.message == (
        "2 cues start less than a second before the previous one ends; each previous cue was "
        "cut short where the next begins"
    )
    assert warning.line == cues[1].line
