"""A lesson's occurrences over weeks: what the timetable shows, on the 2026-2027 calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.timetable import LessonKind, LessonPlan, Occurrence, OccurrenceChange, OccurrenceStatus, Pattern
from tests.domain.test_school_calendar import LAST_DAY, WEEK_1, WEEK_10, days_2026_2027

DAYS = days_2026_2027()
TEACHER = uuid4()
SUBSTITUTE = uuid4()
MONDAY_8 = Pattern(None, weekday=1, start=time(8), duration=55, room="B12", teacher_ids=(TEACHER,))


def plan(*patterns: Pattern, **overrides: Any) -> LessonPlan:
    values: dict[str, Any] = {
        "id": uuid4(),
        "kind": LessonKind.LESSON,
        "subject_code": "MATHS",
        "subject_label": "Mathématiques",
        "class_code": "3A",
        "group_code": None,
        "alternation": "H",
        "week_dates": frozenset(),
        "exceptional": False,
        "patterns": patterns or (MONDAY_8,),
    }
    values.update(overrides)
    return LessonPlan(**values)


def week_of(lesson: LessonPlan, monday: date) -> list[Occurrence]:
    return lesson.occurrences(DAYS, monday, monday + timedelta(days=6))


def year_of(lesson: LessonPlan) -> list[Occurrence]:
    return lesson.occurrences(DAYS, WEEK_1, LAST_DAY)


def test_an_occurrence_shows_the_lesson_on_its_day_and_at_its_time() -> None:
    lesson = plan()
    [occurrence] = week_of(lesson, date(2026, 11, 23))
    assert (occurrence.lesson_id, occurrence.on, occurrence.day) == (lesson.id, date(2026, 11, 23), date(2026, 11, 23))
    assert (occurrence.start, occurrence.end, occurrence.room) == (time(8), time(8, 55), "B12")
    assert (occurrence.subject_code, occurrence.class_code, occurrence.teacher_ids) == ("MATHS", "3A", (TEACHER,))
    assert occurrence.status is OccurrenceStatus.NORMAL
    assert not occurrence.substitute and not occurrence.room_changed
    assert occurrence.starts_at == datetime(2026, 11, 23, 7, tzinfo=UTC)
    assert occurrence.ends_at == datetime(2026, 11, 23, 7, 55, tzinfo=UTC)


def test_a_weekly_lesson_takes_place_every_school_week_and_never_in_holidays() -> None:
    days = [o.day for o in year_of(plan())]
    assert len(days) == 33  # 43 Mondays in the year, less 8 in the holidays and 2 bank holidays
    assert days[0] == date(2026, 9, 7)  # Monday 31 August comes before the first day
    assert days[-1] == date(2027, 6, 28)
    for no_lesson in (date(2026, 10, 19), date(2026, 10, 26), date(2026, 12, 21), date(2027, 3, 29), date(2027, 5, 17)):
        assert no_lesson not in days


def test_a_lesson_on_a_bank_holiday_does_not_take_place_that_week() -> None:
    wednesday = plan(Pattern(None, 3, time(10, 10), 55, "B12", (TEACHER,)))
    assert week_of(wednesday, date(2026, 11, 9)) == []  # 11 November
    assert [o.day for o in week_of(wednesday, date(2026, 11, 16))] == [date(2026, 11, 18)]


def test_the_first_week_has_lessons_from_the_first_day_only() -> None:
    tuesday = plan(Pattern(None, 2, time(8), 55, None, (TEACHER,)))
    assert week_of(plan(), WEEK_1) == []
    assert [o.day for o in week_of(tuesday, WEEK_1)] == [date(2026, 9, 1)]


def test_an_a_lesson_takes_place_in_a_weeks_and_a_b_lesson_in_b_weeks() -> None:
    a_lesson, b_lesson = plan(alternation="A"), plan(alternation="B")
    assert [o.day for o in week_of(a_lesson, date(2026, 9, 14))] == [date(2026, 9, 14)]
    assert week_of(a_lesson, date(2026, 9, 7)) == []
    assert [o.day for o in week_of(b_lesson, date(2026, 9, 7))] == [date(2026, 9, 7)]
    assert week_of(b_lesson, date(2026, 9, 14)) == []
    a_days = {o.day for o in year_of(a_lesson)}
    b_days = {o.day for o in year_of(b_lesson)}
    assert not a_days & b_days
    assert a_days | b_days == {o.day for o in year_of(plan())}


def test_a_lesson_of_an_alternation_the_calendar_lacks_never_takes_place() -> None:
    assert year_of(plan(alternation="Q1")) == []


def test_a_lesson_with_a_list_of_weeks_takes_place_in_those_weeks_only() -> None:
    lesson = plan(alternation=None, week_dates=frozenset({date(2026, 9, 14), date(2026, 10, 19), date(2026, 11, 30)}))
    assert [o.day for o in year_of(lesson)] == [date(2026, 9, 14), date(2026, 11, 30)]  # 19 October: Toussaint


def test_an_exceptional_lesson_is_shown_as_exceptional() -> None:
    lesson = plan(alternation=None, week_dates=frozenset({date(2026, 11, 30)}), exceptional=True)
    [occurrence] = year_of(lesson)
    assert (occurrence.day, occurrence.status) == (date(2026, 11, 30), OccurrenceStatus.EXCEPTIONAL)


def test_an_annual_change_applies_from_its_week_and_earlier_weeks_keep_the_old_pattern() -> None:
    tuesday = Pattern(WEEK_10, 2, time(10, 10), 55, "C04", (TEACHER,))
    lesson = plan(MONDAY_8, tuesday)
    before = [o for o in year_of(lesson) if o.day < WEEK_10]
    after = [o for o in year_of(lesson) if o.day >= WEEK_10]
    assert {(o.day.weekday(), o.start, o.room) for o in before} == {(0, time(8), "B12")}
    assert {(o.day.weekday(), o.start, o.room) for o in after} == {(1, time(10, 10), "C04")}
    assert [o.day for o in week_of(lesson, WEEK_10)] == [date(2026, 11, 3)]
    assert lesson.pattern_of(WEEK_10 - timedelta(weeks=1)) == MONDAY_8
    assert lesson.pattern_of(WEEK_10) == lesson.pattern_of(LAST_DAY) == tuesday


def test_a_lesson_ended_from_a_week_has_no_occurrence_from_that_week() -> None:
    lesson = plan(ended_from=WEEK_10)
    assert year_of(lesson)[-1].day == date(2026, 10, 12)
    assert week_of(lesson, WEEK_10) == []


def test_a_cancelled_occurrence_is_kept_with_its_status_and_reason() -> None:
    on = date(2026, 11, 23)
    lesson = plan(changes={on: OccurrenceChange(on, cancelled=True, reason="Sortie au musée")})
    [occurrence] = week_of(lesson, on)
    assert (occurrence.day, occurrence.status, occurrence.reason) == (on, OccurrenceStatus.CANCELLED, "Sortie au musée")
    assert len(year_of(lesson)) == 33


def test_a_moved_occurrence_shows_on_its_new_day_keyed_by_the_planned_one() -> None:
    on, to = date(2026, 11, 23), date(2026, 12, 2)
    lesson = plan(changes={on: OccurrenceChange(on, moved_to=to, start=time(14, 30))})
    assert week_of(lesson, on) == []
    that_week, moved = week_of(lesson, date(2026, 11, 30))
    assert (that_week.on, that_week.status) == (date(2026, 11, 30), OccurrenceStatus.NORMAL)
    assert (moved.on, moved.day, moved.start, moved.end) == (on, to, time(14, 30), time(15, 25))
    assert moved.status is OccurrenceStatus.MOVED


def test_an_occurrence_moved_into_a_range_is_found_even_when_its_planned_day_is_outside() -> None:
    on, to = date(2026, 11, 23), date(2026, 11, 21)  # moved to the Saturday before
    lesson = plan(changes={on: OccurrenceChange(on, moved_to=to)})
    assert [(o.on, o.day) for o in lesson.occurrences(DAYS, to, to)] == [(on, to)]


def test_an_occurrence_at_another_time_the_same_day_is_moved() -> None:
    on = date(2026, 11, 23)
    [occurrence] = week_of(plan(changes={on: OccurrenceChange(on, start=time(9))}), on)
    assert (occurrence.day, occurrence.start, occurrence.end, occurrence.status) == (
        on,
        time(9),
        time(9, 55),
        OccurrenceStatus.MOVED,
    )


def test_another_teacher_for_one_occurrence_is_a_substitute() -> None:
    on = date(2026, 11, 23)
    [occurrence] = week_of(plan(changes={on: OccurrenceChange(on, teacher_ids=(SUBSTITUTE,))}), on)
    assert (occurrence.teacher_ids, occurrence.substitute, occurrence.status) == (
        (SUBSTITUTE,),
        True,
        OccurrenceStatus.NORMAL,
    )
    assert not occurrence.room_changed


def test_the_same_teacher_given_again_is_no_substitute() -> None:
    on = date(2026, 11, 23)
    [occurrence] = week_of(plan(changes={on: OccurrenceChange(on, teacher_ids=(TEACHER,))}), on)
    assert not occurrence.substitute


def test_another_room_for_one_occurrence_is_flagged_as_a_room_change() -> None:
    on = date(2026, 11, 23)
    lesson = plan(changes={on: OccurrenceChange(on, room="CDI", reason="Salle inondée")})
    [occurrence] = week_of(lesson, on)
    assert (occurrence.room, occurrence.room_changed, occurrence.reason) == ("CDI", True, "Salle inondée")
    assert (occurrence.status, occurrence.substitute) == (OccurrenceStatus.NORMAL, False)
    [next_week] = week_of(lesson, on + timedelta(weeks=1))
    assert (next_week.room, next_week.room_changed) == ("B12", False)


def test_the_same_room_given_again_is_no_room_change() -> None:
    on = date(2026, 11, 23)
    [occurrence] = week_of(plan(changes={on: OccurrenceChange(on, room="B12")}), on)
    assert not occurrence.room_changed


def test_an_exceptional_lesson_in_another_room_stays_exceptional() -> None:
    on = date(2026, 11, 30)
    lesson = plan(
        alternation=None,
        week_dates=frozenset({on}),
        exceptional=True,
        changes={on: OccurrenceChange(on, room="CDI")},
    )
    [occurrence] = year_of(lesson)
    assert (occurrence.status, occurrence.room_changed) == (OccurrenceStatus.EXCEPTIONAL, True)


def test_occurrences_come_in_order_of_day_and_time() -> None:
    on = date(2026, 11, 23)
    lesson = plan(changes={on: OccurrenceChange(on, moved_to=date(2026, 12, 7), start=time(7))})
    found = lesson.occurrences(DAYS, date(2026, 11, 23), date(2026, 12, 13))
    assert [(o.day, o.start) for o in found] == [
        (date(2026, 11, 30), time(8)),
        (date(2026, 12, 7), time(7)),
        (date(2026, 12, 7), time(8)),
    ]


def test_a_lesson_is_planned_only_on_the_day_of_its_pattern_in_its_weeks() -> None:
    lesson = plan(alternation="A")
    assert lesson.is_planned_on(date(2026, 9, 14), DAYS)
    assert not lesson.is_planned_on(date(2026, 9, 15), DAYS)  # a Tuesday
    assert not lesson.is_planned_on(date(2026, 9, 7), DAYS)  # a B week
    assert not lesson.is_planned_on(date(2026, 10, 19), DAYS)  # Toussaint


def test_a_permanence_has_occurrences_like_a_lesson() -> None:
    permanence = plan(
        Pattern(None, 1, time(13, 30), 55, "Salle d'étude", ()),
        kind=LessonKind.PERMANENCE,
        subject_code=None,
        subject_label=None,
    )
    [occurrence] = week_of(permanence, date(2026, 11, 23))
    assert (occurrence.kind, occurrence.teacher_ids, occurrence.start) == (LessonKind.PERMANENCE, (), time(13, 30))


def test_a_lesson_ending_at_midnight_ends_at_the_last_minute_of_the_day() -> None:
    late = plan(Pattern(None, 1, time(23), 60, None, (TEACHER,)))
    [occurrence] = week_of(late, date(2026, 11, 23))
    assert occurrence.end == time(23, 59)


def test_each_occurrence_belongs_to_its_lesson() -> None:
    lesson_id = UUID(int=7)
    assert {o.lesson_id for o in year_of(plan(id=lesson_id))} == {lesson_id}
