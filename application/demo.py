"""Load a demo school into a base, through the same use cases as the API.

A demo is only worth showing if it went through the school's rules: every class, student,
guardian, teacher and staff member below is created by the base's use cases, in a bulk unit of
work that saves a few hundred aggregates per transaction (the store's throughput lies there).
Its timetable goes through the timetable import, as the file of a timetable software would: the
records that file gives are built here (the application does not reach the adapters' readers).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.accounts import SUPER_ADMIN_LOGIN, Credentials
from application.base import SchoolYearBase
from application.core import BulkUnit
from application.demo_people import DemoGuardian, DemoSchool, DemoStudent, generate_school
from application.demo_timetable import (
    ALTERNATION_LABELS,
    SUBJECTS,
    DemoLesson,
    demo_timetable,
    sts_ids,
    with_contract_teachers,
)
from application.directory import ChildLink
from application.errors import NotFound
from application.imports.records import AlternationEntry, FileHeader, LessonEntry, Origin, ParsedFile
from application.registry import Bases
from domain.errors import RuleViolated
from domain.espaces import FAMILY_ESPACES
from domain.external_ids import ExternalSystem
from domain.school import PublicPage, School
from domain.teacher import Teacher

BULK_SIZE = 500


@dataclass(frozen=True)
class DemoReport:
    """What a demo load wrote, and how fast: ``seconds`` includes the read models' catch-up.

    ``append_seconds`` is the bulk load's appending, plus the whole timetable import when there is one
    (an import reads as it writes: the rate it gives is the lower for it, never flattered).
    """

    uai: str
    year: int
    students: int
    events: int
    append_seconds: float
    seconds: float
    lessons: int = 0  # the weekly lessons of its timetable (none without one)

    @property
    def append_rate(self) -> float:
        """Events appended per second, the store's side alone (the target is 10,000 on SQLite)."""
        return self.events / self.append_seconds if self.append_seconds > 0 else 0.0

    @property
    def rate(self) -> float:
        """Events per second from start to finish, read models caught up included."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class InstalledDemo:
    """A loaded demo and the super-administrator's fresh one-time password."""

    report: DemoReport
    credentials: Credentials


def school_name(school: DemoSchool) -> str:
    """A collège has 6e to 3e, a lycée 2nde to Tle; the name says which, as real ones do."""
    kind = "Collège" if any(c.level == "6E" for c in school.classes) else "Lycée"
    return f"{kind} de démonstration"


def has_people(base: SchoolYearBase) -> bool:
    """Whether the base's directory holds anyone, once it has caught up with the log."""
    base.catch_up()
    with base.reading() as connection:
        return base.directory.count_people(connection) > 0


def load_demo(base: SchoolYearBase, school: DemoSchool, *, timetable: bool = False) -> DemoReport:
    """Fill an empty base with ``school``; a base that already has people is refused, untouched.

    With ``timetable``, the teachers get STS-WEB ids and the school its week of lessons, imported as
    a timetable file (:func:`application.demo_timetable.demo_timetable`); without, the directory alone.
    """
    if has_people(base):
        raise RuleViolated(
            f"base {base.uai} {base.year} already has people; a demo only fills an empty base", field="uai"
        )
    started = time.perf_counter()
    with base.bulk(size=BULK_SIZE) as unit:
        _fill(base, unit, school, sts_ids(school) if timetable else {})
        unit.commit()  # the last batch, so that appending is timed apart from the read models' catch-up
        append_seconds = time.perf_counter() - started
    events, lessons = unit.events, 0
    if timetable:
        imported = time.perf_counter()
        alternations, planned = demo_timetable(school, base.year)
        report = base.import_files("timetable", [timetable_file(base.uai, base.year, alternations, planned)])
        base.catch_up()  # every read model at the head, those the import's events do not concern included
        events += report.events
        lessons = len(planned) - len(report.rejected)
        append_seconds += time.perf_counter() - imported
    return DemoReport(
        uai=base.uai,
        year=base.year,
        students=len(school.students),
        events=events,
        append_seconds=append_seconds,
        seconds=time.perf_counter() - started,
        lessons=lessons,
    )


def install_demo(bases: Bases, *, uai: str, year: int, students: int, name: str | None = None) -> InstalledDemo:
    """Create the base if needed, load the demo and its timetable, and issue the super-administrator's password.

    ``name`` names a school the demo creates (default: a collège or lycée "de démonstration"). On a
    base that exists already (e.g. made by ``school create``), the stored password is never shown: a
    new one-time password is issued, after the load, so that a refused load changes nothing. The
    school's teachers are completed by contract teachers where its timetable needs them.
    """
    school = with_contract_teachers(generate_school(uai, year, students))
    try:
        base = bases.open(uai, year)
    except NotFound:
        base, credentials = bases.create(uai, year, name or school_name(school))
        return InstalledDemo(report=load_demo(base, school, timetable=True), credentials=credentials)
    report = load_demo(base, school, timetable=True)
    credentials = base.execute(lambda unit: base.reset_password(unit, login=SUPER_ADMIN_LOGIN))
    return InstalledDemo(report=report, credentials=credentials)


