"""Failed logins, counted per login and per source address, and the growing locks they lead to.

A guard exists for any login typed, whether or not an account has it, so that a locked login
answers the same for an account that exists and one that does not: the answer never tells.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError
from domain.ids import natural_id

FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=4)


class GuardKind(StrEnum):
    LOGIN = "login"
    ADDRESS = "address"


# A school's network often leaves through one address: it takes many more failures to lock one.
FAILURES_BEFORE_LOCK: dict[GuardKind, int] = {GuardKind.LOGIN: 5, GuardKind.ADDRESS: 50}


class LoginLocked(DomainError):
    """Too many failed logins: the next attempt waits until the lock expires."""

    code = "too-many-attempts"

    def __init__(self, message: str, *, seconds: int) -> None:
        super().__init__(message)
        self.seconds = seconds


class LoginGuard(Aggregate):
    """The failed attempts on one login or from one address since the last success or lock."""

    class Armed(Aggregate.Created):
        kind: str
        key: str

    class AttemptFailed(Aggregate.Event):
        at: datetime

    class Locked(Aggregate.Event):
        """So many failures that attempts are refused until ``until`` (the delay doubles each time)."""

        until: datetime

    class Cleared(Aggregate.Event):
        """A successful login: the count starts again (locks already served still count for the delay)."""

    @staticmethod
    def create_id(kind: str, key: str) -> UUID:
        return natural_id("login-guard", f"{kind}/{key}")

    @event(Armed)
    def __init__(self, *, kind: str, key: str) -> None:
        self.kind = GuardKind(kind)
        self.key = key
        self.failures = 0
        self.locks = 0
        self.locked_until: datetime | None = None

    def check(self, now: datetime) -> None:
        """Refuse an attempt while the lock lasts, before any password is even looked at."""
        if self.locked_until is not None and now < self.locked_until:
            wait = int((self.locked_until - now).total_seconds()) + 1
            raise LoginLocked(
                f"too many failed attempts: this {self.kind.value} is locked for {wait} more second(s)",
                seconds=wait,
            )

    def fail(self, now: datetime) -> None:
        self._attempt_failed(at=now)
        if self.failures >= FAILURES_BEFORE_LOCK[self.kind]:
            self._locked(until=now + min(FIRST_LOCK * 2**self.locks, LONGEST_LOCK))

    def clear(self) -> None:
        if self.failures:
            self._cleared()

    @event(AttemptFailed)
    def _attempt_failed(self, *, at: datetime) -> None:
        self.failures += 1

    @event(Locked)
    def _locked(self, *, until: datetime) -> None:
        self.failures = 0
        self.locks += 1
        self.locked_until = until

    @event(Cleared)
    def _cleared(self) -> None:
        self.failures = 0
