"""ONDE imports: no ids, so students are matched by name and birth date (and class), guardians by name and contact."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from application.base import SchoolYearBase
from application.imports.records import FileRefused
from application.permissions import Principal
from application.unit_of_work import UnitOfWork
from tests.application.imports_support import (
    RECORDED,
    guardian,
    head,
    onde_guardians,
    onde_link,
    onde_students,
    onde_teachers,
    run_import,
    siecle_students,
    sqlite_only,
    student,
    teacher,
)

LUCAS = student(None, "Petit", "Lucas", sex="M", class_code="CM1", birth_date=date(2016, 3, 2), level="CM1")
EMMA = student(None, "Petit", "Emma", class_code="CE1", birth_date=date(2018, 4, 4), level="CE1")
JADE = student(None, "Roux", "Jade", class_code="CE2", birth_date=date(2017, 6, 12), level="CE2")

JULIE = guardian(None, "Petit", "Julie", email="julie.petit@example.fr", phone="06 11 22 33 44")
KARIM = guardian(None, "Petit", "Karim", civility="M.", phone="06 55 66 77 88")
ROWS = (
    onde_link(JULIE, "Petit", "Lucas", "CM1", "MERE"),
    onde_link(JULIE, "Petit", "Emma", "CE1", "MERE"),
    onde_link(KARIM, "Petit", "Lucas", "CM1", "PERE"),
    onde_link(KARIM, "Petit", "Emma", "CE1", "PERE"),
)


def import_pupils(base: SchoolYearBase) -> None:
    result = run_import(base, "onde", onde_students(base.uai, LUCAS, EMMA, JADE), onde_guardians(base.uai, *ROWS))
    assert result.report.rejected == []


def classes_of(base: SchoolYearBase, principal: Principal) -> dict[str, list[str | None]]:
    """Each student's class, by name (homonyms give several)."""
    found: dict[str, list[str | None]] = {}
    for s in base.list_students(principal):
        found.setdefault(f"{s.last_name} {s.first_name}", []).append(s.class_code)
    return {name: sorted(codes, key=str) for name, codes in found.items()}


def enrol_by_hand(base: SchoolYearBase, class_code: str, count: int) -> None:
    """Students keyed in by hand, all named Hugo Martin, born the same day, in one class."""

    def command(unit: UnitOfWork) -> None:
        base.open_class(unit, code=class_code, label=class_code, level="CM1")
        for _ in range(count):
            base.enrol_student(
                unit,
                last_name="Martin",
                first_name="Hugo",
                birth_date=date(2016, 1, 15),
                sex="M",
                class_code=class_code,
            )

    base.execute(command)


# --- students (both backends) ----------------------------------------------------------------------------------------


def test_a_first_onde_import_creates_students_classes_guardians_and_links(
    base: SchoolYearBase, principal: Principal
) -> None:
    result = run_import(base, "onde", onde_students(base.uai, LUCAS, EMMA, JADE), onde_guardians(base.uai, *ROWS))

    assert result.kinds == Counter(
        {
            "SchoolClass.Created": 3,
            "Student.Enrolled": 3,
            "Guardian.Registered": 2,
            "Guardian.ChildLinked": 4,
            RECORDED: 1,
        }
    )
    assert classes_of(base, principal) == {"Petit Lucas": ["CM1"], "Petit Emma": ["CE1"], "Roux Jade": ["CE2"]}
    assert {(c.code, c.level) for c in base.list_classes(principal)} == {("CM1", "CM1"), ("CE1", "CE1"), ("CE2", "CE2")}


def test_reimporting_the_same_onde_files_writes_nothing(base: SchoolYearBase) -> None:
    import_pupils(base)
    before = head(base)

    again = run_import(base, "onde", onde_students(base.uai, LUCAS, EMMA, JADE), onde_guardians(base.uai, *ROWS))

    assert again.events == []
    assert head(base) == before
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3 + 2 + 4, "left": 0, "rejected": 0}


