"""A chart's spec: parsed (JSON's rule for numbers: an unquoted `0.5` is a float here, though
front matter keeps it as text) and checked against its data (fields, marks, types, title and
description), each problem at its line."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml

from ..errors import ContentError, Diagnostic, did_you_mean
from ..load.frontmatter import parse_yaml
from ..model import Path_
from .data import Table

_MARKS = (
    *("arc", "area", "bar", "boxplot", "circle", "errorband", "errorbar", "geoshape", "image"),
    *("line", "point", "rect", "rule", "square", "text", "tick", "trail"),
)
_TYPES = ("quantitative", "temporal", "ordinal", "nominal", "geojson")
_VIEW_LISTS = ("layer", "hconcat", "vconcat", "concat")
_FRACTION = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")


def parse_spec(source: str, path: str, first_line: int) -> tuple[dict[str, Any], dict[Path_, int]]:
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


def caption(spec: dict[str, Any], problem: Callable[..., None]) -> tuple[str, str]:
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


def check_view(
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
                check_view(sub, (*at, key, i), table, tables, problem)
    if isinstance(view.get("spec"), dict):  # facet and repeat
        check_view(view["spec"], (*at, "spec"), table, tables, problem)


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
