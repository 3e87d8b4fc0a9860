"""People (issue 18): person pages and `/people/`, hosts and guests named by slug, name or
alias, names autolinked by the one matcher with concepts, the moments they speak, the podcast
feed's podcast:person (read back by XML and by Podcast Index's parser), JSON-LD, `new person`,
and every mistake an error at its line. Sites are `tests/sites/podcast` with
`tests/sites/people` laid over it."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.errors import ContentError, errors_in

SITES = Path(__file__).parent / "sites"
NOW = datetime(2026, 11, 20, tzinfo=UTC)
PODCAST = "{https://podcastindex.org/namespace/1.0}person"


def people_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    shutil.copytree(SITES / "people", root, dirs_exist_ok=True)
    (root / "README.md").unlink()
    return root


def build(root: Path):
    return make_site(load_config(root), now=NOW)


def soup(result, path: str) -> BeautifulSoup:
    return BeautifulSoup(result.files[path], "html.parser")


def errors(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build(root)
    return [d.format() for d in errors_in(caught.value.diagnostics)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def ld(page: BeautifulSoup) -> dict:
    return json.loads(page.find("script", type="application/ld+json").string)


@pytest.fixture
def built(tmp_path):
    return build(people_site(tmp_path))


def test_a_person_page_lists_their_episodes_mentions_and_the_moments_they_speak(built):
    page = soup(built, "people/a-and-b/index.html")
    assert page.h1.get_text() == "Dr. A & B <c>"
    assert page.select_one(".definition").get_text() == "A guest whose name needs escaping: & < >"
    episodes = [li.get_text(" ", strip=True) for li in page.select(".appearances li")]
    assert episodes == ["Episode 1: Talking about ripeness Guest · 13 March 2026"]
    # the transcript's voice tags: two cues, one turn, at 0:10
    (moment,) = page.select(".moments li")
    assert moment.get_text(" ", strip=True) == "Episode 1 at 0:10"
    assert [a["href"] for a in moment.select("a")] == [
        "/show/episodes/talk/",
        "/show/episodes/talk/#t=10",
    ]
    talk = soup(built, "episodes/talk/index.html")
    assert talk.select_one('[id="t=10"]') is not None  # the moment the link goes to
    noor = soup(built, "people/noor-haddad/index.html")
    (essay,) = noor.select(".backlinks li")
    assert essay.a["href"] == "/show/essays/with-noor/"
    assert essay.select_one(".count").get_text() == "2 mentions"
    assert essay.select_one("mark").get_text() == "Haddad"  # found by an alias


def test_people_lists_everyone_hosts_first(built):
    page = soup(built, "people/index.html")
    names = [a.get_text() for a in page.select(".person-card h2 a")]
    assert names == ["Mara Linden", "Dr. A & B <c>", "Noor Haddad"]
    assert [p.get_text() for p in page.select(".person-card .meta")] == ["Host", "Guest", "Guest"]
    search = soup(built, "search/index.html")  # results can be narrowed to people
    assert search.select_one('input[name=kind][value="Person"]') is not None


def test_the_menu_leads_to_people_on_every_page_of_a_site_that_has_them(built, tmp_path):
    def menu(result, path):
        return [a.get_text() for a in soup(result, path).select(".site-nav a")]

    for path in ("index.html", "essays/with-noor/index.html", "people/index.html"):
        assert menu(built, path)[:5] == ["Essays", "Episodes", "Glossary", "People", "Tags"]
    here = soup(built, "people/noor-haddad/index.html").select_one(".site-nav a[aria-current]")
    assert (here.get_text(), here["aria-current"]) == ("People", "true")
    without = tmp_path / "without"
    shutil.copytree(SITES / "podcast", without)
    assert "People" not in menu(build(without), "index.html")


def test_hosts_and_guests_link_to_their_pages_and_other_names_stay_text(tmp_path):
    root = people_site(tmp_path)
    edit(
        root / "content/episodes/002-guarantees.md",
        "duration:",
        'hosts: [haddad]\nguests: [mara-linden, "Someone Unlisted"]\nduration:',
    )
    result = build(root)
    facts = soup(result, "episodes/guarantees/index.html").select_one(".facts")
    rows = {div.dt.get_text(): div.dd for div in facts.find_all("div")}
    assert [a["href"] for a in rows["Hosted by"].find_all("a")] == ["/show/people/noor-haddad/"]
    assert rows["With"].get_text() == "Mara Linden, Someone Unlisted"
    assert [a.get_text() for a in rows["With"].find_all("a")] == ["Mara Linden"]
    # by default an episode's host is the show's (podcast.hosts), by name
    talk = soup(result, "episodes/talk/index.html").select_one(".facts")
    assert "Hosted by Mara Linden" in talk.get_text(" ", strip=True)
    mara = soup(result, "people/mara-linden/index.html")
    shown = mara.select(".appearances li")
    # newest first: season two's first episode and trailer, then season one's two episodes
    labels = [li.a.get_text().split(":")[0] for li in shown]
    assert labels == ["Episode 1", "Trailer", "Episode 2", "Episode 1"]
    roles = [li.select_one(".meta-inline").get_text().split(" ·")[0] for li in shown]
    assert roles == ["Host", "Host", "Guest", "Host"]


def test_a_guest_named_twice_is_one_person_and_a_slug_that_names_nobody_is_a_warning(tmp_path):
    root = people_site(tmp_path)
    edit(
        root / "content/episodes/002-guarantees.md",
        "duration:",
        'guests: [mara-linden, Mara Linden, noor-hadad, "Someone Unlisted"]\nduration:',
    )
    result = build(root)
    warned = [d.format() for d in result.warnings if d.path.endswith("002-guarantees.md")]
    line = next(
        n
        for n, text in enumerate((root / "content/episodes/002-guarantees.md").open(), 1)
        if text.startswith("guests:")
    )
    assert warned == [
        f"content/episodes/002-guarantees.md:{line}: warning: 'Mara Linden' is named twice in"
        " `guests:` [reference]\n    hint: take out the second",
        f"content/episodes/002-guarantees.md:{line}: warning: 'noor-hadad' in `guests:` names no"
        " person page: apps show it as written [reference]\n    hint: did you mean 'noor-haddad'?",
    ]
    facts = soup(result, "episodes/guarantees/index.html").select_one(".facts")
    rows = {div.dt.get_text(): div.dd for div in facts.find_all("div")}
    assert rows["With"].get_text() == "Mara Linden, noor-hadad, Someone Unlisted"
    item = next(
        i
        for i in ET.fromstring(result.files["podcast.xml"]).iter("item")
        if i.findtext("title").startswith("Guarantees")
    )
    guests = [p.text for p in item.iter(PODCAST) if p.get("role") == "guest"]
    assert guests == ["Mara Linden", "noor-hadad", "Someone Unlisted"]


def test_two_people_sharing_a_name_or_an_alias_is_an_error_at_its_line(tmp_path):
    # concepts may not share a term; a guest named "Haddad" could be either person
    root = people_site(tmp_path)
    (root / "content/people/nour-haddad.md").write_text(
        "---\nname: Noor Haddad\naliases: [Mara]\n---\n", encoding="utf-8"
    )
    edit(
        root / "content/people/mara-linden.md",
        "name: Mara Linden",
        "name: Mara Linden\naliases: [Mara]",
    )
    hint = "\n    hint: names and aliases must be unique: a guest named so could be either"
    found = errors(root)
    assert (
        "content/people/nour-haddad.md:2: error: 'Noor Haddad' already names the person in"
        f" content/people/noor-haddad.md [collision]{hint}"
    ) in found
    assert (
        "content/people/nour-haddad.md:3: error: 'Mara' already names the person in"
        f" content/people/mara-linden.md [collision]{hint}"
    ) in found


def test_names_autolink_as_concepts_do_with_one_matcher(tmp_path):
    root = people_site(tmp_path)
    essay = root / "content/essays/2026-03-20-with-noor.md"
    edit(
        essay,
        "Later Haddad said it again.",
        "Later Haddad said it again. A Haddadist? Not Noor Haddad's style, said Noor Haddad.",
    )
    page = soup(build(root), "essays/with-noor/index.html")
    links = page.select(".body a.person-link")
    # first mention only (people: {autolink: first}); the longest name wins the second time
    assert [(a.get_text(), a["href"]) for a in links] == [("Haddad", "/show/people/noor-haddad/")]
    assert links[0]["title"] == "Negotiator, quoted in essays."
    assert page.select_one(".body a.concept-link").get_text() == "stalemate"  # concepts too
    edit(root / "site.yaml", "language: en-GB", "language: en-GB\npeople: {autolink: all}")
    texts = [
        a.get_text()
        for a in soup(build(root), "essays/with-noor/index.html").select(".body a.person-link")
    ]
    assert texts == ["Haddad", "Haddad", "Noor Haddad's", "Noor Haddad"]  # never "Haddadist"
    edit(
        root / "site.yaml",
        "people: {autolink: all}",
        "people: {autolink: off}\nglossary: {autolink: off}",
    )
    page = soup(build(root), "essays/with-noor/index.html")
    assert page.select(".body a.person-link") == page.select(".body a.concept-link") == []


def test_a_page_with_autolink_false_links_no_names(tmp_path):
    root = people_site(tmp_path)
    edit(root / "content/essays/2026-03-20-with-noor.md", "people:", "autolink: false\npeople:")
    page = soup(build(root), "essays/with-noor/index.html")
    assert page.select(".body a.autolink") == []


def test_the_podcast_feed_names_hosts_and_guests_with_their_pages_images_and_roles(
    built, tmp_path, partytime
):
    feed = built.files["podcast.xml"]
    channel = ET.fromstring(feed).find("channel")
    people = [(p.text, p.attrib) for p in channel.findall(PODCAST)]
    host = people[0]
    assert host[0] == "Mara Linden" and host[1]["role"] == "host"
    assert host[1]["href"] == "https://example.org/show/people/mara-linden/"
    assert host[1]["img"].startswith("https://example.org/show/assets/img/cover.")
    assert host[1]["img"].endswith("-480.png")  # a web size, not the 1400 px original
    assert people[1] == (
        "Noor Haddad",
        {
            "role": "producer",
            "group": "creative direction",
            "href": "https://example.org/show/people/noor-haddad/",
        },
    )
    talk = next(
        i for i in channel.findall("item") if i.findtext("title") == "Talking about ripeness"
    )
    guests = [p for p in talk.findall(PODCAST) if p.get("role") == "guest"]
    assert [(g.text, g.get("href")) for g in guests] == [
        ("Dr. A & B <c>", "https://example.org/show/people/a-and-b/")
    ]
    (tmp_path / "podcast.xml").write_bytes(feed)
    parsed = partytime(tmp_path / "podcast.xml")
    assert {
        "name": "Mara Linden",
        "role": "Host",  # Podcast Index reads the taxonomy's roles, in its own capitals
        "group": "Cast",
        "img": host[1]["img"],
        "href": host[1]["href"],
    } in parsed["podcastPeople"]
    item = next(i for i in parsed["items"] if i["title"] == "Talking about ripeness")
    assert any(p["name"] == "Dr. A & B <c>" and p["role"] == "Guest" for p in item["podcastPeople"])
    crew = [p for p in parsed["podcastPeople"] if p["name"] == "Noor Haddad"]
    assert [(p["role"], p["group"]) for p in crew] == [("Producer", "Creative Direction")]


# a role written wrong: (the file, what it said, what it says now, the one error)
ROLE_MISTAKES = {
    "an unknown role, with did-you-mean": (
        "content/people/noor-haddad.md",
        "roles: [guest, producer]",
        "roles:\n  - guest\n  - prodcer",
        "content/people/noor-haddad.md:6: error: unknown role 'prodcer': podcast apps know the "
        "Podcasting 2.0 taxonomy's roles [front-matter]\n    hint: did you mean 'producer'?",
    ),
    # other tools take `{name: …, role: …}` per guest; here the role is the person's own
    "a guest written as a mapping, told where the role goes": (
        "content/episodes/001-talk.md",
        'guests: ["Dr. A & B <c>"]',
        'guests:\n  - "Dr. A & B <c>"\n  - {name: Noor Haddad, role: guest}',
        "content/episodes/001-talk.md:11: error: 'guests' item 2 must be text, not a mapping "
        "[front-matter]\n    hint: name each person by their file's slug or their name "
        "(`guests: [ines-carvalho]`); what they do goes in their file, "
        "content/people/<slug>.md: `roles: [guest]`",
    ),
}


@pytest.mark.parametrize("mistake", list(ROLE_MISTAKES))
def test_a_role_written_wrong_is_an_error_at_its_line_with_a_hint(tmp_path, mistake):
    rel, old, new, error = ROLE_MISTAKES[mistake]
    root = people_site(tmp_path)
    edit(root / rel, old, new)
    assert errors(root) == [error]


def test_a_person_without_a_name_an_unknown_person_and_a_missing_image_are_errors(tmp_path):
    root = people_site(tmp_path)
    edit(root / "content/people/a-and-b.md", 'name: "Dr. A & B <c>"\n', "")
    edit(
        root / "content/essays/2026-03-20-with-noor.md",
        "people: [noor-haddad]",
        "people: [noor-hadad]",
    )
    edit(root / "content/people/mara-linden.md", "/media/cover.png", "/media/mara.jpg")
    found = errors(root)
    assert (
        "content/people/a-and-b.md:1: error: missing required key 'name' [front-matter]"
        "\n    hint: add a line `name: ...`" in found
    )
    assert (
        "content/essays/2026-03-20-with-noor.md:5: error: unknown person 'noor-hadad' [reference]"
        "\n    hint: did you mean 'noor-haddad'?" in found
    )
    assert any(
        e.startswith("content/people/mara-linden.md:5: error: no image file /media/mara.jpg")
        for e in found
    )


def test_a_bad_link_is_an_error_at_its_line(tmp_path):
    root = people_site(tmp_path)
    edit(
        root / "content/people/mara-linden.md",
        '"https://example.org/mara"',
        '"javascript:alert(1)"',
    )
    (found,) = errors(root)
    assert found.startswith(
        "content/people/mara-linden.md:6: error: 'links.Website' must be an http(s)"
    )


def test_json_ld_says_who_a_person_is_and_who_is_on_an_episode(built):
    mara = ld(soup(built, "people/mara-linden/index.html"))
    assert mara["@type"] == "Person" and mara["name"] == "Mara Linden"
    assert mara["url"] == "https://example.org/show/people/mara-linden/"
    assert mara["sameAs"] == ["https://example.org/mara", "https://social.example/@mara"]
    assert mara["image"].endswith("-480.png")
    talk = ld(soup(built, "episodes/talk/index.html"))
    assert [(a["name"], a["url"]) for a in talk["actor"]] == [
        ("Mara Linden", "https://example.org/show/people/mara-linden/"),
        ("Dr. A & B <c>", "https://example.org/show/people/a-and-b/"),
    ]
    essay = ld(soup(built, "essays/with-noor/index.html"))
    assert essay["author"] == {
        "@type": "Person",
        "name": "Mara Linden",
        "url": "https://example.org/show/people/mara-linden/",
    }
    assert essay["about"] == [
        {
            "@type": "Person",
            "name": "Noor Haddad",
            "url": "https://example.org/show/people/noor-haddad/",
        }
    ]


def test_new_person_writes_a_file_that_builds(tmp_path, cli, monkeypatch):
    root = people_site(tmp_path)
    monkeypatch.chdir(root)
    done = cli("new", "person", "Ada Okafor")
    assert done.code == 0, done.err
    path = root / "content/people/ada-okafor.md"
    assert done.out.strip() == "content/people/ada-okafor.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith('---\nname: "Ada Okafor"\naliases: []\nroles: [guest]\n')
    assert cli("check").code == 0
    assert "people/ada-okafor/index.html" in build(root).files
