"""Absence reasons, reasons set by the office, families' justifications, attendance figures."""

from __future__ import annotations

from pydantic import BaseModel

from api.endpoints import Call, Endpoint
from api.schemas.attendance import (
    AbsencePeriodOut,
    ChangeReason,
    ClassAttendanceOut,
    ClassDayOut,
    DefineReason,
    FiguresOut,
    JustificationCreated,
    JustificationOut,
    JustificationPage,
    Justify,
    LatenessOut,
    ReasonOut,
    ReasonPage,
    ReasonRef,
    RefuseJustification,
    SetExitAuthorisation,
    SetMealPlan,
    SetReason,
    StudentAttendanceOut,
    StudentFiguresOut,
)
from application.absences import StudentAttendance
from domain.absence_periods import Figures, ReasonView
from domain.absence_reason import ReasonFlags
from domain.permissions import Permission

STUDENT = "/schools/{uai}/students/{student_id}"
PERIOD_QUERY = {
    "from": "First day (ISO date); default the first day of the school year.",
    "to": "Last day (ISO date); default the last day of the school year.",
}


def list_reasons(call: Call) -> ReasonPage:
    return ReasonPage(items=[_reason(r) for r in call.school.list_reasons(call.caller)])


def define_reason(call: Call) -> ReasonOut:
    c = call.command(DefineReason)
    call.school.define_reason(code=c.code, label=c.label, kind=c.kind.value, flags=ReasonFlags(**c.flags.model_dump()))
    return _reason_by_code(call, c.code)


def change_reason(call: Call) -> ReasonOut:
    c = call.command(ChangeReason)
    code = call.path["code"]
    call.school.change_reason(code=code, label=c.label, flags=ReasonFlags(**c.flags.model_dump()))
    return _reason_by_code(call, code)


def student_attendance(call: Call) -> StudentAttendanceOut:
    first, last = call.query_period()
    return _attendance(call.school.student_attendance(call.caller, call.path_id("student_id", "student"), first, last))


def set_reason(call: Call) -> BaseModel | None:
    c = call.command(SetReason)
    call.school.set_absence_reason(
        call.path_id("student_id", "student"),
        first=c.first,
        last=c.last,
        reason_code=c.reason_code,
        comment=c.comment,
        settled=c.settled,
    )
    return None


def justify(call: Call) -> JustificationCreated:
    c = call.command(Justify)
    justification_id = call.school.submit_justification(
        call.caller,
        call.path_id("student_id", "student"),
        first=c.first,
        last=c.last,
        reason_code=c.reason_code,
        comment=c.comment,
    )
    return JustificationCreated(id=justification_id)


def accept_justification(call: Call) -> BaseModel | None:
    call.school.decide_justification(
        call.path_id("student_id", "student"), call.path_id("justification_id", "justification"), accept=True
    )
    return None


def refuse_justification(call: Call) -> BaseModel | None:
    call.school.decide_justification(
        call.path_id("student_id", "student"),
        call.path_id("justification_id", "justification"),
        accept=False,
        comment=call.command(RefuseJustification).comment,
    )
    return None


def list_justifications(call: Call) -> JustificationPage:
    items = call.school.list_justifications(call.caller, call.query.get("state") or None)
    return JustificationPage(items=[JustificationOut.model_validate(i) for i in items])


def class_attendance(call: Call) -> ClassAttendanceOut:
    first, last = call.query_period()
    result = call.school.class_attendance(call.caller, call.path["code"], first, last)
    return ClassAttendanceOut(
        class_code=result.class_code,
        first=result.first,
        last=result.last,
        days=[ClassDayOut.model_validate(d) for d in result.days],
        students=[StudentFiguresOut(student_id=s.student_id, figures=_figures(s.figures)) for s in result.students],
    )


def set_meal_plan(call: Call) -> BaseModel | None:
    call.school.set_meal_plan(call.path_id("student_id", "student"), call.command(SetMealPlan).meal_plan.value)
    return None


def set_exit_authorisation(call: Call) -> BaseModel | None:
    authorised = call.command(SetExitAuthorisation).authorised
    call.school.set_exit_authorisation(call.path_id("student_id", "student"), authorised)
    return None


def _reason_by_code(call: Call, code: str) -> ReasonOut:
    wanted = code.strip().upper()
    return next(_reason(r) for r in call.school.list_reasons(call.caller) if r.code == wanted)


