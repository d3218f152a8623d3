"""The iCalendar feed: parsed back with icalendar, it holds one event per occurrence, at the right time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import UUID, uuid5

import pytest
from icalendar import Calendar, Component

from adapters.ical import occurrence_uid, occurrences_to_ical
from domain.school_calendar import CalendarDays
from domain.timetable import LessonKind, LessonPlan, Occurrence, OccurrenceChange, Pattern

MARIE, ANNE = uuid5(UUID(int=0), "marie"), uuid5(UUID(int=0), "anne")
NAMES = {MARIE: "Mme Curie", ANNE: "Mme Petit"}
LESSON = uuid5(UUID(int=0), "maths-3A")
STAMP = datetime(2026, 9, 1, 6, 30, tzinfo=UTC)
DAYS = CalendarDays.from_event(
    {
        "first_day": date(2026, 9, 1),
        "last_day": date(2027, 7, 3),
        "holidays": [],
        "bank_holidays": [],
        "alternations": {},
        "slots": [{"label": "M1", "start": "08:00", "end": "08:55"}],
    }
)


def plan(changes: dict[date, OccurrenceChange] | None = None, *, exceptional: bool = False) -> LessonPlan:
    """Maths for 3A, every Tuesday at 08:00 in room 101 with Mme Curie."""
    return LessonPlan(
        id=LESSON,
        kind=LessonKind.LESSON,
        subject_code="MATHS",
        subject_label="Mathématiques",
        class_code="3A",
        group_code=None,
        alternation="H",
        week_dates=frozenset(),
        exceptional=exceptional,
        patterns=(Pattern(None, 2, time(8), 55, "101", (MARIE,)),),
        changes=changes or {},
    )


def events(occurrences: list[Occurrence], name: str = "3A") -> list[Component]:
    feed = occurrences_to_ical(occurrences, calendar_name=name, names=NAMES, uid_domain="cartable.example", stamp=STAMP)
    calendar = Calendar.from_ical(feed)
    assert str(calendar["X-WR-CALNAME"]) == name
    assert str(calendar["VERSION"]) == "2.0"
    return list(calendar.walk("VEVENT"))


def test_each_occurrence_is_an_event_with_a_stable_uid_at_its_utc_time() -> None:
    found = plan().occurrences(DAYS, date(2026, 9, 14), date(2026, 11, 28))
    parsed = events(found)

    assert len(parsed) == len(found) == 11
    winter = next(e for e in parsed if e.decoded("DTSTART").date() == date(2026, 11, 24))
    assert str(winter["UID"]) == f"{LESSON}-2026-11-24@cartable.example"
    assert winter.decoded("DTSTART") == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # Paris 08:00 in winter
    assert winter.decoded("DTEND") == datetime(2026, 11, 24, 7, 55, tzinfo=UTC)
    summer = parsed[0]
    assert summer.decoded("DTSTART") == datetime(2026, 9, 15, 6, 0, tzinfo=UTC)  # Paris 08:00 in summer time
    assert (str(summer["SUMMARY"]), str(summer["LOCATION"]), str(summer["STATUS"])) == (
        "Mathématiques",
        "101",
        "CONFIRMED",
    )
    assert str(summer["DESCRIPTION"]) == "Classe : 3A\nProfesseur : Mme Curie"
    assert summer.decoded("DTSTAMP") == STAMP
    assert len({str(e["UID"]) for e in parsed}) == len(parsed)


def test_a_cancelled_occurrence_keeps_its_uid_and_says_so() -> None:
    on = date(2026, 9, 15)
    cancelled = OccurrenceChange(on=on, cancelled=True, reason="Sortie scolaire")
    (occurrence,) = plan({on: cancelled}).occurrences(DAYS, on, on)
    (event,) = events([occurrence])

    assert str(event["UID"]) == occurrence_uid(occurrence, "cartable.example")
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Mathématiques (annulé)"
    assert "Motif : Sortie scolaire" in str(event["DESCRIPTION"])


def test_a_moved_occurrence_with_a_substitute_is_on_its_new_day() -> None:
    on, moved_to = date(2026, 9, 15), date(2026, 9, 17)
    change = OccurrenceChange(on=on, room="201", teacher_ids=(ANNE,), moved_to=moved_to, start=time(14))
    (occurrence,) = plan({on: change}).occurrences(DAYS, moved_to, moved_to)
    (event,) = events([occurrence])

    assert str(event["UID"]) == f"{LESSON}-2026-09-15@cartable.example"  # the day it was planned on
    assert event.decoded("DTSTART") == datetime(2026, 9, 17, 12, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Mathématiques (déplacé)"
    assert str(event["LOCATION"]) == "201"
    description = str(event["DESCRIPTION"])
    assert "Remplacement : Mme Petit" in description
    assert "Changement de salle" in description
    assert "prévu le 15/09/2026" in description


def test_an_exceptional_lesson_is_marked() -> None:
    (occurrence,) = plan(exceptional=True).occurrences(DAYS, date(2026, 9, 15), date(2026, 9, 15))
    (event,) = events([occurrence])
    assert "Cours exceptionnel" in str(event["DESCRIPTION"])


def test_an_empty_timetable_is_a_valid_empty_calendar() -> None:
    assert events([], name="Salle 101") == []


@pytest.mark.parametrize("domain", ["", "a b", "x@y"])
def test_a_uid_domain_must_be_a_domain(domain: str) -> None:
    with pytest.raises(ValueError, match="uid_domain"):
        occurrences_to_ical([], calendar_name="3A", names=NAMES, uid_domain=domain)
