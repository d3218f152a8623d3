"""The STS-WEB reader: the corpus sample read exactly, and each edge case of FORMATS.md §8 (19–24) built here."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from adapters.national.sts import read_sts
from application.imports.records import FileRefused, Origin, ParsedFile, ServiceEntry, TeacherEntry

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
STS_SAMPLE = CORPUS / "sts" / "sts_emp_0750001A_2026.xml"
EMP_STS_SAMPLE = CORPUS / "edt" / "emp_sts_0750001A_2026.xml"

PARAMETERS = '<PARAMETRES><UAJ CODE="0750001U"/><ANNEE_SCOLAIRE ANNEE="2026"/></PARAMETRES>'
SUBJECTS = """<NOMENCLATURES><MATIERES>
<MATIERE CODE="020700"><LIBELLE_COURT>FRANCAIS</LIBELLE_COURT><LIBELLE_LONG>FRANCAIS LONG</LIBELLE_LONG></MATIERE>
<MATIERE CODE="061300"><LIBELLE_LONG>MATHEMATIQUES</LIBELLE_LONG></MATIERE>
</MATIERES></NOMENCLATURES>"""
CURIE = """<INDIVIDU ID="1" TYPE="epp"><SEXE>2</SEXE><CIVILITE>2</CIVILITE><NOM_USAGE>CURIE</NOM_USAGE>
<PRENOM>Marie</PRENOM><DATE_NAISSANCE>1967-11-07</DATE_NAISSANCE><FONCTION>ENS</FONCTION></INDIVIDU>"""
HUGO = """<INDIVIDU ID="2" TYPE="epp"><SEXE>1</SEXE><CIVILITE>1</CIVILITE><NOM_USAGE>HUGO</NOM_USAGE>
<PRENOM>Victor</PRENOM><FONCTION>ENS</FONCTION></INDIVIDU>"""


def sts_xml(
    individuals: str = CURIE + HUGO,
    divisions: str = "",
    groups: str = "",
    *,
    parameters: str = PARAMETERS,
    encoding: str = "UTF-8",
) -> bytes:
    """A small ``sts_emp`` document in ``encoding``, one element per line so that lines can be checked."""
    document = f"""<?xml version="1.0" encoding="{encoding}"?>
<STS_EDT>
{parameters}
{SUBJECTS}
<DONNEES>
<INDIVIDUS>
{individuals}
</INDIVIDUS>
<STRUCTURE>
<DIVISIONS>
{divisions}
</DIVISIONS>
<GROUPES>
{groups}
</GROUPES>
</STRUCTURE>
</DONNEES>
</STS_EDT>
"""
    return document.encode(encoding)


def read(document: bytes, name: str = "sts_emp_0750001U_2026.xml") -> ParsedFile:
    return read_sts(name, document)


def line_of(document: bytes, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle`` in a UTF-8 document."""
    return next(number for number, line in enumerate(document.decode().splitlines(), 1) if needle in line)


def service(entries: list[ServiceEntry], subject: str, where: str) -> ServiceEntry:
    (found,) = [
        entry for entry in entries if entry.subject_code == subject and where in (entry.class_code, entry.group_code)
    ]
    return found


def by_id(parsed: ParsedFile) -> dict[str | None, TeacherEntry]:
    return {entry.source_id: entry for entry in parsed.teachers}


# --- the corpus ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> ParsedFile:
    return read_sts(STS_SAMPLE.name, STS_SAMPLE.read_bytes())


def test_the_sample_header_names_its_school_and_year(sample: ParsedFile) -> None:
    header = sample.header
    assert (header.kind, header.uai, header.year, header.name) == ("sts", "0750001A", 2026, STS_SAMPLE.name)
    assert re.fullmatch("[0-9a-f]{64}", header.sha256)
    assert sample.unreadable == []


def test_the_sample_individuals_are_two_teachers_with_disciplines_and_one_principal_class(sample: ParsedFile) -> None:
    durand, petit = sample.teachers

    assert [(t.source_id, t.civility, t.last_name, t.first_name, t.function) for t in sample.teachers] == [
        ("8949", "M.", "DURAND", "Michel", "ENS"),
        ("8950", "Mme", "PETIT", "Helene", "ENS"),
    ]
    assert (durand.birth_date, durand.disciplines, durand.principal_of) == (date(1975, 3, 12), ("ALL1",), ("6E1",))
    assert (petit.birth_date, petit.disciplines, petit.principal_of) == (date(1980, 7, 25), ("ANG1",), ())
    assert durand.origin == Origin(STS_SAMPLE.name, 80, "INDIVIDU 8949 DURAND Michel")


