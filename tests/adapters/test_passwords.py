"""The argon2id hasher: the chosen parameters, at least OWASP's floor, and every older hash still checked."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Literal

import pytest
from argon2 import Parameters, PasswordHasher, Type, extract_parameters

from adapters.cores import run_calling_thread_on
from adapters.passwords import (
    HASH_LENGTH,
    HASHING_NICENESS,
    MEMORY_COST_KIB,
    PARALLELISM,
    SALT_LENGTH,
    TIME_COST,
    Argon2Hasher,
)

PASSWORD = "Vacances-de-Toussaint-2026"

# OWASP Password Storage Cheat Sheet, argon2id: configurations of equal strength, (memory KiB, passes), 1 lane.
OWASP_CONFIGURATIONS = [(47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5)]


@pytest.fixture(scope="module")
def hasher() -> Argon2Hasher:
    return Argon2Hasher()


@pytest.fixture(scope="module")
def stored(hasher: Argon2Hasher) -> str:
    return hasher.hash(PASSWORD)


def test_new_hashes_are_argon2id_with_exactly_the_chosen_parameters(stored: str) -> None:
    assert extract_parameters(stored) == Parameters(
        type=Type.ID,
        version=19,
        salt_len=SALT_LENGTH,
        hash_len=HASH_LENGTH,
        time_cost=TIME_COST,
        memory_cost=MEMORY_COST_KIB,
        parallelism=PARALLELISM,
    )
    assert stored.startswith(f"$argon2id$v=19$m={MEMORY_COST_KIB},t={TIME_COST},p={PARALLELISM}$")


def test_the_chosen_parameters_are_owasps_floor_or_above() -> None:
    assert any(memory <= MEMORY_COST_KIB and passes <= TIME_COST for memory, passes in OWASP_CONFIGURATIONS)
    assert SALT_LENGTH >= 16
    assert HASH_LENGTH >= 32


def test_one_hash_uses_one_lane_so_the_slots_bound_the_cores_hashing_takes() -> None:
    assert PARALLELISM == 1


def test_a_hash_verifies_its_password(hasher: Argon2Hasher, stored: str) -> None:
    assert hasher.verify(stored, PASSWORD) is True


def test_two_hashes_of_one_password_differ_by_their_salt(hasher: Argon2Hasher, stored: str) -> None:
    again = hasher.hash(PASSWORD)
    assert again != stored
    assert hasher.verify(again, PASSWORD) is True


@pytest.mark.parametrize("wrong", ["", "vacances-de-toussaint-2026", PASSWORD + " ", PASSWORD[:-1]])
def test_a_wrong_password_is_refused(hasher: Argon2Hasher, stored: str, wrong: str) -> None:
    assert hasher.verify(stored, wrong) is False


@pytest.mark.parametrize(
    "malformed",
    [
        pytest.param("", id="empty"),
        pytest.param("not a hash", id="text"),
        pytest.param("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", id="bcrypt"),
        pytest.param("$argon2id$v=19$m=19456,t=2,p=1$", id="no-salt-no-digest"),
        pytest.param("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$@@@@", id="bad-digest"),
        pytest.param("$argon2id$v=19$m=1,t=1,p=1$c2FsdHNhbHRzYWx0$c2FsdHNhbHRzYWx0c2FsdHNhbHQ", id="memory-too-small"),
    ],
)
def test_a_malformed_hash_is_refused_without_raising(hasher: Argon2Hasher, malformed: str) -> None:
    assert hasher.verify(malformed, PASSWORD) is False


def test_a_truncated_or_altered_hash_is_refused(hasher: Argon2Hasher, stored: str) -> None:
    altered = stored[:-1] + ("A" if stored[-1] != "A" else "B")
    assert hasher.verify(stored[:-4], PASSWORD) is False
    assert hasher.verify(altered, PASSWORD) is False
    assert hasher.verify(stored.replace("$argon2id$", "$argon2i$"), PASSWORD) is False


def test_a_hash_made_with_argon2_cffi_defaults_still_verifies(hasher: Argon2Hasher) -> None:
    """The hashes stored before the parameters were set: verify reads the cost from the hash itself."""
    old = PasswordHasher().hash(PASSWORD)
    assert extract_parameters(old).memory_cost != MEMORY_COST_KIB
    assert hasher.verify(old, PASSWORD) is True
    assert hasher.verify(old, PASSWORD + "!") is False


class _SlowHasher(PasswordHasher):
    """Counts how many checks run at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)
        with self._lock:
            self.running -= 1
        return super().verify(hash, password)


