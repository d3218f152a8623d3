"""The serving process's full collections: at quiet moments, never automatic, and put back on exit."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from api.quiet_gc import NEVER, QuietCollector, request_started


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_the_oldest_generation_is_left_to_the_collector_while_it_runs() -> None:
    before = gc.get_threshold()
    with QuietCollector(quiet=0.05, at_most=60):
        young, middle, oldest = gc.get_threshold()
        assert (young, middle) == before[:2]
        assert oldest == NEVER
        assert gc.get_freeze_count() > 0  # what existed when serving started is out of every collection
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_full_collection_follows_a_quiet_moment_once() -> None:
    with QuietCollector(quiet=0.05, at_most=60) as collector:
        request_started()
        assert wait_for(lambda: collector.collections == 1)
        time.sleep(0.3)  # quiet, but nothing happened since: no second collection
        assert collector.collections == 1
        request_started()
        assert wait_for(lambda: collector.collections == 2)


def test_under_sustained_load_one_collects_at_least_every_at_most_seconds() -> None:
    with QuietCollector(quiet=10, at_most=0.2) as collector:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:  # never quiet for 10 s
            request_started()
            time.sleep(0.01)
        assert collector.collections >= 2
