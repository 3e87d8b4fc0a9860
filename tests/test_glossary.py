"""Glossary autolinking (fixtures), mentions with sentences, and the matcher's cost."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from site_builder.link import build_index, build_matcher
from site_builder.markdown import make_markdown, render_markdown
from site_builder.model import Concept

FIXTURES = Path(__file__).parent / "fixtures"


def concept(slug, term, definition, aliases=(), quiet=(), forms=()):
    return Concept(
        kind="concept",
        slug=slug,
        title=term,
        path=f"content/glossary/{slug}.md",
        body="",
        body_line=1,
        definition=definition,
        aliases=(*aliases, *quiet),
        quiet_aliases=tuple(quiet),
        forms=tuple(forms),
    )


CONCEPTS = [
    concept(
        "ripeness",
        "Ripeness",
        "When both sides would rather talk.",
        aliases=["ripe moment"],
        quiet=["ripe"],
    ),
    concept(
        "mutually-hurting-stalemate",
        "Mutually hurting stalemate",
        "Both sides lose by fighting on.",
        aliases=["MHS"],
    ),
    concept("stalemate", "Stalemate", "Neither side can win."),
    concept(
        "security-guarantee", "Security guarantee", "Promises to defend.", forms=["guarantors"]
    ),
    concept("ceasefire", "Ceasefire", "The guns stop.", aliases=["cease-fire"]),
]
INDEX, _ = build_index(CONCEPTS, [], "/")
MATCHER = build_matcher(INDEX)
MD = make_markdown()


def render(text: str, mode: str = "first", self_key: str = ""):
    return render_markdown(
        MD,
        text,
        first_line=1,
        base_path="/",
        resolve_wikilink=INDEX.resolve_wikilink,
        glossary=MATCHER,
        autolink=mode,
        self_key=self_key,
    )


@pytest.mark.parametrize("line,title,text,expected", read_fixture_file(FIXTURES / "autolink.md"))
def test_autolink_fixture(line, title, text, expected):
    mode, self_key = "first", ""
    if title.startswith("[all]"):
        mode = "all"
    elif title.startswith("[off]"):
        mode = "off"
    elif title.startswith("[self]"):
        self_key = "glossary/stalemate"
    assert render(text, mode, self_key).html == expected


def test_mentions_carry_their_sentence_and_line():
    parsed = render(
        "Intro line.\n\nFirst sentence. The war reached a stalemate in May, "
        "said I. W. Zartman. Later [[ripeness]] came.\n",
        "all",
    )
    (stalemate, ripeness) = parsed.mentions
    assert (stalemate.key, stalemate.line, stalemate.autolink) == ("glossary/stalemate", 3, True)
    assert (stalemate.before, stalemate.text, stalemate.after) == (
        "The war reached a ",
        "stalemate",
        " in May, said I. W. Zartman.",
    )
    assert (ripeness.key, ripeness.autolink) == ("glossary/ripeness", False)
    assert (ripeness.before, ripeness.text, ripeness.after) == ("Later ", "ripeness", " came.")


def test_mentions_in_headings_are_not_linked_but_wikilinks_there_count():
    parsed = render("# A stalemate and [[ripeness]]\n")
    assert [m.key for m in parsed.mentions] == ["glossary/ripeness"]
