"""`site-builder import podcast FEED` (issue 15.2): episodes and the show moved in, and the feed the
new site builds still carries what apps know the show by."""

from __future__ import annotations

import os
import shutil
import sys
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
import yaml
from sitecheck import content_files, tree

FIXTURES = Path(__file__).parent / "fixtures" / "import"
FEED = FIXTURES / "podcast.xml"
SITE = "title: Companion\nbase_url: https://example.org/companion/\nsearch: false\n"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "site.yaml").write_text(SITE, encoding="utf-8")
    return folder


def episodes(root: Path) -> dict[str, dict]:
    return content_files(root / "content/episodes")


def test_one_episode_per_item_named_as_new_episode_names_them(cli, root):
    run = cli("import", "podcast", FEED, "--root", root)
    assert run.code == 0, run.err
    assert run.out == "imported 4 new episodes, 0 skipped (imported before), 3 refused\n"
    assert sorted(episodes(root)) == [
        "001-why-wars-end.md",
        "002-mediators-at-work.md",
        "003-ceasefires-guarantees-the-korea-model.md",
        "trailer.md",  # a trailer without a number
    ]
    assert "note: item 3 'Why Wars End' has no itunes:episode: numbered 1" in run.err


def test_front_matter_keeps_what_the_feed_said(cli, root):
    cli("import", "podcast", FEED, "--root", root)
    three = episodes(root)["003-ceasefires-guarantees-the-korea-model.md"]
    assert (
        three["title"] == "Ceasefires & Guarantees \u2014 the \u201cKorea model\u201d"
    )  # entities
    assert three["guid"] == "hoster-episode-0003"  # exactly, whitespace trimmed
    assert three["date"] == "2024-03-05T06:00:00-05:00"  # EST, its offset kept
    assert (three["number"], three["season"], three["episode_type"]) == (3, 1, "full")
    assert three["explicit"] is False
    assert three["duration"] == 3723  # 1:02:03
    assert three["audio"] == {
        "url": "https://cdn.hoster.example/undiplomatic/ep3.mp3?src=rss",
        "length": 48213760,
        "type": "audio/mpeg",
    }
    assert three["image"] == "https://cdn.hoster.example/undiplomatic/ep3.jpg"
    assert three["summary"] == "Why some ceasefires hold."  # itunes:summary
    assert three["guests"] == ["Dr. Ana Ruiz"]
    assert three["transcripts"] == [
        {
            "url": "https://cdn.hoster.example/undiplomatic/ep3.vtt",
            "type": "text/vtt",
            "language": "en",
        }
    ]
    assert three["chapters"] == [  # from the timestamp lines of the notes
        {"start": "0:00", "title": "Intro"},
        {"start": "12:34", "title": "The Korea model"},
        {"start": "1:01:00", "title": "Questions"},
    ]
    two = episodes(root)["002-mediators-at-work.md"]
    assert two["date"] == "2024-02-20T14:30:00+00:00"  # GMT
    assert two["duration"] == 1834  # seconds as they were
    assert two["summary"] == "How mediators get two sides to the table."  # the first sentence
    assert two["chapters"] == [  # from the local podcast:chapters file
        {"start": "0:00", "title": "Welcome"},
        {"start": "1:35", "title": "At the table", "url": "https://example.org/table"},
    ]
    one = episodes(root)["001-why-wars-end.md"]
    assert one["duration"] == 2490  # 41:30
    assert one["guid"] == "https://undiplomatic.hoster.example/episodes/why-wars-end"
    assert one["date"] == "2024-02-05T09:00:00-08:00"
    assert episodes(root)["trailer.md"]["date"] == "2024-02-01T08:00:00-07:00"  # PDT


def test_show_notes_become_markdown(cli, root):
    cli("import", "podcast", FEED, "--root", root)
    body = episodes(root)["003-ceasefires-guarantees-the-korea-model.md"]["body"]
    assert "We talk about **ripeness** and the *Korea model*." in body
    assert "[the paper](https://example.org/paper)" in body
    assert "### Further reading\n\n- One\n- Two" in body
    assert "> A ceasefire is a promise." in body
    assert "[The talk on video](https://www.youtube.com/embed/xyz)" in body  # the iframe
    for gone in ("track()", ".x{}", "pixel.hoster.example", "<script", "<iframe"):
        assert gone not in body


