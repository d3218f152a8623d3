"""A lesson's weekly pattern and its occurrences: what the timetable shows and registers are made for.

Plain values, shared by the ``Lesson`` aggregate (which checks a change against them) and by the
timetables read model (which expands the lessons of a week when someone reads it), so that both
agree on what happens in which week.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum
from uuid import UUID

from domain.school_calendar import CalendarDays, HeldOnADay, monday_of


class LessonKind(StrEnum):
    LESSON = "lesson"
    PERMANENCE = "permanence"  # study hall: students with no lesson at that time
    CDI = "cdi"  # the documentation centre, as a study place


class OccurrenceStatus(StrEnum):
    NORMAL = "normal"
    CANCELLED = "cancelled"
    MOVED = "moved"
    EXCEPTIONAL = "exceptional"


@dataclass(frozen=True)
class Pattern:
    """Where and when the lesson takes place from ``from_week`` on (None: from the first week)."""

    from_week: date | None
    weekday: int  # 1 = Monday
    start: time
    duration: int  # minutes
    room: str | None
    teacher_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class OccurrenceChange:
    """A change of one occurrence only, named by the date it was planned on."""

    on: date
    cancelled: bool = False
    reason: str | None = None
    room: str | None = None
    teacher_ids: tuple[UUID, ...] | None = None  # a substitute teacher
    moved_to: date | None = None
    start: time | None = None


@dataclass(frozen=True)
class Occurrence(HeldOnADay):
    """One lesson on one day, as families see it; ``on`` is the date it was planned on (its key)."""

    lesson_id: UUID
    on: date
    day: date
    start: time
    end: time
    kind: LessonKind
    subject_code: str | None
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    room: str | None
    teacher_ids: tuple[UUID, ...]
    status: OccurrenceStatus
    substitute: bool = False
    room_changed: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class LessonPlan:
    """Everything needed to expand a lesson over weeks."""

    id: UUID
    kind: LessonKind
    subject_code: str | None
    subject_label: str | None
    class_code: str | None
    group_code: str | None
    alternation: str | None
    week_dates: frozenset[date]
    exceptional: bool
    patterns: tuple[Pattern, ...]  # ordered by from_week, the first one from the start
    ended_from: date | None = None
    changes: dict[date, OccurrenceChange] = field(default_factory=dict)

    def pattern_of(self, monday: date) -> Pattern:
        current = self.patterns[0]
        for pattern in self.patterns[1:]:
            if pattern.from_week is not None and pattern.from_week <= monday:
                current = pattern
        return current

    def planned_day(self, monday: date, calendar: CalendarDays) -> date | None:
        """The day the lesson is planned in the week of ``monday``, or None when it has none that week."""
        if self.ended_from is not None and monday >= self.ended_from:
            return None
        if self.week_dates:
            if monday not in self.week_dates:
                return None
        elif self.alternation is None or not calendar.week_in(monday, self.alternation):
            return None
        day = monday + timedelta(days=self.pattern_of(monday).weekday - 1)
        return day if calendar.is_school_day(day) else None

    def is_planned_on(self, on: date, calendar: CalendarDays) -> bool:
        return self.planned_day(monday_of(on), calendar) == on

    def occurrences(self, calendar: CalendarDays, first: date, last: date) -> list[Occurrence]:
        """The occurrences whose actual day lies in ``[first, last]``, moved ones included."""
        planned: set[date] = set()
        monday = monday_of(first)
        while monday <= last:
            day = self.planned_day(monday, calendar)
            if day is not None:
                planned.add(day)
            monday += timedelta(days=7)
        for on, change in self.changes.items():
            if change.moved_to is not None and first <= change.moved_to <= last and self.is_planned_on(on, calendar):
                planned.add(on)
        found = (self.occurrence(on) for on in sorted(planned))
        return sorted((o for o in found if first <= o.day <= last), key=lambda o: (o.day, o.start))

    def occurrence(self, on: date) -> Occurrence:
        """The occurrence planned on ``on`` (the caller knows the lesson is planned that day)."""
        pattern = self.pattern_of(monday_of(on))
        base = Occurrence(
            lesson_id=self.id,
            on=on,
            day=on,
            start=pattern.start,
            end=_end(pattern.start, pattern.duration),
            kind=self.kind,
            subject_code=self.subject_code,
            subject_label=self.subject_label,
            class_code=self.class_code,
            group_code=self.group_code,
            room=pattern.room,
            teacher_ids=pattern.teacher_ids,
            status=OccurrenceStatus.EXCEPTIONAL if self.exceptional else OccurrenceStatus.NORMAL,
        )
        change = self.changes.get(on)
        if change is None:
            return base
        if change.cancelled:
            return replace(base, status=OccurrenceStatus.CANCELLED, reason=change.reason)
        moved = change.moved_to is not None or change.start is not None
        start = change.start or base.start
        return replace(
            base,
            day=change.moved_to or base.day,
            start=start,
            end=_end(start, pattern.duration),
            room=change.room if change.room is not None else base.room,
            room_changed=change.room is not None and change.room != base.room,
            teacher_ids=change.teacher_ids if change.teacher_ids is not None else base.teacher_ids,
            substitute=change.teacher_ids is not None and change.teacher_ids != base.teacher_ids,
            status=OccurrenceStatus.MOVED if moved else base.status,
            reason=change.reason,
        )


def _end(start: time, duration: int) -> time:
    minutes = start.hour * 60 + start.minute + duration
    return time(min(minutes // 60, 23), minutes % 60 if minutes < 24 * 60 else 59)
