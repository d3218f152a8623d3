"""The access history read model: what it answers, and a rebuild gives the rows live updating built.

Sessions are written with the ``Session`` aggregate through units of work, as the use cases do, so
these tests do not depend on how accounts open them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4, uuid5
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from application.base import SchoolYearBase
from application.registry import Bases
from application.unit_of_work import UnitOfWork
from domain.session import CloseReason, Session
from projections import access_history_tables as tables
from projections.access_history import AccessHistory
from projections.engine import Projector
from tests.conftest import FIXED_NOW, YEAR
from tests.projections.support import head, rebuild_from_empty_tables

R = TypeVar("R")
Rows = dict[str, list[dict[str, Any]]]
Execute = Callable[[SchoolYearBase, Callable[[UnitOfWork], R]], R]

STUDENT_RECORD = ["identity", "schooling", "family"]
SUBJECTS = [uuid5(UUID(int=0), f"student-{n}") for n in range(4)]
MODES = ["admin", "school-life", "teacher", "parents"]


def dump(engine: Engine) -> Rows:
    """Every access history table, each sorted by its primary key."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in AccessHistory.tables()
        }


def projector(base: SchoolYearBase) -> Projector:
    return base.projectors[AccessHistory.name]


def access_event_ids(base: SchoolYearBase) -> list[int]:
    """The notification ids of the events the access history reads, in order."""
    notifications = base.recorder.select_notifications(start=1, limit=1_000_000, topics=AccessHistory.topics())
    return [notification.id for notification in notifications]


def caught_up(base: SchoolYearBase, command: Callable[[UnitOfWork], R]) -> R:
    """One command as the API runs it, then the journal caught up as its readers do before reading."""
    result = base.execute(command)
    base.journal_caught_up()
    return result


def committed(base: SchoolYearBase, command: Callable[[UnitOfWork], R]) -> R:
    """One command committed with no read model running (as another process would leave it)."""
    unit = UnitOfWork(base)
    result = command(unit)
    unit.commit()
    return result


def minute(n: int) -> datetime:
    """The service's clock ``n`` minutes into the fixed morning."""
    return FIXED_NOW + timedelta(minutes=n)


def new_session(
    unit: UnitOfWork,
    *,
    login: str,
    mode: str,
    at: datetime,
    role: str = "super-admin",
    person_id: UUID | None = None,
    address: str | None = "192.0.2.7",
    user_agent: str | None = "Mozilla/5.0",
    inactivity_minutes: int = 20,
) -> UUID:
    session = Session(
        account_id=uuid5(UUID(int=0), login),
        login=login,
        role=role,
        token_digest=uuid4().hex,
        address=address,
        user_agent=user_agent,
        mode=mode,
        person_id=person_id,
        display_name=f"{login.title()} Nom",
        device=None,
        inactivity_minutes=inactivity_minutes,
        at=at,
    )
    return unit.create(session).id


def session(unit: UnitOfWork, session_id: UUID) -> Session:
    return unit.get(Session, session_id, "session")


def read_student(unit: UnitOfWork, session_id: UUID, student: UUID, purpose: str = "directory") -> None:
    session(unit, session_id).consult_record(
        subject_type="student", subject_id=student, categories=STUDENT_RECORD, purpose=purpose
    )


def read_students(unit: UnitOfWork, session_id: UUID, count: int, class_code: str | None = None) -> None:
    filters = {} if class_code is None else {"class_code": class_code}
    session(unit, session_id).consult_list(resource="students", filters=filters, count=count)


