"""Directory use cases on real stores: rules that need the base, journaled reads, racing writers."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError

from application.base import SchoolYearBase
from application.core import MAX_ATTEMPTS
from application.directory import ChildLink
from application.errors import ConcurrencyConflict, NotFound
from application.permissions import Principal
from application.unit_of_work import UnitOfWork
from domain.errors import AlreadyExists, InvalidValue, RuleViolated
from domain.guardian import Guardian
from domain.school_class import SchoolClass
from domain.session import Session
from domain.student import Student

BIRTH = date(2012, 5, 1)


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def open_classes(base: SchoolYearBase, *codes: str) -> None:
    def command(unit: UnitOfWork) -> None:
        for code in codes:
            base.open_class(unit, code=code, label=f"Classe {code}", level="3E")

    base.execute(command)


def enrol(base: SchoolYearBase, *, ine: str | None = None, class_code: str | None = None) -> UUID:
    return base.execute(
        lambda unit: base.enrol_student(
            unit, last_name="Dupont", first_name="Zoé", birth_date=BIRTH, sex="F", ine=ine, class_code=class_code
        )
    )


def register_guardian(base: SchoolYearBase, children: tuple[UUID, ...] = ()) -> UUID:
    return base.execute(
        lambda unit: base.register_guardian(
            unit,
            last_name="Dupont",
            first_name="Claire",
            children=[ChildLink(student_id=child, relationship="MERE") for child in children],
        )
    )


def journal(base: SchoolYearBase, principal: Principal) -> list[Any]:
    """The session's events after it was opened: one per read of personal data."""
    return list(base.repository.event_store.get(principal.session_id))[1:]


def student(base: SchoolYearBase, student_id: UUID) -> Student:
    found: Student = base.repository.get(student_id)
    return found


# -- rules that need the base ---------------------------------------------------------------------


def test_enrolling_with_unknown_class_is_refused(base: SchoolYearBase) -> None:
    before = head(base)
    with pytest.raises(InvalidValue, match="'3Z' is not a class") as raised:
        enrol(base, class_code="3Z")
    assert raised.value.field == "class_code"
    assert head(base) == before


def test_enrolling_into_an_open_class_places_the_student_there(base: SchoolYearBase) -> None:
    open_classes(base, "3A")
    assert student(base, enrol(base, class_code="3A")).class_code == "3A"


def test_enrolling_the_same_ine_twice_is_refused(base: SchoolYearBase) -> None:
    enrol(base, ine="1234567890A")
    before = head(base)
    with pytest.raises(AlreadyExists) as raised:
        enrol(base, ine="1234567890a")
    assert raised.value.field == "ine"
    assert head(base) == before


def test_students_without_ine_may_share_a_name(base: SchoolYearBase) -> None:
    assert enrol(base) != enrol(base)


def test_student_born_after_today_is_refused(base: SchoolYearBase) -> None:
    with pytest.raises(InvalidValue) as raised:
        base.execute(
            lambda unit: base.enrol_student(
                unit, last_name="Futur", first_name="Noé", birth_date=date(2026, 11, 25), sex="M"
            )
        )
    assert raised.value.field == "birth_date"


def test_opening_a_class_code_twice_is_refused(base: SchoolYearBase) -> None:
    open_classes(base, "3A")
    with pytest.raises(AlreadyExists) as raised:
        open_classes(base, "3A")
    assert raised.value.field == "code"


def test_one_command_that_breaks_a_rule_writes_none_of_its_aggregates(base: SchoolYearBase) -> None:
    before = head(base)
    with pytest.raises(AlreadyExists):
        open_classes(base, "3A", "3B", "3A")
    assert head(base) == before


def test_moving_a_student_to_an_unknown_class_is_refused(base: SchoolYearBase) -> None:
    student_id = enrol(base)
    with pytest.raises(InvalidValue) as raised:
        base.execute(lambda unit: base.move_student(unit, student_id=student_id, class_code="3Z"))
    assert raised.value.field == "class_code"


def test_cannot_move_student_to_their_own_class(base: SchoolYearBase) -> None:
    open_classes(base, "3A")
    student_id = enrol(base, class_code="3A")
    with pytest.raises(RuleViolated):
        base.execute(lambda unit: base.move_student(unit, student_id=student_id, class_code="3A"))
    assert student(base, student_id).version == 1


def test_moving_an_unknown_student_is_not_found(base: SchoolYearBase) -> None:
    open_classes(base, "3A")
    with pytest.raises(NotFound):
        base.execute(lambda unit: base.move_student(unit, student_id=uuid4(), class_code="3A"))


def test_a_guardian_cannot_be_linked_to_someone_who_is_not_a_student(base: SchoolYearBase) -> None:
    guardian_id = register_guardian(base)
    with pytest.raises(InvalidValue) as raised:
        base.execute(
            lambda unit: base.link_child(
                unit, guardian_id=guardian_id, student_id=guardian_id, relationship="MERE", legal=True
            )
        )
    assert raised.value.field == "student_id"


