"""Guardians and their links to children, from SIECLE (by ids) or ONDE (by names and classes)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.imports.context import ImportContext, name_key, outcome, pending
from application.imports.records import ChildRef, GuardianEntry, LinkEntry
from domain.errors import DomainError
from domain.external_ids import ExternalSystem
from domain.guardian import ContactDetails, Guardian
from domain.people import parse_names
from domain.school_class import parse_class_code
from domain.values import sort_key
from projections.directory_index import contact_key

SIECLE = ExternalSystem.SIECLE.value
PERSON = ExternalSystem.SIECLE_PERSON  # PERSONNE_ID, kept apart from ELEVE_ID (SIECLE)


def import_guardians(
    context: ImportContext, entries: Sequence[GuardianEntry], links: Sequence[LinkEntry], students: dict[str, UUID]
) -> None:
    """Import guardians with the links that name one of the school's students; the others are refused."""
    people: dict[tuple[str, ...], tuple[GuardianEntry, list[LinkEntry]]] = {}
    for entry in entries:
        people.setdefault(_person_key(entry), (entry, []))
    for link in links:
        people.setdefault(_person_key(link.guardian), (link.guardian, []))[1].append(link)
    by_name = _students_by_name(context)
    for entry, person_links in people.values():
        _import_person(context, entry, person_links, students, by_name)


def _person_key(entry: GuardianEntry) -> tuple[str, ...]:
    """SIECLE names a person by PERSONNE_ID; ONDE repeats a person on several rows, told apart by contact."""
    if entry.source_id:
        return ("id", entry.source_id)
    return ("name", *_identity(entry))


def _identity(entry: GuardianEntry) -> tuple[str, str]:
    """Name and contact as the directory stores them (normalised), so a file matches what it wrote."""
    try:
        contact = _contact(entry)
        reach = contact_key(contact.email, contact.phone, contact.address)
    except DomainError:
        reach = contact_key(entry.email, entry.phone, entry.address)
    return name_key(entry.last_name, entry.first_name), reach


def _students_by_name(context: ImportContext) -> dict[str, list[UUID]]:
    by_name: dict[str, list[UUID]] = {}
    for student_id, key in context.index.student_sort_key.items():
        by_name.setdefault(key, []).append(student_id)
    return by_name


def _import_person(
    context: ImportContext,
    entry: GuardianEntry,
    links: list[LinkEntry],
    students: dict[str, UUID],
    by_name: dict[str, list[UUID]],
) -> None:
    if not entry.last_name or not entry.first_name:
        context.report.reject(entry.origin, "no last name or no first name")
        return
    resolved: list[tuple[LinkEntry, UUID]] = []
    for link in links:
        child = _child(context, link.child, students, by_name)
        if isinstance(child, str):
            context.report.reject(link.origin, child)
        else:
            resolved.append((link, child))
    if not resolved:
        context.report.reject(entry.origin, "none of this person's children is a student of this school")
        return
    existing = _match(context, entry)
    if existing is None:
        _create(context, entry, resolved)
    else:
        _update(context, context.unit.get(Guardian, existing, "guardian"), entry, resolved)


def _child(
    context: ImportContext, child: ChildRef, students: dict[str, UUID], by_name: dict[str, list[UUID]]
) -> UUID | str:
    """The student a link names, or why it cannot be told."""
    if child.source_id:
        student = students.get(child.source_id) or context.index.external.get((SIECLE, child.source_id))
        if student is None or student not in context.index.student_class:
            return f"ELEVE_ID {child.source_id} is not a student of this school"
        return student
    name = f"{child.last_name or ''} {child.first_name or ''}".strip()
    candidates = by_name.get(name_key(child.last_name, child.first_name), [])
    if child.class_code:
        code = parse_class_code(child.class_code)
        candidates = [c for c in candidates if context.index.student_class.get(c) == code]
    if not candidates:
        return f"no student {name!r} in class {child.class_code!r}"
    if len(candidates) > 1:
        return f"several students {name!r} in class {child.class_code!r}: which one is meant cannot be told"
    return candidates[0]


def _match(context: ImportContext, entry: GuardianEntry) -> UUID | None:
    if entry.source_id:
        return context.index.external.get((PERSON.value, entry.source_id))
    return context.index.guardians_by_contact.get(_identity(entry))


def _contact(entry: GuardianEntry) -> ContactDetails:
    return ContactDetails.parse(email=entry.email, phone=entry.phone, address=entry.address)


def _create(context: ImportContext, entry: GuardianEntry, links: list[tuple[LinkEntry, UUID]]) -> None:
    assert entry.last_name and entry.first_name
    with context.record(entry.origin):
        guardian = Guardian.register(
            last_name=entry.last_name, first_name=entry.first_name, civility=entry.civility, contact=_contact(entry)
        )
        if entry.source_id:
            guardian.record_external_id(PERSON, entry.source_id)
        _link_all(context, guardian, links, counted=False)
        context.unit.create(guardian)
        _remember(context, guardian, entry)
        context.report.count("created")
        for _ in guardian.children:
            context.report.count("created")


def _update(
    context: ImportContext, guardian: Guardian, entry: GuardianEntry, links: list[tuple[LinkEntry, UUID]]
) -> None:
    assert entry.last_name and entry.first_name
    before = pending(guardian)
    with context.record(entry.origin, guardian):
        details = parse_names(entry.civility, entry.last_name, entry.first_name)
        if details != (guardian.civility, guardian.last_name, guardian.first_name):
            guardian.correct_details(civility=details[0], last_name=details[1], first_name=details[2])
        contact = _contact(entry)
        if contact != guardian.contact:
            guardian.change_contact_details(contact)
        if entry.source_id and guardian.external_id_map.get(PERSON.value) != entry.source_id:
            guardian.record_external_id(PERSON, entry.source_id)
        context.report.count(outcome(guardian, before))
    _link_all(context, context.unit.get(Guardian, guardian.id, "guardian"), links, counted=True)


def _link_all(
    context: ImportContext, guardian: Guardian, links: list[tuple[LinkEntry, UUID]], *, counted: bool
) -> None:
    """Link each child; an existing link whose relationship or status changed is updated.

    The guardian's methods check before they emit, so a refused link leaves nothing to undo.
    """
    for link, student_id in links:
        current = guardian.children.get(student_id)
        try:
            if current is None:
                guardian.link_child(student_id=student_id, relationship=link.relationship, legal=link.legal)
                result = "created"
            elif current != (link.relationship, link.legal):
                guardian.change_link(student_id=student_id, relationship=link.relationship, legal=link.legal)
                result = "updated"
            else:
                result = "unchanged"
            if link.priority != (student_id in guardian.priority_for):
                guardian.set_contact_priority(student_id=student_id, priority=link.priority)
                result = "created" if result == "created" else "updated"
        except DomainError as error:
            context.report.reject(link.origin, error.message)
            continue
        if counted:
            context.report.count(result)


def _remember(context: ImportContext, guardian: Guardian, entry: GuardianEntry) -> None:
    if entry.source_id:
        context.index.external[(PERSON.value, entry.source_id)] = guardian.id
    key = sort_key(guardian.last_name, guardian.first_name)
    contact = guardian.contact
    context.index.guardians_by_contact[(key, contact_key(contact.email, contact.phone, contact.address))] = guardian.id