def populate(base: SchoolYearBase, execute: Execute[Any] = caught_up) -> dict[str, UUID]:
    """Four sessions: an administrator's (closed), a CPE's and a parent's (open), a teacher's (timed out).

    Zoé's record is read twice, by two people, and changed once by the CPE; a guardian's record and
    lists are read too. Logins and
    keep-alives are dated by the service's clock, a fixed morning: 8:00, 8:05, 8:10, 8:20, 8:30.
    """
    zoe, guardian = SUBJECTS[0], SUBJECTS[1]
    spr = execute(base, lambda unit: new_session(unit, login="SPR", mode="admin", at=minute(0)))
    execute(base, lambda unit: read_students(unit, spr, 25, "3A"))
    execute(base, lambda unit: read_student(unit, spr, zoe))
    execute(base, lambda unit: session(unit, spr).keep_alive(minute(5)))
    execute(base, lambda unit: session(unit, spr).close(CloseReason.LOGOUT))
    cpe = execute(base, lambda unit: new_session(unit, login="CPE", mode="school-life", role="staff", at=minute(10)))
    execute(base, lambda unit: read_student(unit, cpe, zoe, purpose="attendance"))
    moved = [{"aggregate_id": str(zoe), "event": "Student.MovedToClass"}]
    execute(base, lambda unit: session(unit, cpe).record_changes(moved))
    execute(
        base,
        lambda unit: session(unit, cpe).consult_record(
            subject_type="guardian", subject_id=guardian, categories=["identity", "contact"], purpose="directory"
        ),
    )
    teacher = execute(
        base,
        lambda unit: new_session(
            unit, login="PROF", mode="teacher", role="teacher", inactivity_minutes=0, at=minute(20)
        ),
    )
    execute(base, lambda unit: read_students(unit, teacher, 28))
    execute(base, lambda unit: session(unit, teacher).close(CloseReason.INACTIVITY))
    parent = execute(
        base,
        lambda unit: new_session(
            unit,
            login="PARENT",
            mode="parents",
            role="guardian",
            person_id=guardian,
            address=None,
            user_agent=None,
            at=minute(30),
        ),
    )
    return {"spr": spr, "cpe": cpe, "teacher": teacher, "parent": parent, "zoe": zoe, "guardian": guardian}


# -- random valid commands ------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenSession:
    login: str
    mode: str


@dataclass(frozen=True)
class KeepAlive:
    session: int


@dataclass(frozen=True)
class ConsultRecord:
    session: int
    subject: int
    categories: tuple[str, ...]


@dataclass(frozen=True)
class ConsultList:
    session: int
    class_code: str | None
    count: int


@dataclass(frozen=True)
class Burst:
    """Several reads in one command: one transaction, one batch of the live projection."""

    session: int
    subjects: tuple[int, ...]


@dataclass(frozen=True)
class CloseSession:
    session: int
    reason: CloseReason


@dataclass(frozen=True)
class MakeChanges:
    """A write command of the session, attributed to it (Session.ChangesMade)."""

    session: int
    subjects: tuple[int, ...]


Command = OpenSession | KeepAlive | ConsultRecord | ConsultList | Burst | CloseSession | MakeChanges

indexes = st.integers(0, 8)
open_session = st.builds(OpenSession, st.sampled_from(["SPR", "CPE", "PROF", "PARENT"]), st.sampled_from(MODES))
commands: st.SearchStrategy[Command] = st.one_of(
    open_session,
    st.builds(KeepAlive, indexes),
    # reads change the session's row as well as adding theirs: weigh them more
    st.builds(ConsultRecord, indexes, st.integers(0, len(SUBJECTS) - 1), st.sampled_from([(), ("identity",)])),
    st.builds(ConsultRecord, indexes, st.integers(0, len(SUBJECTS) - 1), st.just(tuple(STUDENT_RECORD))),
    st.builds(ConsultList, indexes, st.sampled_from([None, "3A", "4B"]), st.integers(0, 30)),
    st.builds(Burst, indexes, st.lists(st.integers(0, len(SUBJECTS) - 1), min_size=2, max_size=4).map(tuple)),
    st.builds(CloseSession, indexes, st.sampled_from(list(CloseReason))),
    st.builds(MakeChanges, indexes, st.lists(st.integers(0, len(SUBJECTS) - 1), min_size=1, max_size=3).map(tuple)),
)
sequences: st.SearchStrategy[list[Command]] = st.builds(
    lambda opened, rest: [*opened, *rest],
    st.lists(open_session, min_size=1, max_size=3),
    st.lists(commands, min_size=5, max_size=25),
)


