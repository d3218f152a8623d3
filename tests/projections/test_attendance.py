"""The attendance read model: live updating and a rebuild give the same rows, and every query reads right.

Events are written with the domain aggregates through units of work, as the use cases do, so these
tests do not depend on how registers are generated or calls taken through the API. The scenario is a
Monday of class 3A (and its Tuesday morning), in Paris time: November, UTC+1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, select

from application.base import SchoolYearBase
from application.registry import Bases
from application.unit_of_work import UnitOfWork
from domain.absence_periods import ReasonSpan, ReasonView, StudentEntry, Summary, absent_half_days, summarize
from domain.absence_reason import DEFAULT_REASONS, AbsenceReason, ReasonFlags
from domain.attendance_file import AttendanceFile, JustificationState
from domain.register import MarkChange, MarkKind, Register, RegisterKind
from domain.school_calendar import instant
from domain.timetable import LessonKind, Occurrence, OccurrenceStatus
from projections.attendance import Attendance
from projections.engine import Projector
from tests.conftest import YEAR
from tests.projections.support import head, rebuild_from_empty_tables

Rows = dict[str, list[dict[str, Any]]]
Step = Callable[[UnitOfWork], object]
Execute = Callable[[SchoolYearBase, Step], object]

MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)
T1, T2 = (uuid5(UUID(int=0), f"teacher-{n}") for n in (1, 2))
ZOE, LEO, ANA = (uuid5(UUID(int=0), f"student-{n}") for n in ("zoe", "leo", "ana"))
CLASS = (ANA, LEO, ZOE)
REASONS = {code: ReasonView(code, label, kind, flags) for code, label, kind, flags in DEFAULT_REASONS}
ABSENT, LATE = MarkKind.ABSENT, MarkKind.LATE


def lesson_id(name: str) -> UUID:
    return uuid5(UUID(int=0), f"lesson-{name}")


def occurrence(
    name: str,
    day: date,
    start: int,
    teachers: tuple[UUID, ...],
    *,
    group_code: str | None = None,
    status: OccurrenceStatus = OccurrenceStatus.NORMAL,
) -> Occurrence:
    """A one-hour lesson of 3A (of a group, when given) starting at ``start`` o'clock in Paris."""
    return Occurrence(
        lesson_id=lesson_id(name),
        on=day,
        day=day,
        start=time(start),
        end=time(start + 1),
        kind=LessonKind.LESSON,
        subject_code=None,
        subject_label=name.title(),
        class_code=None if group_code else "3A",
        group_code=group_code,
        room="A1",
        teacher_ids=teachers,
        status=status,
    )


MATHS, MATHS_TUESDAY = occurrence("maths", MONDAY, 8, (T1,)), occurrence("maths", TUESDAY, 8, (T1,))
FRENCH, ENGLISH = occurrence("french", MONDAY, 9, (T1,)), occurrence("english", MONDAY, 10, (T2,))
HISTORY, LATIN = occurrence("history", MONDAY, 13, (T2,)), occurrence("latin", MONDAY, 14, (T2,), group_code="G1")
SPORT, ART = occurrence("sport", TUESDAY, 10, (T2,)), occurrence("art", TUESDAY, 11, (T2,))
CANTEEN = Register.create_id(None, MONDAY)


def rid(o: Occurrence) -> UUID:
    return Register.create_id(o.lesson_id, o.on)


def register(unit: UnitOfWork, register_id: UUID) -> Register:
    return unit.get(Register, register_id, "register")


def call(register_id: UUID, marks: dict[UUID, MarkKind | None], *, close: bool = True, late: int = 10) -> Step:
    changes = [MarkChange(s, kind, late if kind is LATE else None) for s, kind in marks.items()]
    return lambda unit: register(unit, register_id).take_call(changes, close=close)


def file_of(unit: UnitOfWork, student_id: UUID) -> AttendanceFile:
    found = unit.find(AttendanceFile, AttendanceFile.create_id(student_id))
    return found if found is not None else unit.create(AttendanceFile.open(student_id))


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return instant(day, time(hour, minute))


def define_reasons(unit: UnitOfWork) -> None:
    """The default reasons, those a new base does not hold already."""
    for code, label, kind, flags in DEFAULT_REASONS:
        if unit.find(AbsenceReason, AbsenceReason.create_id(code)) is None:
            unit.create(AbsenceReason.define(code=code, label=label, kind=kind.value, flags=flags))


