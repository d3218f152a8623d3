"""Errors as RFC 9457 problem documents, with an ``errors`` list naming each field and why.

``type`` is a stable code resolvable under the API (``/problems/<code>``), so a client can branch on
it and a person can read what it means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from application.errors import ConcurrencyConflict, Forbidden, NotFound, Unauthenticated
from application.imports.records import FileRefused
from application.sessions import LicenceExhausted, PinRequired
from domain.errors import AlreadyExists, DomainError, InvalidValue, RuleViolated
from domain.login_guard import LoginLocked
from domain.password_policy import PasswordRefused

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class Problem(Exception):
    """An answer other than success, raised anywhere at the edge and rendered by one handler."""

    status: int
    code: str
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        body = {
            "type": f"/problems/{self.code}",
            "title": PROBLEM_TITLES.get(self.code, HTTPStatus(self.status).phrase),
            "status": self.status,
            "detail": self.detail,
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
        }
        return JSONResponse(body, status_code=self.status, media_type=PROBLEM_JSON, headers=self.headers)


PROBLEM_TITLES: dict[str, str] = {
    "malformed-body": "The request body is not valid JSON",
    "invalid-request": "The request does not have the expected shape",
    "invalid-value": "A value is not acceptable",
    "already-exists": "It exists already",
    "rule-violated": "The school's rules refuse this change",
    "conflict": "The data changed during the request",
    "not-found": "Not found",
    "unauthenticated": "Authentication needed",
    "forbidden": "Not allowed",
    "method-not-allowed": "Method not allowed",
    "internal-error": "Internal error",
    "file-refused": "The file cannot be imported",
    "password-change-required": "The provisional password must be changed first",
    "password-policy": "The password does not follow the policy",
    "pin-required": "The PIN is needed from this device",
    "too-many-attempts": "Too many failed attempts",
    "licence-exhausted": "Every licence of this mode is in use",
    "espace-closed": "This Espace is closed",
    "no-mode": "No mode to connect in",
    "recovery-token-invalid": "The recovery link cannot be used",
}

_DOMAIN_STATUS: dict[type[DomainError], int] = {
    InvalidValue: 422,
    AlreadyExists: 409,
    RuleViolated: 409,
    ConcurrencyConflict: 409,
    NotFound: 404,
    Unauthenticated: 401,
    PinRequired: 401,
    Forbidden: 403,
    FileRefused: 422,
    LicenceExhausted: 409,
    LoginLocked: 429,
}


def from_domain(error: DomainError) -> Problem:
    """The problem a use case's refusal becomes; its field, when it has one, goes in ``errors``."""
    status = next((s for kind, s in _DOMAIN_STATUS.items() if isinstance(error, kind)), 422)
    errors = [FieldError(field=error.field, message=error.message)] if error.field else []
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if isinstance(error, PasswordRefused):
        errors = [FieldError(field=error.field or "new_password", message=rule.message) for rule in error.rules]
    elif isinstance(error, LicenceExhausted):
        errors = [FieldError(f"sessions[{s.session_id}]", f"{s.display_name} ({s.login})") for s in error.seats]
    elif isinstance(error, LoginLocked):
        headers["Retry-After"] = str(error.seconds)
    return Problem(status=status, code=error.code, detail=error.message, errors=errors, headers=headers)


async def problem_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return exc.response()


async def domain_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return from_domain(exc).response()
