"""Rebuilds that reuse the previous build give exactly the bytes of a build from scratch."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.errors import ContentError
from site_builder.incremental.state import BuildCache

SITES = Path(__file__).parent / "sites"
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS = {
    "essay body": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "looked different",
        "looked very different",
    ),
    "essay body with a new mention": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "A ceasefire followed.",
        "A ceasefire followed, then ripeness.",
    ),
    "essay title": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md", 'title: "Tips', 'title: "More tips'
    ),
    "concept definition": lambda r: edit(
        r / "content/glossary/stalemate.md", "Neither side can win.", "Neither side can win now."
    ),
    "body of an episode without a summary (its excerpt shows in lists)": lambda r: edit(
        r / "content/episodes/003-season-two.md", "starts with a ceasefire", "opens quietly"
    ),
    "episode notes": lambda r: edit(
        r / "content/episodes/002-guarantees.md",
        "Notes on the guarantee.",
        "Notes on the stalemate.",
    ),
    "transcript": lambda r: edit(
        r / "content/episodes/001-talk.vtt", "Welcome. Today", "Welcome back. Today"
    ),
    "related reading pinned": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "episode: talk\n",
        "episode: talk\nrelated: [guarantees]\n",
    ),
    "related reading turned off": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "episode: talk\n",
        "episode: talk\nrelated: false\n",
    ),
    "deleted concept": lambda r: (r / "content/glossary/ceasefire.md").unlink(),
    "template": lambda r: (
        (r / "templates").mkdir()
        or (r / "templates/404.html").write_text(
            '{% extends "base.html" %}{% block content %}<p>Lost?</p>{% endblock %}'
        )
    ),
}


@pytest.mark.parametrize("change", list(EDITS))
def test_incremental_rebuild_equals_a_clean_build(tmp_path, change):
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    cache = BuildCache()
    first = make_site(load_config(root), now=NOW, cache=cache)
    EDITS[change](root)
    again = make_site(load_config(root), now=NOW, cache=cache)
    clean = make_site(load_config(root), now=NOW)
    assert again.files.keys() == clean.files.keys()
    differing = [path for path in clean.files if again.files[path] != clean.files[path]]
    assert differing == []
    assert again.files != first.files  # the change is visible


def rendered_pages(monkeypatch) -> list[str]:
    """The output paths rendered from now on, as they are rendered."""
    from site_builder.render.pages import Renderer

    rendered: list[str] = []
    original = Renderer._render

    def spy(self, template, path, item, ctx):
        rendered.append(path)
        return original(self, template, path, item, ctx)

    monkeypatch.setattr(Renderer, "_render", spy)
    return rendered


def test_body_edit_renders_only_what_shows_the_body(tmp_path, monkeypatch):
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    rendered = rendered_pages(monkeypatch)
    EDITS["essay body"](root)
    make_site(load_config(root), now=NOW, cache=cache)
    # the essay has a summary of its own, so lists do not change; one sentence quoted on the
    # stalemate page did
    assert sorted(rendered) == ["essays/after-the-talk/index.html", "glossary/stalemate/index.html"]


def _podcast_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    return root


ESSAY = "content/essays/2026-03-14-after-the-talk.md"


def test_a_new_first_paragraph_renders_its_tag_pages_again(tmp_path):
    # without a summary of its own, an essay's excerpt is its first paragraph, which the pages
    # of its tags show
    root = _podcast_site(tmp_path)
    edit(root / ESSAY, 'summary: "A summary with & < > \\" \' and </script>"\n', "")
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    EDITS["essay body"](root)
    again = make_site(load_config(root), now=NOW, cache=cache)
    clean = make_site(load_config(root), now=NOW)
    for tag in ("tags/negotiation/index.html", "tags/war-peace/index.html"):
        assert b"looked very different" in clean.files[tag]
        assert again.files[tag] == clean.files[tag]


def _rebuild_fails_as_a_clean_build(root: Path, cache: BuildCache) -> list[str]:
    """The messages of the errors that both a rebuild with `cache` and a clean build raise."""
    with pytest.raises(ContentError) as clean:
        make_site(load_config(root), now=NOW)
    with pytest.raises(ContentError) as again:
        make_site(load_config(root), now=NOW, cache=cache)
    assert again.value.diagnostics == clean.value.diagnostics
    return [d.message for d in again.value.diagnostics]


def test_a_broken_anchor_written_in_an_edit_is_an_error_as_in_a_clean_build(tmp_path):
    root = _podcast_site(tmp_path)
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    edit(root / ESSAY, "A ceasefire followed.", "A ceasefire followed [[episodes/talk#nowhere]].")
    assert _rebuild_fails_as_a_clean_build(root, cache) == ["no heading #nowhere in episodes/talk"]


def test_link_warnings_stay_on_rebuilds_that_reuse_the_links(tmp_path):
    # a rebuild with nothing changed reuses the last build whole, and one after a body edit
    # relinks only that body: both must still say what the first build warned about
    root = _podcast_site(tmp_path)
    (root / "content/glossary/orphan.md").write_text(
        "---\nterm: Orphan\ndefinition: Linked from nowhere.\n---\n", encoding="utf-8"
    )
    cache = BuildCache()
    builds = [make_site(load_config(root), now=NOW, cache=cache)]
    builds.append(make_site(load_config(root), now=NOW, cache=cache))
    assert builds[-1].rendered == 0  # settled: nothing was rendered again
    EDITS["essay body"](root)
    builds.append(make_site(load_config(root), now=NOW, cache=cache))
    assert 0 < builds[-1].rendered < builds[0].rendered  # only what shows the body
    for build in builds:  # the fixture's other warnings (its short audio) are not link warnings
        assert [w.format() for w in build.warnings if w.code == "unused"] == [
            "content/glossary/orphan.md:1: warning: 'Orphan' is not mentioned anywhere on the "
            "site [unused]\n    hint: link it from an essay or episode, "
            "or list it in their `concepts:`"
        ]


def test_a_heading_taken_away_from_a_linked_page_is_an_error_as_in_a_clean_build(tmp_path):
    # the page linking to the heading is unchanged: only the page that lost it was edited
    root = _podcast_site(tmp_path)
    talk = root / "content/episodes/001-talk.md"
    talk.write_text(talk.read_text(encoding="utf-8") + "\n## Intro\n\nMore.\n", encoding="utf-8")
    edit(root / ESSAY, "A ceasefire followed.", "A ceasefire followed [[episodes/talk#intro]].")
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    edit(talk, "## Intro", "Intro")
    assert _rebuild_fails_as_a_clean_build(root, cache) == ["no heading #intro in episodes/talk"]
