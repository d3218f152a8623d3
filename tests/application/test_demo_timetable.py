"""The demo's timetable: a believable week for every class, nobody in two places at once, loaded by the import."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import pytest

from adapters.national.edt import read_edt
from application.base import SchoolYearBase
from application.demo import install_demo, load_demo, timetable_file
from application.demo_people import DemoSchool, generate_school
from application.demo_timetable import (
    BLOCK_MINUTES,
    LESSON_MINUTES,
    MAX_SERVICE,
    SLOT_STARTS,
    SUBJECTS,
    DemoLesson,
    demo_timetable,
    is_contract,
    school_weeks,
    sts_ids,
    with_contract_teachers,
)
from application.registry import Bases
from projections.directory_index import read_index
from projections.timetables import Timetables
from tests.conftest import YEAR
from tests.corpus import CORPUS

UAI = "0750655E"
Timetable = tuple[dict[str, list[date]], list[DemoLesson]]


@pytest.fixture(scope="module", params=[60, 500, 1200], ids=["small-college", "college", "lycee"])
def school(request: pytest.FixtureRequest) -> DemoSchool:
    return with_contract_teachers(generate_school(UAI, YEAR, request.param))


@pytest.fixture(scope="module")
def timetable(school: DemoSchool) -> Timetable:
    return demo_timetable(school, YEAR)


def slots(lesson: DemoLesson) -> int:
    return lesson.duration // LESSON_MINUTES


def minutes(lesson: DemoLesson) -> int:
    return lesson.start.hour * 60 + lesson.start.minute


def overlapping(lessons: Iterable[DemoLesson], weeks: dict[str, list[date]]) -> list[tuple[DemoLesson, DemoLesson]]:
    """Pairs of lessons on the same day whose times overlap in a week they share."""
    found = []
    by_day: defaultdict[int, list[DemoLesson]] = defaultdict(list)
    for lesson in lessons:
        by_day[lesson.weekday].append(lesson)
    for day in by_day.values():
        for index, first in enumerate(day):
            for second in day[index + 1 :]:
                a, b = (minutes(lesson) for lesson in (first, second))
                times_meet = a < b + second.duration and b < a + first.duration
                if times_meet and set(weeks[first.alternation]) & set(weeks[second.alternation]):
                    found.append((first, second))
    return found


# -- the week ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "class", "room"])
def test_no_one_and_no_room_is_in_two_places_at_once(timetable: Timetable, who: str) -> None:
    weeks, lessons = timetable
    key: Callable[[DemoLesson], object] = {
        "teacher": lambda lesson: lesson.teacher_sts_id,
        "class": lambda lesson: lesson.class_code,
        "room": lambda lesson: lesson.room,
    }[who]
    by_key: defaultdict[object, list[DemoLesson]] = defaultdict(list)
    for lesson in lessons:
        by_key[key(lesson)].append(lesson)

    assert [pair for group in by_key.values() for pair in overlapping(group, weeks)] == []


def test_every_class_has_25_to_28_hours_in_a_and_in_b_weeks(school: DemoSchool, timetable: Timetable) -> None:
    _, lessons = timetable
    hours: defaultdict[tuple[str | None, str], int] = defaultdict(int)
    for lesson in lessons:
        for week in ("A", "B"):
            if lesson.alternation in ("H", week):
                hours[(lesson.class_code, week)] += slots(lesson)

    assert {key: count for key, count in hours.items() if not 25 <= count <= 28} == {}
    assert {class_code for class_code, _ in hours} == {c.code for c in school.classes}


def test_every_class_has_a_lesson_in_a_weeks_and_one_in_b_weeks(school: DemoSchool, timetable: Timetable) -> None:
    _, lessons = timetable
    fortnights = {(lesson.class_code, lesson.alternation) for lesson in lessons if lesson.alternation != "H"}

    assert fortnights == {(c.code, week) for c in school.classes for week in ("A", "B")}


def test_lessons_fill_the_school_slots_monday_to_friday_and_wednesday_morning(timetable: Timetable) -> None:
    _, lessons = timetable

    assert {lesson.weekday for lesson in lessons} == {1, 2, 3, 4, 5}
    assert {lesson.start for lesson in lessons} <= set(SLOT_STARTS)
    assert {lesson.duration for lesson in lessons} == {LESSON_MINUTES, BLOCK_MINUTES}
    assert max(lesson.start for lesson in lessons if lesson.weekday == 3) < SLOT_STARTS[4]
    # A two-hour block starts a half-day's first slot or its third, and stays within the half-day.
    assert {lesson.start for lesson in lessons if lesson.duration == BLOCK_MINUTES} <= set(SLOT_STARTS[::2])


def test_each_lesson_is_taught_by_a_teacher_of_its_discipline(school: DemoSchool, timetable: Timetable) -> None:
    _, lessons = timetable
    ids = sts_ids(school)
    disciplines = {ids[teacher.key]: teacher.discipline for teacher in school.teachers}
    allowed = {subject.code: subject.disciplines for subject in SUBJECTS.values()}

    wrong = [lesson for lesson in lessons if disciplines[lesson.teacher_sts_id] not in allowed[lesson.subject_code]]

    assert wrong == []


def test_a_class_has_one_teacher_per_subject_and_teachers_keep_to_a_service(timetable: Timetable) -> None:
    _, lessons = timetable
    teachers = defaultdict(set)
    service: Counter[str] = Counter()
    for lesson in lessons:
        teachers[(lesson.class_code, lesson.subject_code)].add(lesson.teacher_sts_id)
        service[lesson.teacher_sts_id] += slots(lesson)

    assert {key: ids for key, ids in teachers.items() if len(ids) > 1} == {}
    assert max(service.values()) <= MAX_SERVICE


def test_a_subject_is_taught_at_most_once_a_day_in_most_classes(timetable: Timetable) -> None:
    _, lessons = timetable
    per_day = Counter((lesson.class_code, lesson.weekday, lesson.subject_code) for lesson in lessons)

    assert sum(count > 1 for count in per_day.values()) <= len(per_day) // 20


def test_the_same_school_always_gets_the_same_timetable(school: DemoSchool, timetable: Timetable) -> None:
    again = with_contract_teachers(generate_school(school.uai, school.year, len(school.students)))

    assert demo_timetable(again, YEAR) == timetable


def test_a_lycee_of_1200_students_gets_its_timetable_well_under_a_second() -> None:
    started = time.perf_counter()

    demo_timetable(with_contract_teachers(generate_school(UAI, YEAR, 1200)), YEAR)

    assert time.perf_counter() - started < 0.5


# -- teachers ---------------------------------------------------------------------------------------


def test_contract_teachers_are_hired_for_the_disciplines_a_small_school_lacks() -> None:
    school = generate_school(UAI, YEAR, 60)

    staffed = with_contract_teachers(school)

    hired = staffed.teachers[len(school.teachers) :]
    assert staffed.teachers[: len(school.teachers)] == school.teachers
    assert {t.discipline for t in hired} >= {"Technologie", "Arts plastiques", "Éducation musicale"}
    assert [t.key for t in hired] == [f"contract-{n:04d}" for n in range(1, len(hired) + 1)]
    assert all(map(is_contract, hired)) and not any(map(is_contract, school.teachers))
    emails = [t.email for t in staffed.teachers] + [g.email for g in school.guardians] + [s.email for s in school.staff]
    assert len(set(emails)) == len(emails)


@pytest.mark.parametrize("students", [60, 425, 1200])
def test_a_school_with_its_contract_teachers_needs_no_more(students: int) -> None:
    staffed = with_contract_teachers(generate_school(UAI, YEAR, students))

    assert with_contract_teachers(staffed) == staffed


def test_without_contract_teachers_the_hours_nobody_can_teach_stay_vacant() -> None:
    school = generate_school(UAI, YEAR, 60)
    weeks, lessons = demo_timetable(school, YEAR)

    taught = {lesson.subject_code for lesson in lessons}
    assert SUBJECTS["FR"].code in taught
    assert SUBJECTS["TEC"].code not in taught
    assert overlapping([lesson for lesson in lessons if lesson.teacher_sts_id == "8001"], weeks) == []


def test_teachers_get_sts_ids_in_teacher_order() -> None:
    school = generate_school(UAI, YEAR, 60)

    ids = sts_ids(school)

    assert list(ids.values()) == [str(8001 + n) for n in range(len(school.teachers))]


# -- the weeks --------------------------------------------------------------------------------------


def test_the_weeks_of_2026_are_those_of_the_corpus_sample() -> None:
    sample = read_edt("sample.xml", (CORPUS / "edt" / "emp_sts_0750001A_2026.xml").read_bytes())

    assert school_weeks(2026) == {a.code: list(a.weeks) for a in sample.alternations}


@pytest.mark.parametrize("year", range(2020, 2031))
def test_a_and_b_weeks_alternate_over_school_weeks_without_the_holidays(year: int) -> None:
    weeks = school_weeks(year)
    every = weeks["H"]

    assert 35 <= len(every) <= 37
    assert all(monday.weekday() == 0 for monday in every)
    assert every[0] <= date(year, 9, 1) < every[0] + timedelta(weeks=1)
    assert date(year + 1, 6, 30) - timedelta(weeks=1) < every[-1] <= date(year + 1, 6, 30)
    assert sorted(weeks["A"] + weeks["B"]) == every
    assert weeks["A"][0] == every[0] and weeks["B"][0] == every[1]
    for holiday in (date(year, 11, 1), date(year, 12, 26)):
        assert holiday - timedelta(days=holiday.weekday()) not in every


# -- loaded into a base -----------------------------------------------------------------------------


@pytest.fixture
def demo_base(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> tuple[SchoolYearBase, int]:
    uai = uai_factory()
    installed = install_demo(sqlite_bases, uai=uai, year=YEAR, students=60)
    return sqlite_bases.open(uai, YEAR), installed.report.lessons


def test_the_demo_loads_its_timetable_into_the_timetables(demo_base: tuple[SchoolYearBase, int]) -> None:
    base, lessons = demo_base
    school = with_contract_teachers(generate_school(base.uai, YEAR, 60))
    weeks, planned = demo_timetable(school, YEAR)

    with base.reading() as connection:
        plans = Timetables.all_plans(connection)
        calendar = Timetables.calendar(connection)

    assert lessons == len(planned) == len(plans)
    assert {plan.class_code for plan in plans} == {c.code for c in school.classes}
    assert all(len(plan.patterns[0].teacher_ids) == 1 for plan in plans)
    assert calendar is not None
    assert {code: sorted(days) for code, days in calendar.alternations.items()} == weeks


def test_the_demo_teachers_carry_their_sts_ids(demo_base: tuple[SchoolYearBase, int]) -> None:
    base, _ = demo_base
    school = with_contract_teachers(generate_school(base.uai, YEAR, 60))

    with base.reading() as connection:
        external = read_index(connection).external

    assert {external_id for system, external_id in external if system == "sts"} == set(sts_ids(school).values())


def test_importing_the_demo_timetable_again_changes_nothing(demo_base: tuple[SchoolYearBase, int]) -> None:
    base, _ = demo_base
    weeks, lessons = demo_timetable(with_contract_teachers(generate_school(base.uai, YEAR, 60)), YEAR)

    report = base.import_files("timetable", [timetable_file(base.uai, YEAR, weeks, lessons)])

    assert (report.created, report.updated, report.rejected, report.events) == (0, 0, [], 0)


def test_a_demo_without_timetable_is_the_directory_alone(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> None:
    base, _ = sqlite_bases.create(uai_factory(), YEAR, "Collège de démonstration")

    report = load_demo(base, generate_school(base.uai, YEAR, 60))

    with base.reading() as connection:
        assert Timetables.all_plans(connection) == []
        assert [key for key in read_index(connection).external if key[0] == "sts"] == []
    assert report.lessons == 0