def most_at_once(slow: _SlowHasher, hasher: Argon2Hasher) -> int:
    """How many of six checks sent together ``hasher`` ran at once."""
    stored = hasher.hash(PASSWORD)
    threads = [threading.Thread(target=hasher.verify, args=(stored, PASSWORD)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return slow.most


def test_checks_beyond_the_slots_wait_their_turn() -> None:
    slow = _SlowHasher()
    assert most_at_once(slow, Argon2Hasher(slow, concurrency=2, patience=60.0)) == 2  # no backup: the slots alone


@pytest.mark.skipif(sys.platform != "linux" or len(os.sched_getaffinity(0)) < 2, reason="two cores to hash on")
def test_by_default_one_check_at_a_time_runs_per_hashing_core() -> None:
    slow = _SlowHasher()
    two_cores = frozenset(sorted(os.sched_getaffinity(0))[:2])
    assert most_at_once(slow, Argon2Hasher(slow, patience=60.0, cores=two_cores)) == 2


def _scheduling() -> tuple[int, int]:
    """The calling thread's scheduling class and niceness."""
    thread = threading.get_native_id()
    return os.sched_getscheduler(thread), os.getpriority(os.PRIO_PROCESS, thread)


linux_only = pytest.mark.skipif(sys.platform != "linux", reason="per-thread scheduling classes are Linux's")


@linux_only
def test_hashing_runs_only_on_cpu_that_requests_leave_idle(stored: str) -> None:
    seen: list[tuple[int, int]] = []

    class Spy(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            seen.append(_scheduling())
            return super().verify(hash, password)

    assert Argon2Hasher(Spy()).verify(stored, PASSWORD)
    assert [policy for policy, _ in seen] == [os.SCHED_IDLE]


@linux_only
def test_hashing_threads_run_on_the_hashers_cores(stored: str) -> None:
    cores = frozenset({max(os.sched_getaffinity(0))})
    seen: list[frozenset[int]] = []

    class Spy(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            seen.append(frozenset(os.sched_getaffinity(0)))
            return super().verify(hash, password)

    hasher = Argon2Hasher(Spy(), cores=cores)
    assert hasher.verify(stored, PASSWORD)
    assert seen == [cores]


@linux_only
def test_a_hash_that_finds_no_idle_cpu_is_computed_by_a_nicer_backup_thread(stored: str) -> None:
    """A fully loaded machine never runs the idle-class thread: the backup's result is the answer."""
    starved = threading.Event()
    released = threading.Event()
    seen: list[tuple[int, int]] = []

    everywhere = frozenset(os.sched_getaffinity(0))
    backup_cores: list[frozenset[int]] = []

    class Starved(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            scheduling = _scheduling()
            if scheduling[0] == os.SCHED_IDLE:
                starved.set()
                released.wait(10)
            else:
                backup_cores.append(frozenset(os.sched_getaffinity(0)))
            seen.append(scheduling)
            return super().verify(hash, password)

    hasher = Argon2Hasher(Starved(), concurrency=1, patience=0.05, cores=frozenset({max(everywhere)}))
    answers: list[bool] = []

    def request() -> None:  # from a thread on one core, as a server's request threads are
        run_calling_thread_on(frozenset({min(everywhere)}))
        answers.extend([hasher.verify(stored, PASSWORD), hasher.verify(stored, PASSWORD + "!")])

    try:
        caller = threading.Thread(target=request)
        caller.start()
        caller.join()
        assert answers == [True, False]  # the second queued behind the starved one: a backup too
        assert starved.is_set()
        own_niceness = _scheduling()[1]
        assert seen == [(os.SCHED_OTHER, own_niceness + HASHING_NICENESS)] * 2
        assert backup_cores == [everywhere] * 2  # not the caller's core, nor only the hashing cores
    finally:
        released.set()


def test_an_error_while_hashing_reaches_the_caller() -> None:
    class Broken(PasswordHasher):
        def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
            raise MemoryError("argon2 could not allocate its memory")

    with pytest.raises(MemoryError, match="allocate"):
        Argon2Hasher(Broken()).hash(PASSWORD)
