from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.teacher import Teacher


def test_registering_a_teacher_records_their_name_and_disciplines() -> None:
    teacher = Teacher.register(
        last_name=" Curie ", first_name="Marie", civility="Mme", email="m.curie@example.fr", disciplines=[" SVT ", "PC"]
    )
    assert (teacher.civility, teacher.last_name, teacher.first_name) == ("Mme", "Curie", "Marie")
    assert teacher.email == "m.curie@example.fr"
    assert teacher.disciplines == ["SVT", "PC"]
    [registered] = teacher.collect_events()
    assert isinstance(registered, Teacher.Registered)


def test_teacher_without_disciplines_teaches_none_yet() -> None:
    assert Teacher.register(last_name="Curie", first_name="Marie").disciplines == []


def test_two_teachers_with_the_same_name_are_two_teachers() -> None:
    assert (
        Teacher.register(last_name="Martin", first_name="Paul").id
        != Teacher.register(last_name="Martin", first_name="Paul").id
    )


def test_blank_discipline_is_refused_naming_its_position() -> None:
    with pytest.raises(InvalidValue) as raised:
        Teacher.register(last_name="Curie", first_name="Marie", disciplines=["SVT", "  "])
    assert raised.value.field == "disciplines[1]"


@pytest.mark.parametrize("field", ["last_name", "first_name"])
def test_teacher_names_must_not_be_empty(field: str) -> None:
    names = {"last_name": "Curie", "first_name": "Marie", field: ""}
    with pytest.raises(InvalidValue) as raised:
        Teacher.register(last_name=names["last_name"], first_name=names["first_name"])
    assert raised.value.field == field


def test_teacher_with_malformed_email_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        Teacher.register(last_name="Curie", first_name="Marie", email="marie.curie")
    assert raised.value.field == "email"


def test_teacher_with_unknown_civility_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        Teacher.register(last_name="Curie", first_name="Marie", civility="Dr")
    assert raised.value.field == "civility"
