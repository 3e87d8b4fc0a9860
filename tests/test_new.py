"""`site-builder new`: the file an author starts from (RELIABILITY K1-K6)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from site_builder.load.frontmatter import decode, split
from site_builder.load.values import parse_datetime
from site_builder.slugs import slug_problem

SITE_TZ = "Asia/Kolkata"
SITE_YAML = f"title: Test Site\nbase_url: https://example.org/\ntimezone: {SITE_TZ}\n"
SAFE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def front_matter(path: Path) -> dict:
    return split(decode(path.read_bytes(), path.name), path.name).data


def today() -> set[str]:
    now = datetime.now(ZoneInfo(SITE_TZ))
    return {
        (now - timedelta(minutes=1)).date().isoformat(),
        now.date().isoformat(),
        (now + timedelta(minutes=1)).date().isoformat(),
    }


@pytest.fixture
def project(site, monkeypatch):
    root = site({}, site_yaml=SITE_YAML)
    monkeypatch.chdir(root)
    return root


def new_path(run) -> str:
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 1, run.out
    return lines[0]


def test_new_essay_writes_a_dated_file_and_prints_its_path(project, cli):
    run = cli("new", "essay", "Hello")
    printed = new_path(run)
    match = re.fullmatch(r"content/essays/(\d{4}-\d\d-\d\d)-hello\.md", printed)
    assert match, printed
    assert match.group(1) in today()
    assert files(project) == {"site.yaml", ".gitignore", printed}
    data = front_matter(project / printed)
    assert data["title"] == "Hello"
    assert data["draft"] is True


@pytest.mark.parametrize("kind", ["essay", "episode", "concept", "page"])
def test_new_prints_the_path_relative_to_the_current_folder(project, cli, monkeypatch, kind):
    monkeypatch.chdir(project.parent)
    printed = new_path(cli("new", kind, "Some Title", "--root", "site"))
    assert printed.startswith("site/content/")
    assert (project.parent / printed).is_file()


# K1: titles that look like paths.
@pytest.mark.parametrize(
    "title", ["../../etc/passwd", "/abs/x", "..", "a/../../../b", "C:\\Windows\\x", "~/.bashrc"]
)
@pytest.mark.parametrize("kind", ["essay", "page"])
def test_path_like_titles_stay_inside_content(project, cli, tmp_path, title, kind):
    before = files(tmp_path)
    printed = new_path(cli("new", kind, title))
    created = (project / printed).resolve()
    section = (project / "content" / {"essay": "essays", "page": "pages"}[kind]).resolve()
    assert created.parent == section
    assert SAFE.fullmatch(created.stem.removeprefix(created.stem[:11] if kind == "essay" else ""))
    gitignore = (project / ".gitignore").relative_to(tmp_path).as_posix()
    assert files(tmp_path) - before - {gitignore} == {created.relative_to(tmp_path).as_posix()}
    assert front_matter(created)["title"] == " ".join(title.split())


# K2: never overwrite silently.
def test_existing_file_is_not_overwritten(project, cli):
    printed = new_path(cli("new", "page", "Hello"))
    (project / printed).write_text("---\ntitle: Mine\n---\n\nMy words.\n")
    run = cli("new", "page", "Hello")
    assert run.code == 2
    assert run.out == ""
    assert "hello.md" in run.err and "already exists" in run.err and "--force" in run.err
    assert (project / printed).read_text() == "---\ntitle: Mine\n---\n\nMy words.\n"


def test_essay_with_the_same_slug_on_another_day_is_not_shadowed(project, cli):
    old = project / "content/essays/2020-01-01-hello.md"
    old.parent.mkdir(parents=True)
    old.write_text("---\ntitle: Hello\ndate: 2020-01-01\n---\n\nOld.\n")
    run = cli("new", "essay", "Hello")
    assert run.code == 2
    assert "2020-01-01-hello.md" in run.err
    assert files(project) == {"site.yaml", "content/essays/2020-01-01-hello.md"}


def test_a_file_differing_only_in_case_is_not_shadowed(project, cli):
    # On Linux a second file would be created and the site would no longer build (G2).
    pages = project / "content/pages"
    pages.mkdir(parents=True)
    (pages / "Hello.md").write_text("---\ntitle: Mine\n---\n")
    run = cli("new", "page", "Hello")
    assert run.code == 2
    assert "Hello.md" in run.err and "already exists" in run.err
    assert files(project) == {"site.yaml", "content/pages/Hello.md"}


def test_force_overwrites(project, cli):
    printed = new_path(cli("new", "page", "Hello"))
    (project / printed).write_text("old")
    assert new_path(cli("new", "page", "Hello", "--force")) == printed
    assert front_matter(project / printed) == {"title": "Hello"}


# K3: the title survives YAML.
@pytest.mark.parametrize(
    "title",
    [
        "No: the 1:02:13 story",
        "Yes",
        "no",
        "- dash",
        "# hash",
        "'quoted' \"twice\"",
        "[brackets] {braces}",
        "a: b # c",
        "!!python/name:os.system",
        "&anchor *alias",
        "1.10",
        "Ünïcödé — ✓",
        "back\\slash",
        "%percent",
        "@at `tick`",
    ],
)
@pytest.mark.parametrize("kind", ["essay", "episode", "concept", "page", "series"])
def test_title_round_trips_through_the_site_reader(project, cli, kind, title):
    printed = new_path(cli("new", kind, title))
    data = front_matter(project / printed)
    assert data["term" if kind == "concept" else "title"] == title


# K4: the date carries its offset.
@pytest.mark.parametrize("kind", ["essay", "episode"])
def test_generated_date_has_an_explicit_utc_offset(project, cli, kind):
    printed = new_path(cli("new", kind, "Dated"))
    text = (project / printed).read_text(encoding="utf-8")
    (stamp,) = re.findall(r"^date: (.*)$", text, re.M)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)", stamp), stamp
    assert stamp.endswith("+05:30")
    when = parse_datetime(stamp, ZoneInfo("UTC"))
    assert abs(datetime.now(ZoneInfo("UTC")) - when) < timedelta(minutes=2)


# K5: titles with no usable slug.
@pytest.mark.parametrize("title", ["???", "CON", "index", "nul", "...", "😀", "***", "com1"])
@pytest.mark.parametrize("kind", ["essay", "episode", "concept", "page"])
def test_titles_without_a_usable_slug_get_a_safe_deterministic_one(
    cli, monkeypatch, tmp_path, kind, title
):
    names = []
    for name in ("one", "two"):
        root = tmp_path / name
        root.mkdir()
        (root / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        monkeypatch.chdir(root)
        names.append(new_path(cli("new", kind, title)))
    assert names[0] == names[1]
    stem = Path(names[0]).stem
    slug = re.sub(r"^(\d{4}-\d\d-\d\d|\d+)-", "", stem) if kind in ("essay", "episode") else stem
    assert SAFE.fullmatch(slug), slug
    assert slug not in WINDOWS_RESERVED | {"index"}
    assert slug_problem(slug) is None


# Episodes are numbered.
def test_new_episode_takes_the_next_number(project, cli):
    episodes = project / "content/episodes"
    episodes.mkdir(parents=True)
    (episodes / "001-pilot.md").write_text("---\ntitle: Pilot\ndate: 2024-01-01\n---\n")
    (episodes / "002-second.md").write_text("---\ntitle: Second\ndate: 2024-02-01\n---\n")
    printed = new_path(cli("new", "episode", "Third thoughts"))
    assert printed == "content/episodes/003-third-thoughts.md"
    assert front_matter(project / printed)["number"] == 3
    assert new_path(cli("new", "episode", "Fourth")) == "content/episodes/004-fourth.md"


def test_first_episode_is_001(project, cli):
    assert new_path(cli("new", "episode", "Pilot")) == "content/episodes/001-pilot.md"


# What `new` writes is a valid site.
def test_new_concept_then_check_passes(project, cli):
    new_path(cli("new", "concept", "Mutually hurting stalemate"))
    run = cli("check")
    assert run.code == 0, run.err
    assert " error: " not in run.err


def test_new_page_then_build_passes(project, cli):
    new_path(cli("new", "page", "About"))
    run = cli("build")
    assert run.code == 0, run.err
    assert (project / "output/about/index.html").is_file()


def test_one_of_every_kind_then_build_with_drafts_passes(project, cli):
    for kind, title in (
        ("essay", "Hello"),
        ("episode", "Pilot"),
        ("concept", "Stalemate"),
        ("page", "About"),
    ):
        new_path(cli("new", kind, title))
    run = cli("build", "--drafts")
    assert run.code == 0, run.err
    for page in ("essays/hello", "episodes/pilot", "glossary/stalemate", "about"):
        assert (project / "output" / page / "index.html").is_file(), page


# K6: no questions asked.
def _new_subprocess(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "new", *args],
        cwd=root,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_new_never_prompts(project):
    first = _new_subprocess(project, "page", "Hello")
    assert first.returncode == 0, first.stderr
    assert first.stdout == "content/pages/hello.md\n"
    again = _new_subprocess(project, "page", "Hello")
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert "?" not in again.stderr.replace("(pass --force", "")
    forced = _new_subprocess(project, "page", "Hello", "--force")
    assert forced.returncode == 0, forced.stderr


def test_empty_title_is_a_usage_error(project, cli):
    run = cli("new", "page", "   ")
    assert run.code == 2
    assert run.err.startswith("site-builder: error: ")
    assert files(project) == {"site.yaml"}


def test_new_keeps_the_generated_folders_in_gitignore(project, cli):
    (project / ".gitignore").write_text("notes/\n/output/", encoding="utf-8")  # no final newline
    new_path(cli("new", "essay", "One"))
    new_path(cli("new", "page", "Two"))
    lines = (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines == ["notes/", "/output/", ".site-builder-cache/"]  # added once, nothing lost


def test_new_starts_without_the_build_pipeline(tmp_path):
    # importing the pipeline (Markdown, Jinja, the cache) is half of a start-up; `new`, `--help`
    # and `--version` need none of it
    probe = (
        "import sys; from site_builder.cli import main; main(['new', 'essay', 'Quick']);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('site_builder', 'jinja2', 'markdown_it')))"
    )
    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n")
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    loaded = done.stdout.splitlines()[-1]
    assert "site_builder.scaffold" in loaded
    for heavy in ("site_builder.build", "jinja2", "markdown_it"):
        assert f"'{heavy}'" not in loaded, loaded


# A new episode carries on the latest episode's season, and says what kind of episode it is.
def test_new_episode_carries_the_latest_season_and_is_a_full_episode(project, cli):
    episodes = project / "content/episodes"
    episodes.mkdir(parents=True)
    (episodes / "007-old.md").write_text("---\ntitle: Old\ndate: 2024-01-01\nseason: 1\n---\n")
    (episodes / "008-new.md").write_text("---\ntitle: New\ndate: 2024-09-01\nseason: 2\n---\n")
    (episodes / "009-broken.md").write_text('---\ntitle: "Broken\n---\n')  # passed over
    printed = new_path(cli("new", "episode", "Next"))
    data = front_matter(project / printed)
    assert (data["number"], data["season"], data["episode_type"]) == (10, 2, "full")
    assert cli("check").code == 1  # only for the broken file
    (episodes / "009-broken.md").unlink()
    run = cli("check")
    assert run.code == 0, run.err


def test_new_episode_without_seasons_writes_none(project, cli):
    data = front_matter(project / new_path(cli("new", "episode", "Pilot")))
    assert "season" not in data
    assert data["episode_type"] == "full"


# No empty `summary:` is left behind: a comment says what the key is for.
@pytest.mark.parametrize("kind", ["essay", "episode"])
def test_new_leaves_a_comment_for_the_summary_not_an_empty_key(project, cli, kind):
    printed = new_path(cli("new", kind, "Hello"))
    assert "summary" not in front_matter(project / printed)
    lines = (project / printed).read_text(encoding="utf-8").splitlines()
    assert "# summary: one sentence for lists, feeds and search results" in lines
    assert not any(line.startswith("summary:") for line in lines)


def test_build_says_what_it_left_out_and_how_to_include_it(project, cli):
    new_path(cli("new", "essay", "One"))
    new_path(cli("new", "essay", "Two"))
    future = project / "content/essays/2999-01-01-later.md"
    future.write_text("---\ntitle: Later\ndate: 2999-01-01\n---\n\nText.\n")
    run = cli("build")
    assert run.code == 0, run.err
    assert run.out.splitlines()[-1] == (
        "  left out 2 drafts and 1 item dated in the future (build --drafts includes them)"
    )
    run = cli("build", "--drafts")
    assert "left out" not in run.out


# Apostrophes join their word in the slugs of new items.
@pytest.mark.parametrize(
    "title, slug",
    [
        ("Can't stop", "cant-stop"),
        ("The week\u2019s news", "the-weeks-news"),
        ("The week's news", "the-weeks-news"),
    ],
)
def test_new_slugs_drop_apostrophes(project, cli, title, slug):
    assert new_path(cli("new", "page", title)) == f"content/pages/{slug}.md"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Søren Kierkegaard", "soren-kierkegaard"),
        ("Łukasz Żółć", "lukasz-zolc"),
        ("Đorđe Balašević", "dorde-balasevic"),
        ("Æsir œuvre", "aesir-oeuvre"),
    ],
)
def test_every_latin_letter_of_a_title_is_written_in_ascii(project, cli, title, slug):
    # as the README promises (`Café` -> `cafe`): ø, ł, đ, æ have no accent to take off
    assert new_path(cli("new", "person", title)) == f"content/people/{slug}.md"


@pytest.mark.parametrize("kind", ["essay", "page"])
def test_a_title_in_another_script_keeps_its_words_in_the_slug(project, cli, kind):
    # not the kind's name for both, where the second title would be refused as a duplicate
    paths = [new_path(cli("new", kind, title)) for title in ("Война и мир", "Анна Каренина")]
    assert [re.sub(r"^\d{4}-\d\d-\d\d-", "", Path(p).stem) for p in paths] == [
        "война-и-мир",
        "анна-каренина",
    ]
    for path in paths:
        text = (project / path).read_text(encoding="utf-8")
        (project / path).write_text(text.replace("draft: true", "draft: false"), encoding="utf-8")
    assert cli("build").code == 0
    index = "essays" if kind == "essay" else ""
    assert (project / "output" / index / "война-и-мир" / "index.html").is_file()


def test_an_existing_slug_with_an_apostrophe_hyphen_keeps_its_url(project, cli):
    old = project / "content/essays/2020-01-01-can-t-stop.md"
    old.parent.mkdir(parents=True)
    old.write_text("---\ntitle: Can't stop\ndate: 2020-01-01\n---\n\nOld.\n")
    assert cli("build").code == 0
    assert (project / "output/essays/can-t-stop/index.html").is_file()


def test_a_new_episode_gets_a_fresh_guid_line_of_its_own(project, cli):
    import uuid

    import yaml

    paths = [project / new_path(cli("new", "episode", title)) for title in ("Pilot", "Second")]
    guids = []
    for path in paths:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert front["guid"].startswith("urn:uuid:")
        assert uuid.UUID(front["guid"].removeprefix("urn:uuid:")).version == 4
        guids.append(front["guid"])
    assert guids[0] != guids[1]


def test_new_series_writes_a_file_its_parts_can_name(project, cli):
    printed = new_path(cli("new", "series", "Ending the war"))
    assert printed == "content/series/ending-the-war.md"
    assert front_matter(project / printed) == {"title": "Ending the war"}
    essay = project / new_path(cli("new", "essay", "Part one"))
    essay.write_text(essay.read_text().replace("draft: true", "series: ending-the-war"))
    assert cli("check", "--root", str(project)).code == 0
