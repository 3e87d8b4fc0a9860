"""Charts: a ```chart fence holding a Vega-Lite spec becomes an accessible inline SVG figure.

Drawn at build time (vl-convert), so readers get a chart without JavaScript, and an author's
mistake is a positioned build error, not a blank box. The spec is YAML (JSON is YAML too).

Here, `render_chart` takes a chart through its parts, in this order:
- `spec`: parsed (JSON's rule for numbers: an unquoted `0.5` is a float here, though front
  matter keeps it as text) and checked against its data (fields, marks, types, title and
  description, each problem at its line);
- `data`: the files in content/media and inline `values`, read and inlined into the spec;
- `drawing`: vl-convert's SVG, cached, themed for light and dark, and made safe to inline;
- `renderer`: vl-convert itself, in a child process whose local time is the site's zone;
- `figure`: the figure around the drawing, with its caption and a table of the data.

Accessibility: the SVG is `role="img"`, named by the figcaption's title and described by its
description; a collapsed table holds the data itself.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ..errors import ContentError, Diagnostic
from ..load.files import read_regular
from ..model import Path_
from .data import DATA_KINDS, Where, data_blocks, inline_data, load_tables
from .drawing import COLOUR_CLASSES, DOCS, PALETTE, THEME_CONFIG, ChartCache, draw
from .figure import figure
from .renderer import Rejected
from .spec import caption, check_view, parse_spec

__all__ = [
    "COLOUR_CLASSES",
    "PALETTE",
    "THEME_CONFIG",
    "ChartCache",
    "chart_drawer",
    "data_digest",
    "has_chart",
    "render_chart",
]


def render_chart(
    source: str,
    *,
    path: str,
    first_line: int,
    media_dir: Path,
    media_href: Callable[[str], str],
    cache: ChartCache | None = None,
    timezone: str = "UTC",
) -> str:
    """The HTML figure for the body of a ```chart fence, or ContentError with every problem.

    `first_line` is the file line of the fence's first content line; diagnostics point inside
    the fence. Local time in the chart is `timezone`'s (the site's). With a `cache`, a drawing
    is reused while spec, data, time zone, theme and vl-convert stay the same.
    """
    spec, lines = parse_spec(source, path, first_line)
    where = Where(path, first_line, lines)
    problems: list[Diagnostic] = []

    def problem(at: Path_, message: str, hint: str | None) -> None:
        problems.append(where.key(*at).problem(message, hint))

    title, description = caption(spec, problem)
    tables = load_tables(spec, media_dir, where, problems)
    if next(data_blocks(spec, ()), None) is None:
        problem(
            (),
            "the chart has no data",
            "add `data: {url: data/file.csv}` (a file in content/media) or `data: {values: [...]}`",
        )
    check_view(spec, (), None, tables, problem)
    if problems:
        raise ContentError(problems)

    drawing = copy.deepcopy(spec)
    drawing.pop("title", None)  # the figcaption shows it; the chart should not say it twice
    for at, table in tables.items():
        inline_data(drawing, at, table)
    try:
        svg = draw(drawing, source, tables, cache, timezone)
    except Rejected as exc:
        raise where.error(f"Vega-Lite rejected the chart: {exc}", DOCS) from None

    chart_id = f"chart-{hashlib.sha256(source.encode()).hexdigest()[:8]}-{first_line}"
    main = next(iter(tables.values()))
    return figure(chart_id, svg, title, description, main, media_href)


def chart_drawer(
    path: str, media_dir: Path, base_path: str, cache: ChartCache | None, timezone: str
) -> Callable[[str, int], str]:
    """`draw(source, first_line)` for the charts of one content file (see `render_chart`)."""

    def href(rel: str) -> str:
        return base_path + "media/" + quote(rel)

    def draw(source: str, first_line: int) -> str:
        return render_chart(
            source,
            path=path,
            first_line=first_line,
            media_dir=media_dir,
            media_href=href,
            cache=cache,
            timezone=timezone,
        )

    return draw


_FENCE = re.compile(r"^ {0,3}(?:```|~~~)[ \t]*chart\b", re.M)


def has_chart(body: str) -> bool:
    return _FENCE.search(body) is not None


def data_digest(media_dir: Path) -> str:
    """What every chart may read: the data files in the media folder, by content."""
    h = hashlib.sha256()
    if media_dir.is_dir():
        for file in sorted(media_dir.rglob("*")):
            if file.suffix.lower() in DATA_KINDS and file.is_file():
                h.update(file.relative_to(media_dir).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(read_regular(file)).digest())
    return h.hexdigest()
