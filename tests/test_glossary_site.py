"""The glossary across a whole site: backlinks with sentences, relations, maps, export, checks."""

from __future__ import annotations

import json
import re

import pytest

SITE_YAML = "title: Glossary Test\nbase_url: https://example.org/g/\nglossary: {autolink: first}\n"
FILES = {
    "content/glossary/ripeness.md": """
        ---
        term: Ripeness
        definition: When both sides would rather talk.
        aliases: [ripe moment, {name: ripe, autolink: false}]
        related: [stalemate]
        ---
        A moment, not a condition.
        """,
    "content/glossary/stalemate.md": """
        ---
        term: Stalemate
        definition: Neither side can win.
        relations: {precondition_of: [ripeness]}
        ---
        Nobody moves.
        """,
    "content/glossary/script.md": """
        ---
        term: "</script><script>alert(1)</script>"
        definition: "A term that tries to break out & escape."
        ---
        Hostile.
        """,
    "content/glossary/lonely.md": """
        ---
        term: Lonely idea
        definition: Nobody mentions it.
        ---
        """,
    "content/essays/2025-01-10-early.md": """
        ---
        title: Early
        date: 2025-01-10
        ---
        The first time. A war reached a stalemate in May. Talks began.

        Later the stalemate deepened, and a ripe moment came.
        """,
    "content/essays/2026-02-01-late.md": """
        ---
        title: Late
        date: 2026-02-01
        concepts: [ripeness]
        ---
        Was it ripe? Only [[ripe|the moment]] will tell, as a [[stalemate]] holds.
        Also [[</script><script>alert(1)</script>]].
        """,
    "content/episodes/001-talk.md": """
        ---
        title: Talk
        number: 1
        date: 2025-06-01
        ---
        We discussed stalemate and ripeness at length.
        """,
}


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    from conftest import write_site

    from site_builder.cli import main

    root = write_site(tmp_path_factory.mktemp("g") / "site", FILES, SITE_YAML)
    target = root / "output"
    assert main(["build", "--root", str(root)]) == 0
    return target


def page(out, rel):
    return (out / rel / "index.html").read_text(encoding="utf-8")


def backlinks(html: str) -> str:
    return html.split('id="backlinks-heading"')[1]


def test_backlinks_group_by_kind_newest_first_with_highlighted_sentences(out):
    html = backlinks(page(out, "glossary/stalemate"))
    essays = html.split("<h3>Essays")[1].split("<h3>")[0]
    assert essays.index("/g/essays/late/") < essays.index("/g/essays/early/")
    assert "The first time." not in essays  # only the sentence that mentions it
    assert "A war reached a <mark>stalemate</mark> in May." in html
    assert "2 mentions" in essays  # "Early" mentions it twice
    assert "<h3>Episodes" in html and "We discussed <mark>stalemate</mark> and ripeness" in html
    assert "<h3>Concepts" not in html


def test_front_matter_reference_without_mention_is_listed(out):
    html = backlinks(page(out, "glossary/ripeness"))
    assert "/g/essays/late/" in html and "/g/essays/early/" in html


def test_first_discussed_and_mention_count(out):
    html = page(out, "glossary/stalemate")
    assert re.search(r'First discussed in <a href="/g/essays/early/">Early</a>', html)
    assert "mentioned 4 times across the site" in html  # early x2, late x1, episode x1


def test_quiet_alias_never_autolinks_but_resolves_in_wikilinks(out):
    late = page(out, "essays/late")
    assert "Was it ripe?" in late  # not linked
    assert re.search(
        r'<a href="/g/glossary/ripeness/" class="wikilink concept-link" '
        r'title="When both sides would rather talk.">the moment</a>',
        late,
    )


def test_autolinks_carry_the_definition_in_title(out):
    early = page(out, "essays/early")
    links = re.findall(
        r'<a href="/g/glossary/stalemate/" class="concept-link autolink" '
        r'title="Neither side can win.">stalemate</a>',
        early,
    )
    assert len(links) == 1  # first mention only


