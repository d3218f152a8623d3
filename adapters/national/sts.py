"""The STS-WEB export ``sts_emp_<UAI>_<year>.xml`` (root ``STS_EDT``): staff, classes, groups, services.

The file is streamed element by element (see :func:`iter_elements`) and nothing is resolved until it
has been read to its end: teachers named by a service and subject labels are looked up only then, so
the reader does not depend on the order of the file's sections. A file that is not an ``STS_EDT``, or
is not well-formed, is refused whole; an entry that cannot become a record is reported in ``unreadable``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from lxml import etree

from adapters.national.files import parse_date, records_under, root_tag, sha256, text, unzip_if_needed
from application.imports.records import (
    DivisionEntry,
    FileHeader,
    FileRefused,
    GroupEntry,
    Origin,
    ParsedFile,
    ServiceEntry,
    SubjectEntry,
    TeacherEntry,
)

ROOT = "STS_EDT"
TIMETABLE_ROOT = "EDT_STS"  # emp_sts: the timetable software's upward file, an anagram of this one
DEFAULT_COURSE_MODE = "CG"  # cours général, when SERVICE@CODE_MOD_COURS is absent

# Each record element and the parent it must have: the same names elsewhere are not records.
_RECORDS = {
    "PARAMETRES": ROOT,
    "MATIERE": "MATIERES",
    "INDIVIDU": "INDIVIDUS",
    "DIVISION": "DIVISIONS",
    "GROUPE": "GROUPES",
}
_CIVILITIES = {"1": "M.", "2": "Mme", "3": "Mme"}  # CIVILITE 3 (Mlle) is no longer used: Mme
_SEXES = {"1": "M.", "2": "Mme"}
_MEF_TAGS = ("MEF_APPARTENANCE", "MEF")  # real files; the constructed sample

Element = etree._Element


def read_sts(name: str, data: bytes) -> ParsedFile:
    """Read one ``sts_emp`` file, bare or zipped, into records; refuse it whole if it is not one."""
    xml = unzip_if_needed(name, data)
    _check_root(name, xml)
    reading = _Reading(name)
    for element in records_under(name, xml, _RECORDS):
        reading.take(element)
    return reading.finish(sha256(data))


def _check_root(name: str, xml: bytes) -> None:
    """Refuse any other file, naming the ``emp_sts`` mix-up since the two names differ only by order."""
    tag = root_tag(name, xml)
    if tag == TIMETABLE_ROOT:
        message = (
            f"{name}: this is an emp_sts timetable file ({TIMETABLE_ROOT}), not an STS-WEB sts_emp export ({ROOT})"
        )
        raise FileRefused(message, field="file")
    if tag != ROOT:
        raise FileRefused(f"{name}: the root element is {tag}, not {ROOT}: not an STS-WEB sts_emp export", field="file")


@dataclass
class _Service:
    """A service as read, before its teachers are checked against the file's individuals."""

    origin: Origin
    subject_code: str
    course_mode: str
    class_code: str | None
    group_code: str | None
    teachers: list[tuple[str, Origin]]


