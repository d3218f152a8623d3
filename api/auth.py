"""Bearer tokens to principals: which base a token belongs to and whether its session is open."""

from __future__ import annotations

from api.problems import Problem
from application.base import SchoolYearBase
from application.errors import NotFound, Unauthenticated
from application.permissions import Principal
from application.registry import Bases
from application.sessions import token_base
from domain.errors import InvalidValue

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def authenticate(bases: Bases, authorization: str | None) -> tuple[Principal, SchoolYearBase]:
    """The caller of a protected route, or a 401 that says what is missing (never whose token it is)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401, "unauthenticated", "this route needs an 'Authorization: Bearer <token>' header", headers=_CHALLENGE
        )
    token = token.strip()
    try:
        uai, year = token_base(token)
        base = bases.open(uai, year)
        return base.authenticate(token, defer_keep_alive=True), base
    except (Unauthenticated, NotFound, InvalidValue):
        raise Problem(
            401, "unauthenticated", "the token is unknown or its session is closed", headers=_CHALLENGE
        ) from None
