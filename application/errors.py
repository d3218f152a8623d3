"""Errors of the use cases, beside the domain's rule errors; the edges map each to an answer."""

from __future__ import annotations

from domain.errors import DomainError


class NotFound(DomainError):
    """Unknown, or out of the caller's scope: the caller never learns which."""

    code = "not-found"


class ConcurrencyConflict(DomainError):
    """Another writer kept changing the same aggregate; the command was retried and gave up."""

    code = "conflict"


class Unauthenticated(DomainError):
    """No valid credentials: a bad login or password, an unknown or closed session."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller is known but lacks the permission, or the data belongs to another school."""

    code = "forbidden"


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the message says which and why."""
