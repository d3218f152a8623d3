"""One school with a person of every kind and a logged-in client for every role and mode.

The school (built on the super-administrator's :class:`SchoolClient`):

- classes 3A, 3B, 4A; the group G1 drawn from 4A;
- students Zoé (3A) and Hugo (4A), children of Claire; Léo (3B), child of Paul; Ana (4A, in G1);
  Tom (no class), child of Marc;
- Marie Curie, teacher (Profil 1): a service in 3A, a service in G1, principal teacher of 3B;
- Jean Lambert, documentalist teacher (profile "Professeur documentaliste");
- Hélène Bernard, Direction (group Administration); Luc Moreau, secretary moved to the group
  Conseil de classe; Léa Durand, CPE (profile Vie scolaire);
- Anne Petit, AESH, who accompanies Léo and Ana.

Each role logs in through ``POST /auth/login`` in its mode and leaves its provisional password
behind, as every first connection must. Services come from STS imports and have no route: they are
written here with the domain aggregate through a unit of work, like the family Espaces, whose routes
are not the concern of these tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import httpx2

from application.account_opening import PersonKind
from application.base import SchoolYearBase
from application.directory import ChildLink
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.espaces import FAMILY_ESPACES, MODE_ESPACE, Espace, Mode
from domain.permissions import Permission
from domain.profile import (
    ADMINISTRATION,
    CLASS_COUNCIL,
    DOCUMENTALIST,
    SCHOOL_LIFE,
    TEACHER_DEFAULT,
    Profile,
    ProfileKind,
)
from domain.school import School
from domain.service import Service
from domain.student import Student
from domain.teacher import Teacher
from domain.teaching_group import TeachingGroup
from tests.api.conftest import CHOSEN_PASSWORD, SchoolClient

SUPER_ADMIN = "super-admin"
ADMINISTRATION_STAFF = "administration"
CLASS_COUNCIL_STAFF = "class-council"
SCHOOL_LIFE_STAFF = "school-life"
TEACHER = "teacher"
DOCUMENTALIST_TEACHER = "documentalist"
GUARDIAN = "guardian"
STUDENT = "student"
SUPPORT = "support"

ROLES = [
    SUPER_ADMIN,
    ADMINISTRATION_STAFF,
    CLASS_COUNCIL_STAFF,
    SCHOOL_LIFE_STAFF,
    TEACHER,
    DOCUMENTALIST_TEACHER,
    GUARDIAN,
    STUDENT,
    SUPPORT,
]


# Default groups and profiles, by role, as the account opening and the fixture above give them.
ROLE_PROFILES: dict[str, tuple[ProfileKind, str]] = {
    ADMINISTRATION_STAFF: (ProfileKind.GROUP, ADMINISTRATION),
    CLASS_COUNCIL_STAFF: (ProfileKind.GROUP, CLASS_COUNCIL),
    SCHOOL_LIFE_STAFF: (ProfileKind.SCHOOL_LIFE, SCHOOL_LIFE),
    TEACHER: (ProfileKind.TEACHER, TEACHER_DEFAULT),
    DOCUMENTALIST_TEACHER: (ProfileKind.TEACHER, DOCUMENTALIST),
}


@dataclass
class RoleClient:
    """One account's open session in one mode, and the permissions the catalogue says it holds."""

    name: str
    school: SchoolClient
    login: str
    mode: Mode
    token: str
    person_id: UUID | None
    expected: frozenset[Permission]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, body: Any = None) -> httpx2.Response:
        return self.school.client.request(method, path, json=body, headers=self.headers)

    def get(self, tail: str) -> httpx2.Response:
        return self.request("GET", self.school.url(tail))

    def post(self, tail: str, body: Any) -> httpx2.Response:
        return self.request("POST", self.school.url(tail), body)

    def items(self, tail: str) -> list[dict[str, Any]]:
        response = self.get(tail)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@dataclass
class RoleSchool:
    """The school, the ids of its people, and a client for every role."""

    admin: SchoolClient
    people: dict[str, UUID]
    roles: dict[str, RoleClient]

    @property
    def base(self) -> SchoolYearBase:
        return self.admin.base

    def __getitem__(self, role: str) -> RoleClient:
        return self.roles[role]


def build_role_school(school: SchoolClient) -> RoleSchool:
    """The school above, every family Espace published, and every role logged in."""
    base = school.base
    people, accounts = base.execute(lambda unit: _write_people(base, unit))
    base.execute(lambda unit: _publish_family_espaces(base, unit))
    roles = {SUPER_ADMIN: _super_admin(school)}
    for name, opened in accounts.items():
        roles[name] = _log_in(school, name, opened)
    return RoleSchool(admin=school, people=people, roles=roles)


def expected_permissions(base: SchoolYearBase, login: str | None, mode: Mode) -> frozenset[Permission]:
    """What the catalogue says a session holds: everything for the super-admin, else its group,
    its profile, or the published rubrics of its Espace (and ``session`` always)."""
    if login is None:
        return frozenset(Permission)
    unit = UnitOfWork(base)
    espace = MODE_ESPACE[mode]
    if espace in FAMILY_ESPACES:
        return unit.get(School, School.create_id(base.uai), "school").espaces[espace].rubric_permissions()
    account = unit.get(Account, Account.create_id(login), "account")
    profile_id = account.group_id if mode is Mode.ADMIN else account.profile_id
    assert profile_id is not None, f"{login} has nothing to connect with in {mode.value} mode"
    return unit.get(Profile, profile_id, "profile").permissions


def profile_id(kind: ProfileKind, name: str) -> UUID:
    return Profile.create_id(kind.value, name)


# -- building the school ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedRole:
    """An account opened for a role: its one-time credentials, its mode and its person."""

    login: str
    password: str
    mode: Mode
    person_id: UUID


