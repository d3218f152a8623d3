"""The school calendar, lessons and their changes, and the timetables people read."""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from domain.timetable import LessonKind, OccurrenceStatus

WEEKDAY_HELP = "1 = Monday … 6 = Saturday."
WEEK_HELP = "The Monday of the week."


class HolidayIn(Command):
    label: str = Field(min_length=1, max_length=100, examples=["Vacances de la Toussaint"])
    first: date
    last: date


class SlotIn(Command):
    label: str = Field(min_length=1, max_length=20, examples=["M1"])
    start: time = Field(examples=["08:00"])
    end: time = Field(examples=["08:55"])


class CalendarIn(Command):
    """The whole calendar, replaced at once."""

    first_day: date
    last_day: date
    holidays: list[HolidayIn] = Field(default_factory=list)
    bank_holidays: list[date] = Field(default_factory=list)
    alternations: dict[str, list[date]] = Field(
        default_factory=dict, description="Week alternations (A, B…) by code, each a list of Mondays; H is implied."
    )
    slots: list[SlotIn] = Field(default_factory=list)


class HolidayOut(Out):
    label: str
    first: date
    last: date


class SlotOut(Out):
    label: str
    start: time
    end: time


class CalendarOut(Out):
    first_day: date
    last_day: date
    holidays: list[HolidayOut]
    bank_holidays: list[date]
    alternations: dict[str, list[date]]
    slots: list[SlotOut]
    weeks: list[date] = Field(description="Every week of the year, by its Monday (week 1 first).")


class CreateLesson(Command):
    kind: LessonKind = LessonKind.LESSON
    subject_code: str | None = Field(default=None, max_length=20, examples=["030201"])
    subject_label: str | None = Field(default=None, max_length=100, examples=["Anglais LV1"])
    class_code: str | None = Field(default=None, examples=["3A"])
    group_code: str | None = None
    weekday: int = Field(ge=1, le=6, description=WEEKDAY_HELP)
    start: time = Field(examples=["08:00"])
    duration: int = Field(ge=5, le=600, description="Minutes.")
    room: str | None = Field(default=None, max_length=40)
    teacher_ids: list[UUID] = Field(default_factory=list)
    alternation: str | None = Field(default=None, description="H (every week), A, B… Omit to give week_dates.")
    week_dates: list[date] = Field(default_factory=list, description="Explicit weeks (their Mondays).")
    exceptional: bool = Field(default=False, description="An exceptional lesson: one week only.")


class RescheduleLesson(Command):
    """An annual change: the new pattern applies from ``from_week`` on."""

    from_week: date = Field(description=WEEK_HELP)
    weekday: int = Field(ge=1, le=6, description=WEEKDAY_HELP)
    start: time
    duration: int = Field(ge=5, le=600)
    room: str | None = Field(default=None, max_length=40)
    teacher_ids: list[UUID]


class EndLesson(Command):
    from_week: date = Field(description=WEEK_HELP)


class CancelOccurrence(Command):
    reason: str | None = Field(default=None, max_length=200)


class ChangeOccurrence(Command):
    """What changes for this occurrence only; omitted fields stay as planned."""

    room: str | None = Field(default=None, max_length=40)
    teacher_ids: list[UUID] | None = Field(default=None, description="A substitute teacher (replaces the teachers).")
    moved_to: date | None = None
    start: time | None = None
    reason: str | None = Field(default=None, max_length=200)


class PatternOut(Out):
    from_week: date | None
    weekday: int
    start: time
    duration: int
    room: str | None
    teacher_ids: list[UUID]


class LessonOut(Out):
    id: UUID
    kind: LessonKind
    subject_code: str | None
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    alternation: str | None
    week_dates: list[date]
    exceptional: bool
    patterns: list[PatternOut]
    ended_from: date | None


class TeacherRef(Out):
    id: UUID
    name: str


class OccurrenceOut(Out):
    lesson_id: UUID
    on: date = Field(description="The day the occurrence was planned on: its key for changes and registers.")
    day: date
    start: time
    end: time
    starts_at: datetime
    ends_at: datetime
    kind: LessonKind
    subject_code: str | None
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    room: str | None
    teachers: list[TeacherRef]
    status: OccurrenceStatus
    substitute: bool
    room_changed: bool
    reason: str | None


class TimetableOut(Out):
    kind: str
    key: str
    first: date
    last: date
    items: list[OccurrenceOut]


class FeedOut(Out):
    id: UUID = Field(description="The feed's id, to revoke it.")
    url: str = Field(description="The address to subscribe to; it holds a secret and is shown this once.")
