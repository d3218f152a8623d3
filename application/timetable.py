"""The timetable's use cases: the calendar, lessons and their changes, and the weeks people read.

A change of a lesson is followed, in the same transaction, by the registers already made for its
occurrences: a cancelled occurrence withdraws its register, a moved one reschedules it, so that the
list of registers to take never disagrees with the timetable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from uuid import UUID

from sqlalchemy import Connection

from application.calendar import default_calendar
from application.directory_queries import DirectoryQueries
from application.errors import NotFound
from application.permissions import FAMILY_ROLES, Principal
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidValue, RuleViolated
from domain.lesson import Lesson
from domain.register import Register
from domain.school_calendar import CalendarDays, CalendarFields, Holiday, SchoolCalendar, TimeSlot, monday_of
from domain.timetable import LessonPlan, Occurrence
from projections.attendance import Attendance
from projections.directory_roster import group_codes, teacher_names
from projections.timetables import Timetables, occurrences

TIMETABLE_KINDS = ("class", "group", "teacher", "room", "student")


@dataclass(frozen=True)
class LessonSpec:
    """A lesson as a client or a file describes it, before the domain checks it."""

    kind: str
    subject_code: str | None
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    weekday: int
    start: time
    duration: int
    room: str | None
    teacher_ids: list[UUID]
    alternation: str | None = None
    week_dates: tuple[date, ...] = ()
    exceptional: bool = False


@dataclass(frozen=True)
class Reach:
    """Which timetables someone may read: a family only students', and students only in ``scope``."""

    family: bool
    scope: set[UUID] | None  # None: every student


@dataclass(frozen=True)
class TimetableWeek:
    """What one timetable shows between two days, with the teachers' names."""

    kind: str
    key: str
    first: date
    last: date
    occurrences: list[Occurrence]
    names: dict[UUID, str]


