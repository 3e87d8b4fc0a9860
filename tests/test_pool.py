"""The build's worker processes never outlive it: killed or terminated in its parallel phase,
the build leaves no worker running; terminated in any phase, it leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from generate import generate

from site_builder.pool import MAX_SLICE, MIN_SLICE, run_sliced


def children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is `pid`, from /proc."""
    pids = {int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()}
    return alive({p for p in pids if _status(p).get("PPid") == str(pid)})


def alive(pids: set[int]) -> set[int]:
    return {p for p in pids if _status(p).get("State", "Z")[0] != "Z"}


def _status(pid: int) -> dict[str, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # gone
        return {}
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    return condition()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    # big enough that parsing and rendering in two workers take a few seconds
    root = tmp_path_factory.mktemp("pool") / "corpus"
    generate(root, 600, 40, 120)
    (root / "site.yaml").write_text(
        (root / "site.yaml").read_text().replace("search: true", "search: false")
    )
    return root


@pytest.mark.parametrize("after", [0.0, 0.5, 1.2])
def test_a_sigterm_in_any_phase_ends_the_build_and_leaves_nothing_behind(corpus, tmp_path, after):
    # in one process: a SIGTERM outside a pool (loading, linking, writing) once took the
    # default action, leaving the build's lock and temporary folder beside the output
    output = tmp_path / "output"
    command = [sys.executable, "-m", "site_builder", "build", "--root", corpus]
    build = subprocess.Popen(
        [*command, "--output", output, "--jobs", "1", "--no-cache", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(lambda: any(tmp_path.iterdir()), 30), "the build did not start"
        time.sleep(after)
        os.kill(build.pid, signal.SIGTERM)
        build.wait(10)
    finally:
        build.kill()
        build.wait()
    assert build.returncode == 128 + signal.SIGTERM, build.stderr.read()
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_the_build(corpus, tmp_path, how):
    # the signal must land while the workers run: on a busy machine, the two seen may be the
    # last pool's in its last moment, and the signal then lands after it (in the writing, or
    # after the swap): such a round says nothing of the pool, and another is run
    for attempt in range(3):
        folder = tmp_path / f"round-{attempt}"
        folder.mkdir()
        landed, build = _signal_the_pool(corpus, folder / "output", how)
        if landed:
            break
    assert landed, "no round's signal landed while the workers ran"
    if how == signal.SIGTERM:  # ended as a build ends: its temporary folder removed
        assert build.returncode == 128 + signal.SIGTERM, build.stderr.read()
        assert [p.name for p in folder.iterdir()] == [], build.stderr.read()


def _signal_the_pool(corpus: Path, output: Path, how: int) -> tuple[bool, subprocess.Popen]:
    """Build with two workers and send `how` once both run: whether they were still alive
    when it was sent, and the ended build. Every worker is gone 3 s later, or it fails."""
    command = [sys.executable, "-m", "site_builder", "build", "--root", corpus]
    build = subprocess.Popen(
        [*command, "--output", output, "--jobs", "3", "--no-cache", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def two_workers() -> set[int]:
        found = children(build.pid)
        return found if len(found) == 2 else set()

    workers: set[int] = set()
    try:
        workers = wait_for(two_workers, 30)
        assert len(workers) == 2, "the build did not start its two workers"
        os.kill(build.pid, how)
        landed = bool(alive(workers))
        build.wait(10)
        assert wait_for(lambda: not alive(workers), 3), "a worker outlived the build"
    finally:
        build.kill()
        build.wait()
        for pid in alive(workers):  # only when the test fails: leave nothing running
            os.kill(pid, signal.SIGKILL)
    return landed, build


# A SIGTERM that lands while `os.fork` runs its hooks in the parent: the handler's SystemExit
# is printed ("Exception ignored") and dropped there, as it was by logging's lock release.
TERMINATED_WHILE_FORKING = """
import os, signal, sys
from site_builder.pool import run_sliced, sigterm_raises

sent = []
def at_fork():
    if not sent:
        sent.append(1)
        os.kill(os.getpid(), signal.SIGTERM)
os.register_at_fork(after_in_parent=at_fork)
with sigterm_raises():  # as the command line runs a build
    done = run_sliced(
        lambda shared, keys: {k: k for k in keys}, None, [str(n) for n in range(400)], 2
    )
print(len(done))
"""


def test_a_sigterm_swallowed_while_forking_still_ends_the_build():
    run = subprocess.run(
        [sys.executable, "-c", TERMINATED_WHILE_FORKING], capture_output=True, text=True, timeout=60
    )
    # (the pool now holds signals back while it forks: the hook's SIGTERM waits for it)
    assert (run.returncode, run.stdout, run.stderr) == (128 + signal.SIGTERM, "", "")


# A SIGTERM that lands while the pool starts its thread: the handler's SystemExit raised
# inside `Thread.start()` left the pool holding a thread never started, which its shutdown
# then joined ("cannot join thread before it is started", exit status 1 and a traceback).
TERMINATED_WHILE_A_THREAD_STARTS = """
import os, signal, threading
from site_builder.pool import run_sliced, sigterm_raises

start, sent = threading.Thread.start, []
def starting(thread):
    if not sent:
        sent.append(1)
        os.kill(os.getpid(), signal.SIGTERM)
    start(thread)
threading.Thread.start = starting
with sigterm_raises():  # as the command line runs a build
    done = run_sliced(
        lambda shared, keys: {k: k for k in keys}, None, [str(n) for n in range(400)], 2
    )
print(len(done))
"""


def test_a_sigterm_while_the_pool_starts_its_thread_ends_the_build_cleanly():
    run = subprocess.run(
        [sys.executable, "-c", TERMINATED_WHILE_A_THREAD_STARTS],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (run.returncode, run.stdout, run.stderr) == (128 + signal.SIGTERM, "", "")


def _slice_sizes(shared: None, keys: list[str]) -> dict[str, int]:
    return dict.fromkeys(keys, len(keys))


def test_no_worker_pickles_more_than_a_slice_of_results_at_once():
    """A slice's results are pickled whole in the worker and read whole in the build: at
    10,000 essays an eighth of the pages was 130 MB in each at once."""
    keys = [f"page-{n}" for n in range(4000)]
    sizes = run_sliced(_slice_sizes, None, keys, 2)
    assert sorted(sizes) == sorted(keys)
    assert max(sizes.values()) <= MAX_SLICE < 4000 // 8


def _pids(shared: None, keys: list[str]) -> dict[str, int]:
    return dict.fromkeys(keys, os.getpid())


def test_the_build_does_the_last_slices_itself():
    """A forked worker copies each page of the build's memory it reads an object on; the last
    pages (a concept's, a feed's) read from all over the site, so the build does those."""
    keys = [f"page-{n}" for n in range(4000)]
    pids = run_sliced(_pids, None, keys, 2)
    assert list(pids) == keys  # merged in the slices' order, whoever did them
    assert pids[keys[-1]] == os.getpid()
    assert pids[keys[0]] != os.getpid()
    assert len(set(pids.values())) == 2  # `jobs` processes: the build and one worker


def _fails_after(shared: int, keys: list[str]) -> dict[str, str]:
    if int(keys[0]) >= shared:
        raise ValueError(keys[0])
    return dict.fromkeys(keys, "")


@pytest.mark.parametrize("first_failing", [0, 250, 3750])
def test_the_first_failing_slice_in_order_is_reported(first_failing):
    # the build starts from the last slice, which fails too: its error is not the one raised
    with pytest.raises(ValueError, match=f"^{first_failing}$"):
        run_sliced(_fails_after, first_failing, [str(n) for n in range(4000)], 2)


def test_a_build_in_two_processes_lists_its_pages_as_one_does(corpus):
    """Pages rendered by the build come back before the workers' earlier ones: what the cache
    records is still in the pages' order."""
    from site_builder.build import make_site
    from site_builder.config import load_config
    from site_builder.incremental.state import BuildCache

    caches = [BuildCache(), BuildCache()]
    for jobs, cache in zip((1, 2), caches, strict=True):
        make_site(load_config(corpus), cache=cache, jobs=jobs, sink=lambda files: None)
    assert list(caches[0].shown) == list(caches[1].shown)
    assert list(caches[0].outputs) == list(caches[1].outputs)


def test_a_large_site_renders_its_far_reaching_pages_before_the_pool(corpus, monkeypatch):
    """Concept, list and tag pages read objects from all over the site: rendered beside a
    forked worker, they would have it copy most of the build's memory (issue 20.4)."""
    from site_builder.build import make_site
    from site_builder.config import load_config
    from site_builder.steps import render

    calls = []

    def recorded(work, shared, keys, jobs, each=None):
        calls.append((list(keys), jobs))
        return run_sliced(work, shared, keys, jobs, each)

    both = make_site(load_config(corpus), jobs=2)
    monkeypatch.setattr(render, "run_sliced", recorded)
    monkeypatch.setattr(render, "FAR_ALONE_FROM", 1)
    alone = make_site(load_config(corpus), jobs=2)
    assert alone.files == both.files
    (far, far_jobs), (near, near_jobs) = calls
    assert (far_jobs, near_jobs) == (1, 2)
    assert {p.split("/")[0] for p in near} == {"essays", "episodes"} and len(near) > 500
    assert any(p.startswith("glossary/") for p in far) and any(p.endswith(".xml") for p in far)
    assert set(far).isdisjoint(near) and "essays/index.html" in far  # the list, not an essay


def _build_slow_workers_quick(parent: int, keys: list[str]) -> dict[str, str]:
    """A second in the build, holding the interpreter's lock as rendering does; no time at all
    in a worker, whose slice is 4 MB of pages."""
    if os.getpid() == parent:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            pass
        return dict.fromkeys(keys, "")
    return {key: key.ljust(4 * 2**20 // len(keys)) for key in keys}  # not one string pickled once


def test_a_worker_never_waits_for_the_build():
    """While the build does a slow slice of its own, a worker goes on to the next of its own
    and its results reach the build: it used to wait for the build to ask for more (a worker
    did five slices of eight while the build did one), or sat blocked writing a result to the
    pipe the build reads 64 KB at a time between its own work (8 MB took 0.6 s)."""
    keys = [f"page-{n}" for n in range(16 * MIN_SLICE)]
    started = time.monotonic()
    pages = run_sliced(_build_slow_workers_quick, os.getpid(), keys, 2)
    took = time.monotonic() - started
    by_the_build = [k for k, page in pages.items() if page == ""]
    assert list(pages) == keys
    assert len(by_the_build) == len(keys) // 8  # one slice of eight: the worker did the rest
    assert took < 1.8, f"{took:.2f} s for one second of the build's work"


def test_no_result_file_outlives_the_pool(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the workers fork with it
    keys = [str(n) for n in range(4000)]
    assert len(run_sliced(_pids, None, keys, 2)) == 4000
    with pytest.raises(ValueError):
        run_sliced(_fails_after, 2000, keys, 2)
    assert list(tmp_path.iterdir()) == []


def test_content_read_in_two_processes_is_what_one_reads(tmp_path, monkeypatch):
    """The files are read in worker processes when there are enough of them: the items, the
    problems (in the walk's order) and what the cache keeps are those of a read in one."""
    import site_builder.load as load
    from site_builder.config import load_config

    root = tmp_path / "site"
    generate(root, 120, 10, 20)
    essays = root / "content" / "essays"
    (essays / "2021-05-01-broken.md").write_text("---\ntitle: [unclosed\n---\nBody\n")
    (essays / "2021-06-01-untitled.md").write_text("---\ndate: 2021-06-01\n---\nBody\n")
    (root / "content" / "stray.md").write_text("Outside any section.\n")
    config = load_config(root)
    readers, real = tmp_path / "readers", load._load_file
    readers.mkdir()

    def reading(*args):
        (readers / str(os.getpid())).touch()  # (from a forked worker too)
        return real(*args)

    monkeypatch.setattr(load, "_load_file", reading)
    read: list = []
    for jobs in (1, 2):
        files: dict = {}
        loaded = load.load_content(config.content_dir, root, config.tz, files, True, jobs=jobs)
        read.append((loaded.items, loaded.diagnostics, loaded.unreadable, files, list(files)))
        if jobs == 1:
            assert [p.name for p in readers.iterdir()] == [str(os.getpid())]
    assert len(list(readers.iterdir())) == 2  # this process, and a worker
    assert read[0] == read[1]
    sources = list((root / "content").glob("*/*.md"))
    assert len(read[0][0]) == len(sources) - 1 and read[0][2] == (
        "content/essays/2021-05-01-broken.md",
    )
    assert [d.path for d in read[0][1] if d.severity == "error"] == [
        "content/essays/2021-05-01-broken.md",
        "content/essays/2021-06-01-untitled.md",
    ]
