"""Records written as SIECLE exports read back the same, whatever order the file puts its pieces in.

The generated records are already in the reader's normal form (see :mod:`adapters.national.siecle_writer`):
trimmed strings with single inner spaces, INEs in upper case, groups without repeats, addresses whose
", "-separated parts are not empty. Origins are the reader's own and are compared apart.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from adapters.national.siecle import read_siecle
from adapters.national.siecle_writer import write_guardians, write_nomenclature, write_students
from application.imports.records import ChildRef, GuardianEntry, LinkEntry, Origin, StudentEntry, SubjectEntry
from domain.values import Relationship

GENERATED = Origin("generated")
EXAMPLES = settings(max_examples=60, deadline=None)

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèêëàâîïôöùûüçÉÈÇÔœŒæÆÿłș"
ODD_WORDS = st.sampled_from(["D'Arc", "O'Neil", "Lœtitia", "Cœur", "Œdipe", "Æsa", "Smith & Co", "<b>", 'dit "Le"'])
WORDS = st.text(LETTERS, min_size=1, max_size=8) | ODD_WORDS


@st.composite
def names(draw: st.DrawFn) -> str:
    """French-ish names: words joined by a space, a hyphen, an apostrophe or SIECLE's double hyphen."""
    words = draw(st.lists(WORDS, min_size=1, max_size=3))
    joints = draw(st.lists(st.sampled_from([" ", "-", "'", "--"]), min_size=len(words) - 1, max_size=len(words) - 1))
    return " ".join("".join(word + joint for word, joint in zip(words, [*joints, ""], strict=True)).split())


IDS = st.integers(1, 99_999_999).map(str)
CODES = st.text("0123456789ABCDEabcde_ ", min_size=1, max_size=7).map(lambda code: " ".join(code.split())).filter(bool)
DATES = st.none() | st.dates(date(1990, 1, 1), date(2030, 12, 31))
UAIS = st.none() | st.from_regex(r"[0-9]{7}[A-Z]", fullmatch=True)
YEARS = st.none() | st.integers(2000, 2030)

