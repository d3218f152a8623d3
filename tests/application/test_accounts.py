"""Accounts and sessions on real stores: one-time passwords, hashes only, tokens only as digests."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from adapters.passwords import Argon2Hasher
from application.account_opening import PersonKind
from application.base import SchoolYearBase
from application.errors import Unauthenticated
from application.registry import Bases
from application.sessions import BAD_CREDENTIALS, LoginAttempt, OpenedSession, login_guard_key, token_base
from domain.account import Account
from domain.errors import AlreadyExists, InvalidValue
from domain.espaces import Mode, Role
from domain.login_guard import GuardKind, LoginGuard
from domain.permissions import Permission
from domain.profile import ADMINISTRATION, SCHOOL_LIFE, TEACHER_DEFAULT, Profile, ProfileKind
from domain.session import Session
from tests.conftest import YEAR, NewBase


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def stored_bytes(base: SchoolYearBase) -> list[bytes]:
    return [n.state for n in base.recorder.select_notifications(start=1, limit=10_000)]


def log_in(base: SchoolYearBase, login: str, password: str) -> OpenedSession:
    return base.log_in(LoginAttempt(login=login, password=password, address="10.0.0.1", user_agent="test"))


def test_creating_a_base_prints_the_super_admins_one_time_credentials(new_base: NewBase) -> None:
    login, password = new_base.credentials.login, new_base.credentials.password
    assert login == "SPR"
    assert len(password) == 12
    assert any(c.isupper() for c in password) and any(c.islower() for c in password)
    assert any(c.isdigit() for c in password)


def test_only_an_argon2id_hash_of_the_password_is_stored(new_base: NewBase, fast_hasher: Argon2Hasher) -> None:
    base, password = new_base.base, new_base.credentials.password
    stored = stored_bytes(base)
    assert stored, "the base's creation must be in its event log"
    assert all(password.encode() not in state for state in stored)
    account: Account = base.repository.get(Account.create_id("SPR"))
    assert account.password_hash.startswith("$argon2id$")
    assert fast_hasher.verify(account.password_hash, password)
    assert account.role is Role.SUPER_ADMIN


def test_the_base_holds_its_school(new_base: NewBase) -> None:
    school = new_base.base.school()
    assert school is not None
    assert (school.uai, school.year, school.name) == (new_base.uai, YEAR, "Collège Jean Moulin")


def test_logging_in_with_the_one_time_password_asks_for_a_new_one(new_base: NewBase) -> None:
    opened = log_in(new_base.base, "spr", new_base.credentials.password)
    assert opened.must_change_password
    assert token_base(opened.token) == (new_base.uai, YEAR)


def test_a_session_token_authenticates_as_its_account(new_base: NewBase) -> None:
    base = new_base.base
    principal = base.authenticate(log_in(base, "SPR", new_base.credentials.password).token)
    assert (principal.login, principal.role, principal.uai, principal.year) == ("SPR", Role.SUPER_ADMIN, base.uai, YEAR)
    assert principal.account_id == Account.create_id("SPR")
    assert principal.must_change_password
    assert principal.mode is Mode.ADMIN
    assert principal.permissions == frozenset(Permission)


def test_the_store_keeps_the_digest_of_a_token_never_the_token(new_base: NewBase) -> None:
    base = new_base.base
    token = log_in(base, "SPR", new_base.credentials.password).token
    secret = token.split(".", 2)[2]
    assert all(secret.encode() not in state for state in stored_bytes(base))
    digest = hashlib.sha256(token.encode()).hexdigest()
    [opened] = base.repository.event_store.get(Session.create_id(digest))
    assert isinstance(opened, Session.Opened)
    assert (opened.token_digest, opened.address, opened.user_agent) == (digest, "10.0.0.1", "test")


@pytest.mark.parametrize("login", ["SPR", "NOBODY", "not a login!"])
def test_wrong_password_and_unknown_login_get_the_same_answer(new_base: NewBase, login: str) -> None:
    base = new_base.base
    with pytest.raises(Unauthenticated) as raised:
        log_in(base, login, "Wrong-password-42")
    assert raised.value.message == BAD_CREDENTIALS
    guard: LoginGuard = base.repository.get(LoginGuard.create_id(GuardKind.LOGIN, login_guard_key(login.upper())))
    assert guard.failures == 1, "a failure counts whether the login exists or not"


def test_an_unknown_token_does_not_authenticate(base: SchoolYearBase) -> None:
    with pytest.raises(Unauthenticated):
        base.authenticate(f"{base.uai}.{base.year}.forged")


def test_a_token_of_another_school_does_not_authenticate_here(
    new_base: NewBase, bases: Bases, uai_factory: Callable[[], str]
) -> None:
    other, credentials = bases.create(uai_factory(), YEAR, "École voisine")
    token = log_in(other, credentials.login, credentials.password).token
    with pytest.raises(Unauthenticated):
        new_base.base.authenticate(token)


def test_closing_a_session_refuses_its_token(new_base: NewBase) -> None:
    base = new_base.base
    token = log_in(base, "SPR", new_base.credentials.password).token
    principal = base.authenticate(token)
    base.execute(lambda unit: base.close_session(unit, principal))
    with pytest.raises(Unauthenticated):
        base.authenticate(token)


def test_resetting_a_password_issues_a_new_one_and_the_old_one_stops_working(new_base: NewBase) -> None:
    base, old = new_base.base, new_base.credentials.password
    credentials = base.execute(lambda unit: base.reset_password(unit, login="spr"))
    assert credentials.login == "SPR"
    assert credentials.password != old
    assert all(credentials.password.encode() not in state for state in stored_bytes(base))
    with pytest.raises(Unauthenticated):
        log_in(base, "SPR", old)
    assert log_in(base, "SPR", credentials.password).must_change_password


def test_resetting_the_password_of_an_unknown_login_is_refused(base: SchoolYearBase) -> None:
    before = head(base)
    with pytest.raises(InvalidValue) as raised:
        base.execute(lambda unit: base.reset_password(unit, login="NOBODY"))
    assert raised.value.field == "login"
    assert head(base) == before


@pytest.mark.parametrize("token", ["", "no-dots", "0750655E.year.secret", "0750655E.2026"])
def test_a_malformed_token_names_no_base(token: str) -> None:
    with pytest.raises(Unauthenticated):
        token_base(token)


# -- accounts of the directory's people --------------------------------------------------------------


def test_a_teachers_account_has_a_login_of_its_name_a_provisional_password_and_profile_1(base: SchoolYearBase) -> None:
    teacher = base.execute(lambda unit: base.register_teacher(unit, last_name="Léoti", first_name="Sébastien"))

    opened = base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.TEACHER, person_id=teacher))

    assert (opened.login, opened.role) == ("SLEOTI", Role.TEACHER)
    account: Account = base.repository.get(opened.account_id)
    assert account.must_change_password
    assert account.profile_id == Profile.create_id(ProfileKind.TEACHER, TEACHER_DEFAULT)
    assert account.group_id is None
    assert all(opened.password.encode() not in state for state in stored_bytes(base))
    assert log_in(base, opened.login, opened.password).mode is Mode.TEACHER


def test_a_direction_member_gets_the_administration_group_and_the_school_life_profile(base: SchoolYearBase) -> None:
    member = base.execute(
        lambda unit: base.register_staff_member(unit, last_name="Bernard", first_name="Hélène", function="Direction")
    )

    opened = base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.STAFF, person_id=member))

    account: Account = base.repository.get(opened.account_id)
    assert account.group_id == Profile.create_id(ProfileKind.GROUP, ADMINISTRATION)
    assert account.profile_id == Profile.create_id(ProfileKind.SCHOOL_LIFE, SCHOOL_LIFE)
    assert log_in(base, opened.login, opened.password).mode is Mode.ADMIN


def test_namesakes_get_distinct_logins(base: SchoolYearBase) -> None:
    with base.bulk() as unit:
        people = [base.register_teacher(unit, last_name="Martin", first_name="Claude") for _ in range(3)]
        logins = [base.open_account(unit, person_kind=PersonKind.TEACHER, person_id=p).login for p in people]

    assert logins == ["CMARTIN", "CMARTIN2", "CMARTIN3"]


def test_a_person_has_one_account(base: SchoolYearBase) -> None:
    teacher = base.execute(lambda unit: base.register_teacher(unit, last_name="Curie", first_name="Marie"))
    base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.TEACHER, person_id=teacher))
    before = head(base)

    with pytest.raises(AlreadyExists) as refused:
        base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.TEACHER, person_id=teacher))

    assert refused.value.field == "person_id"
    assert head(base) == before
