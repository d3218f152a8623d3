from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.account import Account, parse_login, parse_pin
from domain.errors import InvalidValue, RuleViolated
from domain.espaces import Role
from domain.permissions import Permission
from domain.profile import Profile, ProfileKind
from tests.domain.support import replayed

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def open_account(login: str = "spr") -> Account:
    return Account.open(login=login, password_hash="$argon2id$hash", role=Role.SUPER_ADMIN)


def person_account(role: Role, login: str = "lea.durand") -> Account:
    return Account.open(
        login=login, password_hash="$argon2id$hash", role=role, person_id=uuid4(), first_name="Léa", last_name="Durand"
    )


def profile(kind: ProfileKind, name: str = "Profil") -> Profile:
    return Profile.define(kind=kind, name=name, permissions=frozenset({Permission.STUDENTS_READ}))


def events_of(account: Account) -> list[type]:
    return [type(e) for e in account.collect_events()]


def test_login_is_stored_upper_case_and_trimmed() -> None:
    assert parse_login("  jean.dupont-2_b ") == "JEAN.DUPONT-2_B"


@pytest.mark.parametrize("login", ["", "   ", "jean dupont", "élodie", "jean@dupont", "x" * 65])
def test_login_with_other_characters_or_longer_than_64_is_refused(login: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_login(login)
    assert raised.value.field == "login"


def test_account_id_is_derived_from_its_login_so_a_login_is_given_once() -> None:
    assert open_account("spr").id == open_account("SPR").id == Account.create_id("SPR")
    assert open_account("spr2").id != open_account("spr").id


def test_new_account_must_change_its_one_time_password() -> None:
    account = open_account()
    assert account.must_change_password
    assert (account.login, account.role, account.password_hash) == ("SPR", "super-admin", "$argon2id$hash")
    [created] = account.collect_events()
    assert isinstance(created, Account.Created)


def test_resetting_the_password_replaces_the_hash_and_asks_for_a_change() -> None:
    account = open_account()
    account.must_change_password = False
    account.reset_password(password_hash="$argon2id$new")
    assert account.password_hash == "$argon2id$new"
    assert account.must_change_password
    assert [type(e) for e in account.collect_events()] == [Account.Created, Account.PasswordReset]


@pytest.mark.parametrize("role", [Role.STAFF, Role.TEACHER, Role.GUARDIAN, Role.STUDENT, Role.SUPPORT_ASSISTANT])
def test_every_account_but_the_super_admins_belongs_to_a_person(role: Role) -> None:
    with pytest.raises(InvalidValue) as raised:
        Account.open(login="x", password_hash="h", role=role)
    assert raised.value.field == "person_id"
    with pytest.raises(InvalidValue):
        Account.open(login="spr", password_hash="h", role=Role.SUPER_ADMIN, person_id=uuid4())


def test_changing_the_password_ends_the_one_time_one() -> None:
    account = open_account()

    account.change_password(password_hash="$argon2id$chosen")

    assert (account.password_hash, account.must_change_password) == ("$argon2id$chosen", False)
    assert events_of(account) == [Account.Created, Account.PasswordChanged]


# -- profile and group ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "kind"), [(Role.STAFF, ProfileKind.SCHOOL_LIFE), (Role.TEACHER, ProfileKind.TEACHER)])
def test_assigning_the_profile_of_the_accounts_mode_is_an_event(role: Role, kind: ProfileKind) -> None:
    account, given = person_account(role), profile(kind)

    account.assign_profile(given)

    assert account.profile_id == given.id
    events = account.collect_events()
    assert [type(e) for e in events] == [Account.Created, Account.ProfileAssigned]
    assigned = events[1]
    assert isinstance(assigned, Account.ProfileAssigned)
    assert assigned.profile_id == given.id


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.STAFF, ProfileKind.TEACHER),
        (Role.STAFF, ProfileKind.GROUP),
        (Role.TEACHER, ProfileKind.SCHOOL_LIFE),
        (Role.GUARDIAN, ProfileKind.SCHOOL_LIFE),
        (Role.STUDENT, ProfileKind.TEACHER),
        (Role.SUPPORT_ASSISTANT, ProfileKind.SCHOOL_LIFE),
        (Role.SUPER_ADMIN, ProfileKind.SCHOOL_LIFE),
    ],
)
def test_a_profile_of_another_mode_is_refused(role: Role, kind: ProfileKind) -> None:
    account = open_account() if role is Role.SUPER_ADMIN else person_account(role)

    with pytest.raises(RuleViolated, match="cannot be given"):
        account.assign_profile(profile(kind))
    assert account.profile_id is None


def test_assigning_the_profile_the_account_has_is_refused() -> None:
    account, given = person_account(Role.TEACHER), profile(ProfileKind.TEACHER)
    account.assign_profile(given)

    with pytest.raises(RuleViolated, match="already has the profile"):
        account.assign_profile(given)


