"""Proof of who did what: every write made through the API is attributed to the session that made it,
in the same transaction, and an auditor reads who changed what."""

from __future__ import annotations

from domain.session import Session
from domain.student import Student
from tests.api.conftest import SchoolClient, assert_problem


def test_a_write_is_attributed_to_its_session_in_the_same_transaction(school: SchoolClient) -> None:
    head = school.head()

    student = school.enrol("Durand", "Élise")

    events = school.events(head)
    [enrolled] = [e for e in events if isinstance(e, Student.Enrolled)]
    [made] = [e for e in events if isinstance(e, Session.ChangesMade)]
    assert made.changes == [{"aggregate_id": student["id"], "event": "Student.Enrolled"}]
    assert school.base.authenticate(school.token).session_id == made.originator_id
    # Saved together: the attribution is the event right after the change, never a later write.
    assert events.index(made) == events.index(enrolled) + 1


def test_an_auditor_reads_who_changed_a_student_and_how(school: SchoolClient) -> None:
    school.open_class("3B")
    student = school.enrol("Durand", "Élise", class_code=None)
    moved = school.post(f"/students/{student['id']}/class", {"class_code": "3B"})
    assert moved.status_code == 200, moved.text

    changes = school.items(f"/changes/{student['id']}")

    assert [c["event"] for c in changes] == ["Student.MovedToClass", "Student.Enrolled"]
    assert {(c["login"], c["role"], c["mode"]) for c in changes} == {("SPR", "super-admin", "admin")}


def test_reads_refusals_and_the_sessions_own_events_are_not_changes(school: SchoolClient) -> None:
    head = school.head()

    school.items("/students")
    assert_problem(school.post("/students", {"last_name": "Sans prénom"}), 422, "invalid-request")
    school.client.post("/auth/logout", headers=school.headers)

    assert not [e for e in school.events(head) if isinstance(e, Session.ChangesMade)]
