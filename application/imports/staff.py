"""Teachers, staff, classes, groups and services from STS-WEB (and ONDE's teachers file)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.imports.context import ImportContext, name_key, outcome, pending
from application.imports.records import DivisionEntry, GroupEntry, LessonEntry, ServiceEntry, TeacherEntry
from application.imports.students import ensure_class, ensure_group
from domain.errors import DomainError
from domain.external_ids import ExternalSystem
from domain.people import parse_names
from domain.service import Service
from domain.staff_member import StaffMember
from domain.teacher import Teacher
from domain.teaching_group import TeachingGroup
from domain.values import StaffFunction, parse_text

STS = ExternalSystem.STS.value
TEACHING_FUNCTIONS = {None, "ENS"}
# STS-WEB FONCTION codes of staff who do not teach, as the field names them.
STAFF_FUNCTIONS = {
    "DIR": StaffFunction.DIRECTION,
    "EDU": StaffFunction.CPE,
    "DOC": StaffFunction.LIBRARIAN,
    "SUR": StaffFunction.SUPERVISOR,
    "ADF": StaffFunction.SECRETARY,
    "MDS": StaffFunction.NURSE,
}


def import_structure(context: ImportContext, divisions: Sequence[DivisionEntry], groups: Sequence[GroupEntry]) -> None:
    """Classes and groups: opened when missing; a group's classes follow the file."""
    for division in divisions:
        with context.record(division.origin):
            known = division.code in context.index.class_codes
            ensure_class(context, division.code, division.mefs[0] if division.mefs else None, division.label)
            context.report.count("unchanged" if known else "created")
    for group in groups:
        _import_group(context, group)


def _import_group(context: ImportContext, entry: GroupEntry) -> None:
    with context.record(entry.origin):
        classes = [ensure_class(context, code) for code in entry.divisions]
        if entry.code not in context.index.group_codes:
            context.unit.create(TeachingGroup.open(code=entry.code, label=entry.label, class_codes=classes))
            context.index.group_codes.add(entry.code)
            context.report.count("created")
            return
        group = context.unit.get(TeachingGroup, TeachingGroup.create_id(ensure_group(context, entry.code)), "group")
        before = pending(group)
        if sorted(set(classes)) != group.class_codes:
            group.change_classes(classes)
        context.report.count(outcome(group, before))


def import_people(context: ImportContext, entries: Sequence[TeacherEntry]) -> None:
    """Teachers (STS FONCTION ENS, or every ONDE row) and other staff, matched by STS id or by name."""
    for entry in entries:
        if not entry.last_name or not entry.first_name:
            context.report.reject(entry.origin, "no last name or no first name")
            continue
        # An ONDE director who has a class teaches it: a teacher (of that class), not a member of staff.
        if entry.function in TEACHING_FUNCTIONS or entry.classes:
            _import_teacher(context, entry)
        else:
            _import_staff_member(context, entry)


def _match(context: ImportContext, entry: TeacherEntry, by_name: dict[str, list[UUID]]) -> UUID | str | None:
    if entry.source_id:
        return context.index.external.get((STS, entry.source_id))
    assert entry.last_name and entry.first_name
    candidates = by_name.get(name_key(entry.last_name, entry.first_name), [])
    if len(candidates) > 1:
        return "several people have this name: which one is meant cannot be told"
    return candidates[0] if candidates else None


def _import_teacher(context: ImportContext, entry: TeacherEntry) -> None:
    assert entry.last_name and entry.first_name
    matched = _match(context, entry, context.index.teachers_by_name)
    if isinstance(matched, str):
        context.report.reject(entry.origin, matched)
        return
    principal_of = list(entry.principal_of or entry.classes)
    if matched is None:
        with context.record(entry.origin):
            teacher = Teacher.register(
                last_name=entry.last_name,
                first_name=entry.first_name,
                civility=entry.civility,
                email=entry.email,
                disciplines=list(entry.disciplines),
            )
            if entry.source_id:
                teacher.record_external_id(ExternalSystem.STS, entry.source_id)
            if principal_of:
                teacher.change_principal_classes([ensure_class(context, code) for code in principal_of])
            context.unit.create(teacher)
            _remember(context, teacher.id, entry, context.index.teachers_by_name)
            context.report.count("created")
        return
    found = context.unit.find(Teacher, matched)
    if found is None:  # the id is a staff member's: a person does not change sides
        context.report.reject(entry.origin, f"INDIVIDU {entry.source_id} is a member of staff here, not a teacher")
        return
    teacher = found
    before = pending(teacher)
    with context.record(entry.origin, teacher):
        names = parse_names(entry.civility, entry.last_name, entry.first_name)
        if names != (teacher.civility, teacher.last_name, teacher.first_name):
            teacher.correct_details(civility=names[0], last_name=names[1], first_name=names[2])
        disciplines = [parse_text(d, "disciplines") for d in entry.disciplines]
        if disciplines and disciplines != teacher.disciplines:
            teacher.change_disciplines(disciplines)
        codes = sorted({ensure_class(context, code) for code in principal_of})
        if codes != teacher.principal_of:
            teacher.change_principal_classes(codes)
        context.report.count(outcome(teacher, before))


