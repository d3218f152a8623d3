"""The permission catalogue: data with stable codes, each once, and the parser of a profile editor."""

from __future__ import annotations

import re

import pytest

from domain.errors import InvalidValue
from domain.espaces import RUBRIC_PERMISSIONS, Rubric
from domain.permissions import CATALOGUE, Permission, parse_permissions

STORED_CODES = {
    "session",
    "classes.read",
    "classes.write",
    "students.read",
    "students.write",
    "guardians.read",
    "guardians.write",
    "staff.read",
    "staff.write",
    "students.access-history",
    "imports.run",
    "accounts.manage",
    "profiles.manage",
    "espaces.manage",
    "sessions.manage",
    "journal.read",
    "resources.read",
    "resources.write",
    "timetables.read",
    "timetables.write",
    "grades.read",
    "grades.write",
    "competencies.read",
    "competencies.write",
    "bulletins.read",
    "bulletins.write",
    "registers.take",
    "absences.read",
    "absences.write",
    "absences.justify",
    "lateness.write",
    "punishments.read",
    "punishments.write",
    "communication.read",
    "communication.send",
    "agenda.read",
    "agenda.write",
    "homework.read",
    "homework.write",
    "exports.run",
}
"""Codes that profiles store in their events: a code may be added, never renamed nor removed."""

_CODE = re.compile(r"^[a-z]+(\.[a-z]+(-[a-z]+)*)?$")


def test_no_stored_code_was_renamed_or_removed() -> None:
    assert {p.value for p in Permission} >= STORED_CODES


def test_every_permission_is_in_the_catalogue_exactly_once() -> None:
    codes = [entry.code for entry in CATALOGUE]

    assert len(codes) == len(set(codes))
    assert set(codes) == set(Permission)


def test_every_entry_has_an_area_and_a_label_and_a_code_of_lower_case_words() -> None:
    for entry in CATALOGUE:
        assert entry.area.strip() and entry.label.strip(), entry.code
        assert _CODE.match(entry.code.value), entry.code


def test_the_catalogue_lists_the_areas_of_the_field() -> None:
    areas = list(dict.fromkeys(entry.area for entry in CATALOGUE))

    assert areas[0] == "Session"
    assert {"Ressources", "Notes", "Compétences", "Absences et retards", "Communication", "Exports"} <= set(areas)


def test_every_rubric_grants_permissions_of_the_catalogue() -> None:
    assert set(RUBRIC_PERMISSIONS) == set(Rubric)
    for rubric, permissions in RUBRIC_PERMISSIONS.items():
        assert permissions, rubric
        assert permissions <= set(Permission), rubric


def test_parsing_codes_gives_permissions_and_folds_repeats() -> None:
    parsed = parse_permissions(["grades.read", "session", "grades.read"])

    assert parsed == frozenset({Permission.GRADES_READ, Permission.SESSION})


def test_no_code_is_no_permission() -> None:
    assert parse_permissions([]) == frozenset()


@pytest.mark.parametrize("code", ["grades.READ", "grades", "", "grades.read ", "admin"])
def test_an_unknown_code_is_refused_naming_its_place_in_the_list(code: str) -> None:
    with pytest.raises(InvalidValue, match="is not a permission of the catalogue") as raised:
        parse_permissions(["session", code])

    assert raised.value.field == "permissions[1]"
    assert repr(code) in raised.value.message


def test_the_field_of_the_list_can_be_named() -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_permissions(["nope"], field="rights")

    assert raised.value.field == "rights[0]"
