"""An ordered parallel map over forked processes that survives a worker dying.

``multiprocessing.Pool.imap`` waits forever when a worker is killed (out of memory, a crash in
a C extension). Here a dead worker breaks the pool, the item that was running is retried alone
in a fresh process, and only if that crashes too is it reported as failed; the rest go on.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import TypeVar

PR_SET_PDEATHSIG = 1  # linux/prctl.h
T = TypeVar("T")
R = TypeVar("R")


def _worker_setup() -> None:
    """Ctrl-C goes to the parent alone, which then shuts the workers down; and a worker dies with
    its parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    dies_with_parent()


def dies_with_parent() -> None:
    """This forked process ends when its parent does (a parent killed with SIGKILL cannot shut
    anything down: its children would stay)."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker_setup)


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], workers: int, on_crash: Callable[[T], R]
) -> Iterator[tuple[T, R]]:
    """Yield (item, fn(item)) in input order, computed in ``workers`` processes.

    At most 2 x workers items are in flight, so a long input is read as it is consumed.
    ``on_crash(item)`` gives the result for an item whose process died twice.
    """
    gc.freeze()  # while the workers live: their collections would copy every page of objects they inherit
    pool = _new_pool(workers)
    pending: deque[tuple[T, Future]] = deque()
    try:
        for item in items:
            try:
                future = pool.submit(fn, item)
            except BrokenProcessPool:  # a worker died since the last result: settle what is pending
                while pending:
                    item_done, result, pool = _next(fn, pending, pool, workers, on_crash)
                    yield item_done, result
                pool.shutdown(wait=False, cancel_futures=True)
                pool = _new_pool(workers)
                future = pool.submit(fn, item)
            pending.append((item, future))
            while len(pending) > 2 * workers:
                item_done, result, pool = _next(fn, pending, pool, workers, on_crash)
                yield item_done, result
        while pending:
            item_done, result, pool = _next(fn, pending, pool, workers, on_crash)
            yield item_done, result
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        gc.unfreeze()


def ordered_map_batched(
    fn: Callable[[T], R], items: Iterable[T], workers: int, on_crash: Callable[[T], R],
    size: Callable[[T], int], batch_size: int,
) -> Iterator[tuple[T, R]]:
    """``ordered_map`` with consecutive items sent together, up to ``batch_size`` of ``size(item)``
    (an item larger than that goes alone): the records of a JSONL file are a few kilobytes each,
    and one task apiece cost more in messages between the processes than in work. A batch whose
    process dies twice is run again item by item, so only the item that kills it is lost."""
    batches = ordered_map(partial(_apply_each, fn), _batched(items, size, batch_size), workers,
                          on_crash=partial(_one_by_one, fn, on_crash))
    for batch, results in batches:
        yield from zip(batch, results)


def _apply_each(fn, batch: list) -> list:
    return [fn(item) for item in batch]


def _one_by_one(fn, on_crash, batch: list) -> list:
    return [result for _, result in ordered_map(fn, batch, 1, on_crash)]


def _batched(items: Iterable[T], size: Callable[[T], int], batch_size: int) -> Iterator[list[T]]:
    batch, total = [], 0
    for item in items:
        if batch and total + size(item) > batch_size:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size(item)
    if batch:
        yield batch


def _next(fn, pending: deque, pool: ProcessPoolExecutor, workers: int, on_crash):
    item, future = pending.popleft()
    try:
        return item, future.result(), pool
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        result = _run_alone(fn, item, on_crash)
        pool = _new_pool(workers)
        for index, (waiting, _) in enumerate(pending):
            pending[index] = (waiting, pool.submit(fn, waiting))
        return item, result, pool


def _run_alone(fn, item, on_crash):
    """The pool broke while ``item`` was running: it may be innocent, so try it once alone."""
    solo = _new_pool(1)
    try:
        return solo.submit(fn, item).result()
    except BrokenProcessPool:
        return on_crash(item)
    finally:
        solo.shutdown(wait=False, cancel_futures=True)
