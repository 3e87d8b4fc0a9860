"""Concept maps as inline SVG, laid out at build time: no JavaScript, same bytes every build.

The site map uses a force-directed layout (Fruchterman-Reingold) with a fixed start (a circle in
key order), a fixed number of steps and a grid for the repulsion, whose range shrinks when a
densely related glossary crowds the middle, so it costs about O(concepts x steps). The canvas
grows with the square root of the number of concepts, which keeps labels apart with 15 concepts
or 200. A concept's own map is radial: the concept in the middle and its neighbours around it.
Colours come from the theme's CSS classes, so the maps follow light and dark mode.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    label: str
    url: str
    weight: int = 0  # mentions; draws bigger dots for concepts that come up more


def layout(
    nodes: Sequence[Node], edges: Sequence[tuple[str, str]], size: float
) -> dict[str, tuple[float, float]]:
    """Positions inside a `size` x `size` square, deterministic for the same input."""
    n = len(nodes)
    # fewer steps for big glossaries keeps the cost near linear: ~12,000 node-steps
    steps = max(30, min(120, 12_000 // max(n, 1)))
    if n == 0:
        return {}
    centre = size / 2
    xs, ys = _sunflower(n, size)
    index = {node.key: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b]
    k = size / math.sqrt(n) * 0.75
    margin = max(size * 0.08, 70.0)  # room for a label on either side of a dot
    k2 = k * k
    cell = 2 * k
    pull = 0.5 * k / size  # a gentle pull to the middle keeps loose concepts on the canvas
    low, high = margin, size - margin
    for step in range(steps):
        # repulsion dx/d * k²/d is dx * k²/d²: no square root for the many close pairs
        ax = [(centre - x) * pull for x in xs]
        ay = [(centre - y) * pull for y in ys]
        grid = _grid(xs, ys, cell)
        # a crowded grid would make this step quadratic: repel over a shorter range instead
        crowd = sum(len(members) ** 2 for members in grid.values()) / n
        if crowd > 6:
            cell /= math.sqrt(crowd / 6)
            grid = _grid(xs, ys, cell)
        _repel(xs, ys, grid, cell * cell, k2, ax, ay)
        for i, j in pairs:
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            f = math.sqrt(dx * dx + dy * dy) / k  # dx/d * d²/k
            ax[i] -= dx * f
            ay[i] -= dy * f
            ax[j] += dx * f
            ay[j] += dy * f
        heat = size / 10 * (1 - step / steps) + 1
        for i in range(n):
            dx, dy = ax[i], ay[i]
            d = math.sqrt(dx * dx + dy * dy) or 1.0
            scale = min(d, heat) / d
            xs[i] = min(high, max(low, xs[i] + dx * scale))
            ys[i] = min(high, max(low, ys[i] + dy * scale))
    return _stretch(nodes, xs, ys, size, margin)


def _sunflower(n: int, size: float) -> tuple[list[float], list[float]]:
    """The start: a sunflower spiral, of even density everywhere, so few steps settle it and
    every grid cell holds a handful of concepts."""
    centre = size / 2
    golden = math.pi * (3 - math.sqrt(5))
    pos = [
        [
            centre + size * 0.4 * math.sqrt((i + 0.5) / n) * math.cos(i * golden),
            centre + size * 0.4 * math.sqrt((i + 0.5) / n) * math.sin(i * golden),
        ]
        for i in range(n)
    ]
    return [p[0] for p in pos], [p[1] for p in pos]


def _repel(
    xs: list[float],
    ys: list[float],
    grid: dict[tuple[int, int], list[int]],
    cell2: float,
    k2: float,
    ax: list[float],
    ay: list[float],
) -> None:
    """Add to `ax`, `ay` each node's repulsion from the nodes in its own and the neighbouring
    grid cells, closer than a cell (`cell2`: its square); far nodes are left out, which keeps
    a step near linear."""
    for (cx, cy), members in grid.items():
        near = [
            j for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in grid.get((cx + dx, cy + dy), ())
        ]
        for i in members:
            x, y = xs[i], ys[i]
            fx = fy = 0.0
            for j in near:
                dx, dy = x - xs[j], y - ys[j]
                d2 = dx * dx + dy * dy
                if d2 < cell2 and i != j:
                    f = k2 / (d2 or 0.0001)
                    fx += dx * f
                    fy += dy * f
            ax[i] += fx
            ay[i] += fy


def _stretch(
    nodes: Sequence[Node], xs: list[float], ys: list[float], size: float, margin: float
) -> dict[str, tuple[float, float]]:
    """The positions stretched to fill the canvas: the forces settle on a shape, not a size."""
    n, centre = len(nodes), size / 2
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    inner = size - 2 * margin
    return {
        node.key: (
            round(margin + (xs[i] - min(xs)) / span_x * inner, 1) if n > 1 else centre,
            round(margin + (ys[i] - min(ys)) / span_y * inner, 1) if n > 1 else centre,
        )
        for i, node in enumerate(nodes)
    }


def _grid(xs: list[float], ys: list[float], cell: float) -> dict[tuple[int, int], list[int]]:
    """The nodes in each square of side `cell`."""
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        grid.setdefault((int(x // cell), int(y // cell)), []).append(i)
    return grid


def site_map(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], title: str) -> str:
    """The whole glossary as an SVG: every concept linked to its page."""
    size = max(600.0, 150 * math.sqrt(len(nodes)))
    positions = layout(nodes, edges, size)
    return _svg(nodes, edges, positions, (size, size), title, "concept-map")


def relation_list(nodes: Sequence[Node], edges: Sequence[tuple[str, str]]) -> str:
    """What the site map shows, as a list for screens too narrow to draw it legibly: each
    concept linked, followed by the concepts it is joined to (by label, in a fixed order)."""
    by_key = {node.key: node for node in nodes}
    joined: dict[str, set[str]] = {node.key: set() for node in nodes}
    for a, b in edges:
        if a in by_key and b in by_key and a != b:
            joined[a].add(b)
            joined[b].add(a)
    items = []
    for node in nodes:
        others = sorted(
            (by_key[k] for k in joined[node.key]), key=lambda n: (n.label.casefold(), n.key)
        )
        after = ": " + ", ".join(_link(other) for other in others) if others else ""
        items.append(f"<li>{_link(node)}{after}</li>")
    return '<ul class="plain">\n' + "\n".join(items) + "\n</ul>"


def _link(node: Node) -> str:
    return f'<a href="{escape(node.url)}">{escape(node.label)}</a>'


def neighbourhood_map(centre: Node, neighbours: Sequence[Node], title: str) -> str:
    """One concept in the middle, its neighbours on an ellipse around it (room for labels)."""
    width, height = 600.0, 400.0
    mid_x, mid_y = width / 2, height / 2 - 10
    positions = {centre.key: (mid_x, mid_y)}
    for i, node in enumerate(neighbours):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(neighbours), 1)
        positions[node.key] = (
            round(mid_x + 180 * math.cos(angle), 1),
            round(mid_y + 140 * math.sin(angle), 1),
        )
    edges = [(centre.key, n.key) for n in neighbours]
    return _svg(
        [centre, *neighbours],
        edges,
        positions,
        (width, height),
        title,
        "concept-map local-map",
        current=centre.key,
    )


def _svg(
    nodes: Sequence[Node],
    edges: Sequence[tuple[str, str]],
    positions: dict[str, tuple[float, float]],
    size: tuple[float, float],
    title: str,
    css: str,
    current: str | None = None,
) -> str:
    w, h = size
    out = [
        f'<svg class="{css}" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" role="group" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for a, b in edges:
        if a in positions and b in positions:
            (x1, y1), (x2, y2) = positions[a], positions[b]
            out.append(f'<line class="map-edge" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>')
    for node in nodes:
        x, y = positions[node.key]
        radius = 5 + min(node.weight, 25) ** 0.5 * 1.6
        attrs = (
            ' class="map-node current" aria-current="page"'
            if node.key == current
            else (' class="map-node"')
        )
        out.append(
            f'<a href="{escape(node.url)}"{attrs}><circle cx="{x}" cy="{y}" r="{radius:.1f}"/>'
            f'<text x="{x}" y="{y + radius + 14:.1f}" text-anchor="middle">'
            f"{escape(node.label)}</text></a>"
        )
    out.append("</svg>")
    return "\n".join(out)
