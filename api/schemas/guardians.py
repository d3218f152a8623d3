"""Guardians and their links to children."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from domain.values import Relationship


class LinkChild(Command):
    student_id: UUID
    relationship: Relationship
    legal: bool = Field(default=True, description="A legal guardian (responsable légal) rather than a contact.")


class RegisterGuardian(Command):
    civility: str | None = Field(default=None, examples=["Mme", "M."])
    last_name: str = Field(min_length=1, max_length=100)
    first_name: str = Field(min_length=1, max_length=100)
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    children: list[LinkChild] = Field(default_factory=list)


class ChangeContact(Command):
    email: str | None = None
    phone: str | None = None
    address: str | None = None


class GuardianChildOut(Out):
    student_id: UUID
    last_name: str
    first_name: str
    class_code: str | None
    relationship: Relationship
    legal: bool


class GuardianOut(Out):
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    email: str | None
    phone: str | None
    address: str | None
    children: list[GuardianChildOut]


class GuardianPage(Out):
    items: list[GuardianOut]
