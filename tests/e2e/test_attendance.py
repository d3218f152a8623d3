"""A week of registers in a 1,200-student demo school, against a real server, on SQLite and PostgreSQL.

The operator loads the demo (its timetable comes through the timetable import) and imports the
timetable software's file again with one room changed; the office makes a week of registers; a
teacher takes her calls from the API; the guardian is mailed, sees the absence and justifies it
online; the office accepts, and sets a reason on another absence; the student's and the class's
half-days are right; an annual change from week 10 moves the later occurrences and only them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from adapters.national.edt_writer import write_edt
from application.demo_people import generate_school
from application.demo_timetable import demo_timetable, with_contract_teachers
from tests.e2e.api_client import Answer, ApiClient, Json
from tests.e2e.conftest import CLEAN_EXITS, Deployment, ServerProcess
from tests.smtp import SmtpServer, serve

UAI = "0750655E"
STUDENTS = 1200
SPR_PASSWORD = "Proviseur-2026-ok"
TEACHER_PASSWORD = "Professeur-2026-ok"
GUARDIAN_PASSWORD = "Parent-2026-ok"


@dataclass
class Week:
    """What the scenario saw, step by step, for the tests below to check."""

    year: int
    monday: date
    answers: dict[str, Answer] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    mails: list[EmailMessage] = field(default_factory=list)


def path(tail: str) -> str:
    return f"/schools/{UAI}{tail}"


def expect(answer: Answer, status: int) -> Json:
    assert answer.status == status, (answer.status, answer.body)
    return answer.body


@pytest.fixture(scope="module")
def smtp(deployment: Deployment) -> Iterator[SmtpServer]:
    yield from serve()


@pytest.fixture(scope="module")
def week(deployment: Deployment, smtp: SmtpServer) -> Iterator[Week]:
    mailing = replace(
        deployment,
        settings=(
            ("CARTABLE_SMTP_HOST", "127.0.0.1"),
            ("CARTABLE_SMTP_PORT", str(smtp.port)),
            ("CARTABLE_SMTP_SENDER", "vie-scolaire@louis-le-grand.example.fr"),
        ),
    )
    demo = mailing.cartable_json("demo", "--uai", UAI, "--students", str(STUDENTS), "--json")
    process = ServerProcess(mailing)
    process.start()
    try:
        yield run_week(process, smtp, demo)
    finally:
        code = process.stop()
        assert code in CLEAN_EXITS, f"the server exited with {code} on SIGTERM\n{process.output()}"


def run_week(server: ServerProcess, smtp: SmtpServer, demo: dict[str, Any]) -> Week:
    year = int(demo["year"])
    with ExitStack() as clients:
        anonymous = clients.enter_context(ApiClient(server.url))
        spr = clients.enter_context(anonymous.first_login(UAI, demo["login"], demo["password"], SPR_PASSWORD))
        calendar = spr.ok(path("/calendar"))
        weeks = [date.fromisoformat(w) for w in calendar["weeks"]]
        a_weeks = {date.fromisoformat(w) for w in calendar["alternations"]["A"]}
        monday = next(w for w in weeks if w.month == 12 and w in a_weeks)
        result = Week(year=year, monday=monday)
        result.values["weeks"] = weeks

        # The timetable software's file, as the demo imported it, with one room changed; then again.
        school = with_contract_teachers(generate_school(UAI, year, STUDENTS))
        alternations, lessons = demo_timetable(school, year)
        changed = [replace(lessons[0], room="S999"), *lessons[1:]]
        content = write_edt(UAI, year, alternations, changed)
        name = f"emp_sts_{UAI}_{year}.xml"
        result.answers["import"] = spr.upload(path("/imports/timetable"), [(name, content)])
        result.answers["import again"] = spr.upload(path("/imports/timetable"), [(name, content)])

        result.answers["generate"] = spr.post(
            path("/registers/generate"), {"first": monday.isoformat(), "last": (monday + timedelta(4)).isoformat()}
        )
        registers = spr.ok(path("/registers"), {"date": monday.isoformat()})["items"]
        first, second = consecutive_morning_pair(registers)
        result.values["registers"] = (first, second)

        # The teacher of the first lesson gets her account and takes both calls.
        teacher_id = first["teacher_ids"][0]
        opened = spr.created(path("/accounts"), {"person_kind": "teacher", "person_id": teacher_id})
        teacher = clients.enter_context(
            anonymous.first_login(UAI, opened["login"], opened["password"], TEACHER_PASSWORD)
        )
        result.answers["teacher's registers"] = teacher.get(path("/registers"), {"date": monday.isoformat()})
        detail = teacher.ok(path(f"/registers/{first['id']}"))
        student = next(s for s in detail["students"] if guardian_with_email(spr, s["student_id"]) is not None)
        result.values["student"] = student
        guardian = guardian_with_email(spr, student["student_id"])
        assert guardian is not None
        result.values["guardian"] = guardian
        others = [s for s in detail["students"] if s["student_id"] != student["student_id"]]
        late = others[0]["student_id"]
        result.values["late"] = late
        seen = len(smtp.collector.envelopes)
        absent = {"student_id": student["student_id"], "status": "absent"}
        result.answers["first call"] = teacher.post(
            path(f"/registers/{first['id']}/call"),
            {"marks": [absent, {"student_id": late, "status": "late", "minutes": 7}], "close": True},
        )
        result.answers["second call"] = teacher.post(
            path(f"/registers/{second['id']}/call"), {"marks": [absent], "close": True}
        )
        result.mails = mails_after(smtp, seen, expected=2)

        # The guardian sees the absence and justifies it online, once the school allows it.
        parents = {
            "password_recovery": False,
            "online_justification": True,
            "bulletin_publication_date": None,
            "inactivity_minutes": 20,
        }
        expect(spr.put(path("/espaces/parents/options"), parents), 200)  # the demo publishes the Parents Espace
        opened = spr.created(path("/accounts"), {"person_kind": "guardian", "person_id": guardian["guardian_id"]})
        family = clients.enter_context(
            anonymous.first_login(UAI, opened["login"], opened["password"], GUARDIAN_PASSWORD)
        )
        attendance = path(f"/students/{student['student_id']}/attendance")
        span = {"from": monday.isoformat(), "to": (monday + timedelta(4)).isoformat()}
        result.answers["guardian sees"] = family.get(attendance, span)
        period = result.answers["guardian sees"].body["periods"][0]
        justification = family.post(
            path(f"/students/{student['student_id']}/justifications"),
            {"first": period["first"], "last": period["last"], "reason_code": "MALADIE", "comment": "Angine"},
        )
        result.answers["justify"] = justification
        pending = spr.ok(path("/justifications"), {"state": "pending"})["items"]
        result.values["pending"] = pending
        result.answers["accept"] = spr.post(
            path(f"/students/{student['student_id']}/justifications/{justification.body['id']}/accept")
        )
        result.answers["guardian after"] = family.get(attendance, span)
        result.answers["other child"] = family.get(path(f"/students/{late}/attendance"))

        # The office sets a reason on the late student's lateness; the class summary shows the half-day.
        late_span = {"first": f"{monday.isoformat()}T00:00:00+01:00", "last": f"{monday.isoformat()}T23:59:00+01:00"}
        result.answers["reason"] = spr.post(
            path(f"/students/{late}/absence-reasons"), {**late_span, "reason_code": "TRANSPORT", "settled": True}
        )
        result.answers["class"] = spr.get(path(f"/classes/{first['class_code']}/attendance"), span)

        # An annual change: the first lesson moves to another day from week 10 on.
        lesson = spr.ok(path(f"/lessons/{first['lesson_id']}"))
        pattern = lesson["patterns"][-1]
        new_day = pattern["weekday"] % 5 + 1
        week_ten = weeks[9]
        result.values["lesson"] = (lesson, new_day, week_ten)
        result.answers["reschedule"] = spr.post(
            path(f"/lessons/{first['lesson_id']}/reschedule"),
            {
                **{k: pattern[k] for k in ("start", "duration", "room", "teacher_ids")},
                "weekday": new_day,
                "from_week": week_ten.isoformat(),
            },
        )
        result.values["timetables"] = {
            w: spr.ok(path(f"/timetables/class/{first['class_code']}"), {"week": w.isoformat()})["items"]
            for w in [*weeks[7:12], monday]
        }
        return result


def consecutive_morning_pair(registers: list[Json]) -> tuple[Json, Json]:
    """Two morning registers of one class, one after the other, with the same first teacher."""
    by_class: dict[str, list[Json]] = {}
    for register in registers:
        if register["class_code"] and register["kind"] == "lesson" and register["start"] < "12:00":
            by_class.setdefault(register["class_code"], []).append(register)
    for items in by_class.values():
        items.sort(key=lambda r: r["start"])
        for a, b in itertools.pairwise(items):
            if a["teacher_ids"][0] == b["teacher_ids"][0] and a["start"] < b["start"]:
                return a, b
    for items in by_class.values():
        if len(items) >= 2:
            return items[0], items[1]
    raise AssertionError("no class has two morning registers")


def guardian_with_email(spr: ApiClient, student_id: str) -> dict[str, Any] | None:
    record = spr.ok(path(f"/students/{student_id}"))
    for guardian in record["guardians"]:
        if guardian["legal"] and guardian.get("email"):
            return dict(guardian)
    return None


def mails_after(smtp: SmtpServer, seen: int, *, expected: int, timeout: float = 10.0) -> list[EmailMessage]:
    deadline = time.monotonic() + timeout
    while len(smtp.collector.envelopes) < seen + expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp.collector.messages()[seen:]


def test_the_timetable_file_imports_its_change_and_then_nothing(week: Week) -> None:
    first = expect(week.answers["import"], 200)
    again = expect(week.answers["import again"], 200)
    assert (first["updated"], first["rejected"]) == (1, []), first
    assert first["unchanged"] > 1000
    assert again["events"] == 0, again


def test_a_week_of_registers_is_made_for_every_lesson(week: Week) -> None:
    generated = expect(week.answers["generate"], 200)
    assert generated["school_days"] == 5
    assert generated["created"] > 1000  # 40 classes × ~27 lessons a week


def test_the_teacher_takes_her_calls_and_families_are_mailed(week: Week) -> None:
    mine = expect(week.answers["teacher's registers"], 200)["items"]
    first, second = week.values["registers"]
    assert {first["id"], second["id"]} <= {r["id"] for r in mine}
    assert expect(week.answers["first call"], 200)["closed"] is True
    assert expect(week.answers["second call"], 200)["closed"] is True
    student = week.values["student"]
    notices = [m for m in week.mails if student["first_name"] in m["Subject"]]
    assert notices, [m["Subject"] for m in week.mails]
    assert week.values["guardian"]["email"] in {m["To"] for m in notices}
    assert "absent" in notices[0].get_content()


def test_the_guardian_sees_one_period_of_one_half_day_and_justifies_it(week: Week) -> None:
    seen = expect(week.answers["guardian sees"], 200)
    assert [(p["lessons"], p["half_days"], p["justified"]) for p in seen["periods"]] == [(2, 1, False)]
    assert seen["figures"]["unjustified_half_days"] == 1
    assert expect(week.answers["justify"], 201)["id"]
    assert [p["reason_code"] for p in week.values["pending"]] == ["MALADIE"]
    assert week.answers["accept"].status == 204
    after = expect(week.answers["guardian after"], 200)
    assert (after["figures"]["justified_half_days"], after["figures"]["unjustified_half_days"]) == (1, 0)
    assert after["periods"][0]["reason"] == {"code": "MALADIE", "label": "Maladie"}


def test_a_guardian_cannot_read_another_child(week: Week) -> None:
    assert week.answers["other child"].status == 404


def test_the_class_summary_shows_the_right_half_days(week: Week) -> None:
    assert week.answers["reason"].status == 204
    summary = expect(week.answers["class"], 200)
    monday = next(d for d in summary["days"] if d["day"] == week.monday.isoformat())
    assert (monday["morning_absent"], monday["latenesses"]) == (1, 1)
    figures = {s["student_id"]: s["figures"] for s in summary["students"]}
    student = figures[week.values["student"]["student_id"]]
    assert (student["absence_half_days"], student["justified_half_days"]) == (1, 1)
    late = figures[week.values["late"]]
    assert (late["lateness_count"], late["lateness_minutes"], late["unjustified_lateness"]) == (1, 7, 0)


def test_an_annual_change_from_week_ten_moves_later_occurrences_only(week: Week) -> None:
    expect(week.answers["reschedule"], 200)
    lesson, new_day, week_ten = week.values["lesson"]
    old_day = lesson["patterns"][-1]["weekday"]
    for monday, items in week.values["timetables"].items():
        days = [date.fromisoformat(i["day"]) for i in items if i["lesson_id"] == lesson["id"]]
        if not days:
            continue  # an A or B week without the lesson, or a holiday
        expected = new_day if monday >= week_ten else old_day
        assert [d.isoweekday() for d in days] == [expected], (monday, days)
