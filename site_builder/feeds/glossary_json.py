"""/glossary.json: every concept with its names, definition, URL, relations and counts."""

from __future__ import annotations

import json

from ..link.glossary import Glossary
from ..link.graph import Links
from ..link.index import SiteIndex
from ..model import Concept
from ..slugs import fold


def glossary_json(index: SiteIndex, links: Links, glossary: Glossary, base_url: str) -> bytes:
    """/glossary.json: every concept with its names, definition, URL, relations and counts."""
    origin = base_url.removesuffix(index.base_path)
    terms = []
    for concept in sorted(
        (i for i in index.by_key.values() if isinstance(i, Concept)), key=lambda c: fold(c.title)
    ):
        terms.append(
            {
                "slug": concept.slug,
                "term": concept.title,
                "aliases": list(concept.aliases),
                "definition": concept.definition,
                "url": origin + index.url(concept),
                "related": [c.slug for c in links.related.get(concept.key, ())],
                "relations": {
                    name: [c.slug for c in cs]
                    for name, cs in glossary.relations.get(concept.key, ())
                },
                "mentions": glossary.mentions.get(concept.key, 0),
                "pages": len(links.referrers.get(concept.key, ())),
            }
        )
    data = {"version": 1, "count": len(terms), "terms": terms}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
