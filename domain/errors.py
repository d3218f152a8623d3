"""Errors the domain raises when a command breaks a rule.

Each error carries a stable ``code`` (the edge turns it into a problem type) and, when one input
is to blame, the ``field`` so that a client can show the message next to it.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A command that the school's rules refuse; nothing was changed."""

    code: ClassVar[str] = "domain-error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    """A value that can never be right, whatever the state (a malformed UAI, an empty name)."""

    code = "invalid-value"


class AlreadyExists(DomainError):
    """Something with the same natural key is already there (a class code, an INE, a login)."""

    code = "already-exists"


class RuleViolated(DomainError):
    """A valid value that conflicts with the current state (moving a student to their own class)."""

    code = "rule-violated"
