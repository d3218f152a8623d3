"""The school calendar's fixed points: a school year starts on 1 September, in Paris."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.easter import easter

from domain.errors import InvalidValue
from domain.school_calendar import PARIS, CalendarDays, TimeSlot
from domain.values import FIRST_SCHOOL_YEAR, parse_school_year

__all__ = ["PARIS", "current_school_year", "default_calendar", "french_bank_holidays", "parse_plausible_year"]

FIRST_MONTH = 9

# The hours of a French secondary school day, as most timetables cut it (the school edits them).
DEFAULT_SLOTS = (
    TimeSlot("M1", time(8, 0), time(8, 55)),
    TimeSlot("M2", time(9, 0), time(9, 55)),
    TimeSlot("M3", time(10, 10), time(11, 5)),
    TimeSlot("M4", time(11, 10), time(12, 5)),
    TimeSlot("S1", time(13, 30), time(14, 25)),
    TimeSlot("S2", time(14, 30), time(15, 25)),
    TimeSlot("S3", time(15, 40), time(16, 35)),
    TimeSlot("S4", time(16, 40), time(17, 35)),
)


def current_school_year(now: datetime) -> int:
    """The start year of the school year running at ``now`` (2026 from 1 September 2026, Paris time)."""
    local = now.astimezone(PARIS)
    return local.year if local.month >= FIRST_MONTH else local.year - 1


def parse_plausible_year(year: int, now: datetime, field: str = "year") -> int:
    """A school year from 2000 to next year: a base for a year further out is a typo."""
    parse_school_year(year, field)
    latest = current_school_year(now) + 1
    if year > latest:
        raise InvalidValue(
            f"{field} {year} is not a plausible school year ({FIRST_SCHOOL_YEAR} to {latest})", field=field
        )
    return year


def french_bank_holidays(year: int) -> list[date]:
    """The public holidays that fall in the school year starting in ``year`` (Easter-based ones included)."""
    spring = easter(year + 1)
    days = [
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
        date(year + 1, 1, 1),
        spring + timedelta(days=1),  # lundi de Pâques
        date(year + 1, 5, 1),
        date(year + 1, 5, 8),
        spring + timedelta(days=39),  # Ascension
        spring + timedelta(days=50),  # lundi de Pentecôte
    ]
    return sorted(days)


def default_calendar(year: int) -> CalendarDays:
    """What a base starts with before the school sets its calendar: 1 September to the first Saturday
    of July, the bank holidays, every week an H week, the usual hours. School holidays depend on the
    académie's zone, so none is guessed: the school or its timetable file brings them."""
    last = date(year + 1, 7, 1)
    last += timedelta(days=(5 - last.weekday()) % 7)
    return CalendarDays(
        first_day=date(year, 9, 1),
        last_day=last,
        holidays=(),
        bank_holidays=frozenset(french_bank_holidays(year)),
        alternations={},
        slots=DEFAULT_SLOTS,
    )