def test_a_guardian_registered_with_an_unknown_child_is_refused_whole(base: SchoolYearBase) -> None:
    known = enrol(base)
    before = head(base)
    with pytest.raises(InvalidValue) as raised:
        register_guardian(base, children=(known, uuid4()))
    assert raised.value.field == "children[1].student_id"
    assert head(base) == before


def test_changing_a_guardians_contact_details_validates_them(base: SchoolYearBase) -> None:
    guardian_id = register_guardian(base)
    with pytest.raises(InvalidValue) as raised:
        base.execute(
            lambda unit: base.change_guardian_contact(
                unit, guardian_id=guardian_id, email="claire", phone=None, address=None
            )
        )
    assert raised.value.field == "email"


def test_a_command_returns_after_the_read_models_caught_up(base: SchoolYearBase) -> None:
    open_classes(base, "3A")
    student_id = enrol(base, class_code="3A")
    with base.reading() as connection:
        record = base.directory.get_student(connection, student_id)
    assert record is not None
    assert record.student.class_code == "3A"


def test_bulk_commits_every_size_aggregates_and_catches_up_at_the_end(base: SchoolYearBase) -> None:
    before = head(base)
    with base.bulk(size=2) as unit:
        for code in ("3A", "3B", "3C", "3D", "3E"):
            base.open_class(unit, code=code, label=code, level="3E")
        assert head(base) == before + 4  # two full batches committed, the fifth class still pending
    assert head(base) == before + 5
    with base.reading() as connection:
        assert len(base.directory.list_classes(connection)) == 5


