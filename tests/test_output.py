"""The output folder: refusing dangerous targets, clean rebuilds, atomic swaps (RELIABILITY H)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitecheck import tree

from site_builder.cache import CACHE_DIR

PAGES = {
    "content/pages/about.md": "---\ntitle: About\nmenu: 1\n---\n\nAbout us.\n",
    "content/essays/2024-01-15-first.md": (
        "---\ntitle: First\ndate: 2024-01-15\ntags: [one]\n---\n\nText.\n"
    ),
    "content/media/note.txt": "a media file\n",
    "notes.txt": "the author's own notes, next to site.yaml\n",
}


def leftovers(parent: Path) -> list[str]:
    return sorted(
        p.name for p in parent.iterdir() if ".site-builder-" in p.name and p.name != CACHE_DIR
    )


@pytest.fixture
def project(site, monkeypatch, tmp_path):
    """A site in tmp_path/site, made the current folder; HOME is a folder of its own."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "diary.txt").write_text("private\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    root = site(PAGES)
    monkeypatch.chdir(root)
    return root


# H1: targets whose replacement would destroy the project.
@pytest.mark.parametrize(
    "target",
    [
        ".",
        "..",
        "../..",
        "content",
        "content/",
        "content/media",
        "content/new-folder",
        "templates",
        "../site",
        "{root}",
        "{parent}",
        ".site-builder-cache",
        ".site-builder-cache/",
        ".site-builder-cache/charts",
        "/",
    ],
)
def test_dangerous_output_folders_are_refused(project, cli, tmp_path, target):
    target = target.format(root=project, parent=project.parent)
    before = tree(tmp_path)
    run = cli("build", "--output", target)
    assert run.code == 2
    assert run.err.startswith("site-builder: error: refusing to build into ")
    assert run.out == ""
    assert tree(tmp_path) == before
    assert leftovers(project.parent) == leftovers(project) == []


def test_home_folder_is_refused(project, cli, tmp_path):
    before = tree(tmp_path)
    run = cli("build", "--output", str(tmp_path / "home"))
    assert run.code == 2
    assert (
        run.err == f"site-builder: error: refusing to build into {tmp_path / 'home'}: "
        "it is your home folder\n"
    )
    assert tree(tmp_path) == before


def test_parent_of_home_folder_is_refused_even_with_force(project, cli, tmp_path, monkeypatch):
    home = tmp_path / "users" / "me"
    home.mkdir(parents=True)
    (home / "diary.txt").write_text("private\n")
    monkeypatch.setenv("HOME", str(home))
    before = tree(tmp_path)
    for target in (tmp_path / "users", "../users", "../users/"):
        run = cli("build", "--output", target, "--force")
        assert run.code == 2, run.out
        assert run.err.startswith("site-builder: error: refusing to build into ")
        assert run.err.endswith(f"{Path(target)}: it holds your home folder\n")
        assert tree(tmp_path) == before


def test_the_build_cache_is_refused_as_output(project, cli):
    assert cli("build").code == 0
    cache = tree(project / CACHE_DIR)
    run = cli("build", "--output", CACHE_DIR, "--force")
    assert run.code == 2
    assert run.err == (
        f"site-builder: error: refusing to build into {project / CACHE_DIR}: "
        f"it is {CACHE_DIR}/, the build cache\n"
    )
    assert tree(project / CACHE_DIR) == cache


def test_literal_tilde_is_the_home_folder_and_is_refused(project, cli, tmp_path):
    # `--output=~` reaches the program unexpanded; a folder named "~" is a trap for `rm -rf ~`.
    before = tree(tmp_path)
    run = cli("build", "--output", "~")
    assert run.code == 2, run.out
    assert "refusing" in run.err
    assert not (project / "~").exists()
    assert tree(tmp_path) == before


def test_output_that_is_a_file_is_refused(project, cli):
    run = cli("build", "--output", "notes.txt")
    assert run.code == 2
    assert "notes.txt" in run.err
    assert (project / "notes.txt").read_text() == PAGES["notes.txt"]


# H2: a folder we did not make.
def test_non_empty_foreign_folder_is_refused_without_force(project, cli):
    (project / "public").mkdir()
    (project / "public" / "keep.txt").write_text("mine\n")
    run = cli("build", "--output", "public")
    assert run.code == 2
    assert "public" in run.err and "--force" in run.err
    assert tree(project / "public") == {"keep.txt": b"mine\n"}
    assert leftovers(project) == []


def test_force_replaces_a_foreign_folder(project, cli):
    (project / "public").mkdir()
    (project / "public" / "keep.txt").write_text("mine\n")
    run = cli("build", "--output", "public", "--force")
    assert run.code == 0, run.err
    out = tree(project / "public")
    assert "keep.txt" not in out
    assert "about/index.html" in out and ".site-builder-output" in out


def test_empty_foreign_folder_is_fine(project, cli):
    (project / "public").mkdir()
    assert cli("build", "--output", "public").code == 0
    assert (project / "public" / "index.html").is_file()


def test_our_own_folder_is_replaced_without_force(project, cli):
    assert cli("build").code == 0
    assert cli("build").code == 0
    assert (project / "output" / "essays" / "first" / "index.html").is_file()


