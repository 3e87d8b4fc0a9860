"""Charts: a ```chart fence holding a Vega-Lite spec becomes an accessible inline SVG figure.

Drawn at build time (vl-convert), so readers get a chart without JavaScript, and an author's
mistake is a positioned build error, not a blank box. The spec is YAML (JSON is YAML too).

Three parts, in the order a chart goes through them:
- here, the spec: parsed (JSON's rule for numbers: an unquoted `0.5` is a float here, though
  front matter keeps it as text), checked against its data (fields, marks, types, title and
  description, each problem at its line), and the figure around the drawing, with its caption
  and a table of the data;
- `data`: the files in content/media and inline `values`, read and inlined into the spec;
- `drawing`: vl-convert's SVG, cached, themed for light and dark, and made safe to inline;
- `renderer`: vl-convert itself, in a child process whose local time is the site's zone.

Accessibility: the SVG is `role="img"`, named by the figcaption's title and described by its
description; a collapsed table holds the data itself.
"""

from __future__ import annotations

import copy
import hashlib
import html
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from ..errors import ContentError, Diagnostic, did_you_mean
from ..load.files import read_regular
from ..load.frontmatter import parse_yaml
from ..model import Path_
from .data import DATA_KINDS, Table, Where, data_blocks, inline_data, load_tables
from .drawing import (
    COLOUR_CLASSES,
    DOCS,
    MAX_ROWS,
    PALETTE,
    THEME_CONFIG,
    ChartCache,
    draw,
    themed_svg,
)
from .renderer import Rejected

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

