"""Slugs: turning titles into URL-safe names, and checking the ones authors choose."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .load.fields import FieldReader

# Names Windows refuses as file names; a site built here may be checked out there.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def slugify(title: str, fallback: str = "untitled", any_script: bool = False) -> str:
    """Lowercase words joined by '-': never empty, never '.', '..' or a reserved name.

    A letter with an ASCII form is written so (`é` -> `e`, `²` -> `2`); the others are dropped,
    or with `any_script` kept as they are (`мир`, NFC, case-folded)."""
    if any_script:
        text = "".join(_ascii_form(c) or c for c in unicodedata.normalize("NFC", title))
        words = unicodedata.normalize("NFC", text.casefold())
        slug = "".join(c if _is_word_character(c) else "-" for c in words).strip("-")
    else:
        ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)[:80].strip("-")
    if not slug or slug in _RESERVED or slug == "index":
        return fallback if not slug else f"{slug}-{fallback}"
    return slug


# Apostrophes inside a word: straight, curly (U+2019) and the modifier letter (U+02BC).
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")
# Latin letters that Unicode does not decompose into a letter and its accent, as ASCII
_LATIN = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "\u0131": "i", "ŧ": "t"}
    | {"æ": "ae", "œ": "oe", "ß": "ss", "þ": "th"}
    | {"Ø": "O", "Ł": "L", "Đ": "D", "Ð": "D", "Ħ": "H", "Ŧ": "T", "Æ": "AE", "Œ": "OE", "Þ": "TH"}
)


def title_slug(title: str, fallback: str) -> str:
    """The slug `new` gives an item: as `slugify` in any script ("Война и мир" ->
    `война-и-мир`, not the kind's name, which a second such title would collide with), every
    Latin letter in ASCII (`Søren` -> `soren`, as `Café` -> `cafe`), and an apostrophe joins
    its word ("can't" -> `cant`, not `can-t`). Only new files get it: an item's slug comes
    from its file name, so no existing URL changes."""
    return slugify(title.translate(_APOSTROPHES).translate(_LATIN), fallback, any_script=True)


def _ascii_form(character: str) -> str:
    return unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode()


def _is_word_character(c: str) -> bool:
    """ASCII letters and digits, and letters, digits and marks of every other script."""
    return c in _ASCII_WORD if c.isascii() else unicodedata.category(c)[0] in "LMN"


def slug_problem(slug: str) -> str | None:
    """Why a slug cannot be used as one URL segment, or None when it is fine."""
    if not slug or slug.strip() != slug:
        return "a slug must not be empty or start or end with spaces"
    if slug.startswith(".") or any(c in slug for c in "/\\?#%") or ":" in slug:
        return f"'{slug}' cannot be a URL segment: use letters, digits and '-'"
    if any(unicodedata.category(c)[0] in "CZ" and c != " " for c in slug) or " " in slug:
        return f"'{slug}' contains spaces or control characters"
    if slug.split(".")[0].casefold() in _RESERVED:
        return f"'{slug}' is a reserved file name on Windows"
    return None


def fold(text: str) -> str:
    """The form two slugs or URLs are compared in: NFC, then case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def read_slug(r: FieldReader, from_name: str) -> str:
    """`slug:`, else the one the file name gives; either must be a valid slug."""
    slug = r.text("slug")
    key: str | None = "slug"
    if slug is None:
        slug, key = from_name, None
    slug = unicodedata.normalize("NFC", slug)  # macOS writes file names decomposed (NFD)
    problem = slug_problem(slug)
    if problem:
        r.error(key, problem, "set `slug:` to lowercase words joined by '-'")
    return slug
