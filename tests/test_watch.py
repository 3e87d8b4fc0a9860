"""Watching: which changes count, how bursts are coalesced, and how editors' saves look."""

from __future__ import annotations

import errno
import shutil
import threading
import time
from pathlib import Path

import pytest

from site_builder.load.walk import is_scratch_file
from site_builder.preview import server, watcher
from site_builder.preview.watcher import Debouncer, is_relevant
from site_builder.report import BufferReporter


@pytest.mark.parametrize(
    "name",
    [
        "4913",
        ".post.md.swp",
        ".post.md.swx",
        "post.md~",
        "x.bck",
        "x___jb_tmp___",
        "x___jb_old___",
        ".goutputstream-XYZ12",
        "#post.md#",
        ".DS_Store",
    ],
)
def test_editor_scratch_files_are_ignored(name, tmp_path):
    assert is_scratch_file(name)
    assert not is_relevant(str(tmp_path / "content" / "essays" / name), tmp_path)


def test_what_counts_as_a_change(tmp_path):
    assert is_relevant(str(tmp_path / "content/essays/a.md"), tmp_path)
    assert is_relevant(str(tmp_path / "templates/static/style.css"), tmp_path)
    assert is_relevant(str(tmp_path / "site.yaml"), tmp_path)
    assert not is_relevant(str(tmp_path / "output/index.html"), tmp_path)
    assert not is_relevant(str(tmp_path / ".git/index"), tmp_path)
    assert not is_relevant("/elsewhere/content/a.md", tmp_path)
    assert not is_scratch_file("2026-03-14-post.md")


def test_twenty_saves_in_fifty_milliseconds_are_one_wake_up():
    debouncer = Debouncer(quiet=0.05)
    for i in range(20):
        debouncer.notify(f"/site/content/essays/{i % 3}.md")
        time.sleep(0.0025)
    started = time.monotonic()
    changed = debouncer.wait()
    assert changed == {f"/site/content/essays/{i}.md" for i in range(3)}
    assert time.monotonic() - started < 0.2
    debouncer.stop()
    assert debouncer.wait() is None


def test_a_save_during_a_build_wakes_the_loop_again():
    debouncer = Debouncer(quiet=0.02)
    debouncer.notify("/site/content/a.md")
    assert debouncer.wait() == {"/site/content/a.md"}
    # "building": another save arrives before the loop waits again
    debouncer.notify("/site/content/b.md")
    assert debouncer.wait() == {"/site/content/b.md"}


def test_a_whole_save_settles_at_once_and_a_burst_waits_until_it_is_over():
    debouncer = Debouncer(quiet=0.3, settled=0.005)
    took = []

    def wait() -> set[str] | None:
        started = time.monotonic()
        changed = debouncer.wait()
        took.append(time.monotonic() - started)
        return changed

    debouncer.notify("/site/content/a.md")  # written
    debouncer.notify("/site/content/a.md", whole=True)  # closed
    assert wait() == {"/site/content/a.md"} and took[-1] < 0.15
    assert debouncer.waited < 0.15
    # a second save within the quiet time: a burst (a script, a checkout)
    debouncer.notify("/site/content/b.md", whole=True)
    assert wait() == {"/site/content/b.md"} and took[-1] >= 0.25
    time.sleep(0.35)
    # another file still being written: a closed one does not cut its wait short
    debouncer.notify("/site/content/c.md")
    debouncer.notify("/site/content/d.md", whole=True)
    assert wait() == {"/site/content/c.md", "/site/content/d.md"} and took[-1] >= 0.25


def test_stop_wakes_a_waiting_loop():
    debouncer = Debouncer()
    result = []
    waiter = threading.Thread(target=lambda: result.append(debouncer.wait()))
    waiter.start()
    time.sleep(0.05)
    debouncer.stop()
    waiter.join(timeout=1)
    assert result == [None]


def test_falls_back_to_polling_when_the_system_has_no_watches_left(tmp_path, monkeypatch):
    calls = []

    def fake_start(root, notify, poll=False):
        calls.append(poll)
        if not poll:
            raise OSError(errno.ENOSPC, "No space left on device")
        return "polling observer"

    monkeypatch.setattr(server, "start_watching", fake_start)
    report = BufferReporter()
    assert server._watch(tmp_path, lambda path: None, False, report) == ("polling observer", True)
    assert calls == [False, True]
    assert "fs.inotify.max_user_watches" in report.lines[0]


