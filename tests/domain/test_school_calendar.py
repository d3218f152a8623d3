"""The school calendar: which days have lessons, which weeks are A or B, and the day's time slots.

The 2026-2027 calendar defined here (:func:`define_2026_2027`) and the store (:func:`stored_and_reloaded`)
are shared by the timetable, lesson and register tests.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError

from application.transcodings import DateAsISO
from domain.errors import DomainError
from domain.school_calendar import (
    EVERY_WEEK,
    CalendarDays,
    Holiday,
    SchoolCalendar,
    TimeSlot,
    half_day,
    instant,
    monday_of,
    parse_clock,
)
from tests.domain.support import replayed

A = TypeVar("A", bound=Aggregate)

FIRST_DAY = date(2026, 9, 1)  # a Tuesday: the year's first week is the one of Monday 31 August
LAST_DAY = date(2027, 7, 3)  # a Saturday
TOUSSAINT = Holiday("Toussaint", date(2026, 10, 17), date(2026, 11, 1))
NOEL = Holiday("Noël", date(2026, 12, 19), date(2027, 1, 3))
HIVER = Holiday("Hiver", date(2027, 2, 13), date(2027, 2, 28))
PRINTEMPS = Holiday("Printemps", date(2027, 4, 10), date(2027, 4, 25))
HOLIDAYS = [TOUSSAINT, NOEL, HIVER, PRINTEMPS]
BANK_HOLIDAYS = [date(2026, 11, 11), date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 13), date(2027, 5, 17)]
SLOTS = [
    TimeSlot("M1", time(8, 0), time(8, 55)),
    TimeSlot("M2", time(9, 0), time(9, 55)),
    TimeSlot("M3", time(10, 10), time(11, 5)),
    TimeSlot("M4", time(11, 10), time(12, 5)),
    TimeSlot("S1", time(13, 30), time(14, 25)),
    TimeSlot("S2", time(14, 30), time(15, 25)),
]
WEEK_1 = date(2026, 8, 31)
WEEK_10 = WEEK_1 + timedelta(weeks=9)  # 2 November 2026, the Monday after Toussaint


def school_weeks() -> list[date]:
    """The Mondays of the weeks that are not wholly in a holiday, in order."""
    weeks = []
    monday = WEEK_1
    while monday <= LAST_DAY:
        friday = monday + timedelta(days=4)
        if not any(h.first <= monday and friday <= h.last for h in HOLIDAYS):
            weeks.append(monday)
        monday += timedelta(weeks=1)
    return weeks


def a_b_weeks() -> dict[str, list[date]]:
    """A and B weeks alternate over school weeks; a holiday does not break the alternation."""
    weeks = school_weeks()
    return {"A": weeks[0::2], "B": weeks[1::2]}


def calendar_inputs(**overrides: Any) -> dict[str, Any]:
    """What a school-life office enters for 2026-2027, with ``overrides``."""
    values: dict[str, Any] = {
        "first_day": FIRST_DAY,
        "last_day": LAST_DAY,
        "holidays": HOLIDAYS,
        "bank_holidays": BANK_HOLIDAYS,
        "alternations": a_b_weeks(),
        "slots": SLOTS,
    }
    values.update(overrides)
    return values


def define_2026_2027(**overrides: Any) -> SchoolCalendar:
    return SchoolCalendar.define(**calendar_inputs(**overrides))


def days_2026_2027() -> CalendarDays:
    return define_2026_2027().days


class EventStore(Application[UUID]):
    """An in-memory store whose mapper has the transcodings a base registers (``BaseCore``)."""

    name = "domain-tests"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def stored_and_reloaded(aggregate: A) -> A:
    """Save ``aggregate``'s pending events through the mapper and get it back from the store."""
    store = EventStore()
    pending = list(aggregate.pending_events)
    store.save(aggregate)
    assert list(store.events.get(aggregate.id)) == pending  # each event, attribute for attribute
    reloaded: object = store.repository.get(aggregate.id)
    assert isinstance(reloaded, type(aggregate))
    return reloaded


def refused(raised: pytest.ExceptionInfo[DomainError]) -> tuple[str, str | None]:
    return raised.value.code, raised.value.field


# -- The days of the year -------------------------------------------------------------------------------


def test_defining_the_calendar_records_its_days_in_one_event() -> None:
    calendar = define_2026_2027()
    [defined] = calendar.collect_events()
    assert isinstance(defined, SchoolCalendar.Defined)
    assert (defined.first_day, defined.last_day) == (FIRST_DAY, LAST_DAY)
    assert defined.holidays[0] == {"label": "Toussaint", "first": "2026-10-17", "last": "2026-11-01"}
    assert defined.slots[0] == {"label": "M1", "start": "08:00", "end": "08:55"}


def test_there_is_one_calendar_per_base() -> None:
    assert define_2026_2027().id == SchoolCalendar.create_id() == define_2026_2027(slots=[]).id


