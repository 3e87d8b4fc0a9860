"""Cards drawn in the background (images/drawing.py) are the bytes the build would draw."""

from __future__ import annotations

import io

from PIL import Image

from site_builder.images import drawing
from site_builder.images.cards import Card, draw_card


def _cards() -> dict[str, Card]:
    buf = io.BytesIO()
    Image.new("RGB", (600, 600), (20, 30, 60)).save(buf, "PNG")
    return {
        "essay": Card("The Site", "Essay", "Ripe for what?", footer="example.org/sub"),
        "concept": Card("The Site", "Concept", "Ripeness", "When both sides are ready.", "x.org"),
        "episode": Card("The Site", "Episode 1", "The table", footer="x.org", cover=buf.getvalue()),
        "page": Card("The Site", "", "About", footer="example.org/sub"),
        "other": Card("Another Site", "Essay", "A second essay " * 9, footer="example.org"),
    }


def test_cards_drawn_by_drawers_are_the_cards_drawn_here(tmp_path):
    cards = _cards()
    made = drawing.Drawing(cards, ["essay", "concept", "episode", "page", "other"], 2, tmp_path)
    drawn = dict(made.results())
    assert drawn == {name: draw_card(card) for name, card in cards.items()}
    assert list(tmp_path.iterdir()) == []  # its files had no names


def test_cards_a_drawer_could_not_draw_are_drawn_here(tmp_path, monkeypatch):
    monkeypatch.setattr(drawing.sys, "executable", str(tmp_path / "no-python"))
    cards = _cards()
    drawn = dict(drawing.Drawing(cards, ["page", "essay"], 2, None).results())
    assert drawn == {"page": draw_card(cards["page"]), "essay": draw_card(cards["essay"])}
