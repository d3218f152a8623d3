"""Students: enrolment, the sorted list, each record (journaled), class moves."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from domain.session import Session
from domain.student import Student
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing

STUDENT_FIELDS = {"id", "ine", "last_name", "first_name", "birth_date", "sex", "class_code", "left_on"}
RECORD_FIELDS = STUDENT_FIELDS | {"class_history", "groups", "guardians"}


def enrolment(**overrides: Any) -> dict[str, Any]:
    return {"last_name": "Martin", "first_name": "Léa", "birth_date": "2012-03-04", "sex": "F", **overrides}


def test_enrolling_a_student_answers_201_with_their_record(school_on_each_backend: SchoolClient) -> None:
    school = school_on_each_backend
    school.open_class("3A")

    response = school.post("/students", enrolment(ine="12345 67890a", class_code="3A"))

    assert response.status_code == 201
    record = response.json()
    assert set(record) == RECORD_FIELDS
    assert record["id"] == str(Student.create_id("1234567890A"))
    assert {k: v for k, v in record.items() if k not in {"id", "class_history"}} == {
        "ine": "1234567890A",
        "last_name": "Martin",
        "first_name": "Léa",
        "birth_date": "2012-03-04",
        "sex": "F",
        "class_code": "3A",
        "left_on": None,
        "groups": [],
        "guardians": [],
    }
    [move] = record["class_history"]
    assert set(move) == {"class_code", "since"}
    assert move["class_code"] == "3A"
    assert datetime.fromisoformat(move["since"]).utcoffset() is not None


def test_the_directory_scenario_on_each_backend(school_on_each_backend: SchoolClient) -> None:
    """Classes, students sorted with accents folded, a move, a guardian: what a secretary does on day one."""
    school = school_on_each_backend
    school.open_class("3A")
    school.open_class("3B")
    fanny = school.enrol("Fanny", class_code="3A")
    elise = school.enrol("Élise", class_code="3B")
    eddy = school.enrol("eddy", class_code="3A")
    school.post(f"/students/{fanny['id']}/class", {"class_code": "3B"})
    guardian = school.register_guardian(
        "Fanny", children=[{"student_id": fanny["id"], "relationship": "MERE"}], email="mere@example.fr"
    )

    assert [s["last_name"] for s in school.items("/students")] == ["eddy", "Élise", "Fanny"]
    assert [s["id"] for s in school.items("/students", {"class_code": "3B"})] == [elise["id"], fanny["id"]]
    assert [s["id"] for s in school.items("/students", {"class_code": "3A"})] == [eddy["id"]]
    record = school.get(f"/students/{fanny['id']}").json()
    assert [m["class_code"] for m in record["class_history"]] == ["3A", "3B"]
    assert record["class_code"] == "3B"
    assert [(g["guardian_id"], g["relationship"], g["email"]) for g in record["guardians"]] == [
        (guardian["id"], "MERE", "mere@example.fr")
    ]
    [listed] = school.items("/guardians")
    assert [(c["student_id"], c["class_code"]) for c in listed["children"]] == [(fanny["id"], "3B")]


def test_enrolling_without_ine_or_class_gives_an_empty_history(school: SchoolClient) -> None:
    record = school.enrol("Martin")

    assert record["ine"] is None
    assert record["class_code"] is None
    assert record["class_history"] == []
    UUID(record["id"])


def test_two_students_without_ine_are_two_students(school: SchoolClient) -> None:
    first = school.enrol("Martin", "Léa")
    second = school.enrol("Martin", "Léa")

    assert first["id"] != second["id"]
    assert len(school.items("/students")) == 2


def test_students_are_listed_by_last_then_first_name_with_accents_and_case_folded(school: SchoolClient) -> None:
    for last, first in [("Fanny", "Zoé"), ("Élise", "Anne"), ("Eddy", "Marc"), ("eddy", "Adam"), ("Dupont", "Zoé")]:
        school.enrol(last, first)

    items = school.items("/students")

    assert [(s["last_name"], s["first_name"]) for s in items] == [
        ("Dupont", "Zoé"),
        ("eddy", "Adam"),
        ("Eddy", "Marc"),
        ("Élise", "Anne"),
        ("Fanny", "Zoé"),
    ]
    assert all(set(s) == STUDENT_FIELDS for s in items)


def test_a_shorter_last_name_sorts_before_a_longer_one_whatever_the_first_names(school: SchoolClient) -> None:
    school.enrol("Duponte", "Anne")
    school.enrol("Dupont", "Zoé")

    assert [s["last_name"] for s in school.items("/students")] == ["Dupont", "Duponte"]


def test_the_class_filter_lists_only_that_class_and_an_unknown_class_lists_nobody(school: SchoolClient) -> None:
    school.open_class("3A")
    school.open_class("4A", "4E")
    in_3a = school.enrol("Bernard", class_code="3A")
    school.enrol("Arnaud", class_code="4A")
    school.enrol("Colin")

    assert [s["id"] for s in school.items("/students", {"class_code": "3A"})] == [in_3a["id"]]
    assert school.items("/students", {"class_code": "5Z"}) == []
    assert len(school.items("/students")) == 3


def test_reading_a_record_journals_exactly_one_record_consultation(school: SchoolClient) -> None:
    student = school.enrol("Martin")
    head = school.head()

    response = school.get(f"/students/{student['id']}")

    assert response.status_code == 200
    assert set(response.json()) == RECORD_FIELDS
    [line] = school.journal(head)
    assert isinstance(line, Session.RecordConsulted)
    assert line.subject_type == "student"
    assert line.subject_id == UUID(student["id"])
    assert line.categories == ["identity", "schooling", "family"]
    assert line.purpose == "directory"
    assert len(school.events(head)) == 1


def test_reading_the_list_journals_exactly_one_list_consultation_with_its_filter(school: SchoolClient) -> None:
    school.open_class("3A")
    school.enrol("Martin", class_code="3A")
    school.enrol("Bernard")
    head = school.head()

    school.items("/students")
    school.items("/students", {"class_code": "3A"})

    lines = school.journal(head)
    assert all(isinstance(line, Session.ListConsulted) for line in lines)
    assert [(line.resource, line.filters, line.count) for line in lines if isinstance(line, Session.ListConsulted)] == [
        ("students", {}, 2),
        ("students", {"class_code": "3A"}, 1),
    ]
    assert len(school.events(head)) == 2


@pytest.mark.parametrize("student_id", ["00000000-0000-0000-0000-000000000000", "not-an-id", "1234"])
def test_an_unknown_or_malformed_student_id_is_404_and_journals_nothing(school: SchoolClient, student_id: str) -> None:
    school.enrol("Martin")
    head = school.head()

    response = school.get(f"/students/{student_id}")

    assert_problem(response, 404, "not-found", [])
    assert school.head() == head


def assert_enrolment_refused(
    school: SchoolClient, body: dict[str, Any], status: int, code: str, fields: list[str]
) -> None:
    before = school.items("/students")
    assert_refused_without_writing(school, lambda: school.post("/students", body), status, code, fields)
    assert school.items("/students") == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"first_name": "Léa", "birth_date": "2012-03-04", "sex": "F"}, ["last_name"]),
        ({}, ["last_name", "first_name", "birth_date", "sex"]),
        (enrolment(nickname="Lélé"), ["nickname"]),
        (enrolment(birth_date="04/03/2012"), ["birth_date"]),
        (enrolment(birth_date=20120304.5), ["birth_date"]),
        (enrolment(sex="X"), ["sex"]),
        (enrolment(last_name=42, class_code=["3A"]), ["last_name", "class_code"]),
        (enrolment(last_name="   "), ["last_name"]),
    ],
)
def test_an_enrolment_with_missing_extra_or_mistyped_fields_is_422_naming_each(
    school: SchoolClient, body: dict[str, Any], fields: list[str]
) -> None:
    assert_enrolment_refused(school, body, 422, "invalid-request", fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ine": "123"}, "ine"),
        ({"ine": "1234567890-"}, "ine"),
        ({"class_code": "9Z"}, "class_code"),
        ({"birth_date": "2026-11-25"}, "birth_date"),
        ({"birth_date": "1899-12-31"}, "birth_date"),
        ({"first_name": "Léa\x00"}, "first_name"),
    ],
)
def test_an_enrolment_the_domain_refuses_is_422_naming_the_field(
    school: SchoolClient, overrides: dict[str, str], field: str
) -> None:
    school.open_class("3A")

    assert_enrolment_refused(school, enrolment(**overrides), 422, "invalid-value", [field])


def test_a_birth_date_today_is_accepted(school: SchoolClient) -> None:
    assert school.enrol("Martin", birth_date="2026-11-24")["birth_date"] == "2026-11-24"


def test_a_duplicate_ine_is_409_and_writes_nothing(school: SchoolClient) -> None:
    school.enrol("Martin", ine="1234567890A")

    assert_enrolment_refused(school, enrolment(last_name="Autre", ine="1234567890a"), 409, "already-exists", ["ine"])


def test_moving_a_student_appends_to_the_class_history(school: SchoolClient) -> None:
    for code in ("3A", "3B", "3C"):
        school.open_class(code)
    student = school.enrol("Martin", class_code="3A")

    first = school.post(f"/students/{student['id']}/class", {"class_code": "3B"})
    second = school.post(f"/students/{student['id']}/class", {"class_code": "3C"})

    assert first.status_code == 200
    assert second.status_code == 200
    record = second.json()
    assert set(record) == RECORD_FIELDS
    assert record["class_code"] == "3C"
    assert [m["class_code"] for m in record["class_history"]] == ["3A", "3B", "3C"]
    instants = [datetime.fromisoformat(m["since"]) for m in record["class_history"]]
    assert instants == sorted(instants)
    assert [s["id"] for s in school.items("/students", {"class_code": "3A"})] == []
    assert [s["id"] for s in school.items("/students", {"class_code": "3C"})] == [student["id"]]


def test_moving_a_student_without_a_class_gives_them_their_first_class(school: SchoolClient) -> None:
    school.open_class("3A")
    student = school.enrol("Martin")

    record = school.post(f"/students/{student['id']}/class", {"class_code": "3A"}).json()

    assert [m["class_code"] for m in record["class_history"]] == ["3A"]


def assert_move_refused(
    school: SchoolClient, student_id: str, body: Any, status: int, code: str, *, fields: list[str]
) -> None:
    before = school.items("/students")
    assert_refused_without_writing(
        school, lambda: school.post(f"/students/{student_id}/class", body), status, code, fields
    )
    assert school.items("/students") == before


def test_moving_a_student_to_their_own_class_is_409_and_writes_nothing(school: SchoolClient) -> None:
    school.open_class("3A")
    student = school.enrol("Martin", class_code="3A")

    assert_move_refused(school, student["id"], {"class_code": "3A"}, 409, "rule-violated", fields=["class_code"])


def test_moving_a_student_to_an_unknown_class_is_422_and_writes_nothing(school: SchoolClient) -> None:
    school.open_class("3A")
    student = school.enrol("Martin", class_code="3A")

    assert_move_refused(school, student["id"], {"class_code": "9Z"}, 422, "invalid-value", fields=["class_code"])


@pytest.mark.parametrize(
    ("body", "fields"),
    [({}, ["class_code"]), ({"class_code": 3}, ["class_code"]), ({"class": "3B"}, ["class", "class_code"])],
)
def test_a_move_with_a_wrong_body_is_422_naming_each_field(
    school: SchoolClient, body: dict[str, Any], fields: list[str]
) -> None:
    school.open_class("3A")
    student = school.enrol("Martin", class_code="3A")

    assert_move_refused(school, student["id"], body, 422, "invalid-request", fields=fields)


@pytest.mark.parametrize("student_id", ["00000000-0000-0000-0000-000000000000", "not-an-id"])
def test_moving_an_unknown_or_malformed_student_is_404_and_writes_nothing(
    school: SchoolClient, student_id: str
) -> None:
    school.open_class("3A")
    school.enrol("Martin")

    assert_move_refused(school, student_id, {"class_code": "3A"}, 404, "not-found", fields=[])