def test_the_show_goes_into_site_yaml(cli, root):
    cli("import", "podcast", FEED, "--root", root)
    text = (root / "site.yaml").read_text()
    assert text.startswith(SITE)  # what was there is kept as it was
    show = yaml.safe_load(text)["podcast"]
    assert show == {
        "title": "The Un-Diplomatic",
        "description": "A podcast about how wars end: stalemates, summits & ceasefires.",
        "image": "https://cdn.hoster.example/undiplomatic/cover-3000.jpg",
        "categories": [["News", "Politics"], ["History"]],
        "explicit": False,
        "owner": {"name": "Mara Linden", "email": "mara@example.org"},
        "author": "Mara Linden",
        "type": "episodic",
        "language": "en-gb",
        "guid": "917393e3-1b1e-5cef-ace4-edaa54e1f810",
        "locked": False,
        "funding": [{"url": "https://support.example.org/mara", "text": "Support the show"}],
        "copyright": "Mara Linden",
        "hosts": ["Mara Linden"],
    }


def test_a_podcast_section_there_is_merged_not_clobbered(cli, root):
    (root / "site.yaml").write_text(
        SITE
        + "podcast:\n  # the author's own title\n  title: My Show\n\nglossary: {autolink: all}\n"
    )
    run = cli("import", "podcast", FEED, "--root", root)
    assert run.code == 0, run.err
    assert (
        "note: site.yaml podcast.title is 'My Show'; the import has 'The Un-Diplomatic': "
        "kept site.yaml's" in run.err
    )
    text = (root / "site.yaml").read_text()
    assert "  # the author's own title\n  title: My Show\n  description:" in text
    data = yaml.safe_load(text)
    assert data["podcast"]["title"] == "My Show"
    assert data["podcast"]["guid"] == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert data["glossary"] == {"autolink": "all"}


def test_one_category_there_is_the_setting_a_feed_with_several_finds(cli, root):
    # `categories:` beside `category:` is refused: an import must not write the other spelling
    (root / "site.yaml").write_text(SITE + "podcast:\n  title: My Show\n  category: News\n")
    run = cli("import", "podcast", FEED, "--root", root)
    assert run.code == 0, run.err
    assert (
        "note: site.yaml podcast.category is 'News'; the import has categories: "
        "[['News', 'Politics'], ['History']]: kept site.yaml's" in run.err
    )
    podcast = yaml.safe_load((root / "site.yaml").read_text())["podcast"]
    assert (podcast["category"], "categories" in podcast) == ("News", False)
    assert cli("check", "--root", root).code == 0


def test_a_number_the_site_has_already_is_a_note_naming_the_item(cli, root):
    (root / "content/episodes").mkdir(parents=True)
    (root / "content/episodes/002-old.md").write_text(
        "---\ntitle: Old\nnumber: 2\nseason: 1\ndate: 2023-01-01\n---\n", encoding="utf-8"
    )
    run = cli("import", "podcast", FEED, "--root", root)
    assert run.code == 0, run.err
    assert (
        "note: item 2 'Mediators at Work' is episode 2, which season 1 has already: give it"
        " another `number:` (its guid keeps it the same episode for podcast apps)"
    ) in run.err
    assert "is episode 3, which" not in run.err


def feed_with(folder: Path, *swaps: tuple[str, str]) -> Path:
    """The fixture feed with each (text, replacement) of `swaps` made, saved in `folder`."""
    text = FEED.read_text(encoding="utf-8")
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "feed.xml").write_text(text, encoding="utf-8")
    return folder / "feed.xml"


def test_a_saved_feed_that_names_no_show_guid_is_a_note_asking_for_it(cli, root, tmp_path):
    saved = feed_with(
        tmp_path,
        ('<atom:link href="https://feeds.hoster.example/undiplomatic" rel="self"', "<!--"),
        ('type="application/rss+xml"/>', "-->"),
        ("<podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>", ""),
    )
    run = cli("import", "podcast", saved, "--root", root)
    assert run.code == 0, run.err
    assert f"note: {saved} names neither its podcast:guid nor its own address" in run.err
    assert "guid" not in yaml.safe_load((root / "site.yaml").read_text())["podcast"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "site.yaml").write_text(SITE, encoding="utf-8")
    again = cli("import", "podcast", FEED, "--root", other)  # with both: no such note
    assert again.code == 0 and "names neither" not in again.err


