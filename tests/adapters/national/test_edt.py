"""The emp_sts timetable reader: the corpus sample read exactly, and each way a file can go wrong built here."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date, time

import pytest

from adapters.national.edt import read_edt
from application.imports.records import FileRefused, LessonEntry, Origin, ParsedFile
from tests.corpus import CORPUS

SAMPLE = CORPUS / "edt" / "emp_sts_0750001A_2026.xml"
STS_SAMPLE = CORPUS / "sts" / "sts_emp_0750001A_2026.xml"
NAME = "emp_sts_0750001U_2026.xml"

ALTERNATIONS = """<ALTERNANCE CODE="H"><LIBELLE_LONG>Toutes les semaines</LIBELLE_LONG><SEMAINES>
<DATE_DEBUT_SEMAINE>2026-08-31</DATE_DEBUT_SEMAINE>
<DATE_DEBUT_SEMAINE>2026-09-07</DATE_DEBUT_SEMAINE>
</SEMAINES></ALTERNANCE>"""


def edt_xml(
    divisions: str = "",
    groups: str = "",
    *,
    alternations: str = ALTERNATIONS,
    parameters: str = "",
    encoding: str = "UTF-8",
) -> bytes:
    """A small ``emp_sts`` document in ``encoding``, one element per line so that lines can be checked."""
    document = f"""<?xml version="1.0" encoding="{encoding}"?>
<EDT_STS>
{parameters}
<ALTERNANCES>
{alternations}
</ALTERNANCES>
<DONNEES>
<STRUCTURE>
<DIVISIONS>
{divisions}
</DIVISIONS>
<GROUPES>
{groups}
</GROUPES>
</STRUCTURE>
</DONNEES>
</EDT_STS>
"""
    return document.encode(encoding)


def division(code: str, *cours: str, subject: str = "020700", mode: str = "", teacher: str = "1") -> str:
    """A class with one service, one teacher and the given ``COURS`` bodies, one per line."""
    mode_attribute = f' CODE_MOD_COURS="{mode}"' if mode else ""
    lessons = "\n".join(f"<COURS>{body}</COURS>" for body in cours)
    return f"""<DIVISION CODE="{code}"><SERVICES><SERVICE CODE_MATIERE="{subject}"{mode_attribute}><ENSEIGNANTS>
