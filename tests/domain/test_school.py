from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.school import School


def test_registering_a_school_records_its_uai_name_and_year() -> None:
    school = School.register(uai="0750655e", name="  Lycée  Charlemagne ", year=2026)
    assert (school.uai, school.name, school.year) == ("0750655E", "Lycée Charlemagne", 2026)
    [registered] = school.collect_events()
    assert isinstance(registered, School.Registered)


def test_school_id_is_derived_from_its_uai() -> None:
    school = School.register(uai="0750655E", name="Charlemagne", year=2026)
    assert school.id == School.create_id("0750655E")
    assert School.create_id("0750655E") != School.create_id("0750656F")


def test_school_with_a_bad_uai_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        School.register(uai="0750655F", name="Charlemagne", year=2026)
    assert raised.value.field == "uai"


def test_school_for_a_year_outside_2000_to_2100_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        School.register(uai="0750655E", name="Charlemagne", year=1999)
    assert raised.value.field == "year"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_school_name_must_be_one_to_200_characters(name: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        School.register(uai="0750655E", name=name, year=2026)
    assert raised.value.field == "name"
