"""Load a demo school into a base, through the same use cases as the API.

A demo is only worth showing if it went through the school's rules: every class, student,
guardian, teacher and staff member below is created by the base's use cases, in a bulk unit of
work that saves a few hundred aggregates per transaction (the store's throughput lies there).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from uuid import UUID

from application.accounts import SUPER_ADMIN_LOGIN, Credentials
from application.base import SchoolYearBase
from application.core import BulkUnit
from application.demo_people import DemoGuardian, DemoSchool, DemoStudent, generate_school
from application.directory import ChildLink
from application.errors import NotFound
from application.registry import Bases
from domain.errors import RuleViolated
from domain.espaces import FAMILY_ESPACES
from domain.school import PublicPage, School

BULK_SIZE = 500


@dataclass(frozen=True)
class DemoReport:
    """What a demo load wrote, and how fast: ``seconds`` includes the read models' catch-up."""

    uai: str
    year: int
    students: int
    events: int
    append_seconds: float
    seconds: float

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


def load_demo(base: SchoolYearBase, school: DemoSchool) -> DemoReport:
    """Fill an empty base with ``school``; a base that already has people is refused, untouched."""
    if has_people(base):
        raise RuleViolated(
            f"base {base.uai} {base.year} already has people; a demo only fills an empty base", field="uai"
        )
    started = time.perf_counter()
    with base.bulk(size=BULK_SIZE) as unit:
        _fill(base, unit, school)
        unit.commit()  # the last batch, so that appending is timed apart from the read models' catch-up
        appended = time.perf_counter()
    return DemoReport(
        uai=base.uai,
        year=base.year,
        students=len(school.students),
        events=unit.events,
        append_seconds=appended - started,
        seconds=time.perf_counter() - started,
    )


def install_demo(bases: Bases, *, uai: str, year: int, students: int, name: str | None = None) -> InstalledDemo:
    """Create the base if needed, load the demo, and issue the super-administrator's password.

    ``name`` names a school the demo creates (default: a collège or lycée "de démonstration"). On a
    base that exists already (e.g. made by ``school create``), the stored password is never shown: a
    new one-time password is issued, after the load, so that a refused load changes nothing.
    """
    school = generate_school(uai, year, students)
    try:
        base = bases.open(uai, year)
    except NotFound:
        base, credentials = bases.create(uai, year, name or school_name(school))
        return InstalledDemo(report=load_demo(base, school), credentials=credentials)
    report = load_demo(base, school)
    credentials = base.execute(lambda unit: base.reset_password(unit, login=SUPER_ADMIN_LOGIN))
    return InstalledDemo(report=report, credentials=credentials)


def already_loaded(bases: Bases, *, uai: str, year: int) -> bool:
    """Whether the base exists and has people: what a demo refuses, and a first-run script skips."""
    try:
        base = bases.open(uai, year)
    except NotFound:
        return False
    return has_people(base)


def _fill(base: SchoolYearBase, unit: BulkUnit, school: DemoSchool) -> None:
    """Classes first, then each family (its children, then its guardians), then the adults at work.

    Families go together so that a guardian's children are still in the unit of work when the
    guardian is linked to them, instead of being read back from the store.
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
        base.register_teacher(
            unit,
            last_name=teacher.last_name,
            first_name=teacher.first_name,
            civility=teacher.civility,
            email=teacher.email,
            disciplines=[teacher.discipline],
        )
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
