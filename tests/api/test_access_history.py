"""The RGPD access history: a family sees who consulted its child's record; auditors read the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx2
import pytest

from application.account_opening import PersonKind
from domain.espaces import Espace, Rubric
from domain.school import School
from domain.session import Session
from domain.teacher import Teacher
from tests.api.accounts_support import bearer, first_connection, open_account, register_staff
from tests.api.conftest import SchoolClient, assert_problem, birthday

CONSULTATION_FIELDS = {"at", "display_name", "role", "mode", "categories", "purpose"}
JOURNAL_FIELDS = {
    "session_id",
    "at",
    "kind",
    "login",
    "display_name",
    "role",
    "mode",
    "subject_type",
    "subject_id",
    "categories",
    "purpose",
    "resource",
    "filters",
    "count",
}


@dataclass
class Family:
    """A school with Léa (3A) and Hugo (3B); Claire, Léa's mother; Marie Curie, principal teacher of 3A."""

    school: SchoolClient
    lea: str
    hugo: str
    guardian_token: str
    teacher_token: str
    teacher_login: str

    def as_guardian(self, tail: str) -> httpx2.Response:
        return self.school.client.get(self.school.url(tail), headers=bearer(self.guardian_token))

    def as_teacher(self, tail: str) -> httpx2.Response:
        return self.school.client.get(self.school.url(tail), headers=bearer(self.teacher_token))

    def history(self, student: str) -> list[dict[str, Any]]:
        response = self.as_guardian(f"/students/{student}/access-history")
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


def change_school(school: SchoolClient, change: Any) -> None:
    base = school.base
    base.execute(lambda unit: change(unit.get(School, School.create_id(base.uai), "school")))


@pytest.fixture
def family(school: SchoolClient) -> Family:
    change_school(school, lambda s: s.publish(Espace.PARENTS))
    school.open_class("3A")
    school.open_class("3B")
    lea = school.enrol("Martin", "Léa", class_code="3A", birth_date=birthday())["id"]
    hugo = school.enrol("Roux", "Hugo", class_code="3B", birth_date=birthday())["id"]
    claire = school.register_guardian(
        "Martin",
        "Claire",
        email="claire.martin@famille.example.fr",
        children=[{"student_id": lea, "relationship": "MERE"}],
    )["id"]
    marie = school.created("/teachers", {"last_name": "Curie", "first_name": "Marie"})["id"]
    base = school.base
    base.execute(lambda unit: unit.get(Teacher, UUID(marie), "teacher").change_principal_classes(["3A"]))
    guardian = open_account(school, PersonKind.GUARDIAN, UUID(claire))
    teacher = open_account(school, PersonKind.TEACHER, UUID(marie))
    return Family(
        school=school,
        lea=lea,
        hugo=hugo,
        guardian_token=first_connection(school, guardian),
        teacher_token=first_connection(school, teacher),
        teacher_login=teacher.login,
    )


# -- what a family sees --------------------------------------------------------------------------------


def test_a_guardian_sees_that_a_teacher_consulted_their_childs_record(family: Family) -> None:
    assert family.as_teacher(f"/students/{family.lea}").status_code == 200

    items = family.history(family.lea)

    (teacher_read,) = [item for item in items if item["role"] == "teacher"]
    assert teacher_read["display_name"] == "Marie Curie"
    assert teacher_read["mode"] == "teacher"
    assert teacher_read["categories"] == ["identity", "schooling", "family"]
    assert teacher_read["purpose"] == "directory"
    assert datetime.fromisoformat(teacher_read["at"]).tzinfo is not None


def test_a_family_never_sees_the_readers_session_login_or_address(family: Family) -> None:
    family.as_teacher(f"/students/{family.lea}")

    response = family.as_guardian(f"/students/{family.lea}/access-history")

    assert set(response.json()) == {"student_id", "items"}
    assert all(set(item) == CONSULTATION_FIELDS for item in response.json()["items"])
    assert family.teacher_token.split(".", 2)[2] not in response.text
    assert family.teacher_login not in response.text
    assert "testclient" not in response.text


def test_reading_the_access_history_is_itself_journaled(family: Family) -> None:
    head = family.school.head()

    family.history(family.lea)

    [line] = family.school.journal(head)
    assert isinstance(line, Session.RecordConsulted)
    assert (line.subject_type, str(line.subject_id)) == ("student", family.lea)
    assert (line.categories, line.purpose) == (["access-history"], "rgpd-access-history")
    again = family.history(family.lea)
    assert again[0]["role"] == "guardian" and again[0]["categories"] == ["access-history"]


