"""Writing SIECLE exports from records: the inverse of :mod:`adapters.national.siecle`.

Used by round-trip tests and by the benchmark generator, so it must be fast and deterministic: the
document is built as text with explicit escaping (no tree), and the same records always give the
same bytes (no export date unless one is given). Files look like real exports: ``BEE_ELEVES``
VERSION 3.0 and ``BEE_RESPONSABLES`` VERSION 2.1, ISO-8859-15 with its prolog, dates dd/mm/yyyy.
Characters ISO-8859-15 lacks (``ł``, ``ș``…) are written as character references, which every XML
parser reads back. Absent values are left out, as exports leave out optional elements.

What the reader normalises, a record must already be for ``read(write(x)) == x`` (origins aside):
strings trimmed with single inner spaces and not empty, an INE in upper case without spaces,
groups without repeats, and an address whose ", "-separated parts are not empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from application.imports.records import GuardianEntry, LinkEntry, StudentEntry, SubjectEntry

PROLOG = '<?xml version="1.0" encoding="ISO-8859-15"?>\n'
ENCODING = "iso-8859-15"
SEX_CODES = {"M": "1", "F": "2"}
CIVILITY_CODES = {"M.": ("M.", "MONSIEUR"), "Mme": ("MME", "MADAME")}
RELATIONSHIP_CODES = {
    "MERE": "10",
    "PERE": "20",
    "FAMILLE": "39",  # "autre membre de la famille": 37 and 38 (siblings, grand-parents) read the same
    "TUTEUR": "50",
    "AIDE_SOCIALE": "51",
    "ELEVE": "70",
    "AUTRE": "90",
}
NOT_LEGAL = "3"
"""``NIVEAU_RESPONSABILITE`` of a contact who is not a legal guardian (only 1 is known to mean legal)."""

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_POSTAL_TOWN = re.compile(r"(\d{5}) (.+)")
_STREET_LINES = 4


def write_students(
    uai: str | None, year: int | None, students: Sequence[StudentEntry], *, exported_at: datetime | None = None
) -> bytes:
    """A ``BEE_ELEVES`` export of ``students``, each of which needs its ``source_id`` (``ELEVE_ID``)."""
    out = [PROLOG, '<BEE_ELEVES VERSION="3.0">\n']
    _parameters(out, uai, year, exported_at)
    out.append("  <DONNEES>\n    <ELEVES>\n")
    for student in students:
        _student(out, student)
    out.append("    </ELEVES>\n    <STRUCTURES>\n")
    for student in students:
        _structures(out, student)
    out.append("    </STRUCTURES>\n  </DONNEES>\n</BEE_ELEVES>\n")
    return _encode(out)


def write_guardians(
    uai: str | None,
    year: int | None,
    guardians: Sequence[GuardianEntry],
    links: Sequence[LinkEntry],
    *,
    exported_at: datetime | None = None,
) -> bytes:
    """A ``BEE_RESPONSABLES`` export: ``guardians`` as ``PERSONNE``, ``links`` as ``RESPONSABLE_ELEVE``.

    A link names its guardian by ``source_id`` only, so it may name one that ``guardians`` lacks (a
    broken file, for tests). Guardians with the same address share one ``ADRESSE``, as in SIECLE.
    """
    address_ids: dict[str, str] = {}
    out = [PROLOG, '<BEE_RESPONSABLES VERSION="2.1">\n']
    _parameters(out, uai, year, exported_at)
    out.append("  <DONNEES>\n    <PERSONNES>\n")
    for guardian in guardians:
        _person(out, guardian, address_ids)
    out.append("    </PERSONNES>\n    <RESPONSABLES>\n")
    for link in links:
        _link(out, link)
    out.append("    </RESPONSABLES>\n    <ADRESSES>\n")
    for address, address_id in address_ids.items():
        _address(out, address_id, address)
    out.append("    </ADRESSES>\n  </DONNEES>\n</BEE_RESPONSABLES>\n")
    return _encode(out)


def write_nomenclature(uai: str | None, year: int | None, subjects: Sequence[SubjectEntry]) -> bytes:
    """A ``BEE_NOMENCLATURES`` export holding only ``MATIERES`` (what the reader takes from it)."""
    out = [PROLOG, '<BEE_NOMENCLATURES VERSION="3.1">\n']
    _parameters(out, uai, year, None)
    out.append("  <DONNEES>\n    <MATIERES>\n")
    for subject in subjects:
        out.append(f'      <MATIERE CODE_MATIERE="{_escape(subject.code)}">\n')
        _field(out, "LIBELLE_COURT", subject.short_label)
        _field(out, "LIBELLE_LONG", subject.long_label)
        out.append("      </MATIERE>\n")
    out.append("    </MATIERES>\n  </DONNEES>\n</BEE_NOMENCLATURES>\n")
    return _encode(out)


# --- pieces -------------------------------------------------------------------------------------------------------


def _escape(value: str) -> str:
    """Text safe in an element or a double-quoted attribute; control characters XML cannot hold refused."""
    if _INVALID_XML.search(value):
        raise ValueError(f"{value!r} holds a character XML 1.0 cannot represent")
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    return value


def _encode(out: list[str]) -> bytes:
    return "".join(out).encode(ENCODING, "xmlcharrefreplace")


def _field(out: list[str], tag: str, value: str | None, indent: str = "        ") -> None:
    if value is not None:
        out.append(f"{indent}<{tag}>{_escape(value)}</{tag}>\n")


def _date(value: date | None) -> str | None:
    return None if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _required_id(kind: str, value: str | None) -> str:
    if value is None:
        raise ValueError(f"a SIECLE {kind} needs its source id")
    return value


def _parameters(out: list[str], uai: str | None, year: int | None, exported_at: datetime | None) -> None:
    out.append("  <PARAMETRES>\n")
    _field(out, "UAJ", uai or "", "    ")
    _field(out, "ANNEE_SCOLAIRE", None if year is None else str(year), "    ")
    if exported_at is not None:
        _field(out, "DATE_EXPORT", _date(exported_at.date()), "    ")
        _field(out, "HORODATAGE", f"{_date(exported_at.date())} {exported_at:%H:%M:%S}", "    ")
    out.append("  </PARAMETRES>\n")


def _student(out: list[str], student: StudentEntry) -> None:
    out.append(f'      <ELEVE ELEVE_ID="{_escape(_required_id("ELEVE", student.source_id))}">\n')
    _field(out, "ID_NATIONAL", student.ine)
    _field(out, "NOM_DE_FAMILLE", student.last_name)
    _field(out, "PRENOM", student.first_name)
    _field(out, "DATE_NAISS", _date(student.birth_date))
    _field(out, "CODE_SEXE", SEX_CODES.get(student.sex or ""))
    _field(out, "CODE_MEF", student.level)
    _field(out, "CODE_REGIME", student.meal_plan_code)
    _field(out, "DATE_SORTIE", _date(student.left_on))
    out.append("      </ELEVE>\n")


def _structures(out: list[str], student: StudentEntry) -> None:
    structures = [(student.class_code, "D")] if student.class_code is not None else []
    structures += [(group, "G") for group in student.groups]
    if not structures:
        return
    out.append(f'      <STRUCTURES_ELEVE ELEVE_ID="{_escape(_required_id("ELEVE", student.source_id))}">\n')
    for code, kind in structures:
        out.append(
            f"        <STRUCTURE>\n          <CODE_STRUCTURE>{_escape(code)}</CODE_STRUCTURE>\n"
            f"          <TYPE_STRUCTURE>{kind}</TYPE_STRUCTURE>\n        </STRUCTURE>\n"
        )
    out.append("      </STRUCTURES_ELEVE>\n")


def _person(out: list[str], guardian: GuardianEntry, address_ids: dict[str, str]) -> None:
    out.append(f'      <PERSONNE PERSONNE_ID="{_escape(_required_id("PERSONNE", guardian.source_id))}">\n')
    short, long = CIVILITY_CODES.get(guardian.civility or "", (None, None))
    _field(out, "LC_CIVILITE", short)
    _field(out, "LL_CIVILITE", long)
    _field(out, "NOM_DE_FAMILLE", guardian.last_name)
    _field(out, "PRENOM", guardian.first_name)
    _field(out, "TEL_PORTABLE", guardian.phone)
    _field(out, "MEL", guardian.email)
    if guardian.address is not None:
        _field(out, "ADRESSE_ID", address_ids.setdefault(guardian.address, str(100_001 + len(address_ids))))
    out.append("      </PERSONNE>\n")


def _link(out: list[str], link: LinkEntry) -> None:
    out.append("      <RESPONSABLE_ELEVE>\n")
    _field(out, "ELEVE_ID", _required_id("child", link.child.source_id))
    _field(out, "PERSONNE_ID", _required_id("PERSONNE", link.guardian.source_id))
    _field(out, "NIVEAU_RESPONSABILITE", "1" if link.legal else NOT_LEGAL)
    if link.relationship not in RELATIONSHIP_CODES:
        raise ValueError(f"unknown relationship {link.relationship!r}")
    _field(out, "CODE_PARENTE", RELATIONSHIP_CODES[link.relationship])
    _field(out, "A_CONTACTER_EN_PRIORITE", "true" if link.priority else "false")
    out.append("      </RESPONSABLE_ELEVE>\n")


def _address(out: list[str], address_id: str, address: str) -> None:
    """An ``ADRESSE`` from one line: a final "14000 CAEN" part is the postcode and town, the rest streets."""
    parts = address.split(", ")
    town = _POSTAL_TOWN.fullmatch(parts[-1])
    if town is not None:
        parts.pop()
    if len(parts) > _STREET_LINES:
        parts[_STREET_LINES - 1 :] = [", ".join(parts[_STREET_LINES - 1 :])]
    out.append(f'      <ADRESSE ADRESSE_ID="{address_id}">\n')
    for number, line in enumerate(parts, start=1):
        _field(out, f"LIGNE{number}_ADRESSE", line)
    if town is not None:
        _field(out, "CODE_POSTAL", town.group(1))
        _field(out, "CODE_PAYS", "100")
        _field(out, "LL_PAYS", "FRANCE")
        _field(out, "LIBELLE_POSTAL", town.group(2))
    out.append("      </ADRESSE>\n")
