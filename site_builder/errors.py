"""Diagnostics: the one way a problem in a site is described, collected and printed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, located in a file of the site (path relative to the site root)."""

    path: str
    line: int | None
    message: str
    hint: str | None = None
    code: str = "content"
    severity: str = "error"
    col: int | None = None

    def format(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        text = f"{where}: {self.severity}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.col or 0, self.message)


class ContentError(Exception):
    """Raised when a site cannot be built; carries every problem found, not just the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(sorted(diagnostics, key=lambda d: d.sort_key))
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self):  # so that it crosses from a worker process intact
        return (ContentError, (self.diagnostics,))


def errors_in(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


@contextmanager
def raised_with(problems: Iterable[Diagnostic]) -> Iterator[None]:
    """Let a ContentError raised inside carry `problems` too, so that an error found late
    (a template's, while rendering) does not hide the warnings found before it."""
    try:
        yield
    except ContentError as exc:
        raise ContentError({*problems, *exc.diagnostics}) from None


def tally(diagnostics: Iterable[Diagnostic]) -> str:
    """'2 errors and 1 warning': how an author is told the size of what follows."""
    severities = [d.severity for d in diagnostics]
    counts = [(severities.count(kind), kind) for kind in ("error", "warning")]
    said = [f"{n} {kind}{'s' * (n != 1)}" for n, kind in counts if n]
    return " and ".join(said) or "no problems"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known choice, or None when nothing is close."""
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close else None


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The known choice `word` was most probably meant to be (the same but for case first)."""
    pool = sorted(set(choices))
    folded = {c.casefold(): c for c in pool}
    if word.casefold() in folded:
        return folded[word.casefold()]
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C came once the new build had replaced the output folder: it holds the new build."""

    def __init__(self, output: Path):
        super().__init__()
        self.output = output


class UsageError(Exception):
    """A command was asked to do something it must refuse (exit status 2), e.g. a bad --output."""
