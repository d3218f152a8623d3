"""Profiles and groups of permissions: what staff and teachers may do in each mode.

A *group* gives the rights of admin mode (Administration, Conseil de classe…); a *profile* those
of school-life or teacher mode (Vie scolaire, Profil 1, Professeur documentaliste…). The
super-admin creates, copies and edits them; accounts are assigned one by an event.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.ids import natural_id
from domain.permissions import Permission
from domain.values import parse_text

MAX_INACTIVITY_MINUTES = 24 * 60


class ProfileKind(StrEnum):
    GROUP = "group"  # admin mode
    SCHOOL_LIFE = "school-life"
    TEACHER = "teacher"


def parse_inactivity(minutes: int, field: str = "inactivity_minutes") -> int:
    """Minutes of inactivity before a session closes; 0 means never (a choice the school makes)."""
    if not 0 <= minutes <= MAX_INACTIVITY_MINUTES:
        raise InvalidValue(f"the inactivity delay must be 0 to {MAX_INACTIVITY_MINUTES} minutes", field=field)
    return minutes


class Profile(Aggregate):
    """A named set of permissions of one kind; its name is its key within the kind."""

    class Created(Aggregate.Created):
        kind: str
        name: str
        permissions: list[str]
        inactivity_minutes: int
        sees_all_students: bool
        copied_from: UUID | None

    class Edited(Aggregate.Event):
        permissions: list[str]
        inactivity_minutes: int
        sees_all_students: bool

    @staticmethod
    def create_id(kind: str, name: str) -> UUID:
        return natural_id("profile", f"{kind}/{name.casefold()}")

    @classmethod
    def define(
        cls,
        *,
        kind: ProfileKind,
        name: str,
        permissions: frozenset[Permission],
        inactivity_minutes: int = 20,
        sees_all_students: bool = False,
        copied_from: UUID | None = None,
    ) -> Profile:
        if sees_all_students and kind is not ProfileKind.TEACHER:
            raise InvalidValue("only a teacher profile is limited to its classes", field="sees_all_students")
        return cls(
            kind=kind.value,
            name=parse_text(name, "name", max_length=60),
            permissions=sorted(permissions | {Permission.SESSION}),
            inactivity_minutes=parse_inactivity(inactivity_minutes),
            sees_all_students=sees_all_students,
            copied_from=copied_from,
        )

    @event(Created)
    def __init__(
        self,
        *,
        kind: str,
        name: str,
        permissions: list[str],
        inactivity_minutes: int,
        sees_all_students: bool,
        copied_from: UUID | None,
    ) -> None:
        self.kind = ProfileKind(kind)
        self.name = name
        self.permissions = frozenset(Permission(code) for code in permissions)
        self.inactivity_minutes = inactivity_minutes
        self.sees_all_students = sees_all_students
        self.copied_from = copied_from

    def copy(self, name: str) -> Profile:
        """A new profile of the same kind with the same rights, to be edited apart."""
        return Profile.define(
            kind=self.kind,
            name=name,
            permissions=self.permissions,
            inactivity_minutes=self.inactivity_minutes,
            sees_all_students=self.sees_all_students,
            copied_from=self.id,
        )

    def edit(self, *, permissions: frozenset[Permission], inactivity_minutes: int, sees_all_students: bool) -> None:
        if sees_all_students and self.kind is not ProfileKind.TEACHER:
            raise InvalidValue("only a teacher profile is limited to its classes", field="sees_all_students")
        granted = permissions | {Permission.SESSION}
        minutes = parse_inactivity(inactivity_minutes)
        if (granted, minutes, sees_all_students) == (self.permissions, self.inactivity_minutes, self.sees_all_students):
            raise RuleViolated("the profile is unchanged")
        self._edited(permissions=sorted(granted), inactivity_minutes=minutes, sees_all_students=sees_all_students)

    @event(Edited)
    def _edited(self, *, permissions: list[str], inactivity_minutes: int, sees_all_students: bool) -> None:
        self.permissions = frozenset(Permission(code) for code in permissions)
        self.inactivity_minutes = inactivity_minutes
        self.sees_all_students = sees_all_students


# The field's default rights, in the blocks they share.
_SCHOOL_READ = frozenset(
    {
        Permission.CLASSES_READ,
        Permission.STUDENTS_READ,
        Permission.GUARDIANS_READ,
        Permission.STAFF_READ,
        Permission.TIMETABLES_READ,
    }
)
"""The school as every school-life and teaching profile sees it: classes, people, timetables."""

_CLASS_LIFE = frozenset(
    {
        Permission.REGISTERS_TAKE,
        Permission.ABSENCES_READ,
        Permission.LATENESS_WRITE,
        Permission.PUNISHMENTS_READ,
        Permission.PUNISHMENTS_WRITE,
        Permission.COMMUNICATION_READ,
        Permission.COMMUNICATION_SEND,
        Permission.AGENDA_READ,
        Permission.AGENDA_WRITE,
    }
)
"""The life of a class, shared by school life and teachers: registers, lateness, punishments, messages, agenda."""

_RESULTS = frozenset(
    {Permission.GRADES_READ, Permission.COMPETENCIES_READ, Permission.BULLETINS_READ, Permission.BULLETINS_WRITE}
)
"""What a class council and teachers read of results, and the bulletins they fill in."""

_CLASS_COUNCIL = _RESULTS | {
    Permission.CLASSES_READ,
    Permission.STUDENTS_READ,
    Permission.STAFF_READ,
    Permission.ABSENCES_READ,
    Permission.PUNISHMENTS_READ,
}

_SCHOOL_LIFE = (
    _SCHOOL_READ | _CLASS_LIFE | {Permission.STUDENTS_WRITE, Permission.GUARDIANS_WRITE, Permission.ABSENCES_WRITE}
)

_TEACHING = (
    _SCHOOL_READ
    | _CLASS_LIFE
    | _RESULTS
    | {Permission.GRADES_WRITE, Permission.COMPETENCIES_WRITE, Permission.HOMEWORK_READ, Permission.HOMEWORK_WRITE}
)

ADMINISTRATION = "Administration"
CLASS_COUNCIL = "Conseil de classe"
SCHOOL_LIFE = "Vie scolaire"
TEACHER_DEFAULT = "Profil 1"
DOCUMENTALIST = "Professeur documentaliste"


def default_profiles() -> list[Profile]:
    """The profiles and groups every new base starts with, as the field ships them."""
    return [
        Profile.define(
            kind=ProfileKind.GROUP,
            name=ADMINISTRATION,
            permissions=frozenset(Permission) - {Permission.PROFILES_MANAGE},
        ),
        Profile.define(kind=ProfileKind.GROUP, name=CLASS_COUNCIL, permissions=_CLASS_COUNCIL),
        Profile.define(kind=ProfileKind.SCHOOL_LIFE, name=SCHOOL_LIFE, permissions=_SCHOOL_LIFE),
        Profile.define(kind=ProfileKind.TEACHER, name=TEACHER_DEFAULT, permissions=_TEACHING),
        Profile.define(kind=ProfileKind.TEACHER, name=DOCUMENTALIST, permissions=_TEACHING, sees_all_students=True),
    ]
