"""Login, the caller's own account and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field, StringConstraints

from api.schemas.base import Command, Out
from domain.espaces import Mode

Password = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1, max_length=256)]
"""A password exactly as typed: bodies strip their strings, but a space is part of a password."""


class Login(Command):
    uai: str = Field(description="The school's UAI, e.g. 0750655E.", examples=["0750655E"])
    login: str = Field(min_length=1, max_length=64)
    password: Password
    mode: Mode | None = Field(
        default=None, description="admin or school-life for staff; omitted: the account's first usable mode."
    )
    pin: str | None = Field(default=None, max_length=8, description="The PIN, asked from devices not recognised.")
    device_id: str | None = Field(
        default=None, min_length=16, max_length=128, description="A random id the client keeps for this device."
    )
    remember_device: bool = Field(default=False, description="After a right PIN, recognise this device from now on.")
    device_label: str | None = Field(default=None, max_length=100, description="e.g. 'Téléphone de Léa'.")


class LoginOut(Out):
    token: str = Field(description="Bearer token for the Authorization header.")
    must_change_password: bool
    mode: Mode
    permissions: list[str] = Field(description="The permission codes this session holds now.")


class ChangePassword(Command):
    current_password: Password
    new_password: Password


class SetPin(Command):
    password: Password = Field(description="The account's password, asked again.")
    pin: str = Field(min_length=1, max_length=8)
    device_id: str | None = Field(default=None, min_length=16, max_length=128)


class MeOut(Out):
    login: str
    role: str
    mode: Mode
    person_id: UUID | None
    must_change_password: bool
    permissions: list[str]


class SessionOut(Out):
    id: UUID
    login: str
    display_name: str
    role: str
    mode: str
    address: str | None
    user_agent: str | None
    opened_at: datetime
    last_activity_at: datetime
    closed_at: datetime | None
    close_reason: str | None


class SessionPage(Out):
    items: list[SessionOut]
