"""The school calendar of a base: its days, weeks, alternations and the day's time slots.

Lessons repeat by week; this is what says which weeks exist (no lessons in holidays or on bank
holidays), which of them are A or B weeks, and when each hour of the day starts. It is one small
aggregate per base: edited a few times a year, read by every timetable and register.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict, Unpack
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.ids import natural_id
from domain.values import parse_text

PARIS = ZoneInfo("Europe/Paris")
EVERY_WEEK = "H"  # the alternation every timetable software calls H (hebdomadaire)
MIDDAY = time(12, 0)  # the reference that splits a day into half-days (demi-journées)
_ALTERNATION = re.compile(r"^[A-Za-z0-9_.-]{1,10}$")
_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:hH]?([0-5][0-9])$")


def parse_clock(value: str | time, field: str) -> time:
    """A time of day as timetables write it: ``08:00``, ``8h00``, ``0800``."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _CLOCK.match(value.strip())
    if match is None:
        raise InvalidValue(f"{field}: {value!r} is not a time of day (HH:MM)", field=field)
    return time(int(match.group(1)), int(match.group(2)))


def clock(value: time) -> str:
    """How events store a time of day: ``08:05``."""
    return value.strftime("%H:%M")


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_monday(value: date, field: str) -> date:
    if value.weekday() != 0:
        raise InvalidValue(f"{field}: a week is named by its Monday, {value.isoformat()} is not one", field=field)
    return value


def instant(day: date, at: time) -> datetime:
    """The instant a school clock shows ``at`` on ``day`` in Paris, as stored (UTC)."""
    return datetime.combine(day, at, PARIS).astimezone(UTC)


