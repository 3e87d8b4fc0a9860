"""The podcast feed, chapters, transcripts and essay feeds, read as apps and feed readers do."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest

from site_builder.feeds.podcast import CONTENT, podcast_guid

SITE = Path(__file__).parent / "sites" / "podcast"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
HOSTILE_TITLE = "Tips & Tricks <3 \"quoted\" 'single' </script>"
HOSTILE_EPISODE = "Guarantees & promises: \"paper\" <b>bold</b> 'claims' </script>"
HOSTILE_GUEST = "Dr. A & B <c>"


def build(root: Path, out: Path) -> Path:
    from site_builder.cli import main

    assert main(["build", "--root", str(root), "--output", str(out), "--no-cache"]) == 0
    return out


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("podcast") / "site"
    shutil.copytree(SITE, root)  # a build keeps the guid ledger in its site
    return build(root, root.parent / "out")


@pytest.fixture(scope="module")
def channel(out):
    root = ET.parse(out / "podcast.xml").getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    (channel,) = root.findall("channel")
    return channel


def items(channel):
    return {i.findtext("title"): i for i in channel.findall("item")}


def test_namespaces_are_declared_exactly(out):
    head = (out / "podcast.xml").read_text(encoding="utf-8")[:600]
    for prefix, uri in NS.items():
        assert f'xmlns:{prefix}="{uri}"' in head


def test_channel_has_everything_apple_and_psp1_require(channel):
    self_link = channel.find("atom:link", NS)
    assert self_link.attrib == {
        "href": "https://example.org/show/podcast.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    assert channel.findtext("title") == "The Fixture Show"
    assert channel.findtext("link") == "https://example.org/show/"
    assert channel.findtext("description") == "Talk about how wars end, for tests."
    assert channel.findtext("language") == "en-GB"
    assert (
        channel.find("itunes:image", NS).get("href") == "https://example.org/show/media/cover.png"
    )
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "News"
    assert [c.get("text") for c in category.findall("itunes:category", NS)] == ["Politics"]
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:author", namespaces=NS) == "Mara Linden"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(
        "https://example.org/show/podcast.xml"
    )
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "owner@example.org")
    owner = channel.find("itunes:owner", NS)
    assert owner.findtext("itunes:email", namespaces=NS) == "owner@example.org"
    hosts = channel.findall("podcast:person", NS)
    assert [(p.text, p.get("role")) for p in hosts] == [("Mara Linden", "host")]


def test_podcast_guid_follows_the_podcasting_2_0_examples():
    assert podcast_guid("https://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )


def test_every_item_has_what_apps_need(channel):
    found = channel.findall("item")
    assert len(found) == 4
    guids = [i.findtext("guid") for i in found]
    assert len(set(guids)) == 4 and all(guids)
    dates = [parsedate_to_datetime(i.findtext("pubDate")) for i in found]
    assert dates == sorted(dates, reverse=True)  # newest first
    for item in found:
        enclosure = item.find("enclosure")
        assert enclosure.get("url").startswith("https://")
        assert int(enclosure.get("length")) > 0
        assert enclosure.get("type") == "audio/mpeg"
        assert item.find("guid").get("isPermaLink") == "false"
        assert re.fullmatch(r"\d+", item.findtext("itunes:duration", namespaces=NS))
        assert item.findtext("itunes:episodeType", namespaces=NS) in ("full", "trailer", "bonus")
        assert item.findtext("itunes:explicit", namespaces=NS) == "false"
        assert item.findtext("link").startswith("https://example.org/show/episodes/")
        assert item.findtext("description")


def test_numbers_seasons_types_and_guids(channel):
    by_title = items(channel)
    trailer = by_title["Season two is coming"]
    assert trailer.findtext("itunes:episodeType", namespaces=NS) == "trailer"
    assert trailer.find("itunes:episode", NS) is None  # a season trailer has no number
    assert trailer.findtext("itunes:season", namespaces=NS) == "2"
    first = by_title["Talking about ripeness"]
    assert first.findtext("itunes:episode", namespaces=NS) == "1"
    assert first.findtext("podcast:episode", namespaces=NS) == "1"
    assert first.findtext("podcast:season", namespaces=NS) == "1"
    assert by_title["A new season"].findtext("guid") == "urn:example:fixture-s2e1"
    assert by_title[HOSTILE_EPISODE].findtext("itunes:duration", namespaces=NS) == "3727"


def test_local_audio_length_and_duration_come_from_the_file(channel):
    item = items(channel)["Talking about ripeness"]
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == "https://example.org/show/media/001-talk.mp3"
    assert int(enclosure.get("length")) == (SITE / "content/media/001-talk.mp3").stat().st_size
    assert item.findtext("itunes:duration", namespaces=NS) == "2"  # 77 MP3 frames at 44.1 kHz


def test_people_transcript_and_chapters(channel, out):
    item = items(channel)["Talking about ripeness"]
    people = [(p.text, p.get("role")) for p in item.findall("podcast:person", NS)]
    assert people == [("Mara Linden", "host"), (HOSTILE_GUEST, "guest")]  # hosts restated
    transcript = item.find("podcast:transcript", NS)
    assert transcript.attrib == {
        "url": "https://example.org/show/episodes/talk/transcript.vtt",
        "type": "text/vtt",
        "rel": "captions",
    }
    assert (out / "episodes/talk/transcript.vtt").read_text().startswith("WEBVTT")
    chapters = item.find("podcast:chapters", NS)
    assert chapters.attrib == {
        "url": "https://example.org/show/episodes/talk/chapters.json",
        "type": "application/json+chapters",
    }
    data = json.loads((out / "episodes/talk/chapters.json").read_text())
    assert data["version"] == "1.2.0"
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts) and all(isinstance(s, (int, float)) for s in starts)
    assert data["chapters"][1] == {
        "startTime": 1,
        "title": "The stalemate",
        "url": "https://example.org/show/glossary/stalemate/",
    }
    without_guests = items(channel)["A new season"]
    assert without_guests.find("podcast:person", NS) is None  # the show's hosts apply


def test_feedparser_reads_the_podcast_feed_without_complaint(out):
    feed = feedparser.parse((out / "podcast.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "The Fixture Show"
    # (feedparser reads only the old yes/clean values of itunes:explicit; Apple now wants
    # true/false, checked above with a plain XML parser)
    titles = [e.title for e in feed.entries]
    assert HOSTILE_EPISODE in titles
    entry = next(e for e in feed.entries if e.title == "Talking about ripeness")
    assert entry.enclosures[0].href == "https://example.org/show/media/001-talk.mp3"
    assert entry.itunes_duration == "2"


def test_item_guid_survives_a_new_title_and_a_renamed_file(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    episode = root / "content/episodes/001-talk.md"
    # the derived guid, not the one its `guid:` line keeps
    episode.write_text(re.sub(r"\nguid: .*", "", episode.read_text()))
    before = items(ET.parse(build(root, tmp_path / "a") / "podcast.xml").getroot().find("channel"))
    guid = before["Talking about ripeness"].findtext("guid")
    episode.write_text(episode.read_text().replace("Talking about ripeness", "Ripe, or stuck?"))
    episode.rename(root / "content/episodes/001-ripe-or-stuck.md")
    (root / "content/episodes/001-talk.vtt").rename(root / "content/episodes/001-ripe-or-stuck.vtt")
    essay = root / "content/essays/2026-03-14-after-the-talk.md"
    essay.write_text(essay.read_text().replace("talk", "ripe-or-stuck"))
    after = items(ET.parse(build(root, tmp_path / "b") / "podcast.xml").getroot().find("channel"))
    assert after["Ripe, or stuck?"].findtext("guid") == guid


def test_transcript_is_readable_and_linked_to_the_glossary(out):
    html = (out / "episodes/talk/index.html").read_text(encoding="utf-8")
    body = html.split('class="transcript-body"')[1].split("</div>")[0]
    colon = '<span class="visually-hidden">:</span>'  # heard, and kept in search excerpts
    assert f'<b class="speaker">Mara Linden{colon}</b>' in body
    assert f'<b class="speaker">Dr. A &amp; B &lt;c&gt;{colon}</b>' in body
    assert (
        '<p id="t=10"><a class="timestamp" href="/show/media/001-talk.mp3#t=10" data-start="10"'
        " data-pagefind-ignore>" in body
    )
    assert 'href="/show/glossary/stalemate/" class="concept-link autolink"' in body
    assert "is the war ripe for talks, or only stuck?" in body  # cues joined into paragraphs


def test_concept_pages_list_timestamped_transcript_mentions(out):
    html = (out / "glossary/stalemate/index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a href="/show/episodes/talk/#t=0" title="[^"]*stalemate[^"]*">'
        r"Episode 1 at 0:00</a>",
        html,
    )
    assert 'href="/show/episodes/talk/#t=10"' in html


def test_atom_and_json_feeds(out):
    atom = feedparser.parse((out / "feed.xml").read_bytes())
    assert not atom.bozo and atom.version == "atom10"
    essay = next(e for e in atom.entries if e.title == HOSTILE_TITLE)
    assert essay.summary == "A summary with & < > \" ' and </script>"
    assert essay.author == "Mara Linden"
    assert [t.term for t in essay.tags] == ["negotiation", "War & Peace"]
    assert 'href="https://example.org/show/episodes/talk/"' in essay.content[0].value
    episode = next(e for e in atom.entries if e.title == "Talking about ripeness")
    assert episode.enclosures[0].href == "https://example.org/show/media/001-talk.mp3"
    data = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert all(isinstance(i["id"], str) and i["content_html"] for i in data["items"])
    assert len({i["id"] for i in data["items"]}) == len(data["items"])
    json_episode = next(i for i in data["items"] if i["title"] == "Talking about ripeness")
    assert json_episode["attachments"][0]["url"] == "https://example.org/show/media/001-talk.mp3"
    # (feedparser 6.0 has no JSON Feed reader: the fields above are the JSON Feed 1.1 rules)


def test_tag_and_concept_feeds_are_advertised_on_their_pages(out):
    tag_page = (out / "tags/war-peace/index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Podcast Fixture: War &amp; '
        'Peace" href="/show/tags/war-peace/feed.xml">'
    ) in tag_page
    tag_feed = feedparser.parse((out / "tags/war-peace/feed.xml").read_bytes())
    assert [e.title for e in tag_feed.entries] == [HOSTILE_TITLE]
    concept_page = (out / "glossary/ceasefire/index.html").read_text(encoding="utf-8")
    assert 'href="/show/glossary/ceasefire/feed.xml"' in concept_page
    concept_feed = feedparser.parse((out / "glossary/ceasefire/feed.xml").read_bytes())
    assert not concept_feed.bozo
    assert sorted(e.title for e in concept_feed.entries) == ["A new season", HOSTILE_TITLE]
    # term feeds announce (summary and link); the site feed carries the full text
    assert all(e.summary and "content" not in e for e in concept_feed.entries + tag_feed.entries)
    site_feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert all(e.content[0].value for e in site_feed.entries)


def test_hostile_text_survives_in_pages_feeds_and_json_ld(out):
    essay = (out / "essays/after-the-talk/index.html").read_text(encoding="utf-8")
    escaped = "Tips &amp; Tricks &lt;3 &#34;quoted&#34; &#39;single&#39; &lt;/script&gt;"
    assert f'<h1 id="title">{escaped}</h1>' in essay
    assert (
        "</script><"
        not in essay.split('<script type="application/ld+json">')[1].split("</script>")[0]
    )
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', essay, re.S)
    assert json.loads(ld)["headline"] == HOSTILE_TITLE
    episode = (out / "episodes/guarantees/index.html").read_text(encoding="utf-8")
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', episode, re.S)
    assert (
        json.loads(ld)["description"]
        == "On guarantees & promises </script><script>alert(1)</script>"
    )
    assert "<script>alert(1)" not in episode
    talk = (out / "episodes/talk/index.html").read_text(encoding="utf-8")
    assert "Dr. A &amp; B &lt;c&gt;" in talk and "<c>" not in talk
    rss = items(ET.parse(out / "podcast.xml").getroot().find("channel"))
    assert HOSTILE_EPISODE in rss
    json_items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert HOSTILE_TITLE in [i["title"] for i in json_items]


def test_episode_page_player_chapters_and_navigation(out):
    html = (out / "episodes/talk/index.html").read_text(encoding="utf-8")
    assert '<audio id="player" controls preload="none" src="/show/media/001-talk.mp3">' in html
    assert 'href="/show/media/001-talk.mp3#t=1" data-start="1"' in html  # chapter
    assert "Recorded" in html and "Dr. A &amp; B &lt;c&gt;" in html
    assert "Episode 1, season 1" in html
    assert 'rel="next" href="/show/episodes/guarantees/"' in html
    assert 'href="/show/essays/after-the-talk/"' in html  # the essay that names it
    trailer = (out / "episodes/s2-trailer/index.html").read_text(encoding="utf-8")
    assert "Trailer, season 2" in trailer


def test_show_guid_must_be_a_uuid_and_audio_urls_should_be_unique(tmp_path, cli):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    episode = root / "content/episodes/003-season-two.md"
    episode.write_text(episode.read_text().replace("s2e1.mp3", "002.mp3"))
    run = cli("check", "--root", root)
    assert run.code == 0
    assert (
        "site/content/episodes/003-season-two.md:6: warning: the audio URL is also the audio "
        "of content/episodes/002-guarantees.md [podcast]"
    ) in run.err
    yaml = root / "site.yaml"
    yaml.write_text(yaml.read_text() + "  guid: not-a-uuid\n")
    run = cli("check", "--root", root)
    assert run.code == 1
    assert "site/site.yaml:15: error: podcast guid 'not-a-uuid' is not a UUID [podcast]" in run.err


def test_control_characters_pasted_into_an_episode_leave_every_feed_readable(tmp_path):
    # a stray U+0001 or vertical tab, invisible in an editor, is not allowed in XML at all
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    episode = root / "content/episodes/002-guarantees.md"
    episode.write_text(
        episode.read_text()
        .replace('title: "Guarantees', 'title: "\\x01Guarantees')
        .replace("Notes on the guarantee.", "Notes on\x0b the\x1f guarantee.")
    )
    out = build(root, tmp_path / "out")
    rss = items(ET.parse(out / "podcast.xml").getroot().find("channel"))
    assert "Notes on the guarantee." in rss[HOSTILE_EPISODE].findtext(f"{{{CONTENT}}}encoded")
    atom = ET.parse(out / "feed.xml").getroot()
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in atom]
    assert HOSTILE_EPISODE in titles
    # JSON could escape them, but every feed leaves out the same characters (see xmlout.py)
    feed = json.loads((out / "feed.json").read_text())
    assert HOSTILE_EPISODE in [i["title"] for i in feed["items"]]
