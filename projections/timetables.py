"""The timetables: the calendar, every lesson's plan, and the weeks they expand to.

Families, students and teachers read a week at a time. The read model keeps what the events say,
not the expanded occurrences: a lesson is a handful of rows (its plan, its patterns, its one-week
changes) whatever the length of the year, and an annual change or a calendar change is one event's
rows, not a rewrite of every week. A week is expanded on reading with the domain's own
``LessonPlan.occurrences``, so the timetable and the ``Lesson`` aggregate never disagree on what
happens when. How the tables make every event a few row writes is told in ``timetables_tables``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, RowMapping, Select, and_, or_, select

from domain.lesson import Lesson
from domain.school_calendar import CalendarDays, SchoolCalendar, parse_clock
from domain.teaching_group import TeachingGroup
from domain.timetable import LessonKind, LessonPlan, Occurrence, OccurrenceChange, Pattern
from projections.batch import RowBatch
from projections.engine import Projection, handles
from projections.timetables_tables import (
    calendar,
    group_classes,
    groups,
    lesson_changes,
    lesson_patterns,
    lesson_rooms,
    lesson_teachers,
    lessons,
    metadata,
)

# A change row's columns when the event says nothing of them (a cancellation: no room, no move).
_UNCHANGED = {"cancelled": False, "reason": None, "room": None, "teacher_ids": None, "moved_to": None, "start": None}


class Timetables(Projection):
    """The school calendar, the lessons with their annual and one-week changes, and the groups' classes."""

    name = "timetables"
    metadata = metadata

    # -- handlers ---------------------------------------------------------------------------------

    @handles(SchoolCalendar.Defined, SchoolCalendar.Changed)
    def _calendar(self, batch: RowBatch, e: SchoolCalendar.Defined | SchoolCalendar.Changed) -> None:
        batch.upsert(
            calendar,
            {
                "id": str(e.originator_id),
                "first_day": e.first_day,
                "last_day": e.last_day,
                "holidays": [dict(h) for h in e.holidays],
                "bank_holidays": [d.isoformat() for d in e.bank_holidays],
                "alternations": {code: [d.isoformat() for d in weeks] for code, weeks in e.alternations.items()},
                "slots": [dict(s) for s in e.slots],
            },
        )

    @handles(Lesson.Scheduled)
    def _scheduled(self, batch: RowBatch, e: Lesson.Scheduled) -> None:
        lesson_id = str(e.originator_id)
        batch.upsert(
            lessons,
            {
                "id": lesson_id,
                "kind": e.kind,
                "subject_code": e.subject_code,
                "subject_label": e.subject_label,
                "class_code": e.class_code,
                "group_code": e.group_code,
                "alternation": e.alternation,
                "week_dates": sorted(d.isoformat() for d in e.week_dates),
                "exceptional": e.exceptional,
                "ended_from": None,
                "source_key": e.source_key,
            },
        )
        _pattern(batch, e, None)

    @handles(Lesson.Rescheduled)
    def _rescheduled(self, batch: RowBatch, e: Lesson.Rescheduled) -> None:
        _pattern(batch, e, e.from_week)

    @handles(Lesson.Ended)
    def _ended(self, batch: RowBatch, e: Lesson.Ended) -> None:
        batch.update(lessons, {"id": str(e.originator_id)}, {"ended_from": e.from_week})

    @handles(Lesson.OccurrenceCancelled)
    def _cancelled(self, batch: RowBatch, e: Lesson.OccurrenceCancelled) -> None:
        batch.upsert(lesson_changes, _change_row(e.originator_id, e.on, cancelled=True, reason=e.reason))

    @handles(Lesson.OccurrenceChanged)
    def _changed(self, batch: RowBatch, e: Lesson.OccurrenceChanged) -> None:
        teachers = None if e.teacher_ids is None else [str(t) for t in e.teacher_ids]
        change = {"reason": e.reason, "room": e.room, "teacher_ids": teachers, "moved_to": e.moved_to, "start": e.start}
        batch.upsert(lesson_changes, _change_row(e.originator_id, e.on, **change))
        _index(batch, e.originator_id, e.room, e.teacher_ids or ())

    @handles(Lesson.OccurrenceRestored)
    def _restored(self, batch: RowBatch, e: Lesson.OccurrenceRestored) -> None:
        batch.delete(lesson_changes, {"lesson_id": str(e.originator_id), "planned_on": e.on})

    @handles(TeachingGroup.Created)
    def _group_created(self, batch: RowBatch, e: TeachingGroup.Created) -> None:
        row = {"id": str(e.originator_id), "code": e.code, "version": e.originator_version}
        batch.upsert(groups, row)
        _group_classes(batch, e, e.class_codes)

    @handles(TeachingGroup.ClassesChanged)
    def _group_classes_changed(self, batch: RowBatch, e: TeachingGroup.ClassesChanged) -> None:
        batch.update(groups, {"id": str(e.originator_id)}, {"version": e.originator_version})
        _group_classes(batch, e, e.class_codes)

    # -- queries ----------------------------------------------------------------------------------

    @staticmethod
    def calendar(connection: Connection) -> CalendarDays | None:
        """The base's calendar, or None while it has not been defined."""
        query = select(calendar).where(calendar.c.id == str(SchoolCalendar.create_id()))
        row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return CalendarDays.from_event(
            {
                "first_day": row["first_day"],
                "last_day": row["last_day"],
                "holidays": row["holidays"],
                "bank_holidays": [date.fromisoformat(d) for d in row["bank_holidays"]],
                "alternations": {code: [date.fromisoformat(d) for d in w] for code, w in row["alternations"].items()},
                "slots": row["slots"],
            }
        )

    @staticmethod
    def lesson_plan(connection: Connection, lesson_id: UUID) -> LessonPlan | None:
        """One lesson's plan, or None when no lesson has that id."""
        found = _plans(connection, select(lessons.c.id).where(lessons.c.id == str(lesson_id)))
        return found[0] if found else None

    @staticmethod
    def plans(
        connection: Connection,
        *,
        class_code: str | None = None,
        group_codes: Collection[str] = (),
        class_groups: bool = True,
        teacher_id: UUID | None = None,
        room: str | None = None,
        lesson_ids: Collection[UUID] | None = None,
    ) -> list[LessonPlan]:
        """The plans of the lessons that may concern a timetable; expand them with :func:`occurrences`.

        Lessons of ``class_code`` (and, with ``class_groups``, of the groups that belong to it) or of
        any of ``group_codes``: a class's week shows every group of the class, a student's passes its
        own groups with ``class_groups=False``. ``teacher_id``, ``room`` and ``lesson_ids`` narrow that
        further. Teachers and rooms are matched on everything the lesson ever had, so the caller passes
        them to :func:`occurrences` as well, which keeps only the occurrences that really have them.
        """
        ids = select(lessons.c.id)
        audience: list[Any] = []
        if class_code is not None:
            audience.append(lessons.c.class_code == class_code)
            if class_groups:
                audience.append(lessons.c.group_code.in_(_groups_of(class_code)))
        if group_codes:
            audience.append(lessons.c.group_code.in_(sorted(group_codes)))
        if audience:
            ids = ids.where(or_(*audience))
        if teacher_id is not None:
            taught = select(lesson_teachers.c.lesson_id).where(lesson_teachers.c.teacher_id == str(teacher_id))
            ids = ids.where(lessons.c.id.in_(taught))
        if room is not None:
            ids = ids.where(lessons.c.id.in_(select(lesson_rooms.c.lesson_id).where(lesson_rooms.c.room == room)))
        if lesson_ids is not None:
            ids = ids.where(lessons.c.id.in_(sorted(str(i) for i in lesson_ids)))
        return _plans(connection, ids)

    @staticmethod
    def all_plans(connection: Connection) -> list[LessonPlan]:
        """Every lesson of the base (registers for a day, conflicts, exports)."""
        return _plans(connection, None)

    @staticmethod
    def imported_lessons(connection: Connection) -> dict[UUID, bool]:
        """The lessons an import scheduled (those with a source key) → whether they have ended.

        A timetable file is the whole timetable: the next import ends those it no longer lists.
        """
        query = select(lessons.c.id, lessons.c.ended_from).where(lessons.c.source_key.is_not(None))
        return {UUID(row.id): row.ended_from is not None for row in connection.execute(query)}

    @staticmethod
    def groups_of_class(connection: Connection, class_code: str) -> list[str]:
        """The codes of the teaching groups that belong to a class now, sorted."""
        return list(connection.execute(_groups_of(class_code).order_by(groups.c.code)).scalars())

    @staticmethod
    def rooms(connection: Connection) -> list[str]:
        """Every room a lesson has been planned or moved in, sorted (the room picker's list)."""
        query = select(lesson_rooms.c.room).distinct().order_by(lesson_rooms.c.room)
        return list(connection.execute(query).scalars())


