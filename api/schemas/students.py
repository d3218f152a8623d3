"""Students."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from domain.values import Relationship, Sex


class EnrolStudent(Command):
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Sex
    ine: str | None = Field(default=None, description="National student id (11 characters), when known.")
    class_code: str | None = Field(default=None, description="Code of an existing class.")


class MoveStudent(Command):
    class_code: str = Field(min_length=1, max_length=20)


class StudentOut(Out):
    id: UUID
    ine: str | None
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex | None = Field(description="Unknown only for a student imported from a file that does not say.")
    class_code: str | None
    left_on: date | None = Field(description="When the student left the school, if they did.")


class StudentPage(Out):
    items: list[StudentOut]


class ClassMoveOut(Out):
    class_code: str
    since: datetime


class StudentGuardianOut(Out):
    guardian_id: UUID
    last_name: str
    first_name: str
    relationship: Relationship
    legal: bool
    contact_priority: bool = Field(description="The school calls this guardian first about this child.")
    email: str | None
    phone: str | None


class StudentRecordOut(StudentOut):
    class_history: list[ClassMoveOut]
    groups: list[str]
    guardians: list[StudentGuardianOut]
