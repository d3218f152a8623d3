"""The lesson aggregate: scheduling, annual changes from a week, ending, and one-week changes."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import DomainError
from domain.lesson import Lesson
from domain.timetable import LessonKind, Occurrence, OccurrenceStatus
from tests.domain.support import replayed
from tests.domain.test_school_calendar import LAST_DAY, WEEK_1, WEEK_10, days_2026_2027, refused, stored_and_reloaded

DAYS = days_2026_2027()
TEACHER, CO_TEACHER, SUBSTITUTE = uuid4(), uuid4(), uuid4()
MONDAY = date(2026, 11, 23)  # a Monday with lessons


def schedule(**overrides: Any) -> Lesson:
    values: dict[str, Any] = {
        "kind": "lesson",
        "subject_code": "MATHS",
        "subject_label": "Mathématiques",
        "class_code": "3A",
        "group_code": None,
        "weekday": 1,
        "start": "08:00",
        "duration": 55,
        "room": "B12",
        "teacher_ids": [TEACHER],
        "alternation": "H",
    }
    values.update(overrides)
    return Lesson.schedule(**values)


def scheduled(**overrides: Any) -> Lesson:
    lesson = schedule(**overrides)
    lesson.collect_events()
    return lesson


def occurrences(lesson: Lesson, first: date = WEEK_1, last: date = LAST_DAY) -> list[Occurrence]:
    return lesson.plan().occurrences(DAYS, first, last)


def on_day(lesson: Lesson, day: date) -> Occurrence:
    [occurrence] = occurrences(lesson, day, day)
    return occurrence


# -- Scheduling -----------------------------------------------------------------------------------------


def test_scheduling_a_lesson_records_its_weekly_pattern() -> None:
    lesson = schedule(start="8h00", teacher_ids=[TEACHER, CO_TEACHER, TEACHER], class_code=" 3A ")
    [scheduled_event] = lesson.collect_events()
    assert isinstance(scheduled_event, Lesson.Scheduled)
    assert (scheduled_event.weekday, scheduled_event.start, scheduled_event.duration) == (1, "08:00", 55)
    assert scheduled_event.teacher_ids == [TEACHER, CO_TEACHER]
    assert (lesson.kind, lesson.class_code, lesson.alternation) == (LessonKind.LESSON, "3A", "H")
    assert on_day(lesson, MONDAY).teacher_ids == (TEACHER, CO_TEACHER)


def test_a_lesson_imported_twice_with_the_same_source_key_has_the_same_id() -> None:
    first, again = schedule(source_key="EDT:1234"), schedule(source_key="EDT:1234")
    assert first.id == again.id == Lesson.create_id("EDT:1234")
    assert first.id != schedule(source_key="EDT:1235").id


def test_lessons_without_a_source_key_get_distinct_ids() -> None:
    assert schedule().id != schedule().id
    assert schedule(source_key="").id != schedule(source_key="").id


def test_a_lesson_for_a_group_has_no_class() -> None:
    lesson = schedule(class_code=None, group_code=" 3A-ESP ")
    assert (lesson.class_code, lesson.group_code) == (None, "3A-ESP")
    assert on_day(lesson, MONDAY).group_code == "3A-ESP"


def test_a_lesson_with_a_list_of_weeks_takes_place_in_those_weeks_sorted_once_each() -> None:
    weeks = [date(2026, 11, 30), date(2026, 9, 14), date(2026, 11, 30)]
    lesson = schedule(alternation=None, week_dates=weeks)
    [event] = lesson.collect_events()
    assert isinstance(event, Lesson.Scheduled)
    assert event.week_dates == [date(2026, 9, 14), date(2026, 11, 30)]
    assert [o.day for o in occurrences(lesson)] == [date(2026, 9, 14), date(2026, 11, 30)]


def test_an_exceptional_lesson_takes_place_in_its_one_week() -> None:
    lesson = schedule(alternation=None, week_dates=[date(2026, 11, 30)], exceptional=True, weekday=6, start="9:00")
    [occurrence] = occurrences(lesson)
    assert (occurrence.day, occurrence.status) == (date(2026, 12, 5), OccurrenceStatus.EXCEPTIONAL)


def test_a_permanence_needs_no_subject_class_or_teacher() -> None:
    lesson = schedule(kind="permanence", subject_code=None, class_code=None, teacher_ids=[], room="Étude")
    assert (lesson.kind, on_day(lesson, MONDAY).teacher_ids) == (LessonKind.PERMANENCE, ())


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"kind": "cours"}, "invalid-value", "kind"),
        ({"group_code": "3A-ESP"}, "invalid-value", "class_code"),
        ({"class_code": None}, "invalid-value", "class_code"),
        ({"teacher_ids": []}, "invalid-value", "teacher_ids"),
        ({"subject_code": None}, "invalid-value", "subject_code"),
        ({"subject_code": "X" * 21}, "invalid-value", "subject_code"),
        ({"subject_label": "X" * 101}, "invalid-value", "subject_label"),
        ({"class_code": " "}, "invalid-value", "class_code"),
        ({"class_code": None, "group_code": " "}, "invalid-value", "group_code"),
        ({"weekday": 0}, "invalid-value", "weekday"),
        ({"weekday": 7}, "invalid-value", "weekday"),
        ({"start": "25:00"}, "invalid-value", "start"),
        ({"duration": 4}, "invalid-value", "duration"),
        ({"duration": 601}, "invalid-value", "duration"),
        ({"start": "23:30", "duration": 31}, "invalid-value", "duration"),
        ({"room": "R" * 41}, "invalid-value", "room"),
        ({"alternation": " "}, "invalid-value", "alternation"),
        ({"alternation": None}, "invalid-value", "alternation"),
        ({"week_dates": [date(2026, 9, 14)]}, "invalid-value", "week_dates"),
        ({"alternation": None, "week_dates": [date(2026, 9, 15)]}, "invalid-value", "week_dates"),
        ({"alternation": None, "week_dates": [], "exceptional": True}, "invalid-value", "week_dates"),
        (
            {"alternation": None, "week_dates": [date(2026, 9, 14), date(2026, 9, 21)], "exceptional": True},
            "invalid-value",
            "week_dates",
        ),
    ],
)
def test_a_lesson_that_cannot_be_right_is_refused(overrides: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(DomainError) as raised:
        schedule(**overrides)
    assert refused(raised) == (code, field)


# -- Annual changes -------------------------------------------------------------------------------------


def test_an_annual_change_from_week_10_affects_weeks_10_and_after_only() -> None:
    lesson = scheduled()
    lesson.reschedule(from_week=WEEK_10, weekday=2, start="10:10", duration=55, room="C04", teacher_ids=[CO_TEACHER])
    [rescheduled] = lesson.collect_events()
    assert isinstance(rescheduled, Lesson.Rescheduled)
    assert (rescheduled.from_week, rescheduled.start, rescheduled.teacher_ids) == (WEEK_10, "10:10", [CO_TEACHER])
    found = occurrences(lesson)
    assert {(o.day.weekday(), o.room) for o in found if o.day < WEEK_10} == {(0, "B12")}
    assert {(o.day.weekday(), o.room, o.teacher_ids) for o in found if o.day >= WEEK_10} == {(1, "C04", (CO_TEACHER,))}
    assert on_day(lesson, date(2026, 11, 3)).start == time(10, 10)


def test_an_earlier_annual_change_supersedes_a_later_one() -> None:
    lesson = scheduled()
    week_20 = WEEK_1 + timedelta(weeks=19)
    lesson.reschedule(from_week=week_20, weekday=5, start="14:30", duration=55, room="D01", teacher_ids=[TEACHER])
    lesson.reschedule(from_week=WEEK_10, weekday=2, start="10:10", duration=55, room="C04", teacher_ids=[TEACHER])
    assert [p.from_week for p in lesson.patterns] == [None, WEEK_10]
    assert {o.day.weekday() for o in occurrences(lesson) if o.day >= week_20} == {1}


def test_a_later_annual_change_keeps_the_earlier_one_until_its_week() -> None:
    lesson = scheduled()
    week_20 = WEEK_1 + timedelta(weeks=19)
    lesson.reschedule(from_week=WEEK_10, weekday=2, start="10:10", duration=55, room="C04", teacher_ids=[TEACHER])
    lesson.reschedule(from_week=week_20, weekday=5, start="14:30", duration=55, room="D01", teacher_ids=[TEACHER])
    found = occurrences(lesson)
    assert {o.day.weekday() for o in found if o.day < WEEK_10} == {0}
    assert {o.day.weekday() for o in found if WEEK_10 <= o.day < week_20} == {1}
    assert {o.day.weekday() for o in found if o.day >= week_20} == {4}


def test_an_annual_change_to_the_pattern_already_followed_is_refused() -> None:
    lesson = scheduled()
    with pytest.raises(DomainError) as raised:
        lesson.reschedule(from_week=WEEK_10, weekday=1, start="8h00", duration=55, room="B12", teacher_ids=[TEACHER])
    assert refused(raised) == ("rule-violated", "from_week")
    assert lesson.pending_events == []


def test_going_back_to_the_old_pattern_before_a_later_change_undoes_that_change() -> None:
    lesson = scheduled()
    week_20 = WEEK_1 + timedelta(weeks=19)
    lesson.reschedule(from_week=week_20, weekday=5, start="14:30", duration=55, room="D01", teacher_ids=[TEACHER])
    lesson.reschedule(from_week=WEEK_10, weekday=1, start="08:00", duration=55, room="B12", teacher_ids=[TEACHER])
    assert {(o.day.weekday(), o.start) for o in occurrences(lesson)} == {(0, time(8))}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"from_week": WEEK_10 + timedelta(days=1)}, "invalid-value", "from_week"),
        ({"weekday": 7}, "invalid-value", "weekday"),
        ({"start": "8h75"}, "invalid-value", "start"),
        ({"duration": 0}, "invalid-value", "duration"),
        ({"room": "R" * 41}, "invalid-value", "room"),
        ({"teacher_ids": []}, "invalid-value", "teacher_ids"),
    ],
)
def test_an_annual_change_that_cannot_be_right_is_refused(overrides: dict[str, Any], code: str, field: str) -> None:
    lesson = scheduled()
    values: dict[str, Any] = {
        "from_week": WEEK_10,
        "weekday": 2,
        "start": "10:10",
        "duration": 55,
        "room": "C04",
        "teacher_ids": [TEACHER],
    }
    with pytest.raises(DomainError) as raised:
        lesson.reschedule(**{**values, **overrides})
    assert refused(raised) == (code, field)
    assert lesson.pending_events == []


def test_a_permanence_may_be_rescheduled_without_a_teacher() -> None:
    permanence = scheduled(kind="permanence", subject_code=None, class_code=None, teacher_ids=[])
    permanence.reschedule(from_week=WEEK_10, weekday=2, start="10:10", duration=55, room=None, teacher_ids=[])
    assert len(permanence.collect_events()) == 1


# -- Ending ---------------------------------------------------------------------------------------------


def test_an_ended_lesson_has_no_occurrence_from_its_last_week_on() -> None:
    lesson = scheduled()
    lesson.end(WEEK_10)
    [ended] = lesson.collect_events()
    assert isinstance(ended, Lesson.Ended)
    assert max(o.day for o in occurrences(lesson)) == date(2026, 10, 12)


def test_an_ended_lesson_can_be_ended_earlier_but_not_later() -> None:
    lesson = scheduled()
    lesson.end(WEEK_10)
    lesson.end(WEEK_10 - timedelta(weeks=2))
    assert lesson.ended_from == WEEK_10 - timedelta(weeks=2)
    with pytest.raises(DomainError) as raised:
        lesson.end(WEEK_10)
    assert refused(raised) == ("rule-violated", "from_week")


def test_an_ended_lesson_cannot_be_changed_from_a_week_after_its_end() -> None:
    lesson = scheduled()
    lesson.end(WEEK_10)
    with pytest.raises(DomainError) as raised:
        lesson.reschedule(
            from_week=WEEK_10 + timedelta(weeks=1),
            weekday=2,
            start="9:00",
            duration=55,
            room=None,
            teacher_ids=[TEACHER],
        )
    assert refused(raised) == ("rule-violated", "from_week")


def test_a_lesson_ends_from_a_monday() -> None:
    with pytest.raises(DomainError) as raised:
        scheduled().end(date(2026, 11, 4))
    assert refused(raised) == ("invalid-value", "from_week")


# -- One-week changes -----------------------------------------------------------------------------------


def test_a_cancelled_occurrence_is_kept_with_status_cancelled() -> None:
    lesson = scheduled()
    lesson.cancel_occurrence(MONDAY, "  Sortie   pédagogique ", DAYS)
    [cancelled] = lesson.collect_events()
    assert isinstance(cancelled, Lesson.OccurrenceCancelled)
    assert (cancelled.on, cancelled.reason) == (MONDAY, "Sortie pédagogique")
    occurrence = on_day(lesson, MONDAY)
    assert (occurrence.status, occurrence.reason) == (OccurrenceStatus.CANCELLED, "Sortie pédagogique")
    assert on_day(lesson, MONDAY + timedelta(weeks=1)).status is OccurrenceStatus.NORMAL


def test_an_occurrence_cannot_be_cancelled_twice() -> None:
    lesson = scheduled()
    lesson.cancel_occurrence(MONDAY, None, DAYS)
    with pytest.raises(DomainError) as raised:
        lesson.cancel_occurrence(MONDAY, "encore", DAYS)
    assert refused(raised) == ("rule-violated", "on")


@pytest.mark.parametrize(
    "day",
    [date(2026, 11, 24), date(2026, 10, 19), date(2027, 5, 17), date(2026, 8, 31)],
    ids=["not-its-weekday", "holidays", "bank-holiday", "before-the-year"],
)
def test_only_a_planned_occurrence_can_be_cancelled_or_changed(day: date) -> None:
    lesson = scheduled()
    with pytest.raises(DomainError) as raised:
        lesson.cancel_occurrence(day, None, DAYS)
    assert refused(raised) == ("rule-violated", "on")
    with pytest.raises(DomainError) as raised:
        lesson.change_occurrence(day, DAYS, room="CDI")
    assert refused(raised) == ("rule-violated", "on")


def test_an_occurrence_of_an_old_pattern_is_no_longer_planned_after_an_annual_change() -> None:
    lesson = scheduled()
    lesson.reschedule(from_week=WEEK_10, weekday=2, start="10:10", duration=55, room="C04", teacher_ids=[TEACHER])
    with pytest.raises(DomainError) as raised:
        lesson.cancel_occurrence(MONDAY, None, DAYS)
    assert refused(raised) == ("rule-violated", "on")
    lesson.cancel_occurrence(MONDAY + timedelta(days=1), None, DAYS)


def test_a_substitute_teacher_for_one_occurrence_is_flagged() -> None:
    lesson = scheduled()
    lesson.change_occurrence(MONDAY, DAYS, teacher_ids=[SUBSTITUTE, SUBSTITUTE], reason="Absence de M. Martin")
    [changed] = lesson.collect_events()
    assert isinstance(changed, Lesson.OccurrenceChanged)
    assert (changed.teacher_ids, changed.room, changed.moved_to) == ([SUBSTITUTE], None, None)
    occurrence = on_day(lesson, MONDAY)
    assert (occurrence.teacher_ids, occurrence.substitute, occurrence.room_changed) == ((SUBSTITUTE,), True, False)


def test_another_room_for_one_occurrence_is_flagged() -> None:
    lesson = scheduled()
    lesson.change_occurrence(MONDAY, DAYS, room=" CDI ")
    occurrence = on_day(lesson, MONDAY)
    assert (occurrence.room, occurrence.room_changed, occurrence.substitute) == ("CDI", True, False)
    assert occurrence.status is OccurrenceStatus.NORMAL


def test_a_moved_occurrence_shows_on_its_new_day_and_time() -> None:
    lesson = scheduled()
    to = date(2026, 11, 25)
    lesson.change_occurrence(MONDAY, DAYS, moved_to=to, start="13h30")
    [changed] = lesson.collect_events()
    assert isinstance(changed, Lesson.OccurrenceChanged)
    assert (changed.on, changed.moved_to, changed.start) == (MONDAY, to, "13:30")
    assert occurrences(lesson, MONDAY, MONDAY) == []
    moved = on_day(lesson, to)
    assert (moved.on, moved.start, moved.end, moved.status) == (
        MONDAY,
        time(13, 30),
        time(14, 25),
        OccurrenceStatus.MOVED,
    )


def test_a_new_change_of_an_occurrence_replaces_the_earlier_one() -> None:
    lesson = scheduled()
    lesson.change_occurrence(MONDAY, DAYS, room="CDI")
    lesson.change_occurrence(MONDAY, DAYS, teacher_ids=[SUBSTITUTE])
    occurrence = on_day(lesson, MONDAY)
    assert (occurrence.room, occurrence.room_changed, occurrence.substitute) == ("B12", False, True)


def test_changing_a_cancelled_occurrence_makes_it_take_place_again() -> None:
    lesson = scheduled()
    lesson.cancel_occurrence(MONDAY, None, DAYS)
    lesson.change_occurrence(MONDAY, DAYS, room="CDI")
    assert on_day(lesson, MONDAY).status is OccurrenceStatus.NORMAL


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({}, "invalid-value", "room"),
        ({"moved_to": date(2026, 11, 11)}, "rule-violated", "moved_to"),
        ({"moved_to": date(2026, 11, 29)}, "rule-violated", "moved_to"),
        ({"moved_to": date(2026, 12, 21)}, "rule-violated", "moved_to"),
        ({"teacher_ids": []}, "invalid-value", "teacher_ids"),
        ({"start": "8 heures"}, "invalid-value", "start"),
        ({"room": "R" * 41}, "invalid-value", "room"),
        ({"room": "CDI", "reason": "R" * 201}, "invalid-value", "reason"),
    ],
)
def test_a_change_of_an_occurrence_that_cannot_be_right_is_refused(
    changes: dict[str, Any], code: str, field: str
) -> None:
    lesson = scheduled()
    with pytest.raises(DomainError) as raised:
        lesson.change_occurrence(MONDAY, DAYS, **changes)
    assert refused(raised) == (code, field)
    assert lesson.pending_events == [] and lesson.changes == {}


def test_restoring_an_occurrence_brings_back_the_weekly_pattern() -> None:
    lesson = scheduled()
    lesson.change_occurrence(MONDAY, DAYS, moved_to=date(2026, 11, 25))
    lesson.restore_occurrence(MONDAY)
    assert isinstance(lesson.collect_events()[-1], Lesson.OccurrenceRestored)
    assert on_day(lesson, MONDAY).status is OccurrenceStatus.NORMAL
    assert occurrences(lesson, date(2026, 11, 25), date(2026, 11, 25)) == []


def test_an_occurrence_without_a_change_cannot_be_restored() -> None:
    with pytest.raises(DomainError) as raised:
        scheduled().restore_occurrence(MONDAY)
    assert refused(raised) == ("rule-violated", "on")


# -- Rebuilt, stored and reloaded -----------------------------------------------------------------------


def busy_lesson() -> Lesson:
    """A lesson with every kind of event, carrying dates, times and lists of ids."""
    lesson = schedule(alternation=None, week_dates=[WEEK_1 + timedelta(weeks=n) for n in range(30)], source_key="K1")
    lesson.reschedule(from_week=WEEK_10, weekday=2, start="10:10", duration=50, room="C04", teacher_ids=[CO_TEACHER])
    lesson.cancel_occurrence(date(2026, 9, 7), "Grève", DAYS)
    lesson.change_occurrence(date(2026, 11, 24), DAYS, teacher_ids=[SUBSTITUTE, TEACHER], moved_to=date(2026, 11, 28))
    lesson.change_occurrence(date(2026, 12, 1), DAYS, start="11:10", room="CDI")
    lesson.change_occurrence(date(2026, 12, 8), DAYS, room="D01")
    lesson.restore_occurrence(date(2026, 12, 8))
    lesson.end(WEEK_1 + timedelta(weeks=25))
    return lesson


def test_a_lesson_is_rebuilt_from_its_events() -> None:
    lesson = busy_lesson()
    assert replayed(lesson) == lesson


def test_a_lesson_with_its_dates_times_and_teachers_survives_the_event_store() -> None:
    lesson = busy_lesson()
    reloaded = stored_and_reloaded(lesson)
    assert reloaded == lesson
    assert reloaded.week_dates == lesson.week_dates
    assert occurrences(reloaded) == occurrences(lesson)
    moved = on_day(reloaded, date(2026, 11, 28))
    assert (moved.on, moved.teacher_ids, moved.substitute) == (date(2026, 11, 24), (SUBSTITUTE, TEACHER), True)


def test_an_annual_change_that_would_strand_a_one_week_change_is_refused_until_it_is_restored() -> None:
    lesson = scheduled()
    lesson.cancel_occurrence(MONDAY, "Sortie", DAYS)
    lesson.collect_events()

    with pytest.raises(DomainError) as raised:
        lesson.reschedule(from_week=WEEK_10, weekday=2, start="08:00", duration=55, room="B12", teacher_ids=[TEACHER])

    assert refused(raised) == ("rule-violated", "from_week")
    assert MONDAY.isoformat() in raised.value.message
    assert lesson.collect_events() == []
    lesson.restore_occurrence(MONDAY)
    lesson.reschedule(from_week=WEEK_10, weekday=2, start="08:00", duration=55, room="B12", teacher_ids=[TEACHER])


def test_an_annual_change_keeping_the_day_keeps_the_one_week_changes() -> None:
    lesson = scheduled()
    lesson.cancel_occurrence(MONDAY, "Sortie", DAYS)

    lesson.reschedule(from_week=WEEK_10, weekday=1, start="09:00", duration=55, room="C04", teacher_ids=[TEACHER])

    assert on_day(lesson, MONDAY).status is OccurrenceStatus.CANCELLED
