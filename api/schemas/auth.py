"""Login."""

from __future__ import annotations

from pydantic import Field

from api.schemas.base import Command, Out


class Login(Command):
    uai: str = Field(description="The school's UAI, e.g. 0750655E.", examples=["0750655E"])
    login: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginOut(Out):
    token: str = Field(description="Bearer token for the Authorization header.")
    must_change_password: bool
