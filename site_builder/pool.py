"""Spread the pure, costly work of a build (parsing items, rendering pages) over processes.

Workers are forked after the build has gathered what they need, so they inherit the site
instead of receiving it through pipes; only the names of their share of the work go out and
only their results come back. The work is cut into slices in a fixed order and the results are
merged by key, so the output is the same bytes whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
MIN_SLICE = 40  # below this much work per worker, a pool costs more than it saves
_SHARED: dict[str, Any] = {}  # what a forked worker was given; empty in the main process


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
    jobs = min(jobs, max(1, len(keys) // MIN_SLICE))
    results: dict[str, T] = {}
    take = each or results.update
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        size = MIN_SLICE if each else len(keys) or 1
        for i in range(0, len(keys), size):
            take(work(shared, keys[i : i + size]))
        return results
    size = -(-len(keys) // (jobs * 4))  # four slices per worker evens out slow pages
    slices = [keys[i : i + size] for i in range(0, len(keys), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_share, initargs=(work, shared)
    ) as pool:
        for part in pool.map(_run, slices):
            take(part)
    return results


def _share(work: Callable, shared: Any) -> None:
    _SHARED["work"], _SHARED["shared"] = work, shared


def _run(keys: Sequence[str]) -> dict:
    return _SHARED["work"](_SHARED["shared"], keys)
