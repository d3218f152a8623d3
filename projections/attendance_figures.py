"""The attendance figures: each student's entries and reason spans read from the tables, then the domain's rules.

Nothing here is stored: :func:`domain.absence_periods.summarize` turns the marks of the registers
that take place (withdrawn ones aside, canteen counted apart) and the spans of the student's file
into periods, latenesses and half-days, at the moment they are read. A span whose reason code is
not (or no longer) among the school's reasons is left out: the lessons it covered have no reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, case, func, select

from domain.absence_periods import HalfDay, ReasonSpan, ReasonView, StudentEntry, Summary, absent_half_days, summarize
from domain.absence_reason import ReasonFlags, ReasonKind
from domain.register import MarkKind, RegisterKind
from domain.school_calendar import parse_clock
from domain.values import as_utc
from projections.attendance_records import ClassDay, StudentFigures
from projections.attendance_tables import files, reason_spans, reasons, register_students, registers

CHUNK = 500  # ids per IN (…) list: well under SQLite's bound-parameter limit


def student_summary(
    connection: Connection, student_id: UUID, first: date, last: date, *, published_only: bool = False
) -> Summary:
    key = str(student_id)
    entries, spans = _entries(connection, [key], first, last), _spans(connection, [key])
    return summarize(entries.get(key, []), spans.get(key, []), published_only=published_only)


def canteen_absences(connection: Connection, student_id: UUID, first: date, last: date) -> int:
    query = (
        select(func.count())
        .select_from(register_students.join(registers, registers.c.id == register_students.c.register_id))
        .where(
            register_students.c.student_id == str(student_id),
            register_students.c.mark == MarkKind.ABSENT.value,
            registers.c.kind == RegisterKind.CANTEEN.value,
            registers.c.withdrawn.is_(False),
            registers.c.day.between(first, last),
        )
    )
    return int(connection.execute(query).scalar_one())


def class_daily(connection: Connection, class_code: str, first: date, last: date) -> list[ClassDay]:
    """Per day, the class's students absent each half-day and their latenesses, and the class's calls."""
    absent: Counter[HalfDay] = Counter()
    late: Counter[date] = Counter()
    for _, summary in _class_summaries(connection, class_code, first, last):
        absent.update(absent_half_days(summary.periods).keys())  # each half-day once, justified or not
        late.update(lateness.day for lateness in summary.latenesses)
    calls = {
        day: (int(taken), int(expected))
        for day, taken, expected in connection.execute(
            select(registers.c.day, func.sum(case((registers.c.closed, 1), else_=0)), func.count())
            .where(*_class_registers(class_code, first, last))
            .group_by(registers.c.day)
        )
    }
    days = sorted(calls.keys() | {day for day, _ in absent} | late.keys())
    return [
        ClassDay(
            day=day,
            morning_absent=absent[(day, 0)],
            afternoon_absent=absent[(day, 1)],
            latenesses=late[day],
            registers_taken=calls.get(day, (0, 0))[0],
            registers_expected=calls.get(day, (0, 0))[1],
        )
        for day in days
    ]


def class_summary(connection: Connection, class_code: str, first: date, last: date) -> list[StudentFigures]:
    """Each of the class's students' bulletin figures, by student id."""
    return [
        StudentFigures(student_id, summary.figures())
        for student_id, summary in _class_summaries(connection, class_code, first, last)
    ]


def reason_view(r: Any) -> ReasonView:
    flags = ReasonFlags(
        counts_as_absence=bool(r["counts_as_absence"]),
        justified=bool(r["justified"]),
        health=bool(r["health"]),
        published=bool(r["published"]),
        usable_by_parents=bool(r["usable_by_parents"]),
    )
    return ReasonView(code=r["code"], label=r["label"], kind=ReasonKind(r["kind"]), flags=flags)


# -- reading the tables ---------------------------------------------------------------------------


def _class_registers(class_code: str, first: date, last: date) -> list[Any]:
    return [
        registers.c.class_code == class_code,
        registers.c.withdrawn.is_(False),
        registers.c.kind != RegisterKind.CANTEEN.value,
        registers.c.day.between(first, last),
    ]


def _class_summaries(
    connection: Connection, class_code: str, first: date, last: date
) -> Iterator[tuple[UUID, Summary]]:
    """The class's students (expected in its registers over the range), each with their summary.

    Their absences count over all their registers, not only the class's ones.
    """
    query = (
        select(register_students.c.student_id)
        .distinct()
        .join(registers, registers.c.id == register_students.c.register_id)
        .where(*_class_registers(class_code, first, last))
    )
    students = sorted(connection.execute(query).scalars())
    entries, spans = _entries(connection, students, first, last), _spans(connection, students)
    for student in students:
        yield UUID(student), summarize(entries.get(student, []), spans.get(student, []))


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _entries(connection: Connection, student_ids: list[str], first: date, last: date) -> dict[str, list[StudentEntry]]:
    """The students' lessons from ``first`` to ``last``, in registers that take place, canteen aside."""
    found: dict[str, list[StudentEntry]] = {}
    for chunk in _chunks(student_ids):
        query = (
            select(
                register_students,
                registers.c.day,
                registers.c.start,
                registers.c.end,
                registers.c.closed,
            )
            .join(registers, registers.c.id == register_students.c.register_id)
            .where(
                register_students.c.student_id.in_(chunk),
                registers.c.withdrawn.is_(False),
                registers.c.kind != RegisterKind.CANTEEN.value,
                registers.c.day.between(first, last),
            )
        )
        for r in connection.execute(query).mappings():
            entry = StudentEntry(
                register_id=UUID(r["register_id"]),
                day=r["day"],
                start=parse_clock(r["start"], "start"),
                end=parse_clock(r["end"], "end"),
                taken=bool(r["closed"]),
                mark=None if r["mark"] is None else MarkKind(r["mark"]),
                minutes=r["minutes"],
            )
            found.setdefault(r["student_id"], []).append(entry)
    return found


def _spans(connection: Connection, student_ids: list[str]) -> dict[str, list[ReasonSpan]]:
    """The reasons set in the students' files, each student's in the order they were set."""
    found: dict[str, list[ReasonSpan]] = {}
    for chunk in _chunks(student_ids):
        query = (
            select(reason_spans, files.c.student_id, reasons)
            .join(files, files.c.id == reason_spans.c.file_id)
            .join(reasons, reasons.c.code == reason_spans.c.reason_code)
            .where(files.c.student_id.in_(chunk))
            .order_by(files.c.student_id, reason_spans.c.file_id, reason_spans.c.version)
        )
        for r in connection.execute(query).mappings():
            span = ReasonSpan(as_utc(r["first"]), as_utc(r["last"]), reason_view(r), bool(r["settled"]))
            found.setdefault(r["student_id"], []).append(span)
    return found
