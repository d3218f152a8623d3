"""The permission catalogue; profiles and groups (the super-administrator's); what accounts hold."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from api.endpoints import Call, Endpoint
from api.schemas.profiles import (
    AssignProfile,
    ChangeGroup,
    CopyProfile,
    CreateProfile,
    EditProfile,
    PermissionCatalogue,
    PermissionOut,
    ProfileOut,
    ProfilePage,
)
from domain.permissions import Permission


def list_permissions(call: Call) -> PermissionCatalogue:
    return PermissionCatalogue(items=_catalogue(call))


def list_profiles(call: Call) -> ProfilePage:
    items = [ProfileOut.model_validate(p) for p in call.school.list_profiles()]
    return ProfilePage(items=items, catalogue=_catalogue(call))


def create_profile(call: Call) -> ProfileOut:
    command = call.command(CreateProfile)
    base = call.school
    profile_id = base.execute(
        lambda unit: base.create_profile(
            unit,
            kind=command.kind.value,
            name=command.name,
            permissions=command.permissions,
            inactivity_minutes=command.inactivity_minutes,
            sees_all_students=command.sees_all_students,
        )
    )
    return _profile(call, profile_id)


def copy_profile(call: Call) -> ProfileOut:
    command = call.command(CopyProfile)
    source = call.path_id("profile_id", "profile")
    base = call.school
    profile_id = base.execute(lambda unit: base.copy_profile(unit, profile_id=source, name=command.name))
    return _profile(call, profile_id)


def edit_profile(call: Call) -> ProfileOut:
    command = call.command(EditProfile)
    profile_id = call.path_id("profile_id", "profile")
    base = call.school
    base.execute(
        lambda unit: base.edit_profile(
            unit,
            profile_id=profile_id,
            permissions=command.permissions,
            inactivity_minutes=command.inactivity_minutes,
            sees_all_students=command.sees_all_students,
        )
    )
    return _profile(call, profile_id)


def assign_profile(call: Call) -> BaseModel | None:
    command = call.command(AssignProfile)
    base = call.school
    base.execute(lambda unit: base.assign_profile(unit, login=call.path["login"], profile_id=command.profile_id))
    return None


def change_group(call: Call) -> BaseModel | None:
    command = call.command(ChangeGroup)
    base = call.school
    base.execute(lambda unit: base.change_group(unit, login=call.path["login"], group_id=command.group_id))
    return None


def _profile(call: Call, profile_id: UUID) -> ProfileOut:
    return ProfileOut.model_validate(call.school.get_profile(profile_id))


def _catalogue(call: Call) -> list[PermissionOut]:
    return [
        PermissionOut(code=entry.code.value, area=entry.area, label=entry.label)
        for entry in call.school.permission_catalogue()
    ]


endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/permissions",
        list_permissions,
        "The permission catalogue: every code a profile or an Espace rubric may grant",
        Permission.SESSION,
        response=PermissionCatalogue,
        tag="profiles",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/profiles",
        list_profiles,
        "Profiles and groups with their permissions, and the catalogue for the editor",
        Permission.PROFILES_MANAGE,
        response=ProfilePage,
        tag="profiles",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/profiles",
        create_profile,
        "Create a profile (school-life or teacher mode) or a group (admin mode)",
        Permission.PROFILES_MANAGE,
        body=CreateProfile,
        response=ProfileOut,
        status=201,
        tag="profiles",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/profiles/{profile_id}/copy",
        copy_profile,
        "Copy a profile under a new name, to edit it apart",
        Permission.PROFILES_MANAGE,
        body=CopyProfile,
        response=ProfileOut,
        status=201,
        tag="profiles",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/profiles/{profile_id}",
        edit_profile,
        "Replace a profile's permissions, inactivity delay and reach",
        Permission.PROFILES_MANAGE,
        body=EditProfile,
        response=ProfileOut,
        tag="profiles",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/accounts/{login}/profile",
        assign_profile,
        "Give an account the profile of its school-life or teacher mode",
        Permission.PROFILES_MANAGE,
        body=AssignProfile,
        status=204,
        tag="profiles",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/accounts/{login}/group",
        change_group,
        "Move a staff account to a group of admin mode, or out of admin mode (null)",
        Permission.PROFILES_MANAGE,
        body=ChangeGroup,
        status=204,
        tag="profiles",
    ),
]
