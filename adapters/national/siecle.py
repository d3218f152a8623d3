"""SIECLE "BEE" exports (students, guardians, nomenclature) read into import records.

The file's root element says what it is; anything else is refused whole, naming what was found.
Records are joined after the whole file has been streamed, because SIECLE puts the pieces of one
record in separate sections whose order is not guaranteed (``STRUCTURES`` after ``ELEVES``,
``ADRESSES`` after ``PERSONNES``, ``RESPONSABLES`` before or after them): only plain Python values
are kept meanwhile, never lxml elements, and a syntax error anywhere refuses the file before any
record leaves this module.

Decisions on what the exports leave open (see ``FORMATS.md`` §1-§3):

* A student's class is the first ``D`` structure of the ``STRUCTURES_ELEVE`` sections with their
  ``ELEVE_ID`` (several sections are merged; a second ``D`` is ignored without a report, as GEPI
  does); ``G`` structures are their groups, in file order, without repeats.
* ``PRENOM`` is kept as given, even with several words: compound first names ("Jean Pierre") exist,
  so splitting legacy files' "all first names" would damage the modern ones.
* ``NOM_USAGE`` is ignored: the record carries the family name (``NOM_DE_FAMILLE``, legacy ``NOM``).
* ``CODE_REGIME`` is carried as given (trimmed): what a code means is the students import's decision
  (:func:`application.imports.students.meal_plan_of`), which reports a code it cannot read.
* Values go through :func:`text`: trimmed, runs of white space made one space, empty means None.
  Class codes therefore keep their single inner spaces ("4e 1") and compare equal to the same code
  read from STS, which the same helper reads.
* An ``ELEVE`` or ``PERSONNE`` whose id is missing or repeats, and a link to a ``PERSONNE_ID`` the
  file does not hold, become ``unreadable`` entries; the first of a repeated id is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from adapters.national.files import iter_elements, parse_date, root_tag, sha256, text, unzip_if_needed
from application.imports.records import (
    ChildRef,
    FileHeader,
    FileRefused,
    GuardianEntry,
    LinkEntry,
    Origin,
    ParsedFile,
    StudentEntry,
    SubjectEntry,
)

SEXES = {"1": "M", "2": "F"}
CIVILITIES = {"M.": "M.", "M": "M.", "MME": "Mme"}
RELATIONSHIPS = {
    "10": "MERE",
    "20": "PERE",
    "37": "FAMILLE",
    "38": "FAMILLE",
    "39": "FAMILLE",
    "50": "TUTEUR",
    "51": "AIDE_SOCIALE",
    "70": "ELEVE",
}
"""``CODE_PARENTE`` → ``domain.values.Relationship``; 41, 42, 90, any other or none → ``AUTRE``."""

_NON_DIGITS = re.compile(r"[^0-9]")


def read_siecle(name: str, data: bytes) -> ParsedFile:
    """One SIECLE export (``.xml``, or a ``.zip`` of one XML) as records; :class:`FileRefused` if unreadable."""
    xml = unzip_if_needed(name, data)
    root = root_tag(name, xml)
    reader = _READERS.get(root)
    if reader is None:
        expected = ", ".join(_READERS)
        raise FileRefused(
            f"{name}: <{root}> is not a SIECLE export this import reads (expected {expected})", field="file"
        )
    return reader(name, xml, sha256(data))


# --- shared -------------------------------------------------------------------------------------------------------


def _header(kind: str, name: str, digest: str, parameters: Any | None) -> FileHeader:
    """What ``PARAMETRES`` says; the UAJ as given (placeholders included): the application judges it."""
    if parameters is None:
        return FileHeader(kind=kind, uai=None, year=None, sha256=digest, name=name)
    year = text(parameters, "ANNEE_SCOLAIRE")
    return FileHeader(
        kind=kind,
        uai=text(parameters, "UAJ"),
        year=int(year) if year is not None and year.isascii() and year.isdigit() else None,
        sha256=digest,
        name=name,
    )


@dataclass
class _Parameters:
    """The file's ``PARAMETRES``, captured as a header as soon as they stream past."""

    kind: str
    name: str
    digest: str
    header: FileHeader | None = None

    def read(self, element: Any) -> None:
        if self.header is None:
            self.header = _header(self.kind, self.name, self.digest, element)

    def result(self) -> FileHeader:
        return self.header or _header(self.kind, self.name, self.digest, None)


def _label(*parts: str | None) -> str:
    return " ".join(part for part in parts if part)


def _digits(element: Any, path: str) -> str:
    """A code with everything but its digits dropped, as GEPI reads ``RESPONSABLE_ELEVE`` values (" 1." → "1")."""
    return _NON_DIGITS.sub("", text(element, path) or "")


def _attribute(element: Any, key: str) -> str | None:
    value = element.get(key)
    if value is None:
        return None
    return value.strip() or None


# --- students -----------------------------------------------------------------------------------------------------