def occurrences(
    plans: Iterable[LessonPlan],
    calendar: CalendarDays,
    first: date,
    last: date,
    *,
    teacher_id: UUID | None = None,
    room: str | None = None,
) -> list[Occurrence]:
    """The occurrences of ``plans`` whose day lies in ``[first, last]``, by day, time and subject.

    With ``teacher_id``, only those the teacher takes (a substituted teacher loses the occurrence,
    the substitute gains it); with ``room``, only those held in that room. Cancelled ones are kept:
    families must see them.
    """
    found = [
        o
        for plan in plans
        for o in plan.occurrences(calendar, first, last)
        if (teacher_id is None or teacher_id in o.teacher_ids) and (room is None or o.room == room)
    ]
    return sorted(found, key=lambda o: (o.day, o.start, o.subject_code or o.subject_label or "", str(o.lesson_id)))


# -- handlers' rows -------------------------------------------------------------------------------


def _pattern(batch: RowBatch, e: Lesson.Scheduled | Lesson.Rescheduled, from_week: date | None) -> None:
    batch.upsert(
        lesson_patterns,
        {
            "lesson_id": str(e.originator_id),
            "version": e.originator_version,
            "from_week": from_week,
            "weekday": e.weekday,
            "start": e.start,
            "duration": e.duration,
            "room": e.room,
            "teacher_ids": [str(t) for t in e.teacher_ids],
        },
    )
    _index(batch, e.originator_id, e.room, e.teacher_ids)


