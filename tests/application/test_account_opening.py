"""Opening a person's account in a base: the login in the field's style, the role, the default rights."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from adapters.passwords import Argon2Hasher
from application.account_opening import OpenedAccount, PersonKind
from application.base import SchoolYearBase
from application.directory import ChildLink
from application.errors import NotFound
from application.sessions import LoginAttempt
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.errors import AlreadyExists
from domain.espaces import Role
from domain.external_ids import ExternallyIdentified
from domain.profile import ADMINISTRATION, SCHOOL_LIFE, TEACHER_DEFAULT, Profile, ProfileKind
from domain.values import StaffFunction


def open_account(base: SchoolYearBase, kind: PersonKind, person_id: UUID) -> OpenedAccount:
    return base.execute(lambda unit: base.open_account(unit, person_kind=kind, person_id=person_id))


def teacher(base: SchoolYearBase, first_name: str, last_name: str, email: str | None = None) -> UUID:
    return base.execute(
        lambda unit: base.register_teacher(unit, last_name=last_name, first_name=first_name, email=email)
    )


def staff_member(base: SchoolYearBase, function: StaffFunction, last_name: str = "Petit") -> UUID:
    return base.execute(
        lambda unit: base.register_staff_member(
            unit, last_name=last_name, first_name="Marc", function=function.value, email="m.petit@example.fr"
        )
    )


def account_of(base: SchoolYearBase, opened: OpenedAccount) -> Account:
    account: Account = base.repository.get(opened.account_id)
    return account


def profile_name(base: SchoolYearBase, profile_id: UUID | None) -> str | None:
    if profile_id is None:
        return None
    profile: Profile = base.repository.get(profile_id)
    return profile.name


def test_the_login_is_the_initial_and_the_last_name_in_capitals(base: SchoolYearBase) -> None:
    opened = open_account(base, PersonKind.TEACHER, teacher(base, "Sébastien", "Léoti", "s.leoti@example.fr"))

    assert opened.login == "SLEOTI"
    assert len(opened.password) == 12
    account = account_of(base, opened)
    assert (account.login, account.person_id, account.email) == ("SLEOTI", opened.person_id, "s.leoti@example.fr")
    assert (account.first_name, account.last_name) == ("Sébastien", "Léoti")
    assert account.must_change_password


def test_a_login_already_given_gets_the_first_free_number(base: SchoolYearBase) -> None:
    logins = [
        open_account(base, PersonKind.TEACHER, teacher(base, first, "Léoti")).login
        for first in ("Sébastien", "Sarah", "Sam")
    ]

    assert logins == ["SLEOTI", "SLEOTI2", "SLEOTI3"]


def test_the_provisional_password_logs_in_and_must_be_changed(base: SchoolYearBase) -> None:
    opened = open_account(base, PersonKind.TEACHER, teacher(base, "Sébastien", "Léoti"))

    session = base.log_in(LoginAttempt(login=opened.login.lower(), password=opened.password))

    assert session.must_change_password


def test_only_a_hash_of_the_provisional_password_is_stored(base: SchoolYearBase, fast_hasher: Argon2Hasher) -> None:
    opened = open_account(base, PersonKind.TEACHER, teacher(base, "Sébastien", "Léoti"))

    stored = [n.state for n in base.recorder.select_notifications(start=1, limit=10_000)]
    assert all(opened.password.encode() not in state for state in stored)
    assert fast_hasher.verify(account_of(base, opened).password_hash, opened.password)


def test_a_person_gets_one_account_and_their_account_opened_event_once(base: SchoolYearBase) -> None:
    person_id = teacher(base, "Sébastien", "Léoti")
    opened = open_account(base, PersonKind.TEACHER, person_id)
    head = base.recorder.max_notification_id()

    with pytest.raises(AlreadyExists, match="has an account already \\(SLEOTI\\)") as refused:
        open_account(base, PersonKind.TEACHER, person_id)

    assert refused.value.field == "person_id"
    assert base.recorder.max_notification_id() == head
    assert len(account_opened_events(base, person_id)) == 1
    with base.reading() as connection:
        assert base.directory.logins_of(connection, {person_id}) == {person_id: opened.login}


def account_opened_events(base: SchoolYearBase, aggregate_id: UUID) -> list[ExternallyIdentified.AccountOpened]:
    return [e for e in base.events.get(aggregate_id) if isinstance(e, ExternallyIdentified.AccountOpened)]


def test_an_unknown_person_or_a_person_of_another_kind_is_not_found(base: SchoolYearBase) -> None:
    person_id = teacher(base, "Sébastien", "Léoti")

    with pytest.raises(NotFound, match="student"):
        open_account(base, PersonKind.STUDENT, person_id)
    with pytest.raises(NotFound):
        open_account(base, PersonKind.TEACHER, uuid4())


def test_a_teacher_gets_the_teacher_role_and_profil_1(base: SchoolYearBase) -> None:
    opened = open_account(base, PersonKind.TEACHER, teacher(base, "Sébastien", "Léoti"))

    account = account_of(base, opened)
    assert opened.role is Role.TEACHER is account.role
    assert profile_name(base, account.profile_id) == TEACHER_DEFAULT
    assert account.group_id is None


@pytest.mark.parametrize(
    ("function", "role", "group", "profile"),
    [
        (StaffFunction.DIRECTION, Role.STAFF, ADMINISTRATION, SCHOOL_LIFE),
        (StaffFunction.SECRETARY, Role.STAFF, ADMINISTRATION, None),
        (StaffFunction.CPE, Role.STAFF, None, SCHOOL_LIFE),
        (StaffFunction.SUPERVISOR, Role.STAFF, None, SCHOOL_LIFE),
        (StaffFunction.NURSE, Role.STAFF, None, None),
        (StaffFunction.AESH, Role.SUPPORT_ASSISTANT, None, None),
    ],
)
def test_a_staff_members_function_gives_their_role_group_and_profile(
    base: SchoolYearBase, function: StaffFunction, role: Role, group: str | None, profile: str | None
) -> None:
    opened = open_account(base, PersonKind.STAFF, staff_member(base, function))

    account = account_of(base, opened)
    assert opened.role is role is account.role
    assert profile_name(base, account.group_id) == group
    assert profile_name(base, account.profile_id) == profile
    if group is not None:
        assert account.group_id == Profile.create_id(ProfileKind.GROUP, group)


def test_families_get_their_role_and_no_profile(base: SchoolYearBase) -> None:
    def enrol_and_register(unit: UnitOfWork) -> tuple[UUID, UUID]:
        student_id = base.enrol_student(
            unit, last_name="Martin", first_name="Léa", birth_date=date(2012, 3, 4), sex="F"
        )
        guardian_id = base.register_guardian(
            unit,
            last_name="Martin",
            first_name="Claire",
            email="claire.martin@example.fr",
            children=[ChildLink(student_id, "MERE")],
        )
        return student_id, guardian_id

    student_id, guardian_id = base.execute(enrol_and_register)

    student = open_account(base, PersonKind.STUDENT, student_id)
    guardian = open_account(base, PersonKind.GUARDIAN, guardian_id)

    assert (student.login, student.role, student.email) == ("LMARTIN", Role.STUDENT, None)
    assert (guardian.login, guardian.role, guardian.email) == ("CMARTIN", Role.GUARDIAN, "claire.martin@example.fr")
    for opened in (student, guardian):
        account = account_of(base, opened)
        assert (account.profile_id, account.group_id) == (None, None)
