"""Search in the preview: Pagefind indexes each build in the background, the last good index is
served meanwhile, and the search page says when it is being refreshed (issue 20, part 2)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from sitecheck import start_serve
from test_serve import SITE, request, stop, wait_for

from site_builder.config import load_config
from site_builder.preview import indexer
from site_builder.preview.indexer import STATE, SearchIndex

STALEMATE = "content/essays/2026-03-14-reading-the-stalemate.md"
PROMISES = "content/essays/2026-05-09-paper-promises.md"

# Pagefind behind a stand-in that notes its pid in $STARTS and then does what $CONTROL says:
# wait that many seconds first, or fail. It execs Pagefind, so it is one process throughout.
# Ctrl-C ends it as it ends Pagefind, even when the tests run where SIGINT is ignored (a shell
# without job control starts background jobs so, and children inherit that)
STAND_IN = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)
with open(os.environ["STARTS"], "a") as f:
    f.write(f"{os.getpid()}\\n")
try:
    control = open(os.environ["CONTROL"]).read().strip()
except OSError:
    control = ""
if control == "fail":
    print("pagefind: broken on purpose", file=sys.stderr)
    sys.exit(3)
time.sleep(float(control or 0))
os.execv(sys.argv[1], sys.argv[1:])
"""

# `serve` with Pagefind behind the stand-in.
SERVE = f"""
import sys
from site_builder import cli
from site_builder.preview import indexer

real = indexer.pagefind_command
indexer.pagefind_command = lambda *args: [sys.executable, "-c", {STAND_IN!r}, *real(*args)]
sys.exit(cli.main(sys.argv[1:]))
"""


