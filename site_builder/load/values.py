"""Pure: single values as authors write them in front matter and site.yaml: whole numbers,
dates and times, durations, and link targets as a browser reads them. Each raises Refused with
a readable message and what to write instead; FieldReader (fields.py) turns that into a
Diagnostic at its line."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, time, tzinfo
from typing import Any


class Refused(ValueError):
    """A value that cannot be used: what is wrong with it, and what to write instead (if
    there is something to say)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(f"{message}: {hint}" if hint else message)
        self.message, self.hint = message, hint


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
        raise Refused(f"'{text}' is not a whole number", _in_ascii_digits(digits))
    if len(digits) >= 100:  # past Python's 4,300-digit limit it cannot be a number anyone meant
        raise Refused(f"'{digits[:20]}…' is too large a number", "write a smaller number")
    return int(digits)


def _in_ascii_digits(text: str) -> str:
    """The hint for a number not written in 0-9: the same digits in ASCII, if it has them
    (`²`, `٣`, `¹⁹⁸⁵` each have a digit value; a word has none)."""
    values = [unicodedata.digit(c, None) for c in text]
    if text and None not in values:
        return f"write it in the digits 0-9: {''.join(map(str, values))}"
    return "write a whole number in the digits 0-9, such as 3"


def parse_datetime(value: str, tz: tzinfo) -> datetime:
    """`2024-01-15`, `2024-01-15 10:30`, `…T10:30:00+02:00` or `…Z`, as an aware datetime in `tz`.

    Raises ValueError with a readable message for impossible dates.
    """
    m = _DATE.fullmatch(value.strip())
    if not m:
        raise Refused(
            f"'{value}' is not a date (use YYYY-MM-DD, optionally with HH:MM and a UTC offset)",
            "write e.g. 2024-03-14, or 2024-03-14 09:30 +02:00",
        )
    y, mo, d, hh, mm, ss, offset = m.groups()
    try:
        day = date(int(y), int(mo), int(d))
        clock = time(int(hh or 0), int(mm or 0), int(ss or 0))
    except ValueError as exc:
        hint = _real_date(int(y), int(mo), int(d))
        raise Refused(f"'{value}' is not a real date ({exc})", hint) from None
    try:
        if offset is None:
            return datetime.combine(day, clock, tzinfo=tz)
        stamp = f"{day.isoformat()}T{clock.isoformat()}{'+00:00' if offset in 'Zz' else offset}"
        return datetime.fromisoformat(stamp).astimezone(tz)
    except (ValueError, OverflowError) as exc:  # an offset like +99:00, or a year past 9999
        hint = "a UTC offset runs from -23:59 to +23:59 (such as +02:00), a year up to 9999"
        raise Refused(f"'{value}' is not a usable date ({exc})", hint) from None


def _real_date(year: int, month: int, day: int) -> str:
    """What is wrong with a date that does not exist, said as the range it must be in."""
    if year < 1:
        return "years run from 0001"
    if not 1 <= month <= 12:
        return "months run from 01 to 12"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{year:04d}-{month:02d} has {last} days: its last is {year:04d}-{month:02d}-{last}"
    return "hours run from 00 to 23, minutes and seconds from 00 to 59"


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
        raise Refused("a duration is not true or false", _DURATION_HINT)
    if isinstance(value, int):
        if value < 0:
            raise Refused("a duration cannot be negative", _DURATION_HINT)
        return value
    text = str(value).strip()
    if _DIGITS.fullmatch(text):
        return parse_whole_number(text)
    m = _CLOCK.fullmatch(text)
    said = f'\'{value}\' is not a duration (use "H:MM:SS", "MM:SS" or seconds)'
    if not m:
        raise Refused(said, _DURATION_HINT)
    hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
    total = hours * 3600 + minutes * 60 + seconds
    if seconds > 59 or (m.group(1) and minutes > 59):
        meant = format_duration(total)
        raise Refused(said, f"minutes and seconds run from 00 to 59: did you mean {meant}?")
    return total


_DURATION_HINT = 'write how long it runs: "1:02:03" (an hour, 2 minutes, 3 s), "45:10" or 2710'


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
    Raises Refused for any other scheme or a control character left inside.
    """
    url = value.strip(_C0_AND_SPACE).translate(_TABS_AND_NEWLINES)
    if not url:
        raise Refused("has only control characters", "write the address, or remove the line")
    control = next((c for c in url if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        raise Refused(
            f"contains the control character U+{ord(control):04X}",
            "remove it: a link is an http(s) or mailto address or a path",
        )
    scheme = _SCHEME.match(url)
    if scheme and scheme.group().lower() not in LINK_SCHEMES:
        raise Refused(
            f"must be an http(s) or mailto link or a path, not a {scheme.group()}: address",
            "write https://…, mailto:… or a path such as /glossary/ripeness/"
            if url == value
            else "browsers skip tabs, line breaks and leading control characters, "
            f"so this link is read as {scheme.group()}:",
        )
    return url
