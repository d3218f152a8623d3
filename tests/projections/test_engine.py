"""The projection engine: exactly once, resumable, rows and position committed together."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.base import SchoolYearBase
from application.permissions import Principal
from application.registry import Bases
from application.unit_of_work import UnitOfWork
from domain.student import Student
from projections import engine, tracking
from projections.batch import RowBatch
from projections.directory import Directory
from projections.directory_tables import classes, students
from projections.engine import EventLog, Projector
from tests.projections.support import (
    directory_event_ids,
    directory_projector,
    dump,
    head,
    populate,
    rebuild_from_empty_tables,
    write_without_catching_up,
)


class Crash(Exception):
    """Stands for a process dying half-way."""


def crash(*_: Any) -> None:
    raise Crash


def event_log(base: SchoolYearBase) -> EventLog:
    return EventLog(application_name=base.name, recorder=base.recorder, mapper=base.mapper)


class EngineContract:
    def test_catch_up_applies_what_was_written_then_nothing_more(self, base: SchoolYearBase) -> None:
        start = head(base)  # the base's creation is applied already (its super-admin's account)
        write_without_catching_up(base, 5)
        projector = directory_projector(base)
        assert projector.catch_up() == len(directory_event_ids(base, after=start))
        rows = dump(base.views)
        assert len(rows["directory_students"]) == 5
        assert projector.catch_up() == 0
        assert dump(base.views) == rows

    def test_status_reports_position_head_and_how_far_behind(self, base: SchoolYearBase) -> None:
        projector = directory_projector(base)
        start = projector.status()
        assert (start.projection, start.position, start.head, start.behind) == ("directory", head(base), head(base), 0)
        write_without_catching_up(base, 2)
        lagging = projector.status()
        assert lagging.position == start.position
        assert lagging.head == head(base) > start.head
        assert lagging.behind == lagging.head - lagging.position
        projector.catch_up()
        assert projector.status().position == head(base)
        assert projector.status().behind == 0

    def test_events_the_projection_does_not_read_leave_it_behind_nothing(
        self, base: SchoolYearBase, principal: Principal
    ) -> None:
        populate(base)
        position = directory_projector(base).status().position
        base.list_students(principal)  # journaled: a Session event, which the directory does not read
        status = directory_projector(base).status()
        assert status.head == head(base) > position
        assert status.position == position, "no write for an event the projection does not read"
        assert status.behind == 0

    def test_catch_up_resumes_after_the_last_committed_page(self, base: SchoolYearBase) -> None:
        start = head(base)
        write_without_catching_up(base, 4)
        projector = directory_projector(base)
        paged = Projector(projector.projection, base.views, projector.log, batch_size=3)
        with pytest.raises(Crash):
            paged.catch_up(progress=crash)
        ids = directory_event_ids(base, after=start)
        assert paged.status().position == ids[2]
        rows = dump(base.views)
        assert (len(rows["directory_classes"]), len(rows["directory_students"])) == (3, 0)
        assert paged.catch_up() == len(ids) - 3
        live = dump(base.views)
        projector.rebuild()
        assert dump(base.views) == live

    def test_a_crash_mid_batch_rolls_back_rows_and_position_together(
        self, base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = populate(base)
        projector = directory_projector(base)
        rows, position = dump(base.views), projector.status().position
        unit = UnitOfWork(base)
        base.enrol_student(unit, last_name="Neuf", first_name="Noé", birth_date=date(2012, 1, 1), sex="M")
        base.move_student(unit, student_id=ids["leo"], class_code="4A")
        unit.commit()
        monkeypatch.setitem(Directory._handlers, Student.MovedToClass, crash)
        with pytest.raises(Crash):
            projector.catch_up()
        assert dump(base.views) == rows
        assert projector.status().position == position
        monkeypatch.undo()
        assert projector.catch_up() == 2
        with base.reading() as connection:
            assert [s.last_name for s in base.directory.list_students(connection, "4A")] == ["Élie"]
            assert len(base.directory.list_students(connection)) == 4

    def test_a_crash_during_a_rebuild_leaves_the_old_tables_whole(
        self, base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        populate(base)
        projector = directory_projector(base)
        rows = dump(base.views)
        monkeypatch.setitem(Directory._handlers, Student.MovedToClass, crash)
        with pytest.raises(Crash):
            projector.rebuild()
        assert dump(base.views) == rows
        assert projector.status().position == head(base)

    def test_a_rebuild_over_right_tables_writes_nothing(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        rebuilt = directory_projector(base).rebuild()
        assert (rebuilt.events, rebuilt.rows_changed) == (len(directory_event_ids(base)), 0)
        assert dump(base.views) == live

    def test_a_rebuild_repairs_exactly_the_rows_that_differ(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        live = dump(base.views)
        with base.views.begin() as connection:
            connection.execute(classes.update().where(classes.c.code == "3A").values(label="tampered"))
            connection.execute(students.delete().where(students.c.id == str(ids["leo"])))
            connection.execute(classes.insert().values(id=str(uuid4()), code="9Z", label="9e Z", level="3E"))
        assert dump(base.views) != live
        assert directory_projector(base).rebuild().rows_changed == 3
        assert dump(base.views) == live

    def test_a_rebuild_into_empty_tables_writes_every_row(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        rebuilt = rebuild_from_empty_tables(directory_projector(base))
        assert rebuilt.rows_changed == sum(len(rows) for rows in live.values())
        assert dump(base.views) == live

    def test_a_rebuild_too_big_to_compare_in_memory_rewrites_the_tables_whole(
        self, base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        populate(base)
        live = dump(base.views)
        monkeypatch.setattr(engine, "REBUILD_FLUSH_ROWS", 3)
        small_pages = Projector(Directory(), base.views, directory_projector(base).log, batch_size=2)
        rebuilt = small_pages.rebuild()
        assert (rebuilt.events, rebuilt.rows_changed) == (len(directory_event_ids(base)), None)
        assert dump(base.views) == live

    def test_readers_read_the_old_rows_while_a_rebuild_writes(
        self, base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A rebuild takes no lock that stops readers (PostgreSQL's TRUNCATE would): they read the rows
        as they were until it commits."""
        populate(base)
        live = dump(base.views)
        with base.views.begin() as connection:
            connection.execute(classes.update().where(classes.c.code == "3A").values(label="tampered"))
        written, resume = threading.Event(), threading.Event()
        write_position = tracking.write_position

        def pause_before_commit(connection: Any, projection: str, position: int) -> None:
            write_position(connection, projection, position)  # the rows are written, the commit waits
            written.set()
            assert resume.wait(timeout=30)

        monkeypatch.setattr(tracking, "write_position", pause_before_commit)
        rebuild = threading.Thread(target=directory_projector(base).rebuild)
        rebuild.start()
        try:
            assert written.wait(timeout=30)
            with base.reading() as connection:
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
                labels = {c.code: c.label for c in base.directory.list_classes(connection)}
            assert labels["3A"] == "tampered"
        finally:
            resume.set()
            rebuild.join(timeout=30)
        assert dump(base.views) == live

    def test_two_projectors_catching_up_at_once_apply_each_event_once(
        self, base: SchoolYearBase, bases_factory: Callable[..., Bases], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        other = bases_factory().open(base.uai, base.year)  # another process: its own engines and pools
        before = head(base)
        write_without_catching_up(base, 15)
        applied: Counter[tuple[UUID, int]] = Counter()
        lock = threading.Lock()
        apply = Directory.apply

        def counting_apply(self: Directory, batch: RowBatch, event: Any) -> None:
            with lock:
                applied[(event.originator_id, event.originator_version)] += 1
            apply(self, batch, event)

        monkeypatch.setattr(Directory, "apply", counting_apply)
        projectors = [Projector(Directory(), b.views, event_log(b), batch_size=4) for b in (base, other)]
        start = threading.Barrier(len(projectors), timeout=10)
        results: list[int] = []
        errors: list[BaseException] = []

        def catch_up(projector: Projector) -> None:
            try:
                start.wait()
                results.append(projector.catch_up())
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=catch_up, args=(p,)) for p in projectors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        ids = directory_event_ids(base, after=before)
        assert sum(results) == len(ids)
        assert len(applied) == len(ids)
        assert set(applied.values()) == {1}
        assert projectors[1].status().position == head(base)
        live = dump(base.views)
        monkeypatch.undo()
        directory_projector(base).rebuild()
        assert dump(base.views) == live

    def test_catching_up_to_a_position_already_reached_touches_no_table(
        self, base: SchoolYearBase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_without_catching_up(base, 2)
        projector = directory_projector(base)
        assert projector.catch_up_to(head(base)) > 0
        monkeypatch.setattr(projector, "_writing", crash)  # any transaction now would raise
        assert projector.catch_up_to(head(base)) == 0
        assert projector.catch_up_to(head(base) - 1) == 0

    def test_a_position_another_process_reached_is_found_in_the_tracking_row(
        self, base: SchoolYearBase, bases_factory: Callable[..., Bases]
    ) -> None:
        write_without_catching_up(base, 3)
        other = bases_factory().open(base.uai, base.year)
        assert directory_projector(other).catch_up() > 0  # the other process applied everything
        rows = dump(base.views)
        assert directory_projector(base).catch_up_to(head(base)) == 0  # one look at the position
        assert dump(base.views) == rows

    def test_commands_finishing_together_each_read_their_own_write(self, base: SchoolYearBase) -> None:
        base.execute(lambda unit: base.open_class(unit, code="3A", label="3e A", level="3E"))
        start = threading.Barrier(8, timeout=10)
        errors: list[BaseException] = []

        def enrol_then_read(index: int) -> None:
            try:
                start.wait()
                student = base.execute(
                    lambda unit: base.enrol_student(
                        unit,
                        last_name="Concurrent",
                        first_name=f"N{index}",
                        birth_date=date(2012, 1, 1),
                        sex="F",
                        class_code="3A",
                    )
                )
                with base.reading() as connection:
                    assert student in {item.id for item in Directory.list_students(connection, "3A")}
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=enrol_then_read, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        live = dump(base.views)
        directory_projector(base).rebuild()
        assert dump(base.views) == live

    def test_two_bases_write_their_rows_to_their_own_tables(
        self, base: SchoolYearBase, bases: Bases, uai_factory: Callable[[], str]
    ) -> None:
        other, _ = bases.create(uai_factory(), base.year, "Lycée voisin")
        for school in (base, other):
            populate(school)  # the same statements, compiled once, for two schemas on PostgreSQL
        base.execute(lambda unit: base.open_class(unit, code="6Z", label="6e Z", level="6E"))
        codes = {row["code"] for row in dump(base.views)["directory_classes"]}
        other_codes = {row["code"] for row in dump(other.views)["directory_classes"]}
        assert "6Z" in codes and "6Z" not in other_codes

    def test_a_position_never_moves_back(self, base: SchoolYearBase) -> None:
        with base.views.begin() as connection:
            tracking.write_position(connection, "directory", 1_000)
            tracking.write_position(connection, "directory", 10)
            assert tracking.read_position(connection, "directory") == 1_000

    def test_each_projection_keeps_its_own_position(self, base: SchoolYearBase) -> None:
        with base.views.begin() as connection:
            tracking.lock_position(connection, "other", base.name)
            tracking.write_position(connection, "other", 7)
            position = tracking.read_position(connection, "directory")
        assert directory_projector(base).status().position == position == head(base)
        with base.views.connect() as connection:
            assert tracking.read_position(connection, "other") == 7
            assert tracking.read_position(connection, "never-ran") == 0


class TestEngineOnSqlite(EngineContract):
    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"


@pytest.mark.postgres
class TestEngineOnPostgres(EngineContract):
    @pytest.fixture
    def backend(self) -> str:
        return "postgres"


del EngineContract
