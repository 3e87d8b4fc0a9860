"""Concept maps: deterministic, inside the canvas, and with room between concepts."""

from __future__ import annotations

import itertools
import math
import random
import re

import pytest

from site_builder.render.conceptmap import Node, layout, neighbourhood_map, relation_list, site_map


def graph(n: int):
    rng = random.Random(n)
    nodes = [
        Node(f"glossary/c{i:03d}", f"Concept {i}", f"/glossary/c{i:03d}/", i % 7) for i in range(n)
    ]
    edges = sorted({(nodes[i].key, nodes[rng.randrange(n)].key) for i in range(n)})
    return nodes, [(a, b) for a, b in edges if a != b]


@pytest.mark.parametrize("n", [15, 200])
def test_layout_keeps_concepts_apart_and_on_the_canvas(n):
    nodes, edges = graph(n)
    size = max(600.0, 150 * math.sqrt(n))
    positions = layout(nodes, edges, size)
    assert all(0 < x < size and 0 < y < size for x, y in positions.values())
    closest = min(math.dist(a, b) for a, b in itertools.combinations(positions.values(), 2))
    assert closest > 25, closest  # a dot and its label never sit on another dot


def test_maps_are_the_same_every_time_and_link_every_concept():
    nodes, edges = graph(40)
    first, second = site_map(nodes, edges, "Map"), site_map(nodes, edges, "Map")
    assert first == second
    assert len(re.findall(r'<a href="/glossary/c\d{3}/" class="map-node">', first)) == 40
    assert first.count("<line ") == len(edges)


def test_neighbourhood_map_marks_the_current_concept_and_escapes_labels():
    centre = Node("glossary/a", "A <b>&</b>", "/glossary/a/")
    svg = neighbourhood_map(centre, [Node("glossary/b", "B", "/glossary/b/")], "A & friends")
    assert 'class="map-node current" aria-current="page"' in svg
    assert "A &lt;b&gt;&amp;&lt;/b&gt;" in svg and "<title>A &amp; friends</title>" in svg


def test_relation_list_names_each_concept_with_those_it_is_joined_to_both_ways():
    a = Node("glossary/a", "A & co", "/g/a/")
    b = Node("glossary/b", "b", "/g/b/")
    c = Node("glossary/c", "C", "/g/c/")
    html = relation_list([a, b, c], [("glossary/a", "glossary/c"), ("glossary/b", "glossary/a")])
    assert html == (
        '<ul class="plain">\n'
        '<li><a href="/g/a/">A &amp; co</a>: <a href="/g/b/">b</a>, <a href="/g/c/">C</a></li>\n'
        '<li><a href="/g/b/">b</a>: <a href="/g/a/">A &amp; co</a></li>\n'
        '<li><a href="/g/c/">C</a>: <a href="/g/a/">A &amp; co</a></li>\n'
        "</ul>"
    )
    assert (
        relation_list([a], [])
        == '<ul class="plain">\n<li><a href="/g/a/">A &amp; co</a></li>\n</ul>'
    )
