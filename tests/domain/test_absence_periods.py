"""Absence periods and bulletin figures: what a student's marks and the office's reasons add up to."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from uuid import UUID, uuid5

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.absence_periods import (
    ReasonSpan,
    ReasonView,
    StudentEntry,
    absence_periods,
    summarize,
)
from domain.absence_periods_live import AbsencePeriods
from domain.absence_reason import DEFAULT_REASONS
from domain.register import MarkKind
from domain.school_calendar import instant

MONDAY = date(2026, 11, 23)
REASONS = {code: ReasonView(code, label, kind, flags) for code, label, kind, flags in DEFAULT_REASONS}
ILLNESS, TRIP, UNKNOWN, CONFIDENTIAL = (
    REASONS["MALADIE"],
    REASONS["SORTIE"],
    REASONS["INCONNU"],
    REASONS["CONFIDENTIEL"],
)
SLOTS = [(time(h), time(h + 1)) for h in (8, 9, 10, 11, 13, 14, 15, 16)]
DAYS = [MONDAY + timedelta(days=n) for n in range(3)]
ABSENT, LATE = MarkKind.ABSENT, MarkKind.LATE


def clock(value: str) -> time:
    return time.fromisoformat(value)


def entry(
    start: str,
    end: str,
    mark: MarkKind | None = None,
    *,
    day: date = MONDAY,
    taken: bool = True,
    minutes: int | None = None,
) -> StudentEntry:
    register_id = uuid5(UUID(int=0), f"{day}|{start}")
    return StudentEntry(register_id, day, clock(start), clock(end), taken, mark, minutes)


def span(first: str, last: str, reason: ReasonView, *, day: date = MONDAY, settled: bool = False) -> ReasonSpan:
    return ReasonSpan(instant(day, clock(first)), instant(day, clock(last)), reason, settled)


# -- periods --------------------------------------------------------------------------------------


def test_a_morning_of_three_missed_lessons_is_one_period_and_one_half_day() -> None:
    entries = [entry("10:00", "11:00", ABSENT), entry("08:00", "09:00", ABSENT), entry("09:00", "10:00", ABSENT)]
    summary = summarize(entries, [])
    [period] = summary.periods
    assert (period.first, period.last) == (instant(MONDAY, time(8)), instant(MONDAY, time(11)))
    assert period.register_ids == tuple(e.register_id for e in sorted(entries, key=lambda e: e.start))
    assert (period.minutes, period.half_days) == (180, frozenset({(MONDAY, 0)}))
    assert (period.reason, period.justified, period.settled, period.counts) == (None, False, False, True)
    assert (summary.absence_half_days, summary.unjustified_half_days, summary.absence_minutes) == (1, 1, 180)


def test_absences_either_side_of_lunch_with_no_lesson_between_are_one_period_over_two_half_days() -> None:
    summary = summarize([entry("11:00", "12:00", ABSENT), entry("13:00", "14:00", ABSENT)], [])
    [period] = summary.periods
    assert period.half_days == frozenset({(MONDAY, 0), (MONDAY, 1)})
    assert (summary.absence_half_days, summary.absence_minutes) == (2, 120)


def test_a_lesson_attended_between_two_absences_makes_two_periods() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("09:00", "10:00"), entry("10:00", "11:00", ABSENT)]
    periods = absence_periods(entries, [])
    assert [(p.first.hour, p.last.hour) for p in periods] == [(7, 8), (9, 10)]  # UTC: Paris is UTC+1 in November
    assert summarize(entries, []).absence_half_days == 1


def test_a_period_runs_across_days_when_nothing_comes_between() -> None:
    tuesday = MONDAY + timedelta(days=1)
    entries = [entry("16:00", "17:00", ABSENT), entry("08:00", "09:00", ABSENT, day=tuesday)]
    [period] = absence_periods(entries, [])
    assert (period.first, period.last) == (instant(MONDAY, time(16)), instant(tuesday, time(9)))
    assert period.half_days == frozenset({(MONDAY, 1), (tuesday, 0)})


def test_a_call_not_taken_with_no_mark_breaks_a_period_and_counts_nothing() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("09:00", "10:00", taken=False), entry("10:00", "11:00", ABSENT)]
    assert len(absence_periods(entries, [])) == 2
    assert summarize([entry("09:00", "10:00", taken=False)], []).absence_half_days == 0


def test_a_mark_in_a_call_not_closed_yet_is_an_absence() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("09:00", "10:00", ABSENT, taken=False)]
    [period] = absence_periods(entries, [])
    assert period.minutes == 120


def test_a_lateness_an_exclusion_or_the_infirmary_breaks_a_period() -> None:
    for mark in (LATE, MarkKind.EXCLUDED, MarkKind.INFIRMARY):
        between = entry("09:00", "10:00", mark, minutes=5 if mark is LATE else None)
        entries = [entry("08:00", "09:00", ABSENT), between, entry("10:00", "11:00", ABSENT)]
        assert len(absence_periods(entries, [])) == 2, mark


# -- reasons --------------------------------------------------------------------------------------


def test_a_lesson_takes_the_reason_of_the_last_span_set_that_contains_its_start() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("09:00", "10:00", ABSENT)]
    spans = [span("07:00", "12:00", UNKNOWN), span("08:30", "09:30", ILLNESS, settled=True)]
    [period] = absence_periods(entries, spans)
    assert [lesson.reason for lesson in period.lessons] == [UNKNOWN, ILLNESS]
    assert (period.reason, period.justified, period.settled) == (None, False, False)  # no single reason
    later = [*spans, span("07:00", "12:00", ILLNESS, settled=True)]  # a later span over the same time wins
    [period] = absence_periods(entries, later)
    assert (period.reason, period.justified, period.settled) == (ILLNESS, True, True)


def test_a_span_does_not_cover_the_lesson_starting_when_it_ends() -> None:
    [period] = absence_periods([entry("10:00", "11:00", ABSENT)], [span("08:00", "10:00", ILLNESS)])
    assert period.reason is None


def test_a_reason_that_does_not_count_removes_its_lessons_from_the_figures() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("13:00", "14:00", ABSENT)]
    summary = summarize(entries, [span("12:00", "18:00", TRIP)])
    assert [p.counts for p in summary.periods] == [True]  # one period, one of its lessons counts
    assert (summary.absence_half_days, summary.absence_minutes) == (1, 60)
    all_day = summarize(entries, [span("07:00", "18:00", TRIP)])
    assert (all_day.absence_half_days, all_day.absence_minutes, all_day.periods[0].counts) == (0, 0, False)


def test_a_half_day_is_justified_when_every_counting_lesson_missed_in_it_is() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("09:00", "10:00"), entry("10:00", "11:00", ABSENT)]
    partly = summarize(entries, [span("08:00", "09:00", ILLNESS)])
    assert (partly.justified_half_days, partly.unjustified_half_days) == (0, 1)
    with_trip = summarize(entries, [span("08:00", "09:00", ILLNESS), span("10:00", "11:00", TRIP)])
    assert (with_trip.justified_half_days, with_trip.unjustified_half_days) == (1, 0)


def test_latenesses_count_with_their_minutes_and_reasons() -> None:
    entries = [entry("08:00", "09:00", LATE, minutes=10), entry("13:00", "14:00", LATE, minutes=5)]
    transport = REASONS["TRANSPORT"]
    summary = summarize(entries, [span("07:00", "09:00", transport)])
    assert [(late.minutes, late.reason, late.justified) for late in summary.latenesses] == [
        (10, transport, True),
        (5, None, False),
    ]
    assert (summary.lateness_count, summary.lateness_minutes, summary.unjustified_lateness) == (2, 15, 1)
    assert summary.periods == ()


def test_families_do_not_see_a_confidential_reason_but_read_the_same_figures() -> None:
    entries = [entry("08:00", "09:00", ABSENT), entry("09:00", "10:00", LATE, minutes=3)]
    spans = [span("07:00", "12:00", CONFIDENTIAL)]
    school, family = summarize(entries, spans), summarize(entries, spans, published_only=True)
    assert school.periods[0].reason == CONFIDENTIAL
    assert (family.periods[0].reason, family.periods[0].lessons[0].reason, family.latenesses[0].reason) == (
        None,
        None,
        None,
    )
    assert family.figures() == school.figures()
    assert family.periods[0].justified and family.latenesses[0].justified


# -- properties -----------------------------------------------------------------------------------

marks = st.sampled_from([None, ABSENT, ABSENT, ABSENT, LATE, MarkKind.EXCLUDED, MarkKind.INFIRMARY])
reasons = st.sampled_from([ILLNESS, TRIP, UNKNOWN, CONFIDENTIAL])


@st.composite
def spans_of(draw: st.DrawFn, reason_pool: st.SearchStrategy[ReasonView] = reasons) -> ReasonSpan:
    first = datetime.combine(DAYS[0], time(6), UTC) + timedelta(hours=draw(st.integers(0, 60)))
    length = timedelta(hours=draw(st.integers(1, 30)))
    return ReasonSpan(first, first + length, draw(reason_pool), draw(st.booleans()))


@st.composite
def timetables(draw: st.DrawFn) -> list[StudentEntry]:
    """A student's lessons over three days, none overlapping another."""
    places = draw(st.sets(st.tuples(st.sampled_from(DAYS), st.sampled_from(SLOTS)), max_size=20))
    entries = []
    for day, (start, end) in sorted(places):
        mark, taken = draw(marks), draw(st.booleans())
        minutes = draw(st.integers(1, 30)) if mark is LATE else None
        entries.append(StudentEntry(uuid5(UUID(int=1), f"{day}{start}"), day, start, end, taken, mark, minutes))
    return entries


