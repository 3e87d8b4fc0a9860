"""Concept maps as inline SVG, laid out at build time: no JavaScript, same bytes every build.

The site map uses a force-directed layout (Fruchterman-Reingold) with a fixed start (a circle in
key order), a fixed number of steps and a grid for the repulsion, so it costs about
O(concepts x steps). The canvas grows with the square root of the number of concepts, which
keeps labels apart with 15 concepts or 200. A concept's own map is radial: the concept in the
middle and its neighbours around it. Colours come from the theme's CSS classes, so the maps
follow light and dark mode.
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
    # start from a sunflower spiral: even density everywhere, so few steps settle it and
    # every grid cell holds a handful of concepts
    golden = math.pi * (3 - math.sqrt(5))
    pos = [
        [
            centre + size * 0.4 * math.sqrt((i + 0.5) / n) * math.cos(i * golden),
            centre + size * 0.4 * math.sqrt((i + 0.5) / n) * math.sin(i * golden),
        ]
        for i in range(n)
    ]
    index = {node.key: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b]
    k = size / math.sqrt(n) * 0.75
    cell = 2 * k
    margin = max(size * 0.08, 70.0)  # room for a label on either side of a dot
    for step in range(steps):
        disp = [[0.0, 0.0] for _ in range(n)]
        grid: dict[tuple[int, int], list[int]] = {}
        for i, (x, y) in enumerate(pos):
            grid.setdefault((int(x // cell), int(y // cell)), []).append(i)
        for (cx, cy), members in grid.items():
            near = [
                j
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for j in grid.get((cx + dx, cy + dy), ())
            ]
            for i in members:
                for j in near:
                    if i == j:
                        continue
                    dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
                    d = math.hypot(dx, dy) or 0.01
                    if d < cell:
                        force = k * k / d
                        disp[i][0] += dx / d * force
                        disp[i][1] += dy / d * force
        for i, j in pairs:
            dx, dy = pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]
            d = math.hypot(dx, dy) or 0.01
            force = d * d / k
            disp[i][0] -= dx / d * force
            disp[i][1] -= dy / d * force
            disp[j][0] += dx / d * force
            disp[j][1] += dy / d * force
        for i in range(n):  # a gentle pull to the middle keeps loose concepts on the canvas
            disp[i][0] += (centre - pos[i][0]) * 0.05 * k / size * 10
            disp[i][1] += (centre - pos[i][1]) * 0.05 * k / size * 10
        heat = size / 10 * (1 - step / steps) + 1
        for i in range(n):
            dx, dy = disp[i]
            d = math.hypot(dx, dy) or 1.0
            pos[i][0] = min(size - margin, max(margin, pos[i][0] + dx / d * min(d, heat)))
            pos[i][1] = min(size - margin, max(margin, pos[i][1] + dy / d * min(d, heat)))
    # stretch the result to fill the canvas: the forces settle on a shape, not a size
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    inner = size - 2 * margin
    return {
        node.key: (
            round(margin + (pos[i][0] - min(xs)) / span_x * inner, 1) if n > 1 else centre,
            round(margin + (pos[i][1] - min(ys)) / span_y * inner, 1) if n > 1 else centre,
        )
        for i, node in enumerate(nodes)
    }


def site_map(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], title: str) -> str:
    """The whole glossary as an SVG: every concept linked to its page."""
    size = max(600.0, 150 * math.sqrt(len(nodes)))
    positions = layout(nodes, edges, size)
    return _svg(nodes, edges, positions, (size, size), title, "concept-map")


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