def test_relations_both_ways_with_readable_labels(out):
    ripeness = page(out, "glossary/ripeness")
    stalemate = page(out, "glossary/stalemate")
    assert "<dt>Requires</dt>" in ripeness and 'href="/g/glossary/stalemate/"' in ripeness
    assert "<dt>Precondition of</dt>" in stalemate
    related = stalemate.split('id="related-heading"')[1]
    assert 'href="/g/glossary/ripeness/"' in related  # `related` shown on the other side too


def test_often_discussed_with(out):
    html = page(out, "glossary/stalemate")
    often = html.split("Often discussed with")[1].split("</p>")[0]
    assert 'href="/g/glossary/ripeness/"' in often and "(3 pages)" in often


def test_maps_link_every_concept_and_are_deterministic(out, tmp_path):
    glossary = page(out, "glossary")
    svg = re.search(r'<svg class="concept-map".*?</svg>', glossary, re.S).group(0)
    for slug in ("ripeness", "stalemate", "lonely"):
        assert f'href="/g/glossary/{slug}/"' in svg
    assert "<line" in svg
    local = re.search(
        r'<svg class="concept-map local-map".*?</svg>', page(out, "glossary/stalemate"), re.S
    )
    assert 'aria-current="page"' in local.group(
        0
    ) and 'href="/g/glossary/ripeness/"' in local.group(0)


def test_glossary_index_counts_and_json_ld_escapes_script(out):
    html = page(out, "glossary")
    assert "4 mentions" in html and "0 mentions" in html
    assert "</script><script>alert(1)" not in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(blocks[0])
    assert data["@type"] == "DefinedTermSet"
    names = [t["name"] for t in data["hasDefinedTerm"]]
    assert "</script><script>alert(1)</script>" in names
    concept = page(out, "glossary/script")
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', concept, re.S)
    assert json.loads(block)["name"] == "</script><script>alert(1)</script>"
    assert '">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>' in concept


def test_glossary_json_export(out):
    data = json.loads((out / "glossary.json").read_text(encoding="utf-8"))
    terms = {t["slug"]: t for t in data["terms"]}
    assert terms["stalemate"]["url"] == "https://example.org/g/glossary/stalemate/"
    assert terms["stalemate"]["mentions"] == 4 and terms["stalemate"]["pages"] == 3
    assert terms["ripeness"]["aliases"] == ["ripe moment", "ripe"]
    assert terms["stalemate"]["relations"] == {"Precondition of": ["ripeness"]}
    assert terms["ripeness"]["related"] == ["stalemate"]


def test_check_warns_about_unused_concepts_and_audits_autolinks(cli, tmp_path):
    from conftest import write_site

    root = write_site(tmp_path / "site", FILES, SITE_YAML)
    run = cli("check", "--root", root, "--links")
    assert run.code == 0
    assert (
        "site/content/glossary/lonely.md:1: warning: 'Lonely idea' is not mentioned "
        "anywhere on the site [unused]"
    ) in run.err
    assert "site/content/essays/2025-01-10-early.md:5: 'stalemate' -> glossary/stalemate" in run.out
    assert (
        "site/content/essays/2025-01-10-early.md:7: 'ripe moment' -> glossary/ripeness" in run.out
    )


def test_term_collisions_name_both_files(cli, tmp_path):
    from conftest import write_site

    files = dict(FILES)
    files["content/glossary/ripe-two.md"] = "---\nterm: RIPENESS\ndefinition: Twice.\n---\n"
    root = write_site(tmp_path / "site", files, SITE_YAML)
    run = cli("check", "--root", root)
    assert run.code == 1
    assert (
        "content/glossary/ripeness.md:2: error: 'Ripeness' already names the concept in "
        "content/glossary/ripe-two.md [collision]"
    ) in run.err
