"""The access history: the RGPD journal of sessions and of who read whose personal data.

Auditors and the super-administrator read the sessions and the journal; a family reads who consulted
its child's record. Sessions are keyed by their aggregate id and written whole when opened; each
consultation is one row keyed by its session and the event's version, so replaying an event gives
the same row.

A session's opening and last activity are the service's clock as the events carry it (``at``), the
instants its inactivity is measured against, exactly as the aggregate keeps them; a read or a close
carries none, so it is dated by its event's timestamp.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Select, func, select

from domain.session import Session
from domain.values import as_utc
from projections.access_history_records import ChangeItem, ConsultationItem, SessionItem
from projections.access_history_tables import changes, consultations, metadata, sessions
from projections.batch import RowBatch
from projections.engine import Projection, handles


class AccessHistory(Projection):
    """Who connected, when, from where, and every record and list they read."""

    name = "access_history"
    metadata = metadata

    # -- handlers ---------------------------------------------------------------------------------

    @handles(Session.Opened)
    def _opened(self, batch: RowBatch, e: Session.Opened) -> None:
        session_id, at = str(e.originator_id), as_utc(e.at)
        batch.upsert(
            sessions,
            {
                "id": session_id,
                "account_id": str(e.account_id),
                "login": e.login,
                "role": e.role,
                "mode": e.mode,
                "person_id": None if e.person_id is None else str(e.person_id),
                "display_name": e.display_name,
                "address": e.address,
                "user_agent": e.user_agent,
                "inactivity_minutes": e.inactivity_minutes,
                "opened_at": at,
                "last_activity_at": at,
                "closed_at": None,
                "close_reason": None,
            },
        )

    @handles(Session.Active)
    def _active(self, batch: RowBatch, e: Session.Active) -> None:
        batch.update(sessions, {"id": str(e.originator_id)}, {"last_activity_at": as_utc(e.at)})

    @handles(Session.RecordConsulted)
    def _record_consulted(self, batch: RowBatch, e: Session.RecordConsulted) -> None:
        self._consulted(
            batch,
            e,
            {
                "kind": "record",
                "subject_type": e.subject_type,
                "subject_id": str(e.subject_id),
                "categories": list(e.categories),
                "purpose": e.purpose,
                "resource": None,
                "filters": {},
                "count": None,
            },
        )

    @handles(Session.ListConsulted)
    def _list_consulted(self, batch: RowBatch, e: Session.ListConsulted) -> None:
        self._consulted(
            batch,
            e,
            {
                "kind": "list",
                "subject_type": None,
                "subject_id": None,
                "categories": [],
                "purpose": None,
                "resource": e.resource,
                "filters": dict(e.filters),
                "count": e.count,
            },
        )

    @handles(Session.ChangesMade)
    def _changes_made(self, batch: RowBatch, e: Session.ChangesMade) -> None:
        session_id, at = str(e.originator_id), as_utc(e.timestamp)
        for position, change in enumerate(e.changes):
            batch.upsert(
                changes,
                {
                    "session_id": session_id,
                    "version": e.originator_version,
                    "position": position,
                    "at": at,
                    "aggregate_id": change["aggregate_id"],
                    "event": change["event"],
                },
            )

    @handles(Session.Closed)
    def _closed(self, batch: RowBatch, e: Session.Closed) -> None:
        batch.update(
            sessions, {"id": str(e.originator_id)}, {"closed_at": as_utc(e.timestamp), "close_reason": e.reason}
        )

    def _consulted(self, batch: RowBatch, e: Session.Event, row: dict[str, Any]) -> None:
        session_id, at = str(e.originator_id), as_utc(e.timestamp)
        batch.upsert(consultations, {"session_id": session_id, "version": e.originator_version, "at": at, **row})

    # -- queries ----------------------------------------------------------------------------------

    @staticmethod
    def list_sessions(connection: Connection, *, open_only: bool | None, limit: int = 200) -> list[SessionItem]:
        """The newest sessions first: only the open ones (True), only the closed ones (False), or all (None)."""
        query = _sessions().order_by(sessions.c.opened_at.desc(), sessions.c.id.desc()).limit(limit)
        if open_only is True:
            query = query.where(sessions.c.closed_at.is_(None))
        elif open_only is False:
            query = query.where(sessions.c.closed_at.is_not(None))
        return [_session(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def open_sessions(connection: Connection, *, mode: str | None = None) -> list[SessionItem]:
        """Every session not closed yet, newest first; of one mode when given (licences are per mode)."""
        query = (
            _sessions()
            .where(sessions.c.closed_at.is_(None))
            .order_by(sessions.c.opened_at.desc(), sessions.c.id.desc())
        )
        if mode is not None:
            query = query.where(sessions.c.mode == mode)
        return [_session(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def consultations_of(connection: Connection, subject_type: str, subject_id: UUID) -> list[ConsultationItem]:
        """Who read this person's record, when, which categories and why; newest first."""
        query = _consultations().where(
            consultations.c.kind == "record",
            consultations.c.subject_type == subject_type,
            consultations.c.subject_id == str(subject_id),
        )
        return [_consultation(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def changes_of(connection: Connection, aggregate_id: UUID) -> list[ChangeItem]:
        """Who changed this aggregate (a student, an account, a profile…), by which events; newest first."""
        query = (
            select(changes, sessions.c.login, sessions.c.display_name, sessions.c.role, sessions.c.mode)
            .join(sessions, sessions.c.id == changes.c.session_id)
            .where(changes.c.aggregate_id == str(aggregate_id))
            .order_by(changes.c.at.desc(), changes.c.version.desc(), changes.c.position.desc())
        )
        return [
            ChangeItem(
                session_id=UUID(r["session_id"]),
                at=as_utc(r["at"]),
                aggregate_id=UUID(r["aggregate_id"]),
                event=r["event"],
                login=r["login"],
                display_name=r["display_name"],
                role=r["role"],
                mode=r["mode"],
            )
            for r in connection.execute(query).mappings()
        ]

    @staticmethod
    def journal(
        connection: Connection,
        *,
        since: datetime | None,
        until: datetime | None,
        login: str | None,
        limit: int = 1000,
    ) -> list[ConsultationItem]:
        """Every read from ``since`` (included) to ``until`` (excluded), of one login when given; newest first.

        Naive bounds are taken as UTC.
        """
        query = _consultations().limit(limit)
        if since is not None:
            query = query.where(consultations.c.at >= as_utc(since))
        if until is not None:
            query = query.where(consultations.c.at < as_utc(until))
        if login is not None:
            query = query.where(sessions.c.login == login)
        return [_consultation(r) for r in connection.execute(query).mappings()]


def _sessions() -> Select[Any]:
    """Sessions with how many reads they journaled, counted from the consultations (never kept apart)."""
    reads = (
        select(func.count())
        .where(consultations.c.session_id == sessions.c.id)
        .correlate(sessions)
        .scalar_subquery()
        .label("consultations")
    )
    return select(sessions, reads)


def _consultations() -> Select[Any]:
    """Consultations with who made them, newest first."""
    return (
        select(
            consultations,
            sessions.c.login,
            sessions.c.display_name,
            sessions.c.role,
            sessions.c.mode,
        )
        .join(sessions, sessions.c.id == consultations.c.session_id)
        .order_by(consultations.c.at.desc(), consultations.c.session_id.desc(), consultations.c.version.desc())
    )


def _session(r: Any) -> SessionItem:
    return SessionItem(
        id=UUID(r["id"]),
        account_id=UUID(r["account_id"]),
        login=r["login"],
        role=r["role"],
        mode=r["mode"],
        person_id=None if r["person_id"] is None else UUID(r["person_id"]),
        display_name=r["display_name"],
        address=r["address"],
        user_agent=r["user_agent"],
        inactivity_minutes=r["inactivity_minutes"],
        opened_at=as_utc(r["opened_at"]),
        last_activity_at=as_utc(r["last_activity_at"]),
        closed_at=None if r["closed_at"] is None else as_utc(r["closed_at"]),
        close_reason=r["close_reason"],
        consultations=r["consultations"],
    )


def _consultation(r: Any) -> ConsultationItem:
    return ConsultationItem(
        session_id=UUID(r["session_id"]),
        at=as_utc(r["at"]),
        kind=r["kind"],
        login=r["login"],
        display_name=r["display_name"],
        role=r["role"],
        mode=r["mode"],
        subject_type=r["subject_type"],
        subject_id=None if r["subject_id"] is None else UUID(r["subject_id"]),
        categories=list(r["categories"]),
        purpose=r["purpose"],
        resource=r["resource"],
        filters=dict(r["filters"]),
        count=r["count"],
    )
