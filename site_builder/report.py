"""What a build tells whoever runs it, as Lektor's reporter does: the phases and their times, how
far a long phase has got, which pages were rendered, and, in `serve`, each rebuild's outcome.

`Reporter` keeps the times and says nothing (a library call, `check`); `TerminalReporter`
writes to the terminal (`serve`); `BufferReporter` keeps every event, for tests to read. A
build takes one and calls it; nothing in the pipeline prints.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Reporter:
    """Times the phases (`timings`, seconds by phase, in the order they first ran)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add_time(name, time.perf_counter() - start)

    def add_time(self, name: str, seconds: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + seconds

    def progress(self, phase: str, done: int, total: int) -> None:
        """`done` of `total` (0 of 0: a phase that cannot count) in a long phase."""

    def parsed(self, keys: Iterable[str]) -> None:
        """The items this build parses (the others' bodies were reused from the last one)."""

    def rendered(self, paths: Iterable[str]) -> None:
        """The pages this build renders (the others were reused from the last one)."""

    def say(self, line: str) -> None:
        """A line for the author: a problem, a warning, what a rebuild did."""


class TerminalReporter(Reporter):
    """Writes what the author is told to a stream (standard error)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__()
        self.stream = stream

    def say(self, line: str) -> None:
        print(line, file=self.stream or sys.stderr, flush=True)


class BufferReporter(Reporter):
    """Keeps every event in `events`, as (kind, value), and the lines said in `lines`."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []

    @property
    def lines(self) -> list[str]:
        return [str(value) for kind, value in self.events if kind == "say"]

    @property
    def pages(self) -> list[str]:
        return [path for kind, paths in self.events if kind == "rendered" for path in paths]

    @property
    def items(self) -> list[str]:
        return [key for kind, keys in self.events if kind == "parsed" for key in keys]

    def parsed(self, keys: Iterable[str]) -> None:
        self.events.append(("parsed", tuple(keys)))

    def progress(self, phase: str, done: int, total: int) -> None:
        self.events.append(("progress", (phase, done, total)))

    def rendered(self, paths: Iterable[str]) -> None:
        self.events.append(("rendered", tuple(paths)))

    def say(self, line: str) -> None:
        self.events.append(("say", line))
