"""Pure: facts read from the bytes of media files (image size and type, audio duration).

Only headers are read, with no imaging or audio library: PNG's IHDR, JPEG's start-of-frame
marker, MP3 frame headers (with the Xing/Info/VBRI frame count when present) and the `mvhd`
box of M4A/MP4 files. Anything unrecognised gives None, never an exception.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImageInfo:
    kind: str  # "png" or "jpeg"
    width: int
    height: int
    rgb: bool  # PNG colour type and JPEG components say it is in colour


def image_info(data: bytes) -> ImageInfo | None:
    """Kind and size of a PNG or JPEG image, from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 26:
        width, height = struct.unpack(">II", data[16:24])
        return ImageInfo("png", width, height, data[25] in (2, 6))
    if data[:2] == b"\xff\xd8":
        return _jpeg_info(data)
    return None


def _jpeg_info(data: bytes) -> ImageInfo | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        # start-of-frame markers (baseline, progressive, …) carry the size; C4/C8/CC do not
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return ImageInfo("jpeg", width, height, data[pos + 9] == 3)
        pos += 2 + length
    return None


_MP3_BITRATES = {  # kbit/s by (MPEG version 1 or 2/2.5, bitrate index), layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def audio_duration(data: bytes, suffix: str) -> int | None:
    """Whole seconds of an MP3 or M4A/MP4 file, or None when the header is not understood."""
    suffix = suffix.lower()
    if suffix == ".mp3":
        return _mp3_duration(data)
    if suffix in (".m4a", ".mp4", ".m4v", ".mov"):
        return _mvhd_duration(data)
    return None


def _mp3_duration(data: bytes) -> int | None:
    pos = 0
    if data[:3] == b"ID3" and len(data) >= 10:  # skip an ID3v2 tag (its size is syncsafe)
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        pos = 10 + size
    while pos + 4 <= len(data) and not (data[pos] == 0xFF and data[pos + 1] & 0xE0 == 0xE0):
        pos += 1
        if pos > 65536:  # no frame in the first 64 KiB: not an MP3 we can read
            return None
    if pos + 4 > len(data):
        return None
    b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
    version_bits, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    rate_index, bitrate_index = (b2 >> 2) & 3, b2 >> 4
    if version_bits == 1 or layer_bits != 1 or rate_index == 3 or bitrate_index in (0, 15):
        return None  # reserved values, or not layer III
    version = 1 if version_bits == 3 else 2
    rate = _MP3_RATES[version_bits][rate_index]
    samples = 1152 if version == 1 else 576
    mono = (b3 >> 6) == 3
    side = (17 if mono else 32) if version == 1 else (9 if mono else 17)
    frames = None
    tag = data[pos + 4 + side : pos + 8 + side]
    if tag in (b"Xing", b"Info"):
        flags = struct.unpack(">I", data[pos + 8 + side : pos + 12 + side])[0]
        if flags & 1:
            frames = struct.unpack(">I", data[pos + 12 + side : pos + 16 + side])[0]
    elif data[pos + 36 : pos + 40] == b"VBRI":
        frames = struct.unpack(">I", data[pos + 50 : pos + 54])[0]
    if frames is not None:
        return round(frames * samples / rate)
    bitrate = _MP3_BITRATES[version][bitrate_index] * 1000
    return round((len(data) - pos) * 8 / bitrate)


def _mvhd_duration(data: bytes) -> int | None:
    found = _find_box(data, 0, len(data), (b"moov", b"mvhd"))
    if found is None or found + 20 > len(data):
        return None
    version = data[found]
    if version == 1:
        if found + 32 > len(data):
            return None
        timescale, duration = struct.unpack(">IQ", data[found + 20 : found + 32])
    else:
        timescale, duration = struct.unpack(">II", data[found + 12 : found + 20])
    return round(duration / timescale) if timescale else None


def _find_box(data: bytes, start: int, end: int, path: tuple[bytes, ...]) -> int | None:
    """Offset of the payload of the box at `path` (e.g. moov/mvhd), or None."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1 and pos + 16 <= end:
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return None
        if kind == path[0]:
            if len(path) == 1:
                return pos + header
            return _find_box(data, pos + header, min(pos + size, end), path[1:])
        pos += size
    return None