@dataclass
class _Reading:
    """What has been read of one file so far; :meth:`finish` turns it into a :class:`ParsedFile`."""

    name: str
    uai: str | None = None
    year: int | None = None
    subjects: dict[str, SubjectEntry] = field(default_factory=dict)
    teachers: list[TeacherEntry] = field(default_factory=list)
    divisions: list[DivisionEntry] = field(default_factory=list)
    groups: list[GroupEntry] = field(default_factory=list)
    services: list[_Service] = field(default_factory=list)
    unreadable: list[tuple[Origin, str]] = field(default_factory=list)
    seen: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def take(self, element: Element) -> None:
        readers = {
            "PARAMETRES": self._parameters,
            "MATIERE": self._subject,
            "INDIVIDU": self._individual,
            "DIVISION": self._division,
            "GROUPE": self._group,
        }
        readers[str(element.tag)](element)

    def finish(self, digest: str) -> ParsedFile:
        header = FileHeader(kind="sts", uai=self.uai, year=self.year, sha256=digest, name=self.name)
        return ParsedFile(
            header=header,
            teachers=self.teachers,
            divisions=self.divisions,
            groups=self.groups,
            services=self._resolved_services(),
            subjects=list(self.subjects.values()),
            unreadable=self.unreadable,
        )

    def _origin(self, element: Element, label: str) -> Origin:
        return Origin(file=self.name, line=line_of(element), label=label)

    def _parameters(self, element: Element) -> None:
        uaj = element.find("UAJ")
        self.uai = (attribute(uaj, "CODE") if uaj is not None else None) or text(element, "UAJ")
        year = element.find("ANNEE_SCOLAIRE")
        value = attribute(year, "ANNEE") if year is not None else None
        self.year = int(value) if value is not None and value.isdigit() else None

    def _subject(self, element: Element) -> None:
        code = attribute(element, "CODE")
        if code is None:
            self.unreadable.append((self._origin(element, "MATIERE"), "MATIERE without CODE"))
            return
        short, long = text(element, "LIBELLE_COURT"), text(element, "LIBELLE_LONG")
        self.subjects.setdefault(code, SubjectEntry(code=code, short_label=short, long_label=long))

    def _individual(self, element: Element) -> None:
        entry = teacher_entry(self.name, element)
        if entry.source_id is None or self._first("INDIVIDU", entry.source_id, entry.origin):
            self.teachers.append(entry)

    def _division(self, element: Element) -> None:
        """A class and its services; a repeated DIVISION is reported, but its services still count (merged)."""
        code = attribute(element, "CODE")
        origin = self._origin(element, f"DIVISION {code or ''}".strip())
        if code is None:
            self.unreadable.append((origin, "DIVISION without CODE"))
            return
        if self._first("DIVISION", code, origin):
            self.divisions.append(DivisionEntry(origin, code, text(element, "LIBELLE_LONG"), division_mefs(element)))
        self._services(element, origin.label, class_code=code)

    def _group(self, element: Element) -> None:
        """A group: 1 DIVISION_APPARTENANCE = part of a class, several = drawn from several classes."""
        code = attribute(element, "CODE")
        origin = self._origin(element, f"GROUPE {code or ''}".strip())
        if code is None:
            self.unreadable.append((origin, "GROUPE without CODE"))
            return
        divisions = unique(
            attribute(member, "CODE") for member in element.iterfind("DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE")
        )
        if self._first("GROUPE", code, origin):
            self.groups.append(GroupEntry(origin, code, text(element, "LIBELLE_LONG"), divisions))
        self._services(element, origin.label, group_code=code)

    def _services(
        self, owner: Element, where: str, class_code: str | None = None, group_code: str | None = None
    ) -> None:
        for element in owner.iterfind("SERVICES/SERVICE"):
            subject = attribute(element, "CODE_MATIERE")
            mode = attribute(element, "CODE_MOD_COURS") or DEFAULT_COURSE_MODE
            origin = self._origin(element, f"SERVICE {subject or '?'} {mode} {where}")
            if subject is None:
                self.unreadable.append((origin, "SERVICE without CODE_MATIERE"))
                continue
            teachers = self._teachers(element, origin.label)
            self.services.append(_Service(origin, subject, mode, class_code, group_code, teachers))

    def _teachers(self, service: Element, label: str) -> list[tuple[str, Origin]]:
        """The ENSEIGNANT ids of a service, in order, each with where it was read (checked at the end)."""
        teachers = []
        for teacher in service.iterfind("ENSEIGNANTS/ENSEIGNANT"):
            teacher_id = attribute(teacher, "ID")
            origin = self._origin(teacher, f"{label} ENSEIGNANT {teacher_id or ''}".strip())
            if teacher_id is None:
                self.unreadable.append((origin, "ENSEIGNANT without ID"))
            else:
                teachers.append((teacher_id, origin))
        return teachers

    def _first(self, kind: str, code: str, origin: Origin) -> bool:
        """Whether this is the first ``kind`` with this code; a repeat is reported, not guessed at."""
        if (kind, code) in self.seen:
            first = self.seen[kind, code]
            self.unreadable.append(
                (origin, f"{kind} {code} appears twice (first at line {first}); this one is ignored")
            )
            return False
        self.seen[kind, code] = origin.line
        return True

    def _resolved_services(self) -> list[ServiceEntry]:
        """One service per (subject, course mode, class or group), with the teachers the file knows.

        A service repeated in the file is one service whose teachers are those of all its repeats.
        """
        known = {entry.source_id for entry in self.teachers}
        merged: dict[tuple[str, str, str | None, str | None], _Service] = {}
        for service in self.services:
            key = (service.subject_code, service.course_mode, service.class_code, service.group_code)
            target = merged.setdefault(key, replace(service, teachers=[]))
            for teacher_id, origin in service.teachers:
                if teacher_id not in known:
                    self.unreadable.append((origin, f"ENSEIGNANT {teacher_id} names no INDIVIDU of the file"))
                elif teacher_id not in (known_id for known_id, _ in target.teachers):
                    target.teachers.append((teacher_id, origin))
        return [self._service_entry(service) for service in merged.values()]

    def _service_entry(self, service: _Service) -> ServiceEntry:
        subject = self.subjects.get(service.subject_code)
        return ServiceEntry(
            origin=service.origin,
            subject_code=service.subject_code,
            subject_label=(subject.short_label or subject.long_label) if subject is not None else None,
            class_code=service.class_code,
            group_code=service.group_code,
            teachers=tuple(teacher_id for teacher_id, _ in service.teachers),
            course_mode=service.course_mode,
        )


