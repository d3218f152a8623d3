"""Full garbage collections at quiet moments of the serving process, not in the middle of requests.

CPython's oldest-generation collection walks every object the process holds (the aggregate cache,
the compiled statements, the registered routes…) and holds the interpreter meanwhile: 60-90 ms in
a server that has run the 8 o'clock rush, during which every request in flight waits. The rush
bench showed them as the stalls behind its slowest calls. So the server lets the two young
generations collect as usual, which is cheap, and runs the full collection itself, from a thread,
once no request has started for ``quiet`` seconds, and at least every ``at_most`` seconds (five
minutes) under sustained load, when it pauses the requests as before, once in that time. The young
generations free most cyclic garbage; what reaches the oldest waits at most that long. Objects that
exist when serving starts (modules, routes, schemas) are frozen out of every collection.
"""

from __future__ import annotations

import gc
import threading
import time

import structlog

QUIET_SECONDS = 1.0
AT_MOST_SECONDS = 300.0
# The oldest generation's own threshold counts younger collections: this one is never reached.
NEVER = 1 << 30

log = structlog.get_logger(__name__)


class _Activity:
    last_request = time.monotonic()


def request_started() -> None:
    """Called by the request middleware: the process is busy now."""
    _Activity.last_request = time.monotonic()


class QuietCollector:
    """Owns the full collections of this process while it serves (see the module's docstring)."""

    def __init__(self, quiet: float = QUIET_SECONDS, at_most: float = AT_MOST_SECONDS) -> None:
        self.quiet = quiet
        self.at_most = at_most
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="quiet-gc", daemon=True)
        self._thresholds = gc.get_threshold()
        self.collections = 0

    def __enter__(self) -> QuietCollector:
        gc.collect()
        gc.freeze()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def _run(self) -> None:
        last_collection = time.monotonic()
        while not self._stop.wait(min(self.quiet, self.at_most) / 4):
            now = time.monotonic()
            last_request = _Activity.last_request
            quiet = now - last_request >= self.quiet and last_request > last_collection
            if quiet or now - last_collection >= self.at_most:
                started = time.perf_counter()
                collected = gc.collect()
                last_collection = time.monotonic()
                self.collections += 1
                log.debug(
                    "full_collection",
                    quiet=quiet,
                    collected=collected,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )
