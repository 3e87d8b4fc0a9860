"""What an author sees when the podcast part of a site breaks the rules podcast apps enforce.

Each folder in tests/sites_invalid_podcast/ is a small complete site with a `podcast:` section
plus `expected.txt`, the exact text `site-builder check` (and `build`) must print on stderr:
PODCAST.md §2 (Apple's rules: audio, categories, artwork, guids, serial shows, language), §3.3
(transcripts) and the MUST rules of §4.3 are errors (exit 1, nothing written); a folder whose
name starts with `warning-` holds a site that only breaks a SHOULD rule (exit 0, built).

The cover images in the folders are real PNG files made by `png()` below (all black, so even a
3500x3500 one is under 40 KB); `test_cover_fixtures_are_the_images_their_cases_describe` checks
them. To remake one: `Path(...).write_bytes(png(1400, 1400))`.
"""

from __future__ import annotations

import struct
import uuid
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

INVALID = Path(__file__).parent / "sites_invalid_podcast"
ALL_CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())
CASES = [c for c in ALL_CASES if not c.startswith("warning-")]
WARNING_CASES = [c for c in ALL_CASES if c.startswith("warning-")]
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel (8 bits each)


def png(width: int, height: int, colour_type: int = 2) -> bytes:
    """A valid black PNG: IHDR (8-bit samples), one IDAT, IEND.

    Colour type 2 is RGB, 6 RGBA, 0 greyscale, 4 greyscale with alpha. Every byte of the image
    data is zero, so it compresses about 1000:1 (a 1400x1400 RGB image is under 6 KB).
    """

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    row = bytes(1 + width * CHANNELS[colour_type])  # filter type 0, then the samples
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def read_png(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) of a PNG, after checking every chunk's CRC and the pixels."""
    assert data[:8] == PNG_SIGNATURE
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        tag, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(tag + body), tag
        chunks[tag] = chunks.get(tag, b"") + body
        pos += 12 + length
    order = list(chunks)
    assert order[0] == b"IHDR" and order[-1] == b"IEND"
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8
    pixels = zlib.decompress(chunks[b"IDAT"])
    assert len(pixels) == height * (1 + width * CHANNELS[colour_type])
    return width, height, colour_type


# A site that passes: what every case folder starts from before breaking one rule.
SITE_YAML = """\
title: Podcast Companion
base_url: https://example.org/
language: en
podcast:
  title: The Test Show
  description: Conversations about how wars end.
  image: media/cover.png
  category: [News, Politics]
  explicit: false
  owner: {name: Mara Linden, email: host@example.org}
"""


def episode(title: str, date: str, extra: str = "", url: str = "001.mp3") -> str:
    guid = uuid.uuid5(uuid.NAMESPACE_URL, url)
    return (
        f'---\ntitle: {title}\ndate: {date}\nguid: "urn:uuid:{guid}"\n{extra}'
        f"audio:\n  url: https://cdn.example.org/{url}\n  length: 5650889\n  type: audio/mpeg\n"
        'duration: "30:00"\n---\n\nNotes.\n'
    )


@pytest.fixture
def broken(case_copy):
    """broken(case) -> a copy of tests/sites_invalid_podcast/<case>, made the current folder."""
    return lambda case: case_copy(INVALID / case)


def expected(case: str) -> str:
    return (INVALID / case / "expected.txt").read_text(encoding="utf-8")


def test_the_suite_covers_the_cases_it_promises():
    assert len(CASES) >= 20
    assert len(WARNING_CASES) >= 3
    assert all(expected(c).endswith("nothing was written.\n") for c in CASES)
    assert all("error" not in expected(c) for c in WARNING_CASES)
    for case in ALL_CASES:
        config = (INVALID / case / "site.yaml").read_text(encoding="utf-8")
        assert "\npodcast:\n" in config, case
        for key in ("title", "description", "image", "category", "explicit", "owner"):
            assert f"\n  {key}: " in config, (case, key)


# The broken sites here are checked and built, diagnostic for diagnostic, by the shared
# broken-site tests in test_diagnostics.py.


# SHOULD rules of PODCAST.md §4.3 (and a stray transcript) warn, and the site is still built.
@pytest.mark.parametrize("case", WARNING_CASES)
def test_check_warns_and_passes(case, broken, cli):
    root = broken(case)
    run = cli("check")
    assert run.err == expected(case)
    assert run.code == 0
    assert run.out.startswith("no errors in ") and "warning" in run.out, run.out
    assert not (root / "output").exists()


