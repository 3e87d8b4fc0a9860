"""The guid ledger: no build may change the guid of an episode the feed has published.

Every case builds a tiny podcast in tmp_path through the command line, as an author would,
then edits an episode the way authors do (renumber, retype, rename, edit the guid) and reads
what the next build prints, whether it wrote anything, and what the ledger says.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sitecheck import copy_example
from test_podcast_diagnostics import SITE_YAML, png

from site_builder.build import build_site
from site_builder.config import load_config
from site_builder.ledger import LEDGER_FILE

EPISODES = "content/episodes"


def episode(title: str, extra: str = "", url: str | None = None) -> str:
    url = url or f"https://cdn.example.org/{title.lower()}.mp3"
    return (
        f"---\ntitle: {title}\ndate: 2024-01-01\n{extra}"
        f"audio: {{url: {url}, length: 5650889, type: audio/mpeg}}\n"
        'duration: "30:00"\n---\n\nNotes.\n'
    )


@pytest.fixture
def show(site, monkeypatch):
    """A show of two episodes without `guid:` lines, built once: the ledger knows them."""

    def make(files: dict[str, str] | None = None) -> Path:
        root = site(
            {
                "content/media/cover.png": png(1400, 1400),
                **(
                    files
                    or {
                        f"{EPISODES}/001-first.md": episode("First", "season: 1\n"),
                        f"{EPISODES}/002-second.md": episode("Second", "season: 1\n"),
                    }
                ),
            },
            SITE_YAML,
        )
        monkeypatch.chdir(root)
        return root

    return make


def ledger(root: Path) -> list[dict]:
    return yaml.safe_load((root / LEDGER_FILE).read_text(encoding="utf-8"))


def guids(root: Path) -> dict[str, str]:
    channel = ET.parse(root / "output/podcast.xml").getroot().find("channel")
    return {i.findtext("title"): i.findtext("guid") for i in channel.findall("item")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_first_build_starts_the_ledger_with_a_warning(show, cli):
    root = show()
    run = cli("build")
    assert run.code == 0
    assert (
        "podcast-ledger.yaml: warning: no podcast-ledger.yaml: the guids of 2 published "
        "episodes are not on record [ledger]\n"
        "    hint: `site-builder build` starts one; commit podcast-ledger.yaml with the site"
    ) in run.err
    published = guids(root)
    assert ledger(root) == [
        {
            "file": f"{EPISODES}/001-first.md",
            "guid": published["First"],
            "enclosure": "https://cdn.example.org/first.mp3",
            "slug": "first",
            "first_published": "2024-01-01",
        },
        {
            "file": f"{EPISODES}/002-second.md",
            "guid": published["Second"],
            "enclosure": "https://cdn.example.org/second.mp3",
            "slug": "second",
            "first_published": "2024-01-01",
        },
    ]
    again = cli("build")
    assert again.code == 0 and "ledger" not in again.err


def test_the_ledger_is_sorted_readable_yaml_with_a_header(show, cli):
    root = show(
        {f"{EPISODES}/{n:03d}-ep{n}.md": episode(f"Ep{n}", url=None) for n in (3, 1, 10, 2)}
    )
    assert cli("build").code == 0
    text = (root / LEDGER_FILE).read_text(encoding="utf-8")
    assert text.startswith("# The episodes podcast.xml has published")
    files = re.findall(r'^- file: "(.*)"$', text, re.M)
    assert files == sorted(files) and len(files) == 4
    assert all(line.startswith(("#", "- ", "  ")) for line in text.splitlines())


def test_renumbering_an_old_episode_fails_the_build_with_the_line_that_keeps_its_guid(show, cli):
    root = show()
    assert cli("build").code == 0
    old = guids(root)["Second"]
    feed_before = (root / "output/podcast.xml").read_bytes()
    ledger_before = (root / LEDGER_FILE).read_bytes()
    edit(root / EPISODES / "002-second.md", "season: 1\n", "season: 1\nnumber: 7\n")
    run = cli("build")
    assert run.code == 1
    assert run.errors.startswith(
        f"content/episodes/002-second.md:5: error: this episode was published with guid {old}; "
        "its guid would now be urn:uuid:"
    ), run.errors
    hint = f'    hint: keep the published guid: write the line guid: "{old}" '
    assert hint + "(if this really is another episode, delete the entry at " in run.err
    assert "podcast-ledger.yaml:9)" in run.err
    assert run.errors.endswith("1 error; nothing was written.\n")
    assert (root / "output/podcast.xml").read_bytes() == feed_before
    assert (root / LEDGER_FILE).read_bytes() == ledger_before
    # the hint's line, pasted into the front matter, is the whole fix
    edit(root / EPISODES / "002-second.md", "number: 7\n", f'number: 7\nguid: "{old}"\n')
    assert cli("build").code == 0
    assert guids(root)["Second"] == old


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (("season: 1\n", "season: 2\n"), 4),  # a new season renumbers it too
        (("season: 1\n", "season: 1\nepisode_type: bonus\n"), 4),  # retyped
    ],
)
def test_retyping_or_moving_an_old_episode_to_another_season_fails(show, cli, change, line):
    root = show()
    assert cli("build").code == 0
    edit(root / EPISODES / "001-first.md", *change)
    run = cli("build")
    assert run.code == 1
    assert run.errors.startswith(f"content/episodes/001-first.md:{line}: error: this episode was ")


def test_an_edited_guid_line_fails_at_its_line(show, cli):
    root = show(
        {f"{EPISODES}/001-first.md": episode("First", 'guid: "urn:uuid:first-published"\n')}
    )
    assert cli("build").code == 0
    edit(root / EPISODES / "001-first.md", "first-published", "second-thoughts")
    run = cli("build")
    assert run.code == 1
    assert run.errors.startswith(
        "content/episodes/001-first.md:4: error: this episode was published with guid "
        "urn:uuid:first-published; its guid would now be urn:uuid:second-thoughts, and every "
        "podcast app would download it again [guid]\n"
        '    hint: keep the published guid: write the line guid: "urn:uuid:first-published"'
    ), run.errors


def test_a_renamed_file_keeps_its_entry_when_its_guid_is_the_same(show, cli):
    root = show()
    assert cli("build").code == 0
    before = guids(root)
    (root / EPISODES / "002-second.md").rename(root / EPISODES / "002-the-second.md")
    run = cli("build")
    assert run.code == 0, run.err
    assert guids(root) == before  # the guid comes from season and number, not the name
    assert [e["file"] for e in ledger(root)] == [
        f"{EPISODES}/001-first.md",
        f"{EPISODES}/002-the-second.md",
    ]


def test_a_renamed_trailer_whose_derived_guid_changes_fails(show, cli):
    # without a number, a guid is derived from the slug, which the file name gives
    root = show({f"{EPISODES}/trailer.md": episode("Trailer", "episode_type: trailer\n")})
    assert cli("build").code == 0
    old = guids(root)["Trailer"]
    (root / EPISODES / "trailer.md").rename(root / EPISODES / "coming-soon.md")
    run = cli("build")
    assert run.code == 1
    assert run.errors.startswith(
        "content/episodes/coming-soon.md:1: error: this episode was published as "
        f"content/episodes/trailer.md with guid {old}; its guid would now be "
    ), run.errors


def test_a_changed_slug_of_an_episode_without_a_number_fails(show, cli):
    root = show({f"{EPISODES}/trailer.md": episode("Trailer", "episode_type: trailer\n")})
    assert cli("build").code == 0
    edit(root / EPISODES / "trailer.md", "episode_type:", "slug: teaser\nepisode_type:")
    run = cli("build")
    assert run.code == 1
    assert run.errors.startswith("content/episodes/trailer.md:4: error: this episode was published")


# renumbered to 3; or to 1, in the place of an episode taken down, whose guid it now derives
@pytest.mark.parametrize("number", [3, 1], ids=["new-number", "a-removed-episode-s-number"])
def test_a_renamed_and_renumbered_file_is_found_by_its_audio_url(show, cli, number):
    root = show()
    assert cli("build").code == 0
    if number == 1:
        (root / EPISODES / "001-first.md").unlink()
    path = root / EPISODES / "002-second.md"
    edit(path, "season: 1\n", f"season: 1\nnumber: {number}\n")
    path.rename(root / EPISODES / f"00{number}-second.md")
    run = cli("build")
    assert run.code == 1
    assert "was published as content/episodes/002-second.md with guid" in run.err


def test_an_episode_taken_down_is_a_warning_once_and_stays_on_record(show, cli):
    root = show()
    assert cli("build").code == 0
    gone = guids(root)["Second"]
    (root / EPISODES / "002-second.md").unlink()
    run = cli("build")
    assert run.code == 0
    assert (
        f"podcast-ledger.yaml:9: warning: content/episodes/002-second.md (guid {gone}) was "
        "published and is no longer in the feed [ledger]\n"
    ) in run.err
    entry = ledger(root)[1]
    assert (entry["guid"], entry["withdrawn"]) == (gone, entry["withdrawn"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", entry["withdrawn"])
    assert "no longer in the feed" not in cli("build").err  # said once
    # brought back with another number, it is still the episode the ledger knows
    (root / EPISODES / "002-second.md").write_text(
        episode("Second", "season: 1\nnumber: 9\n"), encoding="utf-8"
    )
    run = cli("build")
    assert run.code == 1 and f"published with guid {gone}" in run.err


def test_a_changed_audio_url_is_a_warning(show, cli):
    root = show()
    assert cli("build").code == 0
    edit(root / EPISODES / "001-first.md", "first.mp3", "first-remastered.mp3")
    run = cli("build")
    assert run.code == 0
    assert (
        "content/episodes/001-first.md:5: warning: the audio URL changed since it was "
        "published (it was https://cdn.example.org/first.mp3) [podcast]\n"
    ) in run.err
    assert ledger(root)[0]["enclosure"] == "https://cdn.example.org/first-remastered.mp3"


def test_a_published_episode_without_a_guid_line_is_a_warning_with_the_line(show, cli):
    root = show()
    run = cli("build")
    first = guids(root)["First"]
    assert (
        "content/episodes/001-first.md:1: warning: a published episode without a `guid:` "
        "line: its guid is derived, and changes when the episode is renumbered or retyped "
        f'[guid]\n    hint: add the line guid: "{first}" to its front matter\n'
    ) in run.err
    edit(root / EPISODES / "001-first.md", "season: 1\n", f'season: 1\nguid: "{first}"\n')
    assert "001-first.md:1: warning" not in cli("build").err


def test_deleting_the_cache_changes_nothing_and_deleting_the_ledger_starts_anew(show, cli):
    root = show()
    assert cli("build").code == 0 and (root / ".site-builder-cache").is_dir()
    edit(root / EPISODES / "002-second.md", "season: 1\n", "season: 1\nnumber: 7\n")
    shutil.rmtree(root / ".site-builder-cache")
    assert cli("build").code == 1  # the ledger, not the cache, remembers
    assert cli("build", "--no-cache").code == 1
    (root / LEDGER_FILE).unlink()
    run = cli("build")
    assert run.code == 0 and "no podcast-ledger.yaml" in run.err
    assert len(ledger(root)) == 2


def test_check_and_serve_compare_with_the_ledger_and_write_nothing(show, cli):
    from site_builder.build import make_site

    root = show()
    run = cli("check")
    assert run.code == 0 and "no podcast-ledger.yaml" in run.err
    assert not (root / LEDGER_FILE).exists()
    make_site(load_config(root), drafts=True)  # what serve builds
    assert not (root / LEDGER_FILE).exists()
    assert cli("build").code == 0
    before = (root / LEDGER_FILE).read_bytes()
    edit(root / EPISODES / "002-second.md", "season: 1\n", "season: 1\nnumber: 7\n")
    run = cli("check")
    assert run.code == 1 and "error: this episode was published with guid" in run.err
    (root / EPISODES / "001-first.md").unlink()
    cli("check")
    assert (root / LEDGER_FILE).read_bytes() == before


def test_drafts_stay_off_the_ledger_and_may_be_renumbered(show, cli):
    root = show(
        {
            f"{EPISODES}/001-first.md": episode("First"),
            f"{EPISODES}/002-draft.md": episode("Draft", "draft: true\n"),
        }
    )
    assert cli("build", "--drafts").code == 0
    assert [e["file"] for e in ledger(root)] == [f"{EPISODES}/001-first.md"]
    edit(root / EPISODES / "002-draft.md", "draft: true\n", "draft: true\nnumber: 5\n")
    assert cli("build", "--drafts").code == 0
    assert cli("check").code == 0


def test_a_ledger_with_two_entries_for_one_file_is_an_error(show, cli):
    root = show()
    assert cli("build").code == 0
    text = (root / LEDGER_FILE).read_text(encoding="utf-8")
    first = text[text.index("- file:") : text.index("- file:", text.index("- file:") + 1)]
    (root / LEDGER_FILE).write_text(text + first, encoding="utf-8")
    run = cli("build")
    assert run.code == 1
    assert (
        "podcast-ledger.yaml:14: error: a second entry for content/episodes/001-first.md "
        "(the first is at line 4) [ledger]"
    ) in run.err


def test_a_ledger_that_is_not_yaml_is_an_error_at_its_line(show, cli):
    root = show()
    assert cli("build").code == 0
    (root / LEDGER_FILE).write_text("- file: [unclosed\n", encoding="utf-8")
    run = cli("build")
    assert run.code == 1 and run.errors.startswith("podcast-ledger.yaml:2: error: YAML syntax")


def test_the_example_sites_ledger_is_what_its_build_writes(tmp_path):
    root = copy_example(tmp_path / "site")
    before = (root / LEDGER_FILE).read_bytes()
    result = build_site(load_config(root), root / "output", use_cache=False)
    assert result.warnings == []
    assert (root / LEDGER_FILE).read_bytes() == before
    entries = yaml.safe_load(before)
    assert [e["guid"] for e in entries] == [
        json.loads(re.search(r"^guid: (.*)$", (root / e["file"]).read_text(), re.M).group(1))
        for e in entries
    ]


# Random edits an author may make to a small show, then a build after each. Whenever a build
# succeeds, every guid the ledger held is still the guid of its episode, or its episode is gone
# from the feed (and that was warned about).
EDIT = st.one_of(
    st.tuples(st.just("renumber"), st.integers(0, 2), st.integers(1, 9)),
    st.tuples(st.just("retype"), st.integers(0, 2), st.sampled_from(["full", "bonus", "trailer"])),
    st.tuples(st.just("season"), st.integers(0, 2), st.integers(1, 3)),
    st.tuples(st.just("rename"), st.integers(0, 2), st.sampled_from(["a", "b", "c"])),
    st.tuples(st.just("slug"), st.integers(0, 2), st.sampled_from(["x", "y"])),
    st.tuples(st.just("guid"), st.integers(0, 2), st.sampled_from(["g1", "g2", None])),
    st.tuples(st.just("title"), st.integers(0, 2), st.text("abc ", min_size=1, max_size=5)),
    st.tuples(st.just("remove"), st.integers(0, 2), st.none()),
)


def _write_episode(folder: Path, state: dict) -> None:
    extra = f"number: {state['number']}\nseason: {state['season']}\n"
    extra += f"episode_type: {state['type']}\n"
    if state["slug"]:
        extra += f"slug: {state['slug']}\n"
    if state["guid"]:
        extra += f'guid: "urn:uuid:{state["guid"]}"\n'
    text = episode(state["title"].strip() or "T", extra, url=state["url"])
    (folder / state["file"]).write_text(text, encoding="utf-8")


def _apply(folder: Path, states: list[dict | None], change: tuple) -> None:
    kind, which, value = change
    state = states[which]
    if state is None:
        return
    if kind == "remove":
        (folder / state["file"]).unlink()
        states[which] = None
        return
    if kind == "rename":
        (folder / state["file"]).unlink()
        state["file"] = f"{state['number']:03d}-{value}{which}.md"
    else:
        key = {"renumber": "number", "retype": "type"}.get(kind, kind)
        state[key] = value if kind != "slug" else f"{value}{which}"
    _write_episode(folder, state)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(EDIT, min_size=1, max_size=6))
@example([("renumber", 0, 2), ("rename", 2, "a"), ("renumber", 2, 1), ("remove", 0, None)])
def test_no_build_that_succeeds_changes_a_published_guid(tmp_path_factory, edits):
    from site_builder.errors import ContentError

    root = tmp_path_factory.mktemp("prop")
    (root / "site.yaml").write_text(SITE_YAML.replace("language:", "search: false\nlanguage:"))
    (root / "content/media").mkdir(parents=True)
    (root / "content/media/cover.png").write_bytes(png(1400, 1400))
    folder = root / EPISODES
    folder.mkdir(parents=True)
    states: list[dict | None] = []
    for n in range(3):
        state = {
            "file": f"{n + 1:03d}-ep{n}.md",
            "number": n + 1,
            "season": 1,
            "type": "full",
            "slug": None,
            "guid": None,
            "title": f"Ep{n}",
            "url": f"https://cdn.example.org/{n}.mp3",
        }
        states.append(state)
        _write_episode(folder, state)
    config = load_config(root)
    build_site(config, root / "output", use_cache=False)
    for change in edits:
        before = {e["guid"]: e for e in ledger(root)}
        _apply(folder, states, change)
        try:
            result = build_site(load_config(root), root / "output", use_cache=False)
        except ContentError:
            continue
        published = {i: g for i, g in _published(root).items()}
        for guid, entry in before.items():
            if guid in published.values():
                continue
            # the episode that had this guid is not in the feed any more, and it was said
            assert entry["enclosure"] not in published, (change, entry, published)
            said = [w for w in result.warnings if entry["file"] in w.message]
            assert entry.get("withdrawn") or said, (change, entry, result.warnings)


def _published(root: Path) -> dict[str, str]:
    """Each item of the built feed: enclosure URL -> guid."""
    channel = ET.parse(root / "output/podcast.xml").getroot().find("channel")
    return {i.find("enclosure").get("url"): i.findtext("guid") for i in channel.findall("item")}