@dataclass
class _Placement:
    """One student's structures, merged over every ``STRUCTURES_ELEVE`` that names them."""

    class_code: str | None = None
    groups: list[str] = field(default_factory=list)

    def add(self, code: str, kind: str | None) -> None:
        if kind == "D":
            self.class_code = self.class_code or code
        elif kind == "G" and code not in self.groups:
            self.groups.append(code)


def _read_students(name: str, xml: bytes, digest: str) -> ParsedFile:
    parameters = _Parameters("siecle-students", name, digest)
    students: list[StudentEntry] = []
    unreadable: list[tuple[Origin, str]] = []
    seen: dict[str, int] = {}
    placements: dict[str, _Placement] = {}
    for element in iter_elements(name, xml, ("PARAMETRES", "ELEVE", "STRUCTURES_ELEVE")):
        if element.tag == "PARAMETRES":
            parameters.read(element)
        elif element.tag == "STRUCTURES_ELEVE":
            _read_placement(element, placements)
        else:
            student = _student(name, element)
            problem = _identity_problem("ELEVE_ID", student.source_id, student.origin, seen)
            if problem is None:
                students.append(student)
            else:
                unreadable.append((student.origin, problem))
    return ParsedFile(
        header=parameters.result(), students=[_placed(s, placements) for s in students], unreadable=unreadable
    )


def _identity_problem(key: str, source_id: str | None, origin: Origin, seen: dict[str, int]) -> str | None:
    """Why a record cannot be told apart from the others (no id, a repeated id), or None."""
    if source_id is None:
        return f"no {key}"
    if source_id in seen:
        return f"{key} {source_id} already given at line {seen[source_id]}"
    seen[source_id] = origin.line or 0
    return None


def _student(name: str, element: Any) -> StudentEntry:
    source_id = _attribute(element, "ELEVE_ID")
    last_name = text(element, "NOM_DE_FAMILLE") or text(element, "NOM")
    first_name = text(element, "PRENOM")
    return StudentEntry(
        origin=Origin(file=name, line=element.sourceline, label=_label("ELEVE_ID", source_id, last_name, first_name)),
        source_id=source_id,
        ine=_ine(element),
        last_name=last_name,
        first_name=first_name,
        birth_date=parse_date(text(element, "DATE_NAISS")),
        sex=SEXES.get(text(element, "CODE_SEXE") or ""),
        class_code=None,
        left_on=parse_date(text(element, "DATE_SORTIE")),
        level=text(element, "CODE_MEF"),
        meal_plan_code=text(element, "CODE_REGIME"),
    )


def _ine(element: Any) -> str | None:
    """The INE: ``ID_NATIONAL``, else the older ``INE_RNIE`` / ``INE_BEA``; upper case, no spaces."""
    for path in ("ID_NATIONAL", "INE_RNIE", "INE_BEA"):
        value = text(element, path)
        if value is not None:
            return "".join(value.split()).upper()
    return None


def _read_placement(element: Any, placements: dict[str, _Placement]) -> None:
    student_id = _attribute(element, "ELEVE_ID")
    if student_id is None:
        return
    placement = placements.setdefault(student_id, _Placement())
    for structure in element.iterfind("STRUCTURE"):
        code = text(structure, "CODE_STRUCTURE")
        if code is not None:
            placement.add(code, text(structure, "TYPE_STRUCTURE"))


def _placed(student: StudentEntry, placements: dict[str, _Placement]) -> StudentEntry:
    placement = placements.get(student.source_id or "")
    if placement is None:
        return student
    return replace(student, class_code=placement.class_code, groups=tuple(placement.groups))


# --- guardians ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    """A ``RESPONSABLE_ELEVE`` waiting for its ``PERSONNE`` to be known."""

    origin: Origin
    person_id: str | None
    child_id: str | None
    relationship: str
    legal: bool
    priority: bool


def _read_guardians(name: str, xml: bytes, digest: str) -> ParsedFile:
    parameters = _Parameters("siecle-guardians", name, digest)
    persons: dict[str, tuple[GuardianEntry, str | None]] = {}
    addresses: dict[str, str | None] = {}
    links: list[_Link] = []
    unreadable: list[tuple[Origin, str]] = []
    seen: dict[str, int] = {}
    for element in iter_elements(name, xml, ("PARAMETRES", "PERSONNE", "RESPONSABLE_ELEVE", "ADRESSE")):
        if element.tag == "PARAMETRES":
            parameters.read(element)
        elif element.tag == "ADRESSE":
            address_id = _attribute(element, "ADRESSE_ID")
            if address_id is not None:
                addresses.setdefault(address_id, _address(element))
        elif element.tag == "RESPONSABLE_ELEVE":
            links.append(_link(name, element))
        else:
            person, address_id = _person(name, element)
            problem = _identity_problem("PERSONNE_ID", person.source_id, person.origin, seen)
            if problem is None:
                persons[person.source_id or ""] = (person, address_id)
            else:
                unreadable.append((person.origin, problem))
    guardians = {
        key: replace(person, address=addresses.get(address_id or "")) for key, (person, address_id) in persons.items()
    }
    result = ParsedFile(header=parameters.result(), guardians=list(guardians.values()), unreadable=unreadable)
    for link in links:
        _resolve(link, guardians, result)
    return result


