"""The attendance read model: registers and their marks, reasons, families' justifications, figures.

Teachers list their registers, the school-life office the calls not taken and the justifications to
decide, families and bulletins a student's periods and half-days. Every handler writes rows from its
event alone (tables in :mod:`projections.attendance_tables`). Periods and figures are computed when
read, by the rules of :mod:`domain.absence_periods` (:mod:`projections.attendance_figures`), so a
corrected mark or a reason set later changes them with no stored total to keep right; the register
queries are in :mod:`projections.attendance_registers`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.absence_periods import Summary
from domain.absence_reason import AbsenceReason
from domain.attendance_file import AttendanceFile, JustificationState
from domain.register import Register
from domain.school_calendar import instant, parse_clock
from domain.values import as_utc
from projections import attendance_figures as figures
from projections import attendance_registers as calls
from projections.attendance_records import (
    ClassDay,
    JustificationItem,
    NotTakenRegister,
    ReasonItem,
    RegisterDetail,
    RegisterItem,
    StudentFigures,
)
from projections.attendance_tables import (
    files,
    justifications,
    metadata,
    reason_spans,
    reasons,
    register_students,
    register_teachers,
    registers,
)
from projections.batch import RowBatch
from projections.engine import Projection, handles


class Attendance(Projection):
    """Registers, marks, reasons and justifications of the base, and the figures they give."""

    name = "attendance"
    metadata = metadata

    # -- registers --------------------------------------------------------------------------------

    @handles(Register.Opened)
    def _opened(self, batch: RowBatch, e: Register.Opened) -> None:
        register_id = str(e.originator_id)
        batch.upsert(
            registers,
            {
                "id": register_id,
                "lesson_id": None if e.lesson_id is None else str(e.lesson_id),
                "on": e.on,
                "kind": e.kind,
                "day": e.day,
                "start": e.start,
                "end": e.end,
                "starts_at": instant(e.day, parse_clock(e.start, "start")),
                "subject_label": e.subject_label,
                "class_code": e.class_code,
                "group_code": e.group_code,
                "room": e.room,
                "teachers_version": e.originator_version,
                "closed": False,
                "withdrawn": False,
                "withdrawn_reason": None,
            },
        )
        self._teachers(batch, register_id, e.teacher_ids, e.originator_version)
        for student_id in e.expected:
            self._mark(batch, register_id, student_id, None, None)

    @handles(Register.Marked)
    def _marked(self, batch: RowBatch, e: Register.Marked) -> None:
        self._mark(batch, str(e.originator_id), e.student_id, e.mark, e.minutes)

    @handles(Register.MarkCleared, Register.StudentExpected)
    def _present(self, batch: RowBatch, e: Register.MarkCleared | Register.StudentExpected) -> None:
        self._mark(batch, str(e.originator_id), e.student_id, None, None)

    @handles(Register.CallClosed)
    def _closed(self, batch: RowBatch, e: Register.CallClosed) -> None:
        batch.update(registers, {"id": str(e.originator_id)}, {"closed": True})

    @handles(Register.Rescheduled)
    def _rescheduled(self, batch: RowBatch, e: Register.Rescheduled) -> None:
        register_id = str(e.originator_id)
        values = {
            "day": e.day,
            "start": e.start,
            "end": e.end,
            "starts_at": instant(e.day, parse_clock(e.start, "start")),
            "room": e.room,
            "teachers_version": e.originator_version,
        }
        batch.update(registers, {"id": register_id}, values)
        self._teachers(batch, register_id, e.teacher_ids, e.originator_version)

    @handles(Register.Withdrawn)
    def _withdrawn(self, batch: RowBatch, e: Register.Withdrawn) -> None:
        batch.update(registers, {"id": str(e.originator_id)}, {"withdrawn": True, "withdrawn_reason": e.reason})

    @handles(Register.Reinstated)
    def _reinstated(self, batch: RowBatch, e: Register.Reinstated) -> None:
        batch.update(registers, {"id": str(e.originator_id)}, {"withdrawn": False, "withdrawn_reason": None})

    @staticmethod
    def _teachers(batch: RowBatch, register_id: str, teacher_ids: list[UUID], version: int) -> None:
        """The register's teachers as of ``version``; rows of earlier lists stay, outdated by the register."""
        for teacher_id in teacher_ids:
            batch.upsert(
                register_teachers, {"register_id": register_id, "teacher_id": str(teacher_id), "version": version}
            )

    @staticmethod
    def _mark(batch: RowBatch, register_id: str, student_id: UUID, mark: str | None, minutes: int | None) -> None:
        row = {"register_id": register_id, "student_id": str(student_id), "mark": mark, "minutes": minutes}
        batch.upsert(register_students, row)

    # -- reasons ----------------------------------------------------------------------------------

    @handles(AbsenceReason.Defined)
    def _reason_defined(self, batch: RowBatch, e: AbsenceReason.Defined) -> None:
        batch.upsert(reasons, {"id": str(e.originator_id), "code": e.code, "kind": e.kind, **_reason_values(e)})

    @handles(AbsenceReason.Changed)
    def _reason_changed(self, batch: RowBatch, e: AbsenceReason.Changed) -> None:
        batch.update(reasons, {"id": str(e.originator_id)}, _reason_values(e))

    # -- attendance files -------------------------------------------------------------------------

    @handles(AttendanceFile.Opened)
    def _file_opened(self, batch: RowBatch, e: AttendanceFile.Opened) -> None:
        batch.upsert(files, {"id": str(e.originator_id), "student_id": str(e.student_id)})

    @handles(AttendanceFile.ReasonSet)
    def _reason_set(self, batch: RowBatch, e: AttendanceFile.ReasonSet) -> None:
        row = {
            "file_id": str(e.originator_id),
            "version": e.originator_version,
            "first": as_utc(e.first),
            "last": as_utc(e.last),
            "reason_code": e.reason_code,
            "comment": e.comment,
            "settled": e.settled,
            "set_at": as_utc(e.timestamp),
        }
        batch.upsert(reason_spans, row)

    @handles(AttendanceFile.JustificationSubmitted)
    def _submitted(self, batch: RowBatch, e: AttendanceFile.JustificationSubmitted) -> None:
        row = {
            "id": str(e.justification_id),
            "file_id": str(e.originator_id),
            "first": as_utc(e.first),
            "last": as_utc(e.last),
            "reason_code": e.reason_code,
            "comment": e.comment,
            "guardian_id": str(e.guardian_id),
            "state": JustificationState.PENDING.value,
            "submitted_at": as_utc(e.timestamp),
            "decided_at": None,
            "decided_comment": None,
        }
        batch.upsert(justifications, row)

    @handles(AttendanceFile.JustificationAccepted)
    def _accepted(self, batch: RowBatch, e: AttendanceFile.JustificationAccepted) -> None:
        values = {"state": JustificationState.ACCEPTED.value, "decided_at": as_utc(e.timestamp)}
        batch.update(justifications, {"id": str(e.justification_id)}, values)

    @handles(AttendanceFile.JustificationRefused)
    def _refused(self, batch: RowBatch, e: AttendanceFile.JustificationRefused) -> None:
        values = {
            "state": JustificationState.REFUSED.value,
            "decided_at": as_utc(e.timestamp),
            "decided_comment": e.comment,
        }
        batch.update(justifications, {"id": str(e.justification_id)}, values)

    # -- queries: registers -----------------------------------------------------------------------

    @staticmethod
    def register(connection: Connection, register_id: UUID) -> RegisterDetail | None:
        """A register with its teachers and every expected student's mark."""
        return calls.detail(connection, register_id)

    @staticmethod
    def registers(
        connection: Connection, *, day: date, teacher_id: UUID | None = None, class_code: str | None = None
    ) -> list[RegisterItem]:
        """A day's registers (withdrawn ones too, flagged) by start: of one teacher, of one class when given."""
        return calls.of_day(connection, day=day, teacher_id=teacher_id, class_code=class_code)

    @staticmethod
    def registers_of_lesson(connection: Connection, lesson_id: UUID, from_day: date) -> list[RegisterItem]:
        """The lesson's registers planned on ``from_day`` or later (by the date planned: a moved one too)."""
        return calls.of_lesson(connection, lesson_id, from_day)

    @staticmethod
    def not_taken(
        connection: Connection, *, at: datetime, grace_minutes: int = 15
    ) -> dict[UUID, list[NotTakenRegister]]:
        """Per teacher, the calls not closed ``grace_minutes`` after their lesson started, over the last week."""
        return calls.not_taken(connection, at=at, grace_minutes=grace_minutes)

    # -- queries: figures -------------------------------------------------------------------------

    @staticmethod
    def student_summary(
        connection: Connection, student_id: UUID, first: date, last: date, *, published_only: bool = False
    ) -> Summary:
        """A student's periods, latenesses and figures over the days ``first`` to ``last`` (included)."""
        return figures.student_summary(connection, student_id, first, last, published_only=published_only)

    @staticmethod
    def canteen_absences(connection: Connection, student_id: UUID, first: date, last: date) -> int:
        """How many canteen registers marked the student absent from ``first`` to ``last`` (included)."""
        return figures.canteen_absences(connection, student_id, first, last)

    @staticmethod
    def class_daily(connection: Connection, class_code: str, first: date, last: date) -> list[ClassDay]:
        return figures.class_daily(connection, class_code, first, last)

    @staticmethod
    def class_summary(connection: Connection, class_code: str, first: date, last: date) -> list[StudentFigures]:
        return figures.class_summary(connection, class_code, first, last)

    # -- queries: reasons and justifications ------------------------------------------------------

    @staticmethod
    def reasons(connection: Connection) -> list[ReasonItem]:
        """Every reason, absences first, then by code."""
        query = select(reasons).order_by(reasons.c.kind, reasons.c.code)
        return [figures.reason_view(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def reason(connection: Connection, code: str) -> ReasonItem | None:
        row = connection.execute(select(reasons).where(reasons.c.code == code)).mappings().first()
        return None if row is None else figures.reason_view(row)

    @staticmethod
    def justifications(
        connection: Connection, *, student_id: UUID | None = None, state: str | None = None
    ) -> list[JustificationItem]:
        """Families' justifications, newest first: of one student, in one state (a JustificationState value)."""
        query = (
            select(justifications, files.c.student_id)
            .join(files, files.c.id == justifications.c.file_id)
            .order_by(justifications.c.submitted_at.desc(), justifications.c.id)
        )
        if student_id is not None:
            query = query.where(files.c.student_id == str(student_id))
        if state is not None:
            query = query.where(justifications.c.state == str(state))  # an unknown state: none
        return [_justification(r) for r in connection.execute(query).mappings()]


def _reason_values(e: AbsenceReason.Defined | AbsenceReason.Changed) -> dict[str, Any]:
    return {
        "label": e.label,
        "counts_as_absence": e.counts_as_absence,
        "justified": e.justified,
        "health": e.health,
        "published": e.published,
        "usable_by_parents": e.usable_by_parents,
    }


def _justification(r: Any) -> JustificationItem:
    return JustificationItem(
        id=UUID(r["id"]),
        student_id=UUID(r["student_id"]),
        first=as_utc(r["first"]),
        last=as_utc(r["last"]),
        reason_code=r["reason_code"],
        comment=r["comment"],
        guardian_id=UUID(r["guardian_id"]),
        state=JustificationState(r["state"]),
        submitted_at=as_utc(r["submitted_at"]),
        decided_at=None if r["decided_at"] is None else as_utc(r["decided_at"]),
        decided_comment=r["decided_comment"],
    )