_MARKS = (
    *("arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "geoshape", "image"),
    *("line", "point", "rect", "rule", "square", "text", "tick", "trail"),
)
_TYPES = ("quantitative", "temporal", "ordinal", "nominal", "geojson")
_VIEW_LISTS = ("layer", "hconcat", "vconcat", "concat")
_FRACTION = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")


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
    spec, lines = _parse(source, path, first_line)
    where = Where(path, first_line, lines)
    problems: list[Diagnostic] = []

    def problem(at: Path_, message: str, hint: str | None) -> None:
        problems.append(where.key(*at).problem(message, hint))

    title, description = _caption(spec, problem)
    tables = load_tables(spec, media_dir, where, problems)
    if next(data_blocks(spec, ()), None) is None:
        problem(
            (),
            "the chart has no data",
            "add `data: {url: data/file.csv}` (a file in content/media) or `data: {values: [...]}`",
        )
    _check_view(spec, (), None, tables, problem)
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
    return _figure(chart_id, svg, title, description, main, media_href)


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


# -- spec -------------------------------------------------------------------------------------


def _parse(source: str, path: str, first_line: int) -> tuple[dict[str, Any], dict[Path_, int]]:
    try:
        data, lines = parse_yaml(source, path, first_line)
    except ContentError as exc:
        raise ContentError(_as_chart_problem(d) for d in exc.diagnostics) from None
    node = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _with_numbers(data, node), lines


def _as_chart_problem(d: Diagnostic) -> Diagnostic:
    if d.code == "front-matter":  # parse_yaml speaks of front matter; here it is a chart
        return Diagnostic(
            d.path,
            d.line,
            "a chart must be a Vega-Lite spec: a mapping of keys to values",
            "start with `mark: line`, one key per line, or write the spec as a JSON object",
            code="chart",
        )
    return Diagnostic(d.path, d.line, d.message.replace("front matter", "a chart"), d.hint, d.code)


def _with_numbers(value: Any, node: yaml.Node | None) -> Any:
    """Unquoted `0.5` or `1e3` as floats, as JSON would read them; quoted text stays text."""
    if isinstance(value, dict) and isinstance(node, yaml.MappingNode):
        return {k.value: _with_numbers(value[k.value], v) for k, v in node.value}
    if isinstance(value, list) and isinstance(node, yaml.SequenceNode):
        return [_with_numbers(v, n) for v, n in zip(value, node.value, strict=True)]
    if (
        isinstance(value, str)
        and isinstance(node, yaml.ScalarNode)
        and not node.style  # plain: None from PyYAML, "" from libyaml; quoted is ' or "
        and _FRACTION.fullmatch(value)
        and math.isfinite(number := float(value))
    ):
        return number
    return value


def _caption(spec: dict[str, Any], problem: Callable[..., None]) -> tuple[str, str]:
    """Title and description: a chart's accessible name and description, so both are required."""
    title = spec.get("title")
    if isinstance(title, dict):  # a Vega-Lite title object: {text, subtitle, ...}
        text = title.get("text")
        text = " ".join(text) if isinstance(text, list) else text
        subtitle = title.get("subtitle")
        subtitle = " ".join(subtitle) if isinstance(subtitle, list) else subtitle
        title = f"{text}: {subtitle}" if isinstance(subtitle, str) and subtitle else text
    description = spec.get("description")
    for key, value, use in (
        ("title", title, "names the chart for screen readers and is shown above it"),
        ("description", description, "says what the chart shows, for readers who cannot see it"),
    ):
        if key not in spec:
            problem((), f"the chart has no {key}", f"add `{key}: ...`: it {use}")
        elif not isinstance(value, str) or not value.strip():
            problem((key,), f"the chart's {key} must be text", f'write {key}: "..." in quotes')
    return str(title or "").strip(), str(description or "").strip()


def _check_view(
    view: dict[str, Any],
    at: Path_,
    table: Table | None,
    tables: dict[Path_, Table],
    problem: Callable[..., None],
) -> None:
    """Mark types, encoding types and fields, in this view and the views inside it."""
    table = tables.get((*at, "data"), table)
    mark = view.get("mark")
    mark_at = (*at, "mark")
    if isinstance(mark, dict):
        mark, mark_at = mark.get("type"), (*mark_at, "type")
    if isinstance(mark, str) and mark not in _MARKS:
        hint = did_you_mean(mark, _MARKS) or f"marks are: {', '.join(_MARKS)}"
        problem(mark_at, f"unknown mark '{mark}'", hint)
    encoding = view.get("encoding")
    for channel, defs in (encoding if isinstance(encoding, dict) else {}).items():
        for i, d in enumerate(defs if isinstance(defs, list) else [defs]):
            kind = d.get("type") if isinstance(d, dict) else None
            if isinstance(kind, str) and kind not in _TYPES:
                hint = did_you_mean(kind, _TYPES) or f"types are: {', '.join(_TYPES)}"
                def_at = (*at, "encoding", channel, *((i,) if isinstance(defs, list) else ()))
                problem((*def_at, "type"), f"unknown type '{kind}'", hint)
    fields = _fields_in_scope(table, view.get("transform"))
    if table is not None and fields is not None:
        for key in ("encoding", "facet"):
            for field_at, name in _field_refs(view.get(key), (*at, key)):
                if _field_root(name) not in fields:
                    problem(field_at, _unknown_field(name, table), _field_hint(name, table))
    for key in _VIEW_LISTS:
        for i, sub in enumerate(view.get(key) or []):
            if isinstance(sub, dict):
                _check_view(sub, (*at, key, i), table, tables, problem)
    if isinstance(view.get("spec"), dict):  # facet and repeat
        _check_view(view["spec"], (*at, "spec"), table, tables, problem)


def _fields_in_scope(table: Table | None, transforms: Any) -> frozenset[str] | None:
    """The data's fields plus those transforms make; None when that cannot be known."""
    if table is None:
        return None
    names = set(table.fields)
    for t in transforms if isinstance(transforms, list) else []:
        if not isinstance(t, dict):
            continue
        if "pivot" in t or "lookup" in t:  # their fields come from data values or other data
            return None
        made = list(_as_names(t))
        names.update(made)
        if "bin" in t:
            names.update(f"{name}_end" for name in made)
        for op, defaults in (("fold", ("key", "value")), ("density", ("value", "density"))):
            if op in t:
                names.update(defaults)
        if "quantile" in t:
            names.update(("prob", "value"))
    return frozenset(names)


def _as_names(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "as":
                names = value if isinstance(value, list) else [value]
                yield from (n for n in names if isinstance(n, str))
            else:
                yield from _as_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _as_names(item)


def _field_refs(node: Any, at: Path_) -> Iterator[tuple[Path_, str]]:
    """Every `field: name` below an encoding (channels, lists, conditions, sort)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "field" and isinstance(value, str):
                yield (*at, key), value
            else:
                yield from _field_refs(value, (*at, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _field_refs(item, (*at, i))


def _field_root(name: str) -> str:
    """The column a Vega-Lite field refers to: `a.b` and `a[0]` reach into `a`; `a\\.b` is one."""
    out, i = [], 0
    while i < len(name) and name[i] not in ".[":
        i += name[i] == "\\"
        out.append(name[i : i + 1])
        i += 1
    return "".join(out)


def _unknown_field(name: str, table: Table) -> str:
    where = table.file or "the chart's data"
    return f"{where} has no field '{name}'"


def _field_hint(name: str, table: Table) -> str:
    if name in table.fields:
        return f"a dot in a field name reaches into a nested value: write '{_escape_field(name)}'"
    return did_you_mean(_field_root(name), table.fields) or f"fields: {', '.join(table.fields)}"


def _escape_field(name: str) -> str:
    return re.sub(r"([.\[\]])", r"\\\1", name)


# -- HTML -------------------------------------------------------------------------------------


def _figure(
    chart_id: str,
    raw_svg: str,
    title: str,
    description: str,
    table: Table,
    media_href: Callable[[str], str],
) -> str:
    esc = html.escape
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    href = esc(media_href(table.file)) if table.file else ""
    source = (
        f' <span class="chart-source">Source: <a href="{href}">{esc(table.file)}</a></span>'
        if table.file
        else ""
    )
    caption = (
        f'<figcaption><strong class="chart-title" id="{title_id}">{esc(title)}</strong> '
        f'<span class="chart-description" id="{desc_id}">{esc(description)}</span>'
        f"{source}</figcaption>"
    )
    svg = themed_svg(raw_svg, chart_id, title_id, desc_id)
    return (
        f'<figure class="chart" id="{chart_id}">\n{caption}\n{svg}\n'
        f"{_data_table(table, href)}\n</figure>\n"
    )


def _data_table(table: Table, href: str) -> str:
    esc = html.escape

    def num(i: int) -> str:
        return ' class="num"' if table.numeric[i] else ""

    head = "".join(f'<th scope="col"{num(i)}>{esc(f)}</th>' for i, f in enumerate(table.fields))
    rows = "\n".join(
        "<tr>" + "".join(f"<td{num(i)}>{esc(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.cells[:MAX_ROWS]
    )
    total = len(table.cells)
    note = ""
    if table.file and total > MAX_ROWS:
        note = (
            f'Showing {MAX_ROWS} of {total} rows. <a href="{href}">All rows: {esc(table.file)}</a>'
        )
    elif table.file:
        note = f'<a href="{href}">Download {esc(table.file)}</a>'
    elif total > MAX_ROWS:
        note = f"Showing {MAX_ROWS} of {total} rows."
    note = f'\n<p class="chart-data-note">{note}</p>' if note else ""
    return (
        '<details class="chart-data"><summary>Data</summary>\n'
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>{note}\n"
        "</details>"
    )
