"""Pure: what templates see of a piece's related reading: `related_reading(page)`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..link.related import reason
from .views import View

if TYPE_CHECKING:  # the renderer passes itself in; importing it would go round in a circle
    from .pages import Renderer


_SHOWN = {"series": "series", "person": "people"}  # feature kind -> URL section


def reading_globals(renderer: Renderer) -> dict[str, Callable[..., Any]]:
    """The template global `related_reading(page)`: the page's related pieces as (view, why)
    pairs, the pinned ones first; none for a page that has none or turned them off. Each view
    is asked of the renderer, so a rebuild knows that the page shows the piece's title."""
    reading = renderer.links.reading

    def related_reading(page: View) -> list[tuple[View, Markup]]:
        picks = reading.picks.get(page.key, ())
        # a reason names a series or a person as they are now (a rebuild may keep the graph
        # of a build before their renaming), and the page is then one that shows them
        names = dict(reading.names)
        for pick in picks:
            for kind, ids in pick.shared:
                for slug in ids if kind in _SHOWN else ():
                    shown = renderer.view(renderer.index.by_key[f"{_SHOWN[kind]}/{slug}"])
                    names[f"{kind}/{slug}"] = shown.item.title
        return [
            (renderer.view(renderer.index.by_key[pick.key]), reason(pick.shared, names))
            for pick in picks
        ]

    return {"related_reading": related_reading}
