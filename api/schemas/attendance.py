"""Registers, calls, absence reasons, justifications and attendance figures."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from domain.absence_reason import ReasonKind
from domain.attendance_file import JustificationState
from domain.register import RegisterKind
from domain.values import MealPlan


class GenerateRegisters(Command):
    first: date
    last: date = Field(description="Included; at most 31 days after the first.")


class GenerationOut(Out):
    first: date
    last: date
    school_days: int
    created: int
    existing: int


class RegisterOut(Out):
    id: UUID
    lesson_id: UUID | None
    on: date = Field(description="The day the lesson was planned on.")
    kind: RegisterKind
    day: date = Field(description="The day it takes place (a moved lesson differs).")
    start: time
    end: time
    starts_at: datetime
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    room: str | None
    closed: bool = Field(description="The call is done (appel effectué).")
    withdrawn: bool = Field(description="The lesson does not take place (cancelled or removed).")
    teacher_ids: list[UUID]
    expected: int
    absent: int


class RegisterPage(Out):
    items: list[RegisterOut]


class NotTakenTeacher(Out):
    teacher_id: UUID
    name: str
    registers: list[RegisterOut]


class NotTakenPage(Out):
    at: datetime
    items: list[NotTakenTeacher]


class StudentMarkOut(Out):
    student_id: UUID
    last_name: str
    first_name: str
    status: str = Field(description="present, absent, late, excluded or infirmary.")
    minutes: int | None


class RegisterDetailOut(RegisterOut):
    teachers: list[str]
    students: list[StudentMarkOut]


class ExpectStudent(Command):
    student_id: UUID


class MarkIn(Command):
    student_id: UUID
    status: str = Field(description="present (clears a mark), absent, late, excluded or infirmary.")
    minutes: int | None = Field(default=None, description="Minutes late (late only).")


class TakeCall(Command):
    """Marks to set, student by student: students not listed keep their mark (concurrent takers merge)."""

    marks: list[MarkIn] = Field(default_factory=list)
    close: bool = Field(default=True, description="Close the call (appel effectué).")


class CallOut(Out):
    register_id: UUID
    closed: bool
    changes: int = Field(description="Events recorded: 0 when the call was already as sent.")
    notified: int = Field(description="Students newly absent whose guardians are being mailed (after the answer).")


class ReasonFlagsIO(Command):
    counts_as_absence: bool = True
    justified: bool = False
    health: bool = False
    published: bool = True
    usable_by_parents: bool = False


class DefineReason(Command):
    code: str = Field(min_length=1, max_length=20, examples=["MALADIE"])
    label: str = Field(min_length=1, max_length=100, examples=["Maladie"])
    kind: ReasonKind = ReasonKind.ABSENCE
    flags: ReasonFlagsIO = Field(default_factory=ReasonFlagsIO)


class ChangeReason(Command):
    label: str = Field(min_length=1, max_length=100)
    flags: ReasonFlagsIO


class ReasonFlagsOut(Out):
    counts_as_absence: bool
    justified: bool
    health: bool
    published: bool
    usable_by_parents: bool


class ReasonOut(Out):
    code: str
    label: str
    kind: ReasonKind
    flags: ReasonFlagsOut


class ReasonPage(Out):
    items: list[ReasonOut]


class SetReason(Command):
    """A reason over a span: every missed lesson and lateness starting within it gets it."""

    first: datetime = Field(description="With its time zone, e.g. 2026-12-07T08:00:00+01:00.")
    last: datetime
    reason_code: str = Field(min_length=1, max_length=20)
    comment: str | None = Field(default=None, max_length=1000)
    settled: bool = Field(default=False, description="Réglé administrativement.")


class Justify(Command):
    first: datetime = Field(description="With its time zone, e.g. 2026-12-07T08:00:00+01:00.")
    last: datetime
    reason_code: str = Field(min_length=1, max_length=20, description="One of the reasons parents may choose.")
    comment: str | None = Field(default=None, max_length=1000)


class RefuseJustification(Command):
    comment: str | None = Field(default=None, max_length=1000)


class JustificationCreated(Out):
    id: UUID


class JustificationOut(Out):
    id: UUID
    student_id: UUID
    first: datetime
    last: datetime
    reason_code: str
    comment: str | None
    guardian_id: UUID
    state: JustificationState
    submitted_at: datetime
    decided_at: datetime | None
    decided_comment: str | None


class JustificationPage(Out):
    items: list[JustificationOut]


class ReasonRef(Out):
    code: str
    label: str


class AbsencePeriodOut(Out):
    first: datetime
    last: datetime
    lessons: int
    minutes: int
    half_days: int
    reason: ReasonRef | None
    justified: bool
    settled: bool
    counts: bool = Field(description="Counts as an absence (a school trip does not).")
    to_justify: bool = Field(description="Families are expected to justify it: it counts, unjustified, not settled.")


class LatenessOut(Out):
    register_id: UUID
    day: date
    start: time
    minutes: int
    reason: ReasonRef | None
    justified: bool
    to_justify: bool = Field(description="Families are expected to justify it: no justified reason yet.")


class FiguresOut(Out):
    absence_half_days: int
    justified_half_days: int
    unjustified_half_days: int
    absence_minutes: int
    lateness_count: int
    lateness_minutes: int
    unjustified_lateness: int


class StudentAttendanceOut(Out):
    student_id: UUID
    first: date
    last: date
    figures: FiguresOut
    canteen_absences: int
    periods: list[AbsencePeriodOut]
    latenesses: list[LatenessOut]


class ClassDayOut(Out):
    day: date
    morning_absent: int
    afternoon_absent: int
    latenesses: int
    registers_taken: int
    registers_expected: int


class StudentFiguresOut(Out):
    student_id: UUID
    figures: FiguresOut


class ClassAttendanceOut(Out):
    class_code: str
    first: date
    last: date
    days: list[ClassDayOut]
    students: list[StudentFiguresOut]


class SetMealPlan(Command):
    meal_plan: MealPlan


class SetExitAuthorisation(Command):
    authorised: bool
