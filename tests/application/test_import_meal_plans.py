"""SIECLE's ``CODE_REGIME`` imported as the students' meal plan: only a real change is written, a bad code is reported.

The meal plan is read back from the roster the canteen registers are made from. The first rule runs on
both backends, the others on SQLite.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest

from application.base import SchoolYearBase
from application.imports.records import StudentEntry
from application.imports.students import meal_plan_of
from application.permissions import Principal
from domain.student import Student
from domain.values import MealPlan
from projections.directory_roster import roster
from tests.application.imports_support import run_import, siecle_students, sqlite_only, student

TODAY = date(2026, 11, 24)

ZOE = replace(student("1001", "Dupont", "Zoé", class_code="3A"), meal_plan_code="2")
LEO = replace(student("1002", "Martin", "Léo", sex="M", class_code="3B"), meal_plan_code="0")
ANA = replace(student("1003", "Bernard", "Ana", class_code="4A"), meal_plan_code="41")


def meal_plans(base: SchoolYearBase, principal: Principal) -> dict[str, MealPlan]:
    """Each student's meal plan, by first name, as the canteen register sees it."""
    names = {s.id: s.first_name for s in base.list_students(principal)}
    with base.reading() as connection:
        return {names[entry.student_id]: entry.meal_plan for entry in roster(connection, TODAY)}


def import_students(base: SchoolYearBase, *entries: StudentEntry) -> None:
    result = run_import(base, "siecle", siecle_students(base.uai, *(entries or (ZOE, LEO, ANA))))
    assert result.reasons == []


# --- the mapping -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "plan"),
    [
        ("0", MealPlan.EXTERNAL),
        ("1", MealPlan.EXTERNAL),
        ("2", MealPlan.HALF_BOARD),
        ("3", MealPlan.HALF_BOARD),
        ("4", MealPlan.BOARDER),
        ("5", MealPlan.BOARDER),
        ("6", MealPlan.BOARDER),
        ("21", MealPlan.HALF_BOARD),
        ("24", MealPlan.HALF_BOARD),
        ("29", MealPlan.HALF_BOARD),
        ("38", MealPlan.HALF_BOARD),
        ("41", MealPlan.BOARDER),
    ],
)
def test_the_first_digit_of_a_regime_code_decides_the_meal_plan(code: str, plan: MealPlan) -> None:
    assert meal_plan_of(code) is plan


@pytest.mark.parametrize("code", ["9", "7", "81", "X", "2X", "02", "123", "", "٢"])
def test_what_is_not_a_regime_code_is_not_guessed(code: str) -> None:
    assert meal_plan_of(code) is None


# --- imports ---------------------------------------------------------------------------------------------------------


def test_a_half_boarder_is_imported_as_one_and_a_reimport_writes_nothing(
    base: SchoolYearBase, principal: Principal
) -> None:
    first = run_import(base, "siecle", siecle_students(base.uai, ZOE, LEO, ANA))

    assert first.changes["Student.MealPlanChanged"] == 2  # Léo is external, as every new student is
    assert first.counts() == {"created": 3, "updated": 0, "unchanged": 0, "left": 0, "rejected": 0}
    plans = meal_plans(base, principal)
    assert plans == {"Zoé": MealPlan.HALF_BOARD, "Léo": MealPlan.EXTERNAL, "Ana": MealPlan.BOARDER}

    again = run_import(base, "siecle", siecle_students(base.uai, ZOE, LEO, ANA))

    assert again.events == []
    assert again.counts() == {"created": 0, "updated": 0, "unchanged": 3, "left": 0, "rejected": 0}


@sqlite_only
def test_a_half_boarder_becoming_external_emits_only_meal_plan_changed(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_students(base)

    result = run_import(base, "siecle", siecle_students(base.uai, replace(ZOE, meal_plan_code="0"), LEO, ANA))

    assert result.changes == Counter({"Student.MealPlanChanged": 1})
    (changed,) = [e for e in result.events if isinstance(e, Student.MealPlanChanged)]
    assert changed.meal_plan == "external"
    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 2, "left": 0, "rejected": 0}
    assert meal_plans(base, principal)["Zoé"] is MealPlan.EXTERNAL


@sqlite_only
def test_another_code_of_the_same_family_changes_nothing(base: SchoolYearBase) -> None:
    import_students(base)

    result = run_import(base, "siecle", siecle_students(base.uai, replace(ZOE, meal_plan_code="29"), LEO, ANA))

    assert result.events == []
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 3, "left": 0, "rejected": 0}


@sqlite_only
def test_a_file_without_code_regime_leaves_the_meal_plan_alone(base: SchoolYearBase, principal: Principal) -> None:
    import_students(base)

    result = run_import(base, "siecle", siecle_students(base.uai, replace(ZOE, meal_plan_code=None), LEO, ANA))

    assert result.events == []
    assert result.reasons == []
    assert meal_plans(base, principal)["Zoé"] is MealPlan.HALF_BOARD


@sqlite_only
def test_a_bad_code_on_a_known_student_is_reported_and_the_rest_of_the_record_imported(
    base: SchoolYearBase, principal: Principal
) -> None:
    import_students(base)
    bad = replace(ZOE, meal_plan_code="X", class_code="3B")

    result = run_import(base, "siecle", siecle_students(base.uai, bad, LEO, ANA))

    assert result.changes == Counter({"Student.MovedToClass": 1})
    assert result.reasons == ["CODE_REGIME 'X' is not a régime code; meal plan left as it was"]
    assert [r.record for r in result.report.rejected] == [str(ZOE.origin)]
    assert result.counts() == {"created": 0, "updated": 1, "unchanged": 2, "left": 0, "rejected": 1}
    assert meal_plans(base, principal)["Zoé"] is MealPlan.HALF_BOARD


@sqlite_only
def test_a_new_student_with_a_bad_code_is_enrolled_external_and_the_code_reported(
    base: SchoolYearBase, principal: Principal
) -> None:
    result = run_import(base, "siecle", siecle_students(base.uai, replace(ZOE, meal_plan_code="9"), LEO))

    assert result.changes["Student.Enrolled"] == 2
    assert result.changes["Student.MealPlanChanged"] == 0
    assert result.reasons == ["CODE_REGIME '9' is not a régime code; meal plan left as it was"]
    assert result.counts() == {"created": 2, "updated": 0, "unchanged": 0, "left": 0, "rejected": 1}
    assert meal_plans(base, principal) == {"Zoé": MealPlan.EXTERNAL, "Léo": MealPlan.EXTERNAL}


@sqlite_only
def test_a_refused_record_is_reported_once_not_for_its_code_too(base: SchoolYearBase) -> None:
    import_students(base, replace(ZOE, ine="1234567890A"), LEO, ANA)
    another_ine = replace(ZOE, ine="0987654321B", meal_plan_code="X")

    result = run_import(base, "siecle", siecle_students(base.uai, another_ine, LEO, ANA))

    assert result.events == []
    assert result.reasons == ["the file gives INE 0987654321B, the student has INE 1234567890A"]
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 2, "left": 0, "rejected": 1}