def teacher_entry(name: str, element: Element) -> TeacherEntry:
    """An ``INDIVIDU`` as the file gives it: the import decides, from FONCTION, teacher or other staff."""
    source_id = attribute(element, "ID")
    last_name = text(element, "NOM_USAGE") or text(element, "NOM_PATRONYMIQUE")
    first_name = text(element, "PRENOM")
    label = " ".join(part for part in ("INDIVIDU", source_id, last_name, first_name) if part)
    return TeacherEntry(
        origin=Origin(file=name, line=line_of(element), label=label),
        source_id=source_id,
        civility=civility(element),
        last_name=last_name,
        first_name=first_name,
        function=text(element, "FONCTION"),
        birth_date=parse_date(text(element, "DATE_NAISSANCE")),
        disciplines=unique(
            text(discipline, "LIBELLE_COURT") or attribute(discipline, "CODE")
            for discipline in element.iterfind("DISCIPLINES/DISCIPLINE")
        ),
        principal_of=unique(
            text(principal, "CODE_STRUCTURE") for principal in element.iterfind("PROFS_PRINC/PROF_PRINC")
        ),
    )


def civility(element: Element) -> str | None:
    """``M.`` or ``Mme`` from CIVILITE, else from SEXE (often empty for locally added individuals)."""
    return _CIVILITIES.get(text(element, "CIVILITE") or "") or _SEXES.get(text(element, "SEXE") or "")


def division_mefs(division: Element) -> tuple[str, ...]:
    """The MEF codes of a class, whichever of the three known spellings of MEFS_APPARTENANCE is used."""
    codes: list[str | None] = []
    for child in division.iterfind("MEFS_APPARTENANCE/*"):
        if child.tag in _MEF_TAGS:
            codes.append(attribute(child, "CODE") or text(child, "CODE_MEF"))
        elif child.tag == "CODE_MEF":
            codes.append(own_text(child))
    return unique(codes)


def attribute(element: Element, key: str) -> str | None:
    """An attribute, trimmed (inner spaces are part of codes such as ``4e 1``); None when absent or empty."""
    value = element.get(key)
    return value.strip() or None if value is not None else None


def line_of(element: Element) -> int | None:
    """The element's line in the file (lxml-stubs type ``sourceline`` loosely)."""
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def own_text(element: Element) -> str | None:
    value = " ".join((element.text or "").split())
    return value or None


def unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """The given values in order, without blanks or repeats."""
    return tuple(dict.fromkeys(value for value in values if value))
