"""Profiles, groups and AESH assignments as use cases, on real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from application.account_opening import OpenedAccount, PersonKind
from application.base import SchoolYearBase
from application.errors import NotFound
from application.sessions import LoginAttempt, NoMode
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.errors import AlreadyExists, DomainError, InvalidValue, RuleViolated
from domain.espaces import Mode
from domain.permissions import CATALOGUE, Permission
from domain.profile import (
    ADMINISTRATION,
    CLASS_COUNCIL,
    DOCUMENTALIST,
    SCHOOL_LIFE,
    TEACHER_DEFAULT,
    Profile,
    ProfileKind,
)
from domain.staff_member import StaffMember

DEFAULT_ORDER = [
    ("group", ADMINISTRATION),
    ("group", CLASS_COUNCIL),
    ("school-life", SCHOOL_LIFE),
    ("teacher", DOCUMENTALIST),
    ("teacher", TEACHER_DEFAULT),
]


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def refused(base: SchoolYearBase, error: type[DomainError], command: Callable[[UnitOfWork], object]) -> DomainError:
    """Run a command that must be refused; nothing is written."""
    before = head(base)
    with pytest.raises(error) as raised:
        base.execute(command)
    assert head(base) == before
    return raised.value


@dataclass(frozen=True)
class Draft:
    """What the super-admin types in the profile editor."""

    name: str = "Vie scolaire 2"
    kind: str = "school-life"
    permissions: tuple[str, ...] = ("absences.read", "students.read")
    inactivity_minutes: int = 30
    sees_all_students: bool = False

    def create(self, base: SchoolYearBase, unit: UnitOfWork) -> UUID:
        return base.create_profile(
            unit,
            kind=self.kind,
            name=self.name,
            permissions=self.permissions,
            inactivity_minutes=self.inactivity_minutes,
            sees_all_students=self.sees_all_students,
        )


def create(base: SchoolYearBase, draft: Draft = Draft()) -> UUID:
    return base.execute(lambda unit: draft.create(base, unit))


def group_id(name: str) -> UUID:
    return Profile.create_id(ProfileKind.GROUP.value, name)


def open_staff(base: SchoolYearBase, function: str, last_name: str = "Durand") -> OpenedAccount:
    def write(unit: UnitOfWork) -> OpenedAccount:
        member = base.register_staff_member(unit, last_name=last_name, first_name="Léa", function=function)
        return base.open_account(unit, person_kind=PersonKind.STAFF, person_id=member)

    return base.execute(write)


def account(base: SchoolYearBase, login: str) -> Account:
    found: Account = base.repository.get(Account.create_id(login))
    return found


# -- reading ---------------------------------------------------------------------------------------


def test_a_new_base_lists_the_default_groups_and_profiles_in_order(base: SchoolYearBase) -> None:
    profiles = base.list_profiles()

    assert [(p.kind.value, p.name) for p in profiles] == DEFAULT_ORDER
    documentalist = profiles[3]
    assert documentalist.sees_all_students
    assert Permission.SESSION.value in documentalist.permissions
    assert documentalist.permissions == sorted(documentalist.permissions)


def test_the_catalogue_is_the_domains(base: SchoolYearBase) -> None:
    assert base.permission_catalogue() == CATALOGUE


def test_an_unknown_profile_is_not_found(base: SchoolYearBase) -> None:
    with pytest.raises(NotFound):
        base.get_profile(UUID(int=0))


# -- creating, copying, editing --------------------------------------------------------------------


def test_a_created_profile_is_listed_with_its_rights(base: SchoolYearBase) -> None:
    profile_id = create(base)

    item = base.get_profile(profile_id)

    assert profile_id == Profile.create_id("school-life", "Vie scolaire 2")
    assert (item.kind, item.name, item.inactivity_minutes, item.copied_from) == (
        ProfileKind.SCHOOL_LIFE,
        "Vie scolaire 2",
        30,
        None,
    )
    assert item.permissions == ["absences.read", "session", "students.read"]
    assert [p.name for p in base.list_profiles()].count("Vie scolaire 2") == 1


def test_a_name_is_given_once_per_kind_whatever_its_case(base: SchoolYearBase) -> None:
    error = refused(base, AlreadyExists, lambda unit: Draft(name="VIE SCOLAIRE").create(base, unit))

    assert error.field == "name"
    assert "'VIE SCOLAIRE'" in error.message
    assert create(base, Draft(name="Vie scolaire", kind="teacher")) == Profile.create_id("teacher", "Vie scolaire")


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (Draft(kind="direction"), "kind"),
        (Draft(permissions=("students.read", "students.delete")), "permissions[1]"),
        (Draft(inactivity_minutes=-1), "inactivity_minutes"),
        (Draft(sees_all_students=True), "sees_all_students"),
        (Draft(name="  "), "name"),
    ],
)
def test_an_invalid_profile_is_refused_naming_the_field(base: SchoolYearBase, draft: Draft, field: str) -> None:
    error = refused(base, InvalidValue, lambda unit: draft.create(base, unit))

    assert error.field == field


def test_a_copy_keeps_the_kind_and_rights_of_its_source(base: SchoolYearBase) -> None:
    source = Profile.create_id("teacher", TEACHER_DEFAULT)

    copy_id = base.execute(lambda unit: base.copy_profile(unit, profile_id=source, name="Profil 2"))

    copy, original = base.get_profile(copy_id), base.get_profile(source)
    assert (copy.kind, copy.name, copy.copied_from) == (ProfileKind.TEACHER, "Profil 2", source)
    assert (copy.permissions, copy.inactivity_minutes) == (original.permissions, original.inactivity_minutes)


def test_a_copy_needs_a_source_and_a_new_name(base: SchoolYearBase) -> None:
    source = Profile.create_id("teacher", TEACHER_DEFAULT)

    refused(base, NotFound, lambda unit: base.copy_profile(unit, profile_id=UUID(int=0), name="Profil 2"))
    error = refused(base, AlreadyExists, lambda unit: base.copy_profile(unit, profile_id=source, name="profil 1"))
    assert error.field == "name"


def test_editing_a_profile_replaces_its_rights(base: SchoolYearBase) -> None:
    profile_id = create(base)

    base.execute(
        lambda unit: base.edit_profile(
            unit, profile_id=profile_id, permissions=["grades.read"], inactivity_minutes=0, sees_all_students=False
        )
    )

    item = base.get_profile(profile_id)
    assert (item.permissions, item.inactivity_minutes) == (["grades.read", "session"], 0)


def test_editing_without_change_or_an_unknown_profile_is_refused(base: SchoolYearBase) -> None:
    profile_id = create(base)

    refused(
        base,
        RuleViolated,
        lambda unit: base.edit_profile(
            unit,
            profile_id=profile_id,
            permissions=["students.read", "absences.read", "session"],
            inactivity_minutes=30,
            sees_all_students=False,
        ),
    )
    refused(
        base,
        NotFound,
        lambda unit: base.edit_profile(
            unit, profile_id=UUID(int=0), permissions=[], inactivity_minutes=30, sees_all_students=False
        ),
    )


# -- accounts ---------------------------------------------------------------------------------------


def test_assigning_a_profile_and_changing_the_group_are_events_of_the_account(base: SchoolYearBase) -> None:
    opened = open_staff(base, "Direction")
    school_life_2 = create(base)
    before = head(base)

    base.execute(lambda unit: base.assign_profile(unit, login=opened.login.lower(), profile_id=school_life_2))
    base.execute(lambda unit: base.change_group(unit, login=opened.login, group_id=group_id(CLASS_COUNCIL)))

    written = [n.topic.rsplit(".", 1)[-1] for n in base.recorder.select_notifications(start=before + 1, limit=10)]
    assert written == ["ProfileAssigned", "GroupChanged"]
    held = account(base, opened.login)
    assert (held.profile_id, held.group_id) == (school_life_2, group_id(CLASS_COUNCIL))


def test_an_account_without_a_group_no_longer_connects_in_admin_mode(base: SchoolYearBase) -> None:
    opened = open_staff(base, "Secrétaire")

    base.execute(lambda unit: base.change_group(unit, login=opened.login, group_id=None))

    assert account(base, opened.login).group_id is None
    with pytest.raises(NoMode):
        base.log_in(LoginAttempt(login=opened.login, password=opened.password, mode=Mode.ADMIN))


@pytest.mark.parametrize("login", ["NOBODY", "not a login", ""])
def test_an_unknown_login_is_not_found(base: SchoolYearBase, login: str) -> None:
    error = refused(
        base, NotFound, lambda unit: base.assign_profile(unit, login=login, profile_id=group_id(ADMINISTRATION))
    )

    assert error.field is None


def test_an_unknown_profile_or_group_is_not_found_naming_the_field(base: SchoolYearBase) -> None:
    opened = open_staff(base, "Direction")

    error = refused(base, NotFound, lambda unit: base.assign_profile(unit, login=opened.login, profile_id=UUID(int=1)))
    assert error.field == "profile_id"
    error = refused(base, NotFound, lambda unit: base.change_group(unit, login=opened.login, group_id=UUID(int=1)))
    assert error.field == "group_id"


def test_a_profile_of_the_wrong_kind_is_refused_naming_the_field(base: SchoolYearBase) -> None:
    opened = open_staff(base, "Direction")

    error = refused(
        base,
        RuleViolated,
        lambda unit: base.assign_profile(unit, login=opened.login, profile_id=group_id(ADMINISTRATION)),
    )
    assert error.field == "profile_id"
    school_life = Profile.create_id("school-life", SCHOOL_LIFE)
    error = refused(base, RuleViolated, lambda unit: base.change_group(unit, login=opened.login, group_id=school_life))
    assert error.field == "group_id"


def test_the_super_admin_has_no_group_nor_profile_to_change(base: SchoolYearBase) -> None:
    refused(base, RuleViolated, lambda unit: base.change_group(unit, login="SPR", group_id=group_id(ADMINISTRATION)))
    refused(base, RuleViolated, lambda unit: base.change_group(unit, login="SPR", group_id=None))


# -- support assistants -----------------------------------------------------------------------------


def enrol(base: SchoolYearBase, first_name: str) -> UUID:
    return base.execute(
        lambda unit: base.enrol_student(
            unit, last_name="Roux", first_name=first_name, birth_date=date(2012, 5, 6), sex="M"
        )
    )


def register(base: SchoolYearBase, function: str) -> UUID:
    return base.execute(
        lambda unit: base.register_staff_member(unit, last_name="Petit", first_name="Anne", function=function)
    )


def test_an_aesh_is_assigned_students_and_the_directory_follows(base: SchoolYearBase) -> None:
    anne, leo, ana = register(base, "AESH"), enrol(base, "Léo"), enrol(base, "Ana")

    assigned = base.execute(lambda unit: base.assign_students(unit, staff_id=anne, student_ids=[leo, ana, leo]))
    assert assigned == sorted([leo, ana], key=str)
    base.execute(lambda unit: base.assign_students(unit, staff_id=anne, student_ids=[ana]))

    with base.reading() as connection:
        assert base.directory.students_assigned_to(connection, anne) == {ana}
    member: StaffMember = base.repository.get(anne)
    assert member.assigned == {ana}


def test_an_unknown_student_is_not_found_naming_its_place(base: SchoolYearBase) -> None:
    anne, leo = register(base, "AESH"), enrol(base, "Léo")

    error = refused(
        base, NotFound, lambda unit: base.assign_students(unit, staff_id=anne, student_ids=[leo, UUID(int=9)])
    )

    assert error.field == "student_ids[1]"
    assert str(UUID(int=9)) in error.message


def test_only_an_aesh_known_to_the_base_is_assigned_students(base: SchoolYearBase) -> None:
    cpe, leo = register(base, "CPE"), enrol(base, "Léo")

    refused(base, NotFound, lambda unit: base.assign_students(unit, staff_id=UUID(int=3), student_ids=[leo]))
    error = refused(base, RuleViolated, lambda unit: base.assign_students(unit, staff_id=cpe, student_ids=[leo]))
    assert error.field == "student_ids"
