"""Builders of synthetic parsed national files, and readers of what an import wrote to the event log.

The import use case takes :class:`ParsedFile` objects (what the readers of SIECLE, STS-WEB and ONDE
produce), so these tests build them directly: one line per record, with the defaults of a plausible
collège. Each file's SHA-256 is derived from its content, as a reader would give it, so that two
files with the same records have the same hash.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from eventsourcing.domain import DomainEventProtocol

from application.base import SchoolYearBase
from application.imports.records import (
    ChildRef,
    DivisionEntry,
    FileHeader,
    GroupEntry,
    GuardianEntry,
    LinkEntry,
    Origin,
    ParsedFile,
    ServiceEntry,
    StudentEntry,
    TeacherEntry,
)
from application.imports.report import ImportReport
from domain.import_run import ImportRun

YEAR = 2026
BIRTH = date(2012, 5, 1)
RECORDED = "ImportRun.Recorded"

# Tests that only need one backend run on SQLite: the direct parametrisation overrides ``backend``.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])


# --- records ---------------------------------------------------------------------------------------------------------


def student(
    eleve_id: str | None,
    last_name: str | None = "Dupont",
    first_name: str | None = "Zoé",
    *,
    ine: str | None = None,
    birth_date: date | None = BIRTH,
    sex: str | None = "F",
    class_code: str | None = "3A",
    groups: tuple[str, ...] = (),
    left_on: date | None = None,
    level: str | None = None,
) -> StudentEntry:
    """A SIECLE ``ELEVE`` (with an ELEVE_ID) or, with ``eleve_id=None``, an ONDE student row."""
    label = f"ELEVE_ID={eleve_id}" if eleve_id else f"{last_name} {first_name}"
    return StudentEntry(
        origin=Origin(file="students", label=label),
        source_id=eleve_id,
        ine=ine,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        class_code=class_code,
        groups=groups,
        left_on=left_on,
        level=level,
    )


def guardian(
    personne_id: str | None,
    last_name: str | None = "Dupont",
    first_name: str | None = "Claire",
    *,
    civility: str | None = "Mme",
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
) -> GuardianEntry:
    """A SIECLE ``PERSONNE`` (with a PERSONNE_ID) or, with ``personne_id=None``, an ONDE responsable."""
    label = f"PERSONNE_ID={personne_id}" if personne_id else f"{last_name} {first_name}"
    return GuardianEntry(
        origin=Origin(file="guardians", label=label),
        source_id=personne_id,
        civility=civility,
        last_name=last_name,
        first_name=first_name,
        email=email,
        phone=phone,
        address=address,
    )


def link(
    person: GuardianEntry, eleve_id: str, relationship: str = "MERE", *, legal: bool = True, priority: bool = False
) -> LinkEntry:
    """A SIECLE ``RESPONSABLE_ELEVE``: the person and the child's ELEVE_ID."""
    return LinkEntry(
        origin=Origin(file="guardians", label=f"RESPONSABLE_ELEVE {person.source_id}->{eleve_id}"),
        guardian=person,
        child=ChildRef(source_id=eleve_id),
        relationship=relationship,
        legal=legal,
        priority=priority,
    )


def onde_link(
    person: GuardianEntry,
    last_name: str,
    first_name: str,
    class_code: str | None,
    relationship: str = "MERE",
    *,
    legal: bool = True,
) -> LinkEntry:
    """An ONDE responsables row: the person and their child named by name and class."""
    return LinkEntry(
        origin=Origin(file="responsables", label=f"{person.last_name} -> {last_name} {first_name}"),
        guardian=person,
        child=ChildRef(last_name=last_name, first_name=first_name, class_code=class_code),
        relationship=relationship,
        legal=legal,
    )


def teacher(
    individu_id: str | None,
    last_name: str | None = "Curie",
    first_name: str | None = "Marie",
    *,
    function: str | None = "ENS",
    civility: str | None = "Mme",
    disciplines: tuple[str, ...] = (),
    principal_of: tuple[str, ...] = (),
    classes: tuple[str, ...] = (),
) -> TeacherEntry:
    """An STS ``INDIVIDU`` (with its ID) or, with ``individu_id=None``, an ONDE teacher row."""
    return TeacherEntry(
        origin=Origin(file="sts", label=f"INDIVIDU={individu_id}"),
        source_id=individu_id,
        civility=civility,
        last_name=last_name,
        first_name=first_name,
        function=function,
        disciplines=disciplines,
        principal_of=principal_of,
        classes=classes,
    )


def division(code: str, label: str | None = None, *, mefs: tuple[str, ...] = ()) -> DivisionEntry:
    return DivisionEntry(origin=Origin(file="sts", label=f"DIVISION={code}"), code=code, label=label, mefs=mefs)


def group(code: str, *divisions: str, label: str | None = None) -> GroupEntry:
    return GroupEntry(origin=Origin(file="sts", label=f"GROUPE={code}"), code=code, label=label, divisions=divisions)


def service(
    subject_code: str,
    *teachers: str,
    class_code: str | None = None,
    group_code: str | None = None,
    subject_label: str | None = None,
) -> ServiceEntry:
    where = class_code or group_code
    return ServiceEntry(
        origin=Origin(file="sts", label=f"SERVICE={subject_code}@{where}"),
        subject_code=subject_code,
        subject_label=subject_label,
        class_code=class_code,
        group_code=group_code,
        teachers=teachers,
    )


