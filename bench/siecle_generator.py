"""A realistic, deterministic SIECLE pair: ``ElevesAvecAdresses.xml`` and ``ResponsablesAvecAdresses.xml``.

The people are :func:`application.demo_people.generate_school`'s (French names, classes of thirty,
siblings sharing guardians, separated parents at another address); each student gets a numeric
``ELEVE_ID``, an MEF code, a second-language group and a ``CODE_REGIME`` (three in four
half-boarders, one in five external, one in twenty boarders), each guardian a ``PERSONNE_ID``. The same
arguments always give the same bytes. Run from the repository root::

    .venv/bin/python -m bench.siecle_generator --students 2000 --out DIR [--uai 0750001U] [--year 2026]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from adapters.national.siecle_writer import write_guardians, write_students
from application.demo_people import DemoSchool, generate_school
from application.imports.records import ChildRef, GuardianEntry, LinkEntry, Origin, StudentEntry

STUDENTS_FILE = "ElevesAvecAdresses.xml"
GUARDIANS_FILE = "ResponsablesAvecAdresses.xml"
DEFAULT_UAI = "0750001U"
DEFAULT_YEAR = 2026
# demo level -> an 11-digit MEF code, as SIECLE writes CODE_MEF
MEF_CODES = {
    "6E": "10010012110",
    "5E": "10110001110",
    "4E": "10210001110",
    "3E": "10310019110",
    "2NDE": "20010010110",
    "1ERE": "20111010110",
    "TLE": "20211010110",
}
SECOND_LANGUAGES = ("ESP", "ALL", "ITA")


def regime_code(eleve_id: int) -> str:
    """A plausible ``CODE_REGIME``: mostly 2 (demi-pensionnaire), some 0 (externe), a few 4 (interne)."""
    rank = eleve_id % 20
    return "4" if rank == 0 else "0" if rank <= 4 else "2"


@dataclass(frozen=True)
class SieclePair:
    """The two files of a SIECLE import and how many records they hold."""

    students_xml: bytes
    guardians_xml: bytes
    students: int
    guardians: int
    links: int

    def files(self) -> list[tuple[str, bytes]]:
        """(name, bytes) pairs, as :func:`adapters.national.readers.read_files` takes them."""
        return [(STUDENTS_FILE, self.students_xml), (GUARDIANS_FILE, self.guardians_xml)]


def records(school: DemoSchool) -> tuple[list[StudentEntry], list[GuardianEntry], list[LinkEntry]]:
    """The demo school as the records a SIECLE reader would give (origins are only labels here)."""
    source_ids = {s.key: str(1_000_001 + i) for i, s in enumerate(sorted(school.students, key=lambda s: s.key))}
    levels = {c.code: c.level for c in school.classes}
    students = [
        StudentEntry(
            origin=Origin(STUDENTS_FILE, label=source_ids[s.key]),
            source_id=source_ids[s.key],
            ine=s.ine,
            last_name=s.last_name,
            first_name=s.first_name,
            birth_date=s.birth_date,
            sex=s.sex,
            class_code=s.class_code,
            groups=(f"{s.class_code[0]}{SECOND_LANGUAGES[int(source_ids[s.key]) % len(SECOND_LANGUAGES)]}",),
            level=MEF_CODES.get(levels[s.class_code], levels[s.class_code]),
            meal_plan_code=regime_code(int(source_ids[s.key])),
        )
        for s in school.students
    ]
    guardians: list[GuardianEntry] = []
    links: list[LinkEntry] = []
    for number, g in enumerate(school.guardians, start=2_000_001):
        guardian = GuardianEntry(
            origin=Origin(GUARDIANS_FILE, label=str(number)),
            source_id=str(number),
            civility=g.civility,
            last_name=g.last_name,
            first_name=g.first_name,
            email=g.email,
            phone=g.phone,
            address=g.address,
        )
        guardians.append(guardian)
        links.extend(
            LinkEntry(
                origin=Origin(GUARDIANS_FILE, label=f"{number}/{source_ids[key]}"),
                guardian=guardian,
                child=ChildRef(source_id=source_ids[key]),
                relationship=relationship,
                legal=legal,
                priority=legal and relationship in ("MERE", "TUTEUR"),
            )
            for key, relationship, legal in g.children
        )
    return students, guardians, links


def generate_pair(students: int, uai: str = DEFAULT_UAI, year: int = DEFAULT_YEAR) -> SieclePair:
    """The SIECLE pair of a made-up school of ``students`` students, identical for identical arguments."""
    student_entries, guardian_entries, link_entries = records(generate_school(uai, year, students))
    return SieclePair(
        students_xml=write_students(uai, year, student_entries),
        guardians_xml=write_guardians(uai, year, guardian_entries, link_entries),
        students=len(student_entries),
        guardians=len(guardian_entries),
        links=len(link_entries),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True, help="the directory to write the two files into")
    parser.add_argument("--uai", default=DEFAULT_UAI)
    parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help="the school year's first year (2026: 2026-2027)")
    arguments = parser.parse_args()
    pair = generate_pair(arguments.students, arguments.uai, arguments.year)
    arguments.out.mkdir(parents=True, exist_ok=True)
    for name, data in pair.files():
        (arguments.out / name).write_bytes(data)
        print(f"{arguments.out / name}: {len(data):,} bytes")
    print(f"{pair.students:,} students, {pair.guardians:,} guardians, {pair.links:,} links")


if __name__ == "__main__":
    main()
