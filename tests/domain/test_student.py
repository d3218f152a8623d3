from __future__ import annotations

import copy
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from domain.errors import DomainError, InvalidValue, RuleViolated
from domain.student import Student
from tests.domain.support import replay


def enrol(**overrides: Any) -> Student:
    values: dict[str, Any] = {
        "last_name": "Dupont",
        "first_name": "Zoé",
        "birth_date": date(2012, 5, 1),
        "sex": "F",
        "ine": "1234567890A",
        "class_code": "3A",
    }
    values.update(overrides)
    return Student.enrol(**values)


def test_enrolling_a_student_records_who_they_are_and_their_class() -> None:
    student = enrol(last_name=" Dupont ", ine="1234 567 890a")
    assert (student.last_name, student.first_name, student.ine) == ("Dupont", "Zoé", "1234567890A")
    assert (student.birth_date, student.sex, student.class_code) == (date(2012, 5, 1), "F", "3A")
    [enrolled] = student.collect_events()
    assert isinstance(enrolled, Student.Enrolled)


def test_student_id_is_derived_from_the_ine_so_one_ine_is_one_student() -> None:
    assert enrol(ine="1234567890a").id == enrol(ine="1234567890A").id == Student.create_id("1234567890A")


def test_students_without_ine_get_distinct_ids() -> None:
    assert enrol(ine=None).id != enrol(ine=None).id


def test_blank_ine_means_unknown_ine() -> None:
    assert enrol(ine="").ine is None


def test_student_may_be_enrolled_without_a_class() -> None:
    assert enrol(class_code=None).class_code is None


def test_student_with_a_malformed_ine_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        enrol(ine="12345")
    assert raised.value.field == "ine"


@pytest.mark.parametrize("sex", ["f", "X", ""])
def test_sex_other_than_f_or_m_is_refused(sex: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        enrol(sex=sex)
    assert raised.value.field == "sex"


@pytest.mark.parametrize("field", ["last_name", "first_name"])
def test_student_names_must_not_be_empty(field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        enrol(**{field: "  "})
    assert raised.value.field == field


def test_student_born_before_1900_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        enrol(birth_date=date(1899, 1, 1))
    assert raised.value.field == "birth_date"


def test_moving_a_student_records_the_new_class() -> None:
    student = enrol()
    student.move_to_class(" 4B ")
    assert student.class_code == "4B"
    moved = student.collect_events()[-1]
    assert isinstance(moved, Student.MovedToClass)
    assert moved.class_code == "4B"


def test_a_student_without_class_can_be_moved_into_one() -> None:
    student = enrol(class_code=None)
    student.move_to_class("3A")
    assert student.class_code == "3A"


def test_cannot_move_student_to_their_own_class() -> None:
    student = enrol(class_code="3A")
    student.collect_events()
    with pytest.raises(RuleViolated) as raised:
        student.move_to_class("3A ")
    assert raised.value.field == "class_code"
    assert student.pending_events == []
    assert student.version == 1


def test_cannot_move_student_to_a_blank_class_code() -> None:
    student = enrol()
    with pytest.raises(InvalidValue) as raised:
        student.move_to_class(" ")
    assert raised.value.field == "class_code"


def test_a_student_is_rebuilt_from_their_events() -> None:
    student = enrol()
    student.move_to_class("4B")
    student.move_to_class("3A")
    assert replay(list(student.collect_events())) == student


MOVES = ["3A", " 3A ", "3B", "4C", "", "C" * 21]


class StudentMachine(RuleBasedStateMachine):
    """Any sequence of moves: the state is what its events replay to; a refused move changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.student = enrol()
        self.events: list[CanMutateAggregate[UUID]] = []
        self.expected_class: str | None = None

    @initialize(ine=st.sampled_from([None, "1234567890A"]), class_code=st.sampled_from([None, "3A", "4C"]))
    def enrol(self, ine: str | None, class_code: str | None) -> None:
        self.student = enrol(ine=ine, class_code=class_code)
        self.events = list(self.student.collect_events())
        self.expected_class = class_code

    @rule(class_code=st.sampled_from(MOVES))
    def move(self, class_code: str) -> None:
        before = copy.deepcopy(vars(self.student))
        code = class_code.strip()
        try:
            self.student.move_to_class(class_code)
        except DomainError as error:
            assert error.field == "class_code"
            assert isinstance(error, RuleViolated) == (code == self.expected_class)
            assert not self.student.pending_events
            assert vars(self.student) == before
            return
        assert code and len(code) <= 20 and code != self.expected_class
        [moved] = self.student.collect_events()
        assert isinstance(moved, Student.MovedToClass)
        self.events.append(moved)
        self.expected_class = code

    @invariant()
    def replaying_the_events_gives_the_same_student(self) -> None:
        assert replay(self.events) == self.student
        assert self.student.class_code == self.expected_class
        assert self.student.version == len(self.events)


StudentMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestStudentMachine = StudentMachine.TestCase
