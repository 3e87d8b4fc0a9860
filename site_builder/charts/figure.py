"""A chart's figure: the drawing with its caption, named and described for screen readers, and
a collapsed table of its data."""

from __future__ import annotations

import html
from collections.abc import Callable

from .data import Table
from .drawing import MAX_ROWS, themed_svg


def figure(
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