def open_registers(unit: UnitOfWork) -> None:
    for o in (MATHS, MATHS_TUESDAY, FRENCH, ENGLISH, HISTORY, SPORT, ART):
        unit.create(Register.for_occurrence(o, list(CLASS)))
    unit.create(Register.for_occurrence(LATIN, [ZOE]))
    unit.create(Register.for_canteen(MONDAY, time(12), time(13, 30), [ZOE, LEO]))


def justify(student_id: UUID, reason: str, first: datetime, last: datetime, *, accept: bool) -> Step:
    def run(unit: UnitOfWork) -> None:
        file = file_of(unit, student_id)
        justification = file.submit_justification(
            first=first, last=last, reason_code=reason, comment="Mot des parents", guardian_id=T2
        )
        if accept:
            file.accept(justification)
        else:
            file.refuse(justification, "Pas de justificatif")

    return run


def set_reason(student_id: UUID, reason: str, first: datetime, last: datetime, *, settled: bool) -> Step:
    return lambda unit: file_of(unit, student_id).set_reason(
        first=first, last=last, reason_code=reason, comment=None, settled=settled
    )


def scenario() -> list[Step]:
    """Zoé misses the whole Monday until the Latin group; Léo is late once; Ana is marked, then corrected."""
    inconnu = REASONS["INCONNU"]
    return [
        define_reasons,
        open_registers,
        call(rid(MATHS), {ZOE: ABSENT, LEO: LATE}),
        call(rid(FRENCH), {ZOE: ABSENT}),
        call(rid(ENGLISH), {ZOE: ABSENT, ANA: ABSENT}),
        call(rid(ENGLISH), {ANA: None}),  # a correction after the call was closed
        call(CANTEEN, {ZOE: ABSENT, LEO: ABSENT}),
        call(CANTEEN, {LEO: None}),
        call(rid(HISTORY), {ZOE: ABSENT}, close=False),
        call(rid(MATHS_TUESDAY), {ZOE: ABSENT}, close=False),  # no reason: an unjustified half-day
        lambda unit: register(unit, rid(LATIN)).expect(ANA),
        call(rid(LATIN), {ANA: MarkKind.INFIRMARY}),
        lambda unit: register(unit, rid(ENGLISH)).follow(replace(ENGLISH, teacher_ids=(T1,), room="B2")),
        lambda unit: register(unit, rid(SPORT)).follow(None),
        lambda unit: register(unit, rid(ART)).follow(replace(ART, status=OccurrenceStatus.CANCELLED)),
        lambda unit: register(unit, rid(ART)).follow(ART),
        set_reason(ZOE, "MALADIE", paris(MONDAY, 7), paris(MONDAY, 12), settled=True),
        set_reason(ZOE, "CONFIDENTIEL", paris(MONDAY, 12), paris(MONDAY, 18), settled=False),
        justify(LEO, "TRANSPORT", paris(MONDAY, 7, 30), paris(MONDAY, 9), accept=True),
        justify(ANA, "MALADIE", paris(MONDAY, 8), paris(MONDAY, 18), accept=False),
        lambda unit: unit.get(AbsenceReason, AbsenceReason.create_id("INCONNU"), "reason").change(
            label="Motif à préciser", flags=inconnu.flags
        ),
    ]


def caught_up(base: SchoolYearBase, step: Step) -> object:
    """One command as the API runs it: committed, then the read models caught up."""
    return base.execute(step)


def committed(base: SchoolYearBase, step: Step) -> object:
    """One command committed with no read model running (as another process would leave it)."""
    unit = UnitOfWork(base)
    result = step(unit)
    unit.commit()
    return result


def populate(base: SchoolYearBase, execute: Execute = caught_up) -> None:
    for step in scenario():
        execute(base, step)


