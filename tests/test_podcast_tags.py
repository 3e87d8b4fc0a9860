"""The channel and item tags of site.yaml's `podcast:` and of episodes: itunes:new-feed-url,
podcast:locked, categories, copyright, funding, podroll, location, txt, season names,
socialInteract and alternateEnclosure. Each is read back from the built feed by a real XML
parser and by two podcast apps' parsers (gPodder's podcastparser, Podcast Index's
podcast-partytime), and each bad value is an error at its line."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET

import podcastparser
import pytest
from test_podcast_diagnostics import png

from site_builder.feeds.podcast import podcast_guid

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
SHOW = """\
title: Tags Test
base_url: https://example.org/show/
search: false
language: en
author: {name: Mara Linden}
podcast:
  title: The Tag Show
  description: Conversations about how wars end.
  image: media/cover.png
  explicit: false
  owner: {name: Mara Linden, email: host@example.org}
"""
EVERY_TAG = """\
  categories: [[News, Politics], [Society & Culture, Philosophy], [History]]
  new_feed_url: https://feeds.example.net/tag-show.xml
  locked: false
  copyright: Mara Linden 2026
  funding:
    - {url: "https://example.org/support", text: Support the show}
  podroll:
    - 917393e3-1b1e-5cef-ace4-edaa54e1f810
    - https://podnews.net/rss
  location: {name: Geneva, geo: "geo:46.2,6.15", osm: R1685488}
  txt:
    - {text: naj3eEZaWVVY9a38uhX8FekACyhEqJVNyh, purpose: verify}
    - applepodcastsverify=abc
  seasons: {1: Origins}
"""
EPISODE = """\
---
title: First
number: 1
season: 1
date: 2024-01-01
guid: "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"
audio: {url: "https://cdn.example.org/001.mp3", length: 5650889, type: audio/mpeg}
duration: "30:00"
{extra}---
Notes.
"""
EPISODE_TAGS = """\
social:
  - https://mastodon.example/@mara/1234
  - {url: "https://bsky.app/profile/mara.example/post/3k", protocol: atproto, account: "@mara"}
alternate_audio:
  - url: "https://cdn.example.org/001.opus"
    type: audio/opus
    length: 2000000
    bitrate: 64000
    title: Opus
