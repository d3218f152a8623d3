"""The demo load: a realistic school through the base's own use cases, only into an empty base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select

from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from api.bootstrap import build_bases
from application.base import SchoolYearBase
from application.demo import already_loaded, install_demo, load_demo
from application.demo_people import DemoSchool, generate_school
from application.errors import Unauthenticated
from application.ports import Clock
from application.registry import Bases
from application.sessions import LoginAttempt
from domain.errors import RuleViolated
from domain.espaces import FAMILY_ESPACES
from projections import directory_tables as directory
from tests.conftest import YEAR

STUDENTS = 60


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def count(base: SchoolYearBase, table: Table) -> int:
    with base.reading() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def logs_in(base: SchoolYearBase, login: str, password: str) -> bool:
    try:
        base.log_in(LoginAttempt(login=login, password=password))
    except Unauthenticated:
        return False
    return True


def expected_events(school: DemoSchool) -> int:
    """One creation event per person or class, one per guardian-child link, and the school's opening
    to families: its public page and the three family Espaces published."""
    people = len(school.classes) + len(school.students) + len(school.guardians) + len(school.teachers)
    links = sum(len(guardian.children) for guardian in school.guardians)
    return people + len(school.staff) + links + 1 + len(FAMILY_ESPACES)


@pytest.fixture
def empty_base(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> SchoolYearBase:
    base, _ = sqlite_bases.create(uai_factory(), YEAR, "Collège de démonstration")
    return base


def test_demo_fills_the_directory_with_every_generated_person(empty_base: SchoolYearBase) -> None:
    school = generate_school(empty_base.uai, YEAR, STUDENTS)

    report = load_demo(empty_base, school)

    assert (report.students, report.events) == (STUDENTS, expected_events(school))
    assert count(empty_base, directory.students) == STUDENTS
    assert count(empty_base, directory.guardians) == len(school.guardians)
    assert count(empty_base, directory.teachers) == len(school.teachers)
    assert count(empty_base, directory.staff) == len(school.staff)


def test_demo_opens_the_classes_of_a_college(empty_base: SchoolYearBase) -> None:
    load_demo(empty_base, generate_school(empty_base.uai, YEAR, STUDENTS))

    with empty_base.reading() as connection:
        codes = [item.code for item in empty_base.directory.list_classes(connection)]
    assert codes == ["3A", "4A", "5A", "6A"]


def test_every_demo_student_has_a_legal_guardian(empty_base: SchoolYearBase) -> None:
    load_demo(empty_base, generate_school(empty_base.uai, YEAR, STUDENTS))

    with empty_base.reading() as connection:
        linked = connection.execute(
            select(func.count(func.distinct(directory.guardian_links.c.student_id))).where(
                directory.guardian_links.c.legal.is_(True)
            )
        ).scalar_one()
    assert linked == STUDENTS


def test_demo_is_the_same_school_every_time(
    tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock, uai_factory: Callable[[], str]
) -> None:
    uai = uai_factory()
    students = []
    for run in ("first", "second"):
        registry = build_bases(Settings(data_dir=tmp_path / run, database_url=None), hasher=fast_hasher, clock=clock)
        base, _ = registry.create(uai, YEAR, "Collège de démonstration")
        load_demo(base, generate_school(uai, YEAR, STUDENTS))
        with base.reading() as connection:
            rows = base.directory.list_students(connection)
        students.append([(s.ine, s.last_name, s.first_name, s.birth_date, s.class_code) for s in rows])
        registry.close()
    assert students[0] == students[1]


def test_demo_refuses_a_base_that_has_people_and_writes_nothing(empty_base: SchoolYearBase) -> None:
    school = generate_school(empty_base.uai, YEAR, STUDENTS)
    load_demo(empty_base, school)
    before = head(empty_base)

    with pytest.raises(RuleViolated, match="already has people"):
        load_demo(empty_base, school)

    assert head(empty_base) == before


def test_install_creates_the_base_and_prints_a_password_that_logs_in(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    uai = uai_factory()

    installed = install_demo(sqlite_bases, uai=uai, year=YEAR, students=STUDENTS)

    base = sqlite_bases.open(uai, YEAR)
    assert installed.report.students == STUDENTS
    assert logs_in(base, installed.credentials.login, installed.credentials.password)


def test_install_into_an_empty_base_issues_a_new_password(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> None:
    base, first = sqlite_bases.create(uai_factory(), YEAR, "Collège Jean Moulin")

    installed = install_demo(sqlite_bases, uai=base.uai, year=YEAR, students=STUDENTS)

    assert installed.credentials.password != first.password
    assert logs_in(base, "SPR", installed.credentials.password)
    assert not logs_in(base, "SPR", first.password)


def test_install_refused_keeps_the_password(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> None:
    uai = uai_factory()
    first = install_demo(sqlite_bases, uai=uai, year=YEAR, students=STUDENTS)
    base = sqlite_bases.open(uai, YEAR)
    before = head(base)

    with pytest.raises(RuleViolated):
        install_demo(sqlite_bases, uai=uai, year=YEAR, students=STUDENTS)

    assert head(base) == before
    assert logs_in(base, "SPR", first.credentials.password)


def test_a_demo_is_loaded_only_once_people_are_there(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> None:
    uai = uai_factory()
    assert not already_loaded(sqlite_bases, uai=uai, year=YEAR)
    sqlite_bases.create(uai, YEAR, "Collège Jean Moulin")
    assert not already_loaded(sqlite_bases, uai=uai, year=YEAR)

    install_demo(sqlite_bases, uai=uai, year=YEAR, students=STUDENTS)

    assert already_loaded(sqlite_bases, uai=uai, year=YEAR)
