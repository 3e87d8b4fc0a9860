"""A small site built end to end: what readers, feed readers and crawlers see."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sitecheck import broken_links, urls_of

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from site_builder.cli import main

    out = tmp_path_factory.mktemp("out") / "site"
    assert (
        main(
            [
                "build",
                "--root",
                str(Path(__file__).parent / "sites" / "basic"),
                "--output",
                str(out),
                "--no-cache",  # the fixture site stays as it is in git
            ]
        )
        == 0
    )
    return out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_pretty_urls_for_every_kind(built):
    for rel in (
        "index.html",
        "essays/index.html",
        "essays/reading-the-stalemate/index.html",
        "episodes/index.html",
        "episodes/ripe-for-what/index.html",
        "glossary/index.html",
        "glossary/ripeness/index.html",
        "tags/index.html",
        "tags/negotiation/index.html",
        "about/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "feed.json",
        "media/sketch.svg",
    ):
        assert (built / rel).is_file(), rel


def test_every_internal_link_resolves_and_nothing_loads_from_other_hosts(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 10
    assert broken_links(built, "/sub/") == []
    for page in pages:
        for tag, url in urls_of(page.read_text(encoding="utf-8")):
            if url.startswith(("http://", "https://", "//")):
                # only links (canonical, feeds, anchors) may name other URLs; the only thing
                # loaded from elsewhere is the audio the author publishes there
                assert tag in ("a", "link") or url.startswith("https://media.example.org/"), url
        assert all(
            url.startswith("/sub/assets/")
            for tag, url in urls_of(page.read_text())
            if tag == "script"
        ), page


def test_drafts_and_future_items_are_left_out(built, cli, tmp_path):
    assert not (built / "essays/draft-essay").exists()
    assert not (built / "essays/future").exists()
    assert "A draft" not in read(built, "essays/index.html")
    out = tmp_path / "with-drafts"
    root = Path(__file__).parent / "sites" / "basic"
    assert cli("build", "--root", root, "--output", out, "--drafts", "--no-cache").code == 0
    assert (out / "essays/draft-essay/index.html").is_file()
    assert (out / "essays/future/index.html").is_file()


def test_essay_and_its_episode_link_both_ways(built):
    essay = read(built, "essays/reading-the-stalemate/index.html")
    episode = read(built, "episodes/ripe-for-what/index.html")
    assert 'href="/sub/episodes/ripe-for-what/"' in essay
    assert "Companion to" in essay and "Episode 1: Ripe for what?" in essay
    assert 'href="/sub/essays/reading-the-stalemate/"' in episode
    assert "Reading the stalemate: notes before a summit" in episode


def test_wikilinks_resolve_by_term_alias_slug_and_heading(built):
    essay = read(built, "essays/reading-the-stalemate/index.html")
    assert re.search(
        r'<a href="/sub/glossary/mutually-hurting-stalemate/" class="wikilink '
        r'concept-link" title="A deadlock[^"]*">mutually hurting stalemate</a>',
        essay,
    )
    assert ">a ripe moment</a>" in essay
    assert 'href="/sub/essays/paper-promises/#the-budapest-lesson"' in essay
    target = read(built, "essays/paper-promises/index.html")
    assert 'id="the-budapest-lesson"' in target
    episode = read(built, "episodes/ripe-for-what/index.html")
    assert 'href="/sub/glossary/mutually-hurting-stalemate/"' in episode


def test_root_relative_media_and_links_are_rewritten(built):
    essay = read(built, "essays/reading-the-stalemate/index.html")
    assert '<img src="/sub/media/sketch.svg" alt="A sketch of the line of contact"' in essay
    assert '<a href="/sub/glossary/">the glossary</a>' in essay


def test_episode_page(built):
    html = read(built, "episodes/ripe-for-what/index.html")
    assert (
        '<audio id="player" controls preload="none" src="https://media.example.org/001.mp3">'
        in html
    )
    assert ">58:41<" in html  # duration "58:41" shown as M:SS
    assert "Dr. Ines Carvalho" in html
    assert 'href="https://media.example.org/001.mp3#t=252"' in html  # 4:12 chapter
    assert ">1:02:13<" in html  # chapter past an hour shown as H:MM:SS
    assert "Recorded" in html and "11 March 2026" in html
    other = read(built, "episodes/the-guarantee/index.html")
    assert ">1:02:05<" in other  # duration given in seconds
    assert 'rel="prev" href="/sub/episodes/ripe-for-what/"' in other
    assert 'rel="next" href="/sub/episodes/the-guarantee/"' in html


def test_concept_page_has_definition_related_and_referrers(built):
    ripeness = read(built, "glossary/ripeness/index.html")
    assert "The moment when both sides would rather negotiate than fight on." in ripeness
    assert "<cite>Ripe for Resolution</cite> (1985)" in ripeness
    backlinks = ripeness.split('id="backlinks-heading"')[1]
    # referred to by front matter (essay, episode) and by wikilink (the MHS concept page)
    assert 'href="/sub/essays/reading-the-stalemate/"' in backlinks
    assert 'href="/sub/episodes/ripe-for-what/"' in backlinks
    mhs = read(built, "glossary/mutually-hurting-stalemate/index.html")
    related = mhs.split('id="related-heading"')[1].split("</section>")[0]
    assert 'href="/sub/glossary/ripeness/"' in related  # `related` shown both ways
    assert re.search(r"Also: <span [^>]*>MHS</span>", mhs)


def test_glossary_index_is_a_to_z_with_jump_links(built):
    html = read(built, "glossary/index.html")
    assert (
        html.index(">Mutually hurting stalemate<")
        < html.index(">Ripeness<")
        < html.index(">Security guarantees<")
    )
    for letter in "MRS":
        assert f'href="#letter-{letter}"' in html and f'id="letter-{letter}"' in html


def test_tags_pages_and_menu(built):
    assert "Paper promises" in read(built, "tags/security/index.html")
    assert "Reading the stalemate" in read(
        built, "tags/summits/index.html"
    )  # "Summits" -> /summits/
    assert 'href="/sub/about/"' in read(built, "index.html")


def test_head_meta_is_absolute_and_escaped(built):
    html = read(built, "essays/reading-the-stalemate/index.html")
    assert '<html lang="en-GB">' in html
    assert (
        '<link rel="canonical" href="https://example.org/sub/essays/reading-the-stalemate/">'
        in html
    )
    assert (
        '<meta property="og:url" content="https://example.org/sub/essays/reading-the-stalemate/">'
        in html
    )
    assert "<title>Reading the stalemate: notes before a summit · Basic &amp; Co</title>" in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["headline"] == "Reading the stalemate: notes before a summit"
    assert data["datePublished"] == "2026-03-14T00:00:00+00:00"


def test_theme_assets_are_fingerprinted(built):
    html = read(built, "index.html")
    css = re.search(
        r'<link rel="stylesheet" href="/sub/(assets/style\.([0-9a-f]{10})\.css)">', html
    )
    assert css, "stylesheet is not fingerprinted"
    import hashlib

    data = (built / css.group(1)).read_bytes()
    assert hashlib.sha256(data).hexdigest()[:10] == css.group(2)


def test_accessibility_landmarks(built):
    for rel in ("index.html", "essays/paper-promises/index.html", "glossary/index.html"):
        html = read(built, rel)
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html and "<header" in html and "<footer" in html
        assert '<nav class="site-nav" aria-label="Main">' in html
        assert re.findall(r"<h1[ >]", html).__len__() == 1, rel
    assert all(
        re.search(r'alt="[^"]+"', img)
        for img in re.findall(
            r"<img [^>]*>", read(built, "essays/reading-the-stalemate/index.html")
        )
    )


def test_sitemap_and_robots(built):
    root = ET.fromstring(read(built, "sitemap.xml"))
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [u.find(f"{ns}loc").text for u in root]
    assert locs == sorted(locs)
    assert "https://example.org/sub/essays/reading-the-stalemate/" in locs
    assert "https://example.org/sub/404.html" not in locs
    lastmod = {u.find(f"{ns}loc").text: u.findtext(f"{ns}lastmod") for u in root}
    assert lastmod["https://example.org/sub/essays/paper-promises/"] == "2026-05-09"
    assert "Sitemap: https://example.org/sub/sitemap.xml" in read(built, "robots.txt")


def test_feeds_parse_and_carry_absolute_content(built):
    atom = ET.fromstring((built / "feed.xml").read_bytes())
    entries = atom.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[:2] == ["The guarantee", "Paper promises"]  # newest first
    assert "A draft" not in titles
    content = entries[1].findtext(f"{ATOM}content")
    assert 'href="https://example.org/sub/glossary/security-guarantees/"' in content
    feed = json.loads(read(built, "feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    episode = next(i for i in feed["items"] if i["title"] == "Ripe for what?")
    assert episode["attachments"][0] == {
        "url": "https://media.example.org/001.mp3",
        "mime_type": "audio/mpeg",
        "size_in_bytes": 48213760,
        "duration_in_seconds": 3521,
    }


def test_pages_read_without_javascript(built):
    # scripts are deferred enhancements; content is in the HTML itself
    html = read(built, "episodes/ripe-for-what/index.html")
    assert "What ripeness means" in html and "Show notes mentioning" in html
    assert re.findall(r"<script(?![^>]*(?:defer|ld\+json))", html) == []


def test_site_without_templates_uses_the_packaged_theme(built):
    assert not (Path(__file__).parent / "sites" / "basic" / "templates").exists()
    assert 'class="site-header"' in read(built, "index.html")


def test_deleted_source_disappears_from_output(cli, fixture_site, tmp_path):
    root = fixture_site("basic")
    out = tmp_path / "out"
    assert cli("build", "--root", root, "--output", out).code == 0
    assert (out / "essays/paper-promises/index.html").exists()
    (root / "content/essays/2026-05-09-paper-promises.md").unlink()
    text = (root / "content/essays/2026-03-14-reading-the-stalemate.md").read_text()
    (root / "content/essays/2026-03-14-reading-the-stalemate.md").write_text(
        text.replace(" and [[essays/paper-promises#the-budapest-lesson]]", "")
    )
    assert cli("build", "--root", root, "--output", out).code == 0
    assert not (out / "essays/paper-promises").exists()
    assert "Paper promises" not in (out / "sitemap.xml").read_text()
    assert not (out / "tags/security").exists()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:x", "data:text/html,x", "vbscript:x"]
)
def test_link_fields_refuse_script_addresses(cli, site, url):
    root = site(
        {
            "content/glossary/x.md": f"---\nterm: X\ndefinition: D.\nsources:\n"
            f'  - {{author: A, title: B, url: "{url}"}}\n---\n',
            "content/episodes/001-a.md": f"---\ntitle: A\ndate: 2026-01-01\nchapters:\n"
            f'  - {{start: "0:00", title: Start, url: "{url}"}}\n'
            f"concepts: [x]\n---\n",
        }
    )
    run = cli("check", "--root", root)
    assert run.code == 1
    assert "content/glossary/x.md:5: error: 'sources.0.url' must be an http(s)" in run.err
    assert "content/episodes/001-a.md:5: error: 'chapters.0.url' must be an http(s)" in run.err


TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
RAW_ROOT_LINKS = """\
---
title: Raw
date: 2024-03-01
---