def _write_people(base: SchoolYearBase, unit: UnitOfWork) -> tuple[dict[str, UUID], dict[str, OpenedRole]]:
    for code, level in (("3A", "3E"), ("3B", "3E"), ("4A", "4E")):
        base.open_class(unit, code=code, label=f"Classe {code}", level=level)
    unit.create(TeachingGroup.open(code="G1", label="Latin", class_codes=["4A"]))

    def enrol(last_name: str, first_name: str, class_code: str | None) -> UUID:
        return base.enrol_student(
            unit,
            last_name=last_name,
            first_name=first_name,
            birth_date=date(2012, 3, 4),
            sex="F",
            class_code=class_code,
        )

    people = {
        "zoe": enrol("Dupont", "Zoé", "3A"),
        "hugo": enrol("Dupont", "Hugo", "4A"),
        "leo": enrol("Roux", "Léo", "3B"),
        "ana": enrol("Garnier", "Ana", "4A"),
        "tom": enrol("Faure", "Tom", None),
    }
    unit.get(Student, people["ana"], "student").join_group("G1")
    people["claire"] = base.register_guardian(
        unit,
        last_name="Dupont",
        first_name="Claire",
        children=[
            ChildLink(people["zoe"], "MERE"),
            ChildLink(people["hugo"], "MERE"),
        ],
    )
    people["paul"] = base.register_guardian(
        unit, last_name="Roux", first_name="Paul", children=[ChildLink(people["leo"], "PERE")]
    )
    people["marc"] = base.register_guardian(
        unit, last_name="Faure", first_name="Marc", children=[ChildLink(people["tom"], "PERE")]
    )
    people["marie"] = base.register_teacher(unit, last_name="Curie", first_name="Marie")
    people["jean"] = base.register_teacher(unit, last_name="Lambert", first_name="Jean")
    unit.get(Teacher, people["marie"], "teacher").change_principal_classes(["3B"])
    for subject, class_code, group_code in (("MATHS", "3A", None), ("LATIN", None, "G1")):
        unit.create(
            Service.open(
                subject_code=subject,
                subject_label=None,
                course_mode="CG",
                class_code=class_code,
                group_code=group_code,
                teacher_ids=[people["marie"]],
            )
        )
    people["helene"] = base.register_staff_member(unit, last_name="Bernard", first_name="Hélène", function="Direction")
    people["luc"] = base.register_staff_member(unit, last_name="Moreau", first_name="Luc", function="Secrétaire")
    people["lea"] = base.register_staff_member(unit, last_name="Durand", first_name="Léa", function="CPE")
    people["anne"] = base.register_staff_member(unit, last_name="Petit", first_name="Anne", function="AESH")
    base.assign_students(unit, staff_id=people["anne"], student_ids=[people["leo"], people["ana"]])

    opened = {
        ADMINISTRATION_STAFF: (PersonKind.STAFF, "helene", Mode.ADMIN),
        CLASS_COUNCIL_STAFF: (PersonKind.STAFF, "luc", Mode.ADMIN),
        SCHOOL_LIFE_STAFF: (PersonKind.STAFF, "lea", Mode.SCHOOL_LIFE),
        TEACHER: (PersonKind.TEACHER, "marie", Mode.TEACHER),
        DOCUMENTALIST_TEACHER: (PersonKind.TEACHER, "jean", Mode.TEACHER),
        GUARDIAN: (PersonKind.GUARDIAN, "claire", Mode.PARENTS),
        STUDENT: (PersonKind.STUDENT, "zoe", Mode.STUDENTS),
        SUPPORT: (PersonKind.STAFF, "anne", Mode.SUPPORT),
    }
    accounts: dict[str, OpenedRole] = {}
    for role, (kind, person, mode) in opened.items():
        account = base.open_account(unit, person_kind=kind, person_id=people[person])
        accounts[role] = OpenedRole(account.login, account.password, mode, people[person])
    base.change_group(
        unit, login=accounts[CLASS_COUNCIL_STAFF].login, group_id=profile_id(ProfileKind.GROUP, CLASS_COUNCIL)
    )
    base.assign_profile(
        unit, login=accounts[DOCUMENTALIST_TEACHER].login, profile_id=profile_id(ProfileKind.TEACHER, DOCUMENTALIST)
    )
    return people, accounts


def _publish_family_espaces(base: SchoolYearBase, unit: UnitOfWork) -> None:
    school = unit.get(School, School.create_id(base.uai), "school")
    for espace in (Espace.PARENTS, Espace.STUDENTS, Espace.SUPPORT):
        school.publish(espace)


def _super_admin(school: SchoolClient) -> RoleClient:
    return RoleClient(
        name=SUPER_ADMIN,
        school=school,
        login=school.credentials.login,
        mode=Mode.ADMIN,
        token=school.token,
        person_id=None,
        expected=expected_permissions(school.base, None, Mode.ADMIN),
    )


def _log_in(school: SchoolClient, name: str, opened: OpenedRole) -> RoleClient:
    login, password, mode = opened.login, opened.password, opened.mode
    response = school.client.post(
        "/auth/login", json={"uai": school.uai, "login": login, "password": password, "mode": mode.value}
    )
    assert response.status_code == 200, (name, response.text)
    assert response.json()["must_change_password"] is True
    role = RoleClient(
        name=name,
        school=school,
        login=login,
        mode=mode,
        token=response.json()["token"],
        person_id=opened.person_id,
        expected=expected_permissions(school.base, login, mode),
    )
    changed = school.client.post(
        "/auth/password",
        json={"current_password": password, "new_password": CHOSEN_PASSWORD},
        headers=role.headers,
    )
    assert changed.status_code == 204, (name, changed.text)
    return role