def _import_staff_member(context: ImportContext, entry: TeacherEntry) -> None:
    assert entry.last_name and entry.first_name
    function = STAFF_FUNCTIONS.get(entry.function or "", StaffFunction.OTHER).value
    matched = _match(context, entry, context.index.staff_by_name)
    if isinstance(matched, str):
        context.report.reject(entry.origin, matched)
        return
    if matched is None:
        with context.record(entry.origin):
            member = StaffMember.register(
                last_name=entry.last_name,
                first_name=entry.first_name,
                function=function,
                civility=entry.civility,
                email=entry.email,
            )
            if entry.source_id:
                member.record_external_id(ExternalSystem.STS, entry.source_id)
            context.unit.create(member)
            _remember(context, member.id, entry, context.index.staff_by_name)
            context.report.count("created")
        return
    found = context.unit.find(StaffMember, matched)
    if found is None:  # the id is a teacher's: a person does not change sides
        context.report.reject(entry.origin, f"INDIVIDU {entry.source_id} is a teacher here, not a member of staff")
        return
    member = found
    before = pending(member)
    with context.record(entry.origin, member):
        civility, last_name, first_name = parse_names(entry.civility, entry.last_name, entry.first_name)
        if (civility, last_name, first_name, function) != (
            member.civility,
            member.last_name,
            member.first_name,
            member.function,
        ):
            member.correct_details(civility=civility, last_name=last_name, first_name=first_name, function=function)
        context.report.count(outcome(member, before))


def _remember(context: ImportContext, person_id: UUID, entry: TeacherEntry, by_name: dict[str, list[UUID]]) -> None:
    if entry.source_id:
        context.index.external[(STS, entry.source_id)] = person_id
    assert entry.last_name and entry.first_name
    by_name.setdefault(name_key(entry.last_name, entry.first_name), []).append(person_id)


def import_services(context: ImportContext, entries: Sequence[ServiceEntry]) -> None:
    """Services: subject × class or group × teachers, the teachers found by their STS ids."""
    for entry in entries:
        teacher_ids = [context.index.external.get((STS, t)) for t in entry.teachers]
        unknown = [t for t, found in zip(entry.teachers, teacher_ids, strict=True) if found is None]
        if unknown:
            context.report.reject(entry.origin, f"teachers {', '.join(unknown)} are not in the file")
            continue
        known = [t for t in teacher_ids if t is not None]
        _import_service(context, entry, known)


def open_service(context: ImportContext, entry: ServiceEntry | LessonEntry, teacher_ids: list[UUID]) -> None:
    """Open the service of a subject for a class or group (STS's, or one a timetable's lesson implies)."""
    assert entry.subject_code is not None  # a service entry has one; a lesson's caller checked it
    service = Service.open(
        subject_code=entry.subject_code,
        subject_label=entry.subject_label,
        course_mode=entry.course_mode,
        class_code=entry.class_code,
        group_code=entry.group_code,
        teacher_ids=teacher_ids,
    )
    context.unit.create(service)
    context.index.service_ids.add(service.id)


def _import_service(context: ImportContext, entry: ServiceEntry, teacher_ids: list[UUID]) -> None:
    service_id = Service.create_id(entry.subject_code, entry.course_mode, entry.class_code, entry.group_code)
    if service_id not in context.index.service_ids:
        with context.record(entry.origin):
            if entry.class_code is not None:
                ensure_class(context, entry.class_code)
            if entry.group_code is not None:
                ensure_group(context, entry.group_code)
            open_service(context, entry, teacher_ids)
            context.report.count("created")
        return
    service = context.unit.get(Service, service_id, "service")
    before = pending(service)
    try:
        if list(dict.fromkeys(teacher_ids)) != service.teacher_ids:
            service.change_teachers(teacher_ids)
    except DomainError as error:
        context.report.reject(entry.origin, error.message)
        return
    context.report.count(outcome(service, before))
