"""Students: enrolment, class moves, the list and each record."""

from __future__ import annotations

from uuid import UUID

from api.endpoints import Call, Endpoint
from api.schemas.students import (
    ClassMoveOut,
    EnrolStudent,
    MoveStudent,
    StudentGuardianOut,
    StudentOut,
    StudentPage,
    StudentRecordOut,
)
from domain.permissions import Permission


def list_students(call: Call) -> StudentPage:
    items = call.school.list_students(call.caller, class_code=call.query.get("class_code"))
    return StudentPage(items=[StudentOut.model_validate(s) for s in items])


def get_student(call: Call) -> StudentRecordOut:
    return _record(call, call.path_id("student_id", "student"))


def enrol_student(call: Call) -> StudentRecordOut:
    command = call.command(EnrolStudent)
    base = call.school
    student_id = base.execute(
        lambda unit: base.enrol_student(
            unit,
            last_name=command.last_name,
            first_name=command.first_name,
            birth_date=command.birth_date,
            sex=command.sex.value,
            ine=command.ine,
            class_code=command.class_code,
        )
    )
    return _record(call, student_id)


def move_student(call: Call) -> StudentRecordOut:
    command = call.command(MoveStudent)
    student_id = call.path_id("student_id", "student")
    base = call.school
    base.execute(lambda unit: base.move_student(unit, student_id=student_id, class_code=command.class_code))
    return _record(call, student_id)


def _record(call: Call, student_id: UUID) -> StudentRecordOut:
    record = call.school.get_student(call.caller, student_id)
    return StudentRecordOut(
        **StudentOut.model_validate(record.student).model_dump(),
        class_history=[ClassMoveOut.model_validate(m) for m in record.class_history],
        groups=record.groups,
        guardians=[StudentGuardianOut.model_validate(g) for g in record.guardians],
    )


endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/students",
        list_students,
        "List students, sorted by name",
        Permission.STUDENTS_READ,
        response=StudentPage,
        query={"class_code": "Only the students of this class."},
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/students",
        enrol_student,
        "Enrol a student",
        Permission.STUDENTS_WRITE,
        body=EnrolStudent,
        response=StudentRecordOut,
        status=201,
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/students/{student_id}",
        get_student,
        "A student's record (journaled)",
        Permission.STUDENTS_READ,
        response=StudentRecordOut,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/students/{student_id}/class",
        move_student,
        "Move a student to another class (the history is kept)",
        Permission.STUDENTS_WRITE,
        body=MoveStudent,
        response=StudentRecordOut,
    ),
]
