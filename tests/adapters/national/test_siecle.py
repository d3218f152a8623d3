"""The SIECLE reader on the real fixtures of the corpus, then on edge cases built here."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from adapters.national.files import iter_elements, text
from adapters.national.siecle import read_siecle
from application.imports.records import ChildRef, FileRefused, Origin, ParsedFile, StudentEntry, SubjectEntry

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "siecle"


def corpus(name: str) -> ParsedFile:
    return read_siecle(name, (CORPUS / name).read_bytes())


def by_id(parsed: ParsedFile) -> dict[str | None, StudentEntry]:
    return {student.source_id: student for student in parsed.students}


def bee(root: str, body: str, *, encoding: str = "ISO-8859-15", parameters: str | None = None) -> bytes:
    """A SIECLE-like document around ``body`` (the content of ``DONNEES``), in ``encoding``."""
    if parameters is None:
        parameters = "<UAJ>0750001U</UAJ><ANNEE_SCOLAIRE>2026</ANNEE_SCOLAIRE>"
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<{root} VERSION="3.0">\n'
        f"<PARAMETRES>{parameters}</PARAMETRES>\n<DONNEES>\n{body}</DONNEES>\n</{root}>\n"
    )
    return document.encode(encoding if encoding != "x-macthai" else "ascii")


def students_doc(eleves: str, structures: str = "", **options: str) -> bytes:
    return bee("BEE_ELEVES", f"<ELEVES>\n{eleves}</ELEVES>\n<STRUCTURES>\n{structures}</STRUCTURES>\n", **options)


ZOE = '<ELEVE ELEVE_ID="1"><ID_NATIONAL>1234567890A</ID_NATIONAL><NOM_DE_FAMILLE>Dupont</NOM_DE_FAMILLE><PRENOM>Zoé</PRENOM><DATE_NAISS>02/03/2012</DATE_NAISS><CODE_SEXE>2</CODE_SEXE></ELEVE>\n'  # noqa: E501


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry_name, content in entries:
            archive.writestr(entry_name, content)
    return buffer.getvalue()


# --- the corpus -----------------------------------------------------------------------------------------------------


def test_a_student_in_a_class_and_a_group() -> None:
    name = "eleves_avec_adresse_avec_double_structure.xml"
    parsed = corpus(name)

    assert parsed.header.kind == "siecle-students"
    assert (parsed.header.uai, parsed.header.year, parsed.header.name) == ("0660864F", 2019, name)
    assert parsed.header.sha256 == hashlib.sha256((CORPUS / name).read_bytes()).hexdigest()
    assert parsed.students == [
        StudentEntry(
            origin=Origin(name, 11, "ELEVE_ID 1541944 ESCAGLIA Jeanine"),
            source_id="1541944",
            ine="070876696HA",
            last_name="ESCAGLIA",
            first_name="Jeanine",
            birth_date=date(2002, 6, 21),
            sex="M",
            class_code="301",
            groups=("_301P1",),
            level="10310019110",
            meal_plan_code="24",
        )
    ]
    assert not parsed.guardians and not parsed.links and not parsed.unreadable


def test_two_valid_students_with_a_placeholder_uaj_and_no_year() -> None:
    parsed = corpus("siecle-with-two-valid-students.xml")

    assert (parsed.header.uai, parsed.header.year) == ("123ABC", None)
    luciole, harry = parsed.students
    assert (luciole.source_id, luciole.last_name, luciole.first_name, luciole.sex) == (
        "0001",
        "HANDMADE",
        "Luciole",
        "F",
    )
    assert (luciole.class_code, luciole.groups, luciole.level) == ("4A", (), "123456789")
    assert (harry.source_id, harry.last_name, harry.first_name, harry.sex) == ("0002", "COVERT", "Harry", "M")
    assert (harry.class_code, harry.groups, harry.birth_date) == ("4A", ("42",), date(1994, 7, 1))


def test_the_iso_8859_15_oe_of_the_pix_fixture_is_decoded_as_oe() -> None:
    """``PRENOM2`` is not a record field, so the decoding the reader relies on is checked on the element."""
    name = "siecle-with-two-valid-students.xml"
    data = (CORPUS / name).read_bytes()
    assert b"Coc\xbd" in data  # 0xBD is "½" in Latin-1, "œ" in ISO-8859-15

    second_names = [text(element, "PRENOM2") for element in iter_elements(name, data, ("ELEVE",))]

    assert second_names == ["Léa", "Cocœ"]


def test_leavers_missing_ine_and_students_without_a_class() -> None:
    parsed = corpus("siecle-with-registrations-no-longer-in-school.xml")
    students = by_id(parsed)

    assert list(students) == ["0001", "0002", "0003", "0004", "0005"]
    assert (students["0001"].class_code, students["0001"].groups) == (None, ())  # no STRUCTURES_ELEVE
    assert students["0002"].class_code == "Inactifs"
    assert students["0003"].ine is None
    assert (students["0003"].last_name, students["0003"].first_name) == ("FRANCIS--FROUFROU", "Grégory")
    assert (students["0003"].class_code, students["0003"].groups) == ("4e 1", ())
    assert (students["0004"].class_code, students["0004"].groups) == (None, ("4e 1",))  # only in a group
    assert (students["0005"].first_name, students["0005"].left_on) == ("François", date(2019, 9, 1))
    assert [s.left_on for s in parsed.students].count(None) == 4
    assert parsed.unreadable == []


def test_a_duplicated_ine_is_read_twice_for_the_application_to_reject() -> None:
    parsed = corpus("siecle-with-duplicate-national-student-id.xml")

    assert [(s.source_id, s.ine) for s in parsed.students] == [("0001", "00000000123"), ("0002", "00000000123")]
    assert parsed.students[0].level is None  # only SCOLARITE_AN_DERNIER has a CODE_MEF: last year's


def test_responsables_persons_links_and_a_shared_address() -> None:
    name = "responsables_avec_adresses_simple.xml"
    parsed = corpus(name)

    assert (parsed.header.kind, parsed.header.uai, parsed.header.year) == ("siecle-guardians", "0140070A", 2018)
    rock, truc, lovelace = parsed.guardians
    assert (rock.source_id, rock.civility, rock.last_name, rock.first_name) == ("209401", "Mme", "ROCK", "Maryline")
    assert (rock.email, rock.phone) == ("rock33445570@hotmail.fr", "+33764444288")  # the mobile comes first
    assert rock.origin == Origin(name, 11, "PERSONNE_ID 209401 ROCK Maryline")
    assert rock.address == "18 RUE DES HOMMETS, MEZIDON CANON, 14270 MEZIDON VALLEE D AUGE"
    assert truc.address == lovelace.address == rock.address
    assert [(x.guardian, x.child, x.relationship, x.legal, x.priority) for x in parsed.links] == [
        (rock, ChildRef(source_id="610308"), "MERE", True, True),
        (truc, ChildRef(source_id="610308"), "MERE", True, False),
        (lovelace, ChildRef(source_id="610305"), "MERE", True, False),
    ]
    assert parsed.links[0].origin == Origin(name, 55, "ELEVE_ID 610308 PERSONNE_ID 209401")
    assert not parsed.students and not parsed.unreadable


def test_the_nomenclature_gives_its_subjects_only() -> None:
    parsed = corpus("nomenclature_simple.xml")

    assert (parsed.header.kind, parsed.header.uai, parsed.header.year) == ("siecle-nomenclature", "0140070A", 2018)
    assert parsed.subjects == [SubjectEntry("020300", "LCA LATIN", "LANGUES ET CULTURES DE L'ANTIQUITE LATIN")]
    assert not parsed.students and not parsed.guardians


# --- containers, encodings, file types ------------------------------------------------------------------------------


def test_a_zip_of_one_xml_is_read_and_macos_entries_are_ignored() -> None:
    data = zipped(("ElevesSansAdresses.xml", students_doc(ZOE)), ("__MACOSX/._ElevesSansAdresses.xml", b"\0\5junk"))

    parsed = read_siecle("ElevesSansAdresses.zip", data)

    assert [s.last_name for s in parsed.students] == ["Dupont"]
    assert parsed.header.sha256 == hashlib.sha256(data).hexdigest()  # of the zip as given
    assert parsed.header.name == "ElevesSansAdresses.zip"


@pytest.mark.parametrize(
    "entries",
    [[("lisez-moi.txt", b"rien")], [("a.xml", students_doc(ZOE)), ("b.xml", students_doc(ZOE))]],
    ids=["no-xml", "two-xml"],
)
def test_a_zip_without_exactly_one_xml_is_refused(entries: list[tuple[str, bytes]]) -> None:
    with pytest.raises(FileRefused, match="exactly one"):
        read_siecle("export.zip", zipped(*entries))


def test_a_utf_8_byte_order_mark_is_tolerated() -> None:
    data = b"\xef\xbb\xbf" + students_doc(ZOE, encoding="UTF-8")

    assert [s.first_name for s in read_siecle("bom.xml", data).students] == ["Zoé"]


def test_iso_8859_15_is_not_read_as_latin_1() -> None:
    data = students_doc(ZOE.replace("Dupont", "Cœur €"))
    assert b"C\xbdur \xa4" in data

    assert read_siecle("x.xml", data).students[0].last_name == "Cœur €"


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(FileRefused, match="x-macthai"):
        read_siecle("thai.xml", students_doc(ZOE.replace("é", "e"), encoding="x-macthai"))


def test_malformed_xml_is_refused_with_its_line() -> None:
    unclosed = '<ELEVE ELEVE_ID="2"><NOM_DE_FAMILLE>Martin</NOM_DE_FAMILLE><PRENOM>Léo</ELEVE>\n'

    with pytest.raises(FileRefused, match=r"not well-formed XML .*PRENOM line 7") as refused:
        read_siecle("broken.xml", students_doc(ZOE + unclosed + ZOE))
    assert "broken.xml" in str(refused.value)


@pytest.mark.parametrize("root", ["STS_EDT", "EDT_STS", "BEE_STRUCTURES"])
def test_another_file_type_is_refused_naming_its_root(root: str) -> None:
    with pytest.raises(FileRefused, match=rf"<{root}> is not a SIECLE export.*BEE_ELEVES.*BEE_RESPONSABLES"):
        read_siecle("sts_emp_0750001A_2026.xml", bee(root, ""))


def test_ephc_variants_are_read_like_the_others() -> None:
    eleves = bee("BEE_EPHC_ELEVES", f"<ELEVES>{ZOE}</ELEVES>")
    responsables = bee("BEE_EPHC_RESPONSABLES", '<PERSONNES><PERSONNE PERSONNE_ID="9"/></PERSONNES>')

    assert read_siecle("e.xml", eleves).header.kind == "siecle-students"
    assert [g.source_id for g in read_siecle("r.xml", responsables).guardians] == ["9"]


@pytest.mark.parametrize(("given", "year"), [("", None), ("2026-2027", None), (" 2025 ", 2025)])
def test_a_school_year_that_is_not_a_number_is_none(given: str, year: int | None) -> None:
    parameters = f"<UAJ>0750001U</UAJ><ANNEE_SCOLAIRE>{given}</ANNEE_SCOLAIRE>"

    assert read_siecle("x.xml", students_doc(ZOE, parameters=parameters)).header.year == year


def test_a_file_without_parameters_has_no_uai_nor_year() -> None:
    header = read_siecle("x.xml", b"<BEE_ELEVES><DONNEES/></BEE_ELEVES>").header

    assert (header.kind, header.uai, header.year) == ("siecle-students", None, None)


# --- students -------------------------------------------------------------------------------------------------------


def test_legacy_student_fields() -> None:
    eleve = '<ELEVE ELEVE_ID="7"><INE_BEA> 1234567890a </INE_BEA><NOM>Durand</NOM><NOM_USAGE>Petit</NOM_USAGE><PRENOM>Jean Pierre</PRENOM></ELEVE>\n'  # noqa: E501

    student = read_siecle("x.xml", students_doc(eleve)).students[0]

    assert (student.ine, student.last_name, student.first_name) == ("1234567890A", "Durand", "Jean Pierre")


def test_the_rnie_ine_comes_after_the_national_id_and_before_the_bea() -> None:
    eleve = (
        '<ELEVE ELEVE_ID="7"><INE_BEA>BBBBBBBBBBB</INE_BEA><INE_RNIE>rrrr rrrr rrr</INE_RNIE><ID_NATIONAL/></ELEVE>\n'
    )

    assert read_siecle("x.xml", students_doc(eleve)).students[0].ine == "RRRRRRRRRRR"


def test_missing_or_malformed_values_are_none_not_errors() -> None:
    eleve = '<ELEVE ELEVE_ID="8"><ID_NATIONAL></ID_NATIONAL><NOM_DE_FAMILLE/><DATE_NAISS>31/02/2012</DATE_NAISS><CODE_SEXE>3</CODE_SEXE><DATE_SORTIE>bientôt</DATE_SORTIE></ELEVE>\n'  # noqa: E501

    student = read_siecle("x.xml", students_doc(eleve)).students[0]

    assert (student.ine, student.last_name, student.first_name, student.birth_date) == (None, None, None, None)
    assert (student.sex, student.left_on, student.class_code, student.level) == (None, None, None, None)
    assert student.origin.label == "ELEVE_ID 8"


def structure(code: str, kind: str) -> str:
    return f"<STRUCTURE><CODE_STRUCTURE>{code}</CODE_STRUCTURE><TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE></STRUCTURE>"


def test_structures_may_come_first_and_several_sections_are_merged() -> None:
    first = structure("LATIN", "G") + structure("3 A", "D")
    second = structure("3 B", "D") + structure("LATIN", "G") + structure("ESP", "G")
    structures = "".join(f'<STRUCTURES_ELEVE ELEVE_ID="1">{section}</STRUCTURES_ELEVE>' for section in (first, second))
    data = bee("BEE_ELEVES", f"<STRUCTURES>{structures}</STRUCTURES><ELEVES>{ZOE}</ELEVES>")

    student = read_siecle("x.xml", data).students[0]

    assert (student.class_code, student.groups) == ("3 A", ("LATIN", "ESP"))  # the first class; groups once


def test_a_student_without_id_or_with_a_repeated_id_is_unreadable() -> None:
    data = students_doc(ZOE + ZOE.replace("Zoé", "Zoë") + "<ELEVE><NOM>Anonyme</NOM></ELEVE>\n")

    parsed = read_siecle("x.xml", data)

    assert [s.first_name for s in parsed.students] == ["Zoé"]
    assert [(origin.line, reason) for origin, reason in parsed.unreadable] == [
        (7, "ELEVE_ID 1 already given at line 6"),
        (8, "no ELEVE_ID"),
    ]


# --- guardians ------------------------------------------------------------------------------------------------------


def responsables_doc(personnes: str, responsables: str, adresses: str = "") -> bytes:
    """Links first: SIECLE does not promise the order of the sections."""
    body = (
        f"<RESPONSABLES>\n{responsables}</RESPONSABLES>\n<PERSONNES>\n{personnes}</PERSONNES>\n"
        f"<ADRESSES>\n{adresses}</ADRESSES>\n"
    )
    return bee("BEE_RESPONSABLES", body)


def person(person_id: str, inner: str = "") -> str:
    return f'<PERSONNE PERSONNE_ID="{person_id}"><NOM_DE_FAMILLE>Nom{person_id}</NOM_DE_FAMILLE>{inner}</PERSONNE>\n'


def responsable(child: str, person_id: str, inner: str = "") -> str:
    ids = f"<ELEVE_ID>{child}</ELEVE_ID><PERSONNE_ID>{person_id}</PERSONNE_ID>"
    return f"<RESPONSABLE_ELEVE>{ids}{inner}</RESPONSABLE_ELEVE>\n"


@pytest.mark.parametrize(
    ("code", "relationship"),
    [
        *[("10", "MERE"), ("20", "PERE"), ("37", "FAMILLE"), ("38", "FAMILLE"), ("39", "FAMILLE"), ("41", "AUTRE")],
        *[("42", "AUTRE"), ("50", "TUTEUR"), ("51", "AIDE_SOCIALE"), ("70", "ELEVE"), ("90", "AUTRE"), ("", "AUTRE")],
        *[(" 2 0", "PERE"), ("99", "AUTRE")],
    ],
)
def test_code_parente_becomes_a_relationship(code: str, relationship: str) -> None:
    data = responsables_doc(person("1"), responsable("5", "1", f"<CODE_PARENTE>{code}</CODE_PARENTE>"))

    assert read_siecle("r.xml", data).links[0].relationship == relationship


@pytest.mark.parametrize(
    ("inner", "legal"),
    [
        ("<RESP_LEGAL>1</RESP_LEGAL>", True),
        ("<RESP_LEGAL>2</RESP_LEGAL>", True),
        ("<RESP_LEGAL>0</RESP_LEGAL>", False),
        ("<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>", True),
        ("<NIVEAU_RESPONSABILITE>2</NIVEAU_RESPONSABILITE>", False),
        ("<NIVEAU_RESPONSABILITE>3</NIVEAU_RESPONSABILITE>", False),
        ("<NIVEAU_RESPONSABILITE> 1.</NIVEAU_RESPONSABILITE>", True),
        ("", False),
    ],
)
def test_legal_guardians_in_old_and_new_files(inner: str, legal: bool) -> None:
    data = responsables_doc(person("1"), responsable("5", "1", inner))

    assert read_siecle("r.xml", data).links[0].legal is legal


@pytest.mark.parametrize(("value", "priority"), [("true", True), ("1", True), ("TRUE", True), ("false", False)])
def test_priority_contacts(value: str, priority: bool) -> None:
    inner = f"<A_CONTACTER_EN_PRIORITE>{value}</A_CONTACTER_EN_PRIORITE>"

    assert (
        read_siecle("r.xml", responsables_doc(person("1"), responsable("5", "1", inner))).links[0].priority is priority
    )


@pytest.mark.parametrize(
    ("given", "civility"), [("M.", "M."), ("M", "M."), ("MME", "Mme"), ("Mme", "Mme"), ("MLLE", None)]
)
def test_civilities(given: str, civility: str | None) -> None:
    data = responsables_doc(person("1", f"<LC_CIVILITE>{given}</LC_CIVILITE>"), "")

    assert read_siecle("r.xml", data).guardians[0].civility == civility


def test_legacy_person_fields_and_the_phone_fallback() -> None:
    phones = "<TEL_PORTABLE/><TEL_PERSONNEL> </TEL_PERSONNEL><TEL_PROFESSIONNEL>0231204444</TEL_PROFESSIONNEL>"
    inner = f"<NOM>Ancien</NOM>{phones}"
    data = responsables_doc(f'<PERSONNE PERSONNE_ID="3">{inner}</PERSONNE>', responsable("5", "3"))

    guardian = read_siecle("r.xml", data).guardians[0]

    assert (guardian.last_name, guardian.phone, guardian.email, guardian.address) == (
        "Ancien",
        "0231204444",
        None,
        None,
    )


def test_addresses_foreign_missing_or_dangling() -> None:
    foreign = (
        '<ADRESSE ADRESSE_ID="70"><LIGNE1_ADRESSE>Calle Mayor 5</LIGNE1_ADRESSE><LIGNE2_ADRESSE/>'
        "<COMMUNE_ETRANGERE>MADRID</COMMUNE_ETRANGERE><CODE_PAYS>134</CODE_PAYS><LL_PAYS>ESPAGNE</LL_PAYS></ADRESSE>\n"
    )
    personnes = person("1", "<ADRESSE_ID>70</ADRESSE_ID>") + person("2", "<ADRESSE_ID>71</ADRESSE_ID>") + person("3")

    parsed = read_siecle("r.xml", responsables_doc(personnes, "", foreign))

    assert [g.address for g in parsed.guardians] == ["Calle Mayor 5, MADRID, ESPAGNE", None, None]


def test_one_person_for_several_siblings() -> None:
    data = responsables_doc(person("1"), responsable("5", "1") + responsable("6", "1"))

    parsed = read_siecle("r.xml", data)

    assert [(x.guardian.source_id, x.child.source_id) for x in parsed.links] == [("1", "5"), ("1", "6")]
    assert parsed.links[0].guardian is parsed.links[1].guardian is parsed.guardians[0]


def test_links_to_unknown_persons_and_incomplete_links_are_unreadable() -> None:
    links = (
        responsable("5", "1")
        + responsable("6", "404")
        + "<RESPONSABLE_ELEVE><ELEVE_ID>7</ELEVE_ID></RESPONSABLE_ELEVE>\n"
    )
    personnes = person("1") + person("1") + "<PERSONNE><NOM>Sans id</NOM></PERSONNE>\n"

    parsed = read_siecle("r.xml", responsables_doc(personnes, links))

    assert [x.child.source_id for x in parsed.links] == ["5"]
    assert [reason for _, reason in parsed.unreadable] == [
        "PERSONNE_ID 1 already given at line 11",
        "no PERSONNE_ID",
        "PERSONNE_ID 404 is not among the file's PERSONNES",
        "a RESPONSABLE_ELEVE needs both ELEVE_ID and PERSONNE_ID",
    ]
    assert parsed.unreadable[2][0] == Origin("r.xml", 7, "ELEVE_ID 6 PERSONNE_ID 404")


def test_a_subject_without_code_is_unreadable() -> None:
    data = bee("BEE_NOMENCLATURES", "<MATIERES><MATIERE><LIBELLE_COURT>X</LIBELLE_COURT></MATIERE></MATIERES>")

    parsed = read_siecle("n.xml", data)

    assert (parsed.subjects, [reason for _, reason in parsed.unreadable]) == ([], ["no CODE_MATIERE"])
