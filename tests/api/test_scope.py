"""Scope on top of permission, through HTTP: each role reads only the students it may, and anyone
else is 404, exactly as an id that does not exist, with no line in the journal.

The school is the one of :mod:`tests.api.roles`: Claire is the mother of Zoé (3A) and Hugo (4A), Paul
the father of Léo (3B), Marc the father of Tom (no class); Ana (4A) is in the group G1; Marie teaches
3A and G1 and is principal teacher of 3B; Jean is the documentalist; Anne (AESH) accompanies Léo and Ana.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing
from tests.api.roles import (
    ADMINISTRATION_STAFF,
    DOCUMENTALIST_TEACHER,
    GUARDIAN,
    SCHOOL_LIFE_STAFF,
    STUDENT,
    SUPER_ADMIN,
    SUPPORT,
    TEACHER,
    RoleClient,
    RoleSchool,
    build_role_school,
)

EVERY_STUDENT = ["Hugo", "Zoé", "Tom", "Ana", "Léo"]  # by name: Dupont, Dupont, Faure, Garnier, Roux
UNKNOWN = UUID(int=7)


@pytest.fixture
def roles(school: SchoolClient) -> RoleSchool:
    return build_role_school(school)


def first_names(items: list[dict[str, Any]]) -> list[str]:
    return [item["first_name"] for item in items]


def assert_not_found(roles: RoleSchool, role: RoleClient, what: str, subject: UUID, tail: str = "") -> None:
    """404 worded as for an id that does not exist, and nothing written: no journal line, no event."""
    head = roles.admin.head()
    problem = assert_problem(role.get(f"/{what}s/{subject}{tail}"), 404, "not-found")
    assert problem["detail"] == f"{what} {subject} does not exist"
    assert roles.admin.head() == head, f"{role.name} asking for {what} {subject} wrote events"


def assert_readable(role: RoleClient, what: str, subject: UUID) -> None:
    response = role.get(f"/{what}s/{subject}")
    assert response.status_code == 200, (role.name, response.text)
    assert response.json()["id"] == str(subject)


# -- families ---------------------------------------------------------------------------------------


def test_a_guardian_lists_and_reads_only_their_own_children(roles: RoleSchool) -> None:
    claire, people = roles[GUARDIAN], roles.people

    assert first_names(claire.items("/students")) == ["Hugo", "Zoé"]
    assert first_names(claire.items("/students?class_code=3B")) == []
    assert_readable(claire, "student", people["zoe"])
    assert_readable(claire, "student", people["hugo"])
    for other in ("leo", "ana", "tom"):
        assert_not_found(roles, claire, "student", people[other])
    assert_not_found(roles, claire, "student", UNKNOWN)


def test_a_guardian_learns_nothing_of_another_guardian(roles: RoleSchool) -> None:
    claire, people = roles[GUARDIAN], roles.people
    head = roles.admin.head()

    other = claire.get(f"/guardians/{people['paul']}")
    unknown = claire.get(f"/guardians/{UNKNOWN}")

    # Whatever the Espace grants (its rubrics give no guardians.read today: 403 for every id), another
    # family's guardian answers exactly like an id that does not exist.
    assert other.status_code in (403, 404)
    assert (other.status_code, other.json()["type"]) == (unknown.status_code, unknown.json()["type"])
    assert other.json()["detail"].replace(str(people["paul"]), "") == unknown.json()["detail"].replace(str(UNKNOWN), "")
    assert roles.admin.head() == head


def test_a_guardian_reads_the_access_history_of_their_children_only(roles: RoleSchool) -> None:
    claire, people = roles[GUARDIAN], roles.people

    assert claire.get(f"/students/{people['zoe']}/access-history").status_code == 200
    assert_not_found(roles, claire, "student", people["leo"], "/access-history")


def test_a_link_that_is_not_legal_opens_no_record(roles: RoleSchool) -> None:
    claire, people = roles[GUARDIAN], roles.people
    linked = roles.admin.post(
        f"/guardians/{people['claire']}/children",
        {"student_id": str(people["tom"]), "relationship": "FAMILLE", "legal": False},
    )
    assert linked.status_code == 200, linked.text

    assert first_names(claire.items("/students")) == ["Hugo", "Zoé"]
    assert_not_found(roles, claire, "student", people["tom"])


def test_a_student_sees_only_themselves(roles: RoleSchool) -> None:
    zoe, people = roles[STUDENT], roles.people

    assert first_names(zoe.items("/students")) == ["Zoé"]
    assert_readable(zoe, "student", people["zoe"])
    for other in ("hugo", "leo", "ana", "tom"):
        assert_not_found(roles, zoe, "student", people[other])


# -- teachers ---------------------------------------------------------------------------------------


def test_a_teacher_sees_the_students_of_their_classes_groups_and_principal_class(roles: RoleSchool) -> None:
    marie, people = roles[TEACHER], roles.people

    # Zoé: the 3A service; Ana: the G1 service; Léo: Marie is principal teacher of 3B.
    assert first_names(marie.items("/students")) == ["Zoé", "Ana", "Léo"]
    assert first_names(marie.items("/students?class_code=4A")) == ["Ana"]
    for student in ("zoe", "ana", "leo"):
        assert_readable(marie, "student", people[student])
    assert_not_found(roles, marie, "student", people["hugo"])  # 4A, but not in G1
    assert_not_found(roles, marie, "student", people["tom"])


def test_a_teacher_reads_the_guardians_of_their_students_only(roles: RoleSchool) -> None:
    marie, people = roles[TEACHER], roles.people

    assert first_names(marie.items("/guardians")) == ["Claire", "Paul"]
    assert_readable(marie, "guardian", people["paul"])
    assert_not_found(roles, marie, "guardian", people["marc"])


def test_a_documentalist_sees_every_student(roles: RoleSchool) -> None:
    jean, people = roles[DOCUMENTALIST_TEACHER], roles.people

    assert first_names(jean.items("/students")) == EVERY_STUDENT
    assert_readable(jean, "student", people["tom"])
    assert_readable(jean, "guardian", people["marc"])


@pytest.mark.parametrize("role", [SUPER_ADMIN, ADMINISTRATION_STAFF, SCHOOL_LIFE_STAFF])
def test_staff_see_every_student(roles: RoleSchool, role: str) -> None:
    assert first_names(roles[role].items("/students")) == EVERY_STUDENT


# -- support assistants -----------------------------------------------------------------------------


def test_a_support_assistant_sees_the_students_assigned_to_them(roles: RoleSchool) -> None:
    anne, people = roles[SUPPORT], roles.people

    assert first_names(anne.items("/students")) == ["Ana", "Léo"]
    assert_readable(anne, "student", people["ana"])
    for other in ("zoe", "hugo", "tom"):
        assert_not_found(roles, anne, "student", people[other])


def test_a_support_assistant_loses_sight_of_a_student_no_longer_assigned(roles: RoleSchool) -> None:
    anne, people = roles[SUPPORT], roles.people

    response = roles.admin.post(f"/staff/{people['anne']}/students", {"student_ids": [str(people["leo"])]})

    assert response.status_code == 200, response.text
    assert response.json() == {"staff_id": str(people["anne"]), "student_ids": [str(people["leo"])]}
    assert first_names(anne.items("/students")) == ["Léo"]
    assert_not_found(roles, anne, "student", people["ana"])


def test_assigning_an_unknown_student_is_refused_naming_them(roles: RoleSchool) -> None:
    admin, people = roles.admin, roles.people
    body = {"student_ids": [str(people["leo"]), str(UNKNOWN)]}

    problem = assert_refused_without_writing(
        admin, lambda: admin.post(f"/staff/{people['anne']}/students", body), 404, "not-found", ["student_ids[1]"]
    )

    assert problem["detail"] == f"student {UNKNOWN} does not exist"


def test_only_a_known_aesh_is_assigned_students(roles: RoleSchool) -> None:
    admin, people = roles.admin, roles.people
    body = {"student_ids": [str(people["leo"])]}

    assert_refused_without_writing(
        admin, lambda: admin.post(f"/staff/{people['lea']}/students", body), 409, "rule-violated", ["student_ids"]
    )
    assert_refused_without_writing(admin, lambda: admin.post(f"/staff/{UNKNOWN}/students", body), 404, "not-found")
    assert_refused_without_writing(
        admin,
        lambda: admin.post(f"/staff/{people['anne']}/students", {"student_ids": ["Léo"]}),
        422,
        "invalid-request",
        ["student_ids[0]"],
    )
    unchanged = {"student_ids": [str(people["ana"]), str(people["leo"])]}
    assert_refused_without_writing(
        admin, lambda: admin.post(f"/staff/{people['anne']}/students", unchanged), 409, "rule-violated"
    )