<ENSEIGNANT ID="{teacher}" TYPE="epp"><COURS_RATTACHES>
{lessons}
</COURS_RATTACHES></ENSEIGNANT></ENSEIGNANTS></SERVICE></SERVICES></DIVISION>"""


MONDAY_8 = "<CODE_ALTERNANCE>H</CODE_ALTERNANCE><JOUR>1</JOUR><HEURE_DEBUT>0800</HEURE_DEBUT><DUREE>0100</DUREE>"


def read(document: bytes, name: str = NAME) -> ParsedFile:
    return read_edt(name, document)


def line_of(document: bytes, needle: str) -> int:
    """The 1-based line of the first occurrence of ``needle`` in a UTF-8 document."""
    return next(number for number, line in enumerate(document.decode().splitlines(), 1) if needle in line)


def slot(lesson: LessonEntry) -> tuple[object, ...]:
    return (lesson.weekday, lesson.start, lesson.duration, lesson.alternation, lesson.room)


# --- the corpus ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> ParsedFile:
    return read_edt(SAMPLE.name, SAMPLE.read_bytes())


def test_the_sample_names_its_school_and_year_by_its_file_name_having_no_parameters(sample: ParsedFile) -> None:
    header = sample.header
    assert (header.kind, header.uai, header.year, header.name) == ("edt-sts", "0750001A", 2026, SAMPLE.name)
    assert re.fullmatch("[0-9a-f]{64}", header.sha256)
    assert sample.unreadable == []


def test_the_sample_alternations_are_every_week_and_two_fortnights_that_share_it(sample: ParsedFile) -> None:
    every, week_a, week_b = sample.alternations

    assert [(a.code, a.label, len(a.weeks)) for a in sample.alternations] == [
        ("H", "Toutes les semaines", 36),
        ("A", "Semaines A", 18),
        ("B", "Semaines B", 18),
    ]
    assert (every.weeks[0], every.weeks[-1]) == (date(2026, 8, 31), date(2027, 6, 28))
    assert set(week_a.weeks).isdisjoint(week_b.weeks)
    assert set(week_a.weeks) | set(week_b.weeks) == set(every.weeks)
    assert every.origin == Origin(SAMPLE.name, line_of(SAMPLE.read_bytes(), '<ALTERNANCE CODE="H">'), "ALTERNANCE H")


def test_the_sample_has_five_lessons_for_each_language_group(sample: ParsedFile) -> None:
    assert len(sample.lessons) == 10
    assert {
        (lesson.group_code, lesson.class_code, lesson.subject_code, lesson.subject_label, lesson.teachers)
        for lesson in sample.lessons
    } == {("6LV1.ALL", None, "030101", None, ("8949",)), ("6LV1.ANG", None, "030201", None, ("8950",))}
    german, english = sample.lessons[:5], sample.lessons[5:]
    eight = time(8)
    assert [slot(lesson) for lesson in german] == [
        (1, eight, 60, "H", None),
        (2, eight, 60, "H", None),
        (4, eight, 60, "H", None),
        (5, eight, 60, "H", None),
        (3, eight, 60, "A", None),
    ]
    assert [slot(lesson) for lesson in english] == [*[slot(lesson) for lesson in german[:4]], (3, eight, 60, "B", None)]
    assert {(lesson.kind, lesson.course_mode, lesson.week_dates) for lesson in sample.lessons} == {("lesson", "CG", ())}


def test_each_sample_lesson_is_found_by_its_cours_line_group_subject_and_teacher(sample: ParsedFile) -> None:
    first = sample.lessons[0]

    assert first.origin == Origin(SAMPLE.name, 150, "GROUPE 6LV1.ALL 030101 ENSEIGNANT 8949")
    assert str(first.origin) == f"{SAMPLE.name}:150 GROUPE 6LV1.ALL 030101 ENSEIGNANT 8949"


# --- the file as a whole ---------------------------------------------------------------------------------------------


def test_the_sts_web_export_is_refused_with_the_anagram_explained() -> None:
    with pytest.raises(FileRefused) as refused:
        read_edt(STS_SAMPLE.name, STS_SAMPLE.read_bytes())

    message = refused.value.message
    assert "this is the STS-WEB export sts_emp (STS_EDT)" in message
    assert "import it as sts; a timetable import takes emp_sts_<UAI>_<year>.xml (EDT_STS)" in message
    assert refused.value.field == "file"


def test_another_root_is_refused_by_its_name() -> None:
    with pytest.raises(FileRefused, match="the root element is BEE_ELEVES, not EDT_STS: not an emp_sts timetable"):
        read(b'<?xml version="1.0"?>\n<BEE_ELEVES VERSION="3.0"><PARAMETRES/></BEE_ELEVES>')


def test_malformed_xml_is_refused_with_its_line() -> None:
    document = edt_xml(division("6E1", MONDAY_8.replace("</JOUR>", "</JOUX>")))

    with pytest.raises(FileRefused, match=rf"not well-formed XML .*line {line_of(document, '</JOUX>')}"):
        read(document)


def test_a_zip_holding_the_xml_reads_as_the_xml_with_the_zip_digest() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(NAME, edt_xml(division("6E1", MONDAY_8)))
        archive.writestr(f"__MACOSX/._{NAME}", b"\x00\x05")
    zipped = buffer.getvalue()

    parsed, bare = read(zipped, "emp_sts_0750001U_2026.zip"), read(edt_xml(division("6E1", MONDAY_8)))

    relocated = [replace(x, origin=replace(x.origin, file="emp_sts_0750001U_2026.zip")) for x in bare.lessons]
    assert parsed.lessons == relocated
    assert (parsed.header.uai, parsed.header.year) == ("0750001U", 2026)
    assert parsed.header.sha256 != bare.header.sha256


def test_an_iso_8859_15_document_keeps_its_accents() -> None:
    alternation = """<ALTERNANCE CODE="Q1"><LIBELLE_LONG>Quinzaine élèves Œ</LIBELLE_LONG><SEMAINES>