def test_the_sample_division_has_its_mef_and_its_groups_are_parts_of_it(sample: ParsedFile) -> None:
    assert [(d.code, d.label, d.mefs) for d in sample.divisions] == [("6E1", None, ("10010012110",))]
    assert [(g.code, g.label, g.divisions) for g in sample.groups] == [
        ("6LV1.ALL", "6EME ALLEMAND LV1", ("6E1",)),
        ("6LV1.ANG", "6EME ANGLAIS LV1", ("6E1",)),
    ]


def test_the_sample_services_name_their_subject_place_and_teachers(sample: ParsedFile) -> None:
    assert [
        (s.subject_code, s.subject_label, s.course_mode, s.class_code, s.group_code, s.teachers)
        for s in sample.services
    ] == [
        ("030101", "ALLEMAND LV1", "CG", "6E1", None, ("8949",)),
        ("030101", "ALLEMAND LV1", "CG", None, "6LV1.ALL", ("8949",)),
        ("030201", "ANGLAIS LV1", "CG", None, "6LV1.ANG", ("8950",)),
    ]
    assert [(s.code, s.short_label, s.long_label) for s in sample.subjects] == [
        ("030101", "ALLEMAND LV1", "ALLEMAND PREMIERE LANGUE"),
        ("030201", "ANGLAIS LV1", "ANGLAIS PREMIERE LANGUE"),
    ]


def test_the_timetable_upward_file_is_refused_with_the_anagram_explained() -> None:
    with pytest.raises(FileRefused) as refused:
        read_sts(EMP_STS_SAMPLE.name, EMP_STS_SAMPLE.read_bytes())

    assert (
        "this is an emp_sts timetable file (EDT_STS), not an STS-WEB sts_emp export (STS_EDT)" in refused.value.message
    )


# --- the file as a whole ---------------------------------------------------------------------------------------------


def test_another_root_is_refused_by_its_name() -> None:
    with pytest.raises(FileRefused, match="the root element is BEE_ELEVES, not STS_EDT"):
        read(b'<?xml version="1.0"?>\n<BEE_ELEVES VERSION="3.0"><PARAMETRES/></BEE_ELEVES>')


def test_an_iso_8859_15_document_keeps_its_accents() -> None:
    individual = """<INDIVIDU ID="7" TYPE="epp"><NOM_PATRONYMIQUE>CŒUR-LÉGER</NOM_PATRONYMIQUE><PRENOM>François</PRENOM>
<FONCTION>ENS</FONCTION><DISCIPLINES><DISCIPLINE CODE="L0202">
<LIBELLE_COURT>LETTRES ÉCONOMIE €</LIBELLE_COURT></DISCIPLINE>
</DISCIPLINES></INDIVIDU>"""
    document = sts_xml(individual, encoding="ISO-8859-15")
    assert "Œ".encode("iso-8859-15") in document  # 0xBC: a byte that Latin-1 would misread

    (teacher,) = read(document).teachers

    assert (teacher.last_name, teacher.first_name, teacher.disciplines) == (
        "CŒUR-LÉGER",
        "François",
        ("LETTRES ÉCONOMIE €",),
    )


def test_a_utf8_bom_is_tolerated() -> None:
    assert read(b"\xef\xbb\xbf" + sts_xml()).header.uai == "0750001U"


def test_a_zip_holding_the_xml_reads_as_the_xml_with_the_zip_digest() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sts_emp_0750001U_2026.xml", sts_xml())
        archive.writestr("__MACOSX/._sts_emp_0750001U_2026.xml", b"\x00\x05")
    zipped = buffer.getvalue()

    parsed, bare = read(zipped, "sts.zip"), read(sts_xml())

    assert parsed.teachers == [replace(t, origin=replace(t.origin, file="sts.zip")) for t in bare.teachers]
    assert parsed.header.sha256 != bare.header.sha256
    assert parsed.header.name == "sts.zip"


def test_malformed_xml_is_refused_with_its_line() -> None:
    document = sts_xml(CURIE.replace("</PRENOM>", "</PRENON>"))

    with pytest.raises(FileRefused, match=rf"not well-formed XML .*line {line_of(document, '</PRENON>')}"):
        read(document)


