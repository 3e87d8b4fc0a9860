"""Front matter as the site reads it: YAML 1.1 surprises, dates, encodings, line endings.

Unit tests of `site_builder.load.frontmatter` and `site_builder.load.fields` (RELIABILITY E3-E6,
E17, F1, F2), plus the few end-to-end checks that only a build can show (output bytes, time zones).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from sitecheck import tree

from site_builder import load
from site_builder.errors import ContentError
from site_builder.load import frontmatter
from site_builder.load.frontmatter import MAX_NESTING, Source, decode, split
from site_builder.load.values import parse_datetime, parse_duration, parse_whole_number

BERLIN = ZoneInfo("Europe/Berlin")


def source(text: str | bytes, path: str = "content/pages/x.md") -> Source:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return split(decode(raw, path), path)


def fm(*lines: str) -> dict:
    return source("---\n" + "\n".join(lines) + "\n---\n").data


# E3: clock times stay text; durations are converted by the field that wants them.
def test_unquoted_clock_time_stays_a_string():
    assert fm("duration: 1:02:13") == {"duration": "1:02:13"}
    assert fm("duration: 58:41") == {"duration": "58:41"}


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1:02:13", 3733),
        ("58:41", 3521),
        ("0:00", 0),
        ("3600", 3600),
        (3521, 3521),
        ("1:02:13.5", 3733),
    ],
)
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["1:60:00", "12:75", "abc", "-5", -5, True, "1:2:3:4", ""])
def test_parse_duration_refuses_what_is_not_a_duration(value):
    with pytest.raises(ValueError):
        parse_duration(value)


def test_episode_duration_read_from_unquoted_front_matter():
    problems: list = []
    item = load.read_item(
        "episode",
        "content/episodes/001-a.md",
        b"---\ntitle: A\ndate: 2024-01-15\nduration: 1:02:13\n---\n",
        ZoneInfo("UTC"),
        problems,
    )
    assert problems == []
    assert item.duration == 3733
    assert item.meta["duration"] == "1:02:13"
    item = load.read_item(
        "episode",
        "content/episodes/002-b.md",
        b"---\ntitle: B\ndate: 2024-01-15\nduration: 58:41\n---\n",
        ZoneInfo("UTC"),
        problems,
    )
    assert (problems, item.duration) == ([], 3521)


# E4: number-looking text keeps the author's digits.
def test_zip_codes_versions_and_hex_stay_strings():
    assert fm(
        "zip: 01234",
        "version: 1.10",
        "code: 0x1F",
        "octal: 0o17",
        "sci: 1e3",
        "under: 1_000",
        "sexa: 190:20:30",
    ) == {
        "zip": "01234",
        "version": "1.10",
        "code": "0x1F",
        "octal": "0o17",
        "sci": "1e3",
        "under": "1_000",
        "sexa": "190:20:30",
    }


def test_plain_integers_and_booleans_are_still_typed():
    assert fm("n: 42", "neg: -3", "yes_: true", "no_: False", "nothing: ~", "empty:") == {
        "n": 42,
        "neg": -3,
        "yes_": True,
        "no_": False,
        "nothing": None,
        "empty": None,
    }


# E5: the Norway problem.
def test_yes_no_on_off_stay_strings():
    assert fm("country: no", "tag: on", "answer: yes", "switch: off", "y: y", "n: N") == {
        "country": "no",
        "tag": "on",
        "answer": "yes",
        "switch": "off",
        "y": "y",
        "n": "N",
    }


def test_unknown_keys_keep_their_text_for_templates():
    item = load.read_item(
        "page", "content/pages/p.md", b"---\ntitle: P\ncountry: no\nzip: 01234\n---\n", BERLIN, []
    )
    assert item.meta["country"] == "no"
    assert item.meta["zip"] == "01234"


# E8: odd plain scalars.
def test_equals_and_merge_marker_values_are_strings():
    assert fm("x: =", "y: <<") == {"x": "=", "y": "<<"}


# E6: every date form becomes an aware datetime in the site's zone.
@pytest.mark.parametrize(
    ("written", "instant"),
    [
        ("2024-01-15", datetime(2024, 1, 14, 23, 0, tzinfo=UTC)),
        ("'2024-01-15'", datetime(2024, 1, 14, 23, 0, tzinfo=UTC)),
        ("2024-01-15 10:30", datetime(2024, 1, 15, 9, 30, tzinfo=UTC)),
        ("2024-07-15 10:30", datetime(2024, 7, 15, 8, 30, tzinfo=UTC)),
        ("2024-01-15T10:30:00+02:00", datetime(2024, 1, 15, 8, 30, tzinfo=UTC)),
        ("2024-01-15T10:30:00Z", datetime(2024, 1, 15, 10, 30, tzinfo=UTC)),
        ("2024-01-15T23:30:00-10:00", datetime(2024, 1, 16, 9, 30, tzinfo=UTC)),
    ],
)
def test_dates_are_aware_and_in_the_site_zone(written, instant):
    problems: list = []
    item = load.read_item(
        "essay",
        "content/essays/a.md",  # no date in the name to disagree with the one written
        f"---\ntitle: A\ndate: {written}\n---\n".encode(),
        BERLIN,
        problems,
    )
    assert problems == []
    assert item.date == instant
    assert item.date.tzinfo == BERLIN
    assert item.date.utcoffset() == instant.astimezone(BERLIN).utcoffset()


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024-01-15 25:00",
        "15/01/2024",
        "yesterday",
        "2024-01-15T10:30:00+99:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00-05:00",
    ],
)
def test_impossible_dates_raise_value_error_with_the_value(value):
    with pytest.raises(ValueError) as info:
        parse_datetime(value, BERLIN)
    assert value in str(info.value)


def _build(root: Path, out: Path, tz: str) -> dict[str, bytes]:
    env = {**os.environ, "TZ": tz, "SOURCE_DATE_EPOCH": "1735689600"}
    subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--output", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    return tree(out)


def test_urls_and_dates_do_not_depend_on_the_process_time_zone(site, tmp_path):
    offsets = {
        subprocess.run(
            [sys.executable, "-c", "import time; print(time.strftime('%z'))"],
            env={**os.environ, "TZ": tz},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for tz in ("Pacific/Kiritimati", "America/Adak")
    }
    assert len(offsets) == 2, "the two TZ settings must really differ for this test to mean much"
    root = site(
        {
            "content/essays/2024-01-15-plain.md": "---\ntitle: Plain\ndate: 2024-01-15\n---\nA\n",
            "content/essays/2024-01-15-late.md": (
                "---\ntitle: Late\ndate: 2024-01-15 23:30\n---\nB\n"
            ),
            "content/essays/2024-01-15-west.md": (
                "---\ntitle: West\ndate: 2024-01-15T23:30:00-10:00\n---\nC\n"
            ),
        }
    )
    east = _build(root, tmp_path / "east", "Pacific/Kiritimati")
    west = _build(root, tmp_path / "west", "America/Adak")
    assert east == west
    page = {slug: east[f"essays/{slug}/index.html"].decode() for slug in ("plain", "late", "west")}
    assert 'datetime="2024-01-15T00:00:00+00:00"' in page["plain"]
    assert 'datetime="2024-01-15T23:30:00+00:00"' in page["late"]
    assert 'datetime="2024-01-16T09:30:00+00:00"' in page["west"]


# E17: no newline after the closing fence.
@pytest.mark.parametrize(
    "raw",
    [
        b"---\ntitle: T\n---",
        b"---\r\ntitle: T\r\n---",
        b"---\ntitle: T\n---   ",
        b"---\ntitle: T\n...",
    ],
)
def test_front_matter_ending_at_end_of_file(raw):
    src = source(raw)
    assert src.has_front_matter
    assert src.data == {"title": "T"}
    assert src.body == ""
    item = load.read_item("page", "content/pages/t.md", raw, BERLIN, [])
    assert item.title == "T"


# F1: a byte-order mark is not content.
def test_bom_before_the_fence_is_ignored():
    plain = source("---\ntitle: T\nmenu: 2\n---\nBody\n")
    bom = source(b"\xef\xbb\xbf---\ntitle: T\nmenu: 2\n---\nBody\n")
    assert (bom.data, bom.lines, bom.body, bom.body_line) == (
        plain.data,
        plain.lines,
        plain.body,
        plain.body_line,
    )
    assert "\ufeff" not in bom.body


def test_invalid_byte_is_counted_from_the_start_of_the_file_bom_included():
    with pytest.raises(ContentError) as info:
        source(b"\xef\xbb\xbf---\ntitle: caf\xe9\n---\n", "content/pages/cafe.md")
    (d,) = info.value.diagnostics
    assert d.format().startswith(
        "content/pages/cafe.md:2: error: not valid UTF-8 at byte 17 (0xe9) [encoding]"
    )


def test_bom_never_reaches_the_output(site, cli):
    root = site(
        {
            "content/pages/about.md": b"\xef\xbb\xbf---\ntitle: About us\n---\n\nHello.\n",
            "content/essays/2024-01-15-a.md": (
                b"\xef\xbb\xbf---\ntitle: Essay\ndate: 2024-01-15\n---\n\nText.\n"
            ),
        }
    )
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    out = tree(root / "output")
    assert "<h1>About us</h1>" in out["about/index.html"].decode()
    assert not [name for name, data in out.items() if b"\xef\xbb\xbf" in data]


# F2: CRLF and CR-only files.
LF = (
    "---\ntitle: Line endings\nsummary: >\n  folded\n  text\ntags:\n  - a\n  - b\n---\n\n"
    "# Heading\n\nPara one\ncontinues.\n\n- x\n- y\n\n```\ncode\n```\n"
)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_files_parse_like_lf(newline):
    lf = source(LF)
    other = source(LF.replace("\n", newline))
    assert (other.data, other.lines, other.body, other.body_line) == (
        lf.data,
        lf.lines,
        lf.body,
        lf.body_line,
    )
    assert lf.data["summary"] == "folded text\n"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_errors_point_at_the_same_line(site, cli, monkeypatch, newline):
    text = "---\ntitle: T\nmenu: 1\ndate: 2024-02-30\n---\n\n[[nowhere]]\n"
    root = site({"content/pages/p.md": text.replace("\n", newline).encode()})
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    heads = [line.split(" error: ")[0] for line in run.err.splitlines() if " error: " in line]
    assert heads == ["content/pages/p.md:4:", "content/pages/p.md:7:"]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_output_has_no_carriage_returns(site, cli, tmp_path, newline):
    files = {
        "content/pages/about.md": LF,
        "content/essays/2024-01-15-a.md": (
            "---\ntitle: A\ndate: 2024-01-15\nsummary: one\n  two\n---\n\nText\nmore.\n\n> q\n"
        ),
        "content/glossary/ripeness.md": (
            "---\nterm: Ripeness\ndefinition: Ready\n  to settle.\n---\n\nBody.\n"
        ),
    }
    root = site({k: v.replace("\n", newline).encode() for k, v in files.items()})
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    out = tree(root / "output")
    assert "Para one\ncontinues." in out["about/index.html"].decode()
    text = {name: data for name, data in out.items() if not name.endswith((".jpg", ".png"))}
    assert not [name for name, data in text.items() if b"\r" in data]


# Numbers are written in ASCII digits: `str.isdigit()` says yes to "²", which `int()` refuses.
@pytest.mark.parametrize(
    "value, meant", [("²", 2), ("٣", 3), ("1²", 12), ("¹⁹⁸⁵", 1985), ("\uff11\uff12", 12)]
)
def test_whole_numbers_in_other_digits_are_errors_on_their_line(value, meant):
    problems: list = []
    text = f'---\ntitle: About\nmenu: "{value}"\n---\n'
    page = load.read_item("page", "content/pages/about.md", text.encode(), UTC, problems)
    assert page.menu is None
    assert [p.format() for p in problems] == [
        f"content/pages/about.md:3: error: 'menu': '{value}' is not a whole number [front-matter]"
        f"\n    hint: write it in the digits 0-9: {meant}"
    ]


@pytest.mark.parametrize(("value", "number"), [("7", 7), (" 12 ", 12), ("007", 7)])
def test_whole_numbers_in_ascii_digits_are_read(value, number):
    assert parse_whole_number(value) == number


def test_a_whole_number_of_a_hundred_digits_is_too_large():
    with pytest.raises(ValueError, match=r"'1{20}…' is too large a number"):
        parse_whole_number("1" * 100)


# Nesting: everything that walks front matter later (templates, the cache's pickle) recurses.
FLATTEN = "    hint: flatten the structure: a few levels are all a site needs"


def deep_list(levels: int) -> str:
    """`x:` holding a block list nested `levels` deep, one level a line."""
    return "x:\n" + "".join(f"{'  ' * i}-\n" for i in range(1, levels)) + f"{'  ' * levels}- 1\n"


@pytest.mark.parametrize("levels", [500, 989])
def test_front_matter_nested_too_deep_is_an_error_where_it_goes_too_deep(levels):
    with pytest.raises(ContentError) as caught:
        source(f"---\ntitle: Deep\n{deep_list(levels)}---\n")
    (problem,) = caught.value.diagnostics
    # `x:` is on line 3 and its n-th list starts on line 3 + n: the first one too deep is
    # MAX_NESTING + 1 levels below the top
    assert problem.format() == (
        f"content/pages/x.md:{3 + MAX_NESTING + 1}: error: lists and mappings nested more than "
        f"{MAX_NESTING} levels deep [yaml]\n{FLATTEN}"
    )


def test_front_matter_nested_as_deep_as_allowed_is_read():
    data = source(f"---\ntitle: Deep\n{deep_list(MAX_NESTING)}---\n").data
    for _ in range(MAX_NESTING):
        data = data["x"] if isinstance(data, dict) else data[0]
    assert data == [1]


def test_nesting_is_refused_by_pyyaml_own_composer_too(monkeypatch):
    # without libyaml, PyYAML's composer recurses once a level and runs out of stack first
    monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)
    with pytest.raises(ContentError) as caught:
        source("---\ntitle: Deep\nx: " + "[" * 989 + "]" * 989 + "\n---\n")
    (problem,) = caught.value.diagnostics
    assert problem.format() == (
        "content/pages/x.md:2: error: lists and mappings nested more than "
        f"{MAX_NESTING} levels deep [yaml]\n{FLATTEN}"
    )


def test_deep_front_matter_never_reaches_the_output_or_the_cache(site, cli, monkeypatch):
    root = site({"content/pages/about.md": "---\ntitle: About\n---\n"})
    monkeypatch.chdir(root)
    assert cli("build").code == 0
    before = tree(root / "output")
    deep = "---\ntitle: Deep\nx: " + "[" * 700 + "]" * 700 + "\n---\n"
    (root / "content/pages/deep.md").write_text(deep)
    for _ in range(2):  # and the next cached build does not trip over a cache it left
        run = cli("build")
        assert run.code == 1
        assert run.err.startswith("content/pages/deep.md:3: error: lists and mappings nested")
        assert "Traceback" not in run.err
        assert tree(root / "output") == before
        assert not list((root / ".site-builder-cache").glob("*.tmp-*"))
    (root / "content/pages/deep.md").unlink()
    assert cli("build").code == 0


@pytest.mark.parametrize(
    "value, said", [("[null]", "empty"), ("[~, x]", "empty"), ("[[a]]", "a list")]
)
def test_a_list_item_that_is_not_text_is_named_as_an_author_wrote_it(value, said):
    problems: list = []
    text = f"---\ntitle: About\ntags: {value}\n---\n"
    load.read_item("page", "content/pages/about.md", text.encode(), UTC, problems)
    assert [p.message for p in problems] == [f"'tags' item 1 must be text, not {said}"]


def test_a_site_yaml_that_is_a_list_is_not_called_front_matter(site, cli):
    root = site({}, "- title: T\n- base_url: https://example.org/\n")
    run = cli("check", "--root", root)
    assert run.code == 1
    assert "site.yaml:1: error: this file must be a mapping of keys to values [front-matter]" in (
        run.err
    )


# A mistake inside a value: where the key goes, what was meant, a value of the right kind.
MISTAKES = {
    "a key missing inside another": (
        "series: {part: 5}",
        "4: error: missing required key 'series.slug' [front-matter]\n"
        "    hint: add `slug: ...` inside `series:` (series: {slug: ..., …})",
    ),
    "a key missing in a list item": (
        "chapters:\n  - {title: Intro}",
        "5: error: missing required key 'chapters.0.start' [front-matter]\n"
        '    hint: add `start: "12:34"` to item 1 of `chapters`',
    ),
    "a choice misspelled": (
        "episode_type: fulll",
        "4: error: 'episode_type' must be one of full, trailer, bonus, not 'fulll'"
        " [front-matter]\n    hint: did you mean 'full'?",
    ),
    "a choice with nothing close": (
        "episode_type: weekly",
        "4: error: 'episode_type' must be one of full, trailer, bonus, not 'weekly'"
        " [front-matter]\n    hint: write one of those (full, say)",
    ),
    "a part that is not a number": (
        "series: {slug: s, part: true}",
        "4: error: 'series.part' must be a whole number, not true [front-matter]\n"
        "    hint: write part: 3",
    ),
    "a summary that is a list": (
        "summary: [a, b]",
        "4: error: 'summary' must be text, not a list [front-matter]\n"
        '    hint: write summary: "…" (in quotes)',
    ),
    "a date past the last year": (
        "updated: 9999-12-31T23:00-05:00",
        "4: error: 'updated': '9999-12-31T23:00-05:00' is not a usable date (date value"
        " out of range) [front-matter]\n    hint: a UTC offset runs from -23:59 to +23:59 (such as"
        " +02:00), a year up to 9999",
    ),
    "audio as a bare URL": (
        "audio: https://cdn.example.org/1.mp3",
        "4: error: 'audio' must be a mapping of its url, length and type [front-matter]\n"
        "    hint: write audio: {url: https://cdn.example.org/1.mp3, length: <bytes>,"
        " type: audio/mpeg}",
    ),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_a_mistake_inside_a_value_is_told_what_to_write(site, cli, case):
    # ("add a line `slug: ...`" for `series:` would have given the episode a slug, and a URL)
    lines, said = MISTAKES[case]
    text = f"---\ntitle: A\ndate: 2024-01-01\n{lines}\n---\n\nBody.\n"
    root = site({"content/episodes/001-a.md": text})
    run = cli("check", "--root", root)
    assert f"content/episodes/001-a.md:{said}\n" in run.err
