"""The output folder: refusing dangerous targets, clean rebuilds, atomic swaps (RELIABILITY H)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitecheck import tree

from site_builder import build
from site_builder.incremental import store
from site_builder.incremental.store import CACHE_DIR

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


def test_git_folder_inside_output_survives_a_build_that_fails_as_it_swaps(
    project, cli, monkeypatch
):
    # the deploy checkout is moved into the new folder just before the swap: a swap that fails
    # (a full disk, a folder held open on Windows) must put it back, not delete it with the rest
    from site_builder import write

    assert cli("build").code == 0
    before = tree(project / "output")
    git = project / "output" / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/gh-pages\n")

    def full_disk(new, output):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_swap", full_disk)
    (project / "content/pages/about.md").write_text("---\ntitle: About\nmenu: 1\n---\n\nNew.\n")
    with pytest.raises(OSError, match="No space left"):
        cli("build")
    assert (git / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert tree(project / "output") == {**before, ".git/HEAD": b"ref: refs/heads/gh-pages\n"}
    assert leftovers(project) == []


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


def interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_before_the_swap_says_nothing_was_written(project, cli, monkeypatch):
    assert cli("build").code == 0
    before = tree(project / "output")
    (project / "content/pages/about.md").write_text("---\ntitle: About\n---\nChanged.\n")
    monkeypatch.setattr(build.OutputWriter, "commit", interrupt)
    run = cli("build")
    assert (run.code, run.err) == (130, "interrupted; nothing was written.\n")
    assert tree(project / "output") == before
    assert leftovers(project) == []


def test_ctrl_c_after_the_swap_says_the_new_build_is_in_place(project, cli, monkeypatch):
    assert cli("build").code == 0
    (project / "content/pages/about.md").write_text("---\ntitle: About\n---\nChanged.\n")
    monkeypatch.setattr(store, "save_cache", interrupt)  # what comes after the swap
    run = cli("build")
    assert (run.code, run.err) == (130, "interrupted; output holds the new build.\n")
    assert "Changed." in (project / "output/about/index.html").read_text()


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
    edited = range(0, 400, 7)

    def shows(pages: dict[str, bytes], word: str) -> bool:
        return all(
            f"{word} paragraph.".encode() in pages[f"essays/essay-{i:03d}/index.html"]
            for i in edited
        )

    killed_while_writing, shown = 0, "Old"
    for n, fraction in enumerate((None, 0.0, 0.25, 0.6)):
        word = f"New{n}"  # each round's build has the same work to do
        for i in edited:
            (root / f"content/essays/2023-01-01-essay-{i:03d}.md").write_text(_essay(i, word))
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
            before, shown = tree(root / "output"), word
            continue
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        now = tree(root / "output")
        assert not [p for p in (root / "output").rglob("*") if p.suffix == ".tmp"]
        if now != before:  # killed after its swap (a rebuild writes little): the new build whole
            assert set(now) == set(before) and shows(now, word), "neither build is whole"
            before, shown = now, word
        else:
            killed_while_writing += fraction is not None
    assert killed_while_writing >= 2
    assert leftovers(root), "a killed build leaves its temporary folder for the next to remove"
    assert shows(before, shown)

    done = subprocess.run(_build_cmd(root), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert leftovers(root) == []
    after = tree(root / "output")
    assert set(after) == set(before)
    assert shows(after, word)
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


# Leftovers of killed builds: removed only when their owner is gone, never with a .git inside.
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", ""])
    proc.wait()
    return proc.pid


def _leftover(project: Path, kind: str, pid: int, files: dict[str, str]) -> Path:
    folder = project / f".output.site-builder-{kind}-{pid}"
    for rel, text in {".site-builder-output": "", **files}.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def test_leftovers_of_a_live_build_survive_and_of_a_dead_one_go(project, cli):
    live = subprocess.Popen(["sleep", "60"])
    try:
        kept = _leftover(project, "tmp", live.pid, {"index.html": "half"})
        gone = [_leftover(project, kind, _dead_pid(), {"a.html": "x"}) for kind in ("tmp", "old")]
        run = cli("build")
        assert run.code == 0, run.err
        assert leftovers(project) == [kept.name]
        assert tree(kept) == {".site-builder-output": b"", "index.html": b"half"}
        assert not any(g.exists() for g in gone)
    finally:
        live.kill()
        live.wait()
    assert cli("build").code == 0
    assert leftovers(project) == []


def test_git_in_a_dead_leftover_goes_back_into_output(project, cli):
    assert cli("build").code == 0
    _leftover(project, "tmp", _dead_pid(), {".git/HEAD": "ref: refs/heads/gh-pages\n"})
    run = cli("build")
    assert run.code == 0, run.err
    assert (project / "output" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert leftovers(project) == []


def test_git_in_a_dead_leftover_is_kept_when_output_has_one(project, cli):
    assert cli("build").code == 0
    (project / "output" / ".git").mkdir()
    (project / "output" / ".git" / "HEAD").write_text("ours\n")
    stray = _leftover(project, "old", _dead_pid(), {".git/HEAD": "theirs\n"})
    run = cli("build")
    assert run.code == 0, run.err
    assert (project / "output" / ".git" / "HEAD").read_text() == "ours\n"
    assert (stray / ".git" / "HEAD").read_text() == "theirs\n"
    assert f"{stray.name}: warning: left in place: it holds a .git" in run.err


@pytest.mark.parametrize("kind", ["old", "tmp"])
def test_previous_output_left_aside_is_put_back(project, cli, kind):
    # A build killed between the two renames of the fallback swap leaves no output/ at all;
    # a "tmp" one holding the .git is the previous output after an exchange.
    assert cli("build").code == 0
    (project / "output" / ".git").mkdir()
    (project / "output" / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    aside = project / f".output.site-builder-{kind}-{_dead_pid()}"
    (project / "output").rename(aside)
    (project / "content/pages/about.md").write_text("---\ntitle: About\n---\n\nNew text.\n")
    run = cli("build")
    assert run.code == 0, run.err
    assert b"New text." in (project / "output" / "about" / "index.html").read_bytes()
    assert (project / "output" / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert leftovers(project) == []


@pytest.mark.skipif(shutil.which("pgrep") is None, reason="needs pgrep")
def test_workers_of_a_killed_build_do_not_hold_its_lock(site):
    # The pool's forked workers outlive a build killed with SIGKILL; a lock they inherited
    # would make every later build wait for ever.
    root = site({f"content/essays/2023-01-01-e-{i:03d}.md": _essay(i, "Old") for i in range(400)})
    cmd = [*_build_cmd(root), "--jobs", "2", "--no-cache"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[str] = []
    while not workers:  # until it renders in its workers, writing into its temporary folder
        assert proc.poll() is None and time.monotonic() < deadline
        if (root / f".output.site-builder-tmp-{proc.pid}").is_dir():
            found = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
            workers = found.stdout.split()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "waiting" not in done.stderr
        assert (root / "output" / "essays" / "e-399" / "index.html").is_file()
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


# Two builds at once: the second waits for the first (RELIABILITY H).
def _big_site(site) -> Path:
    return site(
        {f"content/essays/2023-01-01-essay-{i:03d}.md": _essay(i, "Old") for i in range(150)}
    )


def test_two_builds_at_once_both_finish_and_output_is_complete(site):
    root = _big_site(site)
    cmd = [*_build_cmd(root), "--jobs", "1", "--no-cache"]  # each build writes every file
    subprocess.run(cmd, check=True, capture_output=True)
    expected = tree(root / "output")
    waited = 0
    for delay in (0.0, 0.1, 0.3):
        first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        second = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for proc in (first, second):
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
            assert "Traceback" not in err
            waited += "waiting for another build of " in err
        assert tree(root / "output") == expected
        assert leftovers(root) == []
    assert waited >= 2, "the builds should have overlapped"


# H4 again, at every step of the swap: kill -9 on entering the n-th call of a rename syscall
# (strace injects the signal before the call runs; it counts each syscall on its own).
STRACE = shutil.which("strace")


def _killed_at(root: Path, syscall: str, n: int, exchange: bool) -> int:
    """Run a build under strace, SIGKILLed on entering its n-th `syscall`; without `exchange`,
    renameat2 fails as where it is missing, so the fallback's two renames are used."""
    broken = [] if exchange else ["-e", "inject=renameat2:error=EINVAL"]
    cmd = [
        STRACE, "-f", "-o", os.devnull, "-e", "trace=rename,renameat2", *broken,
        "-e", f"inject={syscall}:signal=KILL:when={n}", *_build_cmd(root), "--jobs", "1",
    ]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, timeout=120).returncode


