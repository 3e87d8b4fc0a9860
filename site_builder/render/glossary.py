"""Pure: the glossary's pages: its index (concepts by letter, the concept map, schema.org's
DefinedTermSet) and each concept's page (who refers to it, its relations, its neighbourhood)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..link.glossary import often_with
from ..model import Concept, Item
from ..slugs import fold
from .conceptmap import Node, neighbourhood_map, relation_list, site_map
from .views import View, backlink_groups

if TYPE_CHECKING:  # the renderer calls in here; only its type is needed
    from .pages import Renderer


def glossary_context(renderer: Renderer, concepts: list[Concept]) -> dict[str, Any]:
    return dict(
        letters=_by_letter(renderer, concepts),
        mentions=renderer.glossary.mentions,
        concept_map=Markup(_site_map(renderer, concepts)),
        map_list=Markup(relation_list(*_map_graph(renderer, concepts))),
        term_set=_term_set(renderer, concepts),
    )


def concept_context(renderer: Renderer, concept: Concept) -> dict[str, Any]:
    refs = renderer.links.referrers.get(concept.key, ())
    groups = backlink_groups(refs, renderer.view)
    dated = [r.item for r in refs if r.item.date and r.item.kind != "concept"]
    first = min(dated, key=lambda i: (i.date, i.path)) if dated else None
    related = renderer.views(renderer.links.related.get(concept.key, ()))
    often = [
        (renderer.view(c), n)
        for c, n in often_with(renderer.glossary, renderer.links, renderer.index, concept.key)
    ]
    relations = [
        (label, renderer.views(cs))
        for label, cs in renderer.glossary.relations.get(concept.key, ())
    ]
    neighbours = {v.key: v for v in related}
    for _, views in relations:
        neighbours.update({v.key: v for v in views})
    for view, _ in often:
        neighbours.setdefault(view.key, view)
    local = neighbourhood_map(
        _node(renderer, concept),
        [_node(renderer, v.item) for v in sorted(neighbours.values(), key=lambda v: fold(v.title))],
        f"{concept.title} and the concepts around it",
    )
    feed = (f"{renderer.config.title}: {concept.title}", renderer.index.url(concept) + "feed.xml")
    return dict(
        feeds=[feed] if refs else [],
        related=related,
        referrers=groups,
        first=first and renderer.view(first),
        mention_count=renderer.glossary.mentions.get(concept.key, 0),
        often_with=often,
        relations=relations,
        local_map=Markup(local) if neighbours else None,
    )


def _term_set(renderer: Renderer, concepts: list[Concept]) -> dict[str, Any]:
    """schema.org DefinedTermSet data; templates serialise it with `tojson`."""
    name = f"{renderer.config.title} glossary"
    return {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "name": name,
        "url": renderer.abs_url("glossary/"),
        "hasDefinedTerm": [
            {
                "@type": "DefinedTerm",
                "name": c.title,
                "description": c.definition,
                "url": renderer.abs_url(renderer.index.url(c)),
            }
            for c in concepts
        ],
    }


def _node(renderer: Renderer, concept: Item) -> Node:
    return Node(
        concept.key,
        concept.title,
        renderer.index.url(concept),
        renderer.glossary.mentions.get(concept.key, 0),
    )


def _map_graph(
    renderer: Renderer, concepts: list[Concept]
) -> tuple[list[Node], list[tuple[str, str]]]:
    """The glossary's concepts and the relations between them, as its map draws them."""
    return [_node(renderer, c) for c in concepts], [(a, b) for a, b, _ in renderer.glossary.edges]


def _site_map(renderer: Renderer, concepts: list[Concept]) -> str:
    return site_map(
        *_map_graph(renderer, concepts), f"Map of the {len(concepts)} concepts in the glossary"
    )


def _by_letter(renderer: Renderer, concepts: list[Concept]) -> list[tuple[str, list[View]]]:
    letters: dict[str, list[View]] = {}
    for concept in concepts:
        first = fold(concept.title)[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(renderer.view(concept))
    return sorted(letters.items())
