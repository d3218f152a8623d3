"""Login and logout, the caller's own account (password, PIN), and the connections of the base."""

from __future__ import annotations

from pydantic import BaseModel

from api.endpoints import Call, Endpoint
from api.schemas.auth import ChangePassword, Login, LoginOut, MeOut, SessionOut, SessionPage, SetPin
from application.errors import NotFound, Unauthenticated
from application.sessions import BAD_CREDENTIALS, LoginAttempt
from domain.permissions import Permission


def log_in(call: Call) -> LoginOut:
    """Open a session in the school's current base; an unknown school answers like a bad password."""
    command = call.command(Login)
    try:
        base = call.bases.current(command.uai)
    except NotFound:
        raise Unauthenticated(BAD_CREDENTIALS) from None
    opened = base.log_in(
        LoginAttempt(
            login=command.login,
            password=command.password,
            mode=command.mode,
            pin=command.pin,
            device_id=command.device_id,
            remember_device=command.remember_device,
            device_label=command.device_label,
            address=call.address,
            user_agent=call.user_agent,
        )
    )
    return LoginOut(
        token=opened.token,
        must_change_password=opened.must_change_password,
        mode=opened.mode,
        permissions=sorted(opened.permissions),
    )


def log_out(call: Call) -> BaseModel | None:
    base = call.school
    base.execute(lambda unit: base.close_session(unit, call.caller))
    return None


def me(call: Call) -> MeOut:
    caller = call.caller
    return MeOut(
        login=caller.login,
        role=caller.role.value,
        mode=caller.mode,
        person_id=caller.person_id,
        must_change_password=caller.must_change_password,
        permissions=sorted(p.value for p in caller.permissions),
    )


def change_password(call: Call) -> BaseModel | None:
    command = call.command(ChangePassword)
    call.school.change_password(
        call.caller, current=command.current_password, new=command.new_password, address=call.address
    )
    return None


def set_pin(call: Call) -> BaseModel | None:
    command = call.command(SetPin)
    call.school.set_pin(
        call.caller, password=command.password, pin=command.pin, device_id=command.device_id, address=call.address
    )
    return None


def list_sessions(call: Call) -> SessionPage:
    state = call.query.get("state", "all")
    items = call.school.list_sessions(call.caller, state=state)
    return SessionPage(items=[SessionOut.model_validate(item) for item in items])


def close_session(call: Call) -> BaseModel | None:
    session_id = call.path_id("session_id", "session")
    base = call.school
    base.execute(lambda unit: base.close_session_of_other(unit, session_id))
    return None


endpoints = [
    Endpoint(
        "POST",
        "/auth/login",
        log_in,
        "Log in to a school",
        None,
        body=Login,
        response=LoginOut,
        tag="auth",
        answers={
            401: "Unknown login or wrong password (the same answer for both), or the PIN is needed (pin-required)",
            403: "The Espace of the mode is closed (espace-closed), or the account has no mode (no-mode)",
            409: "Every licence of the mode is in use; the errors name the open sessions (licence-exhausted)",
            429: "Too many failed attempts on this login or from this address; Retry-After says how long",
        },
        slow=True,
    ),
    Endpoint(
        "POST",
        "/auth/logout",
        log_out,
        "Close the caller's session",
        Permission.SESSION,
        status=204,
        tag="auth",
        before_password_change=True,
    ),
    Endpoint(
        "GET",
        "/auth/me",
        me,
        "The caller: account, mode and the permissions the session holds",
        Permission.SESSION,
        response=MeOut,
        tag="auth",
        before_password_change=True,
    ),
    Endpoint(
        "POST",
        "/auth/password",
        change_password,
        "Choose a new password (the policy's refusals name each rule)",
        Permission.SESSION,
        body=ChangePassword,
        status=204,
        tag="auth",
        before_password_change=True,
        slow=True,
    ),
    Endpoint(
        "POST",
        "/auth/pin",
        set_pin,
        "Turn on the second factor: a PIN asked from devices not recognised",
        Permission.SESSION,
        body=SetPin,
        status=204,
        tag="auth",
        slow=True,
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/sessions",
        list_sessions,
        "Connections of the base, newest first (journaled)",
        Permission.SESSIONS_MANAGE,
        response=SessionPage,
        query={"state": "open, closed or all (default)."},
        tag="sessions",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/sessions/{session_id}/close",
        close_session,
        "Close someone's session (frees a licence)",
        Permission.SESSIONS_MANAGE,
        status=204,
        tag="sessions",
    ),
]
