"""The ONDE / BE1D reader, on the saved BE1D extractions and on the variants other ONDE versions write."""

from __future__ import annotations

import collections
import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from adapters.national.onde import normalise, read_onde
from application.imports.records import ChildRef, FileRefused, Origin, ParsedFile

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "onde-be1d"

BE1D_STUDENTS = '"Nom Elève";"Nom d\'usage Elève";"Prénom Elève";"Date naissance";"Sexe";" Cycle";"Niveau";"Classe"'
BE1D_GUARDIANS = (
    '"Civilité Responsable";"Nom usage responsable";"Nom responsable";"Prénom responsable";"Adresse responsable";'
    '"CP responsable";"Commune responsable";"Pays";"Courriel";"Téléphone domicile";"Téléphone travail";'
    '"Téléphone portable"' + ';"Nom d\'usage enfant";"Nom de famille enfant";"Prénom enfant";"Classes enfants"' * 3
)
BE1D_TEACHERS = '"Civilité";"Nom usage";"Nom";"Prénom";"Courriel";"Directeur";"Classe"'


def corpus(name: str) -> ParsedFile:
    return read_onde(name, (CORPUS / name).read_bytes())


def read(*lines: str, encoding: str = "iso-8859-15", eol: str = "\r\n", name: str = "x.csv") -> ParsedFile:
    return read_onde(name, eol.join(lines).encode(encoding) + eol.encode())


@pytest.fixture(scope="module")
def students() -> ParsedFile:
    return corpus("CSVExtraction-eleves.csv")


@pytest.fixture(scope="module")
def guardians() -> ParsedFile:
    return corpus("CSVExtraction-responsables.csv")


@pytest.fixture(scope="module")
def teachers() -> ParsedFile:
    return corpus("CSVExtraction-enseignants.csv")


# --- the BE1D corpus -------------------------------------------------------------------------------------------


def test_the_students_file_holds_247_students_and_says_neither_school_nor_year(students: ParsedFile) -> None:
    data = (CORPUS / "CSVExtraction-eleves.csv").read_bytes()
    assert students.header.kind == "onde-students"
    assert (students.header.uai, students.header.year) == (None, None)
    assert students.header.sha256 == hashlib.sha256(data).hexdigest()
    assert students.header.name == "CSVExtraction-eleves.csv"
    assert len(students.students) == 247
    assert (students.unreadable, students.guardians, students.teachers) == ([], [], [])
    assert all(s.birth_date and s.source_id is None and s.ine is None for s in students.students)
    assert collections.Counter(s.sex for s in students.students) == {"F": 137, "M": 110}  # BE1D writes H for boys
    assert collections.Counter(s.class_code for s in students.students)["CLIS"] == 21


def test_students_are_read_with_their_accents_class_level_and_line(students: ParsedFile) -> None:
    by_name = {(s.last_name, s.first_name): s for s in students.students}
    elea = by_name["CAILLET", "Eléa"]
    assert (elea.birth_date, elea.sex, elea.class_code, elea.level) == (date(2006, 9, 27), "F", "CE1", "CE1")
    assert elea.origin == Origin("CSVExtraction-eleves.csv", 4, "CAILLET Eléa")
    teo = by_name["DUBOIS CHAUDERON", "Téo"]
    assert (teo.birth_date, teo.sex, teo.class_code) == (date(2006, 8, 27), "M", "CE1")
    hugo = by_name["LEHMANN", "Hugo"]
    assert (hugo.birth_date, hugo.class_code, hugo.level, hugo.origin.line) == (date(2011, 8, 14), "TPS", "TPS", 241)
    assert ("CHAINTREUIL", "Maëlle") in by_name
    assert ("ROSIELLO", "Raphaël") in by_name


