"""The timetables read model: live updating and a rebuild give the same rows, and weeks read right.

Events are written with the domain aggregates through units of work, as the use cases will, so
these tests do not depend on how the timetable is imported or edited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest
from sqlalchemy import Engine, select

from application.base import SchoolYearBase
from application.unit_of_work import UnitOfWork
from domain.lesson import Lesson
from domain.school_calendar import CalendarDays, Holiday, SchoolCalendar, TimeSlot, monday_of
from domain.teaching_group import TeachingGroup
from domain.timetable import Occurrence, OccurrenceStatus
from projections.engine import Projector
from projections.timetables import Timetables, occurrences
from tests.projections.support import head, rebuild_from_empty_tables

Rows = dict[str, list[dict[str, Any]]]
Step = Callable[[UnitOfWork], object]

MARIE, PAUL, LEA, ANNE = (uuid5(UUID(int=0), f"teacher-{n}") for n in ("marie", "paul", "lea", "anne"))
FIRST_DAY, LAST_DAY = date(2026, 9, 1), date(2027, 7, 3)
HOLIDAYS = [
    Holiday("Toussaint", date(2026, 10, 17), date(2026, 11, 1)),
    Holiday("Noël", date(2026, 12, 19), date(2027, 1, 3)),
]
ARMISTICE = date(2026, 11, 11)  # a Wednesday
WEEKS = [monday_of(FIRST_DAY) + timedelta(weeks=n) for n in range(44)]  # WEEKS[9] is "week 10"
SCHOOL_WEEKS = [w for w in WEEKS if not any(h.first <= w + timedelta(days=4) and w <= h.last for h in HOLIDAYS)]
A_WEEKS, B_WEEKS = SCHOOL_WEEKS[0::2], SCHOOL_WEEKS[1::2]
SLOTS = [TimeSlot("M1", time(8), time(8, 55)), TimeSlot("M2", time(9), time(9, 55))]

MATHS, LATIN, ENGLISH, HISTORY, OUTING, STUDY = (
    Lesson.create_id(key) for key in ("maths-3A", "latin-G1", "english-G2", "history-3B", "outing-3A", "perm")
)


def dump(engine: Engine) -> Rows:
    """Every timetables table, each sorted by its primary key."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Timetables.tables()
        }


def timetable_events(base: SchoolYearBase) -> list[int]:
    """The notification ids of the events the timetables read."""
    notifications = base.recorder.select_notifications(start=1, limit=1_000_000, topics=Timetables.topics())
    return [n.id for n in notifications]


def projector(base: SchoolYearBase) -> Projector:
    return base.projectors[Timetables.name]


def calendar_of(unit: UnitOfWork) -> CalendarDays:
    return unit.get(SchoolCalendar, SchoolCalendar.create_id(), "calendar").days


def lesson(unit: UnitOfWork, lesson_id: UUID) -> Lesson:
    return unit.get(Lesson, lesson_id, "lesson")


def schedule(key: str, **values: Any) -> Step:
    defaults: dict[str, Any] = {"kind": "lesson", "subject_label": None, "class_code": None, "group_code": None}
    return lambda unit: unit.create(Lesson.schedule(source_key=key, **{**defaults, **values}))


def define_calendar(unit: UnitOfWork) -> None:
    """A first calendar without Christmas holidays nor bank holidays (changed by :func:`change_calendar`)."""
    alternations = {"A": A_WEEKS, "B": B_WEEKS}
    unit.create(
        SchoolCalendar.define(
            first_day=FIRST_DAY,
            last_day=LAST_DAY,
            holidays=HOLIDAYS[:1],
            bank_holidays=[],
            alternations=alternations,
            slots=SLOTS[:1],
        )
    )


def change_calendar(unit: UnitOfWork) -> None:
    unit.get(SchoolCalendar, SchoolCalendar.create_id(), "calendar").change(
        first_day=FIRST_DAY,
        last_day=LAST_DAY,
        holidays=HOLIDAYS,
        bank_holidays=[ARMISTICE],
        alternations={"A": A_WEEKS, "B": B_WEEKS},
        slots=SLOTS,
    )