funding: [{url: "https://example.org/ep1", text: Support this one}]
"""


def show(site, podcast: str = EVERY_TAG, extra: str = EPISODE_TAGS):
    return site(
        {
            "content/media/cover.png": png(1400, 1400),
            "content/episodes/001-first.md": EPISODE.replace("{extra}", extra),
        },
        SHOW + podcast,
    )


@pytest.fixture
def feed(site, cli):
    root = show(site)
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    return root / "output" / "podcast.xml"


def test_every_channel_tag_is_in_the_feed_as_xml(feed):
    channel = ET.parse(feed).getroot().find("channel")
    categories = [
        (c.get("text"), [s.get("text") for s in c.findall("itunes:category", NS)])
        for c in channel.findall("itunes:category", NS)
    ]
    assert categories == [
        ("News", ["Politics"]),
        ("Society & Culture", ["Philosophy"]),
        ("History", []),
    ]
    assert channel.findtext("itunes:new-feed-url", namespaces=NS) == (
        "https://feeds.example.net/tag-show.xml"
    )
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("no", "host@example.org")
    assert channel.findtext("copyright") == "Mara Linden 2026"
    funding = channel.find("podcast:funding", NS)
    assert (funding.get("url"), funding.text) == ("https://example.org/support", "Support the show")
    roll = channel.findall("podcast:podroll/podcast:remoteItem", NS)
    assert [(r.get("feedGuid"), r.get("feedUrl")) for r in roll] == [
        ("917393e3-1b1e-5cef-ace4-edaa54e1f810", None),
        (podcast_guid("https://podnews.net/rss"), "https://podnews.net/rss"),
    ]
    assert roll[1].get("feedGuid") == "9b024349-ccf0-5f69-a609-6b82873eab3c"  # the spec's own
    place = channel.find("podcast:location", NS)
    assert (place.text, place.get("geo"), place.get("osm")) == (
        "Geneva",
        "geo:46.2,6.15",
        "R1685488",
    )
    assert [(t.text, t.get("purpose")) for t in channel.findall("podcast:txt", NS)] == [
        ("naj3eEZaWVVY9a38uhX8FekACyhEqJVNyh", "verify"),
        ("applepodcastsverify=abc", None),
    ]


def test_every_item_tag_is_in_the_feed_as_xml(feed):
    item = ET.parse(feed).getroot().find("channel/item")
    season = item.find("podcast:season", NS)
    assert (season.text, season.get("name")) == ("1", "Origins")
    social = [
        (s.get("uri"), s.get("protocol"), s.get("accountId"))
        for s in item.findall("podcast:socialInteract", NS)
    ]
    assert social == [
        ("https://mastodon.example/@mara/1234", "activitypub", None),
        ("https://bsky.app/profile/mara.example/post/3k", "atproto", "@mara"),
    ]
    alternates = [
        (
            a.get("type"),
            a.get("length"),
            a.get("bitrate"),
            a.get("default"),
            a.find("podcast:source", NS).get("uri"),
        )
        for a in item.findall("podcast:alternateEnclosure", NS)
    ]
    assert alternates == [  # the enclosure itself first, as the default
        ("audio/mpeg", "5650889", None, "true", "https://cdn.example.org/001.mp3"),
        ("audio/opus", "2000000", "64000", None, "https://cdn.example.org/001.opus"),
    ]
    funding = item.find("podcast:funding", NS)
    assert (funding.get("url"), funding.text) == ("https://example.org/ep1", "Support this one")


# podcastparser 0.6.11 knows the podcast: namespace only by its old URI (the GitHub page of
# its docs), not by https://podcastindex.org/namespace/1.0, which the namespace itself and
# every other app use: gPodder reads the iTunes tags of this feed and none of the podcast: ones.
def test_gpodders_parser_reads_the_new_tags(feed):
    with feed.open("rb") as f:
        parsed = podcastparser.parse("https://example.org/show/podcast.xml", f)
    assert parsed["new_url"] == "https://feeds.example.net/tag-show.xml"
    assert parsed["itunes_categories"] == [
        ["News", "Politics"],
        ["Society & Culture", "Philosophy"],
        ["History"],
    ]
    (episode,) = parsed["episodes"]
    assert episode["guid"] == "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert episode["season"] == 1
    assert episode["enclosures"][0]["url"] == "https://cdn.example.org/001.mp3"


def test_podcast_index_parser_reads_the_new_tags(feed, partytime):
    parsed = partytime(feed)
    assert parsed["itunesNewFeedUrl"] == "https://feeds.example.net/tag-show.xml"
    assert (parsed["locked"], parsed["podcastOwner"]) == (False, "host@example.org")
    assert parsed["itunesCategory"] == [
        "News > Politics",
        "Society & Culture > Philosophy",
        "History",
    ]
    assert parsed["copyright"] == "Mara Linden 2026"
    assert parsed["podcastFunding"] == [
        {"message": "Support the show", "url": "https://example.org/support"}
    ]
    assert parsed["podroll"] == [
        {"feedGuid": "917393e3-1b1e-5cef-ace4-edaa54e1f810"},
        {"feedGuid": "9b024349-ccf0-5f69-a609-6b82873eab3c", "feedUrl": "https://podnews.net/rss"},
    ]
    assert parsed["podcastLocation"] == {
        "name": "Geneva",
        "geo": "geo:46.2,6.15",
        "osm": "R1685488",
    }
    assert parsed["podcastTxt"] == [
        {"value": "naj3eEZaWVVY9a38uhX8FekACyhEqJVNyh", "purpose": "verify"},
        {"value": "applepodcastsverify=abc"},
    ]
    (item,) = parsed["items"]
    assert item["podcastSeason"] == {"number": 1, "name": "Origins"}
    assert [(s["platform"], s["url"]) for s in item["podcastSocialInteraction"]] == [
        ("activitypub", "https://mastodon.example/@mara/1234"),
        ("atproto", "https://bsky.app/profile/mara.example/post/3k"),
    ]
    opus = item["alternativeEnclosures"][1]
    assert (opus["type"], opus["length"], opus["bitrate"], opus["source"][0]["uri"]) == (
        "audio/opus",
        2000000,
        64000,
        "https://cdn.example.org/001.opus",
    )
    assert parsed["pc20support"]["6"] == ["txt", "podroll"]


def test_a_locked_feed_names_its_owner_and_is_locked_by_default(site, cli):
    root = show(site, podcast="  category: [News, Politics]\n", extra="")
    assert cli("build", "--root", root).code == 0
    channel = ET.parse(root / "output/podcast.xml").getroot().find("channel")
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "host@example.org")
    assert channel.find("itunes:new-feed-url", NS) is None
    assert channel.find("podcast:podroll", NS) is None
    assert channel.find("item/podcast:alternateEnclosure", NS) is None


# Each bad value: (podcast: lines or episode lines, the exact diagnostic printed for it).
BAD_CHANNEL = {
    "four categories": (
        "  categories: [[News], [History], [Comedy], [Arts]]\n",
        "site.yaml:12: error: give at most three categories [podcast]",
    ),
    "a subcategory under another parent": (
        "  categories: [[News, Politics], [History, Philosophy]]\n",
        "site.yaml:12: error: 'Philosophy' is not a subcategory of 'History' [podcast]\n"
        "    hint: 'Philosophy' belongs under 'Society & Culture'",
    ),
    "category and categories": (
        "  category: [News]\n  categories: [[History]]\n",
        "site.yaml:12: error: give either `category:` or `categories:`, not both [config]",
    ),
    "a relative funding URL": (
        "  category: [History]\n  funding: [{url: /support, text: Support}]\n",
        "site.yaml:13: error: 'podcast.funding.0.url' must be an absolute http(s) URL, not "
        "'/support' [config]\n"
        "    hint: podcast apps read it away from the site: write https://…",
    ),
    "a funding text over 128 characters": (
        f"  category: [History]\n  funding:\n    - url: https://example.org/s\n"
        f"      text: {'x' * 129}\n",
        "site.yaml:15: error: a funding text is over 128 characters (podcast:funding) [podcast]\n"
        "    hint: apps show it as the link's words: keep it short, e.g. Support the show",
    ),
    "a podroll guid that is no UUID": (
        "  category: [History]\n  podroll: [not-a-guid]\n",
        "site.yaml:13: error: podroll guid 'not-a-guid' is not a UUID [podcast]\n"
        "    hint: give the show's podcast:guid, or its feed URL",
    ),
    "a location with a bad geo URI": (
        "  category: [History]\n  location: {name: Geneva, geo: '46.2 6.15'}\n",
        "site.yaml:13: error: '46.2 6.15' is not a geo URI [podcast]\n"
        "    hint: write geo:latitude,longitude, e.g. geo:52.52,13.405",
    ),
    "a location with a bad OSM object": (
        "  category: [History]\n  location:\n    name: Geneva\n    osm: relation 12\n",
        "site.yaml:15: error: 'relation 12' is not an OpenStreetMap object [podcast]\n"
        "    hint: write its type letter (N node, W way, R relation) and number, e.g. R62422",
    ),
    "a txt over 4000 characters": (
        f"  category: [History]\n  txt: ['{'x' * 4001}']\n",
        "site.yaml:13: error: a txt value is over 4,000 characters [podcast]",
    ),
    "a season that is not a number": (
        "  category: [History]\n  seasons:\n    one: Origins\n",
        "site.yaml:14: error: season 'one' is not a season number (1, 2, …) [config]",
    ),
    "a new feed URL that is this feed": (
        "  category: [History]\n  new_feed_url: https://example.org/show/podcast.xml\n",
        "site.yaml:13: error: new_feed_url is this feed's own address: apps would follow it "
        "in a circle [podcast]\n"
        "    hint: set it to the address of the feed on the new host, only once that feed is live",
    ),
    "a relative new feed URL": (
        "  category: [History]\n  new_feed_url: podcast.xml\n",
        "site.yaml:13: error: 'podcast.new_feed_url' must be an absolute http(s) URL, not "
        "'podcast.xml' [config]\n"
        "    hint: podcast apps read it away from the site: write https://…",
    ),
}
BAD_EPISODE = {
    "alternate audio without its length": (
        "alternate_audio:\n  - {url: 'https://cdn.example.org/1.opus', type: audio/opus}\n",
        "content/episodes/001-first.md:10: error: missing required key "
        "'alternate_audio.0.length' [front-matter]\n"
        "    hint: add `length: ...` to item 1 of `alternate_audio`",
    ),
    "alternate audio with a relative URL": (
        "alternate_audio:\n  - {url: 1.opus, type: audio/opus, length: 5}\n",
        "content/episodes/001-first.md:10: error: 'alternate_audio.0.url' must be an absolute "
        "http(s) URL, not '1.opus' [front-matter]\n"
        "    hint: podcast apps read it away from the site: write https://…",
    ),
    "a social post with a relative URL": (
        "social: /discuss\n",
        "content/episodes/001-first.md:9: error: 'social' must be an absolute http(s) URL, "
        "not '/discuss' [front-matter]\n"
        "    hint: podcast apps read it away from the site: write https://…",
    ),
    "a social post on an unknown protocol": (
        "social: {url: 'https://example.social/1', protocol: myspace}\n",
        "content/episodes/001-first.md:9: error: 'social.protocol' must be one of activitypub, "
        "atproto, twitter, lightning, hive, matrix, nostr, not 'myspace' [front-matter]\n"
        "    hint: write one of those (activitypub, say)",
    ),
    "an episode's funding without a URL": (
        "funding: [{text: Support}]\n",
        "content/episodes/001-first.md:9: error: missing required key 'funding.0.url' "
        "[front-matter]\n    hint: add `url: ...` to item 1 of `funding`",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CHANNEL))
def test_a_bad_channel_tag_is_an_error_at_its_line(case, site, cli, monkeypatch):
    lines, expected = BAD_CHANNEL[case]
    root = show(site, podcast=lines, extra="")
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    assert run.errors == f"{expected}\n1 error; nothing was written.\n"


@pytest.mark.parametrize("case", list(BAD_EPISODE))
def test_a_bad_episode_tag_is_an_error_at_its_line(case, site, cli, monkeypatch):
    lines, expected = BAD_EPISODE[case]
    root = show(site, podcast="  category: [History]\n", extra=lines)
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    assert run.errors == f"{expected}\n1 error; nothing was written.\n"


def test_the_show_section_reads_as_the_readme_shows_it():
    """The README's podcast section, pasted into site.yaml, is a show with every tag."""
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The podcast feed", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    assert "new_feed_url:" in block and "podroll:" in block and "seasons:" in block
    from site_builder.config import read_config
    from site_builder.load.frontmatter import Source, parse_yaml

    text = SHOW.split("podcast:")[0] + textwrap.dedent(block)
    data, lines = parse_yaml(text, "site.yaml")
    config = read_config(Path("."), Source("site.yaml", data, lines))
    assert config.podcast and config.podcast.seasons and config.podcast.funding


