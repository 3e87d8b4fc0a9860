"""Rebuilds and related reading: a body edit that adds a concept mention changes the related
reading of other pieces, and a new title renders again the pages whose related reading shows
it (and only those), as a clean build would."""

from __future__ import annotations

import pytest
from sitecheck import tree
from test_incremental import EDITS, NOW, _podcast_site, rendered_after
from test_related_site import related

from site_builder.build import build_site, make_site
from site_builder.config import load_config
from site_builder.incremental.state import BuildCache
from site_builder.link import reading

ESSAY = "essays/after-the-talk/index.html"


def test_a_new_mention_changes_the_related_reading_of_other_pieces(tmp_path):
    root = _podcast_site(tmp_path)
    cache = BuildCache()
    first = make_site(load_config(root), now=NOW, cache=cache)
    EDITS["episode notes"](root)  # the guarantees episode now mentions the stalemate
    again = make_site(load_config(root), now=NOW, cache=cache)
    clean = make_site(load_config(root), now=NOW)
    guarantees = "Guarantees & promises"
    assert guarantees not in str(related(first.files, ESSAY))
    assert [(e[0][:21], e[3]) for e in related(clean.files, ESSAY)][-1] == (
        guarantees,
        "also on Stalemate",
    )
    assert again.files[ESSAY] == clean.files[ESSAY]
    assert again.files.keys() == clean.files.keys()
    assert [p for p in clean.files if again.files[p] != clean.files[p]] == []


def test_a_new_title_renders_again_the_pages_whose_related_reading_shows_it(tmp_path):
    rendered, files = rendered_after(_podcast_site(tmp_path), EDITS["essay title"])
    # season two shows the essay only in its related reading; the guarantees episode not at all
    assert "More tips" in related(files, "episodes/season-two/index.html")[0][0]
    assert "episodes/season-two/index.html" in rendered
    assert "episodes/guarantees/index.html" not in rendered
    assert len(rendered) < 20  # not the whole site


@pytest.mark.parametrize("change", ["essay body", "essay title"])
def test_an_edit_that_changes_no_feature_does_not_pick_related_reading_again(
    tmp_path, monkeypatch, change
):
    """`build` reads the graph of the last build from nowhere: it links the site again, but
    keeps the last build's picks while what they are picked from is the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    root, output = _podcast_site(tmp_path), tmp_path / "output"
    build_site(load_config(root), output)
    picked = []
    pick = reading.pick_related
    monkeypatch.setattr(reading, "pick_related", lambda *a: picked.append(a) or pick(*a))
    EDITS[change](root)
    build_site(load_config(root), output)
    assert picked == []
    build_site(load_config(root), tmp_path / "clean", use_cache=False)
    assert tree(output) == tree(tmp_path / "clean")
