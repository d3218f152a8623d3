"""The timetable CSV reader (docs/timetable-csv.md), and the timetable import that tells it from emp_sts."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import date, time
from pathlib import Path

import pytest

from adapters.national.readers import READERS
from adapters.national.timetable_csv import read_timetable_csv
from application.imports.records import FileRefused, LessonEntry, Origin, ParsedFile
from tests.corpus import CORPUS

DOC = Path(__file__).resolve().parents[3] / "docs" / "timetable-csv.md"
HEADER = "weekday;start;duration;subject_code;subject;class;group;teachers;room;weeks;kind"


def read(*lines: str, encoding: str = "utf-8", eol: str = "\r\n", name: str = "timetable.csv") -> ParsedFile:
    return read_timetable_csv(name, eol.join(lines).encode(encoding) + eol.encode())


def slot(lesson: LessonEntry) -> tuple[object, ...]:
    return (lesson.weekday, lesson.start, lesson.duration)


# --- the documented example ------------------------------------------------------------------------------------------


def test_the_example_of_the_documentation_reads_as_it_says() -> None:
    (example,) = re.findall(r"```csv\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)

    parsed = read_timetable_csv("example.csv", example.encode())

    assert parsed.unreadable == []
    assert [(x.origin.line, x.kind, x.class_code, x.group_code, x.teachers) for x in parsed.lessons] == [
        (2, "lesson", None, "6LV1.ALL", ("8949",)),
        (3, "lesson", "6E1", None, ("8949", "DURAND Michel")),
        (4, "lesson", "6E1", None, ("PETIT Hélène",)),
        (5, "permanence", None, None, ()),
        (6, "cdi", None, None, ()),
    ]
    assert [(*slot(x), x.alternation, len(x.week_dates)) for x in parsed.lessons] == [
        (1, time(8), 60, "H", 0),
        (1, time(10, 15), 90, "A", 0),
        (3, time(9), 55, None, 2),
        (4, time(13), 60, "H", 0),
        (5, time(14), 120, "H", 0),
    ]


def test_every_column_of_a_semicolon_file_is_read_into_its_field() -> None:
    data = (
        "\r\n".join(
            [
                HEADER,
                "1;08:00;60;030101;Allemand LV1;;6LV1.ALL;8949;B12;;",
                "3;10h15;1h30;061300;Mathématiques;6E1;;8949|DURAND Michel;S01;A;lesson",
                "5;14:00;1:00;;;;;;CDI;;cdi",
            ]
        )
        + "\r\n"
    ).encode()

    parsed = read_timetable_csv("edt.csv", data)

    header = parsed.header
    assert (header.kind, header.uai, header.year, header.name) == ("timetable-csv", None, None, "edt.csv")
    assert header.sha256 == hashlib.sha256(data).hexdigest()
    assert parsed.unreadable == []
    german, maths, cdi = parsed.lessons
    assert german == LessonEntry(
        origin=Origin("edt.csv", 2, "6LV1.ALL 030101"),
        subject_code="030101",
        subject_label="Allemand LV1",
        class_code=None,
        group_code="6LV1.ALL",
        teachers=("8949",),
        weekday=1,
        start=time(8),
        duration=60,
        alternation="H",
        room="B12",
    )
    assert (maths.class_code, maths.teachers, slot(maths), maths.alternation) == (
        "6E1",
        ("8949", "DURAND Michel"),
        (3, time(10, 15), 90),
        "A",
    )
    assert (cdi.kind, cdi.class_code, cdi.subject_code, cdi.teachers, cdi.room, cdi.origin.label) == (
        "cdi",
        None,
        None,
        (),
        "CDI",
        "cdi",
    )


def test_a_comma_file_reads_like_a_semicolon_one_and_quoted_cells_keep_their_commas() -> None:
    comma = read(HEADER.replace(";", ","), '2,9:00,55,,"Vie de classe, heure",6E1,,,,,')
    semicolon = read(HEADER, "2;9:00;55;;Vie de classe, heure;6E1;;;;;")

    assert comma.lessons == semicolon.lessons
    (lesson,) = comma.lessons
    assert (lesson.subject_label, slot(lesson)) == ("Vie de classe, heure", (2, time(9), 55))


def test_french_column_names_in_any_case_and_order_with_french_day_names() -> None:
    parsed = read(
        "Classe;JOUR;Début;Durée;Code matière;Matière;Enseignants;Salle;Semaines;Type;Colonne inconnue",
        "6E1;Lundi;8h30;1h;020700;Français;1;A01;;cours;x",
        "6E1;MARDI;8h;2h00;020700;Français;1;A01;H;Cours;x",
        "6E1;samedi;08:00;55;020700;Français;1;A01;B;;x",
    )

    assert [(x.class_code, x.subject_code, x.subject_label, x.room, x.kind) for x in parsed.lessons] == [
        ("6E1", "020700", "Français", "A01", "lesson")
    ] * 3
    assert [(*slot(x), x.alternation) for x in parsed.lessons] == [
        (1, time(8, 30), 60, "H"),
        (2, time(8), 120, "H"),
        (6, time(8), 55, "B"),
    ]


def test_rows_are_found_by_their_physical_line_across_blank_lines_and_multi_line_cells() -> None:
    parsed = read(HEADER, "", '1;8:00;60;;"Atelier', 'théâtre";6E1;;;;;', ";;;;;;;;;;", "2;8:00;60;;;6E2;;;;;")

    assert [(x.origin.line, x.subject_label, x.class_code) for x in parsed.lessons] == [
        (3, "Atelier\r\nthéâtre", "6E1"),
        (6, None, "6E2"),
    ]


def test_a_short_row_has_empty_cells_and_a_permanence_needs_no_class() -> None:
    (lesson,) = read("weekday,start,duration,kind,room", "4,13:00,60,Permanence").lessons

    assert (lesson.kind, lesson.room, lesson.class_code, lesson.group_code, lesson.alternation) == (
        "permanence",
        None,
        None,
        None,
        "H",
    )


# --- weeks -----------------------------------------------------------------------------------------------------------


def test_an_explicit_list_of_mondays_is_read_in_order_without_repeats_and_without_alternation() -> None:
    (lesson,) = read(HEADER, "1;8:00;60;;;6E1;;;;2026-09-21 | 2026-09-07|2026-09-21;").lessons

    assert (lesson.alternation, lesson.week_dates) == (None, (date(2026, 9, 7), date(2026, 9, 21)))


@pytest.mark.parametrize(("weeks", "alternation"), [("", "H"), ("h", "H"), (" q1 ", "Q1"), ("|", "H")])
def test_an_alternation_code_is_read_in_capitals_and_empty_means_every_week(weeks: str, alternation: str) -> None:
    (lesson,) = read(HEADER, f"1;8:00;60;;;6E1;;;;{weeks};").lessons

    assert (lesson.alternation, lesson.week_dates) == (alternation, ())


NEITHER = "is neither an alternation code (H, A, B…) nor a list of Mondays (2026-09-07|2026-09-21)"


@pytest.mark.parametrize(
    ("weeks", "reason"),
    [
        ("2026-09-09", "weeks: 2026-09-09 is a Wednesday, not the Monday of a week"),
        ("2026-09-07|2026-02-30", "weeks: 2026-02-30 is not a date"),
        ("A|B", f"weeks 'A|B' {NEITHER}"),
        ("07/09/2026", f"weeks '07/09/2026' {NEITHER}"),
    ],
)
def test_unreadable_weeks_send_the_row_to_unreadable_and_the_others_are_kept(weeks: str, reason: str) -> None:
    parsed = read(HEADER, f"1;8:00;60;020700;;6E1;;;;{weeks};", "2;8:00;60;020700;;6E1;;;;;")

    assert [lesson.weekday for lesson in parsed.lessons] == [2]
    assert parsed.unreadable == [(Origin("timetable.csv", 2, "6E1 020700"), reason)]


# --- values ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("dimanche;8:00;60", (None, time(8), 60)),
        ("7;8:00;60", (None, time(8), 60)),
        ("0;8:00;60", (None, time(8), 60)),
        ("Monday;25:00;0", (1, None, None)),
        ("friday;8:75;abc", (5, None, None)),
        ("3;0800;1h75", (3, None, None)),
        (";;", (None, None, None)),
        ("6; 8 h 05 ;2h", (6, time(8, 5), 120)),
    ],
)
def test_a_value_missing_or_unreadable_is_none_for_the_import_to_reject(
    cells: str, expected: tuple[int | None, time | None, int | None]
) -> None:
    parsed = read("weekday;start;duration;class", f"{cells};6E1")

    (lesson,) = parsed.lessons
    assert slot(lesson) == expected
    assert parsed.unreadable == []


def test_an_unknown_kind_sends_the_row_to_unreadable() -> None:
    parsed = read("weekday;start;duration;kind", "1;8:00;60;réunion")

    assert parsed.lessons == []
    assert parsed.unreadable == [
        (Origin("timetable.csv", 2, "réunion"), "kind 'réunion' is not one of lesson, permanence, cdi")
    ]


# --- the file as a whole ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("class;subject", "weekday, start, duration"),
        ("weekday;start;duration;room", "class or group or kind"),
        ("jour;duree;groupe", "start"),
    ],
)
def test_a_header_without_the_required_columns_refuses_the_file_naming_them(header: str, missing: str) -> None:
    with pytest.raises(FileRefused, match=f"missing column {missing} \\(columns found: ") as refused:
        read(header, "1;8:00;60")

    assert refused.value.field == "file"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FileRefused, match=r"timetable\.csv: the file is empty"):
        read_timetable_csv("timetable.csv", b"\r\n \r\n")


def test_a_utf8_bom_is_dropped_before_the_first_column_name() -> None:
    (lesson,) = read_timetable_csv("t.csv", b"\xef\xbb\xbfweekday;start;duration;class\n1;8:00;60;6E1\n").lessons

    assert (lesson.weekday, lesson.class_code) == (1, "6E1")


def test_a_windows_1252_file_keeps_its_accents() -> None:
    parsed = read("Jour;Début;Durée;Classe;Matière;Salle", "lundi;8h;1h;6E1;Éducation œuvre;Salle €", encoding="cp1252")

    (lesson,) = parsed.lessons
    assert (lesson.subject_label, lesson.room) == ("Éducation œuvre", "Salle €")


def test_bytes_that_are_neither_utf8_nor_windows_1252_refuse_the_file() -> None:
    with pytest.raises(FileRefused, match=r"neither UTF-8 nor Windows-1252 text \(byte 0x81 at offset 28\)"):
        read_timetable_csv("t.csv", b"weekday;start;duration;class\x81\n")


# --- the timetable import: emp_sts or CSV ----------------------------------------------------------------------------


def test_the_timetable_import_reads_emp_sts_as_xml_and_anything_else_as_csv() -> None:
    sample = CORPUS / "edt" / "emp_sts_0750001A_2026.xml"
    read_timetable = READERS["timetable"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(sample.name, sample.read_bytes())

    xml = read_timetable(sample.name, sample.read_bytes())
    zipped = read_timetable("edt.zip", buffer.getvalue())
    csv = read_timetable("t.csv", b"\xef\xbb\xbfweekday;start;duration;class\n1;8:00;60;6E1\n")

    assert (xml.header.kind, len(xml.lessons)) == ("edt-sts", 10)
    assert (zipped.header.kind, zipped.lessons[0].origin.file, zipped.header.uai) == ("edt-sts", "edt.zip", None)
    assert (csv.header.kind, len(csv.lessons)) == ("timetable-csv", 1)


def test_the_timetable_import_refuses_the_sts_web_export_with_the_anagram_explained() -> None:
    sample = CORPUS / "sts" / "sts_emp_0750001A_2026.xml"

    with pytest.raises(FileRefused, match="this is the STS-WEB export sts_emp"):
        READERS["timetable"](sample.name, sample.read_bytes())
