"""Timetable occurrences as an iCalendar feed (RFC 5545), for families' and teachers' own calendars.

A calendar application subscribed to the feed reloads it and matches events by UID: each occurrence
keeps its UID (the lesson and the date it was planned on) through cancellations and moves, so a
moved lesson moves in the phone's calendar instead of showing twice. Times are written in UTC,
which every client reads without a time zone definition; the text is French, as families read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from uuid import UUID

from icalendar import Calendar, Event

from domain.timetable import LessonKind, Occurrence, OccurrenceStatus

PRODID = "-//Cartable//Emploi du temps//FR"
_KIND_LABELS = {LessonKind.LESSON: "Cours", LessonKind.PERMANENCE: "Permanence", LessonKind.CDI: "CDI"}


def occurrences_to_ical(
    occurrences: Iterable[Occurrence],
    *,
    calendar_name: str,
    names: Mapping[UUID, str],
    uid_domain: str,
    stamp: datetime | None = None,
) -> bytes:
    """One VEVENT per occurrence, cancelled ones included (STATUS:CANCELLED), so clients remove them.

    ``names`` gives the teachers' display names; ``uid_domain`` the domain that makes UIDs unique
    worldwide (the service's host). ``stamp`` is when the feed was made (DTSTAMP), now by default.
    """
    if not uid_domain or any(c.isspace() or c == "@" for c in uid_domain):
        raise ValueError(f"uid_domain: {uid_domain!r} is not a domain name")
    made = (stamp or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    for occurrence in occurrences:
        calendar.add_component(_event(occurrence, names, uid_domain, made))
    ical: bytes = calendar.to_ical()
    return ical


def occurrence_uid(occurrence: Occurrence, uid_domain: str) -> str:
    """The UID of an occurrence: the same whatever happens to it, as long as the lesson is planned that day."""
    return f"{occurrence.lesson_id}-{occurrence.on.isoformat()}@{uid_domain}"


def _event(occurrence: Occurrence, names: Mapping[UUID, str], uid_domain: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", occurrence_uid(occurrence, uid_domain))
    event.add("dtstamp", stamp)
    event.add("dtstart", occurrence.starts_at)
    event.add("dtend", occurrence.ends_at)
    event.add("summary", _summary(occurrence))
    cancelled = occurrence.status is OccurrenceStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if occurrence.room is not None:
        event.add("location", occurrence.room)
    description = _description(occurrence, names)
    if description:
        event.add("description", description)
    return event


def _summary(occurrence: Occurrence) -> str:
    title = occurrence.subject_label or occurrence.subject_code or _KIND_LABELS[occurrence.kind]
    if occurrence.status is OccurrenceStatus.CANCELLED:
        return f"{title} (annulé)"
    if occurrence.status is OccurrenceStatus.MOVED:
        return f"{title} (déplacé)"
    return title


def _description(occurrence: Occurrence, names: Mapping[UUID, str]) -> str:
    """What a family wants to know beyond the title: who teaches, and what is unusual about this week."""
    lines = []
    if occurrence.class_code is not None:
        lines.append(f"Classe : {occurrence.class_code}")
    if occurrence.group_code is not None:
        lines.append(f"Groupe : {occurrence.group_code}")
    teachers = [names[t] for t in occurrence.teacher_ids if t in names]
    if teachers:
        label = "Remplacement" if occurrence.substitute else "Professeur" if len(teachers) == 1 else "Professeurs"
        lines.append(f"{label} : {', '.join(teachers)}")
    if occurrence.status is OccurrenceStatus.EXCEPTIONAL:
        lines.append("Cours exceptionnel")
    if occurrence.status is OccurrenceStatus.CANCELLED:
        lines.append("Cours annulé")
    if occurrence.status is OccurrenceStatus.MOVED:
        lines.append(f"Cours déplacé (prévu le {occurrence.on.strftime('%d/%m/%Y')})")
    if occurrence.room_changed:
        lines.append("Changement de salle")
    if occurrence.reason:
        lines.append(f"Motif : {occurrence.reason}")
    return "\n".join(lines)