<p><a HREF="/about/">upper</a> <a href = "/about/">spaced</a> <a href=/about/>bare</a>
<img SRC='/media/a.svg' srcset="/media/a.svg 1x, /media/a2.svg 2x" alt="">
<video poster="/media/p.svg" src="/media/v.mp4"></video></p>
"""


def test_raw_html_root_links_are_rebased_alike_in_pages_and_feeds(cli, site):
    # one reading of HTML for both: a spelling the page rewrite accepts must not stay
    # root-relative in the feeds, where it would point at the feed reader's own host
    root = site(
        {
            "content/essays/2024-03-01-raw.md": RAW_ROOT_LINKS,
            "content/pages/about.md": "---\ntitle: About\n---\n",
            **{f"content/media/{name}.svg": TINY_SVG for name in ("a", "a2", "p")},
            "content/media/v.mp4": b"\x00\x00\x00\x18ftypmp42",
        },
        "title: T\nbase_url: https://example.org/sub/\nsearch: false\n",
    )
    assert cli("build", "--root", root, "--no-cache").code == 0
    out = root / "output"
    written = [
        ("a", "/about/"),
        ("a", "/about/"),
        ("a", "/about/"),
        ("img", "/media/a.svg"),
        ("img", "/media/a.svg 1x, /media/a2.svg 2x"),
        ("video", "/media/p.svg"),
        ("video", "/media/v.mp4"),
    ]

    def under(prefix: str) -> list[tuple[str, str]]:
        return [(tag, re.sub(r"(^|, )/", rf"\g<1>{prefix}", url)) for tag, url in written]

    page = read(out, "essays/raw/index.html")
    assert _root_urls(page[page.index("<main") : page.index("</main>")]) == under("/sub/")
    atom = ET.fromstring((out / "feed.xml").read_bytes())
    (entry,) = atom.findall(f"{ATOM}entry")
    assert _root_urls(entry.findtext(f"{ATOM}content")) == under("https://example.org/sub/")
    (item,) = json.loads(read(out, "feed.json"))["items"]
    assert _root_urls(item["content_html"]) == under("https://example.org/sub/")


def _root_urls(html: str) -> list[tuple[str, str]]:
    """(tag, value) of every URL attribute in `html` but links to #fragments, in order."""
    from html.parser import HTMLParser

    found: list[tuple[str, str]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(
                (tag, value)
                for name, value in attrs
                if name in ("href", "src", "srcset", "poster") and value and value[0] != "#"
            )

    Parser().feed(html)
    return found


def test_feeds_say_when_an_essay_was_updated(cli, site):
    root = site(
        {
            "content/essays/2024-01-15-revised.md": (
                "---\ntitle: Revised\ndate: 2024-01-15\nupdated: 2024-02-01\n---\n\nText.\n"
            ),
            "content/essays/2024-01-10-as-written.md": (
                "---\ntitle: As written\ndate: 2024-01-10\n---\n\nText.\n"
            ),
        }
    )
    assert cli("build", "--root", root).code == 0
    revised, as_written = json.loads(read(root / "output", "feed.json"))["items"]
    assert (revised["date_published"], revised["date_modified"]) == (
        "2024-01-15T00:00:00Z",
        "2024-02-01T00:00:00Z",
    )
    assert "date_modified" not in as_written
    atom = ET.fromstring((root / "output/feed.xml").read_bytes())
    assert [e.findtext(f"{ATOM}updated") for e in atom.findall(f"{ATOM}entry")] == [
        "2024-02-01T00:00:00Z",
        "2024-01-10T00:00:00Z",
    ]


def test_a_root_link_to_a_folder_may_leave_out_its_trailing_slash(cli, site):
    # a server answers /about with a redirect to /about/: the link works, so it is no error
    root = site(
        {
            "content/pages/about.md": "---\ntitle: About\n---\n\nUs.\n",
            "content/essays/2024-01-15-e.md": (
                "---\ntitle: E\ndate: 2024-01-15\n---\n\n[about](/about) and [all](/essays)\n"
            ),
        },
        "title: T\nbase_url: https://example.org/sub/\nsearch: false\n",
    )
    run = cli("build", "--root", root)
    assert (run.code, run.err) == (0, "")
    page = read(root / "output", "essays/e/index.html")
    assert '<a href="/sub/about">about</a> and <a href="/sub/essays">all</a>' in page


def test_an_excerpt_is_the_whole_words_that_fit_in_200_characters(cli, site):
    words = [f"w{'x' * (i % 7)}{i}" for i in range(80)]  # words of uneven length
    root = site(
        {
            "content/essays/2024-01-15-long.md": "---\ntitle: Long\ndate: 2024-01-15\n---\n\n"
            + " ".join(words)
            + "\n\nSecond paragraph.\n"
        }
    )
    assert cli("build", "--root", root).code == 0
    fit = max(n for n in range(len(words)) if len(" ".join(words[:n])) <= 200)
    (item,) = json.loads(read(root / "output", "feed.json"))["items"]
    assert item["summary"] == " ".join(words[:fit]) + "…"
    assert 190 < len(item["summary"]) <= 201
    assert f'content="{" ".join(words[:fit])}…"' in read(root / "output", "essays/long/index.html")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a" * 300, "a" * 200 + "…"),  # one long word: cut inside it, never over the limit
        ("b" * 194 + " cdefg h", "b" * 194 + " cdefg…"),  # a word ending at the limit stays
        ("d" * 195 + ", efghij", "d" * 195 + "…"),  # no dangling comma
    ],
)
def test_an_excerpt_cuts_long_paragraphs_at_a_word_within_the_limit(text, expected):
    from site_builder.markdown import excerpt

    assert excerpt(f"<p>{text}</p>") == expected