def test_a_staff_account_changes_group_and_leaves_admin_mode_with_none() -> None:
    account = person_account(Role.STAFF)
    first, second = profile(ProfileKind.GROUP, "Administration"), profile(ProfileKind.GROUP, "Conseil de classe")

    account.change_group(first)
    account.change_group(second)
    assert account.group_id == second.id
    account.change_group(None)

    assert account.group_id is None
    events = account.collect_events()
    assert [type(e) for e in events] == [Account.Created, *[Account.GroupChanged] * 3]
    assert [e.group_id for e in events[1:] if isinstance(e, Account.GroupChanged)] == [first.id, second.id, None]


@pytest.mark.parametrize("role", [Role.TEACHER, Role.GUARDIAN, Role.STUDENT, Role.SUPPORT_ASSISTANT])
def test_only_staff_accounts_join_a_group(role: Role) -> None:
    with pytest.raises(RuleViolated, match="only staff accounts join a group"):
        person_account(role).change_group(profile(ProfileKind.GROUP))


def test_a_profile_that_is_not_a_group_is_refused_as_a_group() -> None:
    with pytest.raises(RuleViolated, match="must be a group"):
        person_account(Role.STAFF).change_group(profile(ProfileKind.SCHOOL_LIFE))


def test_changing_to_the_same_group_or_to_none_twice_is_refused() -> None:
    account, group = person_account(Role.STAFF), profile(ProfileKind.GROUP)
    with pytest.raises(RuleViolated, match="already in that group"):
        account.change_group(None)
    account.change_group(group)

    with pytest.raises(RuleViolated, match="already in that group"):
        account.change_group(group)


# -- PIN, devices, recovery, e-mail -----------------------------------------------------------------


@pytest.mark.parametrize("pin", ["1234", "00000000", "987654"])
def test_a_pin_is_four_to_eight_digits(pin: str) -> None:
    assert parse_pin(pin) == pin


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "١٢٣٤", " 1234"])
def test_anything_else_is_not_a_pin(pin: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_pin(pin)
    assert raised.value.field == "pin"


def test_setting_a_pin_keeps_its_hash_only() -> None:
    account = person_account(Role.GUARDIAN)

    account.set_pin(pin_hash="$argon2id$pin")

    assert account.pin_hash == "$argon2id$pin"
    assert events_of(account) == [Account.Created, Account.PinSet]


def test_a_recognised_device_is_remembered_once() -> None:
    account = person_account(Role.GUARDIAN)

    account.recognise_device("digest-1", "Téléphone de Léa")
    account.recognise_device("digest-2", None)
    with pytest.raises(RuleViolated, match="already recognised"):
        account.recognise_device("digest-1", "again")

    assert account.devices == {"digest-1": "Téléphone de Léa", "digest-2": None}
    assert events_of(account) == [Account.Created, Account.DeviceRecognised, Account.DeviceRecognised]


def test_a_recovery_token_is_valid_until_it_expires_for_its_digest_only() -> None:
    account = person_account(Role.GUARDIAN)

    account.issue_recovery(token_digest="abc", expires_at=NOW + timedelta(minutes=30))

    assert account.recovery_valid("abc", NOW)
    assert not account.recovery_valid("abd", NOW)
    assert not account.recovery_valid("abc", NOW + timedelta(minutes=30))
    assert events_of(account) == [Account.Created, Account.RecoveryIssued]


@pytest.mark.parametrize("how", ["change", "reset"])
def test_a_new_password_ends_a_pending_recovery(how: str) -> None:
    account = person_account(Role.GUARDIAN)
    account.issue_recovery(token_digest="abc", expires_at=NOW + timedelta(minutes=30))

    if how == "change":
        account.change_password(password_hash="$argon2id$new")
    else:
        account.reset_password(password_hash="$argon2id$new")

    assert account.recovery is None
    assert not account.recovery_valid("abc", NOW)


def test_an_unchanged_email_is_refused() -> None:
    account = person_account(Role.GUARDIAN)
    account.change_email("lea@example.fr")

    with pytest.raises(RuleViolated, match="unchanged"):
        account.change_email("lea@example.fr")
    assert account.email == "lea@example.fr"


def test_replaying_the_events_gives_the_same_account() -> None:
    account = person_account(Role.STAFF)
    account.change_password(password_hash="$argon2id$chosen")
    account.assign_profile(profile(ProfileKind.SCHOOL_LIFE))
    account.change_group(profile(ProfileKind.GROUP))
    account.set_pin(pin_hash="$argon2id$pin")
    account.recognise_device("digest", "Poste du bureau")
    account.issue_recovery(token_digest="abc", expires_at=NOW)
    account.change_email("lea@example.fr")
    fields = (
        "login",
        "role",
        "person_id",
        "password_hash",
        "must_change_password",
        "profile_id",
        "group_id",
        "pin_hash",
        "devices",
        "recovery",
        "email",
    )
    expected = {name: getattr(account, name) for name in fields}

    copy = replayed(account)

    assert {name: getattr(copy, name) for name in fields} == expected
