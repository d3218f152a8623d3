"""Espaces, connection modes and rubrics: through which door each kind of account comes in.

Staff connect in admin mode (the rights of their group) or school-life mode (the rights of their
profile), teachers in teacher mode (their profile); families, students and support assistants come
through their Espace, whose rights are those of the rubrics the school published there.
Every mode opens through one Espace, which the school publishes or stops.
"""

from __future__ import annotations

from enum import StrEnum

from domain.permissions import Permission


class Role(StrEnum):
    """Who an account belongs to; it fixes the modes the account may connect in."""

    SUPER_ADMIN = "super-admin"
    STAFF = "staff"
    TEACHER = "teacher"
    GUARDIAN = "guardian"
    STUDENT = "student"
    SUPPORT_ASSISTANT = "support-assistant"  # AESH


class Mode(StrEnum):
    ADMIN = "admin"
    SCHOOL_LIFE = "school-life"
    TEACHER = "teacher"
    PARENTS = "parents"
    STUDENTS = "students"
    SUPPORT = "support"


class Espace(StrEnum):
    """The web spaces of the field: Direction, Vie scolaire, Professeurs, Parents, Élèves, Accompagnants."""

    MANAGEMENT = "management"
    SCHOOL_LIFE = "school-life"
    TEACHERS = "teachers"
    PARENTS = "parents"
    STUDENTS = "students"
    SUPPORT = "support"


ESPACE_LABELS: dict[Espace, str] = {
    Espace.MANAGEMENT: "Espace Direction",
    Espace.SCHOOL_LIFE: "Espace Vie scolaire",
    Espace.TEACHERS: "Espace Professeurs",
    Espace.PARENTS: "Espace Parents",
    Espace.STUDENTS: "Espace Élèves",
    Espace.SUPPORT: "Espace Accompagnants",
}

MODE_ESPACE: dict[Mode, Espace] = {
    Mode.ADMIN: Espace.MANAGEMENT,
    Mode.SCHOOL_LIFE: Espace.SCHOOL_LIFE,
    Mode.TEACHER: Espace.TEACHERS,
    Mode.PARENTS: Espace.PARENTS,
    Mode.STUDENTS: Espace.STUDENTS,
    Mode.SUPPORT: Espace.SUPPORT,
}

ROLE_MODES: dict[Role, tuple[Mode, ...]] = {
    Role.SUPER_ADMIN: (Mode.ADMIN,),
    Role.STAFF: (Mode.ADMIN, Mode.SCHOOL_LIFE),
    Role.TEACHER: (Mode.TEACHER,),
    Role.GUARDIAN: (Mode.PARENTS,),
    Role.STUDENT: (Mode.STUDENTS,),
    Role.SUPPORT_ASSISTANT: (Mode.SUPPORT,),
}

FAMILY_ESPACES = frozenset({Espace.PARENTS, Espace.STUDENTS, Espace.SUPPORT})
"""Espaces whose rights are their published rubrics (staff Espaces use profiles and groups)."""


class Rubric(StrEnum):
    """A section of a family Espace; published, it grants the permissions it needs to be read."""

    RECORD = "record"  # the student's file: identity, class, guardians
    ACCESS_HISTORY = "access-history"  # who consulted the student's record
    TIMETABLE = "timetable"
    GRADES = "grades"
    COMPETENCIES = "competencies"
    BULLETINS = "bulletins"
    ABSENCES = "absences"
    PUNISHMENTS = "punishments"
    COMMUNICATION = "communication"
    AGENDA = "agenda"
    HOMEWORK = "homework"


RUBRIC_PERMISSIONS: dict[Rubric, frozenset[Permission]] = {
    Rubric.RECORD: frozenset({Permission.STUDENTS_READ, Permission.CLASSES_READ}),
    Rubric.ACCESS_HISTORY: frozenset({Permission.STUDENT_ACCESS_HISTORY}),
    Rubric.TIMETABLE: frozenset({Permission.TIMETABLES_READ}),
    Rubric.GRADES: frozenset({Permission.GRADES_READ}),
    Rubric.COMPETENCIES: frozenset({Permission.COMPETENCIES_READ}),
    Rubric.BULLETINS: frozenset({Permission.BULLETINS_READ}),
    Rubric.ABSENCES: frozenset({Permission.ABSENCES_READ}),
    Rubric.PUNISHMENTS: frozenset({Permission.PUNISHMENTS_READ}),
    Rubric.COMMUNICATION: frozenset({Permission.COMMUNICATION_READ, Permission.COMMUNICATION_SEND}),
    Rubric.AGENDA: frozenset({Permission.AGENDA_READ}),
    Rubric.HOMEWORK: frozenset({Permission.HOMEWORK_READ}),
}