@pytest.mark.parametrize(
    "day",
    [date(2026, 9, 1), date(2026, 10, 16), date(2026, 11, 2), date(2027, 1, 4), date(2027, 7, 3), date(2026, 9, 5)],
)
def test_school_days_are_monday_to_saturday_within_the_year_outside_holidays(day: date) -> None:
    assert days_2026_2027().is_school_day(day)


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 8, 31), "before the first day"),
        (date(2027, 7, 5), "after the last day"),
        (date(2026, 9, 6), "a Sunday"),
        (date(2026, 10, 19), "Toussaint"),
        (date(2026, 11, 1), "the last day of Toussaint"),
        (date(2026, 12, 25), "Christmas"),
        (date(2027, 1, 3), "the last day of the Christmas holidays"),
        (date(2026, 11, 11), "a bank holiday"),
        (date(2027, 5, 13), "a bank holiday"),
    ],
)
def test_holidays_bank_holidays_sundays_and_days_outside_the_year_have_no_lessons(day: date, why: str) -> None:
    assert not days_2026_2027().is_school_day(day), why


def test_the_weeks_of_the_year_run_from_the_monday_of_the_first_day_to_the_last_day() -> None:
    weeks = days_2026_2027().weeks()
    assert weeks[0] == WEEK_1
    assert weeks[9] == WEEK_10 == date(2026, 11, 2)
    assert weeks[-1] == date(2027, 6, 28)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(weeks))


def test_a_and_b_weeks_alternate_over_school_weeks_and_skip_holidays() -> None:
    days = days_2026_2027()
    assert days.week_in(date(2026, 8, 31), "A") and days.week_in(date(2026, 9, 7), "B")
    assert days.week_in(date(2026, 10, 12), "A")
    for toussaint in (date(2026, 10, 19), date(2026, 10, 26)):
        assert not days.week_in(toussaint, "A") and not days.week_in(toussaint, "B")
    assert days.week_in(date(2026, 11, 2), "B")  # after the holidays, the alternation goes on
    assert not days.week_in(date(2026, 11, 2), "A")


def test_every_week_of_the_year_is_an_h_week_unless_h_is_listed() -> None:
    days = days_2026_2027()
    assert all(days.week_in(monday, EVERY_WEEK) for monday in days.weeks())
    assert not days.week_in(date(2026, 8, 24), EVERY_WEEK)
    assert not days.week_in(date(2027, 7, 5), EVERY_WEEK)
    listed = define_2026_2027(alternations={"H": [date(2026, 9, 7)]}).days
    assert listed.week_in(date(2026, 9, 7), EVERY_WEEK) and not listed.week_in(date(2026, 9, 14), EVERY_WEEK)


def test_a_week_of_an_unknown_alternation_is_in_no_week() -> None:
    assert not days_2026_2027().week_in(WEEK_1, "C")


def test_monday_of_gives_the_monday_of_a_days_week() -> None:
    assert monday_of(date(2026, 9, 6)) == monday_of(date(2026, 8, 31)) == date(2026, 8, 31)


def test_time_slots_are_kept_in_the_order_of_the_day() -> None:
    calendar = define_2026_2027(slots=list(reversed(SLOTS)))
    assert [slot.label for slot in calendar.days.slots] == ["M1", "M2", "M3", "M4", "S1", "S2"]


def test_holidays_are_kept_in_date_order() -> None:
    calendar = define_2026_2027(holidays=[NOEL, TOUSSAINT])
    assert calendar.days.holidays == (TOUSSAINT, NOEL)


def test_holiday_and_slot_labels_are_stored_trimmed() -> None:
    calendar = define_2026_2027(
        holidays=[Holiday("  Toussaint ", TOUSSAINT.first, TOUSSAINT.last)],
        slots=[TimeSlot(" M1 ", time(8), time(9))],
    )
    assert calendar.days.holidays[0].label == "Toussaint"
    assert calendar.days.slots[0].label == "M1"


# -- Changing the calendar ------------------------------------------------------------------------------


def test_changing_the_calendar_replaces_it_whole() -> None:
    calendar = define_2026_2027()
    calendar.collect_events()
    calendar.change(**calendar_inputs(bank_holidays=[*BANK_HOLIDAYS, date(2027, 5, 7)]))
    [changed] = calendar.collect_events()
    assert isinstance(changed, SchoolCalendar.Changed)
    assert not calendar.days.is_school_day(date(2027, 5, 7))


def test_an_unchanged_calendar_is_refused_whatever_the_order_it_is_given_in() -> None:
    calendar = define_2026_2027()
    calendar.collect_events()
    with pytest.raises(DomainError) as raised:
        calendar.change(
            first_day=FIRST_DAY,
            last_day=LAST_DAY,
            holidays=list(reversed(HOLIDAYS)),
            bank_holidays=list(reversed(BANK_HOLIDAYS)),
            alternations={"B": a_b_weeks()["B"][::-1], "A": a_b_weeks()["A"]},
            slots=list(reversed(SLOTS)),
        )
    assert refused(raised) == ("rule-violated", "calendar")
    assert calendar.pending_events == []


