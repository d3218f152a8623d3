"""The login flow on real stores: guards before argon2, the second factor, modes and Espaces, licences
counted one login at a time, inactivity and keep-alive, and the caller's own password and PIN."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from application import sessions
from application.account_opening import OpenedAccount, PersonKind
from application.base import SchoolYearBase
from application.errors import Unauthenticated
from application.registry import Bases
from application.sessions import (
    EspaceClosed,
    LicenceExhausted,
    LoginAttempt,
    NoMode,
    PinRequired,
    SessionUseCases,
    close_idle_sessions,
    login_guard_key,
)
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.errors import InvalidValue
from domain.espaces import Espace, Mode
from domain.login_guard import GuardKind, LoginGuard, LoginLocked
from domain.school import School
from domain.session import Session
from tests.conftest import CountingHasher, MovableClock, NewBase

NEW_PASSWORD = "Cahier-de-textes-2026"
ADDRESS = "10.0.0.1"


def accounts(
    base: SchoolYearBase, count: int, kind: PersonKind = PersonKind.STAFF, function: str = "Direction"
) -> list[OpenedAccount]:
    with base.bulk() as unit:
        if kind is PersonKind.TEACHER:
            people = [base.register_teacher(unit, last_name="Curie", first_name="Marie") for _ in range(count)]
        else:
            people = [
                base.register_staff_member(unit, last_name="Bernard", first_name="Claude", function=function)
                for _ in range(count)
            ]
        opened = [base.open_account(unit, person_kind=kind, person_id=person) for person in people]
    return opened


def attempt(account: OpenedAccount, mode: Mode | None = None) -> LoginAttempt:
    return LoginAttempt(login=account.login, password=account.password, mode=mode, address=ADDRESS)


def change_school(base: SchoolYearBase, change: Callable[[School], None]) -> None:
    base.execute(lambda unit: change(unit.get(School, School.create_id(base.uai), "school")))


def super_admin(new_base: NewBase) -> LoginAttempt:
    return LoginAttempt(login="SPR", password=new_base.credentials.password, address=ADDRESS)


# -- guards come first -----------------------------------------------------------------------------


def test_a_locked_login_is_refused_before_any_password_is_verified(new_base: NewBase) -> None:
    base = new_base.base
    hasher = CountingHasher(base.hasher)
    base.hasher = hasher
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            base.log_in(LoginAttempt(login="SPR", password="Mauvais-1", address=ADDRESS))
    verified = hasher.verifications

    with pytest.raises(LoginLocked) as locked:
        base.log_in(super_admin(new_base))

    assert hasher.verifications == verified == 5
    assert locked.value.seconds == 60


def test_an_unknown_login_costs_one_verification_like_a_known_one(new_base: NewBase) -> None:
    base = new_base.base
    hasher = CountingHasher(base.hasher)
    base.hasher = hasher

    for login in ("SPR", "PERSONNE", "pas un login!"):
        with pytest.raises(Unauthenticated):
            base.log_in(LoginAttempt(login=login, password="Mauvais-1"))

    assert hasher.verifications == 3


def test_a_failure_is_counted_on_the_login_and_the_address(new_base: NewBase) -> None:
    base = new_base.base
    with pytest.raises(Unauthenticated):
        base.log_in(LoginAttempt(login=" spr ", password="Mauvais-1", address=ADDRESS))

    login_guard: LoginGuard = base.repository.get(LoginGuard.create_id(GuardKind.LOGIN, login_guard_key("SPR")))
    address_guard: LoginGuard = base.repository.get(LoginGuard.create_id(GuardKind.ADDRESS, ADDRESS))
    assert (login_guard.failures, address_guard.failures) == (1, 1)


def test_a_success_clears_the_counts(new_base: NewBase) -> None:
    base = new_base.base
    with pytest.raises(Unauthenticated):
        base.log_in(LoginAttempt(login="SPR", password="Mauvais-1", address=ADDRESS))

    base.log_in(super_admin(new_base))

    guard: LoginGuard = base.repository.get(LoginGuard.create_id(GuardKind.LOGIN, login_guard_key("SPR")))
    assert guard.failures == 0


# -- second factor ---------------------------------------------------------------------------------


def test_the_pin_is_asked_from_an_unknown_device_and_a_wrong_one_counts(new_base: NewBase) -> None:
    base = new_base.base
    principal = base.authenticate(base.log_in(super_admin(new_base)).token)
    base.change_password(principal, current=new_base.credentials.password, new=NEW_PASSWORD)
    base.set_pin(principal, password=NEW_PASSWORD, pin="4821", device_id="device-a-0123456789")
    login = LoginAttempt(login="SPR", password=NEW_PASSWORD, device_id="device-b-0123456789", address=ADDRESS)

    with pytest.raises(PinRequired) as required:
        base.log_in(login)
    with pytest.raises(Unauthenticated):
        base.log_in(replace(login, pin="0000"))

    assert required.value.field == "pin"
    guard: LoginGuard = base.repository.get(LoginGuard.create_id(GuardKind.LOGIN, login_guard_key("SPR")))
    assert guard.failures == 1
    assert base.log_in(replace(login, pin="4821")).token


# -- modes and Espaces -----------------------------------------------------------------------------


def test_a_family_cannot_connect_through_an_espace_the_school_has_not_published(base: SchoolYearBase) -> None:
    with base.bulk() as unit:
        guardian = base.register_guardian(unit, last_name="Martin", first_name="Claire", children=[])
        account = base.open_account(unit, person_kind=PersonKind.GUARDIAN, person_id=guardian)

    with pytest.raises(EspaceClosed):
        base.log_in(attempt(account))
    change_school(base, lambda school: school.publish(Espace.PARENTS))

    assert base.log_in(attempt(account)).mode is Mode.PARENTS


def test_a_staff_member_without_group_or_profile_has_no_mode(base: SchoolYearBase) -> None:
    (agent,) = accounts(base, 1, function="Agent")

    with pytest.raises(NoMode):
        base.log_in(attempt(agent))


def test_a_mode_outside_the_role_is_an_invalid_value(base: SchoolYearBase) -> None:
    (teacher,) = accounts(base, 1, PersonKind.TEACHER)

    with pytest.raises(InvalidValue) as refused:
        base.log_in(attempt(teacher, mode=Mode.ADMIN))

    assert refused.value.field == "mode"


# -- licences --------------------------------------------------------------------------------------


def test_the_licence_refusal_names_each_open_seat(base: SchoolYearBase) -> None:
    staff = accounts(base, 5)
    for account in staff[:4]:
        base.log_in(attempt(account))

    with pytest.raises(LicenceExhausted) as refused:
        base.log_in(attempt(staff[4]))

    seats = refused.value.seats
    assert sorted(seat.login for seat in seats) == sorted(a.login for a in staff[:4])
    assert {(seat.display_name, seat.address) for seat in seats} == {("Claude Bernard", ADDRESS)}
    assert all(a.login in refused.value.message for a in staff[:4])


@pytest.mark.parametrize("processes", [1, 2], ids=["one process", "two processes"])
def test_two_logins_racing_for_the_last_seat_get_it_once(
    base: SchoolYearBase, bases_factory: Callable[..., Bases], processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = SessionUseCases._check_licence

    def slow_check(self: SessionUseCases, *args: Any) -> None:
        check(self, *args)
        time.sleep(0.2)  # both logins have counted the seats before either takes one, but for the lock

    monkeypatch.setattr(SessionUseCases, "_check_licence", slow_check)
    # Logins queue one per spare core in a process (``LOGIN_SLOTS``); two processes do not share that.
    monkeypatch.setattr(sessions, "LOGIN_SLOTS", threading.BoundedSemaphore(2))
    staff = accounts(base, 5)
    for account in staff[:3]:
        base.log_in(attempt(account))
    # Two servers of one base: two registries, each with its own engines, pools and locks.
    servers = [base] if processes == 1 else [base, bases_factory().open(base.uai, base.year)]
    results: list[str] = []
    start = threading.Barrier(2)

    def race(server: SchoolYearBase, account: OpenedAccount) -> None:
        start.wait()
        try:
            server.log_in(attempt(account))
            results.append("in")
        except LicenceExhausted:
            results.append("refused")

    threads = [
        threading.Thread(target=race, args=(servers[index % len(servers)], account))
        for index, account in enumerate(staff[3:])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["in", "refused"]
    assert len(base.open_seats(Mode.ADMIN, base.clock())) == 4


def test_the_super_admin_holds_no_seat(new_base: NewBase) -> None:
    base = new_base.base
    for _ in range(5):
        base.log_in(super_admin(new_base))

    assert base.open_seats(Mode.ADMIN, base.clock()) == []


def test_counting_seats_closes_the_idle_sessions(base: SchoolYearBase, clock: MovableClock) -> None:
    staff = accounts(base, 2)
    base.log_in(attempt(staff[0]))
    clock.advance(timedelta(minutes=21))
    base.log_in(attempt(staff[1]))

    seats = base.open_seats(Mode.ADMIN, clock())

    assert [seat.login for seat in seats] == [staff[1].login]
    with base.reading() as connection:
        (closed,) = base.access_history.list_sessions(connection, open_only=False)
    assert (closed.login, closed.close_reason) == (staff[0].login, "inactivity")


def test_a_teacher_licence_counts_teacher_mode_only(base: SchoolYearBase) -> None:
    change_school(base, lambda school: school.change_licences(admin_seats=1, teacher_seats=30))
    staff = accounts(base, 1)
    base.log_in(attempt(staff[0]))
    teachers = accounts(base, 2, PersonKind.TEACHER)

    for teacher in teachers:
        base.log_in(attempt(teacher))

    assert len(base.open_seats(Mode.TEACHER, base.clock())) == 2
    assert len(base.open_seats(Mode.ADMIN, base.clock())) == 1


# -- inactivity and keep-alive ---------------------------------------------------------------------


def test_a_session_is_kept_alive_at_most_once_a_minute(new_base: NewBase, clock: MovableClock) -> None:
    base = new_base.base
    token = base.log_in(super_admin(new_base)).token
    session_id = base.authenticate(token).session_id

    for seconds in (10, 50, 10, 40, 10):  # at 10 s, 60 s (alive), 70 s, 110 s, 120 s (alive)
        clock.advance(timedelta(seconds=seconds))
        base.authenticate(token)

    events = base.repository.event_store.get(session_id)
    assert [type(e).__qualname__ for e in events] == ["Session.Opened", "Session.Active", "Session.Active"]


def test_a_retried_keep_alive_writes_nothing_more(new_base: NewBase, clock: MovableClock) -> None:
    base = new_base.base
    session_id = base.authenticate(base.log_in(super_admin(new_base)).token).session_id
    clock.advance(timedelta(minutes=2))
    session = UnitOfWork(base).get(Session, session_id, "session")
    session.mark_used(clock())

    session.mark_used(clock())

    assert len(session.collect_events()) == 1


def test_an_idle_session_is_closed_when_used_and_its_token_refused(new_base: NewBase, clock: MovableClock) -> None:
    base = new_base.base
    token = base.log_in(super_admin(new_base)).token
    clock.advance(timedelta(minutes=20, seconds=1))

    with pytest.raises(Unauthenticated, match="20 minutes"):
        base.authenticate(token)
    with pytest.raises(Unauthenticated, match="closed"):
        base.authenticate(token)


def test_a_session_the_read_model_shows_idle_but_was_used_stays_open(new_base: NewBase, clock: MovableClock) -> None:
    base = new_base.base
    token = base.log_in(super_admin(new_base)).token
    clock.advance(timedelta(minutes=15))
    with base.reading() as connection:
        stale = base.access_history.open_sessions(connection)
    base.authenticate(token)  # used: the aggregate's last activity moves on
    clock.advance(timedelta(minutes=10))

    closed = close_idle_sessions(base, clock(), stale)

    assert closed == set()
    assert base.authenticate(token).login == "SPR"


# -- the caller's own account ----------------------------------------------------------------------


def test_changing_the_password_is_guarded_like_a_login(new_base: NewBase) -> None:
    base = new_base.base
    principal = base.authenticate(base.log_in(super_admin(new_base)).token)
    hasher = CountingHasher(base.hasher)
    base.hasher = hasher
    for _ in range(5):
        with pytest.raises(InvalidValue):
            base.change_password(principal, current="Mauvais-1", new=NEW_PASSWORD, address=ADDRESS)

    with pytest.raises(LoginLocked):
        base.change_password(principal, current=new_base.credentials.password, new=NEW_PASSWORD, address=ADDRESS)

    assert hasher.verifications == 5
    account: Account = base.repository.get(principal.account_id)
    assert account.must_change_password


def test_a_pin_is_hashed_and_its_device_recognised(new_base: NewBase) -> None:
    base = new_base.base
    principal = base.authenticate(base.log_in(super_admin(new_base)).token)

    base.set_pin(principal, password=new_base.credentials.password, pin="4821", device_id="device-a-0123456789")

    account: Account = base.repository.get(principal.account_id)
    assert account.pin_hash is not None and "4821" not in account.pin_hash
    assert len(account.devices) == 1
    assert "device-a-0123456789" not in next(iter(account.devices))


def test_a_bad_pin_is_refused_before_the_password_is_checked(new_base: NewBase) -> None:
    base = new_base.base
    principal = base.authenticate(base.log_in(super_admin(new_base)).token)

    with pytest.raises(InvalidValue) as refused:
        base.set_pin(principal, password="Mauvais-1", pin="12", device_id=None)

    assert refused.value.field == "pin"
    assert UnitOfWork(base).find(LoginGuard, LoginGuard.create_id(GuardKind.LOGIN, login_guard_key("SPR"))) is None


def test_an_account_opened_for_a_person_logs_in_with_its_defaults(base: SchoolYearBase) -> None:
    (teacher,) = accounts(base, 1, PersonKind.TEACHER)

    opened = base.log_in(attempt(teacher))

    assert opened.mode is Mode.TEACHER
    assert opened.must_change_password
    assert "grades.write" in opened.permissions
    principal = base.authenticate(opened.token)
    assert principal.person_id == teacher.person_id
    assert isinstance(principal.account_id, UUID)


def test_authentication_reads_the_cached_aggregates_and_a_command_gets_its_own_copy(base: SchoolYearBase) -> None:
    school_id = School.create_id(base.uai)
    reader = UnitOfWork(base, read_only=True)
    cached = reader.get(School, school_id, "school")
    assert UnitOfWork(base, read_only=True).get(School, school_id, "school") is cached  # no copy made
    command = UnitOfWork(base)
    mine = command.get(School, school_id, "school")
    assert mine is not cached  # a command may change its copy: the cache stays as stored
    with pytest.raises(RuntimeError, match="never saves"):
        reader.commit()


def test_a_login_and_a_keep_alive_leave_the_access_history_behind_until_the_sessions_are_read(
    new_base: NewBase, clock: MovableClock
) -> None:
    base = new_base.base
    history = base.projectors[base.access_history.name]
    base.journal_caught_up()
    token = base.log_in(super_admin(new_base)).token  # the session opened: no catch-up after it
    assert history.status().behind == 1
    clock.advance(timedelta(minutes=15))
    base.authenticate(token)  # a keep-alive: the request's own command, no catch-up after it either
    assert history.status().behind == 2
    seats = base.open_seats(Mode.ADMIN, clock())  # counting seats catches the sessions up first
    assert history.status().behind == 0
    assert seats == []  # the super-admin holds none
    with base.reading() as connection:
        (item,) = base.access_history.open_sessions(connection)
    assert item.last_activity_at == clock()
