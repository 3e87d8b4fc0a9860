"""Markdown plugins, in markdown-it's fixture format (title / input / expected HTML)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from site_builder.errors import ContentError, Diagnostic
from site_builder.link.index import build_index
from site_builder.markdown import make_markdown, render_markdown
from site_builder.model import Concept, Episode, Essay

FIXTURES = Path(__file__).parent / "fixtures"
WHEN = datetime(2026, 3, 14, tzinfo=UTC)


def _index():
    items = [
        Concept(
            kind="concept",
            slug="ripeness",
            title="Ripeness",
            path="content/glossary/r.md",
            body="",
            body_line=1,
            definition="When both sides would rather talk.",
        ),
        Concept(
            kind="concept",
            slug="mutually-hurting-stalemate",
            title="Mutually hurting stalemate",
            path="content/glossary/m.md",
            body="",
            body_line=1,
            definition="Both sides lose by fighting on.",
            aliases=("MHS",),
        ),
        Essay(
            kind="essay",
            slug="the-summit",
            title="The summit fizzled",
            path="content/essays/2026-03-14-the-summit.md",
            body="",
            body_line=1,
            date=WHEN,
        ),
        Episode(
            kind="episode",
            slug="ripe-for-what",
            title="Ripe for what?",
            path="content/episodes/001-ripe-for-what.md",
            body="",
            body_line=1,
            date=WHEN,
            number=1,
        ),
    ]
    index, problems = build_index(items, [], "/sub/")
    assert problems == []
    return index


INDEX = _index()
MD = make_markdown()


def render(text: str, first_line: int = 1):
    return render_markdown(
        MD,
        text,
        path="content/essays/x.md",
        first_line=first_line,
        base_path="/sub/",
        resolve_wikilink=INDEX.resolve_wikilink,
    )


@pytest.mark.parametrize(
    "line,title,text,expected",
    [*read_fixture_file(FIXTURES / "wikilinks.md"), *read_fixture_file(FIXTURES / "markdown.md")],
)
def test_fixture(line, title, text, expected):
    assert render(text).html == expected


def test_unknown_wikilink_is_reported_at_its_line_counting_the_front_matter():
    body = "First paragraph.\n\nSecond, with a\nbroken [[ripenes]] link.\n"
    parsed = render(body, first_line=5)
    assert [d.format() for d in parsed.problems] == [
        "content/essays/x.md:8: error: unknown link target [[ripenes]] [reference]\n"
        "    hint: did you mean 'ripeness'?"
    ]


def test_wikilink_in_a_table_cell_is_reported_at_its_row():
    parsed = render("| a |\n|---|\n| x |\n| [[nope]] |\n", first_line=10)
    assert [p.line for p in parsed.problems] == [13]


def test_ambiguous_slug_asks_for_kind():
    items = [
        *INDEX.by_key.values(),
        Essay(
            kind="essay",
            slug="ripeness",
            title="On ripeness",
            path="content/essays/x.md",
            body="",
            body_line=1,
            date=WHEN,
        ),
    ]
    index, _ = build_index(items, [], "/")
    parsed = render_markdown(
        MD,
        "[[ripeness]]",
        path="content/essays/y.md",
        first_line=1,
        base_path="/",
        resolve_wikilink=index.resolve_wikilink,
    )
    (problem,) = parsed.problems
    message, hint = problem.message, problem.hint
    assert message == "[[ripeness]] is ambiguous"
    assert "[[glossary/ripeness]]" in hint and "[[essays/ripeness]]" in hint


def test_references_are_recorded_for_the_link_phase():
    parsed = render("# Top\n\n[[the-summit#what-went-wrong]] and [/x](/glossary/)\n", 3)
    assert [(w.key, w.anchor, w.line) for w in parsed.wikilinks] == [
        ("essays/the-summit", "what-went-wrong", 5)
    ]
    assert parsed.root_links == (("/glossary/", 5),)
    assert [(h.level, h.id, h.text) for h in parsed.headings] == [(1, "top", "Top")]


def test_a_chart_s_problems_keep_their_severity_and_are_placed_inside_the_fence():
    def draw(source: str, first_line: int) -> str:
        raise ContentError(
            [
                Diagnostic("content/essays/x.md", 99, "a note", "a hint", "chart", "warning"),
                Diagnostic("content/essays/x.md", None, "wrong", code="chart"),
            ]
        )

    parsed = render_markdown(
        MD,
        "Text.\n\n```chart\nmark: line\ntitle: T\n```\n",
        path="content/essays/x.md",
        first_line=4,
        base_path="/",
        resolve_wikilink=INDEX.resolve_wikilink,
        chart=draw,
    )
    assert [d.format() for d in parsed.problems] == [
        "content/essays/x.md:7: error: wrong [chart]",
        "content/essays/x.md:8: warning: a note [chart]\n    hint: a hint",
    ]