def test_check_counts_one_warning_in_the_singular(broken, cli):
    broken("warning-no-duration")
    run = cli("check")
    assert run.code == 0
    assert run.out.endswith(" pages (1 warning)\n"), run.out


@pytest.mark.parametrize("case", WARNING_CASES)
def test_build_warns_and_writes_the_feed(case, broken, cli):
    root = broken(case)
    run = cli("build")
    assert run.err == expected(case)
    assert run.code == 0
    assert (root / "output" / "podcast.xml").is_file()


COVERS = {  # case -> (width, height, PNG colour type) of its content/media/cover.*
    "cover-not-square": (1400, 1000, 2),
    "cover-too-small": (1000, 1000, 2),
    "cover-too-large": (3500, 3500, 2),
    "cover-greyscale": (1400, 1400, 0),
}


def test_cover_fixtures_are_the_images_their_cases_describe():
    for case in ALL_CASES:
        media = INVALID / case / "content" / "media"
        for cover in sorted(media.glob("cover.*")) if media.is_dir() else []:
            data = cover.read_bytes()
            assert len(data) < 50_000, cover
            if case in ("cover-gif-named-png", "cover-text-named-png"):
                assert not data.startswith(PNG_SIGNATURE)
                continue
            assert read_png(data) == COVERS.get(case, (1400, 1400, 2)), cover
    assert (INVALID / "cover-gif-named-png/content/media/cover.png").read_bytes()[:6] == b"GIF89a"
    assert (INVALID / "cover-png-named-jpg/content/media/cover.jpg").read_bytes()[:8] == (
        PNG_SIGNATURE
    )


def test_png_helper_makes_the_size_and_colour_type_asked_for():
    for size in ((1, 1, 2), (1400, 1000, 2), (3000, 3000, 6), (1500, 1500, 0), (7, 3, 4)):
        data = png(*size)
        assert read_png(data) == size
    assert len(png(3000, 3000)) < 50_000


# Apple counts episode numbers per season (PODCAST.md §2.2): number 1 may be in seasons 1 and 2.
def test_the_same_number_in_two_seasons_is_fine(site, cli, monkeypatch):
    root = site(
        {
            "content/media/cover.png": png(1400, 1400),
            "content/episodes/001-origins.md": episode(
                "Origins", "2024-01-01", "season: 1\n", url="s1e1.mp3"
            ),
            "content/episodes/002-aftermath.md": episode(
                "Aftermath", "2024-01-08", "season: 1\n", url="s1e2.mp3"
            ),
            "content/episodes/003-a-new-war.md": episode(
                "A New War", "2024-06-01", "season: 2\nnumber: 1\n", url="s2e1.mp3"
            ),
        },
        SITE_YAML,
    )
    monkeypatch.chdir(root)
    assert_first_build_starts_the_ledger(cli)
    run = cli("check")
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("no errors in ") and "warning" not in run.out
    channel = ET.parse(root / "output" / "podcast.xml").getroot().find("channel")
    numbers = {
        i.findtext("title"): (i.findtext(f"{ITUNES}season"), i.findtext(f"{ITUNES}episode"))
        for i in channel.findall("item")
    }
    assert numbers == {"Origins": ("1", "1"), "Aftermath": ("1", "2"), "A New War": ("2", "1")}
    assert len({i.findtext("guid") for i in channel.findall("item")}) == 3


# The same minimal site, unbroken, passes without a warning: each case breaks only its rule.
def test_the_site_the_cases_start_from_is_clean(site, cli, monkeypatch):
    root = site(
        {
            "content/media/cover.png": png(1400, 1400),
            "content/episodes/001-first.md": episode("First", "2024-01-01"),
        },
        SITE_YAML,
    )
    monkeypatch.chdir(root)
    assert_first_build_starts_the_ledger(cli)
    run = cli("check")
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("no errors in ") and "warning" not in run.out


