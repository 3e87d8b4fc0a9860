"""Cards drawn in the background, while the build parses, links and renders.

A clean build of 1,000 essays draws 1,500 cards at about 4 ms each: 6 CPU seconds that were a
phase of their own, with the steps after it waiting. Now `jobs` drawers draw them while those
steps run, and fill the cores that the build's serial work (loading, linking, writing) leaves
idle; the build collects the cards when it publishes its files.

A drawer is a fresh Python, not a fork of the build: at 10,000 essays the build holds
hundreds of MB that a fork would keep alive for as long as it draws. It reads its cards
(pickled) from a file, writes each card's bytes one after the other into an unnamed file the
build made, and prints their sizes when done. A card's bytes do not depend on what was drawn
before it (see `Painter`), so they are those the build would have drawn itself; a drawer that
fails has its cards drawn in the build.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from ..pool import die_with
from .cards import Card, Painter, draw_card

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # a drawer imports site_builder


class Drawing:
    """The cards `names` of `cards`, being drawn in `jobs` processes; `results()` waits for
    them. Temporary files go in `where` (None: the system's)."""

    def __init__(
        self, cards: Mapping[str, Card], names: Sequence[str], jobs: int, where: Path | None
    ):
        self.cards = cards
        self.shares = [list(names[i::jobs]) for i in range(jobs)]
        self.drawers = [_start([cards[n] for n in share], where) for share in self.shares]
        weakref.finalize(self, _stop, [d[0] for d in self.drawers if d[0] is not None])

    def results(self) -> Iterator[tuple[str, bytes]]:
        """Each card's name and bytes, as the drawers finish."""
        for share, (process, spill) in zip(self.shares, self.drawers, strict=True):
            sizes = _sizes(process)
            if sizes is None or len(sizes) != len(share):  # it failed: draw its cards here
                painter = Painter()
                yield from ((name, draw_card(self.cards[name], painter)) for name in share)
            else:
                spill.seek(0)
                yield from (
                    (name, spill.read(size)) for name, size in zip(share, sizes, strict=True)
                )
            spill.close()


def _start(cards: list[Card], where: Path | None) -> tuple[subprocess.Popen | None, BinaryIO]:
    # both unnamed, and closed by `results`: they go with the build if it fails
    spill = tempfile.TemporaryFile(dir=where)  # noqa: SIM115
    with tempfile.TemporaryFile(dir=where) as given:
        pickle.dump(cards, given, pickle.HIGHEST_PROTOCOL)
        given.seek(0)
        script = f"from {__name__} import draw_share; draw_share({spill.fileno()}, {os.getpid()})"
        path = os.pathsep.join(filter(None, (_PACKAGE_PARENT, os.environ.get("PYTHONPATH"))))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", script],
                stdin=given,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                pass_fds=(spill.fileno(),),
                env={**os.environ, "PYTHONPATH": path},
            )
        except OSError:
            process = None
    return process, spill


def _sizes(process: subprocess.Popen | None) -> list[int] | None:
    if process is None:
        return None
    out, _ = process.communicate()
    try:
        return json.loads(out) if process.returncode == 0 else None
    except ValueError:
        return None


def _stop(processes: list[subprocess.Popen]) -> None:
    """Drawers of a build that failed before it collected them: no longer wanted."""
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def draw_share(fd: int, parent: int) -> None:
    """A drawer's work: the cards on standard input into the file `fd`, their sizes printed."""
    die_with(parent)
    cards = pickle.load(sys.stdin.buffer)
    painter = Painter()
    sizes = []
    with os.fdopen(fd, "wb") as out:
        for card in cards:
            data = draw_card(card, painter)
            out.write(data)
            sizes.append(len(data))
    json.dump(sizes, sys.stdout)
