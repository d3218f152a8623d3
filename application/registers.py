"""Registers (feuilles d'appel): made for every lesson occurrence, taken by teachers, followed by the office.

Generating registers is idempotent: a register's id comes from its lesson and date, so a day
generated twice gets no second register. Who is expected is decided when the register is made,
from the directory of that day: the class or group's students; for a permanence, the students with
no lesson then and no exit authorisation; for the canteen, the half-boarders and boarders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

import structlog

from application.absence_notices import notify_absences
from application.errors import NotFound
from application.permissions import Principal
from application.timetable import TimetableUseCases
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidValue
from domain.espaces import Role
from domain.register import MarkChange, MarkKind, Register
from domain.school_calendar import CalendarDays
from domain.timetable import LessonKind, LessonPlan, Occurrence, OccurrenceStatus
from domain.values import MealPlan
from projections.attendance import Attendance
from projections.attendance_records import NotTakenRegister, RegisterDetail, RegisterItem
from projections.directory_roster import RosterEntry, roster, student_names, teacher_names
from projections.timetables import Timetables

CANTEEN_START = time(11, 30)
CANTEEN_END = time(13, 30)
MAX_GENERATION_DAYS = 31

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class GenerationReport:
    first: date
    last: date
    school_days: int
    created: int
    existing: int


@dataclass(frozen=True)
class CallResult:
    register_id: UUID
    closed: bool
    changes: int
    notified: int  # students whose guardians are being told of a new absence


@dataclass(frozen=True)
class RegisterView:
    """A register as its teacher reads it: who is expected, each mark, names included."""

    detail: RegisterDetail
    student_names: dict[UUID, tuple[str, str]]
    teacher_names: dict[UUID, str]


class RegisterUseCases(TimetableUseCases):
    """Making registers, taking calls, and the office's view of calls not taken."""

    def generate_registers(self, first: date, last: date) -> GenerationReport:
        """Make the register of every occurrence between two days (and the canteen's), once each."""
        if last < first or (last - first).days >= MAX_GENERATION_DAYS:
            raise InvalidValue(f"registers are made for 1 to {MAX_GENERATION_DAYS} days, first day first", field="last")
        days = self.calendar_days()
        with self.reading() as connection:
            plans = Timetables.all_plans(connection)
        created = existing = school_days = 0
        day = first
        while day <= last:
            if days.is_school_day(day):
                school_days += 1
                made, known = self._generate_day(days, plans, day)
                created += made
                existing += known
            day += timedelta(days=1)
        log.info("registers_generated", uai=self.uai, first=first.isoformat(), last=last.isoformat(), created=created)
        return GenerationReport(first, last, school_days, created, existing)

    def _generate_day(self, days: CalendarDays, plans: list[LessonPlan], on: date) -> tuple[int, int]:
        """One day's registers in one transaction; returns (made, already there)."""
        occurrences = [
            o for plan in plans for o in plan.occurrences(days, on, on) if o.status is not OccurrenceStatus.CANCELLED
        ]

        def run(unit: UnitOfWork) -> tuple[int, int]:
            with self.reading() as connection:
                students = roster(connection, on)
                known = {r.id for r in Attendance.registers(connection, day=on)}
            made = 0
            for occurrence in occurrences:
                if Register.create_id(occurrence.lesson_id, occurrence.on) in known:
                    continue
                unit.create(Register.for_occurrence(occurrence, _expected(occurrence, occurrences, students)))
                made += 1
            canteen = [s.student_id for s in students if s.meal_plan is not MealPlan.EXTERNAL]
            if canteen and Register.create_id(None, on) not in known:
                unit.create(Register.for_canteen(on, CANTEEN_START, CANTEEN_END, canteen))
                made += 1
            return made, len(known)

        return self.execute(run)

    # -- taking the call --------------------------------------------------------------------------

    def take_call(
        self, principal: Principal, register_id: UUID, changes: list[MarkChange], *, close: bool
    ) -> CallResult:
        """Record marks (and close the call); a concurrent change of the register is retried, not lost."""

        def run(unit: UnitOfWork) -> tuple[int, bool, set[UUID]]:
            register = unit.find(Register, register_id)
            if register is None or not _may_take(principal, register.teacher_ids):
                raise NotFound(f"register {register_id} does not exist")
            was_closed = register.closed
            absent_before = _absent(register)
            count = register.take_call(changes, close=close)
            if not register.closed:
                return count, False, set()
            # Families hear of an absence once the call is done, or of a correction made after it.
            notify = _absent(register) - absent_before if was_closed else _absent(register)
            return count, True, notify

        count, closed, absent = self.execute(run)
        if absent:
            self.notices.submit(notify_absences, self, register_id, absent)
        return CallResult(register_id=register_id, closed=closed, changes=count, notified=len(absent))

    def expect_student(self, principal: Principal, register_id: UUID, student_id: UUID) -> None:
        """Add a student to a register made before they joined (a newcomer, a student sent to permanence)."""
        self.require_student(student_id)

        def run(unit: UnitOfWork) -> None:
            register = unit.find(Register, register_id)
            if register is None or not _may_take(principal, register.teacher_ids):
                raise NotFound(f"register {register_id} does not exist")
            register.expect(student_id)

        self.execute(run)

    def register_view(self, principal: Principal, register_id: UUID) -> RegisterView:
        with self.reading() as connection:
            detail = Attendance.register(connection, register_id)
            if detail is None or not _may_take(principal, tuple(detail.teacher_ids)):
                raise NotFound(f"register {register_id} does not exist")
            students = student_names(connection, {s.student_id for s in detail.students})
            teachers = teacher_names(connection, set(detail.teacher_ids))
        self._journal_list(principal, "register", {"register_id": str(register_id)}, len(detail.students))
        return RegisterView(detail=detail, student_names=students, teacher_names=teachers)

    def list_registers(self, principal: Principal, on: date, teacher_id: UUID | None = None) -> list[RegisterItem]:
        """A day's registers; a teacher lists their own."""
        if principal.role is Role.TEACHER:
            teacher_id = principal.person_id
        with self.reading() as connection:
            return Attendance.registers(connection, day=on, teacher_id=teacher_id)

    def teacher_display_names(self, teacher_ids: set[UUID]) -> dict[UUID, str]:
        with self.reading() as connection:
            return teacher_names(connection, teacher_ids)

    def registers_not_taken(self, at: datetime | None = None) -> dict[UUID, list[NotTakenRegister]]:
        """Per teacher, the lessons whose call is not done 15 minutes after they started."""
        with self.reading() as connection:
            return Attendance.not_taken(connection, at=at or self.clock())


