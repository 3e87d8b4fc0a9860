"""Related reading as readers see it under essays and episodes, and as authors steer it
(`related: false`, `related: [slug, ...]`, and the errors a wrong slug gets)."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.errors import ContentError

NOW = datetime(2026, 11, 20, tzinfo=UTC)

CONCEPTS = {
    "ripeness": "Ripeness",
    "stalemate": "Stalemate",
    "security-guarantees": "security guarantees",
}
ESSAYS = {
    "2026-01-10-first.md": "title: First\ndate: 2026-01-10\ntags: [history]\n---\nOn ripeness.",
    "2026-02-10-second.md": "title: Second\ndate: 2026-02-10\ntags: [history]\n---\nNothing.",
    "2026-03-10-third.md": (
        "title: Third\ndate: 2026-03-10\n---\nOn ripeness, the stalemate and security guarantees."
    ),
    "2026-04-10-fourth.md": "title: Fourth\ndate: 2026-04-10\n---\nThe stalemate.",
    "2026-05-10-fifth.md": "title: Fifth\ndate: 2026-05-10\nconcepts: [stalemate]\n---\nText.",
}
EPISODE = (
    "title: An episode & more\nnumber: 1\ndate: 2026-06-01\n---\nOn security guarantees and"
    " ripeness."
)


def _site(tmp_path: Path, essays: dict[str, str] | None = None) -> Path:
    root = tmp_path / "site"
    (root / "content/glossary").mkdir(parents=True)
    (root / "content/essays").mkdir()
    (root / "content/episodes").mkdir()
    (root / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n")
    for slug, term in CONCEPTS.items():
        (root / f"content/glossary/{slug}.md").write_text(
            f"---\nterm: {term}\ndefinition: A definition.\n---\n"
        )
    for name, text in {**ESSAYS, **(essays or {})}.items():
        (root / f"content/essays/{name}").write_text(f"---\n{text}\n")
    (root / "content/episodes/001-an-episode.md").write_text(f"---\n{EPISODE}\n")
    return root


class _Related(HTMLParser):
    """(title, href, kind and date, reason) of each piece in a page's related reading."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[list[str]] = []
        self.heading = ""
        self._in = False
        self._at: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        cls = attrs.get("class") or ""
        if tag == "section" and cls == "related":
            self._in = True
        elif self._in and tag == "h2":
            self._at = "heading"
        elif self._in and tag == "li":
            self.entries.append(["", "", "", ""])
        elif self._in and tag == "a" and cls == "related-title":
            self.entries[-1][1] = attrs["href"]
            self._at = "title"
        elif self._in and tag == "span":
            self._at = {"meta-inline": "meta", "why": "why"}.get(cls, self._at)

    def handle_endtag(self, tag):
        if tag == "section":
            self._in = False
        if tag in ("a", "h2") or (tag == "span" and self._at in ("meta", "why")):
            self._at = None

    def handle_data(self, data):
        if self._at == "heading":
            self.heading += data
        elif self._at is not None:
            column = {"title": 0, "meta": 2, "why": 3}[self._at]
            self.entries[-1][column] += data


def related(files: dict[str, bytes], page: str) -> list[tuple[str, ...]]:
    parser = _Related()
    parser.feed(files[page].decode())
    return [tuple(" ".join(x.split()) for x in entry) for entry in parser.entries]


def test_each_piece_shows_up_to_three_related_pieces_each_with_its_reason(tmp_path):
    files = make_site(load_config(_site(tmp_path)), now=NOW).files
    assert related(files, "essays/third/index.html") == [
        # two rarer concepts beat one common one; of two equal, the newer comes first
        (
            "An episode & more",
            "/episodes/an-episode/",
            "Episode 1 · 1 June 2026",
            "also on security guarantees and Ripeness",
        ),
        ("Fifth", "/essays/fifth/", "Essay · 10 May 2026", "also on Stalemate"),
        ("Fourth", "/essays/fourth/", "Essay · 10 April 2026", "also on Stalemate"),
    ]
    assert related(files, "episodes/an-episode/index.html")[0][0] == "Third"
    # a tag shared, with the concept
    assert related(files, "essays/first/index.html")[:2] == [
        ("An episode & more", "/episodes/an-episode/", "Episode 1 · 1 June 2026",
         "also on Ripeness"),
        ("Third", "/essays/third/", "Essay · 10 March 2026", "also on Ripeness"),
    ]  # fmt: skip
    assert ("Second", "/essays/second/", "Essay · 10 February 2026", "also tagged history") in (
        related(files, "essays/first/index.html")
    )


def test_people_credited_but_never_named_in_the_text_relate_pieces_too(tmp_path):
    # a guest on two episodes, and an essay about her: none of the three names her in its text
    root = _site(tmp_path, {"2026-02-10-second.md": (
        "title: Second\ndate: 2026-02-10\npeople: [ines-carvalho]\n---\nNothing."
    )})  # fmt: skip
    (root / "content/people").mkdir()
    (root / "content/people/ines-carvalho.md").write_text(
        "---\nname: Dr. Ines Carvalho\nroles: [guest]\n---\n"
    )
    for n, (date, guests) in enumerate(
        (("2026-07-01", "[ines-carvalho]"), ("2026-08-01", "[]"), ("2026-09-01", "[]"),
         ("2026-10-01", "[Dr. Ines Carvalho]")), start=2
    ):  # fmt: skip
        (root / f"content/episodes/00{n}-e{n}.md").write_text(
            f"---\ntitle: E{n}\nnumber: {n}\ndate: {date}\nguests: {guests}\n---\nTalk.\n"
        )
    files = make_site(load_config(root), now=NOW).files
    with_her = "also with Dr. Ines Carvalho"
    assert [(e[0], e[3]) for e in related(files, "episodes/e5/index.html")] == [
        ("E2", with_her),
        ("Second", with_her),
    ]
    assert ("E5", "/episodes/e5/", "Episode 5 · 1 October 2026", with_her) in related(
        files, "essays/second/index.html"
    )


