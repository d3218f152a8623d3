"""Who is calling and what they may do: the rights of their mode, profile, group or Espace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.account import Account
from domain.espaces import FAMILY_ESPACES, MODE_ESPACE, Mode, Role
from domain.permissions import Permission
from domain.profile import Profile
from domain.school import School

FAMILY_ROLES = frozenset({Role.GUARDIAN, Role.STUDENT})  # who reaches only their own (or children's) records


@dataclass(frozen=True)
class Principal:
    """Who is calling: an open session of an account of one base, with the rights it holds now."""

    session_id: UUID
    account_id: UUID
    login: str
    role: Role
    mode: Mode
    uai: str
    year: int
    must_change_password: bool
    permissions: frozenset[Permission]
    person_id: UUID | None = None
    sees_all_students: bool = True  # False: only the students in the caller's scope (teachers, families, AESH)
    # A keep-alive this request owes its session (see ``application.acting``), when authentication deferred it.
    keep_alive_due: datetime | None = None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def mode_permissions(school: School, account: Account, mode: Mode, profile: Profile | None) -> frozenset[Permission]:
    """The rights a session of ``account`` in ``mode`` has at this moment.

    The super-admin holds them all; staff and teachers those of their group (admin mode) or profile;
    families, students and support assistants those of the rubrics their Espace publishes.
    """
    if account.role is Role.SUPER_ADMIN:
        return frozenset(Permission)
    espace = MODE_ESPACE[mode]
    if espace in FAMILY_ESPACES:
        return school.espaces[espace].rubric_permissions()
    return profile.permissions if profile is not None else frozenset({Permission.SESSION})
