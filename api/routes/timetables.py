"""The calendar, lessons and their changes, and timetables (JSON or iCalendar for phones)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from adapters.ical import occurrences_to_ical
from api.endpoints import Call, Endpoint, FileOut
from api.problems import FieldError, Problem
from api.schemas.timetables import (
    CalendarIn,
    CalendarOut,
    CancelOccurrence,
    ChangeOccurrence,
    CreateLesson,
    EndLesson,
    FeedOut,
    HolidayOut,
    LessonOut,
    OccurrenceOut,
    PatternOut,
    RescheduleLesson,
    SlotOut,
    TeacherRef,
    TimetableOut,
)
from application.errors import NotFound
from application.timetable import LessonSpec, TimetableWeek
from domain.errors import InvalidValue
from domain.permissions import Permission
from domain.school_calendar import Holiday, TimeSlot, monday_of
from domain.timetable import LessonPlan

ICAL = "text/calendar"


def get_calendar(call: Call) -> CalendarOut:
    days = call.school.calendar_days()
    return CalendarOut(
        first_day=days.first_day,
        last_day=days.last_day,
        holidays=[HolidayOut(label=h.label, first=h.first, last=h.last) for h in days.holidays],
        bank_holidays=sorted(days.bank_holidays),
        alternations={code: sorted(weeks) for code, weeks in sorted(days.alternations.items())},
        slots=[SlotOut(label=s.label, start=s.start, end=s.end) for s in days.slots],
        weeks=days.weeks(),
    )


def define_calendar(call: Call) -> CalendarOut:
    command = call.command(CalendarIn)
    call.school.define_calendar(
        first_day=command.first_day,
        last_day=command.last_day,
        holidays=[Holiday(h.label, h.first, h.last) for h in command.holidays],
        bank_holidays=command.bank_holidays,
        alternations=command.alternations,
        slots=[TimeSlot(s.label, s.start, s.end) for s in command.slots],
    )
    return get_calendar(call)


def create_lesson(call: Call) -> LessonOut:
    c = call.command(CreateLesson)
    spec = LessonSpec(
        kind=c.kind.value,
        subject_code=c.subject_code,
        subject_label=c.subject_label,
        class_code=c.class_code,
        group_code=c.group_code,
        weekday=c.weekday,
        start=c.start,
        duration=c.duration,
        room=c.room,
        teacher_ids=c.teacher_ids,
        alternation=c.alternation,
        week_dates=tuple(c.week_dates),
        exceptional=c.exceptional,
    )
    return _lesson(call.school.lesson(call.school.schedule_lesson(spec)))


def get_lesson(call: Call) -> LessonOut:
    return _lesson(call.school.lesson(call.path_id("lesson_id", "lesson")))


def reschedule_lesson(call: Call) -> LessonOut:
    c = call.command(RescheduleLesson)
    lesson_id = call.path_id("lesson_id", "lesson")
    call.school.reschedule_lesson(
        lesson_id,
        from_week=c.from_week,
        weekday=c.weekday,
        start=c.start,
        duration=c.duration,
        room=c.room,
        teacher_ids=c.teacher_ids,
    )
    return _lesson(call.school.lesson(lesson_id))


def end_lesson(call: Call) -> LessonOut:
    lesson_id = call.path_id("lesson_id", "lesson")
    call.school.end_lesson(lesson_id, call.command(EndLesson).from_week)
    return _lesson(call.school.lesson(lesson_id))


def cancel_occurrence(call: Call) -> BaseModel | None:
    lesson_id = call.path_id("lesson_id", "lesson")
    call.school.cancel_occurrence(lesson_id, call.path_date("on"), call.command(CancelOccurrence).reason)
    return None


def change_occurrence(call: Call) -> BaseModel | None:
    c = call.command(ChangeOccurrence)
    call.school.change_occurrence(
        call.path_id("lesson_id", "lesson"),
        call.path_date("on"),
        room=c.room,
        teacher_ids=c.teacher_ids,
        moved_to=c.moved_to,
        start=c.start,
        reason=c.reason,
    )
    return None


def restore_occurrence(call: Call) -> BaseModel | None:
    call.school.restore_occurrence(call.path_id("lesson_id", "lesson"), call.path_date("on"))
    return None


def timetable(call: Call) -> TimetableOut:
    week = _week(call)
    items = [
        OccurrenceOut(
            lesson_id=o.lesson_id,
            on=o.on,
            day=o.day,
            start=o.start,
            end=o.end,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            kind=o.kind,
            subject_code=o.subject_code,
            subject_label=o.subject_label,
            class_code=o.class_code,
            group_code=o.group_code,
            room=o.room,
            teachers=[TeacherRef(id=t, name=week.names.get(t, "")) for t in o.teacher_ids],
            status=o.status,
            substitute=o.substitute,
            room_changed=o.room_changed,
            reason=o.reason,
        )
        for o in week.occurrences
    ]
    return TimetableOut(kind=week.kind, key=week.key, first=week.first, last=week.last, items=items)


def timetable_ical(call: Call) -> FileOut:
    week = _week(call, default_days=None)
    name = f"Emploi du temps {week.kind} {week.key}"
    content = occurrences_to_ical(week.occurrences, calendar_name=name, names=week.names, uid_domain="cartable")
    return FileOut(content=content, media_type=ICAL, filename=f"{week.kind}-{week.key}.ics".replace("/", "-"))


def issue_feed(call: Call) -> FeedOut:
    base = call.school
    issued = base.issue_feed(call.caller, call.path["kind"], call.path["key"])
    return FeedOut(id=issued.feed_id, url=f"{base.public_url}/feeds/{base.uai}/{issued.token}")


def revoke_feed(call: Call) -> BaseModel | None:
    call.school.revoke_feed(call.caller, call.path_id("feed_id", "feed"))
    return None


def read_feed(call: Call) -> FileOut:
    """Public: the token in the address is the credential (calendar apps send no bearer token)."""
    uai = call.path["uai"]
    try:
        base = call.bases.current(uai)
    except (NotFound, InvalidValue):
        raise NotFound("no such feed") from None
    week = base.read_feed(call.path["token"])
    name = f"Emploi du temps {week.kind} {week.key}"
    content = occurrences_to_ical(week.occurrences, calendar_name=name, names=week.names, uid_domain="cartable")
    return FileOut(content=content, media_type=ICAL, filename="emploi-du-temps.ics")


def _week(call: Call, default_days: int | None = 6) -> TimetableWeek:
    """``week`` (a Monday) or ``from``/``to``; the iCalendar export defaults to the whole year."""
    base = call.school
    week = call.query_date("week")
    if week is not None and week.weekday() != 0:
        message = f"week {week.isoformat()} is not a Monday"
        raise Problem(422, "invalid-value", message, [FieldError("week", message)])
    if week is not None:
        first, last = week, week + timedelta(days=6)
    elif default_days is not None:
        start = monday_of(base.today())
        first = call.query_date("from", start) or start
        last = call.query_date("to", first + timedelta(days=default_days)) or first + timedelta(days=default_days)
    else:
        first, last = call.query_period()
    return base.timetable(call.caller, call.path["kind"], call.path["key"], first, last)


def _lesson(plan: LessonPlan) -> LessonOut:
    return LessonOut(
        id=plan.id,
        kind=plan.kind,
        subject_code=plan.subject_code,
        subject_label=plan.subject_label,
        class_code=plan.class_code,
        group_code=plan.group_code,
        alternation=plan.alternation,
        week_dates=sorted(plan.week_dates),
        exceptional=plan.exceptional,
        patterns=[
            PatternOut(
                from_week=p.from_week,
                weekday=p.weekday,
                start=p.start,
                duration=p.duration,
                room=p.room,
                teacher_ids=list(p.teacher_ids),
            )
            for p in plan.patterns
        ],
        ended_from=plan.ended_from,
    )


LESSON = "/schools/{uai}/lessons/{lesson_id}"
OCCURRENCE = LESSON + "/occurrences/{on}"
PERIOD_QUERY = {
    "week": "A Monday: that week (Monday to Sunday).",
    "from": "First day (ISO date); default this week's Monday, for iCalendar the first day of the year.",
    "to": "Last day (ISO date); default six days later, for iCalendar the last day of the year.",
}
TIMETABLE_HELP = "kind: class, group, teacher, room or student; key: the class/group code, room, or the person's id."

endpoints = [
    Endpoint(
        "GET",
        "/schools/{uai}/calendar",
        get_calendar,
        "The school calendar: first and last day, holidays, bank holidays, alternations, time slots",
        Permission.TIMETABLES_READ,
        response=CalendarOut,
        tag="timetables",
    ),
    Endpoint(
        "PUT",
        "/schools/{uai}/calendar",
        define_calendar,
        "Set the school calendar (replaced whole)",
        Permission.TIMETABLES_WRITE,
        body=CalendarIn,
        response=CalendarOut,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/lessons",
        create_lesson,
        "Plan a lesson (or a permanence, a CDI session, an exceptional lesson)",
        Permission.TIMETABLES_WRITE,
        body=CreateLesson,
        response=LessonOut,
        status=201,
        tag="timetables",
    ),
    Endpoint(
        "GET",
        LESSON,
        get_lesson,
        "A lesson and its patterns",
        Permission.TIMETABLES_READ,
        response=LessonOut,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        LESSON + "/reschedule",
        reschedule_lesson,
        "An annual change: a new day, time, room or teachers from a given week on",
        Permission.TIMETABLES_WRITE,
        body=RescheduleLesson,
        response=LessonOut,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        LESSON + "/end",
        end_lesson,
        "Remove a lesson from the timetable from a given week on",
        Permission.TIMETABLES_WRITE,
        body=EndLesson,
        response=LessonOut,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        OCCURRENCE + "/cancel",
        cancel_occurrence,
        "Cancel one occurrence (its register is withdrawn)",
        Permission.TIMETABLES_WRITE,
        body=CancelOccurrence,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        OCCURRENCE + "/change",
        change_occurrence,
        "Change one occurrence: room, substitute teacher, another day or time",
        Permission.TIMETABLES_WRITE,
        body=ChangeOccurrence,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        OCCURRENCE + "/restore",
        restore_occurrence,
        "Undo the change or cancellation of one occurrence",
        Permission.TIMETABLES_WRITE,
        tag="timetables",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/timetables/{kind}/{key}",
        timetable,
        "A timetable between two days, changes marked. " + TIMETABLE_HELP,
        Permission.TIMETABLES_READ,
        response=TimetableOut,
        query=PERIOD_QUERY,
        tag="timetables",
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/timetables/{kind}/{key}/ical",
        timetable_ical,
        "The same timetable as an iCalendar file. " + TIMETABLE_HELP,
        Permission.TIMETABLES_READ,
        query=PERIOD_QUERY,
        file=ICAL,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/timetables/{kind}/{key}/feeds",
        issue_feed,
        "An address a phone's calendar subscribes to, for this timetable (shown once). " + TIMETABLE_HELP,
        Permission.TIMETABLES_READ,
        response=FeedOut,
        status=201,
        tag="timetables",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/feeds/{feed_id}/revoke",
        revoke_feed,
        "Stop a timetable feed (its owner, or the super-administrator)",
        Permission.TIMETABLES_READ,
        tag="timetables",
    ),
    Endpoint(
        "GET",
        "/feeds/{uai}/{token}",
        read_feed,
        "A timetable feed (iCalendar), for calendar apps: the address's token is the credential",
        None,
        file=ICAL,
        tag="timetables",
    ),
]
