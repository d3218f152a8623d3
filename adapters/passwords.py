"""argon2id password hashing, throttled and run on spare CPU, so that a burst of logins never starves reads."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from adapters.cores import process_cores, run_calling_thread_on, serving_split

T = TypeVar("T")

# The cost of every new hash: OWASP's floor for argon2id (see Argon2Hasher).
TIME_COST = 2  # passes over the memory
MEMORY_COST_KIB = 19_456  # 19 MiB
PARALLELISM = 1  # lanes, i.e. threads per hash
HASH_LENGTH = 32
SALT_LENGTH = 16
# How much nicer than the server the backup hashing threads are (Linux, per thread): 10 more weighs
# about a tenth of a thread at the server's own niceness.
HASHING_NICENESS = 10
# How long a hash may wait for spare CPU before a backup thread computes it too (a check is ~20 ms of CPU).
PATIENCE_SECONDS = 0.1


class Argon2Hasher:
    """argon2id at OWASP's floor, one hash or check at a time per hashing core (adapters/cores.py),
    computed on CPU that nothing else wants (and as many backups when none is idle, see below).

    The parameters are the minimum that OWASP's Password Storage Cheat Sheet recommends for argon2id:
    19 MiB of memory, 2 passes, 1 lane (the sheet's other configurations trade memory for passes at
    equal strength; memory is what makes guessing on GPUs expensive). Nothing above it, because logins
    queue behind the slots: with 4 clients logging in at once on 2 cores (1 slot), a login waits for about
    4 checks. BENCHMARKS.md ("Login") measured a check at 22–28 ms and a login's p99 at 176–191 ms
    against the 250 ms target; 3 passes or 28 MiB (~32 ms a check) took it to 218–265 ms.

    One lane, so that the slots bound the cores hashing takes: a hash runs one thread per lane, so with
    argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes; 110–130 ms a check
    here) a single slot still let a check spread over both cores.

    Each hash first runs in a thread of Linux's ``SCHED_IDLE`` class, which any request thread preempts
    the moment it wakes: a niced thread (the earlier design) still kept a core for up to a scheduler
    slice while a request waited for it, which was a read's worst delay under logins (BENCHMARKS.md,
    Login). A thread cannot leave that class without privileges, so a hash still unfinished after
    ``patience`` (a machine whose requests leave no CPU idle) is computed again by a backup thread at
    ``HASHING_NICENESS``, as before, and the first result is taken: logins slow down under a full
    load, they never starve. The idle-class threads run on the hashing cores (adapters/cores.py); the
    backups on any core of the process, so that another program busy on the hashing cores delays
    logins by the patience, not by its own work.

    Hashes made with other parameters (argon2-cffi's defaults, before these were set) still verify:
    a check reads the cost from the hash. ``PasswordHasher.check_needs_rehash`` tells them apart, should
    logins rehash them.
    """

    def __init__(
        self,
        hasher: PasswordHasher | None = None,
        concurrency: int | None = None,
        patience: float = PATIENCE_SECONDS,
        cores: frozenset[int] | None = None,
    ) -> None:
        """``cores``: where the hashing threads run; by default the hashing cores of :func:`serving_split`
        (none below two cores: anywhere); ``concurrency``: hashes at once, by default one per such core."""
        self._hasher = hasher or PasswordHasher(
            time_cost=TIME_COST,
            memory_cost=MEMORY_COST_KIB,
            parallelism=PARALLELISM,
            hash_len=HASH_LENGTH,
            salt_len=SALT_LENGTH,
            type=Type.ID,
        )
        if cores is None:
            split = serving_split()
            cores = split.hashing if split is not None else frozenset()
        slots = concurrency or len(cores) or max(1, (os.cpu_count() or 2) - 1)
        self._patience = patience
        self._spare = ThreadPoolExecutor(
            slots, thread_name_prefix="argon2-idle", initializer=_only_when_idle, initargs=(cores,)
        )
        self._backup = ThreadPoolExecutor(
            slots, thread_name_prefix="argon2", initializer=_deprioritise, initargs=(process_cores(),)
        )

    def hash(self, password: str) -> str:
        return self._compute(self._hasher.hash, password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; the hash's own parameters are used, so older hashes keep working."""
        return self._compute(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def _compute(self, work: Callable[..., T], *args: str) -> T:
        job = _Job(work, args)
        self._spare.submit(job.run)
        if not job.finished.wait(self._patience):
            self._backup.submit(job.run)
            job.finished.wait()
        return job.outcome()


class _Job(Generic[T]):
    """One hash or check, which two threads may race to compute: the first to finish gives the outcome."""

    def __init__(self, work: Callable[..., T], args: tuple[str, ...]) -> None:
        self._work = work
        self._args = args
        self._lock = threading.Lock()
        self.finished = threading.Event()
        self._result: tuple[T] | None = None  # a tuple: the result itself may be anything
        self._error: BaseException | None = None

    def run(self) -> None:
        if self.finished.is_set():  # the other thread computed it while this one waited its turn
            return
        result: tuple[T] | None = None
        error: BaseException | None = None
        try:
            result = (self._work(*self._args),)
        except BaseException as raised:  # handed to the caller, whose call it is
            error = raised
        with self._lock:
            if not self.finished.is_set():
                self._result, self._error = result, error
                self.finished.set()

    def outcome(self) -> T:
        if self._error is not None:
            raise self._error
        if self._result is None:
            raise RuntimeError("a job's outcome is read once it finished")
        return self._result[0]


def _only_when_idle(cores: frozenset[int]) -> None:
    """Put the calling (hashing) thread on its cores, in ``SCHED_IDLE``: it runs only on CPU no one else
    wants (another process, on a machine it shares), and a waking thread preempts it at once (argon2
    runs outside the interpreter lock, so without this it holds a core that a request is waiting for)."""
    run_calling_thread_on(cores)
    if sys.platform == "linux":
        os.sched_setscheduler(threading.get_native_id(), os.SCHED_IDLE, os.sched_param(0))


def _deprioritise(cores: frozenset[int]) -> None:
    """Put the calling (backup hashing) thread on ``cores`` (the process's: it is created by a request
    thread, whose cores it would inherit), nicer than the rest of the machine's work."""
    run_calling_thread_on(cores)
    if sys.platform == "linux":
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASHING_NICENESS))
