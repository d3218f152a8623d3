"""The timetable software's upward file ``emp_sts_<UAI>_<year>.xml`` (root ``EDT_STS``): alternations and lessons.

EDT or UDT writes it for STS-WEB. It holds the week alternations (H every week, A and B fortnights…) and,
under each class or group, each service and each of its teachers, the weekly lessons (``COURS``). Its name
is an anagram of the STS-WEB export ``sts_emp`` (root ``STS_EDT``): that file is refused here with the
mix-up explained, as the sts reader refuses this one.

What cannot become a record goes to ``unreadable`` with its reason, as in sts.py: an element without its
identifying attribute (``ALTERNANCE@CODE``, ``DIVISION``/``GROUPE@CODE``, ``SERVICE@CODE_MATIERE``,
``ENSEIGNANT@ID``) with everything under it, and an alternation with a week that is not a Monday (its week
list has no way to say "unreadable"). A lesson's own values (``JOUR``, ``HEURE_DEBUT``, ``DUREE``) missing
or unreadable are None in its :class:`LessonEntry`: the import rejects that lesson and names the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time

from lxml import etree

from adapters.national.files import parse_date, records_under, root_tag, sha256, text, unzip_if_needed
from adapters.national.sts import DEFAULT_COURSE_MODE, attribute, line_of, own_text
from adapters.national.sts import ROOT as STS_ROOT
from application.imports.records import AlternationEntry, FileHeader, FileRefused, LessonEntry, Origin, ParsedFile

ROOT = "EDT_STS"
EVERY_WEEK = "H"  # the alternation of a COURS without CODE_ALTERNANCE

# Each record element and the parent it must have: the same names elsewhere are not records.
_RECORDS = {"PARAMETRES": ROOT, "ALTERNANCE": "ALTERNANCES", "DIVISION": "DIVISIONS", "GROUPE": "GROUPES"}
# The fallback for files without PARAMETRES (the corpus sample): emp_sts_<UAI>_<year>.xml, zipped or not.
_FILE_NAME = re.compile(r"emp_sts_(?P<uai>[0-9]{7}[A-Z])_(?P<year>[0-9]{4})", re.IGNORECASE)
_HHMM = re.compile(r"(?P<hours>[0-9]{1,2}):?(?P<minutes>[0-9]{2})")  # "0800", as EDT and UDT write
_ROOM_TAGS = ("CODE_SALLE", "SALLE_COURS", "SALLE")  # the schema's; GEPI's room elements (text or @CODE)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Element = etree._Element


def read_edt(name: str, data: bytes) -> ParsedFile:
    """Read one ``emp_sts`` file, bare or zipped, into alternations and lessons; refuse it whole if it is not one."""
    xml = unzip_if_needed(name, data)
    _check_root(name, xml)
    reading = _Reading(name)
    for element in records_under(name, xml, _RECORDS):
        reading.take(element)
    return reading.finish(sha256(data))


def _check_root(name: str, xml: bytes) -> None:
    """Refuse any other file, explaining the ``sts_emp`` mix-up since the two names differ only by order."""
    tag = root_tag(name, xml)
    if tag == STS_ROOT:
        message = (
            f"{name}: this is the STS-WEB export sts_emp ({STS_ROOT}), not a timetable file: import it as sts; "
            f"a timetable import takes emp_sts_<UAI>_<year>.xml ({ROOT}), written by the timetable software"
        )
        raise FileRefused(message, field="file")
    if tag != ROOT:
        raise FileRefused(f"{name}: the root element is {tag}, not {ROOT}: not an emp_sts timetable file", field="file")


@dataclass
class _Reading:
    """What has been read of one file so far; :meth:`finish` turns it into a :class:`ParsedFile`."""

    name: str
    uai: str | None = None
    year: int | None = None
    alternations: list[AlternationEntry] = field(default_factory=list)
    lessons: list[LessonEntry] = field(default_factory=list)
    unreadable: list[tuple[Origin, str]] = field(default_factory=list)
    alternation_lines: dict[str, int | None] = field(default_factory=dict)

    def take(self, element: Element) -> None:
        if element.tag == "PARAMETRES":
            self._parameters(element)
        elif element.tag == "ALTERNANCE":
            self._alternation(element)
        else:
            self._owner(element)

    def finish(self, digest: str) -> ParsedFile:
        """The records, the school and year stated by PARAMETRES or else by the file's name."""
        named = _FILE_NAME.search(self.name)
        uai = self.uai or (named["uai"] if named else None)
        year = self.year or (int(named["year"]) if named else None)
        return ParsedFile(
            header=FileHeader(kind="edt-sts", uai=uai, year=year, sha256=digest, name=self.name),
            alternations=self.alternations,
            lessons=self.lessons,
            unreadable=self.unreadable,
        )

    def _origin(self, element: Element, label: str) -> Origin:
        return Origin(file=self.name, line=line_of(element), label=label)

    def _parameters(self, element: Element) -> None:
        """The school as real files state it (``UAJ`` text), or as sts_emp does (``UAJ@CODE``)."""
        uaj = element.find("UAJ")
        self.uai = (own_text(uaj) or attribute(uaj, "CODE")) if uaj is not None else None
        year = element.find("ANNEE_SCOLAIRE")
        value = attribute(year, "ANNEE") if year is not None else None
        self.year = int(value) if value is not None and value.isdigit() else None

    def _alternation(self, element: Element) -> None:
        code = attribute(element, "CODE")
        origin = self._origin(element, f"ALTERNANCE {code or ''}".strip())
        if code is None:
            self.unreadable.append((origin, "ALTERNANCE without CODE"))
            return
        if code in self.alternation_lines:
            first = self.alternation_lines[code]
            reason = f"ALTERNANCE {code} appears twice (first at line {first}); this one is ignored"
            self.unreadable.append((origin, reason))
            return
        self.alternation_lines[code] = origin.line
        weeks = self._weeks(element, origin)
        if weeks is not None:
            label = text(element, "LIBELLE_LONG") or text(element, "LIBELLE_COURT")
            self.alternations.append(AlternationEntry(origin=origin, code=code, label=label, weeks=weeks))

    def _weeks(self, element: Element, origin: Origin) -> tuple[date, ...] | None:
        """The Mondays of an alternation's weeks; None, and the first wrong one reported, if one is not a Monday."""
        weeks = []
        for week in element.iterfind("SEMAINES/DATE_DEBUT_SEMAINE"):
            value = own_text(week)
            monday = parse_date(value)
            if monday is None or monday.weekday() != 0:
                what = "not a date" if monday is None else f"a {_DAY_NAMES[monday.weekday()]}"
                reason = (
                    f"DATE_DEBUT_SEMAINE {value or '(empty)'} at line {line_of(week)} is {what}, "
                    "not the Monday of a week: the alternation is ignored"
                )
                self.unreadable.append((origin, reason))
                return None
            weeks.append(monday)
        return tuple(weeks)

    def _owner(self, element: Element) -> None:
        """A class or a group, and the lessons of its services' teachers."""
        code = attribute(element, "CODE")
        owner = f"{element.tag} {code or ''}".strip()
        if code is None:
            self.unreadable.append((self._origin(element, owner), f"{element.tag} without CODE"))
            return
        is_class = element.tag == "DIVISION"
        for service in element.iterfind("SERVICES/SERVICE"):
            subject = attribute(service, "CODE_MATIERE")
            if subject is None:
                self.unreadable.append((self._origin(service, f"SERVICE {owner}"), "SERVICE without CODE_MATIERE"))
                continue
            shared = _Service(
                subject_code=subject,
                course_mode=attribute(service, "CODE_MOD_COURS") or DEFAULT_COURSE_MODE,
                class_code=code if is_class else None,
                group_code=None if is_class else code,
            )
            for teacher in service.iterfind("ENSEIGNANTS/ENSEIGNANT"):
                self._teacher(teacher, f"{owner} {subject}", shared)

    def _teacher(self, element: Element, where: str, service: _Service) -> None:
        teacher_id = attribute(element, "ID")
        label = f"{where} ENSEIGNANT {teacher_id or ''}".strip()
        if teacher_id is None:
            self.unreadable.append((self._origin(element, label), "ENSEIGNANT without ID: its COURS are not read"))
            return
        for lesson in element.iterfind("COURS_RATTACHES/COURS"):
            self.lessons.append(service.lesson(self._origin(lesson, label), teacher_id, lesson))


