"""Opening the account of a person of the directory: a login in the field's style, a provisional
password, the role, group and profile that the person's place in the school gives by default."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from application.core import BaseCore
from application.passwords import generate_password
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.espaces import Role
from domain.external_ids import ExternallyIdentified
from domain.guardian import Guardian
from domain.logins import generate_login
from domain.profile import ADMINISTRATION, SCHOOL_LIFE, TEACHER_DEFAULT, Profile, ProfileKind
from domain.staff_member import StaffMember
from domain.student import Student
from domain.teacher import Teacher
from domain.values import StaffFunction


class PersonKind(StrEnum):
    STUDENT = "student"
    GUARDIAN = "guardian"
    TEACHER = "teacher"
    STAFF = "staff"


PERSON_CLASSES: dict[PersonKind, type[ExternallyIdentified]] = {
    PersonKind.STUDENT: Student,
    PersonKind.GUARDIAN: Guardian,
    PersonKind.TEACHER: Teacher,
    PersonKind.STAFF: StaffMember,
}

# What a staff member's function gives by default: (admin-mode group, school-life profile).
STAFF_DEFAULTS: dict[StaffFunction, tuple[str | None, str | None]] = {
    StaffFunction.DIRECTION: (ADMINISTRATION, SCHOOL_LIFE),
    StaffFunction.SECRETARY: (ADMINISTRATION, None),
    StaffFunction.CPE: (None, SCHOOL_LIFE),
    StaffFunction.SUPERVISOR: (None, SCHOOL_LIFE),
}


@dataclass(frozen=True)
class OpenedAccount:
    """A new account and its provisional password (printed or mailed once, never stored)."""

    account_id: UUID
    person_id: UUID
    person_kind: PersonKind
    role: Role
    login: str
    password: str
    first_name: str
    last_name: str
    email: str | None


class AccountOpening(BaseCore):
    def open_account(self, unit: UnitOfWork, *, person_kind: PersonKind, person_id: UUID) -> OpenedAccount:
        """Open the account of one person; a person has one account, a login is never given twice."""
        person = unit.get(PERSON_CLASSES[person_kind], person_id, person_kind.value)
        first_name: str = person.__dict__["first_name"]
        last_name: str = person.__dict__["last_name"]
        email = _email_of(person)
        role = role_of(person_kind, person.function if isinstance(person, StaffMember) else None)

        def taken(login: str) -> bool:
            return unit.find(Account, Account.create_id(login)) is not None

        login = generate_login(first_name, last_name, taken)
        password = generate_password()
        account = unit.create(
            Account.open(
                login=login,
                password_hash=self.hasher.hash(password),
                role=role,
                person_id=person_id,
                first_name=first_name,
                last_name=last_name,
                email=email,
            )
        )
        person.open_account(account.id, login)
        group, profile = _defaults_of(person)
        if group is not None:
            account.change_group(unit.get(Profile, Profile.create_id(ProfileKind.GROUP, group), "group"))
        if profile is not None:
            kind = ProfileKind.TEACHER if role is Role.TEACHER else ProfileKind.SCHOOL_LIFE
            account.assign_profile(unit.get(Profile, Profile.create_id(kind, profile), "profile"))
        return OpenedAccount(
            account_id=account.id,
            person_id=person_id,
            person_kind=person_kind,
            role=role,
            login=login,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )


KIND_ROLES: dict[PersonKind, Role] = {
    PersonKind.STUDENT: Role.STUDENT,
    PersonKind.GUARDIAN: Role.GUARDIAN,
    PersonKind.TEACHER: Role.TEACHER,
    PersonKind.STAFF: Role.STAFF,
}


def role_of(kind: PersonKind, function: str | None = None) -> Role:
    """The role a person's account has: a staff member whose function is AESH is a support assistant."""
    if kind is PersonKind.STAFF and function == StaffFunction.AESH.value:
        return Role.SUPPORT_ASSISTANT
    return KIND_ROLES[kind]


def _email_of(person: ExternallyIdentified) -> str | None:
    if isinstance(person, Guardian):
        return person.contact.email
    if isinstance(person, Teacher | StaffMember):
        return person.email
    return None


def _defaults_of(person: ExternallyIdentified) -> tuple[str | None, str | None]:
    if isinstance(person, Teacher):
        return None, TEACHER_DEFAULT
    if isinstance(person, StaffMember):
        return STAFF_DEFAULTS.get(StaffFunction(person.function), (None, None))
    return None, None
