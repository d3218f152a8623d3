"""The register (feuille d'appel) of one occurrence: the call, its closing, and following the timetable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from uuid import UUID, uuid4

import pytest

from domain.errors import DomainError
from domain.lesson import Lesson
from domain.register import Mark, MarkChange, MarkKind, Register, RegisterKind
from domain.timetable import Occurrence, OccurrenceStatus
from tests.domain.support import replayed
from tests.domain.test_school_calendar import days_2026_2027, refused, stored_and_reloaded

DAYS = days_2026_2027()
MONDAY = date(2026, 11, 23)
TEACHER, SUBSTITUTE = uuid4(), uuid4()
ALICE, BASILE, CHLOE, DAVID = (UUID(int=n) for n in (1, 2, 3, 4))


def lesson() -> Lesson:
    return Lesson.schedule(
        kind="lesson",
        subject_code="MATHS",
        subject_label="Mathématiques",
        class_code="3A",
        group_code=None,
        weekday=1,
        start="08:00",
        duration=55,
        room="B12",
        teacher_ids=[TEACHER],
        alternation="H",
        source_key="EDT:42",
    )


def monday_occurrence() -> Occurrence:
    return lesson().plan().occurrence(MONDAY)


def opened(expected: tuple[UUID, ...] = (ALICE, BASILE, CHLOE)) -> Register:
    register = Register.for_occurrence(monday_occurrence(), list(expected))
    register.collect_events()
    return register


def call(*lines: tuple[UUID, str] | tuple[UUID, str, int]) -> list[MarkChange]:
    changes = []
    for index, line in enumerate(lines):
        minutes = line[2] if len(line) == 3 else None
        changes.append(MarkChange.parse(line[0], line[1], minutes, f"marks[{index}]"))
    return changes


# -- Opening --------------------------------------------------------------------------------------------


def test_a_register_records_its_occurrence_and_the_students_expected() -> None:
    occurrence = monday_occurrence()
    register = Register.for_occurrence(occurrence, [CHLOE, ALICE, CHLOE, BASILE])
    [opened_event] = register.collect_events()
    assert isinstance(opened_event, Register.Opened)
    assert (opened_event.lesson_id, opened_event.on, opened_event.day) == (occurrence.lesson_id, MONDAY, MONDAY)
    assert (opened_event.start, opened_event.end, opened_event.room) == ("08:00", "08:55", "B12")
    assert (opened_event.subject_label, opened_event.class_code, opened_event.teacher_ids) == (
        "Mathématiques",
        "3A",
        [TEACHER],
    )
    assert opened_event.expected == [ALICE, BASILE, CHLOE]
    assert (register.kind, register.start, register.end) == (RegisterKind.LESSON, time(8), time(8, 55))
    assert register.marks == {} and not register.closed and not register.withdrawn


def test_a_register_without_subject_label_shows_the_subject_code() -> None:
    [opened_event] = Register.for_occurrence(replace(monday_occurrence(), subject_label=None), []).collect_events()
    assert isinstance(opened_event, Register.Opened) and opened_event.subject_label == "MATHS"


def test_there_is_one_register_per_occurrence_named_by_its_planned_day() -> None:
    occurrence = monday_occurrence()
    moved = replace(occurrence, day=date(2026, 11, 25), status=OccurrenceStatus.MOVED)
    register = Register.for_occurrence(occurrence, [])
    assert register.id == Register.create_id(occurrence.lesson_id, MONDAY) == Register.for_occurrence(moved, []).id
    assert register.id != Register.create_id(occurrence.lesson_id, date(2026, 11, 30))
    assert register.id != Register.create_id(uuid4(), MONDAY)


def test_the_canteen_register_is_one_per_day() -> None:
    register = Register.for_canteen(MONDAY, time(11, 30), time(13, 30), [BASILE, ALICE])
    assert register.id == Register.create_id(None, MONDAY) != Register.create_id(None, date(2026, 11, 24))
    assert (register.kind, register.lesson_id, register.expected) == (RegisterKind.CANTEEN, None, {ALICE, BASILE})
    assert (register.start, register.end, register.teacher_ids) == (time(11, 30), time(13, 30), ())


# -- The call -------------------------------------------------------------------------------------------


def test_a_call_marks_the_absent_and_the_late_and_counts_its_events() -> None:
    register = opened()
    made = register.take_call(call((ALICE, "absent"), (BASILE, "late", 12), (CHLOE, "present")), close=False)
    assert made == 2
    assert register.marks == {ALICE: Mark(MarkKind.ABSENT), BASILE: Mark(MarkKind.LATE, 12)}
    marked = register.collect_events()
    assert [type(e) for e in marked] == [Register.Marked, Register.Marked]
    assert isinstance(marked[1], Register.Marked)
    assert (marked[1].student_id, marked[1].mark, marked[1].minutes) == (BASILE, "late", 12)


@pytest.mark.parametrize("status", ["excluded", "infirmary"])
def test_a_student_may_be_excluded_or_sent_to_the_infirmary(status: str) -> None:
    register = opened()
    register.take_call(call((ALICE, status)), close=False)
    assert register.marks == {ALICE: Mark(MarkKind(status))}


def test_a_mark_equal_to_the_current_one_makes_no_event() -> None:
    register = opened()
    lines = call((ALICE, "absent"), (BASILE, "late", 5), (CHLOE, "present"))
    assert register.take_call(lines, close=True) == 3
    register.collect_events()
    assert register.take_call(lines, close=True) == 0
    assert register.pending_events == []


def test_a_lateness_of_other_minutes_is_a_new_mark() -> None:
    register = opened()
    register.take_call(call((BASILE, "late", 5)), close=False)
    assert register.take_call(call((BASILE, "late", 15)), close=False) == 1
    assert register.marks[BASILE] == Mark(MarkKind.LATE, 15)


def test_present_clears_a_students_mark() -> None:
    register = opened()
    register.take_call(call((ALICE, "absent")), close=False)
    register.collect_events()
    assert register.take_call(call((ALICE, "present")), close=False) == 1
    [cleared] = register.collect_events()
    assert isinstance(cleared, Register.MarkCleared) and cleared.student_id == ALICE
    assert register.marks == {}


def test_the_call_is_closed_once() -> None:
    register = opened()
    assert register.take_call([], close=True) == 1
    assert register.take_call([], close=True) == 0
    assert [type(e) for e in register.collect_events()] == [Register.CallClosed]
    assert register.closed


def test_marks_are_corrected_after_the_call_is_closed() -> None:
    register = opened()
    register.take_call(call((ALICE, "absent")), close=True)
    register.collect_events()
    assert register.take_call(call((ALICE, "late", 20)), close=False) == 1
    assert register.marks == {ALICE: Mark(MarkKind.LATE, 20)}
    assert register.closed


def test_a_call_with_one_wrong_line_changes_nothing() -> None:
    register = opened()
    lines = [*call((ALICE, "absent"), (BASILE, "late", 5)), MarkChange(DAVID, MarkKind.ABSENT)]
    with pytest.raises(DomainError) as raised:
        register.take_call(lines, close=True)
    assert refused(raised) == ("rule-violated", "marks[2].student_id")
    assert register.pending_events == [] and register.marks == {} and not register.closed


def test_a_student_twice_in_one_call_is_refused() -> None:
    register = opened()
    with pytest.raises(DomainError) as raised:
        register.take_call(call((ALICE, "absent"), (BASILE, "present"), (ALICE, "present")), close=False)
    assert refused(raised) == ("invalid-value", "marks[2].student_id")
    assert register.pending_events == []


@pytest.mark.parametrize(
    ("status", "minutes", "field"),
    [
        ("absente", None, "marks[0].status"),
        ("", None, "marks[0].status"),
        ("late", None, "marks[0].minutes"),
        ("late", 0, "marks[0].minutes"),
        ("late", 241, "marks[0].minutes"),
        ("absent", 10, "marks[0].minutes"),
        ("excluded", 0, "marks[0].minutes"),
    ],
)
def test_a_line_of_a_call_that_cannot_be_right_is_refused(status: str, minutes: int | None, field: str) -> None:
    with pytest.raises(DomainError) as raised:
        MarkChange.parse(ALICE, status, minutes, "marks[0]")
    assert refused(raised) == ("invalid-value", field)


@pytest.mark.parametrize("minutes", [1, 240])
def test_a_lateness_lasts_one_to_240_minutes(minutes: int) -> None:
    assert MarkChange.parse(ALICE, "late", minutes, "marks[0]") == MarkChange(ALICE, MarkKind.LATE, minutes)


def test_present_is_no_mark() -> None:
    assert MarkChange.parse(ALICE, "present", None, "marks[0]") == MarkChange(ALICE, None)


def test_the_canteen_register_only_counts_absences() -> None:
    register = Register.for_canteen(MONDAY, time(11, 30), time(13, 30), [ALICE, BASILE])
    assert register.take_call(call((ALICE, "absent"), (BASILE, "present")), close=True) == 2
    with pytest.raises(DomainError) as raised:
        register.take_call(call((ALICE, "present"), (BASILE, "late", 5)), close=False)
    assert refused(raised) == ("invalid-value", "marks[1].status")
    assert register.marks == {ALICE: Mark(MarkKind.ABSENT)}


def test_a_student_who_joined_later_is_expected_then_called() -> None:
    register = opened()
    register.expect(DAVID)
    [expected] = register.collect_events()
    assert isinstance(expected, Register.StudentExpected) and expected.student_id == DAVID
    assert register.take_call(call((DAVID, "absent")), close=False) == 1


def test_a_student_already_expected_cannot_be_expected_again() -> None:
    with pytest.raises(DomainError) as raised:
        opened().expect(ALICE)
    assert refused(raised) == ("rule-violated", "student_id")


# -- Following the timetable ----------------------------------------------------------------------------


def test_a_moved_occurrence_moves_its_register() -> None:
    register = opened()
    moved = replace(
        monday_occurrence(),
        day=date(2026, 11, 25),
        start=time(14, 30),
        end=time(15, 25),
        room="CDI",
        teacher_ids=(SUBSTITUTE,),
        status=OccurrenceStatus.MOVED,
    )
    register.follow(moved)
    [rescheduled] = register.collect_events()
    assert isinstance(rescheduled, Register.Rescheduled)
    assert (rescheduled.day, rescheduled.start, rescheduled.end) == (date(2026, 11, 25), "14:30", "15:25")
    assert (rescheduled.room, rescheduled.teacher_ids) == ("CDI", [SUBSTITUTE])
    assert (register.day, register.start, register.room, register.teacher_ids) == (
        date(2026, 11, 25),
        time(14, 30),
        "CDI",
        (SUBSTITUTE,),
    )
    assert register.on == MONDAY


def test_an_occurrence_unchanged_leaves_its_register_alone() -> None:
    register = opened()
    register.follow(monday_occurrence())
    assert register.pending_events == []


def test_a_cancelled_occurrence_withdraws_its_register_and_keeps_its_marks() -> None:
    register = opened()
    register.take_call(call((ALICE, "absent")), close=False)
    register.collect_events()
    register.follow(replace(monday_occurrence(), status=OccurrenceStatus.CANCELLED))
    [withdrawn] = register.collect_events()
    assert isinstance(withdrawn, Register.Withdrawn) and withdrawn.reason == "cancelled"
    assert register.withdrawn and register.marks == {ALICE: Mark(MarkKind.ABSENT)}


def test_an_occurrence_gone_from_the_timetable_withdraws_its_register() -> None:
    register = opened()
    register.follow(None)
    [withdrawn] = register.collect_events()
    assert isinstance(withdrawn, Register.Withdrawn) and withdrawn.reason == "removed"


def test_a_withdrawn_register_is_withdrawn_once() -> None:
    register = opened()
    register.follow(None)
    register.follow(replace(monday_occurrence(), status=OccurrenceStatus.CANCELLED))
    register.follow(None)
    assert len(register.collect_events()) == 1


def test_a_withdrawn_register_refuses_calls() -> None:
    register = opened()
    register.follow(None)
    register.collect_events()
    with pytest.raises(DomainError) as raised:
        register.take_call(call((ALICE, "absent")), close=True)
    assert refused(raised) == ("rule-violated", "register")
    assert register.pending_events == [] and register.marks == {} and not register.closed


def test_an_occurrence_back_in_the_timetable_reinstates_its_register() -> None:
    register = opened()
    register.follow(None)
    register.collect_events()
    register.follow(monday_occurrence())
    [reinstated] = register.collect_events()
    assert isinstance(reinstated, Register.Reinstated)
    assert not register.withdrawn
    assert register.take_call(call((ALICE, "absent")), close=False) == 1


def test_an_occurrence_back_at_another_time_reinstates_and_moves_its_register() -> None:
    register = opened()
    register.follow(None)
    register.collect_events()
    register.follow(replace(monday_occurrence(), start=time(9), end=time(9, 55), status=OccurrenceStatus.MOVED))
    assert [type(e) for e in register.collect_events()] == [Register.Reinstated, Register.Rescheduled]
    assert (register.start, register.end, register.withdrawn) == (time(9), time(9, 55), False)


def test_a_register_follows_a_change_made_in_its_lesson() -> None:
    the_lesson = lesson()
    register = opened()
    the_lesson.change_occurrence(MONDAY, DAYS, room="CDI", teacher_ids=[SUBSTITUTE])
    register.follow(the_lesson.plan().occurrence(MONDAY))
    assert (register.room, register.teacher_ids) == ("CDI", (SUBSTITUTE,))
    the_lesson.cancel_occurrence(MONDAY, None, DAYS)
    register.follow(the_lesson.plan().occurrence(MONDAY))
    assert register.withdrawn


# -- Rebuilt, stored and reloaded -----------------------------------------------------------------------


def busy_register() -> Register:
    """A register with every kind of event, carrying dates, times and lists of ids."""
    register = Register.for_occurrence(monday_occurrence(), [ALICE, BASILE, CHLOE])
    register.take_call(call((ALICE, "absent"), (BASILE, "late", 7), (CHLOE, "infirmary")), close=True)
    register.expect(DAVID)
    register.take_call(call((ALICE, "present"), (DAVID, "excluded")), close=False)
    register.follow(
        replace(
            monday_occurrence(),
            day=date(2026, 11, 27),
            start=time(10, 10),
            end=time(11, 5),
            teacher_ids=(SUBSTITUTE, TEACHER),
        )
    )
    register.follow(None)
    register.follow(monday_occurrence())
    return register


def test_a_register_is_rebuilt_from_its_events() -> None:
    register = busy_register()
    assert replayed(register) == register


def test_a_register_with_its_dates_times_and_students_survives_the_event_store() -> None:
    register = busy_register()
    reloaded = stored_and_reloaded(register)
    assert reloaded == register
    assert (reloaded.on, reloaded.day, reloaded.start) == (MONDAY, MONDAY, time(8))
    assert reloaded.expected == {ALICE, BASILE, CHLOE, DAVID}
    assert reloaded.marks == {
        BASILE: Mark(MarkKind.LATE, 7),
        CHLOE: Mark(MarkKind.INFIRMARY),
        DAVID: Mark(MarkKind.EXCLUDED),
    }


def test_a_canteen_register_survives_the_event_store() -> None:
    register = Register.for_canteen(MONDAY, time(11, 30), time(13, 30), [ALICE])
    register.take_call(call((ALICE, "absent")), close=True)
    assert stored_and_reloaded(register) == register
