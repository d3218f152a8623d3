"""Absences after the call: reasons set by the office, justifications from families, the figures.

Every figure comes from the attendance read model, computed from the registers' marks and the
reasons set over spans of time, so a corrected mark changes the periods and the half-days at once.
Families see their own children only (404 for anyone else) and only what the school publishes:
a confidential reason shows to them as no reason at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from application.directory_queries import DirectoryQueries
from application.errors import NotFound
from application.permissions import FAMILY_ROLES, Principal
from application.unit_of_work import UnitOfWork
from domain.absence_periods import Summary
from domain.absence_reason import AbsenceReason, ReasonFlags
from domain.attendance_file import AttendanceFile
from domain.errors import RuleViolated
from domain.espaces import Role
from domain.student import Student
from projections.attendance import Attendance
from projections.attendance_records import ClassDay, JustificationItem, ReasonItem, StudentFigures


@dataclass(frozen=True)
class StudentAttendance:
    student_id: UUID
    first: date
    last: date
    summary: Summary
    canteen_absences: int


@dataclass(frozen=True)
class ClassAttendance:
    class_code: str
    first: date
    last: date
    days: list[ClassDay]
    students: list[StudentFigures]


class AbsenceUseCases(DirectoryQueries):
    """What the school-life office and families do with absences once the calls are taken."""

    # -- reasons ----------------------------------------------------------------------------------

    def list_reasons(self, principal: Principal) -> list[ReasonItem]:
        with self.reading() as connection:
            reasons = Attendance.reasons(connection)
        if principal.role in FAMILY_ROLES:
            reasons = [r for r in reasons if r.flags.published]
        return reasons

    def define_reason(self, *, code: str, label: str, kind: str, flags: ReasonFlags) -> None:
        reason = AbsenceReason.define(code=code, label=label, kind=kind, flags=flags)
        self.execute(lambda unit: unit.create(reason, natural_key=f"code {reason.code}"))

    def change_reason(self, *, code: str, label: str, flags: ReasonFlags) -> None:
        def run(unit: UnitOfWork) -> None:
            unit.get(AbsenceReason, AbsenceReason.create_id(code.strip().upper()), "absence reason").change(
                label=label, flags=flags
            )

        self.execute(run)

    # -- the office -------------------------------------------------------------------------------

    def set_absence_reason(
        self,
        student_id: UUID,
        *,
        first: datetime,
        last: datetime,
        reason_code: str,
        comment: str | None,
        settled: bool,
    ) -> None:
        """Set a reason on every missed lesson and lateness starting within ``[first, last)``."""
        self._reason_or_refuse(reason_code)
        self.require_student(student_id)

        def run(unit: UnitOfWork) -> None:
            self._file(unit, student_id).set_reason(
                first=first, last=last, reason_code=reason_code, comment=comment, settled=settled
            )

        self.execute(run)

    def decide_justification(
        self, student_id: UUID, justification_id: UUID, *, accept: bool, comment: str | None = None
    ) -> None:
        """Accept (the justification's reason is set over its span) or refuse a family's justification."""
        self.require_student(student_id)

        def run(unit: UnitOfWork) -> None:
            file = unit.find(AttendanceFile, AttendanceFile.create_id(student_id))
            if file is None:
                raise NotFound(f"justification {justification_id} does not exist")
            if accept:
                file.accept(justification_id)
            else:
                file.refuse(justification_id, comment)

        self.execute(run)

    def list_justifications(self, principal: Principal, state: str | None = None) -> list[JustificationItem]:
        with self.reading() as connection:
            items = Attendance.justifications(connection, state=state)
            scope = self.student_scope(connection, principal)
        if scope is not None:
            items = [item for item in items if item.student_id in scope]
        self._journal_list(principal, "justifications", {"state": state or "all"}, len(items))
        return items

    # -- families ---------------------------------------------------------------------------------

    def submit_justification(
        self,
        principal: Principal,
        student_id: UUID,
        *,
        first: datetime,
        last: datetime,
        reason_code: str,
        comment: str | None,
    ) -> UUID:
        """A guardian justifies an absence online, with one of the reasons parents may choose."""
        self.require_student_in_scope(principal, student_id)
        if principal.role is not Role.GUARDIAN or principal.person_id is None:
            raise RuleViolated("only a guardian justifies a child's absence online", field="student_id")
        guardian_id = principal.person_id
        reason = self._reason_or_refuse(reason_code)
        if not reason.flags.usable_by_parents:
            raise RuleViolated(f"parents may not choose the reason {reason.code}", field="reason_code")

        def run(unit: UnitOfWork) -> UUID:
            return self._file(unit, student_id).submit_justification(
                first=first, last=last, reason_code=reason.code, comment=comment, guardian_id=guardian_id
            )

        return self.execute(run)

    # -- figures ----------------------------------------------------------------------------------

    def student_attendance(self, principal: Principal, student_id: UUID, first: date, last: date) -> StudentAttendance:
        """A student's absence periods, lateness and half-days (journaled: it is their school record)."""
        self.require_student_in_scope(principal, student_id)
        with self.reading() as connection:
            summary = Attendance.student_summary(
                connection, student_id, first, last, published_only=principal.role in FAMILY_ROLES
            )
            canteen = Attendance.canteen_absences(connection, student_id, first, last)
        self._journal_record(principal, "student", student_id, ["attendance"])
        return StudentAttendance(student_id, first, last, summary, canteen)

    def class_attendance(self, principal: Principal, class_code: str, first: date, last: date) -> ClassAttendance:
        """Daily summaries of a class and each student's figures: what a bulletin prints."""
        with self.reading() as connection:
            if self.directory.find_class(connection, class_code) is None:
                raise NotFound(f"class {class_code!r} does not exist")
            days = Attendance.class_daily(connection, class_code, first, last)
            students = Attendance.class_summary(connection, class_code, first, last)
            scope = self.student_scope(connection, principal)
        if scope is not None:
            # A teacher reads the classes they teach (their students' figures), not the others.
            students = [s for s in students if s.student_id in scope]
            if not students:
                raise NotFound(f"class {class_code!r} does not exist")
        self._journal_list(principal, "class-attendance", {"class_code": class_code}, len(students))
        return ClassAttendance(class_code, first, last, days, students)

    # -- meal plans and exit authorisations -------------------------------------------------------

    def set_meal_plan(self, student_id: UUID, meal_plan: str) -> None:
        self.execute(lambda unit: unit.get(Student, student_id, "student").change_meal_plan(meal_plan))

    def set_exit_authorisation(self, student_id: UUID, authorised: bool) -> None:
        self.execute(lambda unit: unit.get(Student, student_id, "student").authorise_exit(authorised))

    # -- helpers ----------------------------------------------------------------------------------

    def _reason_or_refuse(self, code: str) -> ReasonItem:
        with self.reading() as connection:
            reason = Attendance.reason(connection, code.strip().upper())
        if reason is None:
            raise RuleViolated(f"{code!r} is not one of the school's reasons", field="reason_code")
        return reason

    @staticmethod
    def _file(unit: UnitOfWork, student_id: UUID) -> AttendanceFile:
        file = unit.find(AttendanceFile, AttendanceFile.create_id(student_id))
        return file if file is not None else unit.create(AttendanceFile.open(student_id))
