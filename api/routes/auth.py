"""Login and logout."""

from __future__ import annotations

from pydantic import BaseModel

from api.endpoints import Call, Endpoint
from api.schemas.auth import Login, LoginOut
from application.errors import NotFound, Unauthenticated
from application.permissions import Permission


def log_in(call: Call) -> LoginOut:
    """Open a session in the school's current base; an unknown school answers like a bad password."""
    command = call.command(Login)
    try:
        base = call.bases.current(command.uai)
    except NotFound:
        raise Unauthenticated("unknown login or wrong password") from None
    opened = base.execute(
        lambda unit: base.open_session(
            unit, login=command.login, password=command.password, address=call.address, user_agent=call.user_agent
        )
    )
    return LoginOut(token=opened.token, must_change_password=opened.must_change_password)


def log_out(call: Call) -> BaseModel | None:
    base = call.school
    base.execute(lambda unit: base.close_session(unit, call.caller))
    return None


endpoints = [
    Endpoint("POST", "/auth/login", log_in, "Log in to a school", None, body=Login, response=LoginOut, tag="auth"),
    Endpoint("POST", "/auth/logout", log_out, "Close the caller's session", Permission.SESSION, status=204, tag="auth"),
]
