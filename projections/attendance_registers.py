"""The attendance read model's queries about registers: a day's, a lesson's, one in detail, calls not taken.

A register's current teachers are its teacher rows of the version the register names (see
:mod:`projections.attendance_tables`); how many students it expects and how many are absent are
counted from its marks when read, never kept in the register's row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Select, and_, func, select

from domain.register import MarkKind, RegisterKind
from domain.school_calendar import PARIS, parse_clock
from domain.values import as_utc
from projections.attendance_records import NotTakenRegister, RegisterDetail, RegisterItem, StudentMark
from projections.attendance_tables import register_students, register_teachers, registers

NOT_TAKEN_DAYS = 7  # how far back the office is shown calls not taken
CHUNK = 500  # ids per IN (…) list: well under SQLite's bound-parameter limit


def detail(connection: Connection, register_id: UUID) -> RegisterDetail | None:
    """A register with its teachers and every expected student's mark."""
    found = _items(connection, _registers().where(registers.c.id == str(register_id)))
    if not found:
        return None
    query = (
        select(register_students)
        .where(register_students.c.register_id == str(register_id))
        .order_by(register_students.c.student_id)
    )
    students = tuple(
        StudentMark(UUID(r["student_id"]), None if r["mark"] is None else MarkKind(r["mark"]), r["minutes"])
        for r in connection.execute(query).mappings()
    )
    return RegisterDetail(**vars(found[0]), students=students)


def of_day(
    connection: Connection, *, day: date, teacher_id: UUID | None = None, class_code: str | None = None
) -> list[RegisterItem]:
    """A day's registers (withdrawn ones too, flagged) by start: of one teacher, of one class when given."""
    query = _registers().where(registers.c.day == day)
    if teacher_id is not None:
        query = query.where(_taught_by(teacher_id))
    if class_code is not None:
        query = query.where(registers.c.class_code == class_code)
    return _items(connection, query)


def of_lesson(connection: Connection, lesson_id: UUID, from_day: date) -> list[RegisterItem]:
    """The lesson's registers planned on ``from_day`` or later (by the date planned: a moved one too)."""
    query = _registers().where(registers.c.lesson_id == str(lesson_id), registers.c.on >= from_day)
    return _items(connection, query)


def not_taken(connection: Connection, *, at: datetime, grace_minutes: int = 15) -> dict[UUID, list[NotTakenRegister]]:
    """Per teacher, the calls not closed ``grace_minutes`` after their lesson started, over the last week.

    Lessons that take place (not withdrawn), canteen aside, from ``at``'s day in Paris back
    :data:`NOT_TAKEN_DAYS` days. A register with no teacher is no one's to list here.
    """
    today = as_utc(at).astimezone(PARIS).date()
    query = _registers().where(
        registers.c.withdrawn.is_(False),
        registers.c.closed.is_(False),
        registers.c.kind != RegisterKind.CANTEEN.value,
        registers.c.starts_at <= as_utc(at) - timedelta(minutes=grace_minutes),
        registers.c.day.between(today - timedelta(days=NOT_TAKEN_DAYS), today),
    )
    per_teacher: dict[UUID, list[NotTakenRegister]] = {}
    for item in _items(connection, query):
        for teacher_id in item.teacher_ids:
            per_teacher.setdefault(teacher_id, []).append(NotTakenRegister(**vars(item)))
    return {teacher_id: per_teacher[teacher_id] for teacher_id in sorted(per_teacher, key=str)}


def _taught_by(teacher_id: UUID) -> Any:
    """The register's current teachers include ``teacher_id``."""
    current = select(register_teachers.c.register_id).where(
        register_teachers.c.register_id == registers.c.id,
        register_teachers.c.teacher_id == str(teacher_id),
        register_teachers.c.version == registers.c.teachers_version,
    )
    return current.exists()


def _registers() -> Select[Any]:
    """Registers with how many students each expects and how many are marked absent, by day and start.

    Counted per register through the marks' key (correlated), so a day's list reads that day's marks only.
    """
    of_register = register_students.c.register_id == registers.c.id
    expected = select(func.count()).where(of_register).correlate(registers).scalar_subquery()
    absent = (
        select(func.count())
        .where(of_register, register_students.c.mark == MarkKind.ABSENT.value)
        .correlate(registers)
        .scalar_subquery()
    )
    return select(registers, expected.label("expected"), absent.label("absent")).order_by(
        registers.c.day, registers.c.start, registers.c.subject_label, registers.c.id
    )


def _items(connection: Connection, query: Select[Any]) -> list[RegisterItem]:
    rows = list(connection.execute(query).mappings())
    teachers = _current_teachers(connection, [r["id"] for r in rows])
    return [_item(r, teachers.get(r["id"], ())) for r in rows]


def _current_teachers(connection: Connection, register_ids: list[str]) -> dict[str, tuple[UUID, ...]]:
    found: dict[str, list[UUID]] = {}
    for chunk in (register_ids[i : i + CHUNK] for i in range(0, len(register_ids), CHUNK)):
        query = (
            select(register_teachers.c.register_id, register_teachers.c.teacher_id)
            .join(
                registers,
                and_(
                    registers.c.id == register_teachers.c.register_id,
                    registers.c.teachers_version == register_teachers.c.version,
                ),
            )
            .where(register_teachers.c.register_id.in_(chunk))
            .order_by(register_teachers.c.register_id, register_teachers.c.teacher_id)
        )
        for register_id, teacher_id in connection.execute(query):
            found.setdefault(register_id, []).append(UUID(teacher_id))
    return {register_id: tuple(ids) for register_id, ids in found.items()}


def _item(r: Any, teacher_ids: tuple[UUID, ...]) -> RegisterItem:
    return RegisterItem(
        id=UUID(r["id"]),
        lesson_id=None if r["lesson_id"] is None else UUID(r["lesson_id"]),
        on=r["on"],
        kind=RegisterKind(r["kind"]),
        day=r["day"],
        start=parse_clock(r["start"], "start"),
        end=parse_clock(r["end"], "end"),
        starts_at=as_utc(r["starts_at"]),
        subject_label=r["subject_label"],
        class_code=r["class_code"],
        group_code=r["group_code"],
        room=r["room"],
        closed=bool(r["closed"]),
        withdrawn=bool(r["withdrawn"]),
        teacher_ids=teacher_ids,
        expected=r["expected"],
        absent=r["absent"],
    )
