"""Password recovery by e-mail: public routes, whose answers never tell whether a login exists."""

from __future__ import annotations

from pydantic import BaseModel

from api.endpoints import Call, Endpoint
from api.schemas.recovery import ConfirmRecovery, RecoveryRequestedOut, RequestRecovery
from application.errors import NotFound
from application.recovery import RecoveryTokenInvalid, recovery_base
from domain.errors import InvalidValue

REQUESTED = (
    "if this login exists, has an e-mail address and its Espace allows password recovery, "
    "a single-use link has been sent to that address"
)


def request_recovery(call: Call) -> RecoveryRequestedOut:
    """The same 202 whatever happens: unknown school or login, no address, recovery not allowed."""
    command = call.command(RequestRecovery)
    try:
        base = call.bases.current(command.uai)
    except (NotFound, InvalidValue):
        return RecoveryRequestedOut(detail=REQUESTED)
    base.request_recovery(command.login, address=call.address)
    return RecoveryRequestedOut(detail=REQUESTED)


def confirm_recovery(call: Call) -> BaseModel | None:
    command = call.command(ConfirmRecovery)
    uai, year = recovery_base(command.token)
    try:
        base = call.bases.open(uai, year)
    except (NotFound, InvalidValue):
        raise RecoveryTokenInvalid from None
    base.confirm_recovery(command.token, command.new_password)
    return None


endpoints = [
    Endpoint(
        "POST",
        "/auth/recovery",
        request_recovery,
        "Ask for a password recovery link by e-mail (the answer is the same for every login)",
        None,
        body=RequestRecovery,
        response=RecoveryRequestedOut,
        status=202,
        tag="auth",
        slow=True,
    ),
    Endpoint(
        "POST",
        "/auth/recovery/confirm",
        confirm_recovery,
        "Choose a new password with the link's single-use token",
        None,
        body=ConfirmRecovery,
        status=204,
        tag="auth",
        slow=True,
    ),
]