@dataclass
class AccessModel:
    """What the access history must hold after the valid commands; reads by closed sessions are never sent."""

    sessions: list[UUID] = field(default_factory=list)
    open: set[UUID] = field(default_factory=set)
    reasons: dict[UUID, str | None] = field(default_factory=dict)
    reads: Counter[UUID] = field(default_factory=Counter)
    record_reads: Counter[UUID] = field(default_factory=Counter)
    list_reads: int = 0
    changed: Counter[UUID] = field(default_factory=Counter)

    minutes: int = 0

    def run(self, base: SchoolYearBase, command: Command, execute: Execute[Any]) -> None:
        self.minutes += 1
        now = minute(self.minutes)
        if isinstance(command, OpenSession):
            opened = execute(base, lambda unit: new_session(unit, login=command.login, mode=command.mode, at=now))
            self.sessions.append(opened)
            self.open.add(opened)
            self.reasons[opened] = None
            return
        chosen = self.sessions[command.session % len(self.sessions)] if self.sessions else None
        if chosen is None or chosen not in self.open:
            return  # the domain refuses anything a closed session would do
        match command:
            case KeepAlive():
                execute(base, lambda unit: session(unit, chosen).keep_alive(now))
            case ConsultRecord(_, subject, categories):
                execute(
                    base,
                    lambda unit: session(unit, chosen).consult_record(
                        subject_type="student",
                        subject_id=SUBJECTS[subject],
                        categories=list(categories),
                        purpose="directory",
                    ),
                )
                self.reads[chosen] += 1
                self.record_reads[SUBJECTS[subject]] += 1
            case ConsultList(_, class_code, count):
                execute(base, lambda unit: read_students(unit, chosen, count, class_code))
                self.reads[chosen] += 1
                self.list_reads += 1
            case Burst(_, subjects):

                def burst(unit: UnitOfWork) -> None:
                    for subject in subjects:
                        read_student(unit, chosen, SUBJECTS[subject])
                    read_students(unit, chosen, len(subjects))

                execute(base, burst)
                self.reads[chosen] += len(subjects) + 1
                self.record_reads.update(SUBJECTS[s] for s in subjects)
                self.list_reads += 1
            case MakeChanges(_, subjects):
                changes = [{"aggregate_id": str(SUBJECTS[i]), "event": "Student.MovedToClass"} for i in subjects]
                execute(base, lambda unit: session(unit, chosen).record_changes(changes))
                self.changed.update(SUBJECTS[i] for i in subjects)
            case CloseSession(_, reason):
                execute(base, lambda unit: session(unit, chosen).close(reason))
                self.open.discard(chosen)
                self.reasons[chosen] = reason.value

    def check(self, rows: Rows) -> None:
        """The tables hold exactly what the model predicts."""
        by_id = {UUID(r["id"]): r for r in rows[tables.sessions.name]}
        assert {i: r["close_reason"] for i, r in by_id.items()} == self.reasons
        assert {i for i, r in by_id.items() if r["closed_at"] is None} == self.open
        reads = rows[tables.consultations.name]
        per_session = Counter(UUID(r["session_id"]) for r in reads)
        assert {i: per_session[i] for i in by_id} == {i: self.reads[i] for i in self.sessions}
        assert Counter(UUID(r["subject_id"]) for r in reads if r["kind"] == "record") == self.record_reads
        assert sum(r["kind"] == "list" for r in reads) == self.list_reads
        assert Counter(UUID(r["aggregate_id"]) for r in rows[tables.changes.name]) == self.changed


def run_all(base: SchoolYearBase, sequence: Sequence[Command], execute: Execute[Any]) -> AccessModel:
    model = AccessModel()
    for command in sequence:
        model.run(base, command, execute)
    return model


# -- the contract ---------------------------------------------------------------------------------


