"""A lesson (cours) of the timetable: a weekly pattern and the changes of its occurrences.

A lesson is planned for every week of its alternation (H, A, B…) or for an explicit list of weeks.
Changes never rewrite it: an annual change applies from a given week on (earlier weeks keep the old
pattern), a one-week change (cancellation, room, substitute, move) names the date it was planned on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.ids import natural_id
from domain.school_calendar import CalendarDays, clock, monday_of, parse_clock, parse_monday
from domain.school_class import parse_class_code
from domain.timetable import LessonKind, LessonPlan, OccurrenceChange, Pattern
from domain.values import parse_choice, parse_optional_text, parse_text

MIN_DURATION = 5
MAX_DURATION = 600


class Lesson(Aggregate):
    """Imported lessons are keyed by what the file says about them, so that re-importing finds them."""

    class Scheduled(Aggregate.Created):
        kind: str
        subject_code: str | None
        subject_label: str | None
        class_code: str | None
        group_code: str | None
        weekday: int
        start: str
        duration: int
        room: str | None
        teacher_ids: list[UUID]
        alternation: str | None
        week_dates: list[date]
        exceptional: bool
        source_key: str | None

    class Rescheduled(Aggregate.Event):
        """An annual change: the new pattern applies from ``from_week`` on, earlier weeks keep theirs."""

        from_week: date
        weekday: int
        start: str
        duration: int
        room: str | None
        teacher_ids: list[UUID]

    class Ended(Aggregate.Event):
        """No more occurrences from ``from_week`` on (a lesson removed from the timetable)."""

        from_week: date

    class OccurrenceCancelled(Aggregate.Event):
        on: date
        reason: str | None

    class OccurrenceChanged(Aggregate.Event):
        """A change of one occurrence (room, substitute, another day or time); it replaces an earlier one."""

        on: date
        room: str | None
        teacher_ids: list[UUID] | None
        moved_to: date | None
        start: str | None
        reason: str | None

    class OccurrenceRestored(Aggregate.Event):
        """The occurrence is back to the weekly pattern."""

        on: date

    @staticmethod
    def create_id(source_key: str | None) -> UUID:
        return natural_id("lesson", source_key) if source_key else uuid4()

    @classmethod
    def schedule(
        cls,
        *,
        kind: str,
        subject_code: str | None,
        subject_label: str | None,
        class_code: str | None,
        group_code: str | None,
        weekday: int,
        start: time | str,
        duration: int,
        room: str | None,
        teacher_ids: list[UUID],
        alternation: str | None = None,
        week_dates: list[date] | None = None,
        exceptional: bool = False,
        source_key: str | None = None,
    ) -> Lesson:
        """Plan a lesson; the caller has checked that its class or group and its teachers exist."""
        lesson_kind = parse_choice(LessonKind, kind, "kind")
        weeks = sorted({parse_monday(d, "week_dates") for d in week_dates or []})
        if lesson_kind is LessonKind.LESSON:
            if (class_code is None) == (group_code is None):
                raise InvalidValue("a lesson is for one class or one group", field="class_code")
            if not teacher_ids:
                raise InvalidValue("a lesson has at least one teacher", field="teacher_ids")
            subject_code = parse_text(subject_code or "", "subject_code", max_length=20)
        if exceptional and len(weeks) != 1:
            raise InvalidValue("an exceptional lesson takes place in one week", field="week_dates")
        if weeks and alternation is not None:
            raise InvalidValue("a lesson follows an alternation or a list of weeks, not both", field="week_dates")
        if not weeks and alternation is None:
            raise InvalidValue("a lesson needs its weeks: an alternation (H, A, B…) or a list", field="alternation")
        pattern = _pattern(None, weekday=weekday, start=start, duration=duration, room=room, teacher_ids=teacher_ids)
        return cls(
            kind=lesson_kind.value,
            subject_code=subject_code,
            subject_label=parse_optional_text(subject_label, "subject_label", max_length=100),
            class_code=parse_class_code(class_code) if class_code is not None else None,
            group_code=parse_class_code(group_code, "group_code") if group_code is not None else None,
            weekday=pattern.weekday,
            start=clock(pattern.start),
            duration=pattern.duration,
            room=pattern.room,
            teacher_ids=list(pattern.teacher_ids),
            alternation=parse_text(alternation, "alternation", max_length=10) if alternation is not None else None,
            week_dates=weeks,
            exceptional=exceptional,
            source_key=source_key,
        )

    @event(Scheduled)
    def __init__(
        self,
        *,
        kind: str,
        subject_code: str | None,
        subject_label: str | None,
        class_code: str | None,
        group_code: str | None,
        weekday: int,
        start: str,
        duration: int,
        room: str | None,
        teacher_ids: list[UUID],
        alternation: str | None,
        week_dates: list[date],
        exceptional: bool,
        source_key: str | None,
    ) -> None:
        self.kind = LessonKind(kind)
        self.subject_code = subject_code
        self.subject_label = subject_label
        self.class_code = class_code
        self.group_code = group_code
        self.alternation = alternation
        self.week_dates = frozenset(week_dates)
        self.exceptional = exceptional
        self.source_key = source_key
        self.patterns = [Pattern(None, weekday, parse_clock(start, "start"), duration, room, tuple(teacher_ids))]
        self.ended_from: date | None = None
        self.changes: dict[date, OccurrenceChange] = {}

    def plan(self) -> LessonPlan:
        return LessonPlan(
            id=self.id,
            kind=self.kind,
            subject_code=self.subject_code,
            subject_label=self.subject_label,
            class_code=self.class_code,
            group_code=self.group_code,
            alternation=self.alternation,
            week_dates=self.week_dates,
            exceptional=self.exceptional,
            patterns=tuple(self.patterns),
            ended_from=self.ended_from,
            changes=dict(self.changes),
        )

    # -- annual changes ---------------------------------------------------------------------------

    def reschedule(
        self,
        *,
        from_week: date,
        weekday: int,
        start: time | str,
        duration: int,
        room: str | None,
        teacher_ids: list[UUID],
    ) -> None:
        """Change the pattern from ``from_week`` on; a later annual change is superseded by this one."""
        monday = parse_monday(from_week, "from_week")
        self._check_open(monday)
        pattern = _pattern(monday, weekday=weekday, start=start, duration=duration, room=room, teacher_ids=teacher_ids)
        if self.kind is LessonKind.LESSON and not pattern.teacher_ids:
            raise InvalidValue("a lesson has at least one teacher", field="teacher_ids")
        plan = self.plan()
        stranded = sorted(
            on for on in self.changes if on >= monday and plan.pattern_of(monday_of(on)).weekday != pattern.weekday
        )
        if stranded:
            dates = ", ".join(on.isoformat() for on in stranded)
            raise RuleViolated(
                f"the one-week changes of {dates} would no longer match any occurrence: restore them first",
                field="from_week",
            )
        unchanged = replace(plan.pattern_of(monday), from_week=monday) == pattern
        if unchanged and not any(p.from_week is not None and p.from_week > monday for p in self.patterns):
            raise RuleViolated("the lesson already follows this pattern from that week", field="from_week")
        self._rescheduled(
            from_week=monday,
            weekday=pattern.weekday,
            start=clock(pattern.start),
            duration=pattern.duration,
            room=pattern.room,
            teacher_ids=list(pattern.teacher_ids),
        )

    @event(Rescheduled)
    def _rescheduled(
        self, *, from_week: date, weekday: int, start: str, duration: int, room: str | None, teacher_ids: list[UUID]
    ) -> None:
        kept = [p for p in self.patterns if p.from_week is None or p.from_week < from_week]
        new = Pattern(from_week, weekday, parse_clock(start, "start"), duration, room, tuple(teacher_ids))
        self.patterns = [*kept, new]

    def end(self, from_week: date) -> None:
        monday = parse_monday(from_week, "from_week")
        self._check_open(monday)
        self._ended(from_week=monday)

    @event(Ended)
    def _ended(self, *, from_week: date) -> None:
        self.ended_from = from_week

    def _check_open(self, monday: date) -> None:
        if self.ended_from is not None and monday >= self.ended_from:
            raise RuleViolated(
                f"the lesson has ended from the week of {self.ended_from.isoformat()}", field="from_week"
            )

    # -- one-week changes -------------------------------------------------------------------------

    def cancel_occurrence(self, on: date, reason: str | None, calendar: CalendarDays) -> None:
        self._check_planned(on, calendar)
        change = self.changes.get(on)
        if change is not None and change.cancelled:
            raise RuleViolated("this occurrence is already cancelled", field="on")
        self._cancelled(on=on, reason=parse_optional_text(reason, "reason"))

    @event(OccurrenceCancelled)
    def _cancelled(self, *, on: date, reason: str | None) -> None:
        self.changes[on] = OccurrenceChange(on=on, cancelled=True, reason=reason)

    def change_occurrence(
        self,
        on: date,
        calendar: CalendarDays,
        *,
        room: str | None = None,
        teacher_ids: list[UUID] | None = None,
        moved_to: date | None = None,
        start: time | str | None = None,
        reason: str | None = None,
    ) -> None:
        """Change one occurrence: its room, its teachers (a substitute), its day or its time."""
        self._check_planned(on, calendar)
        if room is None and teacher_ids is None and moved_to is None and start is None:
            raise InvalidValue("say what changes: room, teachers, day or time", field="room")
        if moved_to is not None and not calendar.is_school_day(moved_to):
            raise RuleViolated(f"{moved_to.isoformat()} is not a school day", field="moved_to")
        if teacher_ids is not None and not teacher_ids:
            raise InvalidValue("an occurrence keeps at least one teacher", field="teacher_ids")
        at = parse_clock(start, "start") if start is not None else None
        self._changed(
            on=on,
            room=parse_optional_text(room, "room", max_length=40),
            teacher_ids=list(dict.fromkeys(teacher_ids)) if teacher_ids is not None else None,
            moved_to=moved_to,
            start=clock(at) if at is not None else None,
            reason=parse_optional_text(reason, "reason"),
        )

    @event(OccurrenceChanged)
    def _changed(
        self,
        *,
        on: date,
        room: str | None,
        teacher_ids: list[UUID] | None,
        moved_to: date | None,
        start: str | None,
        reason: str | None,
    ) -> None:
        self.changes[on] = OccurrenceChange(
            on=on,
            room=room,
            teacher_ids=tuple(teacher_ids) if teacher_ids is not None else None,
            moved_to=moved_to,
            start=parse_clock(start, "start") if start is not None else None,
            reason=reason,
        )

    def restore_occurrence(self, on: date) -> None:
        if on not in self.changes:
            raise RuleViolated("this occurrence has no change to undo", field="on")
        self._restored(on=on)

    @event(OccurrenceRestored)
    def _restored(self, *, on: date) -> None:
        del self.changes[on]

    def _check_planned(self, on: date, calendar: CalendarDays) -> None:
        if not self.plan().is_planned_on(on, calendar):
            raise RuleViolated(f"the lesson has no occurrence planned on {on.isoformat()}", field="on")


def _pattern(
    from_week: date | None, *, weekday: int, start: time | str, duration: int, room: str | None, teacher_ids: list[UUID]
) -> Pattern:
    if not 1 <= weekday <= 6:
        raise InvalidValue("weekday is 1 (Monday) to 6 (Saturday)", field="weekday")
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise InvalidValue(f"a lesson lasts {MIN_DURATION} to {MAX_DURATION} minutes", field="duration")
    at = parse_clock(start, "start")
    if at.hour * 60 + at.minute + duration > 24 * 60:
        raise InvalidValue("a lesson ends on the day it starts", field="duration")
    return Pattern(
        from_week=from_week,
        weekday=weekday,
        start=at,
        duration=duration,
        room=parse_optional_text(room, "room", max_length=40),
        teacher_ids=tuple(dict.fromkeys(teacher_ids)),
    )