def scenario() -> list[Step]:
    """A calendar defined then changed; six lessons; annual, one-week and group changes."""
    t = {"duration": 55}
    return [
        define_calendar,
        lambda unit: unit.create(TeachingGroup.open(code="G1", label="Latin", class_codes=["3A"])),
        lambda unit: unit.create(TeachingGroup.open(code="G2", label=None, class_codes=["3B"])),
        lambda unit: unit.get(TeachingGroup, TeachingGroup.create_id("G2"), "group").change_classes(["3A", "3B"]),
        schedule(
            "maths-3A",
            subject_code="MATHS",
            class_code="3A",
            weekday=1,
            start="08:00",
            room="101",
            teacher_ids=[MARIE],
            alternation="H",
            **t,
        ),
        schedule(
            "latin-G1",
            subject_code="LATIN",
            subject_label="Latin",
            group_code="G1",
            weekday=2,
            start="10:00",
            room="204",
            teacher_ids=[PAUL],
            alternation="A",
            **t,
        ),
        schedule(
            "english-G2",
            subject_code="ANG",
            group_code="G2",
            weekday=4,
            start="14:00",
            room="B12",
            teacher_ids=[PAUL],
            alternation="B",
            **t,
        ),
        schedule(
            "history-3B",
            subject_code="HG",
            class_code="3B",
            weekday=5,
            start="09:00",
            room="101",
            teacher_ids=[LEA],
            alternation="H",
            **t,
        ),
        schedule(
            "outing-3A",
            subject_code="SORTIE",
            class_code="3A",
            weekday=3,
            start="09:00",
            duration=120,
            room=None,
            teacher_ids=[MARIE, LEA],
            week_dates=[date(2026, 11, 23)],
            exceptional=True,
        ),
        schedule(
            "perm",
            kind="permanence",
            subject_code=None,
            weekday=3,
            start="10:00",
            room="Perm",
            teacher_ids=[],
            alternation="H",
            **t,
        ),
        lambda unit: lesson(unit, MATHS).reschedule(
            from_week=WEEKS[9], weekday=2, start="09:00", room="102", teacher_ids=[MARIE], **t
        ),
        lambda unit: lesson(unit, MATHS).reschedule(
            from_week=WEEKS[19], weekday=4, start="08:00", room="103", teacher_ids=[MARIE], **t
        ),
        lambda unit: lesson(unit, MATHS).reschedule(  # supersedes the change from week 20
            from_week=WEEKS[14], weekday=5, start="11:00", room="104", teacher_ids=[MARIE], **t
        ),
        lambda unit: lesson(unit, HISTORY).end(WEEKS[19]),
        change_calendar,
        lambda unit: lesson(unit, MATHS).cancel_occurrence(date(2026, 9, 7), "Sortie scolaire", calendar_of(unit)),
        lambda unit: lesson(unit, MATHS).change_occurrence(
            date(2026, 9, 14), calendar_of(unit), room="201", teacher_ids=[ANNE]
        ),
        lambda unit: lesson(unit, MATHS).change_occurrence(
            date(2026, 9, 21), calendar_of(unit), moved_to=date(2026, 9, 30), start="13:00", reason="Conseil"
        ),
        lambda unit: lesson(unit, MATHS).change_occurrence(date(2026, 9, 28), calendar_of(unit), room="300"),
        lambda unit: lesson(unit, MATHS).restore_occurrence(date(2026, 9, 28)),
        lambda unit: lesson(unit, LATIN).change_occurrence(date(2026, 9, 1), calendar_of(unit), room="205"),
        lambda unit: lesson(unit, LATIN).cancel_occurrence(date(2026, 9, 1), None, calendar_of(unit)),
    ]


def write_live(base: SchoolYearBase) -> None:
    """The scenario one command at a time, as the API runs it (the read models caught up after each)."""
    for step in scenario():
        base.execute(step)


def write_then_catch_up(base: SchoolYearBase) -> None:
    """The scenario committed with no read model running, then one catch-up over all of it."""
    for step in scenario():
        unit = UnitOfWork(base)
        step(unit)
        unit.commit()
    projector(base).catch_up()


def week(base: SchoolYearBase, monday: date, **filters: Any) -> list[Occurrence]:
    """The occurrences of one week (Monday to Saturday) of the lessons ``filters`` select."""
    exact = {k: v for k, v in filters.items() if k in ("teacher_id", "room")}
    with base.reading() as connection:
        calendar = Timetables.calendar(connection)
        plans = Timetables.plans(connection, **filters)
    assert calendar is not None
    return occurrences(plans, calendar, monday, monday + timedelta(days=5), **exact)


