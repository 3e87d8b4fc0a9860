"""Series (issue 18 §2): what a reader sees on a series' page and on each part, what a feed
reader gets, and what an author is told when the parts do not add up."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.errors import ContentError
from site_builder.link.index import build_index

SITES = Path(__file__).parent / "sites"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def series_site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "series", root)
    return root


def _page(files: dict[str, bytes], path: str) -> str:
    return files[path].decode()


def _part_block(html: str) -> str:
    found = re.search(r'<nav class="companion series-part".*?</nav>', html, re.S)
    assert found, "no series block"
    return found.group()


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_part_says_where_it_stands_and_links_its_neighbours(series_site):
    files = make_site(load_config(series_site), now=NOW).files
    block = _part_block(_page(files, "episodes/stalemate-talk/index.html"))
    assert "Part 2 of 3 in" in _text(block)
    assert '<a href="/sub/series/ending-the-war/"><em>Ending the war</em></a>' in block
    assert re.search(r'rel="prev" href="/sub/essays/the-long-middle/"', block)
    assert re.search(r'rel="next" href="/sub/essays/the-ripe-moment/"', block)
    first = _part_block(_page(files, "essays/the-long-middle/index.html"))
    assert 'rel="prev"' not in first and "Next part" in _text(first)
    last = _part_block(_page(files, "essays/the-ripe-moment/index.html"))
    assert "Part 3 of 3" in _text(last) and 'rel="next"' not in last  # part 4 is a draft


def test_a_piece_in_no_series_shows_no_block(series_site):
    files = make_site(load_config(series_site), now=NOW).files
    assert "series-part" not in _page(files, "essays/unrelated/index.html")


def test_the_series_page_lists_its_parts_in_order_with_their_summaries(series_site):
    files = make_site(load_config(series_site), now=NOW).files
    html = _page(files, "series/ending-the-war/index.html")
    assert "<h1" in html and "Ending the war" in html
    assert "Three pieces on how a war" in html  # its summary, and its body below
    assert "Read them in order" in html
    parts = re.findall(r'<li class="card card-(\w+)" value="(\d)">.*?href="([^"]+)"', html, re.S)
    assert parts == [
        ("essay", "1", "/sub/essays/the-long-middle/"),
        ("episode", "2", "/sub/episodes/stalemate-talk/"),
        ("essay", "3", "/sub/essays/the-ripe-moment/"),
    ]
    text = _text(html)
    order = [text.index(s) for s in ("Wars settle into", "An hour on why", "When a stalemate")]
    assert order == sorted(order)
    assert "After the talks" not in text  # the draft part
    assert 'href="/sub/series/ending-the-war/feed.xml"' in html
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "CreativeWorkSeries" and data["name"] == "Ending the war"
    assert [(p["@type"], p["position"]) for p in data["hasPart"]] == [
        ("Article", 1),
        ("PodcastEpisode", 2),
        ("Article", 3),
    ]


LISTED = re.compile(
    r'<h2 class="card-title"><a href="([^"]+)">([^<]+)</a></h2>\s*'
    r'<p class="meta">(\d+) parts? · latest <time datetime="([\d-]+)T[^"]*">[^<]+</time></p>\s*'
    r'<p class="summary">([^<]+)</p>'
)


def test_the_series_list_names_every_series_the_one_with_the_newest_part_first(series_site):
    files = make_site(load_config(series_site), now=NOW).files
    listed = LISTED.findall(_page(files, "series/index.html"))
    assert listed == [
        (
            "/sub/series/around-the-table/",
            "Around the table",
            "3",
            "2026-05-01",
            "Conversations about who sits where.",
        ),
        (
            "/sub/series/ending-the-war/",
            "Ending the war",
            "3",
            "2026-03-14",
            "Three pieces on how a war that neither side can win comes to stop.",
        ),
    ]
    # part 4 of Ending the war, a draft of July, is its latest in the preview
    drafts = make_site(load_config(series_site), now=NOW, drafts=True).files
    assert [
        (url, n, date) for url, _, n, date, _ in LISTED.findall(_page(drafts, "series/index.html"))
    ] == [
        ("/sub/series/ending-the-war/", "4", "2026-07-01"),
        ("/sub/series/around-the-table/", "3", "2026-05-01"),
    ]
    eyebrow = re.search(
        r'<p class="eyebrow"[^>]*>(.*?)</p>', _page(files, "series/ending-the-war/index.html")
    )
    assert eyebrow and '<a href="/sub/series/">A series</a> in 3 parts' in eyebrow.group(1)
    assert "<loc>https://example.org/sub/series/</loc>" in _page(files, "sitemap.xml")


def test_a_series_with_no_part_published_yet_says_so(series_site):
    _write(
        series_site,
        "content/series/after-the-war.md",
        "---\ntitle: After the war\nsummary: What comes once it stops.\n---\nSoon.\n",
    )
    files = make_site(load_config(series_site), now=NOW).files
    listing = _text(_page(files, "series/index.html"))
    assert "Ending the war 3 parts · latest 14 March 2026 Three pieces" in listing
    assert "stop. After the war No part published yet What comes once it stops." in listing
    page = _page(files, "series/after-the-war/index.html")
    assert "A series : no part is published yet" in _text(page)
    assert "The parts, in order" not in page and "0 parts" not in page


def test_a_site_without_series_has_no_series_list(tmp_path):
    files = make_site(load_config(SITES / "basic"), now=NOW).files
    assert "series/index.html" not in files and "/series/" not in _page(files, "sitemap.xml")


def test_a_concept_page_lists_the_series_that_name_it(series_site):
    html = _page(make_site(load_config(series_site), now=NOW).files, "glossary/ripeness/index.html")
    series = re.search(r"<h3>Series.*?</ul>", html, re.S)
    assert series and 'href="/sub/series/ending-the-war/"' in series.group()


def test_without_part_numbers_the_parts_follow_their_dates(series_site):
    files = make_site(load_config(series_site), now=NOW).files
    html = _page(files, "series/around-the-table/index.html")
    urls = re.findall(r'<li class="card[^"]*" value="\d">.*?href="([^"]+)"', html, re.S)
    assert urls == [
        "/sub/episodes/the-first-table/",
        "/sub/essays/a-table-of-one/",
        "/sub/episodes/the-second-table/",
    ]
    block = _text(_part_block(_page(files, "essays/a-table-of-one/index.html")))
    assert "Part 2 of 3 in Around the table" in block
    assert "Previous part The first table" in block and "Next part The second table" in block


def test_a_draft_part_is_shown_with_drafts(series_site):
    files = make_site(load_config(series_site), now=NOW, drafts=True).files
    block = _text(_part_block(_page(files, "essays/the-ripe-moment/index.html")))
    assert "Part 3 of 4" in block and "Next part After the talks" in block


def test_each_series_has_an_atom_feed_of_its_parts(series_site):
    files = make_site(load_config(series_site), now=NOW).files
    feed = ET.fromstring(files["series/ending-the-war/feed.xml"])
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Series & Co: Ending the war"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "https://example.org/sub/series/ending-the-war/feed.xml"
    assert links["alternate"] == "https://example.org/sub/series/ending-the-war/"
    entries = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert entries == ["The ripe moment", "Talking about stalemate", "The long middle"]
    assert "series/around-the-table/feed.xml" in files


def test_the_index_tells_each_piece_its_series_and_part(series_site):
    """What related reading (and any other feature) asks: item key -> (series slug, part)."""
    from site_builder.load import load_content

    config = load_config(series_site)
    loaded = load_content(config.content_dir, config.root, config.tz)
    published = [i for i in loaded.items if not i.draft]
    index, problems = build_index(published, [i for i in loaded.items if i.draft], "/sub/")
    assert problems == []
    assert index.series.part_of == {
        "essays/the-long-middle": ("ending-the-war", 1),
        "episodes/stalemate-talk": ("ending-the-war", 2),
        "essays/the-ripe-moment": ("ending-the-war", 3),
        "episodes/the-first-table": ("around-the-table", 1),
        "essays/a-table-of-one": ("around-the-table", 2),
        "episodes/the-second-table": ("around-the-table", 3),
    }


def test_search_offers_series_as_a_kind_only_on_a_site_with_one(series_site, tmp_path):
    (series_site / "site.yaml").write_text(
        (series_site / "site.yaml").read_text().replace("search: false", "search: true")
    )
    html = _page(make_site(load_config(series_site), now=NOW).files, "search/index.html")
    assert 'value="Series"' in html
    page = _page(
        make_site(load_config(series_site), now=NOW).files, "series/around-the-table/index.html"
    )
    assert 'data-pagefind-filter="kind:Series"' in page
    # its title weighs most (as a concept's term); its parts are indexed on their own pages
    assert re.search(r'<h1 id="title" data-pagefind-weight="10">', page)
    assert re.search(r'class="series-parts"[^>]*data-pagefind-ignore', page)
    plain = tmp_path / "plain"
    shutil.copytree(SITES / "basic", plain)
    (plain / "site.yaml").write_text((plain / "site.yaml").read_text() + "search: true\n")
    assert 'value="Series"' not in _page(
        make_site(load_config(plain), now=NOW).files, "search/index.html"
    )


def _problems(root: Path, drafts: bool = False) -> list[str]:
    try:
        result = make_site(load_config(root), now=NOW, drafts=drafts)
    except ContentError as exc:
        return [d.format() for d in exc.diagnostics]
    return [d.format() for d in result.warnings if d.code == "series"]


def _write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def test_a_gap_before_drafts_only_is_a_warning(series_site):
    # part 4 is a draft; making it part 5 leaves 4 unclaimed, but no reader sees the gap yet
    path = series_site / "content/essays/2026-07-01-after-the-talks.md"
    path.write_text(path.read_text().replace("part: 4", "part: 5"))
    (problem,) = _problems(series_site)
    assert problem.startswith("content/essays/2026-07-01-after-the-talks.md:6: warning: part 4 ")
    assert "is missing" in problem
    # nor in the preview, which shows the draft: the author writing part 5 before part 4 is
    # told, and still sees it (and `check`, which checks the preview's site too, passes)
    (problem,) = _problems(series_site, drafts=True)
    assert ":6: warning: part 4 of 'ending-the-war' is missing" in problem
    path.write_text(path.read_text().replace("draft: true\n", ""))
    (problem,) = _problems(series_site)
    assert ":5: error: part 4 of 'ending-the-war' is missing" in problem


def test_a_draft_between_published_parts_is_a_warning(series_site):
    path = series_site / "content/essays/2026-03-14-the-ripe-moment.md"
    path.write_text(path.read_text().replace("part: 3", "part: 5"))
    draft = series_site / "content/essays/2026-07-01-after-the-talks.md"
    _write(
        series_site,
        "content/essays/2026-07-02-part-three.md",
        draft.read_text().replace("part: 4", "part: 3"),
    )
    found = _problems(series_site)
    assert any(
        "part 3 of 'ending-the-war' is not published, but a later part is" in p for p in found
    )
    assert _problems(series_site, drafts=True) == []
