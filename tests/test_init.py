"""`site-builder init DIR` (issue 15.1): a new site that builds at once and passes `check`."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import yaml

from site_builder.load.media import image_info

FEED = Path(__file__).parent / "fixtures" / "import" / "podcast.xml"


class Terminal(io.StringIO):
    """Standard input as a terminal that types `answers`."""

    def isatty(self) -> bool:
        return True


def test_a_new_site_builds_at_once_and_passes_check(cli, tmp_path):
    folder = tmp_path / "new"
    run = cli("init", folder, "--title", "War & Peace", "--author", "Mara Linden")
    assert run.code == 0, run.err
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert [f for f in files if not f.startswith("content/essays/")] == [
        ".gitignore",
        "content/glossary/autolinking.md",
        "content/pages/about.md",
        "site.yaml",
    ]
    assert len([f for f in files if f.startswith("content/essays/")]) == 1
    assert (folder / "content/episodes").is_dir() and (folder / "content/media").is_dir()
    config = yaml.safe_load((folder / "site.yaml").read_text())
    assert config["title"] == "War & Peace" and config["author"] == {"name": "Mara Linden"}
    assert "podcast" not in config
    assert "# " in (folder / "site.yaml").read_text()  # commented
    assert (folder / ".gitignore").read_text() == "/output/\n.site-builder-cache/\n"
    check = cli("check", "--root", folder)
    assert check.code == 0, check.err
    assert check.err == ""  # not even a warning
    build = cli("build", "--root", folder)
    assert build.code == 0, build.err
    essay = (folder / "output/essays/welcome/index.html").read_text()
    assert 'href="/glossary/autolinking/" class="concept-link autolink"' in essay


def test_with_a_podcast_the_feed_and_its_artwork_pass_check(cli, tmp_path):
    folder = tmp_path / "show"
    run = cli("init", folder, "--podcast", "--author", "Mara", "--email", "m@example.org")
    assert run.code == 0, run.err
    podcast = yaml.safe_load((folder / "site.yaml").read_text())["podcast"]
    assert podcast["owner"] == {"name": "Mara", "email": "m@example.org"}
    info = image_info((folder / "content/media/cover.png").read_bytes())
    assert (info.kind, info.width, info.height, info.rgb) == ("png", 1400, 1400, True)
    check = cli("check", "--root", folder)
    assert check.code == 0, check.err
    assert cli("build", "--root", folder).code == 0
    assert (folder / "output/podcast.xml").is_file()


def test_a_github_workflow_that_builds_and_publishes(cli, tmp_path):
    folder = tmp_path / "ci"
    assert cli("init", folder, "--ci", "github").code == 0
    workflow = yaml.safe_load((folder / ".github/workflows/site.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    assert {"run": "site-builder build"} in steps
    assert {"uses": "actions/upload-pages-artifact@v3", "with": {"path": "output"}} in steps
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"] == "actions/deploy-pages@v4"
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_a_folder_that_is_not_empty_is_refused(cli, tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    run = cli("init", folder)
    assert run.code == 2
    assert "is not empty: choose a new folder, or pass --force" in run.err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_force_adds_the_site_but_never_overwrites_a_file(cli, tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "site.yaml").write_text("title: Mine\nbase_url: https://mine.example/\n")
    run = cli("init", folder, "--force")
    assert run.code == 0, run.err
    assert "kept" in run.err and "site.yaml: it is there already" in run.err
    assert (folder / "site.yaml").read_text() == "title: Mine\nbase_url: https://mine.example/\n"
    assert (folder / "content/glossary/autolinking.md").is_file()


def test_on_a_terminal_it_asks_for_what_the_flags_did_not_give(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("Field Notes\nhttps://notes.example/blog\n\n"))
    folder = tmp_path / "asked"
    run = cli("init", folder, "--author", "Ana")
    assert run.code == 0, run.err
    assert "Title [My Companion Site]: " in run.out and "Author's email (public): " in run.out
    assert "Author's name" not in run.out  # given by its flag
    config = yaml.safe_load((folder / "site.yaml").read_text())
    assert config["title"] == "Field Notes"
    assert config["base_url"] == "https://notes.example/blog/"
    assert config["author"] == {"name": "Ana"}


def test_without_a_terminal_it_uses_the_flags_and_defaults(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    folder = tmp_path / "quiet"
    assert cli("init", folder).code == 0
    config = yaml.safe_load((folder / "site.yaml").read_text())
    assert (config["title"], config["base_url"]) == ("My Companion Site", "https://example.org/")


@pytest.mark.parametrize("url", ["example.org", "ftp://example.org/"])
def test_a_bad_base_url_is_refused(cli, tmp_path, url):
    run = cli("init", tmp_path / "x", "--base-url", url)
    assert run.code == 2 and "--base-url:" in run.err
    assert not (tmp_path / "x").exists()


def test_init_then_import_a_podcast_passes_check(cli, tmp_path):
    folder = tmp_path / "moved"
    assert cli("init", folder, "--author", "Mara Linden").code == 0
    assert cli("import", "podcast", FEED, "--root", folder).code == 0
    check = cli("check", "--root", folder)
    assert check.code == 0, check.err