# Show notes come before the audio: a draft without audio is previewed and left out of the feed.
def test_a_new_episode_without_audio_is_previewed_and_left_out_of_the_feed(site, cli, monkeypatch):
    from site_builder.build import make_site
    from site_builder.config import load_config

    root = site(
        {
            "content/media/cover.png": png(1400, 1400),
            "content/episodes/001-first.md": episode("First", "2024-01-01"),
        },
        SITE_YAML,
    )
    monkeypatch.chdir(root)
    assert_first_build_starts_the_ledger(cli)
    assert cli("new", "episode", "Notes before audio").code == 0
    path = "content/episodes/002-notes-before-audio.md"  # line 9: `# audio: {url: …}`
    warning = (
        f"{path}:9: warning: no audio yet: the episode is left out of the podcast feed"
        " [podcast]\n"
        "    hint: fill in the `# audio:` line and remove its # when the file is online;"
        " publishing it without audio is an error\n"
    )
    run = cli("check")
    assert (run.code, run.err) == (0, warning)
    assert run.out.endswith(" pages (1 warning)\n")
    preview = make_site(load_config(root), drafts=True)  # what `serve` shows
    assert "episodes/notes-before-audio/index.html" in preview.files
    assert b"Notes before audio" not in preview.files["podcast.xml"]
    assert [d.format() + "\n" for d in preview.warnings] == [warning]
    run = cli("build", "--drafts")
    assert (run.code, run.err) == (0, warning)
    feed = ET.parse(root / "output" / "podcast.xml").getroot().find("channel")
    assert [i.findtext("title") for i in feed.findall("item")] == ["First"]
    assert (root / "output/episodes/notes-before-audio/index.html").is_file()


def test_publishing_an_episode_without_audio_is_an_error_at_its_audio_line(site, cli, monkeypatch):
    root = site({"content/media/cover.png": png(1400, 1400)}, SITE_YAML)
    monkeypatch.chdir(root)
    assert cli("new", "episode", "Notes before audio").code == 0
    path = root / "content/episodes/001-notes-before-audio.md"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    run = cli("check")
    assert run.code == 1
    assert run.err == (
        "content/episodes/001-notes-before-audio.md:9: error: no audio: the podcast feed needs"
        " `audio: {url, length, type}` [podcast]\n"
        "    hint: fill in the `# audio:` line and remove its #: the URL of the file, its size in"
        " bytes and its type (audio/mpeg)\n"
        "1 error; nothing was written.\n"
    )


def test_a_future_episode_without_audio_is_a_warning_at_the_top(site, cli, monkeypatch):
    root = site(
        {
            "content/media/cover.png": png(1400, 1400),
            "content/episodes/001-first.md": episode("First", "2024-01-01"),
            "content/episodes/002-later.md": "---\ntitle: Later\ndate: 2999-01-01\n---\n\nNotes.\n",
        },
        SITE_YAML,
    )
    monkeypatch.chdir(root)
    assert_first_build_starts_the_ledger(cli)
    run = cli("check")
    assert (run.code, run.err) == (
        0,
        "content/episodes/002-later.md:1: warning: no audio yet: the episode is left out of the"
        " podcast feed [podcast]\n"
        "    hint: add `audio:` when the file is online; publishing it without audio is an error\n",
    )
    run = cli("build")
    assert (run.code, run.err) == (0, "")
    assert "left out 1 item dated in the future (build --drafts includes it)" in run.out


# Keys the podcast section does not have yet (issue 16) are not silently ignored.
def test_unknown_podcast_keys_warn_at_their_line(site, cli, monkeypatch):
    root = site(
        {
            "content/media/cover.png": png(1400, 1400),
            "content/episodes/001-first.md": episode("First", "2024-01-01"),
        },
        SITE_YAML + "  new_feed_uri: https://example.net/feed.xml\n  copyrights: Mara Linden\n",
    )
    monkeypatch.chdir(root)
    cli("build")  # starts the guid ledger
    run = cli("check")
    assert (run.code, run.err) == (
        0,
        "site.yaml:11: warning: unknown key 'podcast.new_feed_uri' in site.yaml [unknown-key]\n"
        "    hint: did you mean 'new_feed_url'?\n"
        "site.yaml:12: warning: unknown key 'podcast.copyrights' in site.yaml [unknown-key]\n"
        "    hint: did you mean 'copyright'?\n",
    )


def assert_first_build_starts_the_ledger(cli) -> None:
    """A new show's first build warns only that it starts the guid ledger, and does."""
    run = cli("build")
    assert run.code == 0
    assert run.err.startswith(
        "podcast-ledger.yaml: warning: no podcast-ledger.yaml: the guids of "
    ), run.err
    assert run.err.count("warning:") == 1, run.err
    assert Path("podcast-ledger.yaml").is_file()
