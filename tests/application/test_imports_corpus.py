"""The real national export files of the shared corpus, imported as its README's table says they meet the rules.

Each file goes through the readers (``read_files``) and the import use case (``import_files``), into a base
of the UAI and year the table names; a second import of the same files writes nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from adapters.national.readers import read_files
from application.base import SchoolYearBase
from application.imports.records import FileRefused, ParsedFile
from application.permissions import Principal
from application.registry import Bases
from application.sessions import LoginAttempt
from tests.application.imports_support import RECORDED, Imported, head, run_import

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
YEAR = 2026

DOUBLE_STRUCTURE = "siecle/eleves_avec_adresse_avec_double_structure.xml"
TWO_VALID = "siecle/siecle-with-two-valid-students.xml"
NO_LONGER_IN_SCHOOL = "siecle/siecle-with-registrations-no-longer-in-school.xml"
DUPLICATE_INE = "siecle/siecle-with-duplicate-national-student-id.xml"
RESPONSABLES = "siecle/responsables_avec_adresses_simple.xml"
NOMENCLATURE = "siecle/nomenclature_simple.xml"
STS = "sts/sts_emp_0750001A_2026.xml"
EDT_STS = "edt/emp_sts_0750001A_2026.xml"
ONDE = ("onde-be1d/CSVExtraction-eleves.csv", "onde-be1d/CSVExtraction-responsables.csv")
ONDE_TEACHERS = "onde-be1d/CSVExtraction-enseignants.csv"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


def corpus(*names: str) -> list[tuple[str, bytes]]:
    return [(Path(name).name, (CORPUS / name).read_bytes()) for name in names]


def read(kind: str, *names: str) -> list[ParsedFile]:
    return read_files(kind, corpus(*names))


def open_base(bases: Bases, uai: str, year: int = YEAR) -> tuple[SchoolYearBase, Principal]:
    """A new base, and its super-administrator logged in."""
    base, credentials = bases.create(uai, year, "École du corpus")
    login, password = credentials.login, credentials.password
    opened = base.log_in(LoginAttempt(login=login, password=password))
    return base, base.authenticate(opened.token)


def import_twice(base: SchoolYearBase, kind: str, files: list[ParsedFile], *, force_uai: bool = False) -> Imported:
    """Import the files, then again: the second import writes no event and finds every record unchanged."""
    first = run_import(base, kind, *files, force_uai=force_uai)
    again = run_import(base, kind, *files, force_uai=force_uai)
    assert again.events == []
    assert again.report.events == 0
    assert (again.report.created, again.report.updated, again.report.left) == (0, 0, 0)
    r = first.report
    assert again.report.unchanged == r.created + r.updated + r.unchanged + r.left
    assert [r.reason for r in again.report.rejected] == [r.reason for r in first.report.rejected]
    return first


# --- SIECLE students -------------------------------------------------------------------------------------------------


def test_the_dossiersco_student_lands_in_its_class_and_its_group(sqlite_bases: Bases) -> None:
    base, principal = open_base(sqlite_bases, "0660864F", 2019)

    result = import_twice(base, "siecle", read("siecle", DOUBLE_STRUCTURE))

    assert result.report.rejected == []
    assert result.report.created == 1
    assert result.changes["Student.Enrolled"] == 1
    assert result.run.kind == "siecle"
    [student] = base.list_students(principal)
    assert student.class_code == "301"
    assert base.get_student(principal, student.id).groups == ["_301P1"]
    assert [c.code for c in base.list_classes(principal)] == ["301"]


def test_a_zip_of_the_file_as_siecle_delivers_it_imports_the_same(sqlite_bases: Bases) -> None:
    base, principal = open_base(sqlite_bases, "0660864F", 2019)
    data = (CORPUS / DOUBLE_STRUCTURE).read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ElevesAvecAdresses.xml", data)
        archive.writestr("__MACOSX/._ElevesAvecAdresses.xml", b"\x00\x05\x16\x07")
    zipped = read_files("siecle", [("ElevesAvecAdresses.zip", buffer.getvalue())])
    plain = read("siecle", DOUBLE_STRUCTURE)

    result = import_twice(base, "siecle", zipped)

    assert result.report.created == 1
    assert result.report.rejected == []
    pairs = zip(zipped[0].students, plain[0].students, strict=True)
    assert [replace(z, origin=p.origin) for z, p in pairs] == plain[0].students  # all but the file's name
    [student] = base.list_students(principal)
    assert (student.class_code, base.get_student(principal, student.id).groups) == ("301", ["_301P1"])


def test_a_dry_run_of_a_corpus_file_reports_and_writes_nothing(sqlite_bases: Bases) -> None:
    base, principal = open_base(sqlite_bases, "0660864F", 2019)
    before = head(base)

    dry = run_import(base, "siecle", *read("siecle", DOUBLE_STRUCTURE), dry_run=True)

    assert (dry.report.dry_run, dry.report.created, dry.report.events) == (True, 1, 0)
    assert dry.events == []
    assert head(base) == before
    assert base.list_students(principal) == []
    assert run_import(base, "siecle", *read("siecle", DOUBLE_STRUCTURE)).report.created == 1


def test_the_two_valid_pix_students_are_imported_with_force_uai(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    base, principal = open_base(sqlite_bases, uai_factory())
    files = read("siecle", TWO_VALID)
    assert (files[0].header.uai, files[0].header.year) == ("123ABC", None)

    result = import_twice(base, "siecle", files, force_uai=True)

    assert result.report.rejected == []
    assert result.report.created == 2
    assert result.run.forced_uai == "123ABC"
    assert len(base.list_students(principal)) == 2


def test_a_duplicated_ine_rejects_both_records_naming_it(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> None:
    base, principal = open_base(sqlite_bases, uai_factory())

    result = import_twice(base, "siecle", read("siecle", DUPLICATE_INE), force_uai=True)

    assert len(result.report.rejected) == 2
    assert all("00000000123" in reason for reason in result.reasons)
    assert base.list_students(principal) == []
    assert result.events == []  # only rejections: nothing to record


def test_leavers_are_left_and_students_without_ine_or_class_are_kept(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    """The Pix file as it is (it states no CODE_SEXE: the sex stays unknown): the rules the README's table names."""
    base, principal = open_base(sqlite_bases, uai_factory())

    result = import_twice(base, "siecle", read("siecle", NO_LONGER_IN_SCHOOL), force_uai=True)

    assert result.report.rejected == []
    assert (result.report.created, result.report.left) == (4, 1)  # a new leaver is enrolled as left
    students = {s.last_name: s for s in base.list_students(principal)}
    assert set(students) == {"HANDMADE", "COVERT", "FRANCIS--FROUFROU", "FRANGE", "GRADE"}
    assert students["FRANCIS--FROUFROU"].ine is None  # no INE, kept
    assert students["HANDMADE"].class_code is None  # no structure at all, kept
    assert students["FRANGE"].class_code is None  # only a group, kept
    assert base.get_student(principal, students["FRANGE"].id).groups == ["4e 1"]
    assert students["GRADE"].left_on is not None  # DATE_SORTIE 01/09/2019
    assert [s.last_name for s in students.values() if s.left_on is not None] == ["GRADE"]
    assert {s.sex for s in students.values()} == {None}


