"""Failed logins, counted per login and per source address, and the growing locks they lead to.

A guard exists for any login typed, whether or not an account has it, so that a locked login
answers the same for an account that exists and one that does not: the answer never tells.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError
from domain.ids import natural_id

FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=4)
# Failures older than this no longer count: a school's shared address collects typos all day long.
FAILURE_WINDOW = timedelta(minutes=15)


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
        """A successful login: the count and the lock delay start again."""

    @staticmethod
    def create_id(kind: str, key: str) -> UUID:
        return natural_id("login-guard", f"{kind}/{key}")

    @event(Armed)
    def __init__(self, *, kind: str, key: str) -> None:
        self.kind = GuardKind(kind)
        self.key = key
        self.recent: list[datetime] = []  # failures within the window, oldest first
        self.locks = 0
        self.locked_until: datetime | None = None

    @property
    def failures(self) -> int:
        """Failures since the last lock or success, within the window (as of the last failure)."""
        return len(self.recent)

    def check(self, now: datetime) -> None:
        """Refuse an attempt while the lock lasts, before any password is even looked at."""
        if self.locked_until is not None and now < self.locked_until:
            wait = math.ceil((self.locked_until - now).total_seconds())
            raise LoginLocked(
                f"too many failed attempts: this {self.kind.value} is locked for {wait} more second(s)",
                seconds=wait,
            )

    def fail(self, now: datetime) -> None:
        self._attempt_failed(at=now)
        if self.failures >= FAILURES_BEFORE_LOCK[self.kind]:
            self._locked(until=now + min(FIRST_LOCK * 2**self.locks, LONGEST_LOCK))

    @property
    def clearable(self) -> bool:
        """Whether a success would change anything (a login guard with failures or locks served)."""
        return self.kind is GuardKind.LOGIN and bool(self.recent or self.locks)

    def clear(self) -> None:
        """A successful login with this login: its owner is back, the next series starts afresh.

        Only login guards are cleared: one valid account must not reset the count of an address
        that tries passwords on other logins.
        """
        if self.clearable:
            self._cleared()

    @event(AttemptFailed)
    def _attempt_failed(self, *, at: datetime) -> None:
        self.recent = [failed for failed in self.recent if at - failed < FAILURE_WINDOW] + [at]

    @event(Locked)
    def _locked(self, *, until: datetime) -> None:
        self.recent = []
        self.locks += 1
        self.locked_until = until

    @event(Cleared)
    def _cleared(self) -> None:
        self.recent = []
        self.locks = 0