def collect(tmp_path: Path, actions, poll: bool = False) -> set[str]:
    """The changed paths one burst of real file operations produces, through watchdog."""
    (tmp_path / "content/essays").mkdir(parents=True, exist_ok=True)
    debouncer = Debouncer(quiet=0.2)
    observer = watcher.start_watching(tmp_path, debouncer.notify, poll=poll)
    try:
        time.sleep(0.1)
        actions(tmp_path / "content/essays")
        return debouncer.wait() or set()
    finally:
        debouncer.stop()
        observer.stop()
        observer.join()


def test_vim_save_without_backupcopy_is_one_change_of_the_file(tmp_path):
    def vim(folder: Path) -> None:  # write 4913 probe, rename original to backup, write, delete
        post = folder / "post.md"
        post.write_text("old")
        (folder / "4913").write_text("")
        (folder / "4913").unlink()
        post.rename(folder / "post.md~")
        post.write_text("new")
        (folder / "post.md~").unlink()

    changed = collect(tmp_path, vim)
    assert changed == {str(tmp_path / "content/essays/post.md")}


def test_jetbrains_safe_write_is_one_change_of_the_file(tmp_path):
    def jetbrains(folder: Path) -> None:
        post = folder / "post.md"
        post.write_text("old")
        (folder / "post.md___jb_tmp___").write_text("new")
        post.rename(folder / "post.md___jb_old___")
        (folder / "post.md___jb_tmp___").rename(post)
        (folder / "post.md___jb_old___").unlink()

    assert collect(tmp_path, jetbrains) == {str(tmp_path / "content/essays/post.md")}


def test_gedit_temporary_file_moved_into_place(tmp_path):
    def gedit(folder: Path) -> None:
        (folder / ".goutputstream-ABCDEF").write_text("new")
        (folder / ".goutputstream-ABCDEF").rename(folder / "post.md")

    assert collect(tmp_path, gedit) == {str(tmp_path / "content/essays/post.md")}


def test_a_branch_switch_is_one_burst(tmp_path):
    def checkout(folder: Path) -> None:
        for i in range(300):
            (folder / f"2026-01-01-post-{i}.md").write_text(f"post {i}")

    changed = collect(tmp_path, checkout)
    assert len(changed) == 300  # one wake-up for all of them


def test_polling_sees_changes_too(tmp_path):
    def save(folder: Path) -> None:
        time.sleep(0.6)  # let the poller take its first look
        (folder / "post.md").write_text("new")

    assert collect(tmp_path, save, poll=True) == {str(tmp_path / "content/essays/post.md")}


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "poll"])
@pytest.mark.parametrize("folder", ["content", "templates"])
@pytest.mark.parametrize("away", [False, True], ids=["at-once", "noticed-gone"])
def test_a_folder_deleted_and_made_again_is_watched_again(tmp_path, folder, poll, away):
    """`git checkout`, a restore from backup: the folder goes, comes back, and edits still count."""
    page = tmp_path / folder / "essays" / "post.md"
    page.parent.mkdir(parents=True)
    page.write_text("old")
    debouncer = Debouncer(quiet=0.2)
    observer = watcher.start_watching(tmp_path, debouncer.notify, poll=poll)
    timer = threading.Timer(15, debouncer.stop)  # every wait below ends, change or not
    timer.start()
    try:
        time.sleep(0.6 if poll else 0.1)  # let the poller take its first look
        shutil.rmtree(tmp_path / folder)
        if away:
            assert debouncer.wait()  # the watcher saw it go
        page.parent.mkdir(parents=True)
        page.write_text("restored")
        assert debouncer.wait()  # the folder came back
        time.sleep(0.6 if poll else 0.1)
        page.write_text("edited")
        assert str(page) in (debouncer.wait() or set())
    finally:
        timer.cancel()
        debouncer.stop()
        observer.stop()
        observer.join()
