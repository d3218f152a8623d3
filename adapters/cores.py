"""Which of the process's CPU cores hash passwords and which serve requests (Linux).

argon2id is memory-hard by design: a check streams 19 MiB through the core that runs it, leaving that
core's caches cold for whatever runs there next. A request thread woken on that core, even one that
preempts the hashing at once (``SCHED_IDLE``), then runs slower than on a core of its own; and a Python
server whose threads hand the interpreter lock from core to core pays for each move. Measured on 2 cores
(BENCHMARKS.md, Login and 8 o'clock rush): with 4 clients logging in, a directory read's p99 went from
×1.50–2.19 its idle value to ×1.04–1.95 on SQLite, and the rush's calls took a quarter to a half less CPU.

So the serving process splits the cores it may use (its affinity mask: ``taskset``, cgroup cpusets):
the last quarter of them, at least one, hash; the others serve. Below two cores there is nothing to split.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class CoreSplit:
    """Disjoint sets of core numbers: those request threads run on, those password hashing runs on."""

    requests: frozenset[int]
    hashing: frozenset[int]


def split_cores(available: frozenset[int]) -> CoreSplit | None:
    """The split of ``available`` cores: the highest-numbered quarter (at least one) hash; None below two.

    One hashing core checks about 50 passwords a second (20 ms each), far more than a school's
    morning logins; a Python process serving requests uses about one core, so it keeps the rest.
    """
    if len(available) < 2:
        return None
    cores = sorted(available)
    hashing = max(1, len(cores) // 4)
    return CoreSplit(requests=frozenset(cores[:-hashing]), hashing=frozenset(cores[-hashing:]))


def process_cores() -> frozenset[int]:
    """The cores this process may run on (empty where the platform cannot tell or pin: no split)."""
    if sys.platform != "linux":
        return frozenset()
    return frozenset(os.sched_getaffinity(0))


def serving_split() -> CoreSplit | None:
    """The split of this process's cores; the hasher and ``cartable serve`` each ask, and get the same."""
    return split_cores(process_cores())


def run_calling_thread_on(cores: frozenset[int]) -> None:
    """Pin the calling thread (Linux: affinity is per thread); threads it starts afterwards inherit it."""
    if sys.platform == "linux" and cores:
        os.sched_setaffinity(0, cores)