def test_the_block_has_a_heading_in_order_and_none_where_nothing_is_shared(tmp_path):
    alone = {"2026-07-01-alone.md": "title: Alone\ndate: 2026-07-01\n---\nX."}
    files = make_site(load_config(_site(tmp_path, alone)), now=NOW).files
    parser = _Related()
    parser.feed(files["essays/third/index.html"].decode())
    assert parser.heading == "Related reading"
    assert b'<h2 id="related-heading"' in files["essays/third/index.html"]
    assert b'class="related"' not in files["essays/alone/index.html"]
    assert "Alone" not in str(related(files, "essays/third/index.html"))


def test_what_the_page_links_to_already_is_not_listed_again(tmp_path):
    # the essay links to its episode, and the episode page lists the essay and the next episode
    third = "title: Third\ndate: 2026-03-10\nepisode: 1\n---\nOn ripeness and security guarantees."
    root = _site(tmp_path, {"2026-03-10-third.md": third})
    (root / "content/episodes/002-next.md").write_text(
        "---\ntitle: Next\nnumber: 2\ndate: 2026-07-01\n---\nOn security guarantees.\n"
    )
    files = make_site(load_config(root), now=NOW).files
    assert "An episode & more" not in [e[0] for e in related(files, "essays/third/index.html")]
    listed = [e[0] for e in related(files, "episodes/an-episode/index.html")]
    assert "Third" not in listed and "Next" not in listed
    assert "An episode & more" in [e[0] for e in related(files, "essays/first/index.html")]
    assert "Next" in [e[0] for e in related(files, "essays/third/index.html")]


def test_related_false_turns_it_off(tmp_path):
    off = "title: Fourth\ndate: 2026-04-10\nrelated: false\n---\nThe stalemate."
    files = make_site(load_config(_site(tmp_path, {"2026-04-10-fourth.md": off})), now=NOW).files
    assert related(files, "essays/fourth/index.html") == []
    assert "Fourth" in [e[0] for e in related(files, "essays/third/index.html")]


def test_pinned_pieces_come_first_in_the_authors_order(tmp_path):
    essays = {
        "2026-04-10-fourth.md": (
            "title: Fourth\ndate: 2026-04-10\nrelated: [second, episodes/an-episode]\n---\nThe"
            " stalemate."
        )
    }
    files = make_site(load_config(_site(tmp_path, essays)), now=NOW).files
    shown = related(files, "essays/fourth/index.html")
    # the second essay shares nothing, so it comes without a reason
    assert shown[:2] == [
        ("Second", "/essays/second/", "Essay · 10 February 2026", ""),
        ("An episode & more", "/episodes/an-episode/", "Episode 1 · 1 June 2026", ""),
    ]
    assert shown[2][0] == "Fifth"
    assert len(shown) == 3


LISTS = "related reading lists essays and episodes"


@pytest.mark.parametrize(
    ("value", "line", "message", "hint"),
    [
        ("[second, secnod]", 4, "unknown related piece 'secnod'", "did you mean 'second'?"),
        ("[ripeness]", 4, f"{LISTS}, not 'ripeness', a concept", None),
        ("[glossary/ripeness]", 4, f"{LISTS}, not 'glossary/ripeness'", None),
        ("[fourth]", 4, "'fourth' is this essay itself", "pin other pieces"),
        ("[draft]", 4, "related piece 'draft' is a draft;", "it is content/essays/2026-02-01-d"),
        ("\n  - second\n  - 12", 6, "unknown related piece '12'", None),
        ("3", 4, "'related' must be a list, not", "write `related: [first, second]`"),
    ],
)
def test_a_wrong_pin_is_an_error_at_its_line_with_a_hint(tmp_path, value, line, message, hint):
    essays = {
        "2026-04-10-fourth.md": f"title: Fourth\ndate: 2026-04-10\nrelated: {value}\n---\nText.",
        "2026-02-01-draft.md": "title: Draft\ndate: 2026-02-01\ndraft: true\n---\nText.",
    }
    with pytest.raises(ContentError) as raised:
        make_site(load_config(_site(tmp_path, essays)), now=NOW)
    (problem,) = raised.value.diagnostics
    assert problem.path == "content/essays/2026-04-10-fourth.md"
    assert problem.line == line
    assert problem.message.startswith(message), problem.message
    assert problem.hint == hint or (hint and problem.hint.startswith(hint))


def test_an_ambiguous_pin_says_how_to_write_it(tmp_path):
    essays = {
        "2026-04-10-fourth.md": "title: Fourth\ndate: 2026-04-10\nrelated: [an-episode]\n---\nX.",
        "2026-02-01-an-episode.md": "title: Same slug\ndate: 2026-02-01\n---\nX.",
    }
    with pytest.raises(ContentError) as raised:
        make_site(load_config(_site(tmp_path, essays)), now=NOW)
    (problem,) = raised.value.diagnostics
    assert (problem.line, problem.message, problem.hint) == (
        4,
        "related piece 'an-episode' is ambiguous",
        "write episodes/an-episode or essays/an-episode",
    )
