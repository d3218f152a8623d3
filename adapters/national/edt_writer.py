"""Writing the timetable software's upward file ``emp_sts_<UAI>_<year>.xml``: the inverse of :mod:`.edt`.

Used by round-trip tests, benchmarks and end-to-end tests (the demo's timetable as a real file), so the
same arguments always give the same bytes. The file is what EDT and UDT write for STS-WEB: root
``EDT_STS``; ``PARAMETRES`` with the school's UAI as the text of ``UAJ`` (as real files state it) and
``ANNEE_SCOLAIRE@ANNEE``; the ``ALTERNANCES`` and their weeks; then under ``DONNEES/STRUCTURE`` each
class (``DIVISION``) or group (``GROUPE``), its services (``SERVICE@CODE_MATIERE``, course mode CG),
each service's teachers (``ENSEIGNANT@ID``, TYPE epp) and their ``COURS``: alternation, day (1 is
Monday), start and duration as ``hhmm``, room. UTF-8 with its prolog.

Classes, services and teachers come in the order of their first lesson, and the lessons under them in
the order given: reading the file back gives the lessons grouped that way (:func:`write_edt` groups
them, it does not sort them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from lxml import etree

from application.demo_timetable import ALTERNATION_LABELS, DemoLesson

PROLOG = b'<?xml version="1.0" encoding="UTF-8"?>\n'
COURSE_MODE = "CG"  # cours général, what the reader takes for a service without CODE_MOD_COURS
TEACHER_TYPE = "epp"  # an STS-WEB id (a national one), not a "local" one
_MAX_MINUTES = 100 * 60 - 1  # DUREE has two digits of hours

Element = etree._Element
# class or group code → subject → teacher's STS id → lessons, each level in order of first appearance
_Grouped = dict[str, dict[str, dict[str, list[DemoLesson]]]]


def write_edt(uai: str, year: int, alternations: Mapping[str, Sequence[date]], lessons: Sequence[DemoLesson]) -> bytes:
    """The ``emp_sts`` file of ``lessons`` and of the weeks of their ``alternations`` (code → Mondays).

    A lesson must name a class or a group (not both), an alternation of ``alternations``, a day from 1
    (Monday) to 6 and a duration of one minute to 99 h 59: anything else is a ``ValueError`` naming it.
    """
    divisions: _Grouped = {}
    groups: _Grouped = {}
    for index, lesson in enumerate(lessons):
        _check(index, lesson, alternations)
        owners, code = (divisions, lesson.class_code) if lesson.class_code is not None else (groups, lesson.group_code)
        services = owners.setdefault(code or "", {})
        services.setdefault(lesson.subject_code, {}).setdefault(lesson.teacher_sts_id, []).append(lesson)
    root = etree.Element("EDT_STS")
    parameters = etree.SubElement(root, "PARAMETRES")
    etree.SubElement(parameters, "UAJ").text = uai
    etree.SubElement(parameters, "ANNEE_SCOLAIRE", ANNEE=str(year))
    container = etree.SubElement(root, "ALTERNANCES")
    for code, weeks in alternations.items():
        _alternation(etree.SubElement(container, "ALTERNANCE", CODE=code), code, weeks)
    structure = etree.SubElement(etree.SubElement(root, "DONNEES"), "STRUCTURE")
    for tag, grouped in (("DIVISION", divisions), ("GROUPE", groups)):
        if grouped:
            container = etree.SubElement(structure, f"{tag}S")
            for code, services in grouped.items():
                _owner(etree.SubElement(container, tag, CODE=code), services)
    etree.indent(root, space="  ")
    return PROLOG + etree.tostring(root, encoding="UTF-8", xml_declaration=False) + b"\n"


def _check(index: int, lesson: DemoLesson, alternations: Mapping[str, Sequence[date]]) -> None:
    """Refuse what the file cannot say, or what would not read back as given."""
    where = f"lessons[{index}]"
    if (lesson.class_code is None) == (lesson.group_code is None):
        owners = f"class_code {lesson.class_code!r}, group_code {lesson.group_code!r}"
        raise ValueError(f"{where}: a lesson is for one class or one group, not {owners}")
    if lesson.alternation not in alternations:
        known = ", ".join(alternations) or "none"
        raise ValueError(f"{where}: alternation {lesson.alternation!r} is not one of the file's ({known})")
    if not 1 <= lesson.weekday <= 6:
        raise ValueError(f"{where}: weekday {lesson.weekday!r} is not a day from 1 (Monday) to 6 (Saturday)")
    if not 1 <= lesson.duration <= _MAX_MINUTES:
        raise ValueError(f"{where}: duration {lesson.duration!r} is not from 1 to {_MAX_MINUTES} minutes")


def _alternation(element: Element, code: str, weeks: Sequence[date]) -> None:
    label = ALTERNATION_LABELS.get(code, code)
    etree.SubElement(element, "LIBELLE_COURT").text = code
    etree.SubElement(element, "LIBELLE_LONG").text = label
    etree.SubElement(element, "LIBELLE_EDITION").text = label
    container = etree.SubElement(element, "SEMAINES")
    for monday in weeks:
        etree.SubElement(container, "DATE_DEBUT_SEMAINE").text = monday.isoformat()


def _owner(element: Element, services: dict[str, dict[str, list[DemoLesson]]]) -> None:
    """A class's or group's services, each with its teachers and their lessons."""
    container = etree.SubElement(element, "SERVICES")
    for subject, teachers in services.items():
        service = etree.SubElement(container, "SERVICE", CODE_MATIERE=subject, CODE_MOD_COURS=COURSE_MODE)
        listed = etree.SubElement(service, "ENSEIGNANTS")
        for teacher_id, lessons in teachers.items():
            teacher = etree.SubElement(listed, "ENSEIGNANT", ID=teacher_id, TYPE=TEACHER_TYPE)
            attached = etree.SubElement(teacher, "COURS_RATTACHES")
            for lesson in lessons:
                _lesson(etree.SubElement(attached, "COURS"), lesson)


def _lesson(element: Element, lesson: DemoLesson) -> None:
    etree.SubElement(element, "CODE_ALTERNANCE").text = lesson.alternation
    etree.SubElement(element, "JOUR").text = str(lesson.weekday)
    etree.SubElement(element, "HEURE_DEBUT").text = _hhmm(lesson.start.hour, lesson.start.minute)
    etree.SubElement(element, "DUREE").text = _hhmm(*divmod(lesson.duration, 60))
    if lesson.room is not None:
        etree.SubElement(element, "CODE_SALLE").text = lesson.room


def _hhmm(hours: int, minutes: int) -> str:
    """``0800``: hours and minutes on two digits each, as EDT and UDT write times and durations."""
    return f"{hours:02d}{minutes:02d}"
