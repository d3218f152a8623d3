"""Importing a timetable (EDT_STS upward file, our CSV): the week alternations and the lessons.

A lesson is keyed by what the file says about it (class or group, subject, course mode, day, time,
duration, weeks, kind), so re-importing the same file finds every lesson and writes nothing. The
same slot taught by two teachers (co-teaching: one COURS under each ENSEIGNANT) is one lesson with
both teachers. A lesson whose room or teachers changed is rescheduled from the import's week on
(an annual change: earlier weeks keep what they had), and a lesson imported before but missing from
the file ends from that week: a timetable file is the whole timetable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from application.imports.context import ImportContext, name_key
from application.imports.records import AlternationEntry, LessonEntry, Origin
from application.imports.staff import STS, open_service
from application.imports.students import ensure_class, ensure_group
from domain.errors import DomainError
from domain.lesson import Lesson
from domain.school_calendar import CalendarDays, SchoolCalendar, clock
from domain.service import Service
from domain.timetable import LessonKind, LessonPlan


@dataclass
class TimetableImport:
    """What the timetable step needs besides the context, and what it leaves for the registers."""

    calendar: CalendarDays
    calendar_exists: bool
    since: date  # the Monday from which changes apply
    imported: dict[UUID, bool]  # lessons imported before → whether they have ended
    changed: list[LessonPlan] = field(default_factory=list)  # lessons that existed and changed


def import_alternations(context: ImportContext, step: TimetableImport, entries: Sequence[AlternationEntry]) -> None:
    """The file's alternations replace the calendar's ones of the same code (H: the school weeks)."""
    if not entries:
        return
    alternations = {code: sorted(weeks) for code, weeks in step.calendar.alternations.items()}
    for entry in entries:
        alternations[entry.code] = sorted(set(entry.weeks))
    values = step.calendar.event_values() | {"alternations": alternations}
    days = CalendarDays.from_event(values)
    if days == step.calendar and step.calendar_exists:
        context.report.count("unchanged")
        return
    with context.record(Origin(file="calendar", label="alternations")):
        calendar = context.unit.find(SchoolCalendar, SchoolCalendar.create_id())
        if calendar is None:
            context.unit.create(SchoolCalendar.define(**days.fields()))
            context.report.count("created")
        else:
            calendar.change(**days.fields())
            context.report.count("updated")
        step.calendar = days


def import_lessons(context: ImportContext, step: TimetableImport, entries: Sequence[LessonEntry]) -> None:
    """Every lesson of the file, co-taught slots merged; lessons no longer in the file end."""
    merged: dict[str, tuple[LessonEntry, list[UUID]]] = {}
    known = {t for ids in context.index.teachers_by_name.values() for t in ids}
    for entry in entries:
        resolved = _resolve(context, entry, known)
        if resolved is None:
            continue
        key, teacher_ids = resolved
        if key in merged:
            teachers = merged[key][1]
            teachers.extend(t for t in teacher_ids if t not in teachers)
        else:
            merged[key] = (entry, list(teacher_ids))
    seen: set[UUID] = set()
    for key, (entry, teacher_ids) in merged.items():
        seen.add(Lesson.create_id(key))
        _import_lesson(context, step, key, entry, teacher_ids)
    for lesson_id, ended in step.imported.items():
        if lesson_id not in seen and not ended:
            lesson = context.unit.get(Lesson, lesson_id, "lesson")
            with context.record(Origin(file="timetable", label=f"lesson {lesson_id}"), lesson):
                lesson.end(step.since)
                step.changed.append(lesson.plan())
                context.report.count("left")  # gone from the file: it left the timetable


def _resolve(context: ImportContext, entry: LessonEntry, known: set[UUID]) -> tuple[str, list[UUID]] | None:
    """The lesson's natural key and its teachers, or None (the record is reported) when it cannot be."""
    missing = [
        name
        for name, value in (("weekday", entry.weekday), ("start", entry.start), ("duration", entry.duration))
        if value is None
    ]
    if entry.kind == LessonKind.LESSON and not entry.subject_code:
        missing.append("subject_code")
    if missing:
        context.report.reject(entry.origin, f"missing or unreadable: {', '.join(missing)}")
        return None
    teacher_ids: list[UUID] = []
    for teacher in entry.teachers:
        found = _teacher(context, teacher, known)
        if found is None:
            context.report.reject(entry.origin, f"teacher {teacher!r} is not in the base (import STS-WEB first)")
            return None
        teacher_ids.append(found)
    assert entry.start is not None  # checked above, for the type checker
    weeks = entry.alternation or "|".join(d.isoformat() for d in entry.week_dates)
    target = f"class:{entry.class_code}" if entry.class_code else f"group:{entry.group_code}"
    parts = (target, entry.subject_code or "", entry.course_mode, str(entry.weekday), clock(entry.start))
    key = "|".join((*parts, str(entry.duration), weeks, entry.kind))
    return key, teacher_ids


