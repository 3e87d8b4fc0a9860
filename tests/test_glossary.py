"""Glossary autolinking (fixtures), mentions with sentences, and the matcher's cost."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from site_builder.feeds.atom import absolute_html
from site_builder.link.index import build_index, build_matcher
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
        path="content/essays/x.md",
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


# One paragraph, a line per repeat: (text repeated, mentions a repeat)
HUGE_PARAGRAPHS = {
    "sentences, a mention each": ("The war reached a stalemate" + ", and so on" * 20 + ".\n", 1),
    "one sentence of mentions": ("the war reached a stalemate in May,\n", 1),
    "a wikilink a sentence": ("Later, as the talks went on for months, [[ripeness]] came.\n", 1),
    "unclosed wikilinks": ("Later [[ the talks went on for months, and the war\n", 0),
}


def parse_cpu_seconds(text: str, mentions: int) -> float:
    """CPU seconds to render `text`, with the collector off as in a build."""
    gc.disable()
    try:
        start = time.process_time()
        parsed = render(text, "all")
        seconds = time.process_time() - start
    finally:
        gc.enable()
    assert len(parsed.mentions) == mentions
    assert not mentions or parsed.mentions[-1].line == text.count("\n")  # lines stay right
    return seconds


@pytest.mark.parametrize("shape", HUGE_PARAGRAPHS)
def test_a_huge_paragraph_parses_in_time_linear_in_its_length(shape):
    """16 times the lines cost about 16 times the time, not 60 to 250 times: each mention's
    line and sentence were found from the paragraph's start, and each `[[` looked for `]]` up
    to its end. CPU time, best of a few runs, so that other processes do not count."""
    unit, each = HUGE_PARAGRAPHS[shape]
    small = min(parse_cpu_seconds(unit * 1000, 1000 * each) for _ in range(3))
    large = min(parse_cpu_seconds(unit * 16000, 16000 * each) for _ in range(2))
    assert large < 5
    assert large / small < 32, f"{small:.3f} s for 1,000 lines, {large:.3f} s for 16,000"


def test_the_parse_says_where_each_root_url_starts_so_feeds_need_not_read_the_html():
    """Autolinks, wikilinks, Markdown links and images, raw HTML (any case, srcset): each
    root-relative URL's start is in `url_starts`; nothing else is (an anchor, another host)."""
    parsed = render(
        "Ripeness, [[stalemate]], [a](/about/), ![i](/media/i.png), <a HREF = '/x/'>x</a>,\n"
        '<img srcset="/s.png 1x, //cdn.example/t.png 2x" alt="">, [b](#top), '
        "[c](https://example.org/d).\n"
    )
    origin = "https://example.org"
    absolute = absolute_html(parsed.html, parsed.url_starts, origin)
    assert len(parsed.url_starts) == 6
    for url in ("/glossary/ripeness/", "/glossary/stalemate/", "/about/", "/media/i.png"):
        assert f'="{origin}{url}"' in absolute
    assert f"HREF = '{origin}/x/'" in absolute and f'srcset="{origin}/s.png 1x' in absolute
    assert " //cdn.example/t.png 2x" in absolute and 'href="#top"' in absolute
    assert "\x00" not in parsed.html and parsed.excerpt.startswith("Ripeness, stalemate, a, , x,")
