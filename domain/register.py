"""A register (feuille d'appel): the call of one lesson occurrence, student by student.

One register per occurrence (its id comes from the lesson and the date it was planned on), holding
the students expected there when it was made. Marks are set and cleared one student at a time, so
two people editing the same register at once change different students, and a retried command
applies its marks to the fresh state without undoing the other's. Nothing is erased: a correction
is a new event, after the call was closed as well as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.flat_state import FlatState
from domain.ids import natural_id
from domain.school_calendar import clock, parse_clock
from domain.timetable import Occurrence, OccurrenceStatus
from domain.values import parse_choice


class RegisterKind(StrEnum):
    LESSON = "lesson"
    PERMANENCE = "permanence"
    CDI = "cdi"
    CANTEEN = "canteen"  # the lunch count of half-boarders and boarders


class MarkKind(StrEnum):
    ABSENT = "absent"
    LATE = "late"
    EXCLUDED = "excluded"  # excluded from the lesson (exclusion de cours)
    INFIRMARY = "infirmary"  # sent to the infirmary


PRESENT = "present"  # what a client sends to clear a student's mark
MAX_LATE_MINUTES = 240


@dataclass(frozen=True)
class Mark:
    kind: MarkKind
    minutes: int | None = None


@dataclass(frozen=True)
class MarkChange:
    """One line of a call: a student and their mark (``None``: present, which clears any mark)."""

    student_id: UUID
    kind: MarkKind | None
    minutes: int | None = None

    @classmethod
    def parse(cls, student_id: UUID, status: str, minutes: int | None, field: str) -> MarkChange:
        if status == PRESENT:
            return cls(student_id, None)
        kind = parse_choice(MarkKind, status, f"{field}.status")
        if kind is MarkKind.LATE:
            if minutes is None or not 1 <= minutes <= MAX_LATE_MINUTES:
                raise InvalidValue(f"a lateness takes 1 to {MAX_LATE_MINUTES} minutes", field=f"{field}.minutes")
        elif minutes is not None:
            raise InvalidValue("only a lateness has minutes", field=f"{field}.minutes")
        return cls(student_id, kind, minutes)


class Register(FlatState, Aggregate):
    class Opened(Aggregate.Created):
        lesson_id: UUID | None
        on: date
        kind: str
        day: date
        start: str
        end: str
        subject_label: str | None
        class_code: str | None
        group_code: str | None
        room: str | None
        teacher_ids: list[UUID]
        expected: list[UUID]

    class Marked(Aggregate.Event):
        student_id: UUID
        mark: str
        minutes: int | None

    class MarkCleared(Aggregate.Event):
        """The student was there after all (a correction, or a lateness turned into presence)."""

        student_id: UUID

    class CallClosed(Aggregate.Event):
        """Appel effectué: the teacher has checked every student."""

    class StudentExpected(Aggregate.Event):
        """A student who joined the class or group after the register was made."""

        student_id: UUID

    class Rescheduled(Aggregate.Event):
        """The occurrence moved, changed room or teachers after the register was made."""

        day: date
        start: str
        end: str
        room: str | None
        teacher_ids: list[UUID]

    class Withdrawn(Aggregate.Event):
        """The occurrence no longer takes place (cancelled, or gone from the timetable); marks are kept."""

        reason: str

    class Reinstated(Aggregate.Event):
        """The occurrence takes place after all."""

    @staticmethod
    def create_id(lesson_id: UUID | None, on: date) -> UUID:
        key = f"{lesson_id}|{on.isoformat()}" if lesson_id is not None else f"canteen|{on.isoformat()}"
        return natural_id("register", key)

    @classmethod
    def for_occurrence(cls, occurrence: Occurrence, expected: list[UUID]) -> Register:
        return cls(
            lesson_id=occurrence.lesson_id,
            on=occurrence.on,
            kind=RegisterKind(occurrence.kind.value).value,
            day=occurrence.day,
            start=clock(occurrence.start),
            end=clock(occurrence.end),
            subject_label=occurrence.subject_label or occurrence.subject_code,
            class_code=occurrence.class_code,
            group_code=occurrence.group_code,
            room=occurrence.room,
            teacher_ids=list(occurrence.teacher_ids),
            expected=sorted(set(expected), key=str),
        )

    @classmethod
    def for_canteen(cls, day: date, at: time, until: time, expected: list[UUID]) -> Register:
        return cls(
            lesson_id=None,
            on=day,
            kind=RegisterKind.CANTEEN.value,
            day=day,
            start=clock(at),
            end=clock(until),
            subject_label="Cantine",
            class_code=None,
            group_code=None,
            room=None,
            teacher_ids=[],
            expected=sorted(set(expected), key=str),
        )

    @event(Opened)
    def __init__(
        self,
        *,
        lesson_id: UUID | None,
        on: date,
        kind: str,
        day: date,
        start: str,
        end: str,
        subject_label: str | None,
        class_code: str | None,
        group_code: str | None,
        room: str | None,
        teacher_ids: list[UUID],
        expected: list[UUID],
    ) -> None:
        self.lesson_id = lesson_id
        self.on = on
        self.kind = RegisterKind(kind)
        self.day = day
        self.start = parse_clock(start, "start")
        self.end = parse_clock(end, "end")
        self.room = room
        self.teacher_ids = tuple(teacher_ids)
        self.expected = set(expected)
        self.marks: dict[UUID, Mark] = {}
        self.closed = False
        self.withdrawn = False

    # -- the call ---------------------------------------------------------------------------------

    def take_call(self, changes: list[MarkChange], *, close: bool) -> int:
        """Apply a call's marks (all checked before any is applied); returns how many events it made.

        A mark equal to the current one makes no event, so submitting the same call twice changes
        nothing the second time.
        """
        if self.withdrawn:
            raise RuleViolated("this lesson does not take place: its register is withdrawn", field="register")
        seen: set[UUID] = set()
        for index, change in enumerate(changes):
            if change.student_id not in self.expected:
                raise RuleViolated("this student is not expected in this register", field=f"marks[{index}].student_id")
            if change.student_id in seen:
                raise InvalidValue("a student appears twice in the call", field=f"marks[{index}].student_id")
            seen.add(change.student_id)
            if (change.kind is MarkKind.LATE) != (change.minutes is not None) or not 1 <= (
                change.minutes or 1
            ) <= MAX_LATE_MINUTES:
                raise InvalidValue(
                    f"a lateness takes 1 to {MAX_LATE_MINUTES} minutes, other marks none",
                    field=f"marks[{index}].minutes",
                )
            if self.kind is RegisterKind.CANTEEN and change.kind not in (None, MarkKind.ABSENT):
                raise InvalidValue("a canteen register only counts absences", field=f"marks[{index}].status")
        before = len(self.pending_events)
        for change in changes:
            current = self.marks.get(change.student_id)
            if change.kind is None:
                if current is not None:
                    self._cleared(student_id=change.student_id)
            elif current != Mark(change.kind, change.minutes):
                self._marked(student_id=change.student_id, mark=change.kind.value, minutes=change.minutes)
        if close and not self.closed:
            self._closed()
        return len(self.pending_events) - before

    @event(Marked)
    def _marked(self, *, student_id: UUID, mark: str, minutes: int | None) -> None:
        self.marks[student_id] = Mark(MarkKind(mark), minutes)

    @event(MarkCleared)
    def _cleared(self, *, student_id: UUID) -> None:
        del self.marks[student_id]

    @event(CallClosed)
    def _closed(self) -> None:
        self.closed = True

    def expect(self, student_id: UUID) -> None:
        if student_id in self.expected:
            raise RuleViolated("this student is already expected", field="student_id")
        self._expected(student_id=student_id)

    @event(StudentExpected)
    def _expected(self, *, student_id: UUID) -> None:
        self.expected.add(student_id)

    # -- following the timetable ------------------------------------------------------------------

    def follow(self, occurrence: Occurrence | None) -> None:
        """Bring the register in line with its occurrence as the timetable now plans it (None: gone)."""
        if occurrence is None or occurrence.status is OccurrenceStatus.CANCELLED:
            if not self.withdrawn:
                self._withdrawn(reason="cancelled" if occurrence is not None else "removed")
            return
        if self.withdrawn:
            self._reinstated()
        values = (occurrence.day, occurrence.start, occurrence.end, occurrence.room, occurrence.teacher_ids)
        if values != (self.day, self.start, self.end, self.room, self.teacher_ids):
            self._rescheduled(
                day=occurrence.day,
                start=clock(occurrence.start),
                end=clock(occurrence.end),
                room=occurrence.room,
                teacher_ids=list(occurrence.teacher_ids),
            )

    @event(Rescheduled)
    def _rescheduled(self, *, day: date, start: str, end: str, room: str | None, teacher_ids: list[UUID]) -> None:
        self.day = day
        self.start = parse_clock(start, "start")
        self.end = parse_clock(end, "end")
        self.room = room
        self.teacher_ids = tuple(teacher_ids)

    @event(Withdrawn)
    def _withdrawn(self, *, reason: str) -> None:
        self.withdrawn = True

    @event(Reinstated)
    def _reinstated(self) -> None:
        self.withdrawn = False
