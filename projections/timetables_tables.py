"""The timetables' tables (SQLAlchemy Core): the calendar, the lessons, their patterns and changes.

Handlers only write rows, never read them, so every table is shaped for an event's effect to be a
few row writes keyed by what the event itself carries:

- an annual change (``Lesson.Rescheduled``) supersedes the patterns recorded after its week; it
  cannot delete rows it does not know, so each pattern is a row keyed by the event's version and the
  query folds them in version order, exactly as the aggregate does;
- a group's new classes (``TeachingGroup.ClassesChanged``) cannot delete its old ones either: each
  class row carries the version that wrote it, and the group row the latest version, which the query
  joins on;
- the teacher and room indexes only ever grow (a substitute, a superseded pattern stay in them): they
  narrow the lessons to expand, and the expanded occurrences are filtered exactly.

Ids are text, as in the other read models; tables keyed by text are WITHOUT ROWID on SQLite.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, Integer, MetaData, String, Table, Text

metadata = MetaData()

CODE = String(20)  # class and group codes (domain.school_class.MAX_CODE_LENGTH)
ROOM = String(40)  # the domain bounds a room's name to 40 characters
CLOCK = String(5)  # a time of day as events store it: "08:05"

# The base's calendar: one row, the event's values as they are (dates in JSON as ISO strings).
calendar = Table(
    "timetable_calendar",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("holidays", JSON, nullable=False),
    Column("bank_holidays", JSON, nullable=False),
    Column("alternations", JSON, nullable=False),
    Column("slots", JSON, nullable=False),
    sqlite_with_rowid=False,
)

# What a lesson is, written whole when it is scheduled; only ``ended_from`` changes later.
# Subject codes are bounded for lessons only (a permanence's is free text): Text.
lessons = Table(
    "timetable_lessons",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("subject_code", Text),
    Column("subject_label", Text),
    Column("class_code", CODE, index=True),
    Column("group_code", CODE, index=True),
    Column("alternation", String(10)),
    Column("week_dates", JSON, nullable=False),
    Column("exceptional", Boolean, nullable=False),
    Column("ended_from", Date),
    Column("source_key", Text),  # what an import keyed the lesson by; NULL for a lesson made by hand
    sqlite_with_rowid=False,
)

# One row per pattern event (Scheduled: from_week NULL, Rescheduled: its week), by event version.
lesson_patterns = Table(
    "timetable_lesson_patterns",
    metadata,
    Column("lesson_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("from_week", Date),
    Column("weekday", Integer, nullable=False),
    Column("start", CLOCK, nullable=False),
    Column("duration", Integer, nullable=False),
    Column("room", ROOM),
    Column("teacher_ids", JSON, nullable=False),
    sqlite_with_rowid=False,
)

# The change of one occurrence, keyed by the date it was planned on; a later change replaces it,
# a restore deletes it. ``teacher_ids`` None (JSON null, whichever way the row was written): the
# pattern's teachers.
lesson_changes = Table(
    "timetable_lesson_changes",
    metadata,
    Column("lesson_id", String(36), primary_key=True),
    Column("planned_on", Date, primary_key=True),
    Column("cancelled", Boolean, nullable=False),
    Column("reason", Text),
    Column("room", ROOM),
    Column("teacher_ids", JSON),
    Column("moved_to", Date),
    Column("start", CLOCK),
    sqlite_with_rowid=False,
)

# Every teacher a lesson ever had (patterns and substitutes), keyed teacher first: a teacher's week.
lesson_teachers = Table(
    "timetable_lesson_teachers",
    metadata,
    Column("teacher_id", String(36), primary_key=True),
    Column("lesson_id", String(36), primary_key=True),
    sqlite_with_rowid=False,
)

# Every room a lesson was ever in (patterns and one-week changes), keyed room first: a room's week.
lesson_rooms = Table(
    "timetable_lesson_rooms",
    metadata,
    Column("room", ROOM, primary_key=True),
    Column("lesson_id", String(36), primary_key=True),
    sqlite_with_rowid=False,
)

# Teaching groups: their code (only their creation names it) and the version of their latest classes.
groups = Table(
    "timetable_groups",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", CODE, nullable=False, index=True),
    Column("version", Integer, nullable=False),
    sqlite_with_rowid=False,
)

# The classes a group was given, by the version that gave them; current when it is the group's version.
group_classes = Table(
    "timetable_group_classes",
    metadata,
    Column("group_id", String(36), primary_key=True),
    Column("class_code", CODE, primary_key=True, index=True),
    Column("version", Integer, nullable=False),
    sqlite_with_rowid=False,
)