@dataclass(frozen=True)
class _Service:
    """What every lesson of a service shares: its subject, its course mode, its class or its group."""

    subject_code: str
    course_mode: str
    class_code: str | None
    group_code: str | None

    def lesson(self, origin: Origin, teacher_id: str, element: Element) -> LessonEntry:
        return LessonEntry(
            origin=origin,
            subject_code=self.subject_code,
            subject_label=None,  # labels are in the STS nomenclature, not in this file
            class_code=self.class_code,
            group_code=self.group_code,
            teachers=(teacher_id,),
            weekday=_weekday(text(element, "JOUR")),
            start=_start(text(element, "HEURE_DEBUT")),
            duration=_duration(text(element, "DUREE")),
            alternation=text(element, "CODE_ALTERNANCE") or EVERY_WEEK,
            room=_room(element),
            course_mode=self.course_mode,
        )


def _weekday(value: str | None) -> int | None:
    """``JOUR``: 1 (Monday) to 6 (Saturday); None for anything else, a Sunday included."""
    return int(value) if value is not None and value.isdigit() and 1 <= int(value) <= 6 else None


def _start(value: str | None) -> time | None:
    """``HEURE_DEBUT`` ``"0800"`` → 08:00; None when it is no time of day."""
    parts = _hours_minutes(value)
    return time(*parts) if parts is not None and parts[0] < 24 else None


def _duration(value: str | None) -> int | None:
    """``DUREE`` ``"0130"`` (hours and minutes) → 90 minutes; None when unreadable or zero."""
    parts = _hours_minutes(value)
    minutes = parts[0] * 60 + parts[1] if parts is not None else 0
    return minutes or None


def _hours_minutes(value: str | None) -> tuple[int, int] | None:
    found = _HHMM.fullmatch(value) if value is not None else None
    if found is None or int(found["minutes"]) >= 60:
        return None
    return int(found["hours"]), int(found["minutes"])


def _room(element: Element) -> str | None:
    """The lesson's room: the schema's ``CODE_SALLE``, else a GEPI-style ``SALLE_COURS`` or ``SALLE``."""
    for tag in _ROOM_TAGS:
        found = element.find(tag)
        value = (own_text(found) or attribute(found, "CODE")) if found is not None else None
        if value is not None:
            return value
    return None