STUDENTS = st.lists(
    st.builds(
        StudentEntry,
        origin=st.just(GENERATED),
        source_id=IDS,
        ine=st.none() | st.text("0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=11, max_size=11),
        last_name=st.none() | names(),
        first_name=st.none() | names(),
        birth_date=DATES,
        sex=st.sampled_from([None, "M", "F"]),
        class_code=st.none() | CODES,
        groups=st.lists(CODES, unique=True, max_size=3).map(tuple),
        left_on=DATES,
        level=st.none() | st.from_regex(r"[0-9]{11}", fullmatch=True),
    ),
    unique_by=lambda student: student.source_id,
    max_size=8,
)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    """One line as the reader builds it: up to five street parts, then maybe "14000 CAEN"."""
    parts = draw(st.lists(names(), max_size=5))
    if draw(st.booleans()) or not parts:
        parts.append(f"{draw(st.from_regex(r'[0-9]{5}', fullmatch=True))} {draw(names())}")
    return ", ".join(parts)


GUARDIANS = st.lists(
    st.builds(
        GuardianEntry,
        origin=st.just(GENERATED),
        source_id=IDS,
        civility=st.sampled_from([None, "M.", "Mme"]),
        last_name=st.none() | names(),
        first_name=st.none() | names(),
        email=st.none() | st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.fr", fullmatch=True),
        phone=st.none() | st.from_regex(r"\+33[67][0-9]{8}|0[1-9]( [0-9]{2}){4}", fullmatch=True),
        address=st.none() | addresses(),
    ),
    unique_by=lambda guardian: guardian.source_id,
    min_size=1,
    max_size=6,
)


@st.composite
def guardians_and_links(draw: st.DrawFn) -> tuple[list[GuardianEntry], list[LinkEntry]]:
    """Persons, some sharing an address, and links from them to children (siblings included)."""
    guardians = draw(GUARDIANS)
    if len(guardians) > 1 and draw(st.booleans()):
        guardians[1] = replace(guardians[1], address=guardians[0].address)
    link = st.builds(
        LinkEntry,
        origin=st.just(GENERATED),
        guardian=st.sampled_from(guardians),
        child=st.builds(ChildRef, source_id=st.sampled_from(["1001", "1002", "1003"]) | IDS),
        relationship=st.sampled_from([relationship.value for relationship in Relationship]),
        legal=st.booleans(),
        priority=st.booleans(),
    )
    return guardians, draw(st.lists(link, max_size=10))


def shuffled(data: bytes, rng: random.Random) -> bytes:
    """The same export with its sections, and each record's fields, in another order."""
    root = etree.fromstring(data)
    donnees = root.find("DONNEES")
    assert donnees is not None
    sections = list(donnees)
    rng.shuffle(sections)
    for section in sections:
        donnees.append(section)  # moves it to the end: the sections end up in the shuffled order
        for record in section:
            fields = list(record)
            rng.shuffle(fields)
            for child in fields:
                if child.tag != "STRUCTURE":  # the order of structures is meaningful (the first class wins)
                    record.append(child)
    result = etree.tostring(root, encoding="ISO-8859-15", xml_declaration=True)
    assert isinstance(result, bytes)
    return result


def generated(entry: StudentEntry | GuardianEntry) -> StudentEntry | GuardianEntry:
    return replace(entry, origin=GENERATED)


def generated_link(link: LinkEntry) -> LinkEntry:
    return replace(link, origin=GENERATED, guardian=replace(link.guardian, origin=GENERATED))


def line_of(data: bytes, origin: Origin) -> str:
    assert origin.line is not None
    return data.decode("iso-8859-15").splitlines()[origin.line - 1]


@EXAMPLES
@given(uai=UAIS, year=YEARS, students=STUDENTS, rng=st.randoms(use_true_random=False))
def test_students_read_back_as_written(
    uai: str | None, year: int | None, students: list[StudentEntry], rng: random.Random
) -> None:
    data = write_students(uai, year, students)

    parsed = read_siecle("ElevesSansAdresses.xml", data)

    assert (parsed.header.kind, parsed.header.uai, parsed.header.year) == ("siecle-students", uai, year)
    assert [generated(student) for student in parsed.students] == students
    assert not parsed.unreadable
    for student in parsed.students:
        assert f'<ELEVE ELEVE_ID="{student.source_id}">' in line_of(data, student.origin)
    assert write_students(parsed.header.uai, parsed.header.year, parsed.students) == data
    assert [generated(student) for student in read_siecle("x.xml", shuffled(data, rng)).students] == students


@EXAMPLES
@given(uai=UAIS, year=YEARS, people=guardians_and_links(), rng=st.randoms(use_true_random=False))
def test_guardians_and_links_read_back_as_written(
    uai: str | None, year: int | None, people: tuple[list[GuardianEntry], list[LinkEntry]], rng: random.Random
) -> None:
    guardians, links = people
    data = write_guardians(uai, year, guardians, links)

    parsed = read_siecle("ResponsablesAvecAdresses.xml", data)

    assert (parsed.header.kind, parsed.header.uai, parsed.header.year) == ("siecle-guardians", uai, year)
    assert [generated(guardian) for guardian in parsed.guardians] == guardians
    assert [generated_link(link) for link in parsed.links] == links
    assert not parsed.unreadable
    for link in parsed.links:
        assert "<RESPONSABLE_ELEVE>" in line_of(data, link.origin)
        assert link.guardian in parsed.guardians
    assert write_guardians(parsed.header.uai, parsed.header.year, parsed.guardians, parsed.links) == data
    again = read_siecle("x.xml", shuffled(data, rng))
    assert ([generated(x) for x in again.guardians], [generated_link(x) for x in again.links]) == (guardians, links)


@EXAMPLES
@given(subjects=st.lists(st.builds(SubjectEntry, code=IDS, short_label=st.none() | names(), long_label=names())))
def test_subjects_read_back_as_written(subjects: list[SubjectEntry]) -> None:
    data = write_nomenclature("0750001U", 2026, subjects)

    assert read_siecle("Nomenclature.xml", data).subjects == subjects
    assert write_nomenclature("0750001U", 2026, read_siecle("n.xml", data).subjects) == data


# --- what the writer writes -----------------------------------------------------------------------------------------

ZOE = StudentEntry(GENERATED, "1001", "1234567890A", "Cœur", "Zoé", date(2012, 3, 2), "F", "4e 1", ("LATIN",))
CLAIRE = GuardianEntry(GENERATED, "9001", "Mme", "Cœur", "Claire", address="12 rue des Écoles, 14000 CAEN")


def test_the_writer_writes_what_siecle_exports_look_like() -> None:
    students = write_students("0140070A", 2026, [ZOE], exported_at=datetime(2026, 9, 1, 8, 30))
    link = LinkEntry(GENERATED, CLAIRE, ChildRef("1001"), "MERE", legal=True, priority=True)
    guardians = write_guardians("0140070A", 2026, [CLAIRE], [link])

    assert students.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES VERSION="3.0">\n')
    for expected in [
        b"<DATE_EXPORT>01/09/2026</DATE_EXPORT>",
        b"<HORODATAGE>01/09/2026 08:30:00</HORODATAGE>",
        b"<NOM_DE_FAMILLE>C\xbdur</NOM_DE_FAMILLE>",
        b"<DATE_NAISS>02/03/2012</DATE_NAISS>",
        b"<CODE_SEXE>2</CODE_SEXE>",
        b"<CODE_STRUCTURE>4e 1</CODE_STRUCTURE>\n          <TYPE_STRUCTURE>D</TYPE_STRUCTURE>",
        b"<CODE_STRUCTURE>LATIN</CODE_STRUCTURE>\n          <TYPE_STRUCTURE>G</TYPE_STRUCTURE>",
    ]:
        assert expected in students
    assert guardians.startswith(b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_RESPONSABLES VERSION="2.1">\n')
    for expected in [
        b"<LC_CIVILITE>MME</LC_CIVILITE>",
        b"<ADRESSE_ID>100001</ADRESSE_ID>",
        b'<ADRESSE ADRESSE_ID="100001">',
        b"<LIGNE1_ADRESSE>12 rue des \xc9coles</LIGNE1_ADRESSE>",
        b"<CODE_POSTAL>14000</CODE_POSTAL>",
        b"<LIBELLE_POSTAL>CAEN</LIBELLE_POSTAL>",
        b"<NIVEAU_RESPONSABILITE>1</NIVEAU_RESPONSABILITE>",
        b"<CODE_PARENTE>10</CODE_PARENTE>",
        b"<A_CONTACTER_EN_PRIORITE>true</A_CONTACTER_EN_PRIORITE>",
    ]:
        assert expected in guardians


def test_characters_iso_8859_15_lacks_are_written_as_references() -> None:
    data = write_students(None, None, [replace(ZOE, first_name="Łucja Ștefania")])

    assert b"&#321;ucja &#536;tefania" in data
    assert read_siecle("x.xml", data).students[0].first_name == "Łucja Ștefania"


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda: write_students(None, None, [replace(ZOE, source_id=None)]), "source id"),
        (lambda: write_students(None, None, [replace(ZOE, last_name="A\x01")]), "cannot represent"),
        (lambda: write_guardians(None, None, [replace(CLAIRE, source_id=None)], []), "source id"),
        (
            lambda: write_guardians(None, None, [], [LinkEntry(GENERATED, CLAIRE, ChildRef(), "MERE", True)]),
            "source id",
        ),
        (
            lambda: write_guardians(None, None, [], [LinkEntry(GENERATED, CLAIRE, ChildRef("1"), "ONCLE", True)]),
            "ONCLE",
        ),
    ],
)
def test_the_writer_refuses_what_siecle_cannot_hold(write: Callable[[], bytes], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write()


def test_a_school_sized_export_is_written_and_read_quickly() -> None:
    """The benchmark's size: 2,000 students, 3,500 guardians and their links."""
    students = [replace(ZOE, source_id=str(number), ine=f"{number:010d}A") for number in range(2_000)]
    guardians = [
        replace(CLAIRE, source_id=str(number), address=f"{number} rue X, 14000 CAEN") for number in range(3_500)
    ]
    links = [
        LinkEntry(GENERATED, guardian, ChildRef(str(i % 2_000)), "MERE", True) for i, guardian in enumerate(guardians)
    ]
    started = time.perf_counter()

    read_students = read_siecle("e.xml", write_students("0140070A", 2026, students)).students
    read_links = read_siecle("r.xml", write_guardians("0140070A", 2026, guardians, links)).links

    assert (len(read_students), len(read_links)) == (2_000, 3_500)
    assert time.perf_counter() - started < 5  # about 0.2 s on a laptop: a generous bound against slow machines
