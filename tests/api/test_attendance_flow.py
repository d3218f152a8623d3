"""Timetable to registers to absences, through the HTTP API, with the roles that do each step.

The calendar and lessons are set by the super-administrator, registers are made by the office,
the teacher takes her calls, the CPE sets reasons, a guardian justifies online and the CPE accepts.
Each figure asserted is one a school would check by hand: periods, half-days, lateness.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.api.conftest import SchoolClient, assert_problem
from tests.api.roles import GUARDIAN, SCHOOL_LIFE_STAFF, STUDENT, TEACHER, RoleSchool, build_role_school

MONDAY = date(2026, 11, 30)
CALENDAR = {
    "first_day": "2026-09-01",
    "last_day": "2027-07-03",
    "holidays": [
        {"label": "Toussaint", "first": "2026-10-17", "last": "2026-11-01"},
        {"label": "Noël", "first": "2026-12-19", "last": "2027-01-03"},
    ],
    "bank_holidays": ["2026-11-11", "2027-05-06"],
    "alternations": {"A": ["2026-11-30"], "B": ["2026-12-07"]},
    "slots": [
        {"label": "M1", "start": "08:00", "end": "08:55"},
        {"label": "M2", "start": "09:00", "end": "09:55"},
        {"label": "M3", "start": "10:10", "end": "11:05"},
        {"label": "S1", "start": "13:30", "end": "14:25"},
    ],
}


@pytest.fixture
def roles(school: SchoolClient) -> RoleSchool:
    return build_role_school(school)


def lesson(roles: RoleSchool, start: str, subject: str, **extra: Any) -> dict[str, Any]:
    body = {
        "subject_code": subject,
        "subject_label": subject.title(),
        "class_code": "3A",
        "weekday": 1,
        "start": start,
        "duration": 55,
        "room": "S101",
        "teacher_ids": [str(roles.people["marie"])],
        "alternation": "H",
        **extra,
    }
    return roles.admin.created("/lessons", body)


def monday_timetable(roles: RoleSchool) -> dict[str, dict[str, Any]]:
    """Four lessons of 3A on Mondays, registers made for the week of 30 November."""
    assert roles.admin.client.put(roles.admin.url("/calendar"), json=CALENDAR, headers=roles.admin.headers).is_success
    lessons = {
        "08:00": lesson(roles, "08:00", "FRANCAIS"),
        "09:00": lesson(roles, "09:00", "MATHS"),
        "10:10": lesson(roles, "10:10", "ANGLAIS"),
        "13:30": lesson(roles, "13:30", "SVT"),
    }
    generated = roles.admin.post("/registers/generate", {"first": MONDAY.isoformat(), "last": "2026-12-04"})
    assert generated.status_code == 200, generated.text
    assert generated.json()["created"] == 4
    return lessons


def registers_by_start(roles: RoleSchool) -> dict[str, dict[str, Any]]:
    items = roles[TEACHER].items(f"/registers?date={MONDAY.isoformat()}")
    return {item["start"][:5]: item for item in items}


def call(roles: RoleSchool, register_id: str, marks: list[dict[str, Any]], role: str = TEACHER) -> dict[str, Any]:
    response = roles[role].post(f"/registers/{register_id}/call", {"marks": marks, "close": True})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_class_week_shows_its_lessons_with_teacher_names(roles: RoleSchool) -> None:
    monday_timetable(roles)

    week = roles[TEACHER].get(f"/timetables/class/3A?week={MONDAY.isoformat()}")

    assert week.status_code == 200, week.text
    items = week.json()["items"]
    assert [(i["start"][:5], i["subject_code"]) for i in items] == [
        ("08:00", "FRANCAIS"),
        ("09:00", "MATHS"),
        ("10:10", "ANGLAIS"),
        ("13:30", "SVT"),
    ]
    assert items[0]["teachers"][0]["name"].endswith("CURIE")
    ical = roles[TEACHER].get(f"/timetables/class/3A/ical?from={MONDAY.isoformat()}&to=2026-12-06")
    assert ical.status_code == 200
    assert ical.headers["content-type"].startswith("text/calendar")
    assert ical.text.count("BEGIN:VEVENT") == 4


def test_calls_make_periods_half_days_and_lateness_that_families_see(roles: RoleSchool) -> None:
    monday_timetable(roles)
    registers = registers_by_start(roles)
    zoe = str(roles.people["zoe"])
    call(roles, registers["08:00"]["id"], [{"student_id": zoe, "status": "absent"}])
    call(roles, registers["09:00"]["id"], [{"student_id": zoe, "status": "absent"}])
    call(roles, registers["10:10"]["id"], [])
    call(roles, registers["13:30"]["id"], [{"student_id": zoe, "status": "late", "minutes": 10}])

    seen = roles[GUARDIAN].get(f"/students/{zoe}/attendance")

    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert [(p["lessons"], p["half_days"], p["justified"], p["to_justify"]) for p in body["periods"]] == [
        (2, 1, False, True)
    ]
    assert body["figures"]["absence_half_days"] == 1
    assert body["figures"]["unjustified_half_days"] == 1
    assert (body["figures"]["lateness_count"], body["figures"]["lateness_minutes"]) == (1, 10)


def test_a_guardian_justifies_online_and_the_office_accepts(roles: RoleSchool) -> None:
    monday_timetable(roles)
    registers = registers_by_start(roles)
    zoe = str(roles.people["zoe"])
    call(roles, registers["08:00"]["id"], [{"student_id": zoe, "status": "absent"}])
    span = {"first": "2026-11-30T08:00:00+01:00", "last": "2026-11-30T12:00:00+01:00"}
    justify = {**span, "reason_code": "MALADIE", "comment": "Fièvre"}

    refused = roles[GUARDIAN].post(f"/students/{zoe}/justifications", justify)
    assert_problem(refused, 403, "forbidden")  # the school has not allowed online justification yet
    options = {
        "password_recovery": False,
        "online_justification": True,
        "bulletin_publication_date": None,
        "inactivity_minutes": 20,
    }
    put = roles.admin.client.put(roles.admin.url("/espaces/parents/options"), json=options, headers=roles.admin.headers)
    assert put.is_success, put.text
    not_for_parents = roles[GUARDIAN].post(f"/students/{zoe}/justifications", {**justify, "reason_code": "SORTIE"})
    assert_problem(not_for_parents, 409, "rule-violated", fields=["reason_code"])
    created = roles[GUARDIAN].post(f"/students/{zoe}/justifications", justify)
    assert created.status_code == 201, created.text
    justification = created.json()["id"]
    assert [j["state"] for j in roles[SCHOOL_LIFE_STAFF].items("/justifications?state=pending")] == ["pending"]

    accepted = roles[SCHOOL_LIFE_STAFF].post(f"/students/{zoe}/justifications/{justification}/accept", None)

    assert accepted.status_code == 204, accepted.text
    figures = roles[GUARDIAN].get(f"/students/{zoe}/attendance").json()
    assert figures["figures"]["justified_half_days"] == 1
    assert figures["periods"][0]["reason"] == {"code": "MALADIE", "label": "Maladie"}
    again = roles[SCHOOL_LIFE_STAFF].post(f"/students/{zoe}/justifications/{justification}/accept", None)
    assert_problem(again, 409, "rule-violated", fields=["justification_id"])


def test_the_office_sets_a_reason_and_the_class_summary_counts_half_days(roles: RoleSchool) -> None:
    monday_timetable(roles)
    registers = registers_by_start(roles)
    zoe = str(roles.people["zoe"])
    call(roles, registers["09:00"]["id"], [{"student_id": zoe, "status": "absent"}])
    call(roles, registers["13:30"]["id"], [{"student_id": zoe, "status": "absent"}])
    reason = {
        "first": "2026-11-30T13:00:00+01:00",
        "last": "2026-11-30T18:00:00+01:00",
        "reason_code": "RDV_MEDICAL",
        "settled": True,
    }

    set_reason = roles[SCHOOL_LIFE_STAFF].post(f"/students/{zoe}/absence-reasons", reason)

    assert set_reason.status_code == 204, set_reason.text
    summary = roles[SCHOOL_LIFE_STAFF].get(f"/classes/3A/attendance?from={MONDAY}&to=2026-12-04").json()
    monday = next(d for d in summary["days"] if d["day"] == MONDAY.isoformat())
    assert (monday["morning_absent"], monday["afternoon_absent"]) == (1, 1)
    figures = next(s["figures"] for s in summary["students"] if s["student_id"] == zoe)
    assert (figures["absence_half_days"], figures["justified_half_days"], figures["unjustified_half_days"]) == (2, 1, 1)


def test_a_register_is_out_of_reach_of_another_teacher_and_of_families(roles: RoleSchool) -> None:
    monday_timetable(roles)
    register = registers_by_start(roles)["08:00"]["id"]
    zoe = str(roles.people["zoe"])

    assert_problem(roles[GUARDIAN].get(f"/registers/{register}"), 403, "forbidden")
    assert_problem(roles[STUDENT].post(f"/registers/{register}/call", {"marks": []}), 403, "forbidden")
    stranger = roles[TEACHER].post(f"/registers/{register}/call", {"marks": [{"student_id": zoe, "status": "gone"}]})
    assert_problem(stranger, 422, "invalid-value", fields=["marks[0].status"])
    detail = roles[TEACHER].get(f"/registers/{register}")
    assert detail.status_code == 200
    assert [s["first_name"] for s in detail.json()["students"]] == ["Zoé"]


def test_a_newcomer_is_added_to_a_register_made_before_she_came(roles: RoleSchool, school: SchoolClient) -> None:
    monday_timetable(roles)
    register = registers_by_start(roles)["08:00"]["id"]
    extra = school.enrol("Bernard", "Inès", class_code="3A")
    next_monday = (MONDAY + timedelta(days=7)).isoformat()
    assert roles.admin.post("/registers/generate", {"first": next_monday, "last": next_monday}).status_code == 200
    later = [r for r in roles[TEACHER].items(f"/registers?date={next_monday}") if r["start"].startswith("08:00")]
    assert [r["expected"] for r in later] == [2]  # made after she came: she is expected
    zoe = str(roles.people["zoe"])

    call(roles, register, [{"student_id": zoe, "status": "absent"}], role=TEACHER)
    response = roles[SCHOOL_LIFE_STAFF].post(
        f"/registers/{register}/call", {"marks": [{"student_id": extra["id"], "status": "late", "minutes": 5}]}
    )

    # Inès enrolled after the register was made: she is not expected in it, and nothing is written.
    assert_problem(response, 409, "rule-violated", fields=["marks[0].student_id"])
    marks = {s["student_id"]: s["status"] for s in roles[TEACHER].get(f"/registers/{register}").json()["students"]}
    assert marks == {zoe: "absent"}
    # Once added to the register, she is marked like the others.
    added = roles[SCHOOL_LIFE_STAFF].post(f"/registers/{register}/students", {"student_id": extra["id"]})
    assert added.status_code == 204, added.text
    again = roles[SCHOOL_LIFE_STAFF].post(
        f"/registers/{register}/call", {"marks": [{"student_id": extra["id"], "status": "late", "minutes": 5}]}
    )
    assert again.status_code == 200, again.text
    marks = {s["student_id"]: s["status"] for s in roles[TEACHER].get(f"/registers/{register}").json()["students"]}
    assert marks == {zoe: "absent", extra["id"]: "late"}


def test_calls_not_taken_are_listed_per_teacher_after_fifteen_minutes(roles: RoleSchool) -> None:
    monday_timetable(roles)

    early = roles[SCHOOL_LIFE_STAFF].get("/registers/not-taken?at=2026-11-30T08:10:00%2B01:00").json()
    late = roles[SCHOOL_LIFE_STAFF].get("/registers/not-taken?at=2026-11-30T09:20:00%2B01:00").json()

    assert early["items"] == []
    assert [len(t["registers"]) for t in late["items"]] == [2]
    assert late["items"][0]["name"].endswith("CURIE")


def test_an_annual_change_from_week_ten_moves_later_occurrences_only(roles: RoleSchool) -> None:
    lessons = monday_timetable(roles)
    week_ten = date(2026, 11, 2)
    french = lessons["08:00"]["id"]
    change = {
        "from_week": week_ten.isoformat(),
        "weekday": 2,
        "start": "08:00",
        "duration": 55,
        "room": "S102",
        "teacher_ids": [str(roles.people["marie"])],
    }

    moved = roles.admin.post(f"/lessons/{french}/reschedule", change)

    assert moved.status_code == 200, moved.text
    before = roles[TEACHER].get("/timetables/class/3A?week=2026-10-12").json()["items"]
    after = roles[TEACHER].get(f"/timetables/class/3A?week={MONDAY}").json()["items"]
    assert [(i["day"], i["room"]) for i in before if i["lesson_id"] == french] == [("2026-10-12", "S101")]
    assert [(i["day"], i["room"]) for i in after if i["lesson_id"] == french] == [("2026-12-01", "S102")]
    withdrawn = [r for r in roles[TEACHER].items(f"/registers?date={MONDAY}") if r["lesson_id"] == french]
    assert [r["withdrawn"] for r in withdrawn] == [True]  # Monday's register follows the lesson away


def test_a_cancelled_occurrence_shows_cancelled_and_withdraws_its_register(roles: RoleSchool) -> None:
    lessons = monday_timetable(roles)
    maths = lessons["09:00"]["id"]

    cancelled = roles.admin.post(f"/lessons/{maths}/occurrences/{MONDAY}/cancel", {"reason": "Sortie"})

    assert cancelled.status_code == 204, cancelled.text
    week = roles[GUARDIAN].get(f"/timetables/student/{roles.people['zoe']}?week={MONDAY}").json()["items"]
    assert [i["status"] for i in week if i["lesson_id"] == maths] == ["cancelled"]
    register = registers_by_start(roles)["09:00"]
    assert register["withdrawn"] is True
    zoe = str(roles.people["zoe"])
    refused = roles[TEACHER].post(
        f"/registers/{register['id']}/call", {"marks": [{"student_id": zoe, "status": "absent"}]}
    )
    assert_problem(refused, 409, "rule-violated")
    other_child = roles[GUARDIAN].get(f"/timetables/student/{roles.people['leo']}?week={MONDAY}")
    assert_problem(other_child, 404, "not-found")


def test_a_guardian_subscribes_a_phone_to_a_childs_timetable_until_the_feed_is_revoked(roles: RoleSchool) -> None:
    monday_timetable(roles)
    zoe, leo = roles.people["zoe"], roles.people["leo"]
    anonymous = roles.admin.client

    issued = roles[GUARDIAN].post(f"/timetables/student/{zoe}/feeds", None)

    assert issued.status_code == 201, issued.text
    url = issued.json()["url"]
    token_path = url[url.index("/feeds/") :]
    feed = anonymous.get(token_path)
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text and "Francais" in feed.text
    assert anonymous.get(token_path + "x").status_code == 404
    assert_problem(roles[GUARDIAN].post(f"/timetables/student/{leo}/feeds", None), 404, "not-found")
    assert_problem(roles[GUARDIAN].post("/timetables/class/3A/feeds", None), 404, "not-found")
    feed_id = issued.json()["id"]
    assert_problem(roles[TEACHER].post(f"/feeds/{feed_id}/revoke", None), 404, "not-found")

    revoked = roles[GUARDIAN].post(f"/feeds/{feed_id}/revoke", None)

    assert revoked.status_code == 204, revoked.text
    assert anonymous.get(token_path).status_code == 404


def test_a_feed_stops_when_the_parents_espace_is_stopped(roles: RoleSchool) -> None:
    monday_timetable(roles)
    url = roles[GUARDIAN].post(f"/timetables/student/{roles.people['zoe']}/feeds", None).json()["url"]
    token_path = url[url.index("/feeds/") :]
    assert roles.admin.client.get(token_path).status_code == 200

    assert roles.admin.post("/espaces/parents/stop", {}).status_code == 200

    assert roles.admin.client.get(token_path).status_code == 404


def test_a_teacher_reads_the_attendance_of_her_classes_only(roles: RoleSchool) -> None:
    monday_timetable(roles)
    call(
        roles, registers_by_start(roles)["08:00"]["id"], [{"student_id": str(roles.people["zoe"]), "status": "absent"}]
    )

    mine = roles[TEACHER].get(f"/classes/3A/attendance?from={MONDAY}&to=2026-12-04")
    other = roles[TEACHER].get(f"/classes/4A/attendance?from={MONDAY}&to=2026-12-04")

    assert mine.status_code == 200, mine.text
    assert [s["student_id"] for s in mine.json()["students"]] == [str(roles.people["zoe"])]
    assert_problem(other, 404, "not-found")
