"""The school calendar's fixed points: a school year starts on 1 September, in Paris."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.errors import InvalidValue
from domain.values import FIRST_SCHOOL_YEAR, parse_school_year

PARIS = ZoneInfo("Europe/Paris")
FIRST_MONTH = 9


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