def _site_files(folder: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in tree(folder).items() if not rel.startswith(".git/")}


# The steps of a rebuild. With the exchange: renameat2 (the exchange), then rename (1) .git
# into the new output, (2) the cache's state. With two renames: rename (1) output aside,
# (2) the new folder in, (3) .git, (4) the cache.
@pytest.mark.skipif(STRACE is None, reason="needs strace")
@pytest.mark.parametrize(
    "exchange, syscall, n",
    [
        pytest.param(True, "renameat2", 1, id="before-exchange"),
        pytest.param(True, "rename", 1, id="before-git-move"),
        pytest.param(True, "rename", 2, id="before-cache"),
        *(pytest.param(False, "rename", n, id=f"two-renames-{n}") for n in (1, 2, 3, 4)),
    ],
)
def test_kill_at_each_step_of_the_swap_keeps_output_and_git(project, exchange, syscall, n):
    subprocess.run(_build_cmd(project), check=True, capture_output=True)
    old = tree(project / "output")
    git = project / "output" / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (project / "content/pages/about.md").write_text("---\ntitle: About\n---\n\nNew text.\n")

    assert _killed_at(project, syscall, n, exchange) == -signal.SIGKILL
    if not exchange and n == 2:  # the one window left without the exchange: mended below
        assert not (project / "output").exists()
    killed = _site_files(project / "output")
    done = subprocess.run(_build_cmd(project), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (git / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert leftovers(project) == []
    new = _site_files(project / "output")
    assert b"New text." in new["about/index.html"]
    if exchange:  # never a moment without a complete output/, old or new
        assert killed in (old, new)