@given(entries=timetables(), spans=st.lists(spans_of(), max_size=4))
def test_periods_are_ordered_never_overlap_and_hold_every_missed_lesson_once(
    entries: list[StudentEntry], spans: list[ReasonSpan]
) -> None:
    summary = summarize(entries, spans)
    periods = summary.periods
    assert all(a.last <= b.first for a, b in pairwise(periods))
    held = [register_id for period in periods for register_id in period.register_ids]
    assert sorted(held) == sorted(e.register_id for e in entries if e.absent)
    absent_days = {e.day for e in entries if e.absent}
    assert summary.absence_half_days <= 2 * len(absent_days)
    assert summary.justified_half_days + summary.unjustified_half_days == summary.absence_half_days
    assert summary.lateness_count == sum(e.mark is LATE for e in entries)


@given(entries=timetables(), spans=st.lists(spans_of(st.sampled_from([ILLNESS, UNKNOWN])), max_size=4))
def test_when_every_missed_lesson_counts_the_periods_minutes_are_the_absence_minutes(
    entries: list[StudentEntry], spans: list[ReasonSpan]
) -> None:
    summary = summarize(entries, spans)
    assert sum(period.minutes for period in summary.periods) == summary.absence_minutes
    assert all(period.counts for period in summary.periods)


