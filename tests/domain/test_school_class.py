from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.school_class import SchoolClass


def test_opening_a_class_records_its_code_label_and_level() -> None:
    school_class = SchoolClass.open(code=" 3A ", label="Troisième A", level="3E")
    assert (school_class.code, school_class.label, school_class.level) == ("3A", "Troisième A", "3E")
    [created] = school_class.collect_events()
    assert isinstance(created, SchoolClass.Created)


def test_class_id_is_derived_from_its_code_so_one_code_is_one_class() -> None:
    first = SchoolClass.open(code="3A", label="Troisième A", level="3E")
    again = SchoolClass.open(code="3A", label="Another label", level="3E")
    other = SchoolClass.open(code="3B", label="Troisième B", level="3E")
    assert first.id == again.id == SchoolClass.create_id("3A")
    assert other.id != first.id


def test_class_codes_are_case_sensitive_as_siecle_writes_them() -> None:
    assert SchoolClass.open(code="2nde1", label="x", level="2NDE").code == "2nde1"
    assert SchoolClass.create_id("2nde1") != SchoolClass.create_id("2NDE1")


@pytest.mark.parametrize("code", ["", "  ", "C" * 21])
def test_class_code_must_be_one_to_20_characters(code: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        SchoolClass.open(code=code, label="Troisième A", level="3E")
    assert raised.value.field == "code"


def test_class_without_label_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        SchoolClass.open(code="3A", label=" ", level="3E")
    assert raised.value.field == "label"


def test_class_level_longer_than_20_characters_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        SchoolClass.open(code="3A", label="Troisième A", level="L" * 21)
    assert raised.value.field == "level"