def test_every_responsables_row_gives_a_guardian_and_each_named_child_a_link(guardians: ParsedFile) -> None:
    assert guardians.header.kind == "onde-guardians"
    assert len(guardians.guardians) == 469
    assert len(guardians.links) == 450 + 16 * 2 + 3 * 3  # rows of 17, 21 and 25 fields: 1, 2 and 3 children
    assert guardians.unreadable == []
    assert all(link.relationship == "AUTRE" and link.legal and not link.priority for link in guardians.links)
    assert collections.Counter(g.civility for g in guardians.guardians) == {"Mme": 248, "M.": 221}
    first = guardians.guardians[0]
    assert (first.civility, first.last_name, first.first_name) == ("Mme", "ADJIBEL", "Corinne")
    assert first.address == "40 Avenue Beaucour, 61000 Alençon"
    assert (first.email, first.phone, first.source_id) == (None, None, None)


def test_a_guardian_of_three_children_has_a_link_to_each(guardians: ParsedFile) -> None:
    links = [link for link in guardians.links if link.origin.line == 293]
    assert [link.child for link in links] == [
        ChildRef(last_name="LEHMANN", first_name="Hugo", class_code="TPS"),
        ChildRef(last_name="LEHMANN", first_name="Rémy", class_code="CE1"),
        ChildRef(last_name="LEHMANN", first_name="Mathis", class_code="MS"),
    ]
    assert {(link.guardian.last_name, link.guardian.first_name) for link in links} == {("LEHMANN", "Florent")}
    assert links[0].origin == Origin("CSVExtraction-responsables.csv", 293, "LEHMANN Florent → LEHMANN Hugo")


def test_a_ragged_row_with_one_child_gives_one_link(guardians: ParsedFile) -> None:
    links = [link for link in guardians.links if link.origin.line == 3]
    assert [(link.guardian.first_name, link.child) for link in links] == [
        ("Norbert", ChildRef(last_name="ALBERT", first_name="Nawres", class_code="TPS"))
    ]


def test_a_person_on_two_rows_gives_two_guardians_for_the_import_to_merge(guardians: ParsedFile) -> None:
    rows = [g for g in guardians.guardians if (g.last_name, g.first_name) == ("PICOT", "Thierry")]
    assert [g.origin.line for g in rows] == [368, 369]
    children = [link.child.first_name for link in guardians.links if link.guardian in rows]
    assert children == ["Hugo", "Rémy"]


def test_the_teachers_file_gives_14_teachers_with_their_class_and_the_director(teachers: ParsedFile) -> None:
    assert teachers.header.kind == "onde-teachers"
    assert len(teachers.teachers) == 14
    assert teachers.unreadable == []
    first = teachers.teachers[0]
    assert (first.civility, first.last_name, first.first_name, first.classes) == (
        "Mme",
        "BAILLY",
        "Catherine",
        ("TPS",),
    )
    assert first.origin == Origin("CSVExtraction-enseignants.csv", 2, "BAILLY Catherine")
    assert [(t.last_name, t.first_name) for t in teachers.teachers if t.function == "DIR"] == [("PALLISE", "Martine")]
    assert sum(t.function is None for t in teachers.teachers) == 13
    assert collections.Counter(t.classes for t in teachers.teachers)["CM2",] == 2


# --- encodings and CSV dialects --------------------------------------------------------------------------------


def test_utf8_with_a_bom_is_read_as_utf8() -> None:
    parsed = read(BE1D_STUDENTS, '"CŒUR";;"Zoé";"2015-03-01";"F";;"CP";"CP"', encoding="utf-8-sig")
    assert parsed.header.kind == "onde-students"
    assert [(s.last_name, s.first_name) for s in parsed.students] == [("CŒUR", "Zoé")]


def test_iso_8859_15_is_not_mistaken_for_latin_1() -> None:
    parsed = read(BE1D_STUDENTS, '"SŒUR";"";"Chloé €";"2015-03-01";"F";;"CP";"CP"')
    assert [(s.last_name, s.first_name) for s in parsed.students] == [("SŒUR", "Chloé €")]


def test_a_bom_before_a_latin_9_body_is_dropped() -> None:
    data = b"\xef\xbb\xbf" + f'{BE1D_STUDENTS}\r\n"ÉLOI";;"Zoé";"2015-03-01"\r\n'.encode("iso-8859-15")
    assert [(s.last_name, s.first_name) for s in read_onde("x.csv", data).students] == [("ÉLOI", "Zoé")]


