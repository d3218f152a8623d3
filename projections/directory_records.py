"""What the directory's queries return: plain records, free of SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID


@dataclass(frozen=True)
class ClassItem:
    id: UUID
    code: str
    label: str
    level: str | None


@dataclass(frozen=True)
class StudentItem:
    id: UUID
    ine: str | None
    last_name: str
    first_name: str
    birth_date: date
    sex: str | None
    class_code: str | None
    left_on: date | None


@dataclass(frozen=True)
class ClassMove:
    class_code: str
    since: datetime


@dataclass(frozen=True)
class StudentGuardian:
    """A guardian as their child's record shows them."""

    guardian_id: UUID
    last_name: str
    first_name: str
    relationship: str
    legal: bool
    contact_priority: bool
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class GuardianChild:
    """A child as their guardian's record shows them."""

    student_id: UUID
    last_name: str
    first_name: str
    class_code: str | None
    relationship: str
    legal: bool


@dataclass(frozen=True)
class StudentRecord:
    student: StudentItem
    class_history: list[ClassMove]
    groups: list[str]
    guardians: list[StudentGuardian]


@dataclass(frozen=True)
class GuardianItem:
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    email: str | None
    phone: str | None
    address: str | None
    children: list[GuardianChild]


@dataclass(frozen=True)
class TeacherItem:
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    email: str | None
    disciplines: list[str]
    principal_of: list[str]


@dataclass(frozen=True)
class StaffItem:
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    function: str
    email: str | None