def _person(name: str, element: Any) -> tuple[GuardianEntry, str | None]:
    source_id = _attribute(element, "PERSONNE_ID")
    last_name = text(element, "NOM_DE_FAMILLE") or text(element, "NOM")
    first_name = text(element, "PRENOM")
    phones = (text(element, path) for path in ("TEL_PORTABLE", "TEL_PERSONNEL", "TEL_PROFESSIONNEL"))
    guardian = GuardianEntry(
        origin=Origin(
            file=name, line=element.sourceline, label=_label("PERSONNE_ID", source_id, last_name, first_name)
        ),
        source_id=source_id,
        civility=CIVILITIES.get((text(element, "LC_CIVILITE") or "").upper()),
        last_name=last_name,
        first_name=first_name,
        email=text(element, "MEL"),
        phone=next((phone for phone in phones if phone), None),
    )
    return guardian, text(element, "ADRESSE_ID")


def _address(element: Any) -> str | None:
    """One line, "18 RUE X, MEZIDON CANON, 14270 MEZIDON": street lines, then the town (or town and country)."""
    parts = [text(element, f"LIGNE{number}_ADRESSE") for number in range(1, 5)]
    town = _label(text(element, "CODE_POSTAL"), text(element, "LIBELLE_POSTAL"))
    if town:
        parts.append(town)
    else:
        parts += [text(element, "COMMUNE_ETRANGERE"), text(element, "LL_PAYS")]
    return ", ".join(part for part in parts if part) or None


def _link(name: str, element: Any) -> _Link:
    """A link as read; legal per GEPI: ``RESP_LEGAL`` 1 or 2 (older files) or ``NIVEAU_RESPONSABILITE`` 1."""
    child_id = text(element, "ELEVE_ID")
    person_id = text(element, "PERSONNE_ID")
    return _Link(
        origin=Origin(file=name, line=element.sourceline, label=_label("ELEVE_ID", child_id, "PERSONNE_ID", person_id)),
        person_id=person_id,
        child_id=child_id,
        relationship=RELATIONSHIPS.get(_digits(element, "CODE_PARENTE"), "AUTRE"),
        legal=_digits(element, "RESP_LEGAL") in {"1", "2"} or _digits(element, "NIVEAU_RESPONSABILITE") == "1",
        priority=(text(element, "A_CONTACTER_EN_PRIORITE") or "").lower() in {"true", "1"},
    )


def _resolve(link: _Link, guardians: dict[str, GuardianEntry], result: ParsedFile) -> None:
    """The link with its guardian, or an ``unreadable`` entry when the file does not let it be made."""
    guardian = guardians.get(link.person_id or "")
    if link.child_id is None or link.person_id is None:
        result.unreadable.append((link.origin, "a RESPONSABLE_ELEVE needs both ELEVE_ID and PERSONNE_ID"))
    elif guardian is None:
        result.unreadable.append((link.origin, f"PERSONNE_ID {link.person_id} is not among the file's PERSONNES"))
    else:
        result.links.append(
            LinkEntry(
                origin=link.origin,
                guardian=guardian,
                child=ChildRef(source_id=link.child_id),
                relationship=link.relationship,
                legal=link.legal,
                priority=link.priority,
            )
        )


# --- nomenclature -------------------------------------------------------------------------------------------------


def _read_nomenclature(name: str, xml: bytes, digest: str) -> ParsedFile:
    """Only the subjects (``MATIERE``): MEFs and programmes are not used by the imports."""
    parameters = _Parameters("siecle-nomenclature", name, digest)
    subjects: list[SubjectEntry] = []
    unreadable: list[tuple[Origin, str]] = []
    for element in iter_elements(name, xml, ("PARAMETRES", "MATIERE")):
        code = _attribute(element, "CODE_MATIERE")
        if element.tag == "PARAMETRES":
            parameters.read(element)
        elif code is None:
            unreadable.append((Origin(file=name, line=element.sourceline, label="MATIERE"), "no CODE_MATIERE"))
        else:
            subjects.append(SubjectEntry(code, text(element, "LIBELLE_COURT"), text(element, "LIBELLE_LONG")))
    return ParsedFile(header=parameters.result(), subjects=subjects, unreadable=unreadable)


_READERS: dict[str, Callable[[str, bytes, str], ParsedFile]] = {
    "BEE_ELEVES": _read_students,
    "BEE_EPHC_ELEVES": _read_students,
    "BEE_RESPONSABLES": _read_guardians,
    "BEE_EPHC_RESPONSABLES": _read_guardians,
    "BEE_NOMENCLATURES": _read_nomenclature,
}
