"""Profiles, groups and who holds them; the students each support assistant (AESH) accompanies.

The super-administrator creates, copies and edits profiles and groups, assigns a profile to an
account and moves a staff account between groups. Each is an event of the aggregate it changes;
the list is read from the ``profiles`` read model.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.accounts import find_account
from application.core import BaseCore
from application.errors import NotFound
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.permissions import CATALOGUE, PermissionEntry, parse_permissions
from domain.profile import Profile, ProfileKind
from domain.staff_member import StaffMember
from domain.student import Student
from domain.values import parse_choice
from projections.profiles import ProfileItem


class ProfileUseCases(BaseCore):
    """Profiles and groups of one base, and the accounts that hold them."""

    # -- reads ----------------------------------------------------------------------------------------

    @staticmethod
    def permission_catalogue() -> tuple[PermissionEntry, ...]:
        return CATALOGUE

    def list_profiles(self) -> list[ProfileItem]:
        with self.reading() as connection:
            return self.profiles.list_profiles(connection)

    def get_profile(self, profile_id: UUID) -> ProfileItem:
        with self.reading() as connection:
            item = self.profiles.get_profile(connection, profile_id)
        if item is None:
            raise NotFound(f"profile {profile_id} does not exist")
        return item

    # -- profiles -------------------------------------------------------------------------------------

    def create_profile(
        self,
        unit: UnitOfWork,
        *,
        kind: str,
        name: str,
        permissions: Sequence[str],
        inactivity_minutes: int,
        sees_all_students: bool,
    ) -> UUID:
        profile = Profile.define(
            kind=parse_choice(ProfileKind, kind, "kind"),
            name=name,
            permissions=parse_permissions(list(permissions)),
            inactivity_minutes=inactivity_minutes,
            sees_all_students=sees_all_students,
        )
        return unit.create(profile, natural_key=_natural_key(profile)).id

    def copy_profile(self, unit: UnitOfWork, *, profile_id: UUID, name: str) -> UUID:
        """A new profile of the same kind and rights, under a new name, to be edited apart."""
        copy = unit.get(Profile, profile_id, "profile").copy(name)
        return unit.create(copy, natural_key=_natural_key(copy)).id

    def edit_profile(
        self,
        unit: UnitOfWork,
        *,
        profile_id: UUID,
        permissions: Sequence[str],
        inactivity_minutes: int,
        sees_all_students: bool,
    ) -> None:
        profile = unit.get(Profile, profile_id, "profile")
        profile.edit(
            permissions=parse_permissions(list(permissions)),
            inactivity_minutes=inactivity_minutes,
            sees_all_students=sees_all_students,
        )

    # -- accounts -------------------------------------------------------------------------------------

    def assign_profile(self, unit: UnitOfWork, *, login: str, profile_id: UUID) -> None:
        """The profile of school-life mode (staff) or teacher mode (teachers)."""
        _account(unit, login).assign_profile(_profile(unit, profile_id, "profile_id"))

    def change_group(self, unit: UnitOfWork, *, login: str, group_id: UUID | None) -> None:
        """The group whose rights a staff account has in admin mode; None takes admin mode away."""
        group = _profile(unit, group_id, "group_id") if group_id is not None else None
        _account(unit, login).change_group(group)

    # -- support assistants ---------------------------------------------------------------------------

    def assign_students(self, unit: UnitOfWork, *, staff_id: UUID, student_ids: Sequence[UUID]) -> list[UUID]:
        """The students an AESH accompanies from now on (the list replaces the previous one)."""
        member = unit.get(StaffMember, staff_id, "staff member")
        for index, student_id in enumerate(student_ids):
            if unit.find(Student, student_id) is None:
                raise NotFound(f"student {student_id} does not exist", field=f"student_ids[{index}]")
        member.assign_students(set(student_ids))
        return sorted(member.assigned, key=str)


def _natural_key(profile: Profile) -> str:
    return f"name {profile.name!r} of a {profile.kind.value} profile"


def _account(unit: UnitOfWork, login: str) -> Account:
    """The account of a login from the path; a login that cannot exist is just as unknown."""
    account = find_account(unit, login)
    if account is None:
        raise NotFound(f"account {login!r} does not exist")
    return account


def _profile(unit: UnitOfWork, profile_id: UUID, field: str) -> Profile:
    profile = unit.find(Profile, profile_id)
    if profile is None:
        raise NotFound(f"{field.removesuffix('_id')} {profile_id} does not exist", field=field)
    return profile