def test_a_json_transcript_beside_an_episode_is_shown_and_published(site, cli, partytime):
    from test_media_and_transcripts import WORDS_JSON

    root = show(site, podcast="  category: [History]\n", extra="")
    (root / "content/episodes/001-first.json").write_text(WORDS_JSON, encoding="utf-8")
    overlapping = WORDS_JSON.replace('"startTime": 1.5', '"startTime": 1.15')
    (root / "content/episodes/002-second.md").write_text(
        EPISODE.replace("{extra}", "")
        .replace("title: First", "title: Second")
        .replace("number: 1", "number: 2")
        .replace("001", "002")
        .replace("1b4e28ba", "2b4e28ba"),
        encoding="utf-8",
    )
    (root / "content/episodes/002-second.json").write_text(overlapping, encoding="utf-8")
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    assert (
        "content/episodes/002-second.json:9: warning: 1 cue starts less than a second before "
        "the previous one ends; each previous cue was cut short where the next begins "
        "[transcript]"
    ) in run.err
    assert "001-first.json" not in run.err
    page = (root / "output/episodes/first/index.html").read_text(encoding="utf-8")
    assert "Welcome back, everyone." in page and 'class="speaker">Ines Carvalho' in page
    assert (root / "output/episodes/first/transcript.json").read_text() == WORDS_JSON
    item = ET.parse(root / "output/podcast.xml").getroot().find("channel/item[title='First']")
    transcript = item.find("podcast:transcript", NS)
    assert (transcript.get("url"), transcript.get("type"), transcript.get("rel")) == (
        "https://example.org/show/episodes/first/transcript.json",
        "application/json",
        None,
    )
    (first,) = [i for i in partytime(root / "output/podcast.xml")["items"] if i["title"] == "First"]
    assert first["podcastTranscripts"] == [
        {
            "url": "https://example.org/show/episodes/first/transcript.json",
            "type": "application/json",
            "language": "en",  # the channel's, as partytime reads it
        }
    ]
