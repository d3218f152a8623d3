"""A login session and its access journal: the RGPD record of who read whose personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.flat_state import FlatState
from domain.ids import natural_id

# A session in use is kept alive by one event a minute at most: enough to time out idle sessions
# exactly, cheap enough not to journal every request.
KEEP_ALIVE_EVERY = timedelta(minutes=1)


def idle_past(last_activity: datetime, inactivity_minutes: int, now: datetime) -> bool:
    """Idle for longer than the inactivity delay (a delay of 0 never expires)."""
    return inactivity_minutes > 0 and now - last_activity > timedelta(minutes=inactivity_minutes)


class CloseReason(StrEnum):
    LOGOUT = "logout"
    INACTIVITY = "inactivity"
    CLOSED_BY_ADMIN = "closed-by-admin"
    PASSWORD_REPLACED = "password-replaced"  # noqa: S105 (a reason, not a password): reset or recovered


class Session(FlatState, Aggregate):
    """One connection of one account; keyed by the digest of its bearer token, never the token itself."""

    class Opened(Aggregate.Created):
        """Who connected, in which mode (admin, school-life, teacher or an Espace), from where."""

        class_version = 2

        account_id: UUID
        login: str
        role: str
        token_digest: str
        address: str | None
        user_agent: str | None
        mode: str
        person_id: UUID | None
        display_name: str
        device: str | None  # digest of the device id the client sent, None when it sent none
        inactivity_minutes: int
        at: datetime  # the service's clock, which inactivity is measured against

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Before modes, every session was the super-administrator's, in admin mode.
            state.update(mode="admin", person_id=None, display_name=state["login"], device=None, inactivity_minutes=20)
            state["at"] = state["timestamp"]

    class Active(Aggregate.Event):
        """The session was used again after a quiet minute (keeps it from timing out)."""

        at: datetime

    class RecordConsulted(Aggregate.Event):
        """The session read one person's record (which categories of data, for what)."""

        subject_type: str
        subject_id: UUID
        categories: list[str]
        purpose: str

    class ListConsulted(Aggregate.Event):
        """The session read a list of people (the names and classes in it)."""

        resource: str
        filters: dict[str, str]
        count: int

    class ChangesMade(Aggregate.Event):
        """A command of this session changed the school's data: which aggregates, by which events.

        Saved in the same transaction as the changes, so every write has its author: the proof of
        who did what, beside the journal of who read what.
        """

        changes: list[dict[str, str]]  # {"aggregate_id", "event"}, e.g. "Student.MovedToClass"

    class Closed(Aggregate.Event):
        reason: str

    @staticmethod
    def create_id(token_digest: str) -> UUID:
        return natural_id("session", token_digest)

    @event(Opened)
    def __init__(
        self,
        *,
        account_id: UUID,
        login: str,
        role: str,
        token_digest: str,
        address: str | None,
        user_agent: str | None,
        mode: str,
        person_id: UUID | None,
        display_name: str,
        device: str | None,
        inactivity_minutes: int,
        at: datetime,
    ) -> None:
        self.account_id = account_id
        self.login = login
        self.role = role
        self.mode = mode
        self.person_id = person_id
        self.display_name = display_name
        self.address = address
        self.inactivity_minutes = inactivity_minutes
        self.last_activity = at
        self.is_open = True
        self.consultations = 0
        self.changes = 0

    def expired(self, now: datetime) -> bool:
        """Idle for longer than its inactivity delay (a delay of 0 never expires)."""
        return idle_past(self.last_activity, self.inactivity_minutes, now)

    def needs_keep_alive(self, now: datetime) -> bool:
        return self.is_open and now - self.last_activity >= KEEP_ALIVE_EVERY

    def _require_open(self) -> None:
        if not self.is_open:
            raise RuleViolated("the session is closed")

    def keep_alive(self, now: datetime) -> None:
        self._require_open()
        self._active(at=now)

    def mark_used(self, now: datetime) -> None:
        """Keep the session alive if it is due (once a minute at most); a closed one is left as it is,
        so that a retried command, or a request that logged out, writes nothing more."""
        if self.needs_keep_alive(now):
            self.keep_alive(now)

    @event(Active)
    def _active(self, *, at: datetime) -> None:
        self.last_activity = at

    def consult_record(self, *, subject_type: str, subject_id: UUID, categories: list[str], purpose: str) -> None:
        self._require_open()
        self._record_consulted(subject_type=subject_type, subject_id=subject_id, categories=categories, purpose=purpose)

    @event(RecordConsulted)
    def _record_consulted(self, *, subject_type: str, subject_id: UUID, categories: list[str], purpose: str) -> None:
        self.consultations += 1

    def consult_list(self, *, resource: str, filters: dict[str, str], count: int) -> None:
        self._require_open()
        self._list_consulted(resource=resource, filters=filters, count=count)

    @event(ListConsulted)
    def _list_consulted(self, *, resource: str, filters: dict[str, str], count: int) -> None:
        self.consultations += 1

    def record_changes(self, changes: list[dict[str, str]]) -> None:
        self._require_open()
        self._changes_made(changes=changes)

    @event(ChangesMade)
    def _changes_made(self, *, changes: list[dict[str, str]]) -> None:
        self.changes += 1

    def close(self, reason: CloseReason) -> None:
        self._require_open()
        self._closed(reason=reason.value)

    @event(Closed)
    def _closed(self, *, reason: str) -> None:
        self.is_open = False