def test_an_unquoted_lf_variant_with_french_dates_reads_the_same() -> None:
    parsed = read(
        "Nom Elève;Nom d'usage Elève;Prénom Elève;Date naissance;Sexe;Niveau;Classe",
        "DURAND;;Léo;05/04/2016;M;CE1;CE1-CE2",
        eol="\n",
    )
    student = parsed.students[0]
    assert (student.last_name, student.birth_date, student.class_code) == ("DURAND", date(2016, 4, 5), "CE1-CE2")


@pytest.mark.parametrize("separator", [",", "\t"])
def test_a_header_plainly_using_commas_or_tabs_sets_the_separator(separator: str) -> None:
    parsed = read(separator.join(["Nom", "Prénom", "Né(e) le", "Sexe"]), separator.join(["MARTIN", "Léa", "", "F"]))
    assert [(s.last_name, s.first_name, s.birth_date) for s in parsed.students] == [("MARTIN", "Léa", None)]


def test_headers_match_whatever_their_case_spacing_and_accents() -> None:
    parsed = read("  NOM ELEVE ;prénom élève;DATE NAISSANCE ; sexe;NIVEAU;classe ", "ROUX;Inès;2014-01-02;f;CM1;CM1")
    student = parsed.students[0]
    assert (student.last_name, student.first_name, student.sex, student.level) == ("ROUX", "Inès", "F", "CM1")


def test_an_onde_2017_class_list_is_a_students_file() -> None:
    parsed = read(
        "Classe ou regroupement;Enseignant(s);Nom;Prénom;Né(e) le;Sexe;Niveau",
        "CP-CE1 A;Mme PETIT;BERNARD;Noé;12/11/2017;M;CP",
    )
    student = parsed.students[0]
    assert parsed.header.kind == "onde-students"
    assert (student.class_code, student.level, student.birth_date) == ("CP-CE1 A", "CP", date(2017, 11, 12))


def test_a_custom_extraction_gives_the_ine_and_prefers_the_usage_name() -> None:
    parsed = read(
        "Nom élève;Nom d'usage élève;Prénom élève;Date naissance;Sexe;INE;Niveau;Libellé classe;Identifiant classe",
        "DUPONT;DUPONT-MOREL;Jade;2016-02-03;F;070832327JA;CE2;CE2 B;1234",
    )
    student = parsed.students[0]
    assert (student.last_name, student.ine, student.class_code) == ("DUPONT-MOREL", "070832327JA", "CE2 B")
    assert student.origin.label == "DUPONT-MOREL Jade"


def test_ragged_rows_are_padded_or_cut_and_blank_lines_skipped_keeping_physical_lines() -> None:
    parsed = read(BE1D_STUDENTS, '"A";;"Un";"2015-01-01"', "", ";;;", '"B";;"Deux";"2015-01-02";"M";;"CP";"CP";"x";"y"')
    assert [(s.last_name, s.sex, s.class_code, s.origin.line) for s in parsed.students] == [
        ("A", None, None, 2),
        ("B", "M", "CP", 5),
    ]


@pytest.mark.parametrize(("given", "sex"), [("F", "F"), ("M", "M"), ("H", "M"), ("Masculin", "M"), ("X", None)])
def test_sex_is_f_or_m_or_none(given: str, sex: str | None) -> None:
    assert read(BE1D_STUDENTS, f'"A";;"B";"2015-01-01";"{given}"').students[0].sex == sex


def test_a_zip_holding_one_csv_is_read() -> None:
    csv = f'{BE1D_TEACHERS}\r\n"M";;"PETIT";"Paul";;"Oui";"CP"\r\n'.encode("iso-8859-15")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/CSVExtraction-enseignants.csv", csv)
    data = buffer.getvalue()
    parsed = read_onde("export.zip", data)
    assert parsed.header.sha256 == hashlib.sha256(data).hexdigest()
    assert [(t.civility, t.last_name, t.function, t.classes) for t in parsed.teachers] == [
        ("M.", "PETIT", "DIR", ("CP",))
    ]


# --- refusals and unreadable rows ------------------------------------------------------------------------------