def _reason(reason: ReasonView) -> ReasonOut:
    return ReasonOut.model_validate(
        {"code": reason.code, "label": reason.label, "kind": reason.kind, "flags": vars(reason.flags)}
    )


def _ref(reason: ReasonView | None) -> ReasonRef | None:
    return ReasonRef(code=reason.code, label=reason.label) if reason is not None else None


def _figures(figures: Figures) -> FiguresOut:
    return FiguresOut.model_validate(figures)


def _attendance(result: StudentAttendance) -> StudentAttendanceOut:
    summary = result.summary
    return StudentAttendanceOut(
        student_id=result.student_id,
        first=result.first,
        last=result.last,
        figures=_figures(summary.figures()),
        canteen_absences=result.canteen_absences,
        periods=[
            AbsencePeriodOut(
                first=p.first,
                last=p.last,
                lessons=len(p.lessons),
                minutes=sum(lesson.minutes for lesson in p.lessons),
                half_days=len(p.half_days),
                reason=_ref(p.reason),
                justified=p.justified,
                settled=p.settled,
                counts=p.counts,
                to_justify=p.counts and not p.justified and not p.settled,
            )
            for p in summary.periods
        ],
        latenesses=[
            LatenessOut(
                register_id=late.register_id,
                day=late.day,
                start=late.start,
                minutes=late.minutes,
                reason=_ref(late.reason),
                justified=late.justified,
                to_justify=not late.justified,
            )
            for late in summary.latenesses
        ],
    )


JUSTIFICATION = STUDENT + "/justifications/{justification_id}"

endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/absence-reasons",
        list_reasons,
        "The school's absence and lateness reasons",
        Permission.ABSENCES_READ,
        response=ReasonPage,
        tag="absences",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/absence-reasons",
        define_reason,
        "Add a reason with its flags",
        Permission.ABSENCES_WRITE,
        body=DefineReason,
        response=ReasonOut,
        status=201,
        tag="absences",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/absence-reasons/{code}",
        change_reason,
        "Change a reason's label and flags",
        Permission.ABSENCES_WRITE,
        body=ChangeReason,
        response=ReasonOut,
        tag="absences",
    ),
    Endpoint(
        "GET",
        STUDENT + "/attendance",
        student_attendance,
        "A student's absence periods, lateness and half-days (families: published reasons only; journaled)",
        Permission.ABSENCES_READ,
        response=StudentAttendanceOut,
        query=PERIOD_QUERY,
        tag="absences",
    ),
    Endpoint(
        "POST",
        STUDENT + "/absence-reasons",
        set_reason,
        "Set a reason on the missed lessons and lateness of a span (and settle it)",
        Permission.ABSENCES_WRITE,
        body=SetReason,
        tag="absences",
    ),
    Endpoint(
        "POST",
        STUDENT + "/justifications",
        justify,
        "A guardian justifies an absence online (where the school allows it)",
        Permission.ABSENCES_JUSTIFY,
        body=Justify,
        response=JustificationCreated,
        status=201,
        tag="absences",
    ),
    Endpoint(
        "POST",
        JUSTIFICATION + "/accept",
        accept_justification,
        "Accept a family's justification",
        Permission.ABSENCES_WRITE,
        tag="absences",
    ),
    Endpoint(
        "POST",
        JUSTIFICATION + "/refuse",
        refuse_justification,
        "Refuse a family's justification, saying why",
        Permission.ABSENCES_WRITE,
        body=RefuseJustification,
        tag="absences",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/justifications",
        list_justifications,
        "Families' justifications (pending, accepted, refused)",
        Permission.ABSENCES_READ,
        response=JustificationPage,
        query={"state": "pending, accepted or refused."},
        tag="absences",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/classes/{code}/attendance",
        class_attendance,
        "A class's daily summaries and each student's figures (what bulletins print)",
        Permission.ABSENCES_READ,
        response=ClassAttendanceOut,
        query=PERIOD_QUERY,
        tag="absences",
    ),
    Endpoint(
        "PUT",
        STUDENT + "/meal-plan",
        set_meal_plan,
        "A student's meal plan (who the canteen register expects)",
        Permission.STUDENTS_WRITE,
        body=SetMealPlan,
        tag="absences",
    ),
    Endpoint(
        "PUT",
        STUDENT + "/exit-authorisation",
        set_exit_authorisation,
        "Whether a student may leave the school between lessons (else: permanence)",
        Permission.STUDENTS_WRITE,
        body=SetExitAuthorisation,
        tag="absences",
    ),
]
