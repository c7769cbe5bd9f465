"""Many input files over every core: what consolidate and check of many files share.

:func:`map_files` calls ``fn(path)`` for each path and yields the results in the order of the
paths, in worker processes when there are enough files (the first file is done here, so that the
imports, the profile and the code lists are in this process and the forked workers start with
them), in batches so that a worker's start-up and the results' transfer are paid once per batch.
Ctrl-C, SIGTERM and SIGHUP stop the workers at once; a worker dies with its parent however the
parent dies.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")


def _worker_start(parent: int) -> None:
    """A worker reads thousands of files, allocating many short-lived objects and almost no
    reference cycles: import what it needs, set that aside from the collector, and collect the
    young generation less often (about 3% of the time per workbook otherwise)."""
    import gc

    from .check import all_rules

    _die_with_parent(parent)
    all_rules()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _die_with_parent(parent: int) -> None:
    """A worker is killed when the parent process dies, however it dies (kill -9 included):
    Linux's PR_SET_PDEATHSIG. Without it a killed run leaves its workers running. ``parent`` is
    the parent's pid as the parent saw it before the fork: read in the worker, a parent that died
    between the fork and prctl would already show as the reaper, and the worker would live on."""
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return  # pragma: no cover
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


class _Batch:
    """fn over a batch of paths (a picklable callable for the pool)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, paths):
        return [self.fn(p) for p in paths]


def map_files(fn: Callable[[str], T], paths: list[str], jobs: int = 0,
              progress: Callable[[int, int], None] | None = None) -> Iterator[T]:
    """``fn(path)`` for each path, in order; ``progress(done, total)`` as files finish. ``fn``
    must be picklable (a module-level function or a functools.partial of one)."""
    jobs = jobs or os.cpu_count() or 1
    total = len(paths)
    chunk = max(1, min(50, total // (jobs * 8) or 1))
    done = 0
    if jobs == 1 or total < 8:
        for p in paths:
            yield fn(p)
            done += 1
            if progress:
                progress(done, total)
        return
    yield fn(paths[0])
    done = 1
    if progress:
        progress(done, total)
    batches = [paths[i:i + chunk] for i in range(1, total, chunk)]
    from .fileio import signalled, signals_as_interrupt

    with signals_as_interrupt(), ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start,
                                                  initargs=(os.getpid(),)) as pool:
        try:
            for batch, results in zip(batches, pool.map(_Batch(fn), batches)):
                yield from results
                done += len(batch)
                if progress:
                    progress(done, total)
                if signalled():
                    raise KeyboardInterrupt
        except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP: stop the workers now, not after their batch
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
