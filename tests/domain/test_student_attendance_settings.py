"""What a student's attendance depends on: their meal plan (régime) and whether they may leave when free."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from domain.student import Student
from domain.values import MealPlan
from tests.domain.support import replayed
from tests.domain.test_school_calendar import refused, stored_and_reloaded


def enrolled() -> Student:
    student = Student.enrol(
        last_name="Dupont", first_name="Zoé", birth_date=date(2012, 5, 1), sex="F", ine="1234567890A", class_code="3A"
    )
    student.collect_events()
    return student


def test_a_new_student_is_external_and_may_not_leave_when_free() -> None:
    student = enrolled()
    assert (student.meal_plan, student.exit_authorised) == (MealPlan.EXTERNAL, False)


@pytest.mark.parametrize("plan", ["half-board", "boarder"])
def test_changing_the_meal_plan_records_it(plan: str) -> None:
    student = enrolled()
    student.change_meal_plan(plan)
    [changed] = student.collect_events()
    assert isinstance(changed, Student.MealPlanChanged) and changed.meal_plan == plan
    assert student.meal_plan is MealPlan(plan)


def test_a_half_boarder_may_become_external_again() -> None:
    student = enrolled()
    student.change_meal_plan("half-board")
    student.change_meal_plan("external")
    assert student.meal_plan is MealPlan.EXTERNAL
    assert len(student.collect_events()) == 2


def test_the_same_meal_plan_is_refused() -> None:
    student = enrolled()
    with pytest.raises(DomainError) as raised:
        student.change_meal_plan("external")
    assert refused(raised) == ("rule-violated", "meal_plan")
    assert student.pending_events == []


@pytest.mark.parametrize("plan", ["demi-pension", "", "HALF-BOARD"])
def test_a_meal_plan_that_is_not_one_is_refused(plan: str) -> None:
    student = enrolled()
    with pytest.raises(DomainError) as raised:
        student.change_meal_plan(plan)
    assert refused(raised) == ("invalid-value", "meal_plan")
    assert student.meal_plan is MealPlan.EXTERNAL


def test_authorising_exit_records_it_and_it_can_be_withdrawn() -> None:
    student = enrolled()
    student.authorise_exit(True)
    [authorised] = student.collect_events()
    assert isinstance(authorised, Student.ExitAuthorisationChanged) and authorised.authorised
    assert student.exit_authorised
    student.authorise_exit(False)
    assert not student.exit_authorised


@pytest.mark.parametrize("authorised", [True, False])
def test_an_unchanged_exit_authorisation_is_refused(authorised: bool) -> None:
    student = enrolled()
    if authorised:
        student.authorise_exit(True)
        student.collect_events()
    with pytest.raises(DomainError) as raised:
        student.authorise_exit(authorised)
    assert refused(raised) == ("rule-violated", "authorised")
    assert student.pending_events == []


def settled_student() -> Student:
    student = Student.enrol(last_name="Martin", first_name="Léo", birth_date=date(2011, 2, 3), sex="M")
    student.change_meal_plan("boarder")
    student.authorise_exit(True)
    student.change_meal_plan("half-board")
    return student


def test_meal_plan_and_exit_authorisation_are_rebuilt_from_the_events() -> None:
    student = settled_student()
    assert replayed(student) == student


def test_meal_plan_and_exit_authorisation_survive_the_event_store() -> None:
    student = settled_student()
    reloaded = stored_and_reloaded(student)
    assert reloaded == student
    assert (reloaded.meal_plan, reloaded.exit_authorised, reloaded.birth_date) == (
        MealPlan.HALF_BOARD,
        True,
        date(2011, 2, 3),
    )
