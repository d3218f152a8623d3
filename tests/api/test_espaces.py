"""The Espaces over HTTP: publishing and stopping them, their rubrics and options, licences, the public page.

A stopped Espace refuses its users' logins; a family Espace serves only what its published rubrics allow.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

import httpx2

from application.account_opening import OpenedAccount, PersonKind
from tests.api.conftest import CHOSEN_PASSWORD, SchoolClient, assert_problem, assert_refused_without_writing

ESPACES = ["management", "school-life", "teachers", "parents", "students", "support"]
FAMILY_DEFAULT_RUBRICS = ["absences", "access-history", "record", "timetable"]
OPTIONS = {
    "password_recovery": True,
    "online_justification": True,
    "bulletin_publication_date": "2027-01-15",
    "inactivity_minutes": 30,
}


def put(school: SchoolClient, tail: str, body: Any) -> httpx2.Response:
    return school.client.put(school.url(tail), json=body, headers=school.headers)


def open_guardian_account(school: SchoolClient, child_id: str | None = None) -> OpenedAccount:
    """A guardian registered through the API, then given an account (the accounts issue's use case)."""
    children = [{"student_id": child_id, "relationship": "MERE"}] if child_id else []
    guardian = school.register_guardian("Martin", "Léa", email="lea.martin@famille.example.fr", children=children)
    base = school.base
    return base.execute(
        lambda unit: base.open_account(unit, person_kind=PersonKind.GUARDIAN, person_id=UUID(guardian["id"]))
    )


def parents_login(school: SchoolClient, account: OpenedAccount, password: str | None = None) -> httpx2.Response:
    body = {"uai": school.uai, "login": account.login, "password": password or account.password, "mode": "parents"}
    return school.client.post("/auth/login", json=body)


def guardian_session(school: SchoolClient, account: OpenedAccount) -> dict[str, str]:
    """The headers of a guardian logged in through the Parents Espace, past their provisional password."""
    response = parents_login(school, account)
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    changed = school.client.post(
        "/auth/password",
        json={"current_password": account.password, "new_password": CHOSEN_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 204, changed.text
    return headers


def test_the_espaces_list_their_label_state_rubrics_options_and_the_licences(school: SchoolClient) -> None:
    response = school.get("/espaces")

    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["espace"] for item in body["items"]] == ESPACES
    parents = body["items"][3]
    assert parents == {
        "espace": "parents",
        "label": "Espace Parents",
        "published": False,
        "rubrics": FAMILY_DEFAULT_RUBRICS,
        "options": {
            "password_recovery": False,
            "online_justification": False,
            "bulletin_publication_date": None,
            "inactivity_minutes": 20,
        },
    }
    assert [item["published"] for item in body["items"]] == [True, True, True, False, False, False]
    assert body["items"][0]["rubrics"] == []
    assert body["licences"] == {"admin_seats": 4, "teacher_seats": None}


def test_publishing_and_stopping_an_espace_answer_its_new_state(school: SchoolClient) -> None:
    published = school.post("/espaces/parents/publish", None)
    assert published.status_code == 200, published.text
    assert (published.json()["espace"], published.json()["published"]) == ("parents", True)

    stopped = school.post("/espaces/parents/stop", None)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json()["published"] is False
    assert school.get("/espaces").json()["items"][3]["published"] is False


def test_publishing_twice_is_a_409_that_writes_nothing(school: SchoolClient) -> None:
    school.post("/espaces/students/publish", None)
    problem = assert_refused_without_writing(
        school, lambda: school.post("/espaces/students/publish", None), 409, "rule-violated"
    )
    assert "already published" in problem["detail"]
    assert_refused_without_writing(school, lambda: school.post("/espaces/support/stop", None), 409, "rule-violated")


def test_an_unknown_espace_is_a_422_naming_it(school: SchoolClient) -> None:
    for send in (
        lambda: school.post("/espaces/direction/publish", None),
        lambda: put(school, "/espaces/PARENTS/rubrics", {"rubrics": ["grades"]}),
        lambda: put(school, "/espaces/nowhere/options", OPTIONS),
    ):
        problem = assert_refused_without_writing(school, send, 422, "invalid-value", ["espace"])
        assert "management" in problem["errors"][0]["message"]


def test_choosing_rubrics_answers_the_espace_with_its_rubrics_sorted(school: SchoolClient) -> None:
    response = put(school, "/espaces/students/rubrics", {"rubrics": ["timetable", "grades", "grades"]})
    assert response.status_code == 200, response.text
    assert response.json()["rubrics"] == ["grades", "timetable"]


def test_an_unknown_rubric_is_a_422_naming_its_place(school: SchoolClient) -> None:
    body = {"rubrics": ["grades", "gossip"]}
    problem = assert_refused_without_writing(
        school, lambda: put(school, "/espaces/parents/rubrics", body), 422, "invalid-request", ["rubrics[1]"]
    )
    assert "record" in problem["errors"][0]["message"]


def test_rubrics_of_a_staff_espace_and_unchanged_rubrics_are_refused(school: SchoolClient) -> None:
    assert_refused_without_writing(
        school, lambda: put(school, "/espaces/teachers/rubrics", {"rubrics": []}), 422, "invalid-value", ["espace"]
    )
    same = {"rubrics": FAMILY_DEFAULT_RUBRICS}
    assert_refused_without_writing(school, lambda: put(school, "/espaces/parents/rubrics", same), 409, "rule-violated")


def test_setting_the_options_answers_them(school: SchoolClient) -> None:
    response = put(school, "/espaces/parents/options", OPTIONS)
    assert response.status_code == 200, response.text
    assert response.json()["options"] == OPTIONS
    assert_refused_without_writing(
        school, lambda: put(school, "/espaces/parents/options", OPTIONS), 409, "rule-violated"
    )


def test_bad_options_are_422_naming_the_field(school: SchoolClient) -> None:
    missing = {k: v for k, v in OPTIONS.items() if k != "password_recovery"}
    for espace, body, code, field in [
        ("students", OPTIONS, "invalid-value", "online_justification"),
        ("parents", {**OPTIONS, "inactivity_minutes": -5}, "invalid-value", "inactivity_minutes"),
        ("parents", missing, "invalid-request", "password_recovery"),
    ]:
        send = partial(put, school, f"/espaces/{espace}/options", body)
        assert_refused_without_writing(school, send, 422, code, [field])


def test_changing_the_licences(school: SchoolClient) -> None:
    response = put(school, "/licences", {"admin_seats": 6, "teacher_seats": 50})
    assert response.status_code == 200, response.text
    assert response.json() == {"admin_seats": 6, "teacher_seats": 50}
    unlimited = put(school, "/licences", {"admin_seats": 6, "teacher_seats": None})
    assert unlimited.json() == {"admin_seats": 6, "teacher_seats": None}
    assert school.get("/espaces").json()["licences"] == {"admin_seats": 6, "teacher_seats": None}


def test_bad_licences_are_refused(school: SchoolClient) -> None:
    for body, status, code, fields in [
        ({"admin_seats": 4, "teacher_seats": 40}, 422, "invalid-value", ["teacher_seats"]),
        ({"admin_seats": 0, "teacher_seats": 30}, 422, "invalid-value", ["admin_seats"]),
        ({"admin_seats": 4}, 422, "invalid-request", ["teacher_seats"]),
        ({"admin_seats": 4, "teacher_seats": None}, 409, "rule-violated", []),
    ]:
        assert_refused_without_writing(school, partial(put, school, "/licences", body), status, code, fields)


def test_a_stopped_parents_espace_refuses_a_guardian_until_it_is_published(school: SchoolClient) -> None:
    account = open_guardian_account(school)

    problem = assert_problem(parents_login(school, account), 403, "espace-closed")
    assert "Espace Parents" in problem["detail"]

    school.post("/espaces/parents/publish", None)
    response = parents_login(school, account)
    assert response.status_code == 200, response.text
    assert response.json()["mode"] == "parents"

    school.post("/espaces/parents/stop", None)
    assert_problem(parents_login(school, account), 403, "espace-closed")


def test_a_guardian_reads_their_child_only_while_the_record_rubric_is_published(school: SchoolClient) -> None:
    child = school.enrol("Martin", "Hugo")
    school.enrol("Bernard", "Inès")
    school.post("/espaces/parents/publish", None)
    guardian = guardian_session(school, open_guardian_account(school, child["id"]))
    students = school.client.get(school.url("/students"), headers=guardian)
    assert students.status_code == 200, students.text
    assert [s["id"] for s in students.json()["items"]] == [child["id"]]

    response = put(school, "/espaces/parents/rubrics", {"rubrics": ["timetable", "absences"]})
    assert response.status_code == 200, response.text

    problem = assert_problem(school.client.get(school.url("/students"), headers=guardian), 403, "forbidden")
    assert "students.read" in problem["detail"]
    me = school.client.get("/auth/me", headers=guardian).json()
    assert me["permissions"] == ["absences.read", "session", "timetables.read"]


def test_a_guardian_cannot_manage_the_espaces(school: SchoolClient) -> None:
    school.post("/espaces/parents/publish", None)
    guardian = guardian_session(school, open_guardian_account(school))
    for response in (
        school.client.get(school.url("/espaces"), headers=guardian),
        school.client.post(school.url("/espaces/parents/stop"), headers=guardian),
        school.client.put(school.url("/public-page"), json={}, headers=guardian),
    ):
        assert_problem(response, 403, "forbidden")


def test_the_espaces_are_documented_in_the_openapi_document(school: SchoolClient) -> None:
    paths = school.client.get("/openapi.json").json()["paths"]
    assert paths["/schools/{uai}/espaces/{espace}/rubrics"]["put"]["x-permission"] == "espaces.manage"
    assert paths["/public/schools/{uai}"]["get"]["security"] == []