def _index(batch: RowBatch, lesson_id: UUID, room: str | None, teacher_ids: Iterable[UUID]) -> None:
    for teacher_id in teacher_ids:
        batch.upsert(lesson_teachers, {"teacher_id": str(teacher_id), "lesson_id": str(lesson_id)})
    if room is not None:
        batch.upsert(lesson_rooms, {"room": room, "lesson_id": str(lesson_id)})


def _change_row(lesson_id: UUID, on: date, **values: Any) -> dict[str, Any]:
    """A whole change row (upserts write every column: a cancellation clears an earlier move)."""
    return {"lesson_id": str(lesson_id), "planned_on": on, **_UNCHANGED, **values}


def _group_classes(batch: RowBatch, e: TeachingGroup.Event, class_codes: Sequence[str]) -> None:
    for class_code in class_codes:
        row = {"group_id": str(e.originator_id), "class_code": class_code, "version": e.originator_version}
        batch.upsert(group_classes, row)


# -- queries' helpers -----------------------------------------------------------------------------


def _groups_of(class_code: str) -> Select[Any]:
    """The codes of the groups whose latest classes include ``class_code``."""
    current = and_(group_classes.c.group_id == groups.c.id, group_classes.c.version == groups.c.version)
    return select(groups.c.code).join(group_classes, current).where(group_classes.c.class_code == class_code)


def _plans(connection: Connection, ids: Select[Any] | None) -> list[LessonPlan]:
    """The plans of the lessons ``ids`` selects (all of them for None), three queries in all."""

    def of(query: Select[Any], column: Any) -> Select[Any]:
        return query if ids is None else query.where(column.in_(ids))

    by_version = select(lesson_patterns).order_by(lesson_patterns.c.lesson_id, lesson_patterns.c.version)
    patterns: dict[str, list[Pattern]] = {}
    for row in connection.execute(of(by_version, lesson_patterns.c.lesson_id)).mappings():
        patterns[row["lesson_id"]] = _fold(patterns.get(row["lesson_id"], []), row)
    changes: dict[str, dict[date, OccurrenceChange]] = {}
    for row in connection.execute(of(select(lesson_changes), lesson_changes.c.lesson_id)).mappings():
        changes.setdefault(row["lesson_id"], {})[row["planned_on"]] = _change(row)
    rows = connection.execute(of(select(lessons).order_by(lessons.c.id), lessons.c.id)).mappings()
    return [_plan(row, patterns.get(row["id"], []), changes.get(row["id"], {})) for row in rows]


def _fold(patterns: list[Pattern], row: RowMapping) -> list[Pattern]:
    """The patterns after one more pattern event: what ``Lesson`` does on Scheduled and Rescheduled."""
    new = Pattern(
        from_week=row["from_week"],
        weekday=row["weekday"],
        start=parse_clock(row["start"], "start"),
        duration=row["duration"],
        room=row["room"],
        teacher_ids=tuple(UUID(t) for t in row["teacher_ids"]),
    )
    if new.from_week is None:
        return [new]
    return [*(p for p in patterns if p.from_week is None or p.from_week < new.from_week), new]


def _change(row: RowMapping) -> OccurrenceChange:
    teacher_ids = row["teacher_ids"]
    return OccurrenceChange(
        on=row["planned_on"],
        cancelled=bool(row["cancelled"]),
        reason=row["reason"],
        room=row["room"],
        teacher_ids=None if teacher_ids is None else tuple(UUID(t) for t in teacher_ids),
        moved_to=row["moved_to"],
        start=None if row["start"] is None else parse_clock(row["start"], "start"),
    )


def _plan(row: RowMapping, patterns: list[Pattern], changes: dict[date, OccurrenceChange]) -> LessonPlan:
    return LessonPlan(
        id=UUID(row["id"]),
        kind=LessonKind(row["kind"]),
        subject_code=row["subject_code"],
        subject_label=row["subject_label"],
        class_code=row["class_code"],
        group_code=row["group_code"],
        alternation=row["alternation"],
        week_dates=frozenset(date.fromisoformat(d) for d in row["week_dates"]),
        exceptional=bool(row["exceptional"]),
        patterns=tuple(patterns),
        ended_from=row["ended_from"],
        changes=changes,
    )