def test_an_episode_number_that_is_not_one_is_said_so_not_missing(cli, root, tmp_path):
    feed = feed_with(tmp_path, ("<itunes:episode>2<", "<itunes:episode>2a<"))
    run = cli("import", "podcast", feed, "--root", root)
    assert run.code == 0, run.err
    assert (
        "note: item 2 'Mediators at Work' has itunes:episode '2a', which is not a whole number:"
        " numbered "
    ) in run.err
    assert "'Mediators at Work' has no itunes:episode" not in run.err


def test_refused_items_are_reported_by_position_and_title(cli, root):
    run = cli("import", "podcast", FEED, "--root", root)
    refused = [line for line in run.err.splitlines() if "not imported" in line]
    assert refused == [
        f"{FEED}: item 5 'A Blog Post Without Audio': no enclosure (no audio for apps to "
        "play): not imported",
        f"{FEED}: item 6 'Mediators at Work (repost)': its guid is also item 2's: not imported",
        f"{FEED}: item 7 'Lost in Time': unreadable date 'sometime in spring': not imported",
    ]


def test_a_second_run_skips_what_was_imported(cli, root):
    cli("import", "podcast", FEED, "--root", root)
    before = tree(root)
    run = cli("import", "podcast", FEED, "--root", root)
    assert run.code == 0, run.err
    assert run.out == "imported 0 new episodes, 4 skipped (imported before), 3 refused\n"
    assert tree(root) == before


def test_a_new_item_in_the_feed_is_added_on_the_next_run(cli, root, tmp_path):
    cli("import", "podcast", FEED, "--root", root)
    newer = FEED.read_text().replace(
        "<item>",
        "<item><title>Peace at Last</title><guid>hoster-episode-0004</guid>"
        "<pubDate>Tue, 19 Mar 2024 06:00:00 GMT</pubDate><itunes:episode>4</itunes:episode>"
        '<enclosure url="https://cdn.hoster.example/ep4.mp3" length="5" type="audio/mpeg"/>'
        "</item><item>",
        1,
    )
    (tmp_path / "feed.xml").write_text(newer)
    run = cli("import", "podcast", tmp_path / "feed.xml", "--root", root)
    assert run.out == "imported 1 new episode, 4 skipped (imported before), 3 refused\n"
    assert episodes(root)["004-peace-at-last.md"]["guid"] == "hoster-episode-0004"


def test_the_built_feed_carries_every_guid_enclosure_and_instant(cli, root):
    assert cli("import", "podcast", FEED, "--root", root).code == 0
    check = cli("check", "--root", root)
    assert check.code == 0, check.err
    assert cli("build", "--root", root, "--no-cache").code == 0
    built = ET.parse(root / "output/podcast.xml").getroot().find("channel")
    text = FEED.read_text().replace("&ldquo;", "\u201c").replace("&rdquo;", "\u201d")
    source = ET.fromstring(text).find("channel")
    imported = [
        i
        for i in source.findall("item")
        if i.findtext("guid").strip()
        in {
            "hoster-episode-0003",
            "hoster-episode-0002",
            "hoster-trailer",
            "https://undiplomatic.hoster.example/episodes/why-wars-end",
        }
        and i.find("enclosure") is not None
        and "repost" not in i.findtext("title")
    ]

    def facts(items):
        return {
            i.findtext("guid").strip(): (
                dict(i.find("enclosure").attrib),
                parsedate_to_datetime(i.findtext("pubDate").strip()),
            )
            for i in items
        }

    assert facts(built.findall("item")) == facts(imported)
    podcast_guid = "{https://podcastindex.org/namespace/1.0}guid"
    assert built.findtext(podcast_guid) == source.findtext(podcast_guid)
    pc = "{https://podcastindex.org/namespace/1.0}"
    assert built.findtext(f"{pc}locked") == "no" and built.findtext("copyright") == "Mara Linden"
    assert [f.get("url") for f in built.iter(f"{pc}funding")] == [
        "https://support.example.org/mara"
    ]
    assert [c.get("text") for c in built.findall(f"{ITUNES}category")] == ["News", "History"]
    # the show's own language and author, as imported, not the site's ("en", no author)
    assert built.findtext("language") == "en-gb"
    assert built.findtext(f"{ITUNES}author") == "Mara Linden"
    transcripts = [
        t.get("url") for t in built.iter("{https://podcastindex.org/namespace/1.0}transcript")
    ]
    assert transcripts == ["https://cdn.hoster.example/undiplomatic/ep3.vtt"]  # still announced
    parsed = feedparser.parse((root / "output/podcast.xml").read_bytes())
    assert not parsed.bozo
    assert {e.id for e in parsed.entries} == set(facts(imported))
    assert {e.enclosures[0].href for e in parsed.entries} == {
        i.find("enclosure").get("url") for i in imported
    }