class IncrementalPeriods(RuleBasedStateMachine):
    """Marks set, corrected and closed one at a time give what recomputing from the final entries gives.

    Registers may overlap here (two registers at the same time): the order is the entries' key either way.
    """

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[UUID, StudentEntry] = {}
        self.spans: list[ReasonSpan] = []
        self.periods = AbsencePeriods()
        self.opened = 0

    @initialize(count=st.integers(0, 6), data=st.data())
    def start_with_some(self, count: int, data: st.DataObject) -> None:
        """Some entries given at once, the way a summary is first loaded."""
        for _ in range(count):
            self._new_entry(data.draw(st.sampled_from(DAYS)), data.draw(st.sampled_from(SLOTS)))
        self.periods = AbsencePeriods(self.entries.values(), self.spans)

    def _new_entry(self, day: date, slot: tuple[time, time]) -> StudentEntry:
        self.opened += 1
        new = StudentEntry(uuid5(UUID(int=2), str(self.opened)), day, slot[0], slot[1], taken=False)
        self.entries[new.register_id] = new
        return new

    def _pick(self, data: st.DataObject) -> UUID | None:
        return data.draw(st.sampled_from(sorted(self.entries))) if self.entries else None

    @rule(day=st.sampled_from(DAYS), slot=st.sampled_from(SLOTS))
    def expect(self, day: date, slot: tuple[time, time]) -> None:
        self.periods.expect(self._new_entry(day, slot))

    @rule(data=st.data(), mark=st.sampled_from(list(MarkKind)), minutes=st.integers(1, 30))
    def mark(self, data: st.DataObject, mark: MarkKind, minutes: int) -> None:
        if (chosen := self._pick(data)) is not None:
            late_minutes = minutes if mark is LATE else None
            self.entries[chosen] = replace(self.entries[chosen], mark=mark, minutes=late_minutes)
            self.periods.mark(chosen, mark, late_minutes)

    @rule(data=st.data())
    def clear(self, data: st.DataObject) -> None:
        if (chosen := self._pick(data)) is not None:
            self.entries[chosen] = replace(self.entries[chosen], mark=None, minutes=None)
            self.periods.clear(chosen)

    @rule(data=st.data())
    def close(self, data: st.DataObject) -> None:
        if (chosen := self._pick(data)) is not None:
            self.entries[chosen] = replace(self.entries[chosen], taken=True)
            self.periods.close(chosen)

    @rule(data=st.data(), day=st.sampled_from(DAYS), slot=st.sampled_from(SLOTS))
    def move(self, data: st.DataObject, day: date, slot: tuple[time, time]) -> None:
        if (chosen := self._pick(data)) is not None:
            self.entries[chosen] = replace(self.entries[chosen], day=day, start=slot[0], end=slot[1])
            self.periods.move(chosen, day, *slot)

    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        if (chosen := self._pick(data)) is not None:
            del self.entries[chosen]
            self.periods.withdraw(chosen)

    @rule(new=spans_of())
    def set_reason(self, new: ReasonSpan) -> None:
        self.spans.append(new)
        self.periods.set_reason(new)

    @invariant()
    def same_as_recomputed(self) -> None:
        assert self.periods.entries == tuple(sorted(self.entries.values(), key=lambda e: e.key))
        for published_only in (False, True):
            expected = summarize(self.entries.values(), self.spans, published_only=published_only)
            assert self.periods.summary(published_only=published_only) == expected


IncrementalPeriods.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_marks_changed_one_at_a_time_give_the_recomputed_periods = IncrementalPeriods.TestCase


def test_the_live_periods_refuse_a_register_twice_and_one_they_do_not_hold() -> None:
    maths = entry("08:00", "09:00")
    periods = AbsencePeriods([maths])
    with pytest.raises(ValueError, match="already holds"):
        periods.expect(maths)
    periods.withdraw(maths.register_id)
    with pytest.raises(KeyError):
        periods.mark(maths.register_id, ABSENT)
    assert periods.entries == () and periods.summary() == summarize([], [])