def _teacher(context: ImportContext, reference: str, known: set[UUID]) -> UUID | None:
    """A teacher by STS id, by Cartable id (one of ``known``), or (our CSV) by "NOM Prénom" when only one
    has that name."""
    found = context.index.external.get((STS, reference))
    if found is not None:
        return found
    try:
        candidate = UUID(reference)
    except ValueError:
        last, _, first = reference.strip().partition(" ")
        by_name = context.index.teachers_by_name.get(name_key(last, first), [])
        return by_name[0] if len(by_name) == 1 else None
    return candidate if candidate in known else None


def _import_lesson(
    context: ImportContext, step: TimetableImport, key: str, entry: LessonEntry, teacher_ids: list[UUID]
) -> None:
    assert entry.weekday is not None and entry.start is not None and entry.duration is not None
    lesson = context.unit.find(Lesson, Lesson.create_id(key))
    if lesson is None:
        with context.record(entry.origin):
            if entry.class_code is not None:
                ensure_class(context, entry.class_code)
            if entry.group_code is not None:
                ensure_group(context, entry.group_code)
            context.unit.create(
                Lesson.schedule(
                    kind=entry.kind,
                    subject_code=entry.subject_code,
                    subject_label=entry.subject_label,
                    class_code=entry.class_code,
                    group_code=entry.group_code,
                    weekday=entry.weekday,
                    start=entry.start,
                    duration=entry.duration,
                    room=entry.room,
                    teacher_ids=teacher_ids,
                    alternation=entry.alternation,
                    week_dates=list(entry.week_dates),
                    source_key=key,
                )
            )
            _ensure_service(context, entry, teacher_ids)
            context.report.count("created")  # a new lesson has no register to follow yet
        return
    current = lesson.plan().pattern_of(step.since)
    if lesson.ended_from is None and (current.room, list(current.teacher_ids)) == (entry.room, teacher_ids):
        context.report.count("unchanged")
        return
    with context.record(entry.origin, lesson):
        lesson.reschedule(
            from_week=step.since,
            weekday=entry.weekday,
            start=entry.start,
            duration=entry.duration,
            room=entry.room,
            teacher_ids=teacher_ids,
        )
        step.changed.append(lesson.plan())
        context.report.count("updated")


def _ensure_service(context: ImportContext, entry: LessonEntry, teacher_ids: list[UUID]) -> None:
    """A lesson of a subject to a class or group is taught within a service: open it when STS did not."""
    if entry.kind != LessonKind.LESSON or entry.subject_code is None or not teacher_ids:
        return
    service_id = Service.create_id(entry.subject_code, entry.course_mode, entry.class_code, entry.group_code)
    if service_id in context.index.service_ids:
        return
    try:
        open_service(context, entry, teacher_ids)
    except DomainError:
        return  # the lesson stands on its own; the service is STS-WEB's to give