# H3: clean rebuilds.
def test_stale_files_disappear_on_rebuild(project, cli):
    assert cli("build").code == 0
    (project / "output" / "old-page").mkdir()
    (project / "output" / "old-page" / "index.html").write_text("stale")
    (project / "content/essays/2024-01-15-first.md").unlink()
    assert cli("build").code == 0
    out = tree(project / "output")
    assert "old-page/index.html" not in out
    assert "essays/first/index.html" not in out
    assert "tags/one/index.html" not in out
    assert b"first" not in out["sitemap.xml"]


def test_git_folder_inside_output_survives_rebuilds(project, cli):
    assert cli("build").code == 0
    git = project / "output" / ".git"
    (git / "refs").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (git / "refs" / "x").write_bytes(b"\x00\x01")
    assert cli("build").code == 0
    assert cli("build").code == 0
    assert (git / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (git / "refs" / "x").read_bytes() == b"\x00\x01"
    assert leftovers(project) == []


def test_git_worktree_file_inside_output_survives_rebuilds(project, cli):
    # `git worktree add output gh-pages` leaves a .git *file* pointing at the repository.
    assert cli("build").code == 0
    pointer = b"gitdir: /home/me/site/.git/worktrees/output\n"
    (project / "output" / ".git").write_bytes(pointer)
    assert cli("build").code == 0
    assert (project / "output" / ".git").read_bytes() == pointer
    assert (project / "output" / "index.html").is_file()


# A failed build leaves the previous output untouched.
def test_failed_build_leaves_previous_output_byte_for_byte(project, cli):
    assert cli("build").code == 0
    before = tree(project / "output")
    (project / "content/pages/about.md").write_text("---\ntitle: About\ndate: 2024-02-30\n---\n")
    (project / "content/pages/new.md").write_text("---\ntitle: New\n---\n")
    run = cli("build")
    assert run.code == 1
    assert run.err.startswith("content/pages/about.md:3: error: ")
    assert tree(project / "output") == before
    assert leftovers(project) == []


# H4: kill -9 in the middle of a build.
def _essay(i: int, word: str) -> str:
    return (
        f"---\ntitle: Essay {i}\ndate: 2023-01-{1 + i % 28:02d}\ntags: [t{i % 10}]\n---\n\n"
        + f"{word} paragraph. " * 40
        + "\n"
    )


def _build_cmd(root: Path) -> list[str]:
    return [sys.executable, "-m", "site_builder", "build", "--root", str(root)]


def test_killed_build_leaves_previous_output_complete(site, tmp_path):
    root = site(
        {f"content/essays/2023-01-01-essay-{i:03d}.md": _essay(i, "Old") for i in range(400)}
    )
    first = subprocess.run(_build_cmd(root), check=True, capture_output=True, text=True)
    took, unit = re.search(r"write ([\d.]+) (ms|s)\b", first.stdout).groups()
    write_seconds = float(took) / (1000 if unit == "ms" else 1)
    before = tree(root / "output")
    assert len(before) > 400
    for i in range(0, 400, 7):
        (root / f"content/essays/2023-01-01-essay-{i:03d}.md").write_text(_essay(i, "New"))

    killed_while_writing = 0
    for fraction in (None, 0.0, 0.25, 0.6):
        proc = subprocess.Popen(
            _build_cmd(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        if fraction is None:
            time.sleep(0.3)  # still loading or rendering: nothing written yet
        else:
            while not leftovers(root) and proc.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.001)
            time.sleep(fraction * write_seconds)
        if proc.poll() is not None:  # this machine was quicker than the delay: nothing to test
            assert proc.returncode == 0
            before = tree(root / "output")
            continue
        killed_while_writing += fraction is not None
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        assert tree(root / "output") == before
        assert not [p for p in (root / "output").rglob("*") if p.suffix == ".tmp"]
    assert killed_while_writing >= 2
    assert leftovers(root), "a killed build leaves its temporary folder for the next to remove"

    done = subprocess.run(_build_cmd(root), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert leftovers(root) == []
    after = tree(root / "output")
    assert set(after) == set(before)
    assert b"New paragraph." in after["essays/essay-000/index.html"]
    assert b"Old paragraph." in after["essays/essay-001/index.html"]


# A symlinked output is followed: the build goes into its target, the link stays.
def test_symlinked_output_is_built_into_its_target(project, cli, tmp_path):
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (project / "output").symlink_to(deploy)
    for _ in range(2):
        run = cli("build")
        assert run.code == 0, run.err
        assert (project / "output").is_symlink()
        assert os.readlink(project / "output") == str(deploy)
        assert (deploy / "essays" / "first" / "index.html").is_file()
    (deploy / ".git").mkdir()
    (deploy / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    assert cli("build").code == 0
    assert (deploy / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert leftovers(project) == leftovers(tmp_path) == []


def test_dangling_symlinked_output_makes_its_target(project, cli, tmp_path):
    (project / "output").symlink_to(tmp_path / "www" / "site")
    assert cli("build").code == 0
    assert (tmp_path / "www" / "site" / "index.html").is_file()
    assert (project / "output").is_symlink()


def test_symlink_into_content_is_refused(project, cli):
    (project / "output").symlink_to(project / "content")
    before = tree(project / "content")
    run = cli("build")
    assert run.code == 2
    assert "it is content/, the site's content" in run.err
    assert tree(project / "content") == before