def test_a_unit_asks_the_store_once_for_an_id_that_has_no_events(
    base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login looks at its guards twice: one query each, not two."""
    queries: list[UUID] = []
    select_events = base.recorder.select_events

    def counting(originator_id: UUID, **kwargs: Any) -> Any:
        queries.append(originator_id)
        return select_events(originator_id, **kwargs)

    monkeypatch.setattr(base.recorder, "select_events", counting)
    unit = UnitOfWork(base, read_only=True)
    missing = SchoolClass.create_id("3Z")
    assert unit.find(SchoolClass, missing) is None
    assert unit.find(SchoolClass, missing) is None
    assert queries == [missing]


def test_an_id_found_absent_is_found_once_the_unit_creates_it_even_across_a_bulk_flush(base: SchoolYearBase) -> None:
    with base.bulk(size=1) as unit:
        first = SchoolClass.create_id("3A")
        assert unit.find(SchoolClass, first) is None
        base.open_class(unit, code="3A", label="3A", level="3E")
        assert unit.find(SchoolClass, first) is not None
        base.open_class(unit, code="3B", label="3B", level="3E")  # the unit is full: 3A is committed first
        found = unit.find(SchoolClass, first)
        assert found is not None
        assert found.code == "3A"


# -- journaled reads ------------------------------------------------------------------------------


def test_each_record_read_is_journaled(base: SchoolYearBase, principal: Principal) -> None:
    student_id = enrol(base)
    guardian_id = register_guardian(base, children=(student_id,))
    base.get_student(principal, student_id)
    base.get_guardian(principal, guardian_id)
    journaled = journal(base, principal)
    assert [type(e) for e in journaled] == [Session.RecordConsulted, Session.RecordConsulted]
    assert [(e.subject_type, e.subject_id) for e in journaled] == [("student", student_id), ("guardian", guardian_id)]
    assert journaled[0].categories == ["identity", "schooling", "family"]
    assert journaled[0].purpose == "directory"


def test_teacher_and_staff_records_are_journaled(base: SchoolYearBase, principal: Principal) -> None:
    teacher = base.execute(lambda unit: base.register_teacher(unit, last_name="Curie", first_name="Marie"))
    member = base.execute(
        lambda unit: base.register_staff_member(unit, last_name="Durand", first_name="Léa", function="CPE")
    )
    base.get_teacher(principal, teacher)
    base.get_staff_member(principal, member)
    assert [(e.subject_type, e.subject_id) for e in journal(base, principal)] == [
        ("teacher", teacher),
        ("staff", member),
    ]


def test_each_list_read_is_journaled_with_its_filters_and_size(base: SchoolYearBase, principal: Principal) -> None:
    open_classes(base, "3A")
    enrol(base, class_code="3A")
    enrol(base)
    assert len(base.list_students(principal, class_code="3A")) == 1
    base.list_guardians(principal)
    base.list_teachers(principal)
    base.list_staff(principal)
    journaled = journal(base, principal)
    assert all(isinstance(e, Session.ListConsulted) for e in journaled)
    assert [(e.resource, e.filters, e.count) for e in journaled] == [
        ("students", {"class_code": "3A"}, 1),
        ("guardians", {}, 0),
        ("teachers", {}, 0),
        ("staff", {}, 0),
    ]


def test_a_record_that_does_not_exist_journals_nothing(base: SchoolYearBase, principal: Principal) -> None:
    before = head(base)
    readers: list[Callable[[Principal, UUID], object]] = [
        base.get_student,
        base.get_guardian,
        base.get_teacher,
        base.get_staff_member,
    ]
    for read in readers:
        with pytest.raises(NotFound):
            read(principal, uuid4())
    assert journal(base, principal) == []
    assert head(base) == before


def test_reads_of_a_closed_session_are_refused_and_not_served(base: SchoolYearBase, principal: Principal) -> None:
    base.execute(lambda unit: base.close_session(unit, principal))
    with pytest.raises(RuleViolated):
        base.list_students(principal)
    assert [type(e) for e in journal(base, principal)] == [Session.Closed]


# -- racing writers -------------------------------------------------------------------------------


def race(base: SchoolYearBase, commands: list[Callable[[UnitOfWork], object]]) -> list[BaseException | None]:
    """Run each command through ``execute`` in its own thread, all loading before any commits."""
    loaded = threading.Barrier(len(commands), timeout=10)
    outcomes: list[BaseException | None] = [None] * len(commands)

    def run(index: int) -> None:
        attempts = 0

        def first_load_then_wait(unit: UnitOfWork) -> object:
            nonlocal attempts
            attempts += 1
            result = commands[index](unit)
            if attempts == 1:
                loaded.wait()  # every writer has read the same version before anyone saves
            return result

        try:
            base.execute(first_load_then_wait)
        except BaseException as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_writers_moving_one_student_lose_no_update(base: SchoolYearBase) -> None:
    open_classes(base, "3A", "3B", "3C")
    student_id = enrol(base, class_code="3A")

    def move_to(code: str) -> Callable[[UnitOfWork], None]:
        return lambda unit: base.move_student(unit, student_id=student_id, class_code=code)

    outcomes = race(base, [move_to("3B"), move_to("3C")])
    assert all(outcome is None or isinstance(outcome, ConcurrencyConflict) for outcome in outcomes)
    events = list(base.repository.event_store.get(student_id))
    moves = [e.class_code for e in events if isinstance(e, Student.MovedToClass)]
    assert len(moves) == outcomes.count(None)
    assert set(moves) <= {"3B", "3C"}
    with base.reading() as connection:
        record = base.directory.get_student(connection, student_id)
    assert record is not None
    assert record.student.class_code == moves[-1] == student(base, student_id).class_code
    assert [m.class_code for m in record.class_history] == ["3A", *moves]


def test_two_writers_linking_children_to_one_guardian_lose_no_link(base: SchoolYearBase) -> None:
    first, second = enrol(base), enrol(base)
    guardian_id = register_guardian(base)

    def link(child: UUID) -> Callable[[UnitOfWork], None]:
        return lambda unit: base.link_child(
            unit, guardian_id=guardian_id, student_id=child, relationship="MERE", legal=True
        )

    outcomes = race(base, [link(first), link(second)])
    assert outcomes == [None, None]
    guardian: Guardian = base.repository.get(guardian_id)
    assert set(guardian.children) == {first, second}
    with base.reading() as connection:
        item = base.directory.get_guardian(connection, guardian_id)
    assert item is not None
    assert {child.student_id for child in item.children} == {first, second}


def test_the_second_of_two_interleaved_commits_is_a_conflict(base: SchoolYearBase) -> None:
    open_classes(base, "3A", "3B", "3C")
    student_id = enrol(base, class_code="3A")
    first, second = UnitOfWork(base), UnitOfWork(base)
    mine = first.get(Student, student_id, "student")
    theirs = second.get(Student, student_id, "student")
    mine.move_to_class("3B")
    first.commit()
    theirs.move_to_class("3C")
    with pytest.raises(IntegrityError):
        second.commit()
    assert student(base, student_id).class_code == "3B"


def test_execute_runs_a_conflicting_command_again_on_the_fresh_state(base: SchoolYearBase) -> None:
    open_classes(base, "3A", "3B", "3C")
    student_id = enrol(base, class_code="3A")
    calls = 0

    def move_while_someone_else_moves_first(unit: UnitOfWork) -> None:
        nonlocal calls
        calls += 1
        loaded = unit.get(Student, student_id, "student")
        if calls == 1:
            other = UnitOfWork(base)
            other.get(Student, student_id, "student").move_to_class("3B")
            other.commit()
        loaded.move_to_class("3C")

    base.execute(move_while_someone_else_moves_first)
    assert calls == 2
    events = list(base.repository.event_store.get(student_id))
    assert [e.class_code for e in events if isinstance(e, Student.MovedToClass)] == ["3B", "3C"]


def test_execute_gives_up_with_a_conflict_when_the_data_keeps_changing(base: SchoolYearBase) -> None:
    open_classes(base, "3A", "3B", "3C")
    student_id = enrol(base, class_code="3A")
    calls = 0

    def always_overtaken(unit: UnitOfWork) -> None:
        nonlocal calls
        calls += 1
        loaded = unit.get(Student, student_id, "student")
        other = UnitOfWork(base)
        overtaking = other.get(Student, student_id, "student")
        overtaking.move_to_class("3B" if overtaking.class_code != "3B" else "3A")
        other.commit()
        loaded.move_to_class("3C")

    with pytest.raises(ConcurrencyConflict):
        base.execute(always_overtaken)
    assert calls == MAX_ATTEMPTS
    assert "3C" not in [
        e.class_code for e in base.repository.event_store.get(student_id) if isinstance(e, Student.MovedToClass)
    ]