<DATE_DEBUT_SEMAINE>2026-08-31</DATE_DEBUT_SEMAINE></SEMAINES></ALTERNANCE>"""
    cours = MONDAY_8 + "<CODE_SALLE>Étude €</CODE_SALLE>"
    document = edt_xml(division("3ÈME A", cours), alternations=alternation, encoding="ISO-8859-15")
    assert "Œ".encode("iso-8859-15") in document  # 0xBC: a byte that Latin-1 would misread

    parsed = read(document)

    assert [a.label for a in parsed.alternations] == ["Quinzaine élèves Œ"]
    ((lesson),) = parsed.lessons
    assert (lesson.class_code, lesson.room) == ("3ÈME A", "Étude €")


def test_a_utf8_bom_is_tolerated() -> None:
    assert len(read(b"\xef\xbb\xbf" + edt_xml(division("6E1", MONDAY_8))).lessons) == 1


# --- the school and the year -----------------------------------------------------------------------------------------


def test_the_uaj_text_and_the_school_year_of_parameters_win_over_the_file_name() -> None:
    parameters = '<PARAMETRES><UAJ> 0750002B </UAJ><ANNEE_SCOLAIRE ANNEE="2027"/></PARAMETRES>'

    header = read(edt_xml(parameters=parameters)).header

    assert (header.uai, header.year) == ("0750002B", 2027)


def test_the_uaj_may_be_an_attribute_and_a_missing_year_comes_from_the_file_name() -> None:
    header = read(edt_xml(parameters='<PARAMETRES><UAJ CODE="0750002B"/><ANNEE_SCOLAIRE/></PARAMETRES>')).header

    assert (header.uai, header.year) == ("0750002B", 2026)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("EMP_STS_0750001U_2026.XML", ("0750001U", 2026)),
        ("uploads/emp_sts_0750001u_2025.zip", ("0750001u", 2025)),
        ("timetable.xml", (None, None)),
        ("emp_sts_075_2026.xml", (None, None)),
    ],
)
def test_without_parameters_the_file_name_states_the_school_and_year_or_nothing_does(
    name: str, expected: tuple[str | None, int | None]
) -> None:
    header = read(edt_xml(), name).header

    assert (header.uai, header.year) == expected


# --- lessons ---------------------------------------------------------------------------------------------------------


def test_a_class_lesson_names_the_class_its_mode_room_and_alternation_every_week_by_default() -> None:
    cours = "<JOUR>6</JOUR><HEURE_DEBUT>1015</HEURE_DEBUT><DUREE>0130</DUREE><CODE_SALLE>B12</CODE_SALLE>"
    document = edt_xml(division("3A", cours, subject="061300", mode="AP", teacher="7"))

    (lesson,) = read(document).lessons

    assert lesson == LessonEntry(
        origin=Origin(NAME, line_of(document, "<COURS>"), "DIVISION 3A 061300 ENSEIGNANT 7"),
        subject_code="061300",
        subject_label=None,
        class_code="3A",
        group_code=None,
        teachers=("7",),
        weekday=6,
        start=time(10, 15),
        duration=90,
        alternation="H",
        room="B12",
        course_mode="AP",
    )


@pytest.mark.parametrize(
    ("room", "expected"),
    [
        ('<SALLE_COURS CODE="S01"/>', "S01"),
        ("<SALLE_COURS>S02</SALLE_COURS>", "S02"),
        ("<SALLE> Labo 3 </SALLE>", "Labo 3"),
        ("<CODE_SALLE/><SALLE>S04</SALLE>", "S04"),
        ("<CODE_SALLE></CODE_SALLE>", None),
    ],
)
def test_the_room_may_be_given_the_gepi_way(room: str, expected: str | None) -> None:
    (lesson,) = read(edt_xml(division("3A", MONDAY_8 + room))).lessons

    assert lesson.room == expected


@pytest.mark.parametrize(
    ("cours", "expected"),
    [
        ("<JOUR>7</JOUR><HEURE_DEBUT>0800</HEURE_DEBUT><DUREE>0100</DUREE>", (None, time(8), 60)),
        ("<JOUR>lundi</JOUR><HEURE_DEBUT>0800</HEURE_DEBUT><DUREE>0100</DUREE>", (None, time(8), 60)),
        ("<JOUR>0</JOUR><HEURE_DEBUT>2500</HEURE_DEBUT><DUREE>0100</DUREE>", (None, None, 60)),
        ("<JOUR>1</JOUR><HEURE_DEBUT>0875</HEURE_DEBUT><DUREE>0000</DUREE>", (1, None, None)),
        ("<JOUR>1</JOUR><HEURE_DEBUT>8h</HEURE_DEBUT><DUREE>1 heure</DUREE>", (1, None, None)),
        ("<JOUR>2</JOUR>", (2, None, None)),
        ("<HEURE_DEBUT>08:30</HEURE_DEBUT><DUREE>55</DUREE>", (None, time(8, 30), None)),
    ],
)
def test_a_lesson_value_missing_or_unreadable_is_none_for_the_import_to_reject(
    cours: str, expected: tuple[int | None, time | None, int | None]
) -> None:
    parsed = read(edt_xml(division("3A", cours)))

    (lesson,) = parsed.lessons
    assert (lesson.weekday, lesson.start, lesson.duration) == expected
    assert parsed.unreadable == []


def test_a_teacher_of_several_lessons_and_a_service_of_several_teachers_give_one_lesson_each() -> None:
    groups = f"""<GROUPE CODE="G1"><SERVICES><SERVICE CODE_MATIERE="030201"><ENSEIGNANTS>
