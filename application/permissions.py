"""The permission catalogue and who holds what; routes declare one, the caller must hold it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.account import Role


class Permission(StrEnum):
    """Stable codes of what a caller may do; the accounts issue extends the catalogue."""

    SESSION = "session"  # any open session: log out, read one's own account
    DIRECTORY_READ = "directory.read"
    DIRECTORY_WRITE = "directory.write"
    IMPORTS_RUN = "imports.run"  # load SIECLE, STS-WEB, ONDE files


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SUPER_ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: an open session of an account of one base."""

    session_id: UUID
    account_id: UUID
    login: str
    role: Role
    uai: str
    year: int
    must_change_password: bool

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS.get(self.role, frozenset())
