from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import RuleViolated
from domain.session import CloseReason, Session
from tests.domain.support import replay

DIGEST = "ab" * 32
OPENED_AT = datetime(2026, 11, 24, 8, tzinfo=UTC)


def open_session(digest: str = DIGEST, inactivity_minutes: int = 20) -> Session:
    return Session(
        account_id=uuid4(),
        login="SPR",
        role="super-admin",
        token_digest=digest,
        address="127.0.0.1",
        user_agent=None,
        mode="admin",
        person_id=None,
        display_name="SPR",
        device=None,
        inactivity_minutes=inactivity_minutes,
        at=OPENED_AT,
    )


def test_a_new_session_is_open_and_has_read_nothing() -> None:
    session = open_session()
    assert session.is_open
    assert session.consultations == 0
    assert (session.login, session.role) == ("SPR", "super-admin")


def test_session_id_is_derived_from_the_token_digest() -> None:
    assert open_session().id == Session.create_id(DIGEST)
    assert open_session("cd" * 32).id != open_session().id


def test_reading_a_record_is_journaled_with_whose_data_and_why() -> None:
    session = open_session()
    subject = uuid4()
    session.consult_record(subject_type="student", subject_id=subject, categories=["identity"], purpose="directory")
    consulted = session.collect_events()[-1]
    assert isinstance(consulted, Session.RecordConsulted)
    assert (consulted.subject_type, consulted.subject_id) == ("student", subject)
    assert (consulted.categories, consulted.purpose) == (["identity"], "directory")
    assert session.consultations == 1


def test_reading_a_list_is_journaled_with_its_filters_and_size() -> None:
    session = open_session()
    session.consult_list(resource="students", filters={"class_code": "3A"}, count=28)
    consulted = session.collect_events()[-1]
    assert isinstance(consulted, Session.ListConsulted)
    assert (consulted.resource, consulted.filters, consulted.count) == ("students", {"class_code": "3A"}, 28)


def test_closing_a_session_records_why() -> None:
    session = open_session()
    session.close(CloseReason.LOGOUT)
    closed = session.collect_events()[-1]
    assert isinstance(closed, Session.Closed)
    assert closed.reason == "logout"
    assert not session.is_open


def test_a_closed_session_cannot_read_anything() -> None:
    session = open_session()
    session.close(CloseReason.LOGOUT)
    session.collect_events()
    with pytest.raises(RuleViolated):
        session.consult_record(subject_type="student", subject_id=uuid4(), categories=[], purpose="directory")
    with pytest.raises(RuleViolated):
        session.consult_list(resource="students", filters={}, count=0)
    assert session.pending_events == []
    assert session.consultations == 0


def test_a_closed_session_cannot_be_closed_again() -> None:
    session = open_session()
    session.close(CloseReason.LOGOUT)
    with pytest.raises(RuleViolated):
        session.close(CloseReason.LOGOUT)
    assert len(session.collect_events()) == 2


def test_a_session_expires_only_after_its_whole_inactivity_delay() -> None:
    session = open_session(inactivity_minutes=20)

    assert not session.expired(OPENED_AT + timedelta(minutes=20))
    assert session.expired(OPENED_AT + timedelta(minutes=20, seconds=1))


def test_a_delay_of_zero_never_expires() -> None:
    assert not open_session(inactivity_minutes=0).expired(OPENED_AT + timedelta(days=30))


def test_keep_alive_is_needed_after_a_quiet_minute_only() -> None:
    session = open_session()

    assert not session.needs_keep_alive(OPENED_AT + timedelta(seconds=59))
    assert session.needs_keep_alive(OPENED_AT + timedelta(minutes=1))


def test_keeping_a_session_alive_moves_its_last_activity() -> None:
    session = open_session()
    used_at = OPENED_AT + timedelta(minutes=15)

    session.keep_alive(used_at)

    active = session.collect_events()[-1]
    assert isinstance(active, Session.Active)
    assert active.at == session.last_activity == used_at
    assert not session.expired(used_at + timedelta(minutes=20))
    assert session.expired(used_at + timedelta(minutes=20, seconds=1))


def test_a_closed_session_is_neither_kept_alive_nor_in_need_of_it() -> None:
    session = open_session()
    session.close(CloseReason.INACTIVITY)
    later = OPENED_AT + timedelta(minutes=5)

    assert not session.needs_keep_alive(later)
    with pytest.raises(RuleViolated):
        session.keep_alive(later)


def test_a_version_1_opening_is_read_as_the_super_admins_admin_session() -> None:
    state: dict[str, Any] = {"login": "SPR", "timestamp": OPENED_AT}

    Session.Opened.upcast_v1_v2(state)

    assert state == {
        "login": "SPR",
        "timestamp": OPENED_AT,
        "mode": "admin",
        "person_id": None,
        "display_name": "SPR",
        "device": None,
        "inactivity_minutes": 20,
        "at": OPENED_AT,
    }


class SessionMachine(RuleBasedStateMachine):
    """Reads are journaled while the session is open, refused after; state is what the events replay to."""

    def __init__(self) -> None:
        super().__init__()
        self.session = open_session()
        self.events: list[CanMutateAggregate[UUID]] = list(self.session.collect_events())
        self.expected_open = True
        self.expected_consultations = 0

    def _attempt(self, command: str, *args: object) -> None:
        before = copy.deepcopy(vars(self.session))
        try:
            getattr(self, command)(*args)
        except RuleViolated:
            assert not self.expected_open
            assert not self.session.pending_events
            assert vars(self.session) == before
            return
        assert self.expected_open
        self.events.extend(self.session.collect_events())

    def _record(self, subject: UUID) -> None:
        self.session.consult_record(subject_type="student", subject_id=subject, categories=["identity"], purpose="x")

    def _list(self, count: int) -> None:
        self.session.consult_list(resource="students", filters={}, count=count)

    def _close(self, reason: CloseReason) -> None:
        self.session.close(reason)

    @rule(subject=st.uuids())
    def consult_record(self, subject: UUID) -> None:
        self._attempt("_record", subject)
        if self.expected_open:
            self.expected_consultations += 1

    @rule(count=st.integers(0, 1000))
    def consult_list(self, count: int) -> None:
        self._attempt("_list", count)
        if self.expected_open:
            self.expected_consultations += 1

    @rule(reason=st.sampled_from(CloseReason))
    def close(self, reason: CloseReason) -> None:
        self._attempt("_close", reason)
        self.expected_open = False

    @invariant()
    def replaying_the_events_gives_the_same_session(self) -> None:
        assert replay(self.events) == self.session
        assert self.session.is_open == self.expected_open
        assert self.session.consultations == self.expected_consultations
        assert self.session.version == len(self.events)


SessionMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestSessionMachine = SessionMachine.TestCase