def already_loaded(bases: Bases, *, uai: str, year: int) -> bool:
    """Whether the base exists and has people: what a demo refuses, and a first-run script skips."""
    try:
        base = bases.open(uai, year)
    except NotFound:
        return False
    return has_people(base)


def _fill(base: SchoolYearBase, unit: BulkUnit, school: DemoSchool, sts: Mapping[str, str]) -> None:
    """Classes first, then each family (its children, then its guardians), then the adults at work.

    Families go together so that a guardian's children are still in the unit of work when the
    guardian is linked to them, instead of being read back from the store. A teacher with an id in
    ``sts`` (by teacher key) gets it recorded, as an STS-WEB import would.
    """
    _open_to_families(base, unit)
    for school_class in school.classes:
        base.open_class(unit, code=school_class.code, label=school_class.label, level=school_class.level)
    students = {student.key: student for student in school.students}
    ids: dict[str, UUID] = {}
    for guardian in school.guardians:
        for key, _, _ in guardian.children:
            if key not in ids:
                ids[key] = _enrol(base, unit, students[key])
        _register_guardian(base, unit, guardian, ids)
    for key, student in students.items():
        if key not in ids:
            ids[key] = _enrol(base, unit, student)
    for teacher in school.teachers:
        teacher_id = base.register_teacher(
            unit,
            last_name=teacher.last_name,
            first_name=teacher.first_name,
            civility=teacher.civility,
            email=teacher.email,
            disciplines=[teacher.discipline],
        )
        if teacher.key in sts:
            unit.get(Teacher, teacher_id, "teacher").record_external_id(ExternalSystem.STS, sts[teacher.key])
    for member in school.staff:
        base.register_staff_member(
            unit,
            last_name=member.last_name,
            first_name=member.first_name,
            function=member.function,
            civility=member.civility,
            email=member.email,
        )


def _open_to_families(base: SchoolYearBase, unit: BulkUnit) -> None:
    """A demo school shows everything: its public page filled in, the families' Espaces published."""
    registered = unit.get(School, School.create_id(base.uai), "school")
    if registered.public_page == PublicPage():
        registered.change_public_page(
            PublicPage(
                address="1 place de la République, 75003 Paris",
                phone="01 44 32 82 00",
                email=f"ce.{base.uai.lower()}@ac-demo.fr",
                information="Établissement de démonstration : les données sont fictives.",
            )
        )
    for espace in sorted(FAMILY_ESPACES):
        if not registered.espaces[espace].published:
            registered.publish(espace)


def _enrol(base: SchoolYearBase, unit: BulkUnit, student: DemoStudent) -> UUID:
    return base.enrol_student(
        unit,
        last_name=student.last_name,
        first_name=student.first_name,
        birth_date=student.birth_date,
        sex=student.sex,
        ine=student.ine,
        class_code=student.class_code,
    )


def _register_guardian(base: SchoolYearBase, unit: BulkUnit, guardian: DemoGuardian, ids: dict[str, UUID]) -> UUID:
    return base.register_guardian(
        unit,
        last_name=guardian.last_name,
        first_name=guardian.first_name,
        civility=guardian.civility,
        email=guardian.email,
        phone=guardian.phone,
        address=guardian.address,
        children=[
            ChildLink(student_id=ids[key], relationship=relationship, legal=legal)
            for key, relationship, legal in guardian.children
        ],
    )


def timetable_file(
    uai: str, year: int, alternations: Mapping[str, Sequence[date]], lessons: Sequence[DemoLesson]
) -> ParsedFile:
    """What the import reads from the ``emp_sts_<UAI>_<year>.xml`` of these lessons, built directly.

    The records :func:`adapters.national.edt.read_edt` gives for the file the EDT writer writes, the
    subjects' labels besides (the file has none; the demo knows them).
    """
    name = f"emp_sts_{uai}_{year}.xml"
    labels = {subject.code: subject.label for subject in SUBJECTS.values()}
    content = repr((uai, year, sorted((code, list(weeks)) for code, weeks in alternations.items()), list(lessons)))
    return ParsedFile(
        header=FileHeader(
            kind="edt-sts", uai=uai, year=year, sha256=hashlib.sha256(content.encode()).hexdigest(), name=name
        ),
        alternations=[
            AlternationEntry(Origin(name, label=f"ALTERNANCE {code}"), code, ALTERNATION_LABELS.get(code), tuple(weeks))
            for code, weeks in alternations.items()
        ],
        lessons=[
            LessonEntry(
                origin=Origin(name, label=f"{_owner(lesson)} {lesson.subject_code} ENSEIGNANT {lesson.teacher_sts_id}"),
                subject_code=lesson.subject_code,
                subject_label=labels.get(lesson.subject_code),
                class_code=lesson.class_code,
                group_code=lesson.group_code,
                teachers=(lesson.teacher_sts_id,),
                weekday=lesson.weekday,
                start=lesson.start,
                duration=lesson.duration,
                alternation=lesson.alternation,
                room=lesson.room,
            )
            for lesson in lessons
        ],
    )


def _owner(lesson: DemoLesson) -> str:
    return f"DIVISION {lesson.class_code}" if lesson.class_code is not None else f"GROUPE {lesson.group_code}"
