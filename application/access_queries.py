"""Reads of the RGPD access journal: connections for the super-admin, "who consulted my child" for
families, the whole journal for auditors. Reading the journal is itself journaled."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.directory_queries import DirectoryQueries
from application.permissions import Principal
from application.sessions import close_idle_sessions
from domain.account import parse_login
from domain.errors import InvalidValue
from domain.values import as_utc
from projections.access_history_records import ChangeItem, ConsultationItem, SessionItem

SESSION_STATES = {"open": True, "closed": False, "all": None}
ACCESS_HISTORY = ["access-history"]
RGPD_PURPOSE = "rgpd-access-history"  # why the journal itself was read: someone exercising a right of access


class AccessQueries(DirectoryQueries):
    def list_sessions(self, principal: Principal, *, state: str = "all") -> list[SessionItem]:
        """The base's connections, newest first; those that timed out are closed first, never shown open."""
        if state not in SESSION_STATES:
            raise InvalidValue(f"state {state!r} is not one of open, closed, all", field="state")
        self.journal_caught_up()  # each session's keep-alives and count of reads
        with self.reading() as connection:
            still_open = self.access_history.open_sessions(connection)
        if close_idle_sessions(self, self.clock(), still_open):
            self.journal_caught_up()  # the closings just written
        with self.reading() as connection:
            items = self.access_history.list_sessions(connection, open_only=SESSION_STATES[state])
        self._journal_list(principal, "sessions", {"state": state}, len(items))
        return items

    def student_access_history(self, principal: Principal, student_id: UUID) -> list[ConsultationItem]:
        """Who read this student's record, when, what and why; out of the caller's scope it does not exist.

        The answer is read before this read is journaled: the caller sees who came before them.
        """
        self.require_student_in_scope(principal, student_id)
        self.journal_caught_up()
        with self.reading() as connection:
            items = self.access_history.consultations_of(connection, "student", student_id)
        self._journal(
            principal,
            lambda session: session.consult_record(
                subject_type="student", subject_id=student_id, categories=ACCESS_HISTORY, purpose=RGPD_PURPOSE
            ),
        )
        return items

    def access_journal(
        self, principal: Principal, *, since: datetime | None, until: datetime | None, login: str | None
    ) -> list[ConsultationItem]:
        """Every read of the base from ``since`` (included) to ``until`` (excluded), of one login when given.

        Bounds without a time zone are UTC.
        """
        since, until = _utc(since), _utc(until)
        if since is not None and until is not None and until <= since:
            raise InvalidValue(f"until {until.isoformat()} is not after since {since.isoformat()}", field="until")
        account_login = parse_login(login) if login is not None else None
        self.journal_caught_up()
        with self.reading() as connection:
            items = self.access_history.journal(connection, since=since, until=until, login=account_login)
        filters = {
            k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in {"since": since, "until": until, "login": account_login}.items()
            if v is not None
        }
        self._journal_list(principal, "access-journal", filters, len(items))
        return items

    def changes_of(self, principal: Principal, aggregate_id: UUID) -> list[ChangeItem]:
        """Who changed this aggregate and by which events: every write made through the API has an author."""
        self.journal_caught_up()
        with self.reading() as connection:
            items = self.access_history.changes_of(connection, aggregate_id)
        self._journal_list(principal, "changes", {"aggregate_id": str(aggregate_id)}, len(items))
        return items


def _utc(instant: datetime | None) -> datetime | None:
    """A bound of the journal in UTC (one without a zone is taken as UTC)."""
    return None if instant is None else as_utc(instant)
