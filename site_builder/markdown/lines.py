"""Line numbers inside an inline block, in O(log n) a position.

A paragraph can hold thousands of links and mentions; counting the line breaks before each one
from the block's start made parsing it quadratic. `LineBreaks` finds them once per text.
"""

from __future__ import annotations

import bisect
import re

_NEWLINE = re.compile("\n")


class LineBreaks:
    """The line breaks of one text, found once: `before(pos)` counts those before `pos`."""

    __slots__ = ("_offsets", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets = [m.start() for m in _NEWLINE.finditer(text)]

    def before(self, pos: int) -> int:
        return bisect.bisect_left(self._offsets, pos)


def line_breaks(env: dict, src: str) -> LineBreaks:
    """The line breaks of `src`, an inline rule's source, kept in `env` while rules read it."""
    breaks = env.get("_breaks")
    if breaks is None or breaks.text is not src:
        breaks = env["_breaks"] = LineBreaks(src)
    return breaks
