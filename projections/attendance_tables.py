"""The attendance read model's tables (SQLAlchemy Core): registers, their marks, reasons and files.

Every row is written from its event alone (handlers never read): what an event does not carry is
joined at query time. A register's teachers are rows keyed by (register, teacher) with the version
of the event that named them, and the register keeps the version of its latest list: the teachers
of a register are the rows of that version. An attendance file's later events name the file, not
the student, so spans and justifications are keyed by the file and joined to ``attendance_files``.
Absence periods and figures are not stored: they are computed from the marks when read.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# Text for what the domain does not bound (labels, rooms, comments): a longer value would stop the
# projection on PostgreSQL. Keyed by text ids, WITHOUT ROWID on SQLite, as the other read models.

registers = Table(
    "attendance_registers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("lesson_id", String(36)),  # None: the canteen
    Column("on", Date, nullable=False),  # the date the occurrence was planned on (the register's key)
    Column("kind", String(12), nullable=False),
    Column("day", Date, nullable=False, index=True),  # the date it takes place on
    Column("start", String(5), nullable=False),  # HH:MM, Paris, as the events write it
    Column("end", String(5), nullable=False),
    Column("starts_at", DateTime(timezone=True), nullable=False),  # the start as an instant (UTC)
    Column("subject_label", Text),
    Column("class_code", Text, index=True),
    Column("group_code", Text),
    Column("room", Text),
    Column("teachers_version", Integer, nullable=False),  # the version of its current teachers' rows
    Column("closed", Boolean, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("withdrawn_reason", Text),
    Index("attendance_registers_lesson", "lesson_id", "on"),
    sqlite_with_rowid=False,
)

register_teachers = Table(
    "attendance_register_teachers",
    metadata,
    Column("register_id", String(36), primary_key=True),
    Column("teacher_id", String(36), primary_key=True, index=True),
    Column("version", Integer, nullable=False),  # current while equal to the register's teachers_version
    sqlite_with_rowid=False,
)

# One row per expected student: mark NULL is present (or not called yet, while the call is open).
register_students = Table(
    "attendance_register_students",
    metadata,
    Column("register_id", String(36), primary_key=True),
    Column("student_id", String(36), primary_key=True, index=True),
    Column("mark", String(10)),
    Column("minutes", Integer),
    sqlite_with_rowid=False,
)

# Keyed by the aggregate id: AbsenceReason.Changed names the aggregate, not the code.
reasons = Table(
    "attendance_reasons",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("counts_as_absence", Boolean, nullable=False),
    Column("justified", Boolean, nullable=False),
    Column("health", Boolean, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("usable_by_parents", Boolean, nullable=False),
    sqlite_with_rowid=False,
)

files = Table(
    "attendance_files",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("student_id", String(36), nullable=False, index=True),
    sqlite_with_rowid=False,
)

# One row per ReasonSet, keyed by its file and the event's version: the version is the order they were set in.
reason_spans = Table(
    "attendance_reason_spans",
    metadata,
    Column("file_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("first", DateTime(timezone=True), nullable=False),
    Column("last", DateTime(timezone=True), nullable=False),
    Column("reason_code", String(20), nullable=False),
    Column("comment", Text),
    Column("settled", Boolean, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
    sqlite_with_rowid=False,
)

justifications = Table(
    "attendance_justifications",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("file_id", String(36), nullable=False, index=True),
    Column("first", DateTime(timezone=True), nullable=False),
    Column("last", DateTime(timezone=True), nullable=False),
    Column("reason_code", String(20), nullable=False),
    Column("comment", Text),
    Column("guardian_id", String(36), nullable=False),
    Column("state", String(10), nullable=False, index=True),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_comment", Text),
    sqlite_with_rowid=False,
)
