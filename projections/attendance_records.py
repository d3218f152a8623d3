"""What the attendance read model's queries return: plain records, free of SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from domain.absence_periods import Figures, ReasonView
from domain.attendance_file import JustificationState
from domain.register import MarkKind, RegisterKind

ReasonItem = ReasonView  # a reason as the office edits it is what the rules read: code, label, kind, flags


@dataclass(frozen=True)
class RegisterItem:
    """A register as lists show it: the lesson, its teachers, and how its call stands."""

    id: UUID
    lesson_id: UUID | None
    on: date  # the date it was planned on
    kind: RegisterKind
    day: date  # the date it takes place on (moved lessons differ)
    start: time
    end: time
    starts_at: datetime
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    room: str | None
    closed: bool
    withdrawn: bool
    teacher_ids: tuple[UUID, ...]
    expected: int  # students expected
    absent: int  # of them marked absent


@dataclass(frozen=True)
class NotTakenRegister(RegisterItem):
    """A lesson whose call is not done yet, though it started more than the grace time ago."""


@dataclass(frozen=True)
class StudentMark:
    student_id: UUID
    mark: MarkKind | None  # None: present (or not called yet while the call is open)
    minutes: int | None


@dataclass(frozen=True)
class RegisterDetail(RegisterItem):
    """A register with every expected student's mark, by student id."""

    students: tuple[StudentMark, ...]


@dataclass(frozen=True)
class JustificationItem:
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
    decided_comment: str | None  # why it was refused


@dataclass(frozen=True)
class ClassDay:
    """One day of a class: how many of its students missed (counting) lessons each half-day, how late.

    The class's students are those expected in its registers over the range asked; their absences
    count over all their registers (groups, permanence), not only the class's.
    """

    day: date
    morning_absent: int
    afternoon_absent: int
    latenesses: int
    registers_taken: int  # the class's own registers (class_code), not withdrawn, call closed
    registers_expected: int


@dataclass(frozen=True)
class StudentFigures:
    """A student's bulletin figures over a range."""

    student_id: UUID
    figures: Figures
