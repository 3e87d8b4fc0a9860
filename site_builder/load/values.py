"""Pure: single values as authors write them in front matter and site.yaml: whole numbers,
dates and times, durations, and link targets as a browser reads them. Each raises ValueError
with a readable message; FieldReader (fields.py) turns that into a Diagnostic at its line."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, tzinfo
from typing import Any

_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?[ \t]*(Z|z|[-+]\d{2}(?::?\d{2})?)?)?"
)
_CLOCK = re.compile(r"(?:([0-9]+):)?([0-9]{1,2}):([0-9]{2})(?:\.[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")


def parse_whole_number(text: str) -> int:
    """A whole number written in ASCII digits; ValueError with a readable message otherwise.

    Not `str.isdigit()`: it says yes to `²`, which `int()` refuses, and to `٣`."""
    digits = text.strip()
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"'{text}' is not a whole number")
    if len(digits) >= 100:  # past Python's 4,300-digit limit it cannot be a number anyone meant
        raise ValueError(f"'{digits[:20]}…' is too large a number")
    return int(digits)


def parse_datetime(value: str, tz: tzinfo) -> datetime:
    """`2024-01-15`, `2024-01-15 10:30`, `…T10:30:00+02:00` or `…Z`, as an aware datetime in `tz`.

    Raises ValueError with a readable message for impossible dates.
    """
    m = _DATE.fullmatch(value.strip())
    if not m:
        raise ValueError(
            f"'{value}' is not a date (use YYYY-MM-DD, optionally with HH:MM and a UTC offset)"
        )
    y, mo, d, hh, mm, ss, offset = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
        clock = time(int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None
    try:
        if offset is None:
            return datetime.combine(day, clock, tzinfo=tz)
        stamp = f"{day.isoformat()}T{clock.isoformat()}{'+00:00' if offset in 'Zz' else offset}"
        return datetime.fromisoformat(stamp).astimezone(tz)
    except (ValueError, OverflowError) as exc:  # an offset like +99:00, or a year past 9999
        raise ValueError(f"'{value}' is not a usable date ({exc})") from None


def written_day(value: Any) -> str | None:
    """The day a date value names as written (`2024-1-5T23:30-10:00` -> `2024-01-05`), before
    it is moved into the site's zone; None when it is not a date."""
    m = _DATE.fullmatch(str(value).strip())
    try:
        return date(*map(int, m.groups()[:3])).isoformat() if m else None
    except ValueError:
        return None


def parse_duration(value: Any) -> int:
    """Seconds from `"H:MM:SS"`, `"MM:SS"` or a number of seconds; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("a duration is not true or false")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return value
    text = str(value).strip()
    if _DIGITS.fullmatch(text):
        return parse_whole_number(text)
    m = _CLOCK.fullmatch(text)
    if not m or int(m.group(3)) > 59 or (m.group(1) and int(m.group(2)) > 59):
        raise ValueError(f'\'{value}\' is not a duration (use "H:MM:SS", "MM:SS" or seconds)')
    hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: int) -> str:
    """H:MM:SS, or M:SS under an hour."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# What a browser does to an href before reading its scheme (WHATWG URL parser): trim C0 controls
# and spaces from both ends, then drop every tab and newline, so `java<TAB>script:` is javascript:.
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TABS_AND_NEWLINES = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*(?=:)")
LINK_SCHEMES = ("http", "https", "mailto")
ABSOLUTE_URL = re.compile(r"https?://[^/?#\s]+", re.IGNORECASE)


def link_target(value: str) -> str:
    """`value` as the browser would read it, if that is an http(s) or mailto address or a path.

    What is checked is what is published: the normalised form, which a browser reads unchanged.
    Raises ValueError(message, hint) for any other scheme or a control character left inside.
    """
    url = value.strip(_C0_AND_SPACE).translate(_TABS_AND_NEWLINES)
    if not url:
        raise ValueError("has only control characters", "write the address, or remove the line")
    control = next((c for c in url if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        raise ValueError(
            f"contains the control character U+{ord(control):04X}",
            "remove it: a link is an http(s) or mailto address or a path",
        )
    scheme = _SCHEME.match(url)
    if scheme and scheme.group().lower() not in LINK_SCHEMES:
        raise ValueError(
            f"must be an http(s) or mailto link or a path, not a {scheme.group()}: address",
            "write https://…, mailto:… or a path such as /glossary/ripeness/"
            if url == value
            else "browsers skip tabs, line breaks and leading control characters, "
            f"so this link is read as {scheme.group()}:",
        )
    return url