def _may_take(principal: Principal, teacher_ids: tuple[UUID, ...]) -> bool:
    """A teacher takes the calls of their own lessons (a substitute's included); the office any call.

    Seeing every student (a documentalist's profile) is not teaching every lesson.
    """
    if principal.role is Role.TEACHER:
        return principal.person_id in teacher_ids
    return principal.role in {Role.STAFF, Role.SUPER_ADMIN}


def _absent(register: Register) -> set[UUID]:
    return {student for student, mark in register.marks.items() if mark.kind is MarkKind.ABSENT}


def _expected(occurrence: Occurrence, day: list[Occurrence], students: list[RosterEntry]) -> list[UUID]:
    if occurrence.class_code is not None:
        return [s.student_id for s in students if s.class_code == occurrence.class_code]
    if occurrence.group_code is not None:
        return [s.student_id for s in students if occurrence.group_code in s.groups]
    if occurrence.kind is LessonKind.CDI:
        return []  # the documentation centre: students come and are added as they arrive
    # A permanence: the students who are at school (a lesson before and after), have none at that
    # time, and may not leave the school between lessons.
    by_class: dict[str, list[Occurrence]] = {}
    by_group: dict[str, list[Occurrence]] = {}
    for other in day:
        if other.kind is LessonKind.LESSON and other.class_code is not None:
            by_class.setdefault(other.class_code, []).append(other)
        elif other.kind is LessonKind.LESSON and other.group_code is not None:
            by_group.setdefault(other.group_code, []).append(other)
    expected = []
    for student in students:
        if student.exit_authorised:
            continue
        lessons = by_class.get(student.class_code or "", []) + [o for g in student.groups for o in by_group.get(g, [])]
        if any(o.start < occurrence.end and occurrence.start < o.end for o in lessons):
            continue
        if any(o.end <= occurrence.start for o in lessons) and any(o.start >= occurrence.end for o in lessons):
            expected.append(student.student_id)
    return expected
