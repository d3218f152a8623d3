"""The demo population must be reproducible and internally consistent, or demos break."""

import re
from collections import Counter

import pytest

from application.demo_people import (
    STAFF_FUNCTIONS,
    DemoSchool,
    ascii_fold,
    generate_school,
)

UAI = "0750655E"
YEAR = 2025
INE = re.compile(r"^[0-9]{10}[A-Z]$")
EMAIL = re.compile(r"^[a-z0-9.-]+@example\.fr$")


@pytest.fixture(scope="module")
def college() -> DemoSchool:
    return generate_school(UAI, YEAR, 500)


@pytest.fixture(scope="module")
def lycee() -> DemoSchool:
    return generate_school(UAI, YEAR, 1200)


def test_same_arguments_give_the_same_school(college: DemoSchool) -> None:
    assert generate_school(UAI, YEAR, 500) == college


def test_other_arguments_give_another_school(college: DemoSchool) -> None:
    assert generate_school(UAI, YEAR + 1, 500).students != college.students


@pytest.mark.parametrize("count", [1, 2, 37, 500, 801])
def test_student_count_is_the_one_asked(count: int) -> None:
    assert len(generate_school(UAI, YEAR, count).students) == count


def test_ines_are_unique_and_shaped_like_ine_rnie(lycee: DemoSchool) -> None:
    ines = [student.ine for student in lycee.students]
    assert len(set(ines)) == len(ines)
    assert all(INE.match(ine) for ine in ines)


def test_students_are_in_existing_classes_of_about_thirty(lycee: DemoSchool) -> None:
    codes = {cls.code for cls in lycee.classes}
    sizes = Counter(student.class_code for student in lycee.students)
    assert set(sizes) <= codes
    assert max(sizes.values()) <= 30
    assert min(sizes.values()) >= 20


def test_levels_follow_school_size(college: DemoSchool, lycee: DemoSchool) -> None:
    assert {cls.level for cls in college.classes} == {"6E", "5E", "4E", "3E"}
    assert {cls.level for cls in lycee.classes} == {"2NDE", "1ERE", "TLE"}
    assert college.classes[0].code == "6A" and college.classes[0].label == "6e A"
    labels = {cls.label for cls in lycee.classes}
    assert {"2nde A", "1re B", "Tle A"} <= labels


def test_birth_years_match_levels(college: DemoSchool) -> None:
    levels = {cls.code: cls.level for cls in college.classes}
    age = {"6E": 11, "5E": 12, "4E": 13, "3E": 14}
    for student in college.students:
        expected = YEAR - age[levels[student.class_code]]
        assert student.birth_date.year in (expected, expected - 1)


def test_guardians_point_to_existing_students(college: DemoSchool) -> None:
    keys = {student.key for student in college.students}
    children = [child for g in college.guardians for child in g.children]
    assert all(key in keys for key, _, _ in children)
    assert {key for key, _, legal in children if legal} == keys


def test_guardian_count_and_siblings(lycee: DemoSchool) -> None:
    n = len(lycee.students)
    assert n <= len(lycee.guardians) <= 2 * n
    assert any(len(g.children) == 2 for g in lycee.guardians)
    relationships = {rel for g in lycee.guardians for _, rel, _ in g.children}
    assert {"MERE", "PERE"} <= relationships


def test_emails_are_unique_ascii_and_lower_case(lycee: DemoSchool) -> None:
    emails = [g.email for g in lycee.guardians] + [t.email for t in lycee.teachers] + [s.email for s in lycee.staff]
    assert len(set(emails)) == len(emails)
    assert all(email.isascii() and EMAIL.match(email) for email in emails)


def test_ascii_fold_handles_french_names() -> None:
    assert ascii_fold("Hélène") == "helene"
    assert ascii_fold("N'Diaye") == "ndiaye"
    assert ascii_fold("de La Fontaine") == "delafontaine"
    assert ascii_fold("Dupont-Moreau") == "dupont-moreau"
    assert ascii_fold("Müller") == "muller"


def test_phones_and_addresses_look_french(college: DemoSchool) -> None:
    phone = re.compile(r"^0[67]( [0-9]{2}){4}$")
    address = re.compile(r"^[0-9]+ .+, [0-9]{5} .+$")
    for guardian in college.guardians:
        assert phone.match(guardian.phone)
        assert address.match(guardian.address)


def test_teachers_and_staff(college: DemoSchool) -> None:
    assert len(college.teachers) >= max(8, 500 // 14 - 1)
    functions = Counter(member.function for member in college.staff)
    assert set(functions) <= set(STAFF_FUNCTIONS)
    assert functions["Direction"] >= 2
    assert 1 <= functions["CPE"] <= 2
    assert functions["Secrétaire"] == 2
    assert functions["Infirmier"] == 1
    assert functions["AESH"] >= 4
    assert functions["Surveillant"] >= 1


def test_zero_students_gives_classes_but_nobody_enrolled() -> None:
    school = generate_school(UAI, YEAR, 0)
    assert school.classes
    assert school.students == ()
    assert school.guardians == ()
    assert len(school.teachers) >= 8


def test_negative_student_count_is_refused() -> None:
    with pytest.raises(ValueError, match="students"):
        generate_school(UAI, YEAR, -1)
