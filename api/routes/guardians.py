"""Guardians: registration with their children, links, contact details."""

from __future__ import annotations

from uuid import UUID

from api.endpoints import Call, Endpoint
from api.schemas.guardians import ChangeContact, GuardianOut, GuardianPage, LinkChild, RegisterGuardian
from application.directory import ChildLink
from domain.permissions import Permission


def list_guardians(call: Call) -> GuardianPage:
    return GuardianPage(items=[GuardianOut.model_validate(g) for g in call.school.list_guardians(call.caller)])


def get_guardian(call: Call) -> GuardianOut:
    return _record(call, call.path_id("guardian_id", "guardian"))


def register_guardian(call: Call) -> GuardianOut:
    command = call.command(RegisterGuardian)
    base = call.school
    children = [ChildLink(c.student_id, c.relationship.value, c.legal) for c in command.children]
    guardian_id = base.execute(
        lambda unit: base.register_guardian(
            unit,
            last_name=command.last_name,
            first_name=command.first_name,
            civility=command.civility,
            email=command.email,
            phone=command.phone,
            address=command.address,
            children=children,
        )
    )
    return _record(call, guardian_id)


def link_child(call: Call) -> GuardianOut:
    command = call.command(LinkChild)
    guardian_id = call.path_id("guardian_id", "guardian")
    base = call.school
    base.execute(
        lambda unit: base.link_child(
            unit,
            guardian_id=guardian_id,
            student_id=command.student_id,
            relationship=command.relationship.value,
            legal=command.legal,
        )
    )
    return _record(call, guardian_id)


def change_contact(call: Call) -> GuardianOut:
    command = call.command(ChangeContact)
    guardian_id = call.path_id("guardian_id", "guardian")
    base = call.school
    base.execute(
        lambda unit: base.change_guardian_contact(
            unit, guardian_id=guardian_id, email=command.email, phone=command.phone, address=command.address
        )
    )
    return _record(call, guardian_id)


def _record(call: Call, guardian_id: UUID) -> GuardianOut:
    return GuardianOut.model_validate(call.school.get_guardian(call.caller, guardian_id))


endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/guardians",
        list_guardians,
        "List guardians with their children, sorted by name",
        Permission.GUARDIANS_READ,
        response=GuardianPage,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/guardians",
        register_guardian,
        "Register a guardian and link their children",
        Permission.GUARDIANS_WRITE,
        body=RegisterGuardian,
        response=GuardianOut,
        status=201,
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/guardians/{guardian_id}",
        get_guardian,
        "A guardian's record (journaled)",
        Permission.GUARDIANS_READ,
        response=GuardianOut,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/guardians/{guardian_id}/children",
        link_child,
        "Link a guardian to a child",
        Permission.GUARDIANS_WRITE,
        body=LinkChild,
        response=GuardianOut,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/guardians/{guardian_id}/contact",
        change_contact,
        "Change a guardian's contact details",
        Permission.GUARDIANS_WRITE,
        body=ChangeContact,
        response=GuardianOut,
    ),
]