def test_the_newest_consultation_comes_first(family: Family) -> None:
    family.as_teacher(f"/students/{family.lea}")
    family.school.get(f"/students/{family.lea}")

    items = family.history(family.lea)

    assert [item["role"] for item in items[:2]] == ["super-admin", "teacher"]
    assert items == sorted(items, key=lambda item: item["at"], reverse=True)


def test_another_childs_history_is_404_and_journals_nothing(family: Family) -> None:
    head = family.school.head()

    for student in (family.hugo, str(UUID(int=9)), "not-an-id"):
        assert_problem(family.as_guardian(f"/students/{student}/access-history"), 404, "not-found", [])

    assert family.school.journal(head) == []


def test_without_the_access_history_rubric_a_family_is_refused(family: Family) -> None:
    change_school(family.school, lambda s: s.choose_rubrics(Espace.PARENTS, frozenset({Rubric.RECORD})))

    response = family.as_guardian(f"/students/{family.lea}/access-history")

    assert_problem(response, 403, "forbidden", [])


def test_a_teachers_profile_does_not_show_the_access_history(family: Family) -> None:
    assert_problem(family.as_teacher(f"/students/{family.lea}/access-history"), 403, "forbidden", [])


def test_the_super_admin_sees_the_history_of_any_student(family: Family) -> None:
    family.as_teacher(f"/students/{family.lea}")

    response = family.school.get(f"/students/{family.hugo}/access-history")

    assert response.status_code == 200
    assert response.json()["student_id"] == family.hugo


# -- the whole journal --------------------------------------------------------------------------------


def journal(school: SchoolClient, **params: str) -> httpx2.Response:
    return school.get("/access-journal", params)


def test_the_journal_lists_every_read_with_who_made_it(family: Family) -> None:
    family.as_teacher(f"/students/{family.lea}")
    family.as_teacher("/students")

    response = journal(family.school)

    assert response.status_code == 200
    items = response.json()["items"]
    assert all(set(item) == JOURNAL_FIELDS for item in items)
    record, listing = (
        next(i for i in items if i["login"] == family.teacher_login and i["kind"] == kind)
        for kind in ("record", "list")
    )
    assert (record["subject_type"], record["subject_id"]) == ("student", family.lea)
    assert (listing["resource"], listing["count"]) == ("students", 1)


def test_the_journal_filters_by_login_and_period(family: Family) -> None:
    family.as_teacher(f"/students/{family.lea}")
    now = datetime.now(UTC)

    by_login = journal(family.school, login=family.teacher_login.lower()).json()["items"]
    recent = journal(family.school, since=(now - timedelta(hours=1)).isoformat()).json()["items"]
    future = journal(family.school, since=(now + timedelta(days=1)).date().isoformat()).json()["items"]
    past = journal(family.school, until="2020-01-01").json()["items"]

    assert {item["login"] for item in by_login} == {family.teacher_login}
    assert any(item["login"] == family.teacher_login for item in recent)
    assert future == []
    assert past == []


@pytest.mark.parametrize("field", ["since", "until"])
def test_a_bad_date_is_422_naming_the_field(school: SchoolClient, field: str) -> None:
    head = school.head()

    response = journal(school, **{field: "24/11/2026"})

    problem = assert_problem(response, 422, "invalid-value", [field])
    assert "24/11/2026" in problem["errors"][0]["message"]
    assert school.head() == head


def test_a_period_that_ends_before_it_starts_is_422_naming_until(school: SchoolClient) -> None:
    response = journal(school, since="2026-11-24T10:00:00+01:00", until="2026-11-24T08:00:00Z")

    assert_problem(response, 422, "invalid-value", ["until"])


def test_a_malformed_login_is_422_naming_it(school: SchoolClient) -> None:
    assert_problem(journal(school, login="pas un login"), 422, "invalid-value", ["login"])


def test_reading_the_journal_is_journaled(school: SchoolClient) -> None:
    head = school.head()

    journal(school, login="spr", since="2026-11-01")

    [line] = school.journal(head)
    assert isinstance(line, Session.ListConsulted)
    assert line.resource == "access-journal"
    assert line.filters == {"since": "2026-11-01T00:00:00+00:00", "login": "SPR"}


def test_only_an_auditor_reads_the_journal(family: Family) -> None:
    cpe = open_account(family.school, PersonKind.STAFF, register_staff(family.school, "Durand", function="CPE"))
    token = first_connection(family.school, cpe)

    for headers in (bearer(family.guardian_token), bearer(family.teacher_token), bearer(token)):
        response = family.school.client.get(family.school.url("/access-journal"), headers=headers)
        assert_problem(response, 403, "forbidden", [])
