"""The permission catalogue, profiles and groups, and what accounts hold."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from domain.profile import MAX_INACTIVITY_MINUTES, ProfileKind

PERMISSIONS_HELP = "Permission codes from GET /schools/{uai}/permissions; 'session' is always granted."
INACTIVITY_HELP = f"Minutes before an idle session closes (0: never, at most {MAX_INACTIVITY_MINUTES})."
SEES_ALL_HELP = "Teacher profiles only: see every student, not only those of the teacher's classes."


class PermissionOut(Out):
    code: str = Field(examples=["students.read"])
    area: str = Field(examples=["Ressources"])
    label: str


class PermissionCatalogue(Out):
    items: list[PermissionOut]


class CreateProfile(Command):
    kind: ProfileKind = Field(description="group (admin mode), school-life or teacher.")
    name: str = Field(min_length=1, max_length=60, examples=["Vie scolaire 2"])
    permissions: list[str] = Field(description=PERMISSIONS_HELP, examples=[["students.read", "absences.write"]])
    inactivity_minutes: int = Field(default=20, description=INACTIVITY_HELP)
    sees_all_students: bool = Field(default=False, description=SEES_ALL_HELP)


class CopyProfile(Command):
    name: str = Field(min_length=1, max_length=60, description="The copy's name, new among its kind.")


class EditProfile(Command):
    """The profile's rights, replaced whole."""

    permissions: list[str] = Field(description=PERMISSIONS_HELP, examples=[["students.read", "absences.write"]])
    inactivity_minutes: int = Field(description=INACTIVITY_HELP)
    sees_all_students: bool = Field(description=SEES_ALL_HELP)


class ProfileOut(Out):
    id: UUID
    kind: ProfileKind
    name: str
    permissions: list[str]
    inactivity_minutes: int
    sees_all_students: bool
    copied_from: UUID | None = Field(description="The profile this one was copied from, if any.")


class ProfilePage(Out):
    items: list[ProfileOut]
    catalogue: list[PermissionOut] = Field(description="Every permission a profile may grant, for the editor.")


class AssignProfile(Command):
    profile_id: UUID = Field(description="A school-life profile for staff, a teacher profile for teachers.")


class ChangeGroup(Command):
    group_id: UUID | None = Field(description="The group of admin mode; null takes admin mode away.")