class AccessHistoryContract:
    """The scenario every backend must pass; subclasses choose the backend."""

    examples: ClassVar[int]

    def test_rebuild_gives_the_rows_that_live_updating_built(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        assert all(live.values()), "the scenario must fill every table"
        rebuilt = projector(base).rebuild()
        assert (rebuilt.events, rebuilt.rows_changed) == (len(access_event_ids(base)), 0)
        assert dump(base.views) == live
        rebuild_from_empty_tables(projector(base))
        assert dump(base.views) == live
        status = projector(base).status()
        assert (status.projection, status.position) == ("access_history", head(base))

    def test_rebuild_in_small_pages_gives_the_same_rows(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        current = projector(base)
        small_pages = Projector(current.projection, base.views, current.log, batch_size=2)
        pages: list[tuple[int, int]] = []
        small_pages.rebuild(progress=lambda position, last: pages.append((position, last)))
        assert dump(base.views) == live
        assert len(pages) >= -(-len(access_event_ids(base)) // 2)  # pages of 2 events
        assert pages[-1] == (head(base), head(base))

    def test_catching_up_in_small_pages_counts_reads_across_pages(self, base: SchoolYearBase) -> None:
        ids = populate(base, committed)
        current = projector(base)
        paged = Projector(current.projection, base.views, current.log, batch_size=2)
        assert paged.catch_up() == len(access_event_ids(base))
        caught = dump(base.views)
        with base.reading() as connection:
            reads = {item.id: item.consultations for item in AccessHistory.list_sessions(connection, open_only=None)}
        assert reads == {ids["spr"]: 2, ids["cpe"]: 2, ids["teacher"]: 1, ids["parent"]: 0}
        current.rebuild()
        assert dump(base.views) == caught

    def test_sessions_tell_who_connected_how_and_what_became_of_them(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        spr: Session = base.repository.get(ids["spr"])
        with base.reading() as connection:
            every = AccessHistory.list_sessions(connection, open_only=None)
            still_open = AccessHistory.list_sessions(connection, open_only=True)
            closed = AccessHistory.list_sessions(connection, open_only=False)
            newest_two = AccessHistory.list_sessions(connection, open_only=None, limit=2)
        assert [s.login for s in every] == ["PARENT", "PROF", "CPE", "SPR"]
        assert [s.login for s in still_open] == ["PARENT", "CPE"]
        assert [s.login for s in closed] == ["PROF", "SPR"]
        assert newest_two == every[:2]
        admin, teacher, parent = every[3], every[1], every[0]
        assert (admin.id, admin.account_id, admin.role, admin.mode) == (
            ids["spr"],
            uuid5(UUID(int=0), "SPR"),
            "super-admin",
            "admin",
        )
        assert (admin.address, admin.user_agent, admin.display_name) == ("192.0.2.7", "Mozilla/5.0", "Spr Nom")
        assert (admin.opened_at, admin.last_activity_at) == (minute(0), minute(5))  # the login, the keep-alive
        assert (admin.closed_at, admin.close_reason) == (spr.modified_on, "logout")  # the close's own timestamp
        assert (admin.consultations, admin.is_open) == (2, False)
        assert (teacher.close_reason, teacher.inactivity_minutes) == ("inactivity", 0)
        assert (parent.person_id, parent.address, parent.user_agent) == (ids["guardian"], None, None)
        assert (parent.is_open, parent.consultations) == (True, 0)
        assert parent.opened_at == parent.last_activity_at == minute(30)

    def test_last_activity_is_what_the_session_measures_inactivity_from(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        with base.reading() as connection:
            every = {s.id: s for s in AccessHistory.list_sessions(connection, open_only=None)}
        for session_id, item in every.items():
            aggregate: Session = base.repository.get(session_id)
            assert item.last_activity_at == aggregate.last_activity
        assert every[ids["cpe"]].last_activity_at == minute(10)  # reads keep no session alive by themselves

    def test_open_sessions_count_licences_per_mode(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            assert [s.login for s in AccessHistory.open_sessions(connection)] == ["PARENT", "CPE"]
            assert [s.mode for s in AccessHistory.open_sessions(connection, mode="parents")] == ["parents"]
            assert AccessHistory.open_sessions(connection, mode="teacher") == []  # timed out
            assert AccessHistory.open_sessions(connection, mode="admin") == []  # logged out

    def test_a_family_sees_who_read_its_childs_record_and_why(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        with base.reading() as connection:
            readers = AccessHistory.consultations_of(connection, "student", ids["zoe"])
            of_guardian = AccessHistory.consultations_of(connection, "guardian", ids["guardian"])
            nobody = AccessHistory.consultations_of(connection, "student", SUBJECTS[2])
            wrong_type = AccessHistory.consultations_of(connection, "guardian", ids["zoe"])
        assert [(r.login, r.display_name, r.role, r.mode, r.purpose) for r in readers] == [
            ("CPE", "Cpe Nom", "staff", "school-life", "attendance"),
            ("SPR", "Spr Nom", "super-admin", "admin", "directory"),
        ]
        assert readers[0].at > readers[1].at
        assert all(r.kind == "record" and r.categories == STUDENT_RECORD for r in readers)
        assert all((r.subject_type, r.subject_id) == ("student", ids["zoe"]) for r in readers)
        assert [(r.session_id, r.categories) for r in of_guardian] == [(ids["cpe"], ["identity", "contact"])]
        assert (nobody, wrong_type) == ([], [])

    def test_the_journal_lists_every_read_newest_first(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            journal = AccessHistory.journal(connection, since=None, until=None, login=None)
        assert [(r.login, r.kind) for r in journal] == [
            ("PROF", "list"),
            ("CPE", "record"),
            ("CPE", "record"),
            ("SPR", "record"),
            ("SPR", "list"),
        ]
        assert [r.at for r in journal] == sorted((r.at for r in journal), reverse=True)
        spr_list = journal[-1]
        assert (spr_list.resource, spr_list.filters, spr_list.count) == ("students", {"class_code": "3A"}, 25)
        assert (spr_list.subject_type, spr_list.subject_id, spr_list.categories, spr_list.purpose) == (
            None,
            None,
            [],
            None,
        )
        assert (journal[0].filters, journal[0].count) == ({}, 28)
        assert (journal[1].resource, journal[1].filters, journal[1].count) == (None, {}, None)

    def test_the_journal_is_read_between_two_instants_for_one_login(self, base: SchoolYearBase) -> None:
        populate(base)
        with base.reading() as connection:
            journal = AccessHistory.journal(connection, since=None, until=None, login=None)
            start, end = journal[3].at, journal[1].at

            def between(**bounds: Any) -> list[str]:
                found = AccessHistory.journal(connection, **{"since": None, "until": None, "login": None, **bounds})
                return [f"{r.login} {r.kind}" for r in found]

            assert between(since=start, until=end) == ["CPE record", "SPR record"]  # from start, before end
            assert between(since=end) == ["PROF list", "CPE record"]
            assert between(until=start) == ["SPR list"]
            assert between(login="SPR") == ["SPR record", "SPR list"]
            assert between(login="SPR", since=start) == ["SPR record"]
            assert between(login="NOBODY") == []
            assert between(limit=2) == ["PROF list", "CPE record"]
            paris = ZoneInfo("Europe/Paris")
            assert between(since=start.astimezone(paris), until=end.astimezone(paris)) == between(
                since=start, until=end
            )
            naive = {"since": start.replace(tzinfo=None), "until": end.replace(tzinfo=None)}
            assert between(**naive) == between(since=start, until=end)
            assert between(since=journal[0].at + timedelta(microseconds=1)) == []

    def test_any_sessions_and_reads_give_the_same_rows_live_and_rebuilt(
        self, bases: Bases, uai_factory: Callable[[], str]
    ) -> None:
        @settings(max_examples=self.examples, deadline=None)
        @given(sequence=sequences)
        def live_equals_rebuild(sequence: list[Command]) -> None:
            base, _ = bases.create(uai_factory(), YEAR, "École des Tilleuls")
            model = run_all(base, sequence, caught_up)
            live = dump(base.views)
            model.check(live)
            assert projector(base).rebuild().rows_changed == 0  # the replay gives exactly these rows
            rebuild_from_empty_tables(projector(base))
            assert dump(base.views) == live

        live_equals_rebuild()

    def test_any_sessions_and_reads_caught_up_in_pages_give_the_rows_of_a_rebuild(
        self, bases: Bases, uai_factory: Callable[[], str]
    ) -> None:
        @settings(max_examples=max(1, self.examples // 2), deadline=None)
        @given(sequence=sequences, page=st.integers(1, 5))
        def paged_equals_rebuild(sequence: list[Command], page: int) -> None:
            base, _ = bases.create(uai_factory(), YEAR, "École des Tilleuls")
            model = run_all(base, sequence, committed)
            current = projector(base)
            Projector(current.projection, base.views, current.log, batch_size=page).catch_up()
            caught = dump(base.views)
            model.check(caught)
            assert current.rebuild().rows_changed == 0
            assert dump(base.views) == caught

        paged_equals_rebuild()


class TestAccessHistoryOnSqlite(AccessHistoryContract):
    examples = 40

    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"


@pytest.mark.postgres
class TestAccessHistoryOnPostgres(AccessHistoryContract):
    examples = 10

    @pytest.fixture
    def backend(self) -> str:
        return "postgres"


del AccessHistoryContract
