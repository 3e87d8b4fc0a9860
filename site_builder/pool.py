"""Spread the pure, costly work of a build (parsing items, rendering pages) over processes.

Workers are forked after the build has gathered what they need, so they inherit the site
instead of receiving it through pipes; only the names of their share of the work go out and
only their results come back, each in a file of its own (see `_run`). The work is cut into
slices in a fixed order and the results are merged by key, so the output is the same bytes
whatever the number of workers.

Workers never outlive the build: on Linux the kernel kills each one when its parent dies
(SIGKILL included), and any exception out of the pool kills them before the build ends (a
SIGTERM too: the command line makes it SystemExit, with `sigterm_raises`).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
MIN_SLICE = 40  # below this much work per worker, a pool costs more than it saves
# at most this much per slice: a slice's results are pickled whole in the worker and read
# whole in the build, and 1,300 pages (a slice of 10,000 essays) were 130 MB at once in each
MAX_SLICE = 250
_SHARED: dict[str, Any] = {}  # what a forked worker was given; empty in the main process
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_HELD = (signal.SIGTERM, signal.SIGINT)  # while the pool starts (see `_signals_held`)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_sliced(
    work: Callable[[Any, Sequence[str]], dict[str, T]],
    shared: Any,
    keys: Sequence[str],
    jobs: int,
    each: Callable[[dict[str, T]], None] | None = None,
) -> dict[str, T]:
    """`work(shared, slice_of_keys)` for every slice of `keys`, in `jobs` processes or here.

    The results are merged and returned; or with `each`, handed to it slice by slice as they
    come (and not kept), so that a caller can write them out, or count them, as it goes."""
    # here, not above: `build` imports this module, and a build with nothing changed needs
    # no pool (multiprocessing is a tenth of its start-up)
    import multiprocessing

    jobs = min(jobs, max(1, len(keys) // MIN_SLICE))
    results: dict[str, T] = {}
    take = each or results.update
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        size = MIN_SLICE if each else len(keys) or 1
        for i in range(0, len(keys), size):
            take(work(shared, keys[i : i + size]))
        return results
    size = min(MAX_SLICE, -(-len(keys) // (jobs * 4)))  # four a worker even out slow pages
    slices = [keys[i : i + size] for i in range(0, len(keys), size)]
    parts: dict[int, dict[str, T]] = {}  # without `each`: merged in the slices' order
    _run_shared(
        work, shared, slices, jobs - 1, (lambda n, part: each(part)) if each else parts.__setitem__
    )
    for n in sorted(parts):
        results.update(parts[n])
    return results


def _run_shared(
    work: Callable, shared: Any, slices: list[Sequence[str]], workers: int, take: Callable
) -> None:
    """The slices done by `workers` forked processes from the front and by this one from the
    back, each result handed to `take(its slice's number, it)` as it comes; the first error in
    the slices' order is raised, whatever finished first. This process works too, instead of
    waiting: a forked worker copies each page of the build's memory on which it reads an
    object (it writes the object's reference count), and the last pages (a concept's, a
    feed's) read objects from all over the site, so the build renders those itself."""
    import multiprocessing
    import tempfile  # here, as multiprocessing is (7 ms of start-up)
    from concurrent.futures import ProcessPoolExecutor

    failed: dict[int, BaseException] = {}

    def done(n: int, outcome: Callable[[], dict]) -> None:
        try:
            part = outcome()
        except Exception as exc:  # the build's own errors: raised once every slice is done
            failed[n] = exc
            return
        if not failed:
            take(n, part)

    todo = deque(range(len(slices)))
    lock = threading.Lock()  # over `todo`: this thread takes from it and so does the pool's
    sent: deque[tuple[int, Future]] = deque()  # in the slices' order

    def send(_: object = None) -> None:
        """The next slice from the front to the pool, called as each sent one ends (in the
        pool's own thread): a worker never waits for this process to end a slice of its own
        and ask for more, as when a worker did five slices of eight while the build did one."""
        with lock:
            if not todo:
                return
            n = todo.popleft()
            try:
                future = pool.submit(_run, slices[n])
            except Exception as exc:  # a broken pool, or one shut down by an escaping error
                failed[n] = exc
                return
            sent.append((n, future))
        future.add_done_callback(send)  # (at once, here, if it is done already)

    context = multiprocessing.get_context("fork")
    with (
        tempfile.TemporaryDirectory(prefix="site-builder-") as spool,
        ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_share,
            initargs=(os.getpid(), work, shared, spool),
        ) as pool,
        _killed_on_exit(pool),
    ):
        # the first sends start the pool's thread and processes: a signal's exception raised
        # inside `Thread.start()` would leave the pool a thread it cannot join at shutdown,
        # and one raised in the hooks `os.fork` runs in the parent would be printed and
        # dropped, so the signals wait until they are started
        with _signals_held():
            for _ in range(2 * workers):  # one running and one queued for each
                send()
        while True:
            with lock:
                n = todo.pop() if todo else None
            if n is None:
                break
            done(n, partial(work, shared, slices[n]))
            while sent and sent[0][1].done():
                n, future = sent.popleft()
                done(n, partial(_collect, future))
        while sent:
            n, future = sent.popleft()
            done(n, partial(_collect, future))
    if failed:
        raise failed[min(failed)]


@contextmanager
def _killed_on_exit(pool: ProcessPoolExecutor) -> Iterator[None]:
    """The pool's workers killed if anything escapes: leaving the `with` would otherwise wait
    for them to finish every slice still queued."""
    try:
        yield
    except BaseException:
        for process in list(pool._processes.values()):  # no public way before Python 3.14
            process.kill()
        raise


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """SIGTERM raises SystemExit(143) while a command runs, wherever it lands, so that what a
    build was writing (its temporary folder, its lock, its workers) is cleaned up by the same
    `finally` blocks as after an error, instead of left behind. Only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT held back in this thread, and delivered (their handlers run) as
    it ends."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


def _share(parent: int, work: Callable, shared: Any, spool: str) -> None:
    _die_with(parent)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's `sigterm_raises`
    # forked while the build held them back (see `_signals_held`)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    _SHARED["work"], _SHARED["shared"], _SHARED["spool"] = work, shared, spool


def _die_with(parent: int) -> None:
    """Have the kernel SIGKILL this worker when the thread that forked it ends (on Linux; it
    runs the pool to its end); and exit now if the parent is already gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
    if os.getppid() != parent:
        os._exit(1)


def _run(keys: Sequence[str]) -> str:
    """The slice's result, in a file whose name goes back through the pool's pipe instead of
    the result: the build reads that pipe in a thread of its own, which waits for the lock
    of the interpreter (held by the build's own work) at each 64 KB a pipe holds, so 8 MB of
    pages took 0.6 s to arrive, and the worker, blocked writing them, sat idle."""
    import tempfile  # (imported already by `_run_shared`, before the fork)

    result = _SHARED["work"](_SHARED["shared"], keys)
    fd, name = tempfile.mkstemp(suffix=".pickle", dir=_SHARED["spool"])
    with open(fd, "wb") as file:
        pickle.dump(result, file, protocol=pickle.HIGHEST_PROTOCOL)
    return name


def _collect(future: Future) -> dict:
    """What `_run` left in its file, read here, and the file removed."""
    with open(future.result(), "rb") as file:
        result = pickle.load(file)
    os.unlink(file.name)
    return result
