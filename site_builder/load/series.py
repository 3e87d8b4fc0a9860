"""Pure: `series:` on an essay or episode, the place it takes in a series (content/series/)."""

from __future__ import annotations

from ..model import Membership
from .fields import FieldReader, Keys

# `series: {slug: ending-the-war, part: 3}`: the keys of the mapping form
MEMBERSHIP: Keys = {"slug": None, "part": None}


def read_membership(r: FieldReader) -> Membership | None:
    """`series: ending-the-war` (its part follows the dates) or `{slug: ..., part: N}`; a
    value of another shape is an error at its line."""
    value = r.get("series")
    if value is None:
        return None
    if isinstance(value, str):
        slug = r.text("series")
        return Membership(slug) if slug else None
    if not isinstance(value, dict):
        r.error(
            "series",
            "'series' must be a series' slug or `{slug: ..., part: N}`",
            "write `series: ending-the-war`, or `series: {slug: ending-the-war, part: 3}`",
        )
        return None
    s = r.within("series")
    slug = s.text("slug", required=True)
    part = s.integer("part", minimum=1)
    if slug is None or (part is None and s.get("part") is not None):
        return None  # reported already; as no part at all it would be reported again
    return Membership(slug, part)
