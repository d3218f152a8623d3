"""``cartable serve`` on two cores or more: request threads on some, password hashing on the others.

The server splits the cores it inherits from this process (adapters/cores.py), so the test computes
the same split and looks at every thread of the running server through Linux's per-thread calls.
"""

from __future__ import annotations

import os

import pytest

from adapters.cores import process_cores, serving_split
from tests.e2e.api_client import ApiClient
from tests.e2e.conftest import Schools, ServerProcess

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(len(process_cores()) < 2, reason="one core (or not Linux): nothing to split"),
]

NEW_PASSWORD = "Registre-d-appel-2026"


def test_hashing_threads_run_on_their_cores_and_every_other_thread_on_the_rest(
    server: ServerProcess, schools: Schools
) -> None:
    split = serving_split()
    assert split is not None
    main = schools.main
    with ApiClient(server.url) as client, client.first_login(main.uai, main.login, main.password, NEW_PASSWORD):
        pass  # a login checks a password and choosing one hashes it: the hashing threads exist now
    idle_class: set[frozenset[int]] = set()
    backups: set[frozenset[int]] = set()
    serving: set[frozenset[int]] = set()
    for thread in (int(entry) for entry in os.listdir(f"/proc/{server.pid}/task")):
        cores = frozenset(os.sched_getaffinity(thread))
        if os.sched_getscheduler(thread) == os.SCHED_IDLE:
            idle_class.add(cores)
        elif os.getpriority(os.PRIO_PROCESS, thread) > 0:  # a backup, for a hash that found no idle CPU
            backups.add(cores)
        else:
            serving.add(cores)
    assert idle_class == {split.hashing}
    assert backups <= {process_cores()}
    assert serving == {split.requests}
