"""Rebuilds that reuse the previous build give exactly the bytes of a build from scratch."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from site_builder.build import make_site
from site_builder.config import load_config
from site_builder.errors import ContentError, errors_in
from site_builder.incremental.state import BuildCache
from site_builder.report import BufferReporter

SITES = Path(__file__).parent / "sites"
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS = {
    "essay body": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "looked different",
        "looked very different",
    ),
    "essay body with a new mention": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "A ceasefire followed.",
        "A ceasefire followed, then ripeness.",
    ),
    "essay title": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md", 'title: "Tips', 'title: "More tips'
    ),
    "concept definition": lambda r: edit(
        r / "content/glossary/stalemate.md", "Neither side can win.", "Neither side can win now."
    ),
    "body of an episode without a summary (its excerpt shows in lists)": lambda r: edit(
        r / "content/episodes/003-season-two.md", "starts with a ceasefire", "opens quietly"
    ),
    "episode notes": lambda r: edit(
        r / "content/episodes/002-guarantees.md",
        "Notes on the guarantee.",
        "Notes on the stalemate.",
    ),
    "transcript": lambda r: edit(
        r / "content/episodes/001-talk.vtt", "Welcome. Today", "Welcome back. Today"
    ),
    "related reading pinned": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "episode: talk\n",
        "episode: talk\nrelated: [guarantees]\n",
    ),
    "related reading turned off": lambda r: edit(
        r / "content/essays/2026-03-14-after-the-talk.md",
        "episode: talk\n",
        "episode: talk\nrelated: false\n",
    ),
    "deleted concept": lambda r: (r / "content/glossary/ceasefire.md").unlink(),
    "the first person on a site without people (every page's menu gains People)": lambda r: (
        (r / "content/people").mkdir()
        or (r / "content/people/mara-linden.md").write_text("---\nname: Mara Linden\n---\n")
    ),
    "template": lambda r: (
        (r / "templates").mkdir()
        or (r / "templates/404.html").write_text(
            '{% extends "base.html" %}{% block content %}<p>Lost?</p>{% endblock %}'
        )
    ),
}


# the same site with people laid over it (tests/sites/people): edits of people and of what
# names them
PEOPLE = "content/people/"
PEOPLE_EDITS = {
    "person renamed (an alias still names them)": lambda r: edit(
        r / PEOPLE / "noor-haddad.md", "name: Noor Haddad", "name: Noor Haddad-Ali"
    ),
    "person's bio": lambda r: edit(r / PEOPLE / "noor-haddad.md", "Negotiator,", "Mediator,"),
    "person's new alias, which a body uses": lambda r: (
        edit(r / PEOPLE / "noor-haddad.md", "aliases: [Haddad]", "aliases: [Haddad, Negotiator N]")
        or edit(r / ESSAY, "A ceasefire followed.", "A ceasefire followed, said Negotiator N.")
    ),
    "host renamed away from the show's hosts": lambda r: edit(
        r / PEOPLE / "mara-linden.md", "name: Mara Linden", "name: Mara Lind"
    ),
    "guest named by a person's slug": lambda r: edit(
        r / "content/episodes/002-guarantees.md", "duration:", "guests: [noor-haddad]\nduration:"
    ),
    "deleted person": lambda r: (r / PEOPLE / "a-and-b.md").unlink(),
    "speaker in a transcript": lambda r: edit(
        r / "content/episodes/001-talk.vtt", "<v Mara Linden>Welcome", "<v Noor Haddad>Welcome"
    ),
    "people's autolink mode": lambda r: edit(
        r / "site.yaml", "timezone:", "people: {autolink: all}\ntimezone:"
    ),
    "a person named in a body": lambda r: edit(
        r / ESSAY, "A ceasefire followed.", "A ceasefire followed, said Haddad."
    ),
}


SERIES = "content/series/ending-the-war.md"
# on tests/sites/series: what a series' page and each of its parts show of one another
SERIES_EDITS = {
    "series title": lambda r: edit(r / SERIES, "title: Ending the war", "title: Stopping a war"),
    "series summary": lambda r: edit(r / SERIES, "Three pieces", "Three short pieces"),
    "series body": lambda r: edit(r / SERIES, "Read them in order", "Read them in turn"),
    "parts reordered": lambda r: (
        edit(r / "content/essays/2026-01-10-the-long-middle.md", "part: 1", "part: 2"),
        edit(r / "content/episodes/001-stalemate-talk.md", "part: 2", "part: 1"),
    ),
    "title of a part": lambda r: edit(
        r / "content/episodes/001-stalemate-talk.md", "Talking about", "Talks on"
    ),
    "a part leaves its series": lambda r: edit(
        r / "content/essays/2026-04-15-a-table-of-one.md", "series: around-the-table\n", ""
    ),
}


def _site(tmp_path: Path, fixture: str = "podcast") -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / ("podcast" if fixture == "people" else fixture), root)
    if fixture == "people":
        shutil.copytree(SITES / "people", root, dirs_exist_ok=True)
        (root / "README.md").unlink()
    return root


CHANGES = {
    **{name: ("podcast", edit) for name, edit in EDITS.items()},
    **{f"people: {name}": ("people", edit) for name, edit in PEOPLE_EDITS.items()},
    **{f"series: {name}": ("series", edit) for name, edit in SERIES_EDITS.items()},
}


@pytest.mark.parametrize("change", CHANGES)
def test_incremental_rebuild_equals_a_clean_build(tmp_path, change):
    fixture, edit_site = CHANGES[change]
    root = _site(tmp_path, fixture)
    cache = BuildCache()
    first = make_site(load_config(root), now=NOW, cache=cache)
    edit_site(root)
    again = make_site(load_config(root), now=NOW, cache=cache)
    clean = make_site(load_config(root), now=NOW)
    assert again.files.keys() == clean.files.keys()
    differing = [path for path in clean.files if again.files[path] != clean.files[path]]
    assert differing == []
    assert again.files != first.files  # the change is visible


def test_body_edit_renders_only_what_shows_the_body(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    EDITS["essay body"](root)
    report = BufferReporter()
    make_site(load_config(root), now=NOW, cache=cache, report=report)
    # the essay has a summary of its own, so lists do not change; one sentence quoted on the
    # stalemate page did
    assert report.pages == ["essays/after-the-talk/index.html", "glossary/stalemate/index.html"]
    assert report.items == ["essays/after-the-talk"]


def rendered_after(root: Path, change) -> tuple[list[str], dict[str, bytes]]:
    """The pages a cached rebuild renders after `change`, in order, and the files it makes."""
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    change(root)
    report = BufferReporter()
    files = make_site(load_config(root), now=NOW, cache=cache, report=report).files
    return report.pages, files


def test_renaming_a_person_renders_exactly_the_pages_that_show_them(tmp_path):
    root = _site(tmp_path, "people")
    rendered, files = rendered_after(
        root, PEOPLE_EDITS["person renamed (an alias still names them)"]
    )
    # their page, the list of everyone, the essay that names them (in `people:`, and by the
    # alias its text uses) and the concept page that lists their page among its backlinks:
    # not the other pages, which neither show nor name them
    assert sorted(rendered) == [
        "essays/with-noor/index.html",
        "glossary/ceasefire/index.html",
        "people/index.html",
        "people/noor-haddad/index.html",
    ]
    assert b"Noor Haddad-Ali" in files["podcast.xml"]  # the show's producer


def test_a_new_series_title_renders_exactly_the_pages_that_show_it(tmp_path):
    rendered, files = rendered_after(_site(tmp_path, "series"), SERIES_EDITS["series title"])
    # its own page, its parts' pages, the concept page that lists it and the list of every
    # series; not the other series' parts, nor the other lists
    assert sorted(rendered) == [
        "episodes/stalemate-talk/index.html",
        "essays/the-long-middle/index.html",
        "essays/the-ripe-moment/index.html",
        "glossary/ripeness/index.html",
        "series/ending-the-war/index.html",
        "series/index.html",
    ]
    assert "Stopping a war" in files["series/ending-the-war/feed.xml"].decode()


def _podcast_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(SITES / "podcast", root)
    return root


ESSAY = "content/essays/2026-03-14-after-the-talk.md"


def test_a_new_first_paragraph_renders_its_tag_pages_again(tmp_path):
    # without a summary of its own, an essay's excerpt is its first paragraph, which the pages
    # of its tags show
    root = _podcast_site(tmp_path)
    edit(root / ESSAY, 'summary: "A summary with & < > \\" \' and </script>"\n', "")
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    EDITS["essay body"](root)
    again = make_site(load_config(root), now=NOW, cache=cache)
    clean = make_site(load_config(root), now=NOW)
    for tag in ("tags/negotiation/index.html", "tags/war-peace/index.html"):
        assert b"looked very different" in clean.files[tag]
        assert again.files[tag] == clean.files[tag]


def _rebuild_fails_as_a_clean_build(root: Path, cache: BuildCache) -> list[str]:
    """The messages of the errors that both a rebuild with `cache` and a clean build raise."""
    with pytest.raises(ContentError) as clean:
        make_site(load_config(root), now=NOW)
    with pytest.raises(ContentError) as again:
        make_site(load_config(root), now=NOW, cache=cache)
    assert again.value.diagnostics == clean.value.diagnostics
    return [d.message for d in errors_in(again.value.diagnostics)]


def test_a_broken_anchor_written_in_an_edit_is_an_error_as_in_a_clean_build(tmp_path):
    root = _podcast_site(tmp_path)
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    edit(root / ESSAY, "A ceasefire followed.", "A ceasefire followed [[episodes/talk#nowhere]].")
    assert _rebuild_fails_as_a_clean_build(root, cache) == ["no heading #nowhere in episodes/talk"]


def test_link_warnings_stay_on_rebuilds_that_reuse_the_links(tmp_path):
    # a rebuild with nothing changed reuses the last build whole, and one after a body edit
    # relinks only that body: both must still say what the first build warned about
    root = _podcast_site(tmp_path)
    (root / "content/glossary/orphan.md").write_text(
        "---\nterm: Orphan\ndefinition: Linked from nowhere.\n---\n", encoding="utf-8"
    )
    cache = BuildCache()
    builds = [make_site(load_config(root), now=NOW, cache=cache)]
    builds.append(make_site(load_config(root), now=NOW, cache=cache))
    assert builds[-1].rendered == 0  # settled: nothing was rendered again
    EDITS["essay body"](root)
    builds.append(make_site(load_config(root), now=NOW, cache=cache))
    assert 0 < builds[-1].rendered < builds[0].rendered  # only what shows the body
    for build in builds:  # the fixture's other warnings (its short audio) are not link warnings
        assert [w.format() for w in build.warnings if w.code == "unused"] == [
            "content/glossary/orphan.md:1: warning: 'Orphan' is not mentioned anywhere on the "
            "site [unused]\n    hint: link it from an essay or episode, "
            "or list it in their `concepts:`"
        ]


def test_a_heading_taken_away_from_a_linked_page_is_an_error_as_in_a_clean_build(tmp_path):
    # the page linking to the heading is unchanged: only the page that lost it was edited
    root = _podcast_site(tmp_path)
    talk = root / "content/episodes/001-talk.md"
    talk.write_text(talk.read_text(encoding="utf-8") + "\n## Intro\n\nMore.\n", encoding="utf-8")
    edit(root / ESSAY, "A ceasefire followed.", "A ceasefire followed [[episodes/talk#intro]].")
    cache = BuildCache()
    make_site(load_config(root), now=NOW, cache=cache)
    edit(talk, "## Intro", "Intro")
    assert _rebuild_fails_as_a_clean_build(root, cache) == ["no heading #intro in episodes/talk"]