# --- SIECLE guardians ------------------------------------------------------------------------------------------------


def test_responsables_whose_students_are_not_here_are_rejected_one_by_one(sqlite_bases: Bases) -> None:
    base, principal = open_base(sqlite_bases, "0140070A", 2018)
    before = head(base)

    result = import_twice(base, "siecle", read("siecle", RESPONSABLES, NOMENCLATURE))

    unknown = [r for r in result.report.rejected if "is not a student of this school" in r.reason]
    assert len(unknown) == 3  # the file's three links, each with its own reason
    assert sorted(r.reason for r in unknown) == [
        "ELEVE_ID 610305 is not a student of this school",
        "ELEVE_ID 610308 is not a student of this school",
        "ELEVE_ID 610308 is not a student of this school",
    ]
    assert (result.report.created, result.report.updated) == (0, 0)
    assert result.events == []
    assert head(base) == before
    assert base.list_guardians(principal) == []
    assert base.list_students(principal) == []


# --- STS-WEB ---------------------------------------------------------------------------------------------------------


def test_the_sts_sample_creates_staff_divisions_groups_and_services(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    base, principal = open_base(sqlite_bases, uai_factory())

    result = import_twice(base, "sts", read("sts", STS), force_uai=True)

    assert result.report.rejected == []
    assert result.run.forced_uai == "0750001A"
    assert result.changes["Teacher.Registered"] == 2
    assert result.changes["SchoolClass.Created"] >= 1
    assert result.changes["TeachingGroup.Created"] >= 1
    assert result.changes["Service.Created"] >= 1
    assert len(base.list_teachers(principal)) == 2
    assert base.list_classes(principal) != []


def test_the_edt_sts_timetable_file_is_not_an_sts_import(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> None:
    with pytest.raises(FileRefused, match="EDT_STS"):
        read("sts", EDT_STS)


# --- ONDE ------------------------------------------------------------------------------------------------------------


def test_the_onde_files_import_247_students_their_guardians_and_14_teachers(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    base, principal = open_base(sqlite_bases, uai_factory())

    result = import_twice(base, "onde", read("onde", *ONDE, ONDE_TEACHERS))

    assert result.report.rejected == []
    assert result.changes["Student.Enrolled"] == 247
    assert len(base.list_students(principal)) == 247
    guardians = base.list_guardians(principal)
    assert len(guardians) == result.changes["Guardian.Registered"] > 0
    assert sum(len(g.children) for g in guardians) == result.changes["Guardian.ChildLinked"] > 0
    assert all(g.children for g in guardians)
    teachers = base.list_teachers(principal)
    assert len(teachers) == 14
    assert all(t.principal_of for t in teachers)  # each with their class, the director's included
    assert base.list_staff(principal) == []


# --- both backends ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    [
        ("onde", (*ONDE, ONDE_TEACHERS), YEAR, None),
        ("siecle", (DOUBLE_STRUCTURE,), 2019, "0660864F"),
    ],
    ids=["onde", "siecle"],
)
def test_reimporting_corpus_files_writes_nothing_on_each_backend(
    bases: Bases, uai_factory: Callable[[], str], case: tuple[str, tuple[str, ...], int, str | None]
) -> None:
    kind, names, year, uai = case
    # The SIECLE file names its school (0660864F): no other test of the session's cluster uses that base.
    base, _ = open_base(bases, uai or uai_factory(), year)

    first = import_twice(base, kind, read(kind, *names), force_uai=uai is None)

    assert first.report.created > 0
    assert first.kinds[RECORDED] == 1
