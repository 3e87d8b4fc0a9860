"""Pure: which essays and episodes make up each series, in which order, and what is wrong with
the parts the authors gave them (two claiming one part, a gap, a series that does not exist)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..errors import Diagnostic, did_you_mean
from ..model import Episode, Essay, Item, Series
from ..slugs import fold

INDEX_PAGE = "series/"  # the list of every series, made when the site has one


@dataclass(frozen=True, slots=True)
class Run:
    """A published series and its published parts, in order: (part number, item)."""

    series: Series
    parts: tuple[tuple[int, Item], ...]

    @property
    def total(self) -> int:
        """How many parts readers are told there are: the last published part's number."""
        return self.parts[-1][0] if self.parts else 0


@dataclass(frozen=True, slots=True)
class SeriesLinks:
    runs: Mapping[str, Run]  # series key (`series/ending-the-war`) -> its run
    part_of: Mapping[str, tuple[str, int]]  # item key -> (series slug, part number)


def link_series(
    published: Iterable[Item], withheld: Iterable[Item]
) -> tuple[SeriesLinks, list[Diagnostic]]:
    """Each series with its parts (published ones only), and every problem with the parts.

    Parts are the authors' numbers when they give them, else the members' order by date. The
    numbers are checked over every member, drafts too, so that one publication is not an error
    the next: a gap before a published part is an error, a gap before drafts only a warning."""
    published, withheld = list(published), list(withheld)
    out = {i.key for i in withheld}
    series = {fold(i.slug): i for i in (*published, *withheld) if isinstance(i, Series)}
    members: dict[str, list[Item]] = defaultdict(list)
    problems: list[Diagnostic] = []
    for item in sorted((*published, *withheld), key=_by_date):
        ref = item.series if isinstance(item, (Essay, Episode)) else None
        if ref is None:
            continue
        known = series.get(fold(ref.slug))
        if known is None:
            names = [s.slug for s in series.values()]
            hint = did_you_mean(ref.slug, names) or (
                f"write one of: {', '.join(sorted(names))}"
                if names
                else f"add content/series/{ref.slug}.md with its title"
            )
            problems.append(_problem(item, f"unknown series '{ref.slug}'", hint))
        elif known.key in out and item.key not in out:
            problems.append(
                _problem(
                    item,
                    f"series '{ref.slug}' is not published ({known.path}): this part is shown "
                    "without it",
                    "publish the series, or build with --drafts",
                    "warning",
                )
            )
        else:
            members[known.key].append(item)
    runs: dict[str, Run] = {}
    part_of: dict[str, tuple[str, int]] = {}
    for s in sorted(series.values(), key=lambda s: s.key):
        numbered, found = _number(s, members.get(s.key, []), out)
        problems += found
        if s.key in out:
            continue
        parts = tuple((n, i) for n, i in numbered if i.key not in out)
        runs[s.key] = Run(s, parts)
        part_of.update((i.key, (s.slug, n)) for n, i in parts)
    return SeriesLinks(runs, part_of), problems


def _number(
    series: Series, members: list[Item], out: set[str]
) -> tuple[list[tuple[int, Item]], list[Diagnostic]]:
    """The members of one series with their part numbers, in order, and the problems."""
    if not any(m.series.part for m in members):  # order by date, published parts only
        return list(enumerate([m for m in members if m.key not in out], 1)), []
    problems: list[Diagnostic] = []
    claimed: dict[int, Item] = {}
    for m in members:
        part = m.series.part
        if part is None:
            problems.append(
                _problem(
                    m,
                    f"no part number: the other parts of '{series.slug}' have theirs",
                    f"write `series: {{slug: {series.slug}, part: N}}`",
                )
            )
        elif part in claimed:
            problems.append(
                _problem(
                    m,
                    f"part {part} of '{series.slug}' is also claimed by {claimed[part].path}",
                    "give each part its own number",
                    at=("series", "part"),
                )
            )
        else:
            claimed[part] = m
    for gap in (n for n in range(1, max(claimed, default=0)) if n not in claimed):
        later = [claimed[n] for n in sorted(claimed) if n > gap]
        # (drafts in the preview too: there, the author writing part 5 before part 4 sees it)
        drafts_only = all(m.key in out or m.draft for m in later)
        problems.append(
            _problem(
                later[0],
                f"part {gap} of '{series.slug}' is missing: no essay or episode claims it",
                "number the parts 1, 2, 3 … without a gap, or write the missing part"
                + (" (the parts after it are not published yet)" if drafts_only else ""),
                "warning" if drafts_only else "error",
                at=("series", "part"),
            )
        )
    for n, m in sorted(claimed.items()):
        if m.key in out and any(k > n and claimed[k].key not in out for k in claimed):
            problems.append(
                _problem(
                    m,
                    f"part {n} of '{series.slug}' is not published, but a later part is: readers "
                    f"go from part {n - 1} to the next published one",
                    "publish this part too, or build with --drafts",
                    "warning",
                    at=("series", "part"),
                )
            )
    return sorted(claimed.items()), problems


def _by_date(item: Item) -> tuple:
    return (item.date is None, item.date.timestamp() if item.date else 0.0, item.path)


def _problem(
    item: Item,
    message: str,
    hint: str | None,
    severity: str = "error",
    at: tuple[str, ...] = ("series", "slug"),
) -> Diagnostic:
    return Diagnostic(
        item.path, item.line_of(*at), message, hint=hint, severity=severity, code="series"
    )
