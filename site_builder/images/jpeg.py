"""Pure: a baseline JPEG as its rows of blocks, and one made of two others' rows.

A JPEG written with a restart marker after each row of blocks (an MCU row: 16 pixels at 4:2:0
subsampling) is a header and, between the markers, one run of bytes a row. Each run depends on
that row's pixels alone: at a marker the DC predictions and the bit buffer start afresh, and the
subsampling averages within a row. So a picture that differs from another only in a band of
rows is, byte for byte, the other's header and rows with the band's rows in their place, where
the band is encoded alone with the same settings. A card is drawn so (images/cards.py): its
kind's top is encoded once, and for each card only the rows its title was drawn on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKER = re.compile(rb"\xff[\xd0-\xd7]")  # RST0-7: the only markers inside the scan's bytes
_RESTARTS = tuple(bytes((0xFF, 0xD0 + n)) for n in range(8))
_SOF0, _SOS, _EOI = 0xC0, 0xDA, b"\xff\xd9"


@dataclass(frozen=True, slots=True)
class Rows:
    """A JPEG cut at its restart markers."""

    head: bytes  # from SOI to the end of the scan's header
    rows: tuple[bytes, ...]  # each row's bytes, between the markers
    size_at: int  # where in `head` the frame's height is (2 bytes; the width follows)
    row_height: int  # pixels in a row of blocks


def rows_of(data: bytes) -> Rows | None:
    """`data` cut into rows, if it is a baseline JPEG of one scan with a restart marker after
    each row of blocks; else None."""
    at, size_at, row_height = 2, None, None
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], int.from_bytes(data[at + 2 : at + 4], "big")
        if marker == _SOF0:  # precision, height, width, components (id, sampling, table)
            components = data[at + 9]
            sampling = data[at + 11 : at + 11 + 3 * components : 3]
            size_at, row_height = at + 5, 8 * max(s & 0x0F for s in sampling)
        at += 2 + length
        if marker == _SOS:
            break
    else:
        return None
    if size_at is None or not data.endswith(_EOI):
        return None
    rows = tuple(_MARKER.split(data[at : -len(_EOI)]))
    height = int.from_bytes(data[size_at : size_at + 2], "big")
    if len(rows) != -(-height // row_height):
        return None  # not a marker after each row
    return Rows(data[:at], rows, size_at, row_height)


def spliced(whole: Rows, band: Rows, first: int) -> bytes | None:
    """`whole` with its rows from `first` on replaced by all of `band`'s; None when the band
    was not encoded as `whole` was (other tables, width or sampling), or does not fit."""
    k = whole.size_at
    if (
        band.size_at != k
        or band.head[:k] != whole.head[:k]
        or band.head[k + 2 :] != whole.head[k + 2 :]
        or first + len(band.rows) > len(whole.rows)
    ):
        return None
    rows = (*whole.rows[:first], *band.rows, *whole.rows[first + len(band.rows) :])
    return joined(whole.head, rows)


def joined(head: bytes, rows: tuple[bytes, ...]) -> bytes:
    """The JPEG of `head` and `rows`, each row after the first behind its restart marker."""
    parts = [head, rows[0]]
    for n, row in enumerate(rows[1:]):
        parts += (_RESTARTS[n % 8], row)
    parts.append(_EOI)
    return b"".join(parts)
