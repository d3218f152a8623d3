"""Teachers and other staff members."""

from __future__ import annotations

from api.endpoints import Call, Endpoint
from api.schemas.staff import (
    AssignmentOut,
    AssignStudents,
    RegisterStaffMember,
    RegisterTeacher,
    StaffOut,
    StaffPage,
    TeacherOut,
    TeacherPage,
)
from domain.permissions import Permission


def list_teachers(call: Call) -> TeacherPage:
    return TeacherPage(items=[TeacherOut.model_validate(t) for t in call.school.list_teachers(call.caller)])


def get_teacher(call: Call) -> TeacherOut:
    return TeacherOut.model_validate(call.school.get_teacher(call.caller, call.path_id("teacher_id", "teacher")))


def register_teacher(call: Call) -> TeacherOut:
    command = call.command(RegisterTeacher)
    base = call.school
    teacher_id = base.execute(
        lambda unit: base.register_teacher(
            unit,
            last_name=command.last_name,
            first_name=command.first_name,
            civility=command.civility,
            email=command.email,
            disciplines=command.disciplines,
        )
    )
    return TeacherOut.model_validate(base.get_teacher(call.caller, teacher_id))


def list_staff(call: Call) -> StaffPage:
    return StaffPage(items=[StaffOut.model_validate(s) for s in call.school.list_staff(call.caller)])


def get_staff_member(call: Call) -> StaffOut:
    return StaffOut.model_validate(call.school.get_staff_member(call.caller, call.path_id("staff_id", "staff member")))


def register_staff_member(call: Call) -> StaffOut:
    command = call.command(RegisterStaffMember)
    base = call.school
    staff_id = base.execute(
        lambda unit: base.register_staff_member(
            unit,
            last_name=command.last_name,
            first_name=command.first_name,
            function=command.function.value,
            civility=command.civility,
            email=command.email,
        )
    )
    return StaffOut.model_validate(base.get_staff_member(call.caller, staff_id))


def assign_students(call: Call) -> AssignmentOut:
    command = call.command(AssignStudents)
    staff_id = call.path_id("staff_id", "staff member")
    base = call.school
    assigned = base.execute(lambda unit: base.assign_students(unit, staff_id=staff_id, student_ids=command.student_ids))
    return AssignmentOut(staff_id=staff_id, student_ids=assigned)


endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/teachers",
        list_teachers,
        "List teachers",
        Permission.STAFF_READ,
        response=TeacherPage,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/teachers",
        register_teacher,
        "Register a teacher",
        Permission.STAFF_WRITE,
        body=RegisterTeacher,
        response=TeacherOut,
        status=201,
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/teachers/{teacher_id}",
        get_teacher,
        "A teacher's record (journaled)",
        Permission.STAFF_READ,
        response=TeacherOut,
    ),
    Endpoint("GET", "/schools/{uai}/staff", list_staff, "List staff", Permission.STAFF_READ, response=StaffPage),
    Endpoint(
        "POST",
        "/schools/{uai}/staff",
        register_staff_member,
        "Register a staff member and their function",
        Permission.STAFF_WRITE,
        body=RegisterStaffMember,
        response=StaffOut,
        status=201,
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/staff/{staff_id}",
        get_staff_member,
        "A staff member's record (journaled)",
        Permission.STAFF_READ,
        response=StaffOut,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/staff/{staff_id}/students",
        assign_students,
        "The students a support assistant (AESH) accompanies: the list replaces the previous one",
        Permission.STAFF_WRITE,
        body=AssignStudents,
        response=AssignmentOut,
    ),
]
