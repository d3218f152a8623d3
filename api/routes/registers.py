"""Registers: made from the timetable, taken by teachers, followed by the school-life office."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel

from api.endpoints import Call, Endpoint
from api.problems import FieldError, Problem
from api.schemas.attendance import (
    CallOut,
    ExpectStudent,
    GenerateRegisters,
    GenerationOut,
    NotTakenPage,
    NotTakenTeacher,
    RegisterDetailOut,
    RegisterOut,
    RegisterPage,
    StudentMarkOut,
    TakeCall,
)
from domain.permissions import Permission
from domain.register import PRESENT, MarkChange
from projections.attendance_records import RegisterItem

REGISTER = "/schools/{uai}/registers/{register_id}"


def generate_registers(call: Call) -> GenerationOut:
    command = call.command(GenerateRegisters)
    return GenerationOut.model_validate(call.school.generate_registers(command.first, command.last))


def list_registers(call: Call) -> RegisterPage:
    base = call.school
    day = call.query_date("date", base.today()) or base.today()
    teacher = call.query.get("teacher_id")
    teacher_id = _teacher_id(teacher) if teacher else None
    return RegisterPage(items=[_register(r) for r in base.list_registers(call.caller, day, teacher_id)])


def get_register(call: Call) -> RegisterDetailOut:
    view = call.school.register_view(call.caller, call.path_id("register_id", "register"))
    detail = view.detail
    students = [
        StudentMarkOut(
            student_id=s.student_id,
            last_name=view.student_names.get(s.student_id, ("", ""))[0],
            first_name=view.student_names.get(s.student_id, ("", ""))[1],
            status=s.mark.value if s.mark is not None else PRESENT,
            minutes=s.minutes,
        )
        for s in detail.students
    ]
    students.sort(key=lambda s: (s.last_name.casefold(), s.first_name.casefold(), str(s.student_id)))
    return RegisterDetailOut(
        **_register(detail).model_dump(),
        teachers=[view.teacher_names.get(t, "") for t in detail.teacher_ids],
        students=students,
    )


def take_call(call: Call) -> CallOut:
    command = call.command(TakeCall)
    changes = [
        MarkChange.parse(mark.student_id, mark.status, mark.minutes, f"marks[{index}]")
        for index, mark in enumerate(command.marks)
    ]
    result = call.school.take_call(call.caller, call.path_id("register_id", "register"), changes, close=command.close)
    return CallOut.model_validate(result)


def expect_student(call: Call) -> BaseModel | None:
    command = call.command(ExpectStudent)
    call.school.expect_student(call.caller, call.path_id("register_id", "register"), command.student_id)
    return None


def not_taken(call: Call) -> NotTakenPage:
    at = call.query_instant("at") or call.school.clock()
    by_teacher = call.school.registers_not_taken(at)
    names = call.school.teacher_display_names(set(by_teacher))
    items = [
        NotTakenTeacher(teacher_id=t, name=names.get(t, ""), registers=[_register(r) for r in registers])
        for t, registers in sorted(by_teacher.items(), key=lambda item: names.get(item[0], "").casefold())
    ]
    return NotTakenPage(at=at, items=items)


def _register(item: RegisterItem) -> RegisterOut:
    return RegisterOut.model_validate(item)


def _teacher_id(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        message = f"teacher_id {value!r} is not an id"
        raise Problem(422, "invalid-value", message, [FieldError("teacher_id", message)]) from None


endpoints = [
    Endpoint(
        "POST",
        "/schools/{uai}/registers/generate",
        generate_registers,
        "Make the registers of every lesson occurrence between two days (idempotent)",
        Permission.ABSENCES_WRITE,
        body=GenerateRegisters,
        response=GenerationOut,
        tag="registers",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/registers",
        list_registers,
        "A day's registers (a teacher's own, for a teacher)",
        Permission.REGISTERS_TAKE,
        response=RegisterPage,
        query={"date": "The day (ISO date); default today.", "teacher_id": "Only this teacher's registers."},
        tag="registers",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/registers/not-taken",
        not_taken,
        "Per teacher, the lessons whose call is not done 15 minutes after they started",
        Permission.ABSENCES_READ,
        response=NotTakenPage,
        query={"at": "The moment to check at (ISO 8601); default now."},
        tag="registers",
    ),
    Endpoint(
        "GET",
        REGISTER,
        get_register,
        "A register with each expected student's mark (journaled)",
        Permission.REGISTERS_TAKE,
        response=RegisterDetailOut,
        tag="registers",
    ),
    Endpoint(
        "POST",
        REGISTER + "/students",
        expect_student,
        "Add a student to a register made before they joined (then mark them like the others)",
        Permission.REGISTERS_TAKE,
        body=ExpectStudent,
        tag="registers",
    ),
    Endpoint(
        "POST",
        REGISTER + "/call",
        take_call,
        "Take the call: set marks student by student and close it; concurrent takers never lose a mark",
        Permission.REGISTERS_TAKE,
        body=TakeCall,
        response=CallOut,
        tag="registers",
    ),
]
