"""Teachers and other staff."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from domain.values import StaffFunction


class RegisterTeacher(Command):
    civility: str | None = Field(default=None, examples=["Mme", "M."])
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    email: str | None = None
    disciplines: list[str] = Field(default_factory=list, examples=[["Mathématiques"]])


class TeacherOut(Out):
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    email: str | None
    disciplines: list[str]
    principal_of: list[str] = Field(description="Codes of the classes this teacher is professeur principal of.")


class TeacherPage(Out):
    items: list[TeacherOut]


class RegisterStaffMember(Command):
    civility: str | None = Field(default=None, examples=["Mme", "M."])
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    function: StaffFunction
    email: str | None = None


class StaffOut(Out):
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    function: StaffFunction
    email: str | None


class StaffPage(Out):
    items: list[StaffOut]


class AssignStudents(Command):
    student_ids: list[UUID] = Field(
        description="Every student the support assistant (AESH) accompanies from now on; [] ends every assignment."
    )


class AssignmentOut(Out):
    staff_id: UUID
    student_ids: list[UUID] = Field(description="The students now assigned, in id order.")