def test_an_unknown_header_is_refused_naming_what_was_found_and_expected() -> None:
    with pytest.raises(FileRefused) as refused:
        read("Matricule;Libellé;Montant €", "1;x;2")
    message = refused.value.message
    assert "'Matricule', 'Libellé', 'Montant €'" in message
    assert "Nom responsable" in message
    assert "Date naissance" in message


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(FileRefused, match="empty"):
        read_onde("empty.csv", data)


def test_a_row_without_a_name_is_unreadable_and_the_others_are_kept() -> None:
    parsed = read(
        BE1D_STUDENTS, '"";;"Sans";"2015-01-01";"F"', '"SANS";;"";"2015-01-01";"F"', '"OK";;"Ok";"2015-01-01"'
    )
    assert parsed.unreadable == [
        (Origin("x.csv", 2, "Sans"), "the student has no last name"),
        (Origin("x.csv", 3, "SANS"), "the student has no first name"),
    ]
    assert [s.last_name for s in parsed.students] == ["OK"]


# --- responsables and teachers variants ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "civility"),
    [("M", "M."), ("M.", "M."), ("Monsieur", "M."), ("MME", "Mme"), ("Mme", "Mme"), ("Madame", "Mme"), ("Dr", None)],
)
def test_civilities_are_normalised(given: str, civility: str | None) -> None:
    parsed = read(BE1D_GUARDIANS, f'"{given}";;"NOM";"Prénom"')
    assert parsed.guardians[0].civility == civility
    assert parsed.links == []


def test_a_guardian_row_gives_usage_name_first_phone_and_a_foreign_address() -> None:
    parsed = read(
        BE1D_GUARDIANS,
        '"Mme";"MOREL";"DUPONT";"Anne";"3 rue Haute";"1000";"Bruxelles";"Belgique";"a@b.fr";"0102";"0304";"";'
        '"";"DUPONT";"Jade";"CE2";"MOREL";"DUPONT";"Tom";"CP"',
    )
    guardian = parsed.guardians[0]
    assert (guardian.last_name, guardian.email, guardian.phone) == ("MOREL", "a@b.fr", "0102")
    assert guardian.address == "3 rue Haute, 1000 Bruxelles, Belgique"
    assert [link.child for link in parsed.links] == [
        ChildRef(last_name="DUPONT", first_name="Jade", class_code="CE2"),
        ChildRef(last_name="MOREL", first_name="Tom", class_code="CP"),
    ]


def test_a_child_block_without_a_first_name_is_unreadable_but_the_guardian_is_kept() -> None:
    parsed = read(BE1D_GUARDIANS, '"M.";;"NOM";"Jean";;;;"France";;;;;"";"NOM";"";"CP"')
    assert len(parsed.guardians) == 1
    assert parsed.guardians[0].address is None
    assert parsed.unreadable == [(Origin("x.csv", 2, "NOM Jean → NOM"), "child 1 has no first name")]


def test_a_relationship_column_when_a_version_has_one_is_mapped() -> None:
    header = "Nom responsable;Prénom responsable;Lien de parenté;Nom de famille enfant;Prénom enfant;Classes enfants"
    parsed = read(
        header, "A;Anne;Mère;A;Zoé;CP", "B;Bob;père;B;Léo;CP", "C;Cid;Tutrice;C;Max;CP", "D;Dan;Oncle;D;Eva;CP"
    )
    assert [link.relationship for link in parsed.links] == ["MERE", "PERE", "TUTEUR", "AUTRE"]


def test_a_teacher_without_class_or_name_is_handled() -> None:
    parsed = read(BE1D_TEACHERS, '"MME";"MARTIN";"DURAND";"Lucie";"l@x.fr";"non";""', '"M.";;"";"";;;"CP"')
    teacher = parsed.teachers[0]
    assert (teacher.last_name, teacher.email, teacher.function, teacher.classes) == ("MARTIN", "l@x.fr", None, ())
    assert parsed.unreadable == [(Origin("x.csv", 3, ""), "the teacher has no last name and no first name")]


def test_header_names_normalise_to_their_letters_and_digits() -> None:
    assert normalise(" Cycle") == "cycle"
    assert normalise("Nom d'usage Elève") == "nomdusageeleve"
    assert normalise("Né(e) le") == "neele"
