"""Password recovery by e-mail."""

from __future__ import annotations

from pydantic import Field

from api.schemas.base import Command, Out


class RequestRecovery(Command):
    uai: str = Field(min_length=1, max_length=16, description="The school's UAI.", examples=["0750655E"])
    login: str = Field(min_length=1, max_length=64)


class ConfirmRecovery(Command):
    token: str = Field(min_length=1, max_length=200, description="The token of the link received by e-mail.")
    new_password: str = Field(min_length=1, max_length=256)


class RecoveryRequestedOut(Out):
    detail: str = Field(description="The same answer whether the login exists or not.")