def test_an_undeclared_itunes_prefix_is_read_as_declared(cli, root, tmp_path):
    cli("import", "podcast", FEED, "--root", root)
    other = tmp_path / "other"
    other.mkdir()
    (other / "site.yaml").write_text(SITE)
    shutil.copy(FIXTURES / "chapters-2.json", tmp_path)
    undeclared = FIXTURES / "undeclared.xml"
    assert (
        "xmlns:itunes" not in undeclared.read_text()
        and "<itunes:duration>" in undeclared.read_text()
    )
    run = cli("import", "podcast", undeclared, "--root", other)
    assert run.code == 0, run.err
    assert tree(other / "content") == tree(root / "content")


def test_a_file_that_is_not_a_feed_is_one_clear_error(cli, root, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Hello</body></html>")
    run = cli("import", "podcast", page, "--root", root)
    assert run.code == 2
    assert run.err.startswith(f"site-builder: error: {page} is not a feed: its XML does not parse")
    atom = tmp_path / "atom.xml"
    atom.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    run = cli("import", "podcast", atom, "--root", root)
    assert run.code == 2
    assert "is not an RSS podcast feed: its root is <feed> (an Atom feed" in run.err
    assert not (root / "content").exists() and (root / "site.yaml").read_text() == SITE


def test_entities_are_never_expanded(cli, root, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<rss><channel><title>&b;</title></channel></rss>"
    )
    run = cli("import", "podcast", bomb, "--root", root)
    assert run.code == 2
    assert "declares XML entities or a DTD" in run.err
    assert not (root / "content").exists()


def test_a_locked_feed_is_refused_unless_the_owner_says_so(cli, root, tmp_path):
    locked = tmp_path / "locked.xml"
    locked.write_text(FEED.read_text().replace(">no</podcast:locked>", ">yes</podcast:locked>"))
    shutil.copy(FIXTURES / "chapters-2.json", tmp_path)
    run = cli("import", "podcast", locked, "--root", root)
    assert run.code == 2
    assert "is locked: its <podcast:locked> says 'yes'" in run.err
    assert "turn the lock off in your hosting service's settings" in run.err
    assert "--owner" in run.err
    assert not (root / "content").exists()
    run = cli("import", "podcast", locked, "--root", root, "--owner")
    assert run.code == 0, run.err
    assert "is locked (podcast:locked): importing it because --owner says it is yours" in run.err
    assert yaml.safe_load((root / "site.yaml").read_text())["podcast"]["locked"] is True


def test_nothing_is_half_written(cli, root, monkeypatch):
    """The fifth file fails to move into place: the four moved before are taken back."""
    (root / "content").mkdir()
    real, calls = os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr("site_builder.importers.common.os.replace", failing)
    run = cli("import", "podcast", FEED, "--root", root)
    assert run.code == 2
    assert "could not write the import" in run.err and "nothing was written" in run.err
    assert tree(root) == {"site.yaml": SITE.encode()}
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.yaml"]


def test_a_feed_from_an_http_url(cli, root, tmp_path, static_server):
    (tmp_path / "www-feed").mkdir()
    shutil.copy(FEED, tmp_path / "www-feed/feed.xml")
    url = f"{static_server(tmp_path / 'www-feed')}/feed.xml"
    run = cli("import", "podcast", url, "--root", root)
    assert run.code == 0, run.err
    assert len(episodes(root)) == 4
    assert "chapters" not in episodes(root)["002-mediators-at-work.md"]  # not fetched from the web
    missing = cli("import", "podcast", url + ".gone", "--root", root)
    assert missing.code == 2 and "cannot download" in missing.err


def test_build_does_not_load_the_import_libraries():
    import subprocess

    code = (
        "import sys, site_builder.cli, site_builder.build\n"
        "print(sorted({'markdownify', 'bs4', 'defusedxml'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_address_that_is_not_http_is_refused_saying_what_to_do(cli, root):
    run = cli("import", "podcast", "ftp://files.example/show.xml", "--root", root)
    assert (run.code, run.err) == (
        2,
        "site-builder: error: cannot read ftp://files.example/show.xml: only http(s) addresses"
        " are fetched; for ftp: save the file and give its path\n",
    )
