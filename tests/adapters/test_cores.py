"""The split of the cores between requests and password hashing, and pinning a thread to its share."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.cores import CoreSplit, process_cores, run_calling_thread_on, split_cores


def test_below_two_cores_nothing_is_split() -> None:
    assert split_cores(frozenset()) is None
    assert split_cores(frozenset({3})) is None


@pytest.mark.parametrize(
    ("cores", "split"),
    [
        ({0, 1}, CoreSplit(requests=frozenset({0}), hashing=frozenset({1}))),
        ({0, 1, 2, 3}, CoreSplit(requests=frozenset({0, 1, 2}), hashing=frozenset({3}))),
        (set(range(8)), CoreSplit(requests=frozenset(range(6)), hashing=frozenset({6, 7}))),
        ({2, 5, 7}, CoreSplit(requests=frozenset({2, 5}), hashing=frozenset({7}))),  # a taskset mask
    ],
)
def test_the_last_quarter_of_the_cores_at_least_one_hash(cores: set[int], split: CoreSplit) -> None:
    assert split_cores(frozenset(cores)) == split


@given(st.frozensets(st.integers(min_value=0, max_value=1023), min_size=2))
def test_any_split_shares_out_every_core_once_with_the_requests_keeping_most(cores: frozenset[int]) -> None:
    split = split_cores(cores)
    assert split is not None
    assert split.requests | split.hashing == cores
    assert not split.requests & split.hashing
    assert 1 <= len(split.hashing) <= len(split.requests)
    assert max(split.requests) < min(split.hashing)


@pytest.mark.skipif(sys.platform != "linux" or len(process_cores()) < 2, reason="per-thread affinity, two cores")
def test_pinning_moves_the_calling_thread_alone() -> None:
    mine = frozenset(os.sched_getaffinity(0))
    one = frozenset({min(mine)})
    seen: list[frozenset[int]] = []

    def pinned() -> None:
        run_calling_thread_on(one)
        seen.append(frozenset(os.sched_getaffinity(0)))

    thread = threading.Thread(target=pinned)
    thread.start()
    thread.join()
    assert seen == [one]
    assert frozenset(os.sched_getaffinity(0)) == mine
