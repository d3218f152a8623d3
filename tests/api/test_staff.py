"""Teachers and other staff members: registration, the sorted lists, each record (journaled)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.session import Session
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing

TEACHER_FIELDS = {"id", "civility", "last_name", "first_name", "email", "disciplines", "principal_of"}
STAFF_FIELDS = {"id", "civility", "last_name", "first_name", "function", "email"}


def teacher(**overrides: Any) -> dict[str, Any]:
    return {"last_name": "Durand", "first_name": "Paul", **overrides}


def staff_member(**overrides: Any) -> dict[str, Any]:
    return {"last_name": "Petit", "first_name": "Anne", "function": "CPE", **overrides}


def test_registering_a_teacher_answers_201_with_their_record(school: SchoolClient) -> None:
    body = teacher(civility="M.", email="paul.durand@ac-paris.fr", disciplines=["Mathématiques", "Physique-chimie"])

    response = school.post("/teachers", body)

    assert response.status_code == 201
    record = response.json()
    assert set(record) == TEACHER_FIELDS
    UUID(record["id"])
    assert {k: v for k, v in record.items() if k != "id"} == {**body, "principal_of": []}


def test_a_teacher_without_options_has_nulls_and_no_discipline(school: SchoolClient) -> None:
    record = school.created("/teachers", teacher())

    assert (record["civility"], record["email"], record["disciplines"]) == (None, None, [])


def test_teachers_are_listed_by_name_with_accents_folded(school: SchoolClient) -> None:
    for name in ("Fanny", "Élise", "Eddy"):
        school.created("/teachers", teacher(last_name=name))

    items = school.items("/teachers")

    assert [t["last_name"] for t in items] == ["Eddy", "Élise", "Fanny"]
    assert all(set(t) == TEACHER_FIELDS for t in items)


def test_reading_a_teachers_record_journals_one_record_consultation(school: SchoolClient) -> None:
    record = school.created("/teachers", teacher())
    head = school.head()

    assert school.get(f"/teachers/{record['id']}").json() == record

    [line] = school.events(head)
    assert isinstance(line, Session.RecordConsulted)
    assert (line.subject_type, line.subject_id, line.categories) == (
        "teacher",
        UUID(record["id"]),
        ["identity", "contact"],
    )


def test_reading_the_teacher_list_journals_one_list_consultation(school: SchoolClient) -> None:
    school.created("/teachers", teacher())
    head = school.head()

    school.items("/teachers")

    [line] = school.events(head)
    assert isinstance(line, Session.ListConsulted)
    assert (line.resource, line.count) == ("teachers", 1)


@pytest.mark.parametrize(
    ("body", "status", "code", "fields"),
    [
        ({"first_name": "Paul"}, 422, "invalid-request", ["last_name"]),
        (teacher(subject="Maths"), 422, "invalid-request", ["subject"]),
        (teacher(disciplines="Maths"), 422, "invalid-request", ["disciplines"]),
        (teacher(disciplines=["Maths", 3]), 422, "invalid-request", ["disciplines[1]"]),
        (teacher(email="paul"), 422, "invalid-value", ["email"]),
        (teacher(civility="Pr"), 422, "invalid-value", ["civility"]),
        (teacher(disciplines=["Maths", " "]), 422, "invalid-value", ["disciplines[1]"]),
    ],
)
def test_a_teacher_registration_that_is_wrong_is_refused_naming_the_field(
    school: SchoolClient, body: dict[str, Any], status: int, code: str, fields: list[str]
) -> None:
    assert_refused_without_writing(school, lambda: school.post("/teachers", body), status, code, fields)
    assert school.items("/teachers") == []


@pytest.mark.parametrize("teacher_id", [str(UUID(int=5)), "durand"])
def test_an_unknown_or_malformed_teacher_id_is_404_and_journals_nothing(school: SchoolClient, teacher_id: str) -> None:
    head = school.head()

    assert_problem(school.get(f"/teachers/{teacher_id}"), 404, "not-found", [])
    assert school.head() == head


def test_registering_a_staff_member_answers_201_with_their_record(school: SchoolClient) -> None:
    body = staff_member(civility="Mme", function="Secrétaire", email="secretariat@example.fr")

    response = school.post("/staff", body)

    assert response.status_code == 201
    record = response.json()
    assert set(record) == STAFF_FIELDS
    UUID(record["id"])
    assert {k: v for k, v in record.items() if k != "id"} == body


def test_staff_are_listed_by_name_with_accents_folded(school: SchoolClient) -> None:
    for name, function in (("Fanny", "AESH"), ("Élise", "Direction"), ("Eddy", "Agent")):
        school.created("/staff", staff_member(last_name=name, function=function))

    items = school.items("/staff")

    assert [(s["last_name"], s["function"]) for s in items] == [
        ("Eddy", "Agent"),
        ("Élise", "Direction"),
        ("Fanny", "AESH"),
    ]
    assert all(set(s) == STAFF_FIELDS for s in items)


def test_reading_a_staff_record_journals_one_record_consultation(school: SchoolClient) -> None:
    record = school.created("/staff", staff_member())
    head = school.head()

    assert school.get(f"/staff/{record['id']}").json() == record

    [line] = school.events(head)
    assert isinstance(line, Session.RecordConsulted)
    assert (line.subject_type, line.subject_id, line.categories) == (
        "staff",
        UUID(record["id"]),
        ["identity", "contact"],
    )


def test_reading_the_staff_list_journals_one_list_consultation(school: SchoolClient) -> None:
    head = school.head()

    assert school.items("/staff") == []

    [line] = school.events(head)
    assert isinstance(line, Session.ListConsulted)
    assert (line.resource, line.count) == ("staff", 0)


@pytest.mark.parametrize(
    ("body", "status", "code", "fields"),
    [
        ({"last_name": "Petit", "first_name": "Anne"}, 422, "invalid-request", ["function"]),
        (staff_member(function="Concierge"), 422, "invalid-request", ["function"]),
        (staff_member(badge=12), 422, "invalid-request", ["badge"]),
        (staff_member(email="anne@"), 422, "invalid-value", ["email"]),
        (staff_member(first_name="\t"), 422, "invalid-request", ["first_name"]),
    ],
)
def test_a_staff_registration_that_is_wrong_is_refused_naming_the_field(
    school: SchoolClient, body: dict[str, Any], status: int, code: str, fields: list[str]
) -> None:
    assert_refused_without_writing(school, lambda: school.post("/staff", body), status, code, fields)
    assert school.items("/staff") == []


@pytest.mark.parametrize("staff_id", [str(UUID(int=5)), "petit"])
def test_an_unknown_or_malformed_staff_id_is_404_and_journals_nothing(school: SchoolClient, staff_id: str) -> None:
    head = school.head()

    assert_problem(school.get(f"/staff/{staff_id}"), 404, "not-found", [])
    assert school.head() == head


def test_a_teacher_id_is_not_a_staff_id(school: SchoolClient) -> None:
    record = school.created("/teachers", teacher())

    assert_problem(school.get(f"/staff/{record['id']}"), 404, "not-found", [])
