"""Any sequence of calls, closings, late arrivals in the class and timetable changes on one register.

The register is checked against a plain model: its marks are the model's dict, it makes one event per
real change (none for a mark it already has), a withdrawn register refuses calls, and its events,
replayed or passed through the store's mapper, give it back.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import date, time
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.errors import DomainError, InvalidValue, RuleViolated
from domain.register import Mark, MarkChange, MarkKind, Register
from domain.timetable import LessonKind, Occurrence, OccurrenceStatus
from tests.domain.support import replay
from tests.domain.test_school_calendar import EventStore

STUDENTS = [UUID(int=n) for n in range(1, 7)]
TEACHER, SUBSTITUTE = UUID(int=100), UUID(int=101)
MONDAY = date(2026, 11, 23)
PLANNED = Occurrence(
    lesson_id=UUID(int=42),
    on=MONDAY,
    day=MONDAY,
    start=time(8),
    end=time(8, 55),
    kind=LessonKind.LESSON,
    subject_code="MATHS",
    subject_label="Mathématiques",
    class_code="3A",
    group_code=None,
    room="B12",
    teacher_ids=(TEACHER,),
    status=OccurrenceStatus.NORMAL,
)
MAPPER = EventStore().mapper

statuses = st.one_of(
    st.tuples(st.sampled_from(["present", "absent", "excluded", "infirmary"]), st.none()),
    st.tuples(st.just("late"), st.integers(1, 240)),
)
occurrences = st.builds(
    lambda day, start, room, teachers, status: replace(
        PLANNED, day=day, start=start, end=time(start.hour, 55), room=room, teacher_ids=teachers, status=status
    ),
    day=st.sampled_from([MONDAY, date(2026, 11, 25)]),
    start=st.sampled_from([time(8), time(14)]),
    room=st.sampled_from(["B12", "CDI", None]),
    teachers=st.sampled_from([(TEACHER,), (SUBSTITUTE,), (SUBSTITUTE, TEACHER)]),
    status=st.sampled_from(OccurrenceStatus),
)


class RegisterMachine(RuleBasedStateMachine):
    """The register of one occurrence, side by side with its model (marks, expected, closed, withdrawn)."""

    def __init__(self) -> None:
        super().__init__()
        self.register = Register.for_occurrence(PLANNED, [])
        self.events: list[CanMutateAggregate[UUID]] = []
        self.marks: dict[UUID, Mark] = {}
        self.expected: set[UUID] = set()
        self.closed = False
        self.withdrawn = False
        self.schedule = (PLANNED.day, PLANNED.start, PLANNED.end, PLANNED.room, PLANNED.teacher_ids)

    @initialize(expected=st.sets(st.sampled_from(STUDENTS), max_size=4))
    def open_register(self, expected: set[UUID]) -> None:
        self.register = Register.for_occurrence(PLANNED, list(expected))
        self.expected = set(expected)
        self._collect(1)

    def _collect(self, real_changes: int) -> None:
        """The pending events are exactly the real changes; they go through the store's mapper unchanged."""
        made = self.register.collect_events()
        assert len(made) == real_changes
        for event in made:
            assert MAPPER.to_domain_event(MAPPER.to_stored_event(event)) == event
        self.events.extend(made)

    def _refused(self, command: Callable[[], object]) -> DomainError:
        """The error ``command`` raises; it leaves the register as it was."""
        before = copy.deepcopy(vars(self.register))
        try:
            command()
        except DomainError as error:
            assert not self.register.pending_events
            assert vars(self.register) == before
            return error
        raise AssertionError("the command was accepted")

    @rule(data=st.data(), close=st.booleans())
    def take_call(self, data: st.DataObject, close: bool) -> None:
        order = data.draw(st.permutations(sorted(self.expected, key=str)))
        called = order[: data.draw(st.integers(0, len(order)))]  # a random subset, in a random order
        lines = [(student, *data.draw(statuses)) for student in called]
        changes = [MarkChange.parse(s, status, minutes, f"marks[{i}]") for i, (s, status, minutes) in enumerate(lines)]
        if self.withdrawn:
            error = self._refused(lambda: self.register.take_call(changes, close=close))
            assert isinstance(error, RuleViolated) and error.field == "register"
            return
        real = 0
        for change in changes:
            mark = None if change.kind is None else Mark(change.kind, change.minutes)
            if mark != self.marks.get(change.student_id):
                real += 1
            if mark is None:
                self.marks.pop(change.student_id, None)
            else:
                self.marks[change.student_id] = mark
        if close and not self.closed:
            real += 1
            self.closed = True
        assert self.register.take_call(changes, close=close) == real
        self._collect(real)

    @rule(data=st.data(), stranger=st.sampled_from(STUDENTS))
    def call_with_a_wrong_line(self, data: st.DataObject, stranger: UUID) -> None:
        """A call naming a student not expected, or one student twice, changes nothing at all."""
        twice = stranger in self.expected
        lines = [MarkChange(s, MarkKind.ABSENT) for s in sorted(self.expected, key=str) if s != stranger]
        wrong = [MarkChange(stranger, MarkKind.ABSENT)] * (2 if twice else 1)
        at = data.draw(st.integers(0, len(lines)))
        changes = [*lines[:at], *wrong, *lines[at:]]
        error = self._refused(lambda: self.register.take_call(changes, close=True))
        if self.withdrawn:
            assert isinstance(error, RuleViolated) and error.field == "register"
        elif twice:
            assert isinstance(error, InvalidValue) and error.field == f"marks[{at + 1}].student_id"
        else:
            assert isinstance(error, RuleViolated) and error.field == f"marks[{at}].student_id"

    @rule()
    def close(self) -> None:
        if self.withdrawn:
            assert isinstance(self._refused(lambda: self.register.take_call([], close=True)), RuleViolated)
            return
        self.register.take_call([], close=True)
        self._collect(0 if self.closed else 1)
        self.closed = True

    @rule(student=st.sampled_from(STUDENTS))
    def expect(self, student: UUID) -> None:
        if student in self.expected:
            error = self._refused(lambda: self.register.expect(student))
            assert isinstance(error, RuleViolated) and error.field == "student_id"
            return
        self.register.expect(student)
        self.expected.add(student)
        self._collect(1)

    @rule()
    def occurrence_gone(self) -> None:
        self.register.follow(None)
        self._collect(0 if self.withdrawn else 1)
        self.withdrawn = True

    @rule(occurrence=occurrences)
    def follow(self, occurrence: Occurrence) -> None:
        self.register.follow(occurrence)
        if occurrence.status is OccurrenceStatus.CANCELLED:
            self._collect(0 if self.withdrawn else 1)
            self.withdrawn = True
            return
        schedule = (occurrence.day, occurrence.start, occurrence.end, occurrence.room, occurrence.teacher_ids)
        self._collect(int(self.withdrawn) + int(schedule != self.schedule))
        self.withdrawn = False
        self.schedule = schedule

    @invariant()
    def the_register_is_the_model(self) -> None:
        register = self.register
        assert register.marks == self.marks
        assert register.expected == self.expected
        assert (register.closed, register.withdrawn) == (self.closed, self.withdrawn)
        assert (register.day, register.start, register.end, register.room, register.teacher_ids) == self.schedule
        assert register.on == MONDAY

    @invariant()
    def one_event_per_real_change_and_they_replay_to_the_register(self) -> None:
        if self.events:
            assert self.register.version == len(self.events)
            assert replay(self.events) == self.register


RegisterMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
TestRegisterMachine = RegisterMachine.TestCase
