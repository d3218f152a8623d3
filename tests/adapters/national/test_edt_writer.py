"""Lessons written as an emp_sts file read back the same: grouped by class or group, service and teacher."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.national.edt import read_edt
from adapters.national.edt_writer import write_edt
from application.demo import timetable_file
from application.demo_people import generate_school
from application.demo_timetable import DemoLesson, demo_timetable, with_contract_teachers
from application.imports.records import LessonEntry, Origin

UAI = "0750655E"
YEAR = 2026
NAME = f"emp_sts_{UAI}_{YEAR}.xml"
WEEKS = {"H": [date(2026, 8, 31), date(2026, 9, 7)], "A": [date(2026, 8, 31)], "B": [date(2026, 9, 7)]}


def lesson(**changes: Any) -> DemoLesson:
    base = DemoLesson("6A", None, "020700", "8949", 1, time(8, 0), 55, "H", "S101")
    return replace(base, **changes)


def as_lesson(entry: LessonEntry) -> DemoLesson:
    """A read lesson as the writer takes it; what the file has besides must be the reader's defaults."""
    assert (entry.subject_label, entry.course_mode, entry.kind, entry.week_dates) == (None, "CG", "lesson", ())
    assert entry.subject_code is not None and entry.weekday is not None and entry.start is not None
    assert entry.duration is not None and entry.alternation is not None and len(entry.teachers) == 1
    return DemoLesson(
        class_code=entry.class_code,
        group_code=entry.group_code,
        subject_code=entry.subject_code,
        teacher_sts_id=entry.teachers[0],
        weekday=entry.weekday,
        start=entry.start,
        duration=entry.duration,
        alternation=entry.alternation,
        room=entry.room,
    )


def round_trip(lessons: list[DemoLesson], alternations: dict[str, list[date]] = WEEKS) -> list[DemoLesson]:
    parsed = read_edt(NAME, write_edt(UAI, YEAR, alternations, lessons))
    assert parsed.unreadable == []
    return [as_lesson(entry) for entry in parsed.lessons]


def grouped(lessons: list[DemoLesson]) -> list[DemoLesson]:
    """The order the file gives: classes then groups, each owner, service and teacher at its first lesson."""
    first: dict[tuple[object, ...], int] = {}
    for index, item in enumerate(lessons):
        owner = (item.class_code is None, item.class_code or item.group_code)
        for key in (owner, (*owner, item.subject_code), (*owner, item.subject_code, item.teacher_sts_id)):
            first.setdefault(key, index)

    def position(item: DemoLesson) -> tuple[object, ...]:
        owner = (item.class_code is None, item.class_code or item.group_code)
        service = (*owner, item.subject_code)
        return (owner[0], first[owner], first[service], first[(*service, item.teacher_sts_id)])

    return sorted(lessons, key=position)


def test_lessons_of_classes_and_groups_read_back_as_written() -> None:
    lessons = [
        lesson(),
        lesson(weekday=2, start=time(10, 10), alternation="A", room=None),
        lesson(subject_code="061300", teacher_sts_id="8950", weekday=2, start=time(10, 10), alternation="B"),
        lesson(class_code=None, group_code="6LV2.ESP", subject_code="030602", teacher_sts_id="8951", weekday=6),
        lesson(class_code="5A", subject_code="100100", teacher_sts_id="8952", start=time(13, 30), duration=115),
    ]

    assert round_trip(lessons) == grouped(lessons)


def test_the_file_states_its_school_and_year_whatever_its_name() -> None:
    parsed = read_edt("export.xml", write_edt(UAI, YEAR, WEEKS, [lesson()]))

    assert (parsed.header.kind, parsed.header.uai, parsed.header.year) == ("edt-sts", UAI, YEAR)


def test_alternations_read_back_with_their_weeks_and_labels() -> None:
    parsed = read_edt(NAME, write_edt(UAI, YEAR, WEEKS | {"Q3": [date(2026, 9, 14)]}, []))

    read = [(a.code, a.label, list(a.weeks)) for a in parsed.alternations]
    assert read == [
        ("H", "Toutes les semaines", WEEKS["H"]),
        ("A", "Semaines A", WEEKS["A"]),
        ("B", "Semaines B", WEEKS["B"]),
        ("Q3", "Q3", [date(2026, 9, 14)]),
    ]
    assert parsed.lessons == []


def test_the_file_is_utf8_with_its_prolog_and_escapes_what_xml_must() -> None:
    odd = lesson(class_code="6È<1>", room='Salle "Émile & Zoé"')

    data = write_edt(UAI, YEAR, WEEKS, [odd])

    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<EDT_STS>')
    assert "Zoé".encode() in data
    assert round_trip([odd]) == [odd]


def test_the_same_lessons_give_the_same_bytes() -> None:
    lessons = [lesson(), lesson(weekday=3)]

    assert write_edt(UAI, YEAR, WEEKS, lessons) == write_edt(UAI, YEAR, dict(WEEKS), list(lessons))


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lesson(alternation="Q1"), r"lessons\[0\]: alternation 'Q1' is not one of the file's \(H, A, B\)"),
        (lesson(group_code="G1"), r"one class or one group, not class_code '6A', group_code 'G1'"),
        (lesson(class_code=None), r"one class or one group, not class_code None, group_code None"),
        (lesson(weekday=7), r"weekday 7 is not a day from 1 \(Monday\) to 6"),
        (lesson(duration=0), r"duration 0 is not from 1 to 5999 minutes"),
    ],
)
def test_a_lesson_the_file_cannot_state_is_refused_by_name(wrong: DemoLesson, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_edt(UAI, YEAR, WEEKS, [wrong])


CODES = st.sampled_from(["6A", "6B", "5A", "3È"])
LESSONS = st.builds(
    DemoLesson,
    class_code=st.none() | CODES,
    group_code=st.just("G1"),
    subject_code=st.sampled_from(["020700", "061300", "100100"]),
    teacher_sts_id=st.sampled_from(["8949", "8950", "local-7"]),
    weekday=st.integers(1, 6),
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    duration=st.integers(1, 5999),
    alternation=st.sampled_from(list(WEEKS)),
    room=st.none() | st.sampled_from(["S101", "GYM", "Labo 2"]),
).map(lambda item: replace(item, group_code=None) if item.class_code is not None else item)


@settings(max_examples=60, deadline=None)
@given(st.lists(LESSONS, max_size=25))
def test_any_lessons_read_back_grouped_in_the_order_given(lessons: list[DemoLesson]) -> None:
    assert round_trip(lessons) == grouped(lessons)


def test_the_demo_file_reads_back_as_the_records_the_demo_imports() -> None:
    school = with_contract_teachers(generate_school(UAI, YEAR, 300))
    alternations, lessons = demo_timetable(school, YEAR)

    parsed = read_edt(NAME, write_edt(UAI, YEAR, alternations, lessons))
    direct = timetable_file(UAI, YEAR, alternations, lessons)

    def comparable(entry: LessonEntry) -> LessonEntry:
        return replace(entry, origin=Origin(NAME), subject_label=None)

    assert parsed.header.kind == direct.header.kind
    assert [(a.code, a.label, a.weeks) for a in parsed.alternations] == [
        (a.code, a.label, a.weeks) for a in direct.alternations
    ]
    assert sorted(map(comparable, parsed.lessons), key=repr) == sorted(map(comparable, direct.lessons), key=repr)
