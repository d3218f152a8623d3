"""An account: a login of the base, its password hash and the role it connects with."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.ids import natural_id


class Role(StrEnum):
    """Who an account connects as; the accounts issue adds staff, teachers and families."""

    SUPER_ADMIN = "super-admin"


def parse_login(value: str, field: str = "login") -> str:
    """A login as schools hand them out: letters, digits, dots, dashes, stored upper case."""
    login = value.strip().upper()
    if not login or len(login) > 64 or not all(c.isascii() and (c.isalnum() or c in ".-_") for c in login):
        raise InvalidValue(f"{field} {value!r} is not a login (ASCII letters, digits, '.', '-', '_')", field=field)
    return login


class Account(Aggregate):
    """An account, keyed by its login so that a login is never given twice in a base."""

    class Created(Aggregate.Created):
        login: str
        password_hash: str
        role: str
        person_id: UUID | None

    class PasswordReset(Aggregate.Event):
        """An operator issued a new one-time password; it must be changed at the next login."""

        password_hash: str

    @staticmethod
    def create_id(login: str) -> UUID:
        return natural_id("account", login)

    @classmethod
    def open(cls, *, login: str, password_hash: str, role: Role, person_id: UUID | None = None) -> Account:
        """Open an account with a one-time password (only its hash reaches the domain)."""
        return cls(login=parse_login(login), password_hash=password_hash, role=role.value, person_id=person_id)

    @event(Created)
    def __init__(self, *, login: str, password_hash: str, role: str, person_id: UUID | None) -> None:
        self.login = login
        self.password_hash = password_hash
        self.role = role
        self.person_id = person_id
        self.must_change_password = True

    @event(PasswordReset)
    def reset_password(self, *, password_hash: str) -> None:
        self.password_hash = password_hash
        self.must_change_password = True
