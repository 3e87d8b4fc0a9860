"""Charts: a ```chart fence holding a Vega-Lite spec becomes an accessible inline SVG figure.

Drawn at build time (vl-convert), so readers get a chart without JavaScript, and an author's
mistake is a positioned build error, not a blank box. The spec is YAML (JSON is YAML too).

- Data comes from a file in content/media (CSV, TSV or a JSON array of records) or from inline
  `values`. It is read here and inlined, so vl-convert never touches the disk or the network;
  it is also given no base URL it may load from, as a second lock.
- Numbers: `parse_yaml` keeps `0.5` as text (front matter wants that); a spec wants JSON's rule
  instead, so an unquoted scalar that reads as a decimal fraction becomes a float here, while a
  quoted one stays text.
- Colours: vl-convert draws with the light theme's colours; every such colour is then tagged with
  a class that style.css maps to the theme's custom properties, so charts follow dark mode, and
  still read well where the stylesheet is missing (feed readers keep the attributes).
- Accessibility: the SVG is `role="img"`, named by the figcaption's title and described by its
  description; a collapsed table holds the data itself.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import hashlib
import html
import io
import json
import math
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import yaml

from .errors import ContentError, Diagnostic, did_you_mean
from .frontmatter import Path_, key_line, parse_yaml

CHART_FORMAT = "1"  # bump when the drawing or its post-processing changes: old cache entries go
MAX_ROWS = 100  # rows shown in the data table

# The light theme's colours (style.css :root). Each must be distinct: a colour is how a role is
# recognised again in the SVG. style.css maps the classes to custom properties.
INK, INK_2, RULE = "#1f1d1a", "#4c4740", "#d9d1bf"
PALETTE = (
    "#8c2f25",  # --chart-1, the accent
    "#2a6f97",
    "#a8650a",
    "#3b7d3b",
    "#6b4c9a",
    "#0f7c7a",
    "#a23e7a",
    "#6b6358",
)
COLOUR_CLASSES = {INK: "ink", INK_2: "ink-2", RULE: "rule"} | {
    colour: f"c{i}" for i, colour in enumerate(PALETTE, 1)
}
# Arial's metrics: vl-convert lays labels out with Liberation Sans (metric-compatible with Arial and
# Helvetica), so browsers draw them at the widths they were measured at; system-ui would not be.
_FONT = 'Arial, Helvetica, "Liberation Sans", sans-serif'
_TEXT = {"labelColor": INK_2, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 13}
THEME_CONFIG: dict[str, Any] = {
    "background": None,
    "font": _FONT,
    "view": {"stroke": None, "continuousWidth": 560, "discreteWidth": 560, "continuousHeight": 280},
    "axis": {**_TEXT, "gridColor": RULE, "domainColor": INK_2, "tickColor": INK_2},
    "legend": _TEXT,
    "header": _TEXT,
    "title": {"color": INK, "subtitleColor": INK_2},
    "mark": {"color": PALETTE[0]},
    "text": {"color": INK},
    "range": {"category": list(PALETTE)},
}

_MARKS = (
    *("arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "geoshape", "image"),
    *("line", "point", "rect", "rule", "square", "text", "tick", "trail"),
)
_TYPES = ("quantitative", "temporal", "ordinal", "nominal", "geojson")
_VIEW_LISTS = ("layer", "hconcat", "vconcat", "concat")
_DATA_KINDS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json"}
_FRACTION = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")
_CELL_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+")
_SVG = "http://www.w3.org/2000/svg"
_DOCS = "check the spec against https://vega.github.io/vega-lite/docs/"


@dataclass(frozen=True, slots=True)
class _Table:
    """A chart's data: records for Vega-Lite, text cells for the reader's table."""

    fields: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    cells: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    file: str | None = None  # below content/media, when the data came from a file
    raw: bytes = b""


def render_chart(
    source: str,
    *,
    path: str,
    first_line: int,
    media_dir: Path,
    media_href: Callable[[str], str],
    cache_dir: Path | None = None,
) -> str:
    """The HTML figure for the body of a ```chart fence, or ContentError with every problem.

    `first_line` is the file line of the fence's first content line; diagnostics point inside
    the fence. With `cache_dir`, a drawing is reused while spec, data, theme and vl-convert stay
    the same.
    """
    spec, lines = _parse(source, path, first_line)
    problems: list[Diagnostic] = []

    def problem(at: Path_, message: str, hint: str | None) -> None:
        problems.append(_diagnostic(path, key_line(lines, at) if at else first_line, message, hint))

    title, description = _caption(spec, problem)
    tables = _load_tables(spec, media_dir, problem)
    if next(_data_blocks(spec, ()), None) is None:
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
        _inline(drawing, at, table)
    svg = _draw(drawing, source, tables, cache_dir, path, first_line)

    chart_id = f"chart-{hashlib.sha256(source.encode()).hexdigest()[:8]}-{first_line}"
    main = next(iter(tables.values()))
    return _figure(chart_id, svg, title, description, main, media_href)


def chart_drawer(
    path: str, media_dir: Path, base_path: str, cache_dir: Path | None
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
            cache_dir=cache_dir,
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
            if file.suffix.lower() in _DATA_KINDS and file.is_file():
                h.update(file.relative_to(media_dir).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(file.read_bytes()).digest())
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
        return _diagnostic(
            d.path,
            d.line,
            "a chart must be a Vega-Lite spec: a mapping of keys to values",
            "start with `mark: line`, one key per line, or write the spec as a JSON object",
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
    table: _Table | None,
    tables: dict[Path_, _Table],
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


def _fields_in_scope(table: _Table | None, transforms: Any) -> frozenset[str] | None:
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


def _unknown_field(name: str, table: _Table) -> str:
    where = table.file or "the chart's data"
    return f"{where} has no field '{name}'"


def _field_hint(name: str, table: _Table) -> str:
    if name in table.fields:
        return f"a dot in a field name reaches into a nested value: write '{_escape_field(name)}'"
    return did_you_mean(_field_root(name), table.fields) or f"fields: {', '.join(table.fields)}"


def _escape_field(name: str) -> str:
    return re.sub(r"([.\[\]])", r"\\\1", name)


# -- data -------------------------------------------------------------------------------------


def _load_tables(
    spec: dict[str, Any], media_dir: Path, problem: Callable[..., None]
) -> dict[Path_, _Table]:
    """Every `data` in the spec, read; keyed by where it sits. Problems go to `problem`."""
    tables: dict[Path_, _Table] = {}
    for at, data in _data_blocks(spec, ()):
        try:
            table = _load_table(data, at, media_dir)
        except _Problem as exc:
            problem(exc.at, exc.message, exc.hint)
            continue
        if table.records:
            tables[at] = table
        else:
            where = (*at, "url") if "url" in data else (*at, "values")
            problem(where, f"{table.file or 'values'} has no rows", "a chart needs some data")
    return tables


class _Problem(Exception):
    def __init__(self, at: Path_, message: str, hint: str | None = None):
        super().__init__(message)
        self.at, self.message, self.hint = at, message, hint


def _data_blocks(node: Any, at: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Views' `data` and lookups' `from.data`, top level first."""
    if isinstance(node, dict):
        if isinstance(node.get("data"), dict):
            yield (*at, "data"), node["data"]
        for key, value in node.items():
            if key not in ("data", "usermeta"):
                yield from _data_blocks(value, (*at, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _data_blocks(item, (*at, i))


def _load_table(data: dict[str, Any], at: Path_, media_dir: Path) -> _Table:
    fmt = data.get("format") if isinstance(data.get("format"), dict) else {}
    if "url" in data:
        file = _media_file(data["url"], (*at, "url"), media_dir)
        name = PurePosixPath(data["url"]).as_posix()
        kind = fmt.get("type") or _DATA_KINDS.get(file.suffix.lower())
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _Problem((*at, "url"), f"{name} is not UTF-8 text", "save it as UTF-8") from None
        table = _read(text, kind, (*at, "url"), name)
        return _Table(table.fields, table.records, table.cells, table.numeric, name, raw)
    if "values" in data:
        return _read_records(data["values"], (*at, "values"), "values")
    raise _Problem(
        at,
        "data needs `url` (a file in content/media) or `values`",
        "write `data: {url: data/file.csv}` or `data: {values: [{x: 1, y: 2}]}`",
    )


def _media_file(url: Any, at: Path_, media_dir: Path) -> Path:
    """The file a data `url` names inside content/media; nothing outside it, nothing remote."""
    if not isinstance(url, str) or not url.strip() or "\0" in url:
        raise _Problem(at, "data url must be a path like data/file.csv")
    if url.startswith("//") or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]+:", url):
        raise _Problem(
            at,
            f"charts do not load data from other hosts: {url}",
            "save the file in content/media and write its path, e.g. url: data/file.csv",
        )
    parts = PurePosixPath(url.replace("\\", "/")).parts
    if url.startswith(("/", "\\")) or "\\" in url or re.match(r"[a-zA-Z]:", url) or ".." in parts:
        suggestion = (
            re.sub(r"^/?(media/)?", "", url.replace("\\", "/")) if ".." not in parts else ""
        )
        raise _Problem(
            at,
            f"data url '{url}' must be a path inside content/media",
            "paths are relative to content/media"
            + (f": write url: {suggestion}" if suggestion else ", e.g. url: data/file.csv"),
        )
    file = media_dir / url
    if file.exists() and not file.resolve().is_relative_to(media_dir.resolve()):
        raise _Problem(at, f"data url '{url}' leads outside content/media (a symlink)")
    if not file.is_file():
        raise _Problem(at, f"no data file {url} in content/media", _nearby(url, media_dir))
    return file


def _nearby(url: str, media_dir: Path) -> str:
    """A hint for a missing data file: the closest name, else the files next to where it was."""
    known = sorted(
        p.relative_to(media_dir).as_posix()
        for p in media_dir.rglob("*")
        if p.suffix.lower() in _DATA_KINDS and p.is_file()
    )
    folder = PurePosixPath(url).parent
    here = [k for k in known if PurePosixPath(k).parent == folder]
    # names without folder and extension: all data paths share those, so unrelated files would
    # look alike
    for pool in (here, known):
        by_stem: dict[str, str] = {}
        for k in pool:
            by_stem.setdefault(PurePosixPath(k).stem, k)
        hint = did_you_mean(PurePosixPath(url).stem, by_stem)
        if hint and (match := re.search(r"'(.*)'", hint)):
            return f"did you mean '{by_stem[match.group(1)]}'?"
    where = f"content/media/{folder}" if here and folder.name else "content/media"
    listed = here or known
    return f"data files in {where}: {', '.join(listed[:10])}" if listed else "no data files yet"


def _read(text: str, kind: Any, at: Path_, name: str) -> _Table:
    if kind in ("csv", "tsv"):
        return _read_delimited(text, "," if kind == "csv" else "\t", at, name)
    if kind == "json":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _Problem(at, f"{name} is not valid JSON: {exc}") from None
        return _read_records(value, at, name)
    raise _Problem(at, f"cannot read {name} as data", "use CSV, TSV or JSON (an array of records)")


def _read_delimited(text: str, delimiter: str, at: Path_, name: str) -> _Table:
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(map(str.strip, r))]
    if not rows:
        return _Table((), (), (), ())
    header = tuple(h.strip() for h in rows[0])
    for i, field in enumerate(header):
        if not field or field in header[:i]:
            what = f"column {i + 1} has no name" if not field else f"column '{field}' appears twice"
            raise _Problem(at, f"{name}: {what} in the header row")
    cells = tuple(tuple((r + [""] * len(header))[: len(header)]) for r in rows[1:])
    numeric = tuple(_is_number_column([row[i] for row in cells]) for i in range(len(header)))
    records = tuple(
        {f: _cell_value(c, n) for f, c, n in zip(header, row, numeric, strict=True)}
        for row in cells
    )
    return _Table(header, records, cells, numeric)


def _is_number_column(cells: list[str]) -> bool:
    """All numbers (blanks allowed): how Vega-Lite reads CSV. `007` keeps a column text."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(_CELL_NUMBER.fullmatch(c) for c in filled)


def _cell_value(cell: str, numeric: bool) -> Any:
    text = cell.strip()
    if not numeric:
        return cell
    if not text:
        return None
    return int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else float(text)


def _read_records(value: Any, at: Path_, name: str) -> _Table:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise _Problem(
            at,
            f"{name} must be an array of records",
            "write one record per row: [{year: 2020, area: 3.5}, {year: 2021, area: 4}]",
        )
    fields = tuple(dict.fromkeys(k for r in value for k in r))
    numeric = tuple(
        all(r.get(f) is None or _is_number(r.get(f)) for r in value)
        and any(_is_number(r.get(f)) for r in value)
        for f in fields
    )
    cells = tuple(tuple(_cell_text(r.get(f)) for f in fields) for r in value)
    return _Table(fields, tuple(value), cells, numeric)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _inline(spec: dict[str, Any], at: Path_, table: _Table) -> None:
    """Replace the `data` at `at` (inside this private copy of the spec) with its values."""
    parent: Any = spec
    for key in at[:-1]:
        parent = parent[key]
    data = parent[at[-1]]
    fmt = {k: v for k, v in (data.get("format") or {}).items() if k != "type"}
    inlined = {k: v for k, v in data.items() if k not in ("url", "values", "format")}
    parent[at[-1]] = {**inlined, "values": list(table.records), **({"format": fmt} if fmt else {})}


# -- drawing ----------------------------------------------------------------------------------


def _draw(
    spec: dict[str, Any],
    source: str,
    tables: dict[Path_, _Table],
    cache_dir: Path | None,
    path: str,
    first_line: int,
) -> str:
    """vl-convert's SVG for the spec, from the cache when the same drawing was made before."""
    import vl_convert as vlc  # here, not at the top: sites without charts skip its start-up

    entry = None
    if cache_dir is not None:
        key = _cache_key(source, [t.raw for t in tables.values()], vlc.__version__)
        entry = cache_dir / f"{key}.svg"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            cached = entry.read_text(encoding="utf-8")
            if _is_svg(cached):  # a damaged entry is drawn again
                return cached
    try:
        svg = vlc.vegalite_to_svg(spec, config=THEME_CONFIG, allowed_base_urls=[])
    except Exception as exc:  # vl-convert reports every Vega-Lite failure as an exception
        raise ContentError(
            [
                _diagnostic(
                    path, first_line, f"Vega-Lite rejected the chart: {_first_line(exc)}", _DOCS
                )
            ]
        ) from None
    if entry is not None:
        _write_atomically(entry, svg)
    return svg


def _cache_key(source: str, data: list[bytes], version: str) -> str:
    digest = hashlib.sha256()
    theme = json.dumps(THEME_CONFIG, sort_keys=True)
    for part in (CHART_FORMAT, version, theme, source, *data):
        chunk = part.encode() if isinstance(part, str) else part
        digest.update(len(chunk).to_bytes(8, "big") + chunk)  # lengths keep the parts apart
    return digest.hexdigest()


def _is_svg(text: str) -> bool:
    try:
        return ET.fromstring(text).tag == f"{{{_SVG}}}svg"
    except ET.ParseError:
        return False


def _write_atomically(entry: Path, text: str) -> None:
    # A cache that cannot be written only costs time: the chart is still drawn.
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".chart-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, entry)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def _first_line(exc: Exception) -> str:
    """The message of a JavaScript error, without its stack and without the spec it quotes."""
    for line in str(exc).splitlines():
        line = line.strip()
        if line and not line.startswith("at ") and not line.endswith("conversion failed:"):
            line = re.sub(r"^Error: ", "", line)
            line = re.sub(r"Invalid specification \{.*\}\.", "Invalid specification.", line)
            return line if len(line) <= 200 else line[:199] + "…"
    return type(exc).__name__


def _themed_svg(raw: str, chart_id: str, title_id: str, desc_id: str) -> str:
    """Safe to inline, coloured by classes, ids unique on the page, named by the figcaption."""
    root = ET.fromstring(raw)
    _strip_unsafe(root)
    for el in root.iter():
        classes = [c for c in (el.get("class") or "").split() if c]
        for attr in ("fill", "stroke"):
            role = COLOUR_CLASSES.get((el.get(attr) or "").lower())
            if role:
                classes.append(f"chart-{attr}-{role}")
        if classes:
            el.set("class", " ".join(classes))
        if "id" in el.attrib:
            el.set("id", f"{chart_id}-{el.get('id')}")
        for name, value in el.attrib.items():
            if "url(#" in value:
                el.set(name, value.replace("url(#", f"url(#{chart_id}-"))
        if (el.get("href") or "").startswith("#"):
            el.set("href", f"#{chart_id}-{el.get('href')[1:]}")
    root.set("class", "chart-svg")
    root.attrib.pop("version", None)
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("aria-describedby", desc_id)
    for el in root.iter():  # plain names: ElementTree would invent prefixes ("ns0:svg")
        el.tag = el.tag.split("}")[1]
    root.attrib = {"xmlns": _SVG, **root.attrib}
    return ET.tostring(root, encoding="unicode")


def _strip_unsafe(root: ET.Element) -> None:
    """No scripts, styles, foreign content, event handlers or references to other files.

    Vega's own ARIA labels go too: inside a `role="img"` they are never read, only downloaded.
    """
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if not tag.startswith(f"{{{_SVG}}}") or tag.split("}")[1] in (
                "script",
                "style",
                "foreignObject",
            ):
                parent.remove(child)
    for el in root.iter():
        for name, value in list(el.attrib.items()):
            local = name.split("}")[-1]
            del el.attrib[name]
            if local.lower().startswith("on") or re.search(r"url\(\s*['\"]?(?!#)", value):
                continue
            if local in ("role", "aria-label", "aria-roledescription"):
                continue
            if local == "href":
                if value.startswith("#"):
                    el.set("href", value)  # xlink:href would need a prefix HTML does not know
                continue
            if name.startswith("{"):
                continue  # attributes in other namespaces
            el.set(name, value)


# -- HTML -------------------------------------------------------------------------------------


def _figure(
    chart_id: str,
    raw_svg: str,
    title: str,
    description: str,
    table: _Table,
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
    svg = _themed_svg(raw_svg, chart_id, title_id, desc_id)
    return (
        f'<figure class="chart" id="{chart_id}">\n{caption}\n{svg}\n'
        f"{_data_table(table, href)}\n</figure>\n"
    )


def _data_table(table: _Table, href: str) -> str:
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


def _diagnostic(path: str, line: int | None, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(path, line, message, hint=hint, code="chart")
