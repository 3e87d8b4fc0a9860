"""Pure: what the glossary knows about each concept, derived from the link graph.

Everything here is computed from the inverted index that parsing filled (concept -> the items
that mention it), in time proportional to the number of references, never pages x concepts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain

from ..errors import Diagnostic, did_you_mean
from ..model import RELATION_INVERSES, Concept
from ..slugs import fold
from .graph import Links
from .index import SiteIndex

OFTEN_WITH = 5


def label(kind: str) -> str:
    """`precondition_of` -> 'Precondition of'."""
    return kind.replace("_", " ").replace("-", " ").strip().capitalize()


@dataclass(frozen=True, slots=True)
class Glossary:
    """Per-concept facts for pages, the index, the map and glossary.json."""

    mentions: Mapping[str, int]  # concept key -> number of mentions across the site
    on_page: Mapping[str, frozenset[str]]  # item key -> the concepts it refers to
    relations: Mapping[str, tuple[tuple[str, tuple[Concept, ...]], ...]]  # label -> concepts
    edges: tuple[tuple[str, str, str], ...]  # (from key, to key, kind) for the concept map


def study_glossary(index: SiteIndex, links: Links) -> tuple[Glossary, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    concepts = sorted(
        (i for i in index.by_key.values() if isinstance(i, Concept)), key=lambda c: c.key
    )
    mentions = {
        c.key: sum(len(r.mentions) for r in links.referrers.get(c.key, ())) for c in concepts
    }
    for concept in concepts:
        if not links.referrers.get(concept.key):
            problems.append(
                Diagnostic(
                    concept.path,
                    1,
                    f"'{concept.title}' is not mentioned anywhere on the site",
                    hint="link it from an essay or episode, or list it in their `concepts:`",
                    severity="warning",
                    code="unused",
                )
            )
    relations, edges = _relations(index, concepts, links, problems)
    on_page: dict[str, set[str]] = defaultdict(set)
    for concept, refs in links.referrers.items():
        if not concept.startswith("glossary/"):  # people are references too (link/people.py)
            continue
        for ref in refs:
            on_page[ref.item.key].add(concept)
    frozen = {key: frozenset(found) for key, found in on_page.items()}
    return Glossary(mentions, frozen, relations, edges), problems


def often_with(
    glossary: Glossary, links: Links, index: SiteIndex, key: str
) -> tuple[tuple[Concept, int], ...]:
    """The concepts that share the most pages with this one (ties by name): computed for the
    pages being rendered only, from the pages that refer to it."""
    pages = (glossary.on_page.get(ref.item.key, ()) for ref in links.referrers.get(key, ()))
    shared = Counter(chain.from_iterable(pages))
    shared.pop(key, None)
    counts = sorted(shared.values(), reverse=True)
    floor = counts[OFTEN_WITH - 1] if len(counts) >= OFTEN_WITH else 0
    # only the few with a count that can make the list are ordered by name
    ranked = sorted(
        ((k, n) for k, n in shared.items() if n >= floor),
        key=lambda kv: (-kv[1], fold(index.by_key[kv[0]].title)),
    )
    return tuple((index.by_key[k], n) for k, n in ranked[:OFTEN_WITH])


def _relations(index: SiteIndex, concepts: list[Concept], links: Links, problems: list[Diagnostic]):
    by_label: dict[str, dict[str, dict[str, Concept]]] = defaultdict(lambda: defaultdict(dict))
    edges: set[tuple[str, str, str]] = set()
    names = [c.slug for c in concepts]
    for concept in concepts:
        for other in links.related.get(concept.key, ()):
            if concept.key < other.key:
                edges.add((concept.key, other.key, "related"))
        for kind, slugs in concept.relations:
            for slug in slugs:
                other = index.by_key.get(f"glossary/{slug}")
                if not isinstance(other, Concept):
                    problems.append(
                        Diagnostic(
                            concept.path,
                            concept.line_of("relations", kind),
                            f"unknown concept '{slug}' in relations.{kind}",
                            hint=did_you_mean(slug, names),
                            code="reference",
                        )
                    )
                    continue
                by_label[concept.key][label(kind)][other.key] = other
                inverse = RELATION_INVERSES.get(kind)
                back = label(inverse) if inverse else f"{label(kind)} (from)"
                by_label[other.key][back][concept.key] = concept
                edges.add((concept.key, other.key, kind))
    relations = {
        key: tuple(
            (name, tuple(sorted(found.values(), key=lambda c: fold(c.title))))
            for name, found in sorted(labels.items())
        )
        for key, labels in by_label.items()
    }
    return relations, tuple(sorted(edges))