def test_the_school_may_be_the_uaj_text_and_the_year_may_be_missing() -> None:
    parsed = read(sts_xml(parameters="<PARAMETRES><UAJ> 0750001U </UAJ><ANNEE_SCOLAIRE/></PARAMETRES>"))

    assert (parsed.header.uai, parsed.header.year) == ("0750001U", None)


# --- individuals -----------------------------------------------------------------------------------------------------


def test_a_local_individual_without_birth_date_and_with_an_empty_sex_has_no_civility() -> None:
    local = '<INDIVIDU ID="L1" TYPE="local"><SEXE></SEXE><NOM_USAGE>NOUVEAU</NOM_USAGE><PRENOM>Jean</PRENOM></INDIVIDU>'

    (teacher,) = read(sts_xml(local)).teachers

    assert (teacher.source_id, teacher.civility, teacher.birth_date, teacher.function) == ("L1", None, None, None)


@pytest.mark.parametrize(
    ("civility", "sex", "expected"),
    [("1", "", "M."), ("2", "", "Mme"), ("3", "2", "Mme"), ("", "1", "M."), ("", "2", "Mme"), ("9", "", None)],
)
def test_civility_comes_from_civilite_then_from_sexe(civility: str, sex: str, expected: str | None) -> None:
    individual = (
        f'<INDIVIDU ID="3"><SEXE>{sex}</SEXE><CIVILITE>{civility}</CIVILITE><NOM_USAGE>X</NOM_USAGE></INDIVIDU>'
    )

    assert read(sts_xml(individual)).teachers[0].civility == expected


@pytest.mark.parametrize("function", ["DIR", "EDU", "DOC"])
def test_other_functions_are_kept_as_given_and_the_birth_name_stands_in_for_the_usage_name(function: str) -> None:
    individual = f"""<INDIVIDU ID="S1" TYPE="epp"><NOM_USAGE/><NOM_PATRONYMIQUE>BLANC</NOM_PATRONYMIQUE>
<PRENOM>Éric</PRENOM><FONCTION>{function}</FONCTION><DISCIPLINES><DISCIPLINE CODE="D1"/></DISCIPLINES></INDIVIDU>"""

    (staff,) = read(sts_xml(individual)).teachers

    assert (staff.function, staff.last_name, staff.first_name, staff.disciplines) == (
        function,
        "BLANC",
        "Éric",
        ("D1",),
    )


def test_an_individual_given_twice_is_read_once_and_the_repeat_reported() -> None:
    document = sts_xml(CURIE + CURIE.replace("CURIE", "SKLODOWSKA"))

    parsed = read(document)

    assert [t.last_name for t in parsed.teachers] == ["CURIE"]
    ((origin, reason),) = parsed.unreadable
    assert origin.label == "INDIVIDU 1 SKLODOWSKA Marie"
    assert "INDIVIDU 1 appears twice (first at line" in reason


# --- structure -------------------------------------------------------------------------------------------------------


def test_mefs_are_read_in_all_three_spellings_and_a_division_without_services_is_kept() -> None:
    divisions = """<DIVISION CODE="3 A"><LIBELLE_LONG>3e A</LIBELLE_LONG><MEFS_APPARTENANCE>
<MEF_APPARTENANCE CODE="10310019110"/><MEF CODE="10310019111"/><MEF_APPARTENANCE><CODE_MEF>10310019112</CODE_MEF>
</MEF_APPARTENANCE><MEF_APPARTENANCE CODE="10310019110"/></MEFS_APPARTENANCE></DIVISION>"""

    parsed = read(sts_xml(divisions=divisions))

    assert [(d.code, d.label, d.mefs) for d in parsed.divisions] == [
        ("3 A", "3e A", ("10310019110", "10310019111", "10310019112"))
    ]
    assert parsed.services == []


def test_a_group_is_part_of_one_class_or_drawn_from_several_and_an_empty_label_is_none() -> None:
    groups = """<GROUPE CODE="3A-LAT"><LIBELLE_LONG></LIBELLE_LONG><DIVISIONS_APPARTENANCE>
<DIVISION_APPARTENANCE CODE="3A"/></DIVISIONS_APPARTENANCE></GROUPE>
<GROUPE CODE="3AB-ESP"><LIBELLE_LONG>Espagnol LV2</LIBELLE_LONG><DIVISIONS_APPARTENANCE>
<DIVISION_APPARTENANCE CODE="3A"/><DIVISION_APPARTENANCE CODE="3B"/></DIVISIONS_APPARTENANCE></GROUPE>"""

    parsed = read(sts_xml(groups=groups))

    assert [(g.code, g.label, g.divisions) for g in parsed.groups] == [
        ("3A-LAT", None, ("3A",)),
        ("3AB-ESP", "Espagnol LV2", ("3A", "3B")),
    ]