def dump(engine: Engine) -> Rows:
    """Every attendance table, each sorted by its primary key."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Attendance.tables()
        }


def projector(base: SchoolYearBase) -> Projector:
    return base.projectors[Attendance.name]


def attendance_events(base: SchoolYearBase) -> int:
    return len(base.recorder.select_notifications(start=1, limit=1_000_000, topics=Attendance.topics()))


class AttendanceContract:
    """The scenario every backend must pass; subclasses choose the backend."""

    def test_rebuild_gives_the_rows_that_live_updating_built(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        assert all(live.values()), "the scenario must fill every table"
        rebuilt = projector(base).rebuild()
        assert (rebuilt.events, rebuilt.rows_changed) == (attendance_events(base), 0)
        assert dump(base.views) == live
        rebuild_from_empty_tables(projector(base))
        assert dump(base.views) == live
        status = projector(base).status()
        assert (status.projection, status.position) == ("attendance", head(base))

    def test_catching_up_in_small_pages_gives_the_rows_of_a_rebuild(self, base: SchoolYearBase) -> None:
        populate(base, committed)
        current = projector(base)
        assert Projector(current.projection, base.views, current.log, batch_size=3).catch_up() > 0
        caught = dump(base.views)
        current.rebuild()
        assert dump(base.views) == caught

    def test_a_register_shows_its_current_teachers_and_every_students_mark(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            english = Attendance.register(connection, rid(ENGLISH))
            latin = Attendance.register(connection, rid(LATIN))
            unknown = Attendance.register(connection, uuid5(UUID(int=0), "nothing"))
        assert english is not None and latin is not None and unknown is None
        assert (english.teacher_ids, english.room, english.closed, english.subject_label) == (
            (T1,),
            "B2",
            True,
            "English",
        )
        assert (english.day, english.start, english.end, english.kind) == (
            MONDAY,
            time(10),
            time(11),
            RegisterKind.LESSON,
        )
        assert english.starts_at == datetime(2026, 11, 23, 9, tzinfo=UTC)
        assert {s.student_id: s.mark for s in english.students} == {ANA: None, LEO: None, ZOE: ABSENT}
        assert (english.expected, english.absent) == (3, 1)
        assert [(s.student_id, s.mark) for s in latin.students] == sorted(
            [(ANA, MarkKind.INFIRMARY), (ZOE, None)], key=lambda pair: str(pair[0])
        )
        assert (latin.class_code, latin.group_code) == (None, "G1")

    def test_a_days_registers_by_start_for_a_teacher_or_a_class(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            monday = Attendance.registers(connection, day=MONDAY)
            of_t1 = Attendance.registers(connection, day=MONDAY, teacher_id=T1)
            of_t2 = Attendance.registers(connection, day=MONDAY, teacher_id=T2)
            of_3a = Attendance.registers(connection, day=MONDAY, class_code="3A")
            tuesday = Attendance.registers(connection, day=TUESDAY)
        assert [r.subject_label for r in monday] == ["Maths", "French", "English", "Cantine", "History", "Latin"]
        assert [r.subject_label for r in of_t1] == ["Maths", "French", "English"]  # English moved to T1
        assert [r.subject_label for r in of_t2] == ["History", "Latin"]
        assert [r.subject_label for r in of_3a] == ["Maths", "French", "English", "History"]
        assert [(r.subject_label, r.withdrawn) for r in tuesday] == [("Maths", False), ("Sport", True), ("Art", False)]
        canteen = monday[3]
        assert (canteen.id, canteen.kind, canteen.lesson_id, canteen.teacher_ids) == (
            CANTEEN,
            RegisterKind.CANTEEN,
            None,
            (),
        )

    def test_a_lessons_registers_from_a_day_on(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            every = Attendance.registers_of_lesson(connection, lesson_id("maths"), MONDAY)
            later = Attendance.registers_of_lesson(connection, lesson_id("maths"), TUESDAY)
            none = Attendance.registers_of_lesson(connection, lesson_id("maths"), TUESDAY + timedelta(days=1))
        assert [r.id for r in every] == [rid(MATHS), rid(MATHS_TUESDAY)]
        assert ([r.id for r in later], none) == ([rid(MATHS_TUESDAY)], [])

    def test_calls_not_taken_after_the_grace_time_are_listed_per_teacher(self, base: SchoolYearBase) -> None:
        populate(base)

        def not_taken(at: datetime, **grace: int) -> dict[UUID, list[str]]:
            with base.reading() as connection:
                found = Attendance.not_taken(connection, at=at, **grace)
            return {teacher: [f"{r.day:%a} {r.subject_label}" for r in items] for teacher, items in found.items()}

        assert not_taken(paris(MONDAY, 13, 14)) == {}  # History started 14 minutes ago
        assert not_taken(paris(MONDAY, 13, 15)) == {T2: ["Mon History"]}
        assert not_taken(paris(TUESDAY, 8, 10)) == {T2: ["Mon History"]}
        assert not_taken(paris(TUESDAY, 8, 10), grace_minutes=5) == {T1: ["Tue Maths"], T2: ["Mon History"]}
        assert not_taken(paris(TUESDAY, 12)) == {T1: ["Tue Maths"], T2: ["Mon History", "Tue Art"]}  # not Sport
        assert not_taken(paris(MONDAY + timedelta(days=8), 8)) == {T1: ["Tue Maths"], T2: ["Tue Art"]}
        assert not_taken(paris(MONDAY + timedelta(days=8), 8).astimezone(UTC)) == not_taken(
            paris(MONDAY + timedelta(days=8), 8)
        )

    def test_a_students_summary_gives_periods_reasons_and_half_days(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            zoe = Attendance.student_summary(connection, ZOE, MONDAY, TUESDAY)
            zoe_family = Attendance.student_summary(connection, ZOE, MONDAY, TUESDAY, published_only=True)
            leo = Attendance.student_summary(connection, LEO, MONDAY, TUESDAY)
            ana = Attendance.student_summary(connection, ANA, MONDAY, TUESDAY)
            tuesday_only = Attendance.student_summary(connection, ZOE, TUESDAY, TUESDAY)
        period, tuesday = zoe.periods  # Maths to History; the Latin group (present) ends it
        assert period.register_ids == (rid(MATHS), rid(FRENCH), rid(ENGLISH), rid(HISTORY))
        assert (period.first, period.last) == (paris(MONDAY, 8), paris(MONDAY, 14))
        assert [lesson.reason for lesson in period.lessons] == [REASONS["MALADIE"]] * 3 + [REASONS["CONFIDENTIEL"]]
        assert (period.reason, period.justified, period.settled, period.counts) == (None, True, False, True)
        assert (tuesday.register_ids, tuesday.reason, tuesday.justified) == ((rid(MATHS_TUESDAY),), None, False)
        assert (zoe.absence_half_days, zoe.justified_half_days, zoe.absence_minutes) == (3, 2, 300)
        assert zoe_family.periods[0].lessons[3].reason is None and zoe_family.figures() == zoe.figures()
        [late] = leo.latenesses
        assert (late.register_id, late.minutes, late.reason, late.justified) == (
            rid(MATHS),
            10,
            REASONS["TRANSPORT"],
            True,
        )
        assert (leo.lateness_count, leo.unjustified_lateness, leo.periods) == (1, 0, ())
        assert (ana.periods, ana.latenesses, ana.absence_half_days) == ((), (), 0)
        assert (tuesday_only.periods, tuesday_only.unjustified_half_days) == ((tuesday,), 1)

    def test_canteen_absences_are_counted_apart(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            counts = [Attendance.canteen_absences(connection, s, MONDAY, TUESDAY) for s in (ZOE, LEO, ANA)]
            other_days = Attendance.canteen_absences(connection, ZOE, TUESDAY, TUESDAY)
        assert (counts, other_days) == ([1, 0, 0], 0)

    def test_a_class_day_by_day_and_student_by_student(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            days = Attendance.class_daily(connection, "3A", MONDAY, TUESDAY)
            students = Attendance.class_summary(connection, "3A", MONDAY, TUESDAY)
            nobody = Attendance.class_summary(connection, "4B", MONDAY, TUESDAY)
        assert [(d.day, d.morning_absent, d.afternoon_absent, d.latenesses) for d in days] == [
            (MONDAY, 1, 1, 1),
            (TUESDAY, 1, 0, 0),  # an unjustified half-day counts as well
        ]
        assert [(d.registers_taken, d.registers_expected) for d in days] == [(3, 4), (0, 2)]
        figures = {s.student_id: s.figures for s in students}
        assert list(figures) == sorted(CLASS, key=str)
        zoe, leo, ana = figures[ZOE], figures[LEO], figures[ANA]
        assert (zoe.absence_half_days, zoe.unjustified_half_days, leo.lateness_minutes, ana.absence_minutes) == (
            3,
            1,
            10,
            0,
        )
        assert nobody == []

    def test_justifications_and_reasons(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            every = Attendance.justifications(connection)
            pending = Attendance.justifications(connection, state="pending")
            no_such_state = Attendance.justifications(connection, state="lost")
            of_ana = Attendance.justifications(connection, student_id=ANA, state=JustificationState.REFUSED)
            reasons = Attendance.reasons(connection)
            inconnu = Attendance.reason(connection, "INCONNU")
            missing = Attendance.reason(connection, "NOPE")
        assert [(j.student_id, j.state) for j in every] == [
            (ANA, JustificationState.REFUSED),
            (LEO, JustificationState.ACCEPTED),
        ]
        refused, accepted = every
        assert (refused.decided_comment, refused.reason_code, refused.guardian_id) == (
            "Pas de justificatif",
            "MALADIE",
            T2,
        )
        assert (accepted.first, accepted.last, accepted.comment) == (
            paris(MONDAY, 7, 30),
            paris(MONDAY, 9),
            "Mot des parents",
        )
        assert accepted.decided_at is not None and accepted.decided_at >= accepted.submitted_at
        assert (pending, no_such_state, of_ana) == ([], [], [refused])
        assert len(reasons) == len(DEFAULT_REASONS)
        assert [r.kind.value for r in reasons] == sorted(r.kind.value for r in reasons)
        assert inconnu == replace(REASONS["INCONNU"], label="Motif à préciser")
        assert missing is None
        assert REASONS["SORTIE"].flags == ReasonFlags(counts_as_absence=False, justified=True)


class TestAttendanceOnSqlite(AttendanceContract):
    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"


@pytest.mark.postgres
class TestAttendanceOnPostgres(AttendanceContract):
    @pytest.fixture
    def backend(self) -> str:
        return "postgres"


del AttendanceContract


# -- any calls: the figures read are those the rules compute from the marks -----------------------

SLOT_HOURS = (8, 9, 10, 13, 14)
MACHINE_REASONS = ("MALADIE", "SORTIE", "INCONNU", "CONFIDENTIEL")
CALL_MARKS = st.sampled_from([None, None, ABSENT, ABSENT, LATE, MarkKind.EXCLUDED, MarkKind.INFIRMARY])


@dataclass
class ModelRegister:
    occurrence: Occurrence
    expected: set[UUID]
    marks: dict[UUID, tuple[MarkKind, int | None]] = field(default_factory=dict)
    closed: bool = False
    withdrawn: bool = False

    def entry(self, student_id: UUID) -> StudentEntry:
        o = self.occurrence
        kind, minutes = self.marks.get(student_id, (None, None))
        return StudentEntry(rid(o), o.day, o.start, o.end, self.closed, kind, minutes)


class CallsMachine(RuleBasedStateMachine):
    """Registers opened, called, corrected, closed, withdrawn; reasons set: the projection follows.

    Each example uses new lessons and students, so one base serves them all.
    """

    def __init__(self, base: SchoolYearBase) -> None:
        super().__init__()
        self.base = base
        self.students = [uuid4(), uuid4()]
        self.class_code = f"C{uuid4().hex[:8]}"  # every register of the example is this class's
        self.registers: list[ModelRegister] = []
        self.spans: dict[UUID, list[ReasonSpan]] = {s: [] for s in self.students}

    def _register(self, data: st.DataObject) -> ModelRegister | None:
        return data.draw(st.sampled_from(self.registers)) if self.registers else None

    @rule(day=st.sampled_from([MONDAY, TUESDAY]), hour=st.sampled_from(SLOT_HOURS), both=st.booleans())
    def open_register(self, day: date, hour: int, both: bool) -> None:
        o = replace(occurrence("x", day, hour, (T1,)), lesson_id=uuid4(), class_code=self.class_code)
        expected = self.students if both else self.students[:1]
        self.base.execute(lambda unit: unit.create(Register.for_occurrence(o, expected)))
        self.registers.append(ModelRegister(o, set(expected)))

    @rule(
        data=st.data(),
        marks=st.lists(st.tuples(st.integers(0, 1), CALL_MARKS, st.integers(1, 20)), max_size=3),
        close=st.booleans(),
    )
    def take_call(self, data: st.DataObject, marks: list[tuple[int, MarkKind | None, int]], close: bool) -> None:
        chosen = self._register(data)
        if chosen is None or chosen.withdrawn:
            return
        lines = {self.students[i]: (kind, minutes if kind is LATE else None) for i, kind, minutes in marks}
        changes = [MarkChange(s, kind, minutes) for s, (kind, minutes) in lines.items() if s in chosen.expected]
        self.base.execute(lambda unit: register(unit, rid(chosen.occurrence)).take_call(changes, close=close))
        for change in changes:
            if change.kind is None:
                chosen.marks.pop(change.student_id, None)
            else:
                chosen.marks[change.student_id] = (change.kind, change.minutes)
        chosen.closed |= close

    @rule(data=st.data())
    def correct_a_mark(self, data: st.DataObject) -> None:
        """The student was there after all: a mark cleared, before or after the call was closed."""
        marked = [(r, s) for r in self.registers if not r.withdrawn for s in sorted(r.marks, key=str)]
        if marked:
            chosen, student = data.draw(st.sampled_from(marked))
            self.base.execute(call(rid(chosen.occurrence), {student: None}, close=False))
            del chosen.marks[student]

    @rule(data=st.data())
    def expect_second_student(self, data: st.DataObject) -> None:
        chosen, student = self._register(data), self.students[1]
        if chosen is not None and student not in chosen.expected:
            self.base.execute(lambda unit: register(unit, rid(chosen.occurrence)).expect(student))
            chosen.expected.add(student)

    @rule(data=st.data())
    def withdraw_or_reinstate(self, data: st.DataObject) -> None:
        chosen = self._register(data)
        if chosen is not None:
            planned = chosen.occurrence if chosen.withdrawn else None
            self.base.execute(lambda unit: register(unit, rid(chosen.occurrence)).follow(planned))
            chosen.withdrawn = not chosen.withdrawn

    @rule(
        student=st.integers(0, 1),
        day=st.sampled_from([MONDAY, TUESDAY]),
        hours=st.tuples(st.integers(7, 15), st.integers(1, 30)),
        code=st.sampled_from(MACHINE_REASONS),
        settled=st.booleans(),
    )
    def set_reason(self, student: int, day: date, hours: tuple[int, int], code: str, settled: bool) -> None:
        first = paris(day, hours[0])
        last = first + timedelta(hours=hours[1])
        student_id = self.students[student]
        self.base.execute(set_reason(student_id, code, first, last, settled=settled))
        self.spans[student_id].append(ReasonSpan(first, last, REASONS[code], settled))

    def entries(self, student_id: UUID) -> list[StudentEntry]:
        return [r.entry(student_id) for r in self.registers if student_id in r.expected and not r.withdrawn]

    def summaries(self, *, published_only: bool = False) -> dict[UUID, Summary]:
        """What the rules make of the model's marks, for each student."""
        return {s: summarize(self.entries(s), self.spans[s], published_only=published_only) for s in self.students}

    @invariant()
    def figures_are_those_of_the_marks(self) -> None:
        summaries, families = self.summaries(), self.summaries(published_only=True)
        with self.base.reading() as connection:
            for s in self.students:
                assert Attendance.student_summary(connection, s, MONDAY, TUESDAY) == summaries[s]
                assert Attendance.student_summary(connection, s, MONDAY, TUESDAY, published_only=True) == families[s]
            students = Attendance.class_summary(connection, self.class_code, MONDAY, TUESDAY)
            days = Attendance.class_daily(connection, self.class_code, MONDAY, TUESDAY)
        in_class = {s for r in self.registers if not r.withdrawn for s in r.expected}
        assert {s.student_id: s.figures for s in students} == {s: summaries[s].figures() for s in in_class}
        absent = Counter(half_day for s in in_class for half_day in absent_half_days(summaries[s].periods))
        assert {(d.day, 0): d.morning_absent for d in days if d.morning_absent} == {
            half_day: n for half_day, n in absent.items() if half_day[1] == 0
        }
        assert sum(d.afternoon_absent for d in days) == sum(n for half_day, n in absent.items() if half_day[1] == 1)


def test_any_calls_and_corrections_give_the_figures_the_rules_compute(
    sqlite_bases: Bases, uai_factory: Callable[[], str]
) -> None:
    base, _ = sqlite_bases.create(uai_factory(), YEAR, "École des Tilleuls")
    base.execute(define_reasons)

    class OnThisBase(CallsMachine):
        def __init__(self) -> None:
            super().__init__(base)

    run_state_machine_as_test(OnThisBase, settings=settings(max_examples=40, stateful_step_count=15, deadline=None))
