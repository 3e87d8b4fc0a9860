"""Chart data: the files a spec names in content/media (CSV, TSV, JSON records) or its inline
`values`, read into tables: records for Vega-Lite, text cells for the reader's table.

Data is read here and inlined into the spec, so the renderer never touches the disk or the
network. A path that leaves content/media, or any address of another host, is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ContentError, Diagnostic, did_you_mean
from ..load.files import inside, is_regular, read_regular
from ..load.frontmatter import MAX_NESTING
from ..model import Path_, key_line

DATA_KINDS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json"}
_CELL_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+")


@dataclass(frozen=True, slots=True)
class Table:
    """A chart's data: records for Vega-Lite, text cells for the reader's table."""

    fields: tuple[str, ...]
    records: tuple[dict[str, Any], ...]
    cells: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    file: str | None = None  # below content/media, when the data came from a file
    raw: bytes = b""


@dataclass(frozen=True, slots=True)
class Where:
    """A place in a chart's spec: its file, the fence's first line, the line of each key, and
    the keys that lead here. A problem here is a Diagnostic at the line of those keys."""

    path: str
    first_line: int
    lines: dict[Path_, int]
    at: Path_ = ()

    def key(self, *keys: str | int) -> Where:
        return replace(self, at=(*self.at, *keys))

    def problem(self, message: str, hint: str | None = None) -> Diagnostic:
        line = key_line(self.lines, self.at) if self.at else self.first_line
        return Diagnostic(self.path, line, message, hint, code="chart")

    def error(self, message: str, hint: str | None = None) -> ContentError:
        """The problem, to raise where reading stops at it."""
        return ContentError([self.problem(message, hint)])


def load_tables(
    spec: dict[str, Any], media_dir: Path, where: Where, problems: list[Diagnostic]
) -> dict[Path_, Table]:
    """Every `data` in the spec, read; keyed by where it sits. Problems go to `problems`."""
    tables: dict[Path_, Table] = {}
    for at, data in data_blocks(spec, ()):
        try:
            table = _load_table(data, where.key(*at), media_dir)
        except ContentError as exc:
            problems.extend(exc.diagnostics)
            continue
        if table.records:
            tables[at] = table
        else:
            here = where.key(*at, "url" if "url" in data else "values")
            problems.append(
                here.problem(f"{table.file or 'values'} has no rows", "a chart needs some data")
            )
    return tables


def data_blocks(node: Any, at: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Views' `data` and lookups' `from.data`, top level first."""
    if isinstance(node, dict):
        if isinstance(node.get("data"), dict):
            yield (*at, "data"), node["data"]
        for key, value in node.items():
            if key not in ("data", "usermeta"):
                yield from data_blocks(value, (*at, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from data_blocks(item, (*at, i))


def _load_table(data: dict[str, Any], at: Where, media_dir: Path) -> Table:
    fmt = data.get("format") if isinstance(data.get("format"), dict) else {}
    if "url" in data:
        file = _media_file(data["url"], at.key("url"), media_dir)
        name = PurePosixPath(data["url"]).as_posix()
        kind = fmt.get("type") or DATA_KINDS.get(file.suffix.lower())
        try:
            raw = read_regular(file)
        except OSError as exc:
            raise at.key("url").error(f"cannot read {name}: {exc.strerror}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise at.key("url").error(f"{name} is not UTF-8 text", "save it as UTF-8") from None
        table = _read(text, kind, at.key("url"), name)
        return Table(table.fields, table.records, table.cells, table.numeric, name, raw)
    if "values" in data:
        return _read_records(data["values"], at.key("values"), "values")
    raise at.error(
        "data needs `url` (a file in content/media) or `values`",
        "write `data: {url: data/file.csv}` or `data: {values: [{x: 1, y: 2}]}`",
    )


def _media_file(url: Any, at: Where, media_dir: Path) -> Path:
    """The file a data `url` names inside content/media; nothing outside it, nothing remote."""
    if not isinstance(url, str) or not url.strip() or "\0" in url:
        raise at.error("data url must be a path like data/file.csv")
    if url.startswith("//") or re.match(r"[a-zA-Z][a-zA-Z0-9+.-]+:", url):
        raise at.error(
            f"charts do not load data from other hosts: {url}",
            "save the file in content/media and write its path, e.g. url: data/file.csv",
        )
    parts = PurePosixPath(url.replace("\\", "/")).parts
    if url.startswith(("/", "\\")) or "\\" in url or re.match(r"[a-zA-Z]:", url) or ".." in parts:
        suggestion = (
            re.sub(r"^/?(media/)?", "", url.replace("\\", "/")) if ".." not in parts else ""
        )
        raise at.error(
            f"data url '{url}' must be a path inside content/media",
            "paths are relative to content/media"
            + (f": write url: {suggestion}" if suggestion else ", e.g. url: data/file.csv"),
        )
    file = inside(media_dir, url, "content/media/")
    if isinstance(file, str):
        raise at.error(f"data url '{url}' {file}")
    if not is_regular(file):
        raise at.error(f"no data file {url} in content/media", _nearby(url, media_dir))
    return file


def _nearby(url: str, media_dir: Path) -> str:
    """A hint for a missing data file: the closest name, else the files next to where it was."""
    known = sorted(
        p.relative_to(media_dir).as_posix()
        for p in media_dir.rglob("*")
        if p.suffix.lower() in DATA_KINDS and p.is_file()
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


def _read(text: str, kind: Any, at: Where, name: str) -> Table:
    if kind in ("csv", "tsv"):
        return _read_delimited(text, "," if kind == "csv" else "\t", at, name)
    if kind == "json":
        try:
            value = json.loads(text)
            too_deep = _nesting(value) > MAX_NESTING
        except json.JSONDecodeError as exc:
            raise at.error(f"{name} is not valid JSON: {exc}") from None
        except RecursionError:  # json's own limit, near a thousand levels
            too_deep = True
        if too_deep:
            raise at.error(
                f"{name} has arrays and objects nested more than {MAX_NESTING} levels deep",
                "a chart reads an array of records: [{year: 2020, area: 3.5}, ...]",
            )
        return _read_records(value, at, name)
    raise at.error(f"cannot read {name} as data", "use CSV, TSV or JSON (an array of records)")


def _nesting(value: Any) -> int:
    """How many levels of arrays and objects sit below the top one (counted without recursing)."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        node, depth = todo.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            todo.extend(
                (child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def _read_delimited(text: str, delimiter: str, at: Where, name: str) -> Table:
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(map(str.strip, r))]
    if not rows:
        return Table((), (), (), ())
    header = tuple(h.strip() for h in rows[0])
    for i, field in enumerate(header):
        if not field or field in header[:i]:
            what = f"column {i + 1} has no name" if not field else f"column '{field}' appears twice"
            raise at.error(f"{name}: {what} in the header row")
    cells = tuple(tuple((r + [""] * len(header))[: len(header)]) for r in rows[1:])
    numeric = tuple(_is_number_column([row[i] for row in cells]) for i in range(len(header)))
    records = tuple(
        {f: _cell_value(c, n) for f, c, n in zip(header, row, numeric, strict=True)}
        for row in cells
    )
    return Table(header, records, cells, numeric)


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


def _read_records(value: Any, at: Where, name: str) -> Table:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise at.error(
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
    return Table(fields, tuple(value), cells, numeric)


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


def inline_data(spec: dict[str, Any], at: Path_, table: Table) -> None:
    """Replace the `data` at `at` (inside this private copy of the spec) with its values."""
    parent: Any = spec
    for key in at[:-1]:
        parent = parent[key]
    data = parent[at[-1]]
    fmt = {k: v for k, v in (data.get("format") or {}).items() if k != "type"}
    inlined = {k: v for k, v in data.items() if k not in ("url", "values", "format")}
    parent[at[-1]] = {**inlined, "values": list(table.records), **({"format": fmt} if fmt else {})}
