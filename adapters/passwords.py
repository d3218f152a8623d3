"""argon2id password hashing, throttled and deprioritised so that a burst of logins queues instead of starving reads."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

# The cost of every new hash: OWASP's floor for argon2id (see Argon2Hasher).
TIME_COST = 2  # passes over the memory
MEMORY_COST_KIB = 19_456  # 19 MiB
PARALLELISM = 1  # lanes, i.e. threads per hash
HASH_LENGTH = 32
SALT_LENGTH = 16
# How much nicer than the server the hashing threads are (Linux, per thread): a request that needs a
# core gets it before them. 10 more weighs about a tenth of a thread at the server's own niceness.
HASHING_NICENESS = 10


class Argon2Hasher:
    """argon2id at OWASP's floor, at most ``max(1, cores - 1)`` hashes or checks at once, in threads of
    their own that the scheduler serves after the requests.

    The parameters are the minimum that OWASP's Password Storage Cheat Sheet recommends for argon2id:
    19 MiB of memory, 2 passes, 1 lane (the sheet's other configurations trade memory for passes at
    equal strength; memory is what makes guessing on GPUs expensive). Nothing above it, because logins
    queue behind the slots: with 4 clients logging in at once on 2 cores (1 slot), a login waits for about
    4 checks. BENCHMARKS.md ("Login") measured a check at 22–28 ms and a login's p99 at 176–191 ms
    against the 250 ms target; 3 passes or 28 MiB (~32 ms a check) took it to 218–265 ms.

    One lane, so that the slots bound the cores hashing takes: a hash runs one thread per lane, so with
    argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes; 110–130 ms a check
    here) a single slot still let a check spread over both cores.

    Hashes made with other parameters (argon2-cffi's defaults, before these were set) still verify:
    a check reads the cost from the hash. ``PasswordHasher.check_needs_rehash`` tells them apart, should
    logins rehash them.
    """

    def __init__(self, hasher: PasswordHasher | None = None, concurrency: int | None = None) -> None:
        self._hasher = hasher or PasswordHasher(
            time_cost=TIME_COST,
            memory_cost=MEMORY_COST_KIB,
            parallelism=PARALLELISM,
            hash_len=HASH_LENGTH,
            salt_len=SALT_LENGTH,
            type=Type.ID,
        )
        self._threads = ThreadPoolExecutor(
            max_workers=concurrency or max(1, (os.cpu_count() or 2) - 1),
            thread_name_prefix="argon2",
            initializer=_deprioritise,
        )

    def hash(self, password: str) -> str:
        return self._threads.submit(self._hasher.hash, password).result()

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches; the hash's own parameters are used, so older hashes keep working."""
        return self._threads.submit(self._verify, password_hash, password).result()

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _deprioritise() -> None:
    """Make the calling (hashing) thread yield the cores to requests: argon2 runs outside the
    interpreter lock, so without this it takes a whole core from the requests that need one.

    A login's p99 may grow a little under heavy reading; a read's p99 under a burst of logins
    no longer grows with them (BENCHMARKS.md, Login).
    """
    if sys.platform == "linux":
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + HASHING_NICENESS))