class TimetableUseCases(DirectoryQueries):
    """Calendar, lessons and timetables of the base."""

    # -- the calendar -----------------------------------------------------------------------------

    def calendar_days(self) -> CalendarDays:
        """The base's calendar, or the default one until the school sets it."""
        with self.reading() as connection:
            days = Timetables.calendar(connection)
        return days if days is not None else default_calendar(self.year)

    def define_calendar(
        self,
        *,
        first_day: date,
        last_day: date,
        holidays: list[Holiday],
        bank_holidays: list[date],
        alternations: dict[str, list[date]],
        slots: list[TimeSlot],
    ) -> None:
        fields = CalendarFields(
            first_day=first_day,
            last_day=last_day,
            holidays=holidays,
            bank_holidays=bank_holidays,
            alternations=alternations,
            slots=slots,
        )

        def run(unit: UnitOfWork) -> None:
            calendar = unit.find(SchoolCalendar, SchoolCalendar.create_id())
            if calendar is None:
                unit.create(SchoolCalendar.define(**fields))
            else:
                calendar.change(**fields)

        self.execute(run)

    # -- lessons ----------------------------------------------------------------------------------

    def schedule_lesson(self, spec: LessonSpec) -> UUID:
        self._check_lesson_refs(spec.class_code, spec.group_code, spec.teacher_ids)
        lesson = Lesson.schedule(
            kind=spec.kind,
            subject_code=spec.subject_code,
            subject_label=spec.subject_label,
            class_code=spec.class_code,
            group_code=spec.group_code,
            weekday=spec.weekday,
            start=spec.start,
            duration=spec.duration,
            room=spec.room,
            teacher_ids=spec.teacher_ids,
            alternation=spec.alternation,
            week_dates=list(spec.week_dates),
            exceptional=spec.exceptional,
        )
        self.execute(lambda unit: unit.create(lesson))
        return lesson.id

    def lesson(self, lesson_id: UUID) -> LessonPlan:
        with self.reading() as connection:
            plan = Timetables.lesson_plan(connection, lesson_id)
        if plan is None:
            raise NotFound(f"lesson {lesson_id} does not exist")
        return plan

    def reschedule_lesson(
        self,
        lesson_id: UUID,
        *,
        from_week: date,
        weekday: int,
        start: time,
        duration: int,
        room: str | None,
        teacher_ids: list[UUID],
    ) -> None:
        """An annual change: every occurrence from ``from_week`` on follows the new pattern."""
        self._check_lesson_refs(None, None, teacher_ids)
        self._change_lesson(
            lesson_id,
            from_week,
            lambda lesson, _: lesson.reschedule(
                from_week=from_week,
                weekday=weekday,
                start=start,
                duration=duration,
                room=room,
                teacher_ids=teacher_ids,
            ),
        )

    def end_lesson(self, lesson_id: UUID, from_week: date) -> None:
        self._change_lesson(lesson_id, from_week, lambda lesson, _: lesson.end(from_week))

    def cancel_occurrence(self, lesson_id: UUID, on: date, reason: str | None) -> None:
        self._change_lesson(lesson_id, on, lambda lesson, days: lesson.cancel_occurrence(on, reason, days))

    def change_occurrence(
        self,
        lesson_id: UUID,
        on: date,
        *,
        room: str | None,
        teacher_ids: list[UUID] | None,
        moved_to: date | None,
        start: time | None,
        reason: str | None,
    ) -> None:
        """Change one occurrence only: another room, a substitute teacher, another day or time."""
        if teacher_ids is not None:
            self._check_lesson_refs(None, None, teacher_ids)
        self._change_lesson(
            lesson_id,
            on,
            lambda lesson, days: lesson.change_occurrence(
                on, days, room=room, teacher_ids=teacher_ids, moved_to=moved_to, start=start, reason=reason
            ),
        )

    def restore_occurrence(self, lesson_id: UUID, on: date) -> None:
        self._change_lesson(lesson_id, on, lambda lesson, _: lesson.restore_occurrence(on))

    def _change_lesson(self, lesson_id: UUID, since: date, change: Callable[[Lesson, CalendarDays], None]) -> None:
        days = self.calendar_days()

        def run(unit: UnitOfWork) -> None:
            lesson = unit.get(Lesson, lesson_id, "lesson")
            change(lesson, days)
            self.follow_registers(unit, lesson.plan(), days, monday_of(since))

        self.execute(run)

    def follow_registers(self, unit: UnitOfWork, plan: LessonPlan, days: CalendarDays, since: date) -> None:
        """Bring the lesson's registers from ``since`` on in line with its occurrences."""
        with self.reading() as connection:
            register_ids = [r.id for r in Attendance.registers_of_lesson(connection, plan.id, since)]
        for register_id in register_ids:
            register = unit.get(Register, register_id, "register")
            occurrence = plan.occurrence(register.on) if plan.is_planned_on(register.on, days) else None
            register.follow(occurrence)

    def _check_lesson_refs(self, class_code: str | None, group_code: str | None, teacher_ids: list[UUID]) -> None:
        with self.reading() as connection:
            if class_code is not None and self.directory.find_class(connection, class_code) is None:
                raise RuleViolated(f"class {class_code!r} does not exist", field="class_code")
            if group_code is not None and group_code not in group_codes(connection):
                raise RuleViolated(f"group {group_code!r} does not exist", field="group_code")
            for index, teacher_id in enumerate(teacher_ids):
                if self.directory.get_teacher(connection, teacher_id) is None:
                    raise RuleViolated(f"teacher {teacher_id} does not exist", field=f"teacher_ids[{index}]")

    # -- reading timetables -----------------------------------------------------------------------

    def timetable(self, principal: Principal, kind: str, key: str, first: date, last: date) -> TimetableWeek:
        """The occurrences of one class, group, teacher, room or student between two days.

        A student's timetable is their class's lessons and their groups'; families and students
        reach only their own (404 otherwise), and reading it is journaled like any personal record.
        """
        with self.reading() as connection:
            reach = Reach(principal.role in FAMILY_ROLES, self.student_scope(connection, principal))
        week = self.timetable_within(reach, kind, key, first, last)
        if kind == "student":
            self._journal_timetable(principal, UUID(key))
        return week

    def timetable_within(self, reach: Reach, kind: str, key: str, first: date, last: date) -> TimetableWeek:
        """A timetable as someone with that reach sees it (out of reach: 404), not journaled."""
        if kind not in TIMETABLE_KINDS:
            raise NotFound(f"no {kind!r} timetable: one of {', '.join(TIMETABLE_KINDS)}")
        if last < first or (last - first).days > 366:
            raise InvalidValue("a timetable covers from one day to a year, first day first", field="last")
        if reach.family and kind != "student":
            raise NotFound(f"no {kind} timetable {key!r} for this account")
        days = self.calendar_days()
        with self.reading() as connection:
            plans, teacher, room = self._plans_for(connection, reach, kind, key)
            found = occurrences(plans, days, first, last, teacher_id=teacher, room=room)
            names = teacher_names(connection, {t for o in found for t in o.teacher_ids})
        return TimetableWeek(kind=kind, key=key, first=first, last=last, occurrences=found, names=names)

    def _plans_for(
        self, connection: Connection, reach: Reach, kind: str, key: str
    ) -> tuple[list[LessonPlan], UUID | None, str | None]:
        if kind == "class":
            return Timetables.plans(connection, class_code=key), None, None
        if kind == "group":
            return Timetables.plans(connection, group_codes=(key,)), None, None
        if kind == "teacher":
            teacher_id = _uuid(key, "teacher")
            return Timetables.plans(connection, teacher_id=teacher_id), teacher_id, None
        if kind == "room":
            return Timetables.plans(connection, room=key), None, key
        student_id = _uuid(key, "student")
        record = self.directory.get_student(connection, student_id)
        if record is None or (reach.scope is not None and student_id not in reach.scope):
            raise NotFound(f"student {key} does not exist")
        if record.student.class_code is None and not record.groups:
            return [], None, None
        # Their class's lessons and their own groups' (not every group of the class).
        plans = Timetables.plans(
            connection, class_code=record.student.class_code, group_codes=record.groups, class_groups=False
        )
        return plans, None, None

    def _journal_timetable(self, principal: Principal, student_id: UUID) -> None:
        self._journal(
            principal,
            lambda session: session.consult_record(
                subject_type="student", subject_id=student_id, categories=["timetable"], purpose="timetable"
            ),
        )


def _uuid(key: str, what: str) -> UUID:
    try:
        return UUID(key)
    except ValueError:
        raise NotFound(f"{what} {key!r} does not exist") from None