def test_a_student_is_matched_by_name_and_birth_date_so_a_class_change_is_a_move(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_pupils(base)

    result = run_import(base, "onde", onde_students(base.uai, replace(LUCAS, class_code="CM2"), EMMA, JADE))

    assert result.changes == Counter({"SchoolClass.Created": 1, "Student.MovedToClass": 1})
    assert classes_of(base, principal)["Petit Lucas"] == ["CM2"]


# --- matching by identity --------------------------------------------------------------------------------------------


@sqlite_only
def test_the_match_ignores_case_and_accents_of_the_names(base: SchoolYearBase) -> None:
    import_pupils(base)
    shouted = replace(JADE, last_name="ROUX", first_name="JADE")

    result = run_import(base, "onde", onde_students(base.uai, shouted))

    assert result.changes == Counter({"Student.DetailsCorrected": 1})


@sqlite_only
def test_another_birth_date_is_another_student(base: SchoolYearBase, principal: Principal) -> None:
    import_pupils(base)

    result = run_import(base, "onde", onde_students(base.uai, replace(JADE, birth_date=date(2017, 6, 13))))

    assert result.changes["Student.Enrolled"] == 1
    assert len(base.list_students(principal)) == 4


@sqlite_only
def test_twins_with_the_same_name_and_birth_date_are_two_students(base: SchoolYearBase, principal: Principal) -> None:
    lea = student(None, "Moreau", "Léa", class_code="CP", birth_date=date(2019, 9, 1))
    lou = replace(lea, first_name="Lou", sex="M")

    first = run_import(base, "onde", onde_students(base.uai, lea, lou))
    again = run_import(base, "onde", onde_students(base.uai, lea, lou))

    assert first.changes["Student.Enrolled"] == 2
    assert sorted(classes_of(base, principal)) == ["Moreau Lou", "Moreau Léa"]
    assert again.events == []


@sqlite_only
def test_homonyms_born_the_same_day_in_two_classes_are_two_students(base: SchoolYearBase, principal: Principal) -> None:
    in_cm1 = student(None, "Martin", "Hugo", sex="M", class_code="CM1", birth_date=date(2016, 1, 15))
    in_cm2 = replace(in_cm1, class_code="CM2")

    first = run_import(base, "onde", onde_students(base.uai, in_cm1, in_cm2))

    assert first.changes["Student.Enrolled"] == 2
    assert first.changes["Student.MovedToClass"] == 0
    assert classes_of(base, principal) == {"Martin Hugo": ["CM1", "CM2"]}


@sqlite_only
def test_homonyms_born_the_same_day_are_told_apart_by_their_class_on_reimport(base: SchoolYearBase) -> None:
    in_cm1 = student(None, "Martin", "Hugo", sex="M", class_code="CM1", birth_date=date(2016, 1, 15))
    in_cm2 = replace(in_cm1, class_code="CM2")
    run_import(base, "onde", onde_students(base.uai, in_cm1, in_cm2))

    again = run_import(base, "onde", onde_students(base.uai, in_cm2, in_cm1))

    assert again.events == []
    assert again.report.unchanged == 2


@sqlite_only
def test_a_match_that_cannot_be_told_apart_is_rejected(base: SchoolYearBase, principal: Principal) -> None:
    enrol_by_hand(base, "CM1", count=2)
    hugo = student(None, "Martin", "Hugo", sex="M", class_code="CM1", birth_date=date(2016, 1, 15))

    result = run_import(base, "onde", onde_students(base.uai, hugo, JADE))

    assert result.reasons == [
        "several students have this name, birth date and class: which one is meant cannot be told"
    ]
    assert result.report.rejected[0].record == str(hugo.origin)
    assert result.changes["Student.Enrolled"] == 1
    assert len(base.list_students(principal)) == 3


@sqlite_only
def test_homonyms_of_whom_none_is_in_the_files_class_are_an_ambiguous_match(base: SchoolYearBase) -> None:
    in_cm1 = student(None, "Martin", "Hugo", sex="M", class_code="CM1", birth_date=date(2016, 1, 15))
    run_import(base, "onde", onde_students(base.uai, in_cm1, replace(in_cm1, class_code="CM2")))

    result = run_import(base, "onde", onde_students(base.uai, replace(in_cm1, class_code="6A")))

    assert result.events == []
    assert len(result.reasons) == 1
    assert "cannot be told" in result.reasons[0]


@sqlite_only
def test_two_rows_with_the_same_name_birth_date_and_class_are_both_rejected(
    base: SchoolYearBase, principal: Principal
) -> None:
    result = run_import(base, "onde", onde_students(base.uai, JADE, LUCAS, JADE))

    assert len(result.reasons) == 2
    assert all("appears in 2 records of the file" in reason for reason in result.reasons)
    assert classes_of(base, principal) == {"Petit Lucas": ["CM1"]}


@sqlite_only
def test_a_student_missing_from_a_later_onde_file_has_not_left(base: SchoolYearBase, principal: Principal) -> None:
    import_pupils(base)

    result = run_import(base, "onde", onde_students(base.uai, JADE))

    assert result.events == []
    assert result.report.left == 0
    assert all(s.left_on is None for s in base.list_students(principal))


@sqlite_only
def test_a_student_known_from_siecle_missing_from_an_onde_file_has_not_left(base: SchoolYearBase) -> None:
    run_import(base, "siecle", siecle_students(base.uai, replace(JADE, source_id="2001")))

    result = run_import(base, "onde", onde_students(base.uai, LUCAS))

    assert result.changes == Counter({"SchoolClass.Created": 1, "Student.Enrolled": 1})
    assert result.report.left == 0


@sqlite_only
def test_an_onde_row_without_a_birth_date_is_rejected(base: SchoolYearBase) -> None:
    result = run_import(base, "onde", onde_students(base.uai, LUCAS, replace(EMMA, birth_date=None)))

    assert [r.record for r in result.report.rejected] == [str(EMMA.origin)]
    assert result.report.created == 1


@sqlite_only
def test_an_onde_student_imported_before_siecle_is_found_by_its_ine(base: SchoolYearBase) -> None:
    run_import(base, "onde", onde_students(base.uai, replace(JADE, ine="3333333333C")))

    result = run_import(base, "siecle", siecle_students(base.uai, replace(JADE, source_id="2001", ine="3333333333C")))

    assert result.changes == Counter({"Student.ExternalIdRecorded": 1})


# --- guardians -------------------------------------------------------------------------------------------------------


@sqlite_only
def test_a_guardian_on_several_rows_with_the_same_contact_is_one_guardian(
    base: SchoolYearBase, principal: Principal
) -> None:
    run_import(base, "onde", onde_students(base.uai, LUCAS, EMMA))

    result = run_import(base, "onde", onde_guardians(base.uai, *ROWS[:2]))

    assert result.changes == Counter({"Guardian.Registered": 1, "Guardian.ChildLinked": 2})
    (julie,) = base.list_guardians(principal)
    assert sorted(c.first_name for c in julie.children) == ["Emma", "Lucas"]


@sqlite_only
def test_two_guardians_of_the_same_name_with_other_contacts_are_two_guardians(
    base: SchoolYearBase, principal: Principal
) -> None:
    run_import(base, "onde", onde_students(base.uai, LUCAS, JADE))
    other_julie = replace(JULIE, email="j.petit@example.org", phone=None)

    result = run_import(
        base,
        "onde",
        onde_guardians(base.uai, ROWS[0], onde_link(other_julie, "Roux", "Jade", "CE2", "TUTEUR", legal=False)),
    )

    assert result.changes == Counter({"Guardian.Registered": 2, "Guardian.ChildLinked": 2})
    assert sorted(g.email or "" for g in base.list_guardians(principal)) == [
        "j.petit@example.org",
        "julie.petit@example.fr",
    ]


@sqlite_only
def test_an_onde_guardian_is_linked_to_the_child_of_that_name_in_that_class(
    base: SchoolYearBase, principal: Principal
) -> None:
    in_cm1 = student(None, "Martin", "Hugo", sex="M", class_code="CM1", birth_date=date(2016, 1, 15))
    run_import(base, "onde", onde_students(base.uai, in_cm1, replace(in_cm1, class_code="CM2")))
    mother = guardian(None, "Martin", "Nadia", phone="06 00 00 00 01")

    result = run_import(base, "onde", onde_guardians(base.uai, onde_link(mother, "Martin", "Hugo", "CM2")))

    assert result.changes == Counter({"Guardian.Registered": 1, "Guardian.ChildLinked": 1})
    (nadia,) = base.list_guardians(principal)
    assert [c.class_code for c in nadia.children] == ["CM2"]


@sqlite_only
def test_an_onde_link_to_a_child_not_in_that_class_is_rejected_with_its_person(base: SchoolYearBase) -> None:
    import_pupils(base)
    aunt = guardian(None, "Roux", "Inès", phone="06 00 00 00 02")

    result = run_import(
        base, "onde", onde_guardians(base.uai, *ROWS, onde_link(aunt, "Roux", "Jade", "CM1", "FAMILLE"))
    )

    assert result.reasons == [
        "no student 'Roux Jade' in class 'CM1'",
        "none of this person's children is a student of this school",
    ]
    assert result.events == []


@sqlite_only
def test_an_onde_link_to_homonyms_in_one_class_is_rejected(base: SchoolYearBase) -> None:
    enrol_by_hand(base, "CM1", count=2)
    father = guardian(None, "Martin", "Paul", civility="M.", phone="06 00 00 00 03")

    result = run_import(base, "onde", onde_guardians(base.uai, onde_link(father, "Martin", "Hugo", "CM1", "PERE")))

    assert result.reasons[0] == "several students 'Martin Hugo' in class 'CM1': which one is meant cannot be told"
    assert result.events == []


@sqlite_only
def test_a_changed_onde_relationship_emits_only_link_changed(base: SchoolYearBase) -> None:
    import_pupils(base)
    changed = replace(ROWS[3], relationship="TUTEUR", legal=False)

    result = run_import(base, "onde", onde_guardians(base.uai, *ROWS[:3], changed))

    assert result.changes == Counter({"Guardian.LinkChanged": 1})


# --- teachers and kinds of file --------------------------------------------------------------------------------------


@sqlite_only
def test_onde_teachers_are_teachers_of_their_classes_matched_by_name(
    base: SchoolYearBase, principal: Principal
) -> None:
    rows = (
        teacher(None, "Lambert", "Anne", function=None, classes=("CM1",)),
        teacher(None, "Girard", "Luc", function=None, civility="M.", classes=("CE1", "CE2")),
    )

    first = run_import(base, "onde", onde_teachers(base.uai, *rows))
    again = run_import(base, "onde", onde_teachers(base.uai, *rows))

    assert first.changes["Teacher.Registered"] == 2
    assert {t.last_name: t.principal_of for t in base.list_teachers(principal)} == {
        "Lambert": ["CM1"],
        "Girard": ["CE1", "CE2"],
    }
    assert base.list_staff(principal) == []
    assert again.events == []


@sqlite_only
def test_an_onde_file_given_to_a_siecle_import_is_refused(base: SchoolYearBase) -> None:
    before = head(base)

    with pytest.raises(FileRefused, match="is a onde-students file, not one for a siecle import"):
        base.import_files("siecle", [onde_students(base.uai, LUCAS)])

    assert head(base) == before
