"""`suggest` reads a body's blocks as markdown-it does, running it only where it must
(site_builder/suggest/blocks.py): the same paragraphs, at the same lines, and the same
references and footnotes defined."""

from __future__ import annotations

from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.load.frontmatter import split
from site_builder.markdown import make_markdown
from site_builder.suggest.blocks import prose_inlines

MD = make_markdown()
# lines that are, begin, continue or end every kind of block, and plain ones
LINES = [
    *("", "   ", "\t", "Plain words here.", "more words", "Words, a [link][a] and [[a-b]]."),
    *("# Heading", "###### Six", "####### seven", "#hashtag", "#", "## Closed ##"),
    *("> A quote", "> [a]: /quoted-ref", ">", "> > nested", "lazy after a quote"),
    *("- item", "* item", "+ item", "1. first", "2) second", "1.5 million", "-", "  - nested"),
    *("- # heading", "- ", "-  two spaces", "- 1. x", "+ [link](/x)", "- > quote", "- ---"),
    *("```", "```python", "~~~", "    indented code", "  two spaces", "\tTabbed"),
    *("<!-- a comment", "-->", "<div>", "</div>", "<pre>", "</pre>", "<span>inline</span>"),
    *("[a]: /url", "[b]:", "/later-url", "[^1]: A note.", "    the note goes on", "[^1]"),
    *("| a | b |", "|---|---|", "a | b", "--- | ---", ":--", "===", "---", "***", "___"),
    *("Text\r", "\u00a0nbsp", "`code` span", "\\# escaped", "&amp; entity", "<https://x.y>"),
]


def reference(body: str, env: dict) -> list[tuple[int, str]]:
    """What a walk of markdown-it's own block parse of the whole body gives."""
    tokens: list = []
    MD.block.parse(body, MD, env, tokens)
    found, skipped = [], 0
    for token in tokens:
        if token.type in ("blockquote_open", "heading_open"):
            skipped += 1
        elif token.type in ("blockquote_close", "heading_close"):
            skipped -= 1
        elif token.type == "inline" and not skipped:
            found.append((token.map[0] if token.map else 0, token.content))
    return found


def assert_read_alike(body: str) -> None:
    env, expected = {}, {}
    assert prose_inlines(MD, body, env) == reference(body, expected), body
    assert env == expected, body


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=14), st.sampled_from(["", "\n", "\n\n", " "]))
def test_any_mix_of_blocks_reads_as_markdown_it_reads_it(lines, end):
    assert_read_alike("\n".join(lines) + end)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.lists(st.sampled_from(LINES), min_size=1, max_size=3), max_size=6))
def test_any_groups_of_lines_between_blank_ones_read_as_markdown_it_reads_them(groups):
    assert_read_alike("\n\n".join("\n".join(lines) for lines in groups))


def test_an_indented_group_after_a_list_goes_on_with_its_last_item():
    for after in ("    more of the item", "\tmore of it", "      code in the item", "  more"):
        body = f"- one\n- two\n\n{after}\n\nAfter.\n"
        assert_read_alike(body)


def test_a_fence_or_a_comment_open_across_blank_lines_hides_the_paragraphs_after_it():
    for opening, closing in (("```", "```"), ("~~~", "~~~"), ("<!--", "-->"), ("<pre>", "</pre>")):
        body = f"Before.\n\n{opening}\n\nnot prose\n\n# not a heading\n\n{closing}\n\nAfter.\n"
        assert_read_alike(body)
        assert [text for _, text in prose_inlines(MD, body, {})] == ["Before.", "After."]


def test_the_example_site_and_the_test_sites_read_alike():
    bodies = 0
    for folder in ("content", "tests/sites", "tests/fixtures", "docs"):
        for path in sorted((REPO / folder).rglob("*.md")):
            assert_read_alike(split(path.read_text(encoding="utf-8"), str(path)).body)
            bodies += 1
    assert bodies > 50