def test_services_default_to_cours_general_and_may_have_no_teacher() -> None:
    divisions = """<DIVISION CODE="3A"><SERVICES>
<SERVICE CODE_MATIERE="020700"/>
<SERVICE CODE_MATIERE="061300" CODE_MOD_COURS="AP"><ENSEIGNANTS><ENSEIGNANT ID="2" TYPE="epp"/></ENSEIGNANTS></SERVICE>
</SERVICES></DIVISION>"""

    parsed = read(sts_xml(divisions=divisions))

    assert [(s.subject_code, s.subject_label, s.course_mode, s.class_code, s.teachers) for s in parsed.services] == [
        ("020700", "FRANCAIS", "CG", "3A", ()),
        ("061300", "MATHEMATIQUES", "AP", "3A", ("2",)),
    ]
    assert parsed.unreadable == []


def test_a_group_service_names_the_group_and_an_unknown_subject_has_no_label() -> None:
    groups = """<GROUPE CODE="G1"><SERVICES><SERVICE CODE_MATIERE="999999" CODE_MOD_COURS="CG"><ENSEIGNANTS>
<ENSEIGNANT ID="1"/></ENSEIGNANTS></SERVICE></SERVICES></GROUPE>"""

    (entry,) = read(sts_xml(groups=groups)).services

    assert (entry.subject_label, entry.class_code, entry.group_code, entry.teachers) == (None, None, "G1", ("1",))


def test_an_unknown_teacher_is_reported_and_the_service_keeps_the_known_ones() -> None:
    divisions = """<DIVISION CODE="3A"><SERVICES><SERVICE CODE_MATIERE="020700"><ENSEIGNANTS>
<ENSEIGNANT ID="1" TYPE="epp"/>
<ENSEIGNANT ID="404" TYPE="epp"/>
</ENSEIGNANTS></SERVICE></SERVICES></DIVISION>"""
    document = sts_xml(divisions=divisions)

    parsed = read(document)

    assert service(parsed.services, "020700", "3A").teachers == ("1",)
    ((origin, reason),) = parsed.unreadable
    assert origin == Origin(
        "sts_emp_0750001U_2026.xml", line_of(document, 'ID="404"'), "SERVICE 020700 CG DIVISION 3A ENSEIGNANT 404"
    )
    assert reason == "ENSEIGNANT 404 names no INDIVIDU of the file"


def test_a_service_given_twice_is_one_service_with_the_teachers_of_both() -> None:
    divisions = """<DIVISION CODE="3A"><SERVICES>
<SERVICE CODE_MATIERE="020700"><ENSEIGNANTS><ENSEIGNANT ID="2"/></ENSEIGNANTS></SERVICE>
<SERVICE CODE_MATIERE="020700" CODE_MOD_COURS="CG">
<ENSEIGNANTS><ENSEIGNANT ID="1"/><ENSEIGNANT ID="2"/></ENSEIGNANTS></SERVICE>
</SERVICES></DIVISION>"""
    document = sts_xml(divisions=divisions)

    (merged,) = read(document).services

    assert merged.teachers == ("2", "1")
    assert merged.origin.line == line_of(document, '<SERVICE CODE_MATIERE="020700">')


def test_entries_without_their_code_are_reported_not_guessed() -> None:
    divisions = """<DIVISION><SERVICES><SERVICE CODE_MATIERE="020700"/></SERVICES></DIVISION>
<DIVISION CODE="3A"><SERVICES><SERVICE><ENSEIGNANTS><ENSEIGNANT ID="1"/></ENSEIGNANTS></SERVICE>
</SERVICES></DIVISION>"""

    parsed = read(sts_xml(divisions=divisions))

    assert [d.code for d in parsed.divisions] == ["3A"]
    assert parsed.services == []
    assert [reason for _, reason in parsed.unreadable] == ["DIVISION without CODE", "SERVICE without CODE_MATIERE"]