class HeldOnADay:
    """Mixed into what is held on a day from a start to an end (a lesson's occurrence, a student's
    lesson in the attendance rules): its instants, as stored."""

    day: date
    start: time
    end: time

    @property
    def starts_at(self) -> datetime:
        return instant(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        return instant(self.day, self.end)


def half_day(day: date, at: time) -> tuple[date, int]:
    """The half-day (demi-journée) a moment falls in: ``(day, 0)`` morning, ``(day, 1)`` afternoon."""
    return day, 0 if at < MIDDAY else 1


@dataclass(frozen=True)
class Holiday:
    label: str
    first: date
    last: date


@dataclass(frozen=True)
class TimeSlot:
    """One hour of the school day (M1, M2… S4): the grid the timetable and registers show."""

    label: str
    start: time
    end: time


class CalendarFields(TypedDict):
    """A whole calendar as a school gives it: what defining or changing the calendar takes."""

    first_day: date
    last_day: date
    holidays: list[Holiday]
    bank_holidays: list[date]
    alternations: dict[str, list[date]]
    slots: list[TimeSlot]


class SchoolCalendar(Aggregate):
    """The calendar of the base; one per base, edited whole (a new version replaces the old one)."""

    class Defined(Aggregate.Created):
        first_day: date
        last_day: date
        holidays: list[dict[str, str]]
        bank_holidays: list[date]
        alternations: dict[str, list[date]]
        slots: list[dict[str, str]]

    class Changed(Aggregate.Event):
        first_day: date
        last_day: date
        holidays: list[dict[str, str]]
        bank_holidays: list[date]
        alternations: dict[str, list[date]]
        slots: list[dict[str, str]]

    @staticmethod
    def create_id() -> UUID:
        return natural_id("calendar", "base")

    @classmethod
    def define(cls, **fields: Unpack[CalendarFields]) -> SchoolCalendar:
        return cls(**_checked(**fields))

    @event(Defined)
    def __init__(
        self,
        *,
        first_day: date,
        last_day: date,
        holidays: list[dict[str, str]],
        bank_holidays: list[date],
        alternations: dict[str, list[date]],
        slots: list[dict[str, str]],
    ) -> None:
        self.days = CalendarDays.from_event(locals())  # the event values, as this method receives them

    def change(self, **fields: Unpack[CalendarFields]) -> None:
        values = _checked(**fields)
        if values == self._values():
            raise RuleViolated("the calendar is unchanged", field="calendar")
        self._changed(**values)

    @event(Changed)
    def _changed(
        self,
        *,
        first_day: date,
        last_day: date,
        holidays: list[dict[str, str]],
        bank_holidays: list[date],
        alternations: dict[str, list[date]],
        slots: list[dict[str, str]],
    ) -> None:
        self.days = CalendarDays.from_event(locals())  # the event values, as this method receives them

    def _values(self) -> dict[str, Any]:
        return self.days.event_values()


@dataclass(frozen=True)
class CalendarDays:
    """The calendar as plain values: what the timetable expands lessons against (aggregate and read model)."""

    first_day: date
    last_day: date
    holidays: tuple[Holiday, ...]
    bank_holidays: frozenset[date]
    alternations: dict[str, frozenset[date]]
    slots: tuple[TimeSlot, ...]

    @classmethod
    def from_event(cls, values: Mapping[str, Any]) -> CalendarDays:
        """The calendar an event's values describe (the values :meth:`event_values` gives)."""
        return cls(
            first_day=values["first_day"],
            last_day=values["last_day"],
            holidays=tuple(
                Holiday(h["label"], date.fromisoformat(h["first"]), date.fromisoformat(h["last"]))
                for h in values["holidays"]
            ),
            bank_holidays=frozenset(values["bank_holidays"]),
            alternations={code: frozenset(weeks) for code, weeks in values["alternations"].items()},
            slots=tuple(
                TimeSlot(s["label"], parse_clock(s["start"], "start"), parse_clock(s["end"], "end"))
                for s in values["slots"]
            ),
        )

    def fields(self) -> CalendarFields:
        """The calendar as defining or changing it takes it."""
        return CalendarFields(
            first_day=self.first_day,
            last_day=self.last_day,
            holidays=list(self.holidays),
            bank_holidays=sorted(self.bank_holidays),
            alternations={code: sorted(weeks) for code, weeks in self.alternations.items()},
            slots=list(self.slots),
        )

    def event_values(self) -> dict[str, Any]:
        return {
            "first_day": self.first_day,
            "last_day": self.last_day,
            "holidays": [
                {"label": h.label, "first": h.first.isoformat(), "last": h.last.isoformat()} for h in self.holidays
            ],
            "bank_holidays": sorted(self.bank_holidays),
            "alternations": {code: sorted(weeks) for code, weeks in sorted(self.alternations.items())},
            "slots": [{"label": s.label, "start": clock(s.start), "end": clock(s.end)} for s in self.slots],
        }

    def is_school_day(self, day: date) -> bool:
        """A day with lessons: within the year, Monday to Saturday, not a holiday or a bank holiday."""
        if not self.first_day <= day <= self.last_day or day.weekday() == 6 or day in self.bank_holidays:
            return False
        return not any(h.first <= day <= h.last for h in self.holidays)

    def week_in(self, monday: date, alternation: str) -> bool:
        """Whether the week of ``monday`` belongs to the alternation (H: every week of the year)."""
        weeks = self.alternations.get(alternation)
        if weeks is not None:
            return monday in weeks
        if alternation == EVERY_WEEK:
            return monday_of(self.first_day) <= monday <= self.last_day
        return False

    def weeks(self) -> list[date]:
        """Every week of the year, by its Monday."""
        monday, last = monday_of(self.first_day), self.last_day
        result = []
        while monday <= last:
            result.append(monday)
            monday += timedelta(days=7)
        return result


def _checked(**fields: Unpack[CalendarFields]) -> dict[str, Any]:
    """Validate a whole calendar and give its event values (sorted, so that equal calendars compare equal)."""
    first_day, last_day, holidays = fields["first_day"], fields["last_day"], fields["holidays"]
    bank_holidays, alternations, slots = fields["bank_holidays"], fields["alternations"], fields["slots"]
    if last_day <= first_day:
        raise InvalidValue("the last day must come after the first day", field="last_day")
    if (last_day - first_day).days > 366:
        raise InvalidValue("a school year lasts at most a year", field="last_day")
    checked_holidays = []
    for index, holiday in enumerate(holidays):
        label = parse_text(holiday.label, f"holidays[{index}].label")
        if holiday.last < holiday.first:
            raise InvalidValue("a holiday ends on or after its first day", field=f"holidays[{index}].last")
        checked_holidays.append(Holiday(label, holiday.first, holiday.last))
    for code, weeks in alternations.items():
        if not _ALTERNATION.match(code):
            raise InvalidValue(f"{code!r} is not an alternation code (letters, digits)", field="alternations")
        for week in weeks:
            parse_monday(week, f"alternations.{code}")
    ordered: list[TimeSlot] = []  # by start; an error names the slot by its index in ``slots``, as given
    for index, slot in sorted(enumerate(slots), key=lambda pair: pair[1].start):
        label = parse_text(slot.label, f"slots[{index}].label", max_length=20)
        if slot.end <= slot.start:
            raise InvalidValue(f"the slot {label} ends before it starts", field=f"slots[{index}].end")
        if ordered and slot.start < ordered[-1].end:
            raise InvalidValue(f"the slot {label} overlaps the one before", field=f"slots[{index}].start")
        ordered.append(TimeSlot(label, slot.start, slot.end))
    days = CalendarDays(
        first_day=first_day,
        last_day=last_day,
        holidays=tuple(sorted(checked_holidays, key=lambda h: (h.first, h.label))),
        bank_holidays=frozenset(bank_holidays),
        alternations={code: frozenset(weeks) for code, weeks in alternations.items()},
        slots=tuple(ordered),
    )
    return days.event_values()