# --- files -----------------------------------------------------------------------------------------------------------


def parsed(kind: str, uai: str | None, *, year: int | None = YEAR, name: str | None = None, **lists: Any) -> ParsedFile:
    """A parsed file of ``kind`` for the school ``uai``, holding the given lists of records.

    Its SHA-256 is that of its records, as if the file were made of them.
    """
    sha256 = hashlib.sha256(repr((kind, uai, year, sorted(lists.items()))).encode()).hexdigest()
    header = FileHeader(kind=kind, uai=uai, year=year, sha256=sha256, name=name or f"{kind}.xml")
    return ParsedFile(header=header, **lists)


def siecle_students(uai: str | None, *entries: StudentEntry, **header: Any) -> ParsedFile:
    """An ``ElevesSansAdresses.xml``."""
    return parsed("siecle-students", uai, name="ElevesSansAdresses.xml", students=list(entries), **header)


def siecle_guardians(
    uai: str | None,
    links: tuple[LinkEntry, ...] | list[LinkEntry] = (),
    guardians: tuple[GuardianEntry, ...] | list[GuardianEntry] = (),
    **header: Any,
) -> ParsedFile:
    """A ``ResponsablesAvecAdresses.xml``: the persons, and their links to students."""
    return parsed(
        "siecle-guardians",
        uai,
        name="ResponsablesAvecAdresses.xml",
        guardians=list(guardians),
        links=list(links),
        **header,
    )


def sts_file(
    uai: str | None,
    *,
    teachers: tuple[TeacherEntry, ...] = (),
    divisions: tuple[DivisionEntry, ...] = (),
    groups: tuple[GroupEntry, ...] = (),
    services: tuple[ServiceEntry, ...] = (),
    **header: Any,
) -> ParsedFile:
    """An ``sts_emp_<UAI>_<year>.xml``."""
    return parsed(
        "sts",
        uai,
        name="sts_emp.xml",
        teachers=list(teachers),
        divisions=list(divisions),
        groups=list(groups),
        services=list(services),
        **header,
    )


def onde_students(uai: str | None, *entries: StudentEntry, **header: Any) -> ParsedFile:
    """An ONDE students extraction (CSV): no ids, only names, birth dates and classes."""
    return parsed("onde-students", uai, name="CSVExtraction.csv", students=list(entries), **header)


def onde_guardians(uai: str | None, *links: LinkEntry, **header: Any) -> ParsedFile:
    """An ONDE responsables extraction: one row per guardian and child."""
    return parsed("onde-guardians", uai, name="responsables.csv", links=list(links), **header)


def onde_teachers(uai: str | None, *entries: TeacherEntry, **header: Any) -> ParsedFile:
    return parsed("onde-teachers", uai, name="enseignants.csv", teachers=list(entries), **header)


def renamed(file: ParsedFile, name: str) -> ParsedFile:
    return replace(file, header=replace(file.header, name=name))


# --- the event log ---------------------------------------------------------------------------------------------------


def head(base: SchoolYearBase) -> int:
    """The id of the last event written to the base."""
    return base.recorder.max_notification_id() or 0


def events_after(base: SchoolYearBase, position: int) -> list[DomainEventProtocol[Any]]:
    """The events written after ``position``, in order."""
    notifications = base.recorder.select_notifications(start=position + 1, limit=100_000)
    return [base.mapper.to_domain_event(n) for n in notifications]


def all_events(base: SchoolYearBase) -> list[DomainEventProtocol[Any]]:
    return events_after(base, 0)


def kind_of(event: DomainEventProtocol[Any]) -> str:
    """An event's class as the aggregate names it: ``"Student.MovedToClass"``."""
    return type(event).__qualname__


@dataclass
class Imported:
    """What one call of ``import_files`` returned and wrote."""

    report: ImportReport
    events: list[DomainEventProtocol[Any]]

    @property
    def kinds(self) -> Counter[str]:
        """How many events of each class were written, the import's own record included."""
        return Counter(kind_of(e) for e in self.events)

    @property
    def changes(self) -> Counter[str]:
        """The events of the records (every event but the import's own record)."""
        return Counter(kind_of(e) for e in self.events if kind_of(e) != RECORDED)

    @property
    def run(self) -> ImportRun.Recorded:
        """The one event that records the import."""
        runs = [e for e in self.events if isinstance(e, ImportRun.Recorded)]
        assert len(runs) == 1, f"expected one ImportRun.Recorded, got {len(runs)}"
        return runs[0]

    @property
    def reasons(self) -> list[str]:
        return [rejection.reason for rejection in self.report.rejected]

    def counts(self) -> dict[str, int]:
        """The report's counts, rejections counted."""
        r = self.report
        return {
            "created": r.created,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "left": r.left,
            "rejected": len(r.rejected),
        }


def run_import(
    base: SchoolYearBase, kind: str, *files: ParsedFile, force_uai: bool = False, dry_run: bool = False
) -> Imported:
    """Import the files, and collect the events that import wrote (nothing else writes meanwhile)."""
    before = head(base)
    report = base.import_files(kind, list(files), force_uai=force_uai, dry_run=dry_run)
    return Imported(report=report, events=events_after(base, before))
