"""Rebuilds that reuse the previous build give exactly the bytes of a build from scratch."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.incremental import BuildCache

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


def test_body_edit_renders_only_what_shows_the_body(tmp_path, monkeypatch):
    from site_builder.render import Renderer

    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    rendered: list[str] = []
    original = Renderer._render

    def spy(self, template, path, item, ctx):
        rendered.append(path)
        return original(self, template, path, item, ctx)

    monkeypatch.setattr(Renderer, "_render", spy)
    EDITS["essay body"](root)
    make_site(load_config(root), now=NOW, cache=cache)
    # the essay has a summary of its own, so lists do not change; one sentence quoted on the
    # stalemate page did
    assert sorted(rendered) == ["essays/after-the-talk/index.html", "glossary/stalemate/index.html"]