# -- Refused calendars ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"last_day": FIRST_DAY}, "invalid-value", "last_day"),
        ({"last_day": date(2026, 8, 1)}, "invalid-value", "last_day"),
        ({"last_day": date(2027, 9, 3)}, "invalid-value", "last_day"),
        ({"holidays": [Holiday(" ", TOUSSAINT.first, TOUSSAINT.last)]}, "invalid-value", "holidays[0].label"),
        ({"holidays": [TOUSSAINT, Holiday("Noël", NOEL.last, NOEL.first)]}, "invalid-value", "holidays[1].last"),
        ({"alternations": {"A B": [WEEK_1]}}, "invalid-value", "alternations"),
        ({"alternations": {"Q1": [date(2026, 9, 1)]}}, "invalid-value", "alternations.Q1"),
        ({"slots": [TimeSlot("", time(8), time(9))]}, "invalid-value", "slots[0].label"),
        ({"slots": [TimeSlot("M1", time(9), time(8))]}, "invalid-value", "slots[0].end"),
        ({"slots": [TimeSlot("M1", time(9), time(9))]}, "invalid-value", "slots[0].end"),
    ],
)
def test_a_calendar_that_cannot_be_right_is_refused(overrides: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(DomainError) as raised:
        define_2026_2027(**overrides)
    assert refused(raised) == (code, field)


def test_a_refused_slot_is_named_by_its_place_in_the_list_given() -> None:
    slots = [TimeSlot("S1", time(13, 30), time(14, 25)), TimeSlot("M1", time(8), time(7))]
    with pytest.raises(DomainError) as raised:
        define_2026_2027(slots=slots)
    assert refused(raised) == ("invalid-value", "slots[1].end")


def test_overlapping_slots_are_refused_on_the_later_one() -> None:
    slots = [TimeSlot("M2", time(8, 50), time(9, 45)), TimeSlot("M1", time(8), time(8, 55))]
    with pytest.raises(DomainError) as raised:
        define_2026_2027(slots=slots)
    assert refused(raised) == ("invalid-value", "slots[0].start")


def test_a_refused_change_leaves_the_calendar_as_it_was() -> None:
    calendar = define_2026_2027()
    calendar.collect_events()
    with pytest.raises(DomainError):
        calendar.change(**calendar_inputs(last_day=FIRST_DAY))
    assert calendar.pending_events == []
    assert calendar.days == days_2026_2027()


# -- Clocks, instants and half-days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:00", time(8)), ("8:05", time(8, 5)), ("8h05", time(8, 5)), ("14H30", time(14, 30)), ("0800", time(8))],
)
def test_times_of_day_are_read_as_timetables_write_them(text: str, expected: time) -> None:
    assert parse_clock(f" {text} ", "start") == expected


def test_a_time_of_day_given_as_a_time_drops_seconds_and_zone() -> None:
    assert parse_clock(time(8, 5, 30, 12, tzinfo=UTC), "start") == time(8, 5)


@pytest.mark.parametrize("text", ["24:00", "8:60", "8", "", "huit heures", "08:00:00", "-1:00"])
def test_a_time_that_is_not_a_time_of_day_is_refused_on_its_field(text: str) -> None:
    with pytest.raises(DomainError) as raised:
        parse_clock(text, "slots[2].start")
    assert refused(raised) == ("invalid-value", "slots[2].start")
    assert repr(text) in raised.value.message


def test_a_school_clock_is_paris_time_summer_and_winter() -> None:
    assert instant(date(2026, 10, 23), time(8)) == datetime(2026, 10, 23, 6, tzinfo=UTC)
    assert instant(date(2026, 10, 26), time(8)) == datetime(2026, 10, 26, 7, tzinfo=UTC)
    assert instant(date(2027, 3, 29), time(8)) == datetime(2027, 3, 29, 6, tzinfo=UTC)


def test_midday_splits_the_day_into_two_half_days() -> None:
    day = date(2026, 11, 24)
    assert half_day(day, time(8)) == half_day(day, time(11, 59)) == (day, 0)
    assert half_day(day, time(12)) == half_day(day, time(17)) == (day, 1)


# -- Stored and reloaded --------------------------------------------------------------------------------


def test_a_calendar_is_rebuilt_from_its_events() -> None:
    calendar = define_2026_2027()
    calendar.change(**calendar_inputs(bank_holidays=[]))
    assert replayed(calendar) == calendar


def test_a_calendar_with_its_dates_survives_the_event_store() -> None:
    calendar = define_2026_2027()
    calendar.change(**calendar_inputs(last_day=date(2027, 7, 2)))
    reloaded = stored_and_reloaded(calendar)
    assert reloaded == calendar
    assert reloaded.days == replace(days_2026_2027(), last_day=date(2027, 7, 2))
    assert reloaded.days.week_in(date(2026, 11, 2), "B")


def test_dates_in_events_need_the_projects_transcoding() -> None:
    calendar = define_2026_2027()
    with pytest.raises(TranscodingNotRegisteredError):
        Application[UUID]().save(calendar)
