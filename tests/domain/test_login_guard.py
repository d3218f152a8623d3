from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.login_guard import FAILURE_WINDOW, FIRST_LOCK, LONGEST_LOCK, GuardKind, LoginGuard, LoginLocked
from tests.domain.support import replay

NOW = datetime(2026, 11, 24, 8, tzinfo=UTC)


def guard(kind: GuardKind = GuardKind.LOGIN, key: str = "SPR") -> LoginGuard:
    return LoginGuard(kind=kind.value, key=key)


def fail(target: LoginGuard, times: int, at: datetime = NOW) -> None:
    for _ in range(times):
        target.fail(at)


def test_the_id_is_one_per_kind_and_key() -> None:
    assert guard().id == LoginGuard.create_id(GuardKind.LOGIN, "SPR")
    assert LoginGuard.create_id(GuardKind.LOGIN, "X") != LoginGuard.create_id(GuardKind.ADDRESS, "X")


def test_four_failed_logins_do_not_lock() -> None:
    target = guard()
    fail(target, 4)

    target.check(NOW)

    assert target.failures == 4
    assert target.locked_until is None


def test_the_fifth_failed_login_locks_for_a_minute() -> None:
    target = guard()
    fail(target, 5)

    with pytest.raises(LoginLocked) as locked:
        target.check(NOW + timedelta(seconds=30))

    assert target.locked_until == NOW + FIRST_LOCK
    assert locked.value.seconds == 30
    assert locked.value.code == "too-many-attempts"
    assert "login" in locked.value.message


def test_the_lock_ends_at_its_instant() -> None:
    target = guard()
    fail(target, 5)

    target.check(NOW + FIRST_LOCK)


def test_an_address_takes_fifty_failures_to_lock() -> None:
    target = guard(GuardKind.ADDRESS, "10.0.0.1")
    fail(target, 49)
    target.check(NOW)

    target.fail(NOW)

    with pytest.raises(LoginLocked, match="address"):
        target.check(NOW)


def test_each_lock_doubles_the_next_one_up_to_four_hours() -> None:
    target, at, delays = guard(), NOW, []
    for _ in range(10):
        fail(target, 5, at)
        assert target.locked_until is not None
        delays.append(target.locked_until - at)
        at = target.locked_until

    assert delays[:4] == [FIRST_LOCK, 2 * FIRST_LOCK, 4 * FIRST_LOCK, 8 * FIRST_LOCK]
    assert delays[-1] == LONGEST_LOCK
    assert max(delays) == LONGEST_LOCK


def test_a_lock_starts_a_new_count() -> None:
    target = guard()
    fail(target, 5)

    assert target.failures == 0
    fail(target, 4, NOW + FIRST_LOCK)
    target.check(NOW + FIRST_LOCK)


def test_a_success_clears_the_count_and_the_lock_delay() -> None:
    target = guard()
    fail(target, 5)
    fail(target, 3, NOW + FIRST_LOCK)

    target.clear()

    assert (target.failures, target.locks) == (0, 0)
    cleared = target.collect_events()[-1]
    assert isinstance(cleared, LoginGuard.Cleared)


def test_clearing_without_failures_records_nothing() -> None:
    target = guard()
    target.collect_events()

    target.clear()

    assert target.collect_events() == []


def test_checking_records_nothing() -> None:
    target = guard()
    fail(target, 5)
    target.collect_events()

    with pytest.raises(LoginLocked):
        target.check(NOW)

    assert target.collect_events() == []


class LoginGuardMachine(RuleBasedStateMachine):
    """Failures and successes as time passes: the lock never exceeds four hours, and replay agrees."""

    def __init__(self) -> None:
        super().__init__()
        self.guard = guard()
        self.now = NOW
        self.events: list[CanMutateAggregate[UUID]] = list(self.guard.collect_events())

    @rule(seconds=st.integers(0, 6 * 3600))
    def wait(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule()
    def attempt_fails(self) -> None:
        try:
            self.guard.check(self.now)
        except LoginLocked as locked:
            assert self.guard.locked_until is not None
            assert locked.seconds > 0
            return
        before = self.guard.locks
        self.guard.fail(self.now)
        if self.guard.locks > before:
            assert self.guard.locked_until is not None
            assert self.guard.locked_until - self.now <= LONGEST_LOCK
        self.events.extend(self.guard.collect_events())

    @rule()
    def attempt_succeeds(self) -> None:
        try:
            self.guard.check(self.now)
        except LoginLocked:
            return
        self.guard.clear()
        self.events.extend(self.guard.collect_events())

    @invariant()
    def below_the_threshold_between_locks(self) -> None:
        assert 0 <= self.guard.failures < 5

    @invariant()
    def replaying_the_events_gives_the_same_guard(self) -> None:
        assert replay(self.events) == self.guard


LoginGuardMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestLoginGuardMachine = LoginGuardMachine.TestCase


def test_an_address_is_never_cleared_by_one_success() -> None:
    target = guard(GuardKind.ADDRESS, "10.0.0.1")
    fail(target, 3)

    target.clear()

    assert target.failures == 3
    assert not target.collect_events()[4:]


def test_failures_older_than_the_window_no_longer_count() -> None:
    target = guard()
    fail(target, 4)
    fail(target, 1, NOW + FAILURE_WINDOW)

    assert (target.failures, target.locks) == (1, 0)
