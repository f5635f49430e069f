"""Preloading the later stages' libraries in a thread never overlaps a fork."""

from __future__ import annotations

import multiprocessing
import time

from pipeline.apps import preload


def _done_in_child(flag) -> bool:
    return bool(flag)


def test_a_fork_waits_for_the_preloading_thread():
    finished = []
    preload.start(lambda: time.sleep(0.3), lambda: finished.append(True))
    with multiprocessing.get_context("fork").Pool(1) as pool:  # forks at once: the hook waits first
        assert finished == [True]
        assert pool.apply(_done_in_child, (finished,)) is True


def test_a_loader_that_fails_is_left_to_its_stage_and_the_next_one_runs():
    ran = []
    preload.start(lambda: 1 / 0, lambda: ran.append(True))
    preload.wait()
    assert ran == [True]
