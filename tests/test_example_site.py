"""The repository's own site: complete, error-free, every feature shown, every link working."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from sitecheck import broken_links

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.load.frontmatter import decode, split

REPO = Path(__file__).parent.parent
CONTENT = REPO / "content"


def words(path: Path) -> int:
    return len(split(decode(path.read_bytes(), path.name), path.name).body.split())


def test_example_site_has_the_promised_content():
    essays = sorted((CONTENT / "essays").glob("*.md"))
    assert len(essays) >= 5 and all(words(e) >= 600 for e in essays)
    episodes = sorted((CONTENT / "episodes").glob("*.md"))
    assert len(episodes) >= 4
    assert all("chapters:" in e.read_text(encoding="utf-8") for e in episodes)
    concepts = {p.stem for p in (CONTENT / "glossary").glob("*.md")}
    assert len(concepts) >= 15
    assert {
        "ripeness",
        "mutually-hurting-stalemate",
        "stalemate",
        "security-guarantees",
        "korea-model",
        "ceasefire",
        "root-causes",
    } <= concepts
    assert (CONTENT / "pages" / "about.md").is_file()


def test_cover_is_a_square_png_of_at_least_1400_px():
    data = (CONTENT / "media" / "cover.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == height and 1400 <= width <= 3000


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from site_builder.build import build_site

    out = tmp_path_factory.mktemp("example") / "output"
    # no cache in the repository: one left by an earlier run is signed with that run's key
    result = build_site(load_config(REPO), out, use_cache=False)
    assert result.warnings == []
    return out


def test_example_site_builds_with_every_link_resolving(built):
    assert broken_links(built, "/companion/") == []


def test_example_site_shows_every_feature(built):
    essays = [p.read_text(encoding="utf-8") for p in (built / "essays").glob("*/index.html")]
    joined = "\n".join(essays)
    assert 'class="wikilink concept-link"' in joined
    assert "<table>" in joined and "footnote-ref" in joined and "<blockquote>" in joined
    assert re.search(r'<img src="/companion/media/[^"]+" alt="[^"]+"', joined)
    assert "Companion to" in joined  # an essay names its episode
    episodes = "\n".join(
        p.read_text(encoding="utf-8") for p in (built / "episodes").glob("*/index.html")
    )
    assert "Essays on this episode" in episodes and 'class="timestamp"' in episodes
    concept = (built / "glossary/ripeness/index.html").read_text(encoding="utf-8")
    assert "Related concepts" in concept and "Where this comes up" in concept


def test_check_passes_on_the_example_site():
    result = make_site(load_config(REPO))
    assert result.warnings == []


def test_example_site_has_a_series_across_essays_and_episodes(built):
    series = (built / "series/ending-the-war/index.html").read_text(encoding="utf-8")
    parts = re.findall(r'<li class="card card-(essay|episode)" value="(\d+)">', series)
    assert len(parts) >= 3 and {kind for kind, _ in parts} == {"essay", "episode"}
    assert [int(n) for _, n in parts] == list(range(1, len(parts) + 1))
    third = next(
        p.read_text(encoding="utf-8")
        for p in built.glob("*/*/index.html")
        if f"Part 3 of {len(parts)} in" in p.read_text(encoding="utf-8")
    )
    assert "<em>Ending the war</em>" in third and 'rel="prev"' in third
    assert (built / "series/ending-the-war/feed.xml").is_file()