class Pagefinds:
    """The stand-in's pids, how long the next ones wait, and the most ever alive at once."""

    def __init__(self, folder: Path):
        self.starts, self.control = folder / "starts", folder / "control"
        self.env = {"STARTS": str(self.starts), "CONTROL": str(self.control)}
        self.most = 0
        self._watching = True
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def next_ones(self, control: str) -> None:
        self.control.write_text(control)

    def pids(self) -> list[int]:
        return [int(p) for p in self.starts.read_text().split()] if self.starts.exists() else []

    def alive(self) -> list[int]:
        return [p for p in self.pids() if _alive(p)]

    def _watch(self) -> None:
        while self._watching:
            self.most = max(self.most, len(self.alive()))
            time.sleep(0.01)

    def close(self) -> None:
        self._watching = False
        self._watcher.join()


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.fixture
def searched(tmp_path):
    """The basic site served with Pagefind behind the stand-in, its first index served:
    (root, port, process, pagefinds)."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    pagefinds = Pagefinds(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc, port = start_serve(root, env={**pagefinds.env, "TMPDIR": str(tmp)}, program=["-c", SERVE])
    wait_for(lambda: state(port)["index"] == 1, timeout=20)
    yield root, port, proc, pagefinds
    if proc.poll() is None:
        stop(proc)
    pagefinds.close()
    assert pagefinds.most <= 1  # never two Pagefinds at once
    assert pagefinds.alive() == [] and list(tmp.iterdir()) == []


def state(port: int) -> dict:
    status, headers, body = request(port, "/sub/" + STATE)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    return json.loads(body)


def save(root: Path, path: str, old: str, new: str) -> float:
    file = root / path
    file.write_text(file.read_text().replace(old, new))
    return time.monotonic()


def search(page, words: str) -> str:
    """Type `words` into the search page; what its status line says once results are in."""
    page.fill("#search-q", words)
    page.wait_for_function(
        "w => document.querySelector('.search-status').textContent.includes(w)", arg=words
    )
    return page.locator(".search-status").inner_text()


def test_a_save_reloads_at_once_and_search_finds_its_word_once_indexed(searched, browser):
    root, port, _, pagefinds = searched
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/search/?q=stalemate")
    page.wait_for_selector(".search-result")
    assert page.locator("#search-freshness").is_hidden()  # the index is the build's

    pagefinds.next_ones("4")  # the next index takes four seconds more
    page.evaluate("window.beforeTheSave = true")
    saved = save(root, STALEMATE, "The front has not moved", "The quillwort front has not moved")
    page.wait_for_function("window.beforeTheSave === undefined", timeout=10_000)
    reloaded = time.monotonic() - saved
    assert reloaded < 3  # the reload did not wait for the index (4 s and more)
    wait_for(lambda: len(pagefinds.alive()) == 1 and len(pagefinds.pids()) == 2)
    page.reload()  # while Pagefind indexes the save
    notice = page.locator("#search-freshness")
    notice.wait_for(state="visible", timeout=2_000)
    assert "being refreshed" in notice.inner_text()
    # the last good index is served meanwhile: its words are found, the new one is not yet
    assert "result" in search(page, "stalemate") and "Nothing" not in search(page, "stalemate")
    assert search(page, "quillwort") == "Nothing found for “quillwort”."
    assert state(port)["refreshing"] is True

    page.evaluate("window.beforeTheIndex = true")  # the page reloads once the index is served
    page.wait_for_function("window.beforeTheIndex === undefined", timeout=20_000)
    indexed = time.monotonic() - saved
    assert indexed > reloaded + 3
    assert notice.is_hidden()
    assert search(page, "quillwort") == "1 result for “quillwort”."
    assert page.locator(".search-result h2 a").get_attribute("href") == (
        "/sub/essays/reading-the-stalemate/"
    )
    assert state(port) == {"index": 2, "refreshing": False, "failed": False}


def test_a_save_during_indexing_supersedes_it(searched, browser):
    root, port, _, pagefinds = searched
    pagefinds.next_ones("3")
    save(root, STALEMATE, "The front has not moved", "The quillwort front has not moved")
    wait_for(lambda: len(pagefinds.pids()) == 2)  # indexing that save has begun
    first = pagefinds.pids()[1]
    entry = request(port, "/sub/pagefind/pagefind-entry.json")[2]
    pagefinds.next_ones("0")
    save(root, PROMISES, "Guarantees written", "Marrowfat guarantees written")
    wait_for(lambda: not _alive(first), timeout=2)  # killed: its index would be stale
    assert request(port, "/sub/pagefind/pagefind-entry.json")[2] == entry  # still served
    wait_for(lambda: state(port)["index"] == 2 and not state(port)["refreshing"], timeout=20)
    assert len(pagefinds.pids()) == 3  # the first index, the superseded one, the last

    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/search/")
    assert search(page, "quillwort") == "1 result for “quillwort”."
    assert search(page, "marrowfat") == "1 result for “marrowfat”."


def test_a_failing_pagefind_is_reported_and_the_last_index_kept(searched, browser):
    root, port, proc, pagefinds = searched
    entry = request(port, "/sub/pagefind/pagefind-entry.json")[2]
    pagefinds.next_ones("fail")
    save(root, STALEMATE, "The front has not moved", "The quillwort front has not moved")
    wait_for(lambda: state(port)["failed"], timeout=20)
    assert state(port) == {"index": 1, "refreshing": False, "failed": True}
    assert request(port, "/sub/pagefind/pagefind-entry.json")[2] == entry
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}/sub/search/")
    notice = page.locator("#search-freshness")
    notice.wait_for(state="visible", timeout=5_000)
    assert "could not be refreshed (the terminal says why)" in notice.inner_text()
    assert "results for" in search(page, "promises")  # the last good index still answers

    pagefinds.next_ones("0")
    save(root, PROMISES, "Guarantees written", "Marrowfat guarantees written")
    wait_for(lambda: state(port)["index"] == 2, timeout=20)
    assert state(port) == {"index": 2, "refreshing": False, "failed": False}
    err = stop(proc)
    assert (
        "search: the index could not be refreshed: Pagefind failed: pagefind: broken on purpose;"
        " the search page still finds what the last good index holds"
    ) in err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_indexing_stops_at_once_leaving_nothing(tmp_path, signum):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    pagefinds = Pagefinds(tmp_path)
    pagefinds.next_ones("60")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc, port = start_serve(root, env={**pagefinds.env, "TMPDIR": str(tmp)}, program=["-c", SERVE])
    try:
        wait_for(lambda: pagefinds.alive(), timeout=20)
        assert [p.name[:20] for p in tmp.iterdir()] == ["site-builder-search-"]
        assert state(port) == {"index": 0, "refreshing": True, "failed": False}
    finally:
        err = stop(proc, signum)  # within two seconds
        pagefinds.close()
    assert "Traceback" not in err and "search:" not in err
    assert pagefinds.alive() == [] and list(tmp.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in SITE.iterdir())


# --- the indexer alone ---------------------------------------------------------------------


@pytest.fixture
def stand_in(tmp_path, monkeypatch):
    pagefinds = Pagefinds(tmp_path)
    for name, value in pagefinds.env.items():
        monkeypatch.setenv(name, value)
    real = indexer.pagefind_command
    monkeypatch.setattr(
        indexer,
        "pagefind_command",
        lambda *args: [sys.executable, "-c", STAND_IN, *real(*args)],
    )
    yield pagefinds
    pagefinds.close()


PAGES = {
    "index.html": b"<html><body><main data-pagefind-body><p>Unripe.</p></main></body></html>",
    "style.css": b"body{}",
}


def test_submit_returns_at_once_and_a_burst_of_builds_is_indexed_once(stand_in):
    config = load_config(SITE)
    search = SearchIndex(settle=0.3)
    stand_in.next_ones("1")
    try:
        started = time.perf_counter()
        for n in range(5):
            search.submit({**PAGES, "n.html": b"<p>%d</p>" % n}, config)
        assert time.perf_counter() - started < 0.05
        assert json.loads(search.file(STATE)) == {"index": 0, "refreshing": True, "failed": False}
        wait_for(lambda: json.loads(search.file(STATE))["index"] == 1, timeout=20)
        assert len(stand_in.pids()) == 1
        assert search.file("pagefind/pagefind.js")
        assert search.file("pagefind/pagefind-ui.js") is None  # as `build` leaves it out
        search.submit(dict(PAGES, **{"n.html": b"<p>4</p>"}), config)  # the same pages
        time.sleep(0.6)
        assert len(stand_in.pids()) == 1  # not indexed again
        assert json.loads(search.file(STATE))["index"] == 1
    finally:
        search.stop()


def test_search_off_indexes_nothing(stand_in, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "search: false\n")
    search = SearchIndex(settle=0)
    search.submit(PAGES, load_config(root))
    time.sleep(0.3)
    search.stop()
    assert stand_in.pids() == [] and search.file("pagefind/pagefind.js") is None


def test_a_pagefind_killed_by_a_signal_is_no_failure(stand_in):
    """A Ctrl-C in the terminal reaches Pagefind too: that is the session ending, not news."""
    search = SearchIndex(settle=0)
    stand_in.next_ones("60")
    try:
        search.submit(PAGES, load_config(SITE))
        pid = wait_for(lambda: stand_in.alive() and stand_in.alive()[0], timeout=20)
        os.kill(pid, signal.SIGINT)
        wait_for(lambda: not json.loads(search.file(STATE))["refreshing"])
        assert json.loads(search.file(STATE)) == {"index": 0, "refreshing": False, "failed": False}
    finally:
        search.stop()


def test_a_ctrl_c_while_the_search_thread_starts_leaves_stop_working(stand_in, monkeypatch):
    """The preview's first build hands its pages over just as Ctrl-C may arrive: the interrupt
    lands inside Thread.start, and the cleanup that follows must still stop cleanly."""

    def interrupted(thread):
        raise KeyboardInterrupt

    search = SearchIndex(settle=0)
    with monkeypatch.context() as patched:
        patched.setattr(threading.Thread, "start", interrupted)
        with pytest.raises(KeyboardInterrupt):
            search.submit(PAGES, load_config(SITE))
    search.stop()  # raised "cannot join thread before it is started"
    search.submit(PAGES, load_config(SITE))  # after stop: ignored, and no thread is started
    assert stand_in.pids() == []
