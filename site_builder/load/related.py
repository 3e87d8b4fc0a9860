"""Pure: an essay's or episode's `related:` key, read from its front matter."""

from __future__ import annotations

from .fields import FieldReader


def read_related(r: FieldReader) -> tuple[str, ...] | None:
    """`related: false` turns the piece's related reading off (None); `related: [slug, ...]`
    pins those pieces first; `related: true`, or no key, leaves the choice to the scorer."""
    value = r.get("related")
    if isinstance(value, bool):
        return () if value else None
    return r.text_list("related")
