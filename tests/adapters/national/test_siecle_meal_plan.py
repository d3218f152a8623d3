"""``CODE_REGIME`` read from SIECLE students exports as given, and written back by the writer.

The corpus holds one file with the element (dossiersco's student, ``24``); the Pix files have none.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from adapters.national.siecle import read_siecle
from adapters.national.siecle_writer import write_students
from application.imports.records import Origin, StudentEntry
from application.imports.students import meal_plan_of
from domain.values import MealPlan

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "siecle"
WITHOUT_CODE_REGIME = [
    "siecle-with-duplicate-national-student-id.xml",
    "siecle-with-registrations-no-longer-in-school.xml",
    "siecle-with-two-valid-students.xml",
]

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")

ZOE = StudentEntry(Origin("generated"), "1001", "1234567890A", "Dupont", "Zoé", date(2012, 3, 2), "F", "3A")


def students_of(name: str) -> list[StudentEntry]:
    return read_siecle(name, (CORPUS / name).read_bytes()).students


def test_the_dossiersco_student_has_the_code_as_given_a_half_boarder() -> None:
    [student] = students_of("eleves_avec_adresse_avec_double_structure.xml")

    assert student.meal_plan_code == "24"
    assert meal_plan_of(student.meal_plan_code) is MealPlan.HALF_BOARD


@pytest.mark.parametrize("name", WITHOUT_CODE_REGIME)
def test_a_file_without_code_regime_gives_no_code(name: str) -> None:
    students = students_of(name)

    assert students
    assert {student.meal_plan_code for student in students} == {None}


@pytest.mark.parametrize(("written", "read"), [("2", "2"), (" 41 ", "41"), ("X", "X"), ("", None)])
def test_the_code_is_read_trimmed_and_never_interpreted(written: str, read: str | None) -> None:
    data = write_students("0750001U", 2026, [ZOE]).replace(
        b"<CODE_SEXE>", f"<CODE_REGIME>{written}</CODE_REGIME><CODE_SEXE>".encode()
    )

    [student] = read_siecle("ElevesSansAdresses.xml", data).students

    assert student.meal_plan_code == read


def test_the_writer_writes_the_code_and_reads_it_back() -> None:
    data = write_students("0750001U", 2026, [replace(ZOE, meal_plan_code="2")])

    assert b"<CODE_REGIME>2</CODE_REGIME>" in data
    assert [replace(s, origin=ZOE.origin) for s in read_siecle("e.xml", data).students] == [
        replace(ZOE, meal_plan_code="2")
    ]
    assert b"CODE_REGIME" not in write_students("0750001U", 2026, [ZOE])