<ENSEIGNANT ID="1"><COURS_RATTACHES><COURS>{MONDAY_8}</COURS><COURS>{MONDAY_8}</COURS></COURS_RATTACHES></ENSEIGNANT>
<ENSEIGNANT ID="2"><COURS_RATTACHES><COURS>{MONDAY_8}</COURS></COURS_RATTACHES></ENSEIGNANT>
<ENSEIGNANT ID="3"/>
</ENSEIGNANTS></SERVICE></SERVICES></GROUPE>"""

    parsed = read(edt_xml(groups=groups))

    assert [(x.group_code, x.teachers, x.origin.label) for x in parsed.lessons] == [
        ("G1", ("1",), "GROUPE G1 030201 ENSEIGNANT 1"),
        ("G1", ("1",), "GROUPE G1 030201 ENSEIGNANT 1"),
        ("G1", ("2",), "GROUPE G1 030201 ENSEIGNANT 2"),
    ]
    assert parsed.unreadable == []


def test_entries_without_their_code_are_reported_with_their_lessons_not_guessed() -> None:
    divisions = "\n".join(
        [
            division("", MONDAY_8),
            division("3A", MONDAY_8, subject=""),
            division("3B", MONDAY_8, teacher=""),
            division("3C", MONDAY_8),
        ]
    )
    document = edt_xml(divisions)

    parsed = read(document)

    assert [lesson.class_code for lesson in parsed.lessons] == ["3C"]
    assert [(origin.label, reason) for origin, reason in parsed.unreadable] == [
        ("DIVISION", "DIVISION without CODE"),
        ("SERVICE DIVISION 3A", "SERVICE without CODE_MATIERE"),
        ("DIVISION 3B 020700 ENSEIGNANT", "ENSEIGNANT without ID: its COURS are not read"),
    ]
    assert parsed.unreadable[2][0].line == line_of(document, '<ENSEIGNANT ID=""')


# --- alternations ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "what"),
    [("2026-09-02", "is a Wednesday"), ("2026-09-32", "is not a date"), ("", "is not a date")],
)
def test_an_alternation_with_a_week_that_is_not_a_monday_is_reported_and_the_others_kept(week: str, what: str) -> None:
    wrong = f"""<ALTERNANCE CODE="A"><SEMAINES><DATE_DEBUT_SEMAINE>2026-08-31</DATE_DEBUT_SEMAINE>
<DATE_DEBUT_SEMAINE>{week}</DATE_DEBUT_SEMAINE></SEMAINES></ALTERNANCE>"""
    document = edt_xml(alternations=ALTERNATIONS + "\n" + wrong)

    parsed = read(document)

    assert [a.code for a in parsed.alternations] == ["H"]
    ((origin, reason),) = parsed.unreadable
    assert origin == Origin(NAME, line_of(document, '<ALTERNANCE CODE="A">'), "ALTERNANCE A")
    line = line_of(document, f"<DATE_DEBUT_SEMAINE>{week}</DATE_DEBUT_SEMAINE></SEMAINES>")
    assert reason == (
        f"DATE_DEBUT_SEMAINE {week or '(empty)'} at line {line} {what}, "
        "not the Monday of a week: the alternation is ignored"
    )


def test_an_alternation_short_label_stands_in_and_one_without_weeks_is_kept() -> None:
    alternation = '<ALTERNANCE CODE="S1"><LIBELLE_COURT>Semestre 1</LIBELLE_COURT></ALTERNANCE>'

    (entry,) = read(edt_xml(alternations=alternation)).alternations

    assert (entry.code, entry.label, entry.weeks) == ("S1", "Semestre 1", ())


def test_an_alternation_without_code_or_given_twice_is_reported() -> None:
    document = edt_xml(alternations=ALTERNATIONS + "\n<ALTERNANCE/>\n" + ALTERNATIONS.replace("Toutes", "Autres"))

    parsed = read(document)

    assert [(a.code, a.label) for a in parsed.alternations] == [("H", "Toutes les semaines")]
    first = line_of(document, '<ALTERNANCE CODE="H">')
    assert [reason for _, reason in parsed.unreadable] == [
        "ALTERNANCE without CODE",
        f"ALTERNANCE H appears twice (first at line {first}); this one is ignored",
    ]
