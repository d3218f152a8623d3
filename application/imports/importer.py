"""The import use case: check the files against the base, import their records in one transaction.

An import is atomic (its events are saved together, or none is), idempotent (a file imported twice
writes nothing the second time: every step compares before it changes), and reported record by
record. ``dry_run`` runs every step and throws the changes away.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.imports.context import ImportContext
from application.imports.guardians import import_guardians
from application.imports.records import FileRefused, ParsedFile
from application.imports.report import ImportReport
from application.imports.staff import import_people, import_services, import_structure
from application.imports.students import import_students, mark_absent_as_left
from application.imports.timetable import TimetableImport, import_alternations, import_lessons
from application.timetable import TimetableUseCases
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidValue
from domain.import_run import ImportRun
from domain.school_calendar import monday_of
from domain.values import parse_uai
from projections.directory_index import read_index
from projections.timetables import Timetables

# Which file kinds each import takes: the readers say which kind a file is.
IMPORT_KINDS: dict[str, set[str]] = {
    "siecle": {"siecle-students", "siecle-guardians", "siecle-nomenclature"},
    "sts": {"sts"},
    "onde": {"onde-students", "onde-guardians", "onde-teachers"},
    "timetable": {"edt-sts", "timetable-csv"},
}


class ImportUseCases(TimetableUseCases):
    """Imports from SIECLE, STS-WEB, ONDE and timetable software into this base."""

    def import_files(
        self, kind: str, files: Sequence[ParsedFile], *, force_uai: bool = False, dry_run: bool = False
    ) -> ImportReport:
        """Import parsed files of one kind; a file that is not for this base refuses the whole import."""
        forced = self._check(kind, files, force_uai=force_uai)
        listed = [{"name": f.header.name, "sha256": f.header.sha256} for f in files]
        self.catch_up()

        def run(unit: UnitOfWork) -> ImportReport:
            report = ImportReport(kind=kind, files=listed, dry_run=dry_run)
            with self.reading() as connection:
                index = read_index(connection)
            unit.prefetch(index.known_people())
            context = ImportContext(unit=unit, index=index, report=report, today=self.today())
            _import(context, files)
            if kind == "timetable":
                self._import_timetable(context, files)
            changes = unit.pending_events
            # The import's own event is counted in the report it records, so both reports agree.
            report.events = changes + 1 if changes and not dry_run else changes
            if changes and not dry_run:
                unit.create(ImportRun(kind=kind, files=listed, forced_uai=forced, report=report.as_dict()))
            return report

        if dry_run:
            report = run(UnitOfWork(self))
            report.events = 0
            return report
        return self.execute(run)

    def _import_timetable(self, context: ImportContext, files: Sequence[ParsedFile]) -> None:
        """Alternations, then lessons; then the registers already made follow the changed lessons."""
        days = self.calendar_days()
        today = self.today()
        since = monday_of(today if today >= days.first_day else days.first_day)
        with self.reading() as connection:
            exists = Timetables.calendar(connection) is not None
            imported = Timetables.imported_lessons(connection)
        step = TimetableImport(calendar=days, calendar_exists=exists, since=since, imported=imported)
        import_alternations(context, step, [a for parsed in files for a in parsed.alternations])
        import_lessons(context, step, [lesson for parsed in files for lesson in parsed.lessons])
        for plan in step.changed:
            self.follow_registers(context.unit, plan, step.calendar, step.since)

    def _check(self, kind: str, files: Sequence[ParsedFile], *, force_uai: bool) -> str | None:
        """Refuse files of another kind, school or year; returns the UAI a forced import overrode."""
        if kind not in IMPORT_KINDS:
            raise FileRefused(f"unknown import {kind!r}: one of {', '.join(sorted(IMPORT_KINDS))}", field="kind")
        if not files:
            raise FileRefused("no file to import", field="file")
        forced: str | None = None
        for parsed in files:
            header = parsed.header
            if header.kind not in IMPORT_KINDS[kind]:
                raise FileRefused(f"{header.name} is a {header.kind} file, not one for a {kind} import", field="file")
            if header.uai is not None and not _same_school(header.uai, self.uai):
                if not force_uai:
                    raise FileRefused(
                        f"{header.name} is for school {header.uai!r}, not {self.uai}"
                        " (--force-uai imports it anyway, and records that it did)",
                        field="file",
                    )
                forced = header.uai
            if header.year is not None and header.year != self.year:
                raise FileRefused(
                    f"{header.name} is for the school year {header.year}-{header.year + 1}, this base is {self.year}",
                    field="file",
                )
        return forced


def _same_school(stated: str, uai: str) -> bool:
    try:
        return parse_uai(stated) == uai
    except InvalidValue:
        return False


def _import(context: ImportContext, files: Sequence[ParsedFile]) -> None:
    """Structure first, then people, then links: each step finds what the previous ones created."""
    for parsed in files:
        for origin, reason in parsed.unreadable:
            context.report.reject(origin, reason)
    for parsed in files:
        import_structure(context, parsed.divisions, parsed.groups)
    for parsed in files:
        import_people(context, parsed.teachers)
    for parsed in files:
        import_services(context, parsed.services)
    students: dict[str, UUID] = {}
    for parsed in files:
        if parsed.students:
            kept = import_students(context, parsed.students)
            students.update(kept)
            if parsed.header.kind == "siecle-students":
                mark_absent_as_left(context, kept, {e.source_id for e in parsed.students if e.source_id})
    for parsed in files:
        if parsed.guardians or parsed.links:
            import_guardians(context, parsed.guardians, parsed.links, students)