def seen(found: list[Occurrence]) -> list[tuple[str | None, date, time]]:
    return [(o.subject_code, o.day, o.start) for o in found]


class TimetablesContract:
    """What every backend must pass; subclasses choose the backend."""

    def test_rebuild_gives_the_rows_that_live_updating_built(self, base: SchoolYearBase) -> None:
        write_live(base)
        live = dump(base.views)
        assert all(live.values()), "the scenario must fill every table"
        rebuilt = projector(base).rebuild()
        assert (rebuilt.events, rebuilt.rows_changed) == (len(timetable_events(base)), 0)
        assert dump(base.views) == live
        rebuild_from_empty_tables(projector(base))
        assert dump(base.views) == live
        assert projector(base).status().position == head(base)

    def test_one_catch_up_and_small_pages_give_the_same_rows(self, base: SchoolYearBase) -> None:
        write_then_catch_up(base)
        once = dump(base.views)
        small = Projector(Timetables(), base.views, projector(base).log, batch_size=2)
        small.rebuild()
        assert dump(base.views) == once
        projector(base).rebuild()
        assert dump(base.views) == once

    def test_plans_and_calendar_are_the_aggregates(self, base: SchoolYearBase) -> None:
        write_live(base)
        unit = UnitOfWork(base)
        with base.reading() as connection:
            assert Timetables.calendar(connection) == calendar_of(unit)
            for lesson_id in (MATHS, LATIN, ENGLISH, HISTORY, OUTING, STUDY):
                assert Timetables.lesson_plan(connection, lesson_id) == lesson(unit, lesson_id).plan()
            assert len(Timetables.all_plans(connection)) == 6
            assert Timetables.lesson_plan(connection, UUID(int=0)) is None
            ended = {lesson_id: lesson_id == HISTORY for lesson_id in (MATHS, LATIN, ENGLISH, HISTORY, OUTING, STUDY)}
            assert Timetables.imported_lessons(connection) == ended
            assert Timetables.rooms(connection) == [
                "101",
                "102",
                "103",
                "104",
                "201",
                "204",
                "205",
                "300",
                "B12",
                "Perm",
            ]
        maths = lesson(unit, MATHS).plan()
        assert [p.from_week for p in maths.patterns] == [None, WEEKS[9], WEEKS[14]]

    def test_nothing_is_read_before_the_calendar_and_lessons_exist(self, base: SchoolYearBase) -> None:
        with base.reading() as connection:
            assert Timetables.calendar(connection) is None
            assert Timetables.all_plans(connection) == []

    def test_a_class_week_includes_its_groups_lessons(self, base: SchoolYearBase) -> None:
        write_live(base)
        with base.reading() as connection:
            assert Timetables.groups_of_class(connection, "3A") == ["G1", "G2"]
            assert Timetables.groups_of_class(connection, "3B") == ["G2"]
            class_3a = {p.id for p in Timetables.plans(connection, class_code="3A")}
            own = {p.id for p in Timetables.plans(connection, class_code="3A", class_groups=False)}
            student = {
                p.id for p in Timetables.plans(connection, class_code="3A", group_codes=["G1"], class_groups=False)
            }
        assert class_3a == {MATHS, LATIN, ENGLISH, OUTING}
        assert own == {MATHS, OUTING}
        assert student == {MATHS, OUTING, LATIN}
        assert seen(week(base, date(2026, 10, 5), class_code="3A")) == [  # a B week
            ("MATHS", date(2026, 10, 5), time(8)),
            ("ANG", date(2026, 10, 8), time(14)),
        ]
        assert seen(week(base, date(2026, 9, 28), class_code="3A")) == [  # an A week, with a moved occurrence
            ("MATHS", date(2026, 9, 28), time(8)),
            ("LATIN", date(2026, 9, 29), time(10)),
            ("MATHS", date(2026, 9, 30), time(13)),
        ]

    def test_alternations_give_each_lesson_its_weeks(self, base: SchoolYearBase) -> None:
        write_live(base)
        for monday in SCHOOL_WEEKS[2:8]:
            subjects = {o.subject_code for o in week(base, monday, group_codes=["G1", "G2"])}
            assert subjects == ({"LATIN"} if monday in A_WEEKS else {"ANG"})

    def test_holidays_and_bank_holidays_have_no_lessons(self, base: SchoolYearBase) -> None:
        write_live(base)
        assert week(base, date(2026, 10, 19)) == week(base, date(2026, 10, 26)) == []
        wednesdays = [o.day for o in week(base, date(2026, 11, 9), lesson_ids=[STUDY])]
        assert wednesdays == []  # 11 November
        assert [o.day for o in week(base, date(2026, 11, 16), lesson_ids=[STUDY])] == [date(2026, 11, 18)]

    def test_an_annual_change_applies_from_its_week_on(self, base: SchoolYearBase) -> None:
        write_live(base)

        def maths(monday: date) -> list[tuple[date, time, str | None]]:
            return [(o.day, o.start, o.room) for o in week(base, monday, lesson_ids=[MATHS])]

        assert maths(WEEKS[6]) == [(WEEKS[6], time(8), "101")]  # weeks 8 and 9 are the holidays
        assert maths(WEEKS[9]) == [(WEEKS[9] + timedelta(days=1), time(9), "102")]
        assert maths(WEEKS[14]) == [(WEEKS[14] + timedelta(days=4), time(11), "104")]
        assert maths(WEEKS[19]) == [(WEEKS[19] + timedelta(days=4), time(11), "104")]  # week 20's was superseded

    def test_a_teachers_week_includes_a_substitution_and_not_the_substituted(self, base: SchoolYearBase) -> None:
        write_live(base)
        monday = date(2026, 9, 14)
        (substitution,) = week(base, monday, teacher_id=ANNE)
        assert (substitution.lesson_id, substitution.day, substitution.room) == (MATHS, monday, "201")
        assert substitution.substitute and substitution.room_changed
        assert week(base, monday, teacher_id=MARIE) == []
        assert [o.subject_code for o in week(base, date(2026, 9, 21), teacher_id=ANNE)] == []

    def test_a_room_week_holds_only_what_takes_place_there(self, base: SchoolYearBase) -> None:
        write_live(base)
        monday = date(2026, 9, 14)
        assert seen(week(base, monday, room="201")) == [("MATHS", monday, time(8))]
        assert seen(week(base, monday, room="101")) == [("HG", date(2026, 9, 18), time(9))]

    def test_a_moved_occurrence_appears_on_its_new_day_only(self, base: SchoolYearBase) -> None:
        write_live(base)
        assert week(base, date(2026, 9, 21), lesson_ids=[MATHS]) == []
        regular, moved = week(base, date(2026, 9, 28), lesson_ids=[MATHS])
        assert (regular.day, regular.status, regular.room) == (date(2026, 9, 28), OccurrenceStatus.NORMAL, "101")
        assert (moved.on, moved.day, moved.start, moved.end) == (
            date(2026, 9, 21),
            date(2026, 9, 30),
            time(13),
            time(13, 55),
        )
        assert (moved.status, moved.reason) == (OccurrenceStatus.MOVED, "Conseil")

    def test_cancelled_ended_and_exceptional_occurrences(self, base: SchoolYearBase) -> None:
        write_live(base)
        (cancelled,) = week(base, date(2026, 9, 7), lesson_ids=[MATHS])
        assert (cancelled.status, cancelled.reason) == (OccurrenceStatus.CANCELLED, "Sortie scolaire")
        (latin,) = week(base, date(2026, 8, 31), lesson_ids=[LATIN])
        assert (latin.status, latin.room) == (OccurrenceStatus.CANCELLED, "204")  # the cancellation replaced the room
        assert [o.day for o in week(base, WEEKS[18], lesson_ids=[HISTORY])] == [WEEKS[18] + timedelta(days=4)]
        assert week(base, WEEKS[19], lesson_ids=[HISTORY]) == []
        outing = week(base, date(2026, 11, 23), class_code="3A")
        assert [(o.subject_code, o.status) for o in outing] == [
            ("MATHS", OccurrenceStatus.NORMAL),
            ("LATIN", OccurrenceStatus.NORMAL),
            ("SORTIE", OccurrenceStatus.EXCEPTIONAL),
        ]


class TestTimetablesOnSqlite(TimetablesContract):
    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"


@pytest.mark.postgres
class TestTimetablesOnPostgres(TimetablesContract):
    @pytest.fixture
    def backend(self) -> str:
        return "postgres"


del TimetablesContract
