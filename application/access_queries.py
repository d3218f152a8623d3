"""Reads of the RGPD access journal: connections for the super-admin, "who consulted my child" for
families, the whole journal for auditors. Reading the journal is itself journaled."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.directory_queries import DirectoryQueries
from application.permissions import Principal
from domain.errors import InvalidValue
from projections.access_history_records import ConsultationItem, SessionItem

SESSION_STATES = {"open": True, "closed": False, "all": None}


class AccessQueries(DirectoryQueries):
    def list_sessions(self, principal: Principal, *, state: str = "all") -> list[SessionItem]:
        if state not in SESSION_STATES:
            raise InvalidValue(f"state {state!r} is not one of open, closed, all", field="state")
        with self.reading() as connection:
            items = self.access_history.list_sessions(connection, open_only=SESSION_STATES[state])
        self._journal_list(principal, "sessions", {"state": state}, len(items))
        return items

    def student_access_history(self, principal: Principal, student_id: UUID) -> list[ConsultationItem]:
        """Who read this student's record, when, what and why; out of the caller's scope it does not exist."""
        self.require_student_in_scope(principal, student_id)
        with self.reading() as connection:
            items = self.access_history.consultations_of(connection, "student", student_id)
        self._journal_record(principal, "student", student_id, ["access-history"])
        return items

    def access_journal(
        self, principal: Principal, *, since: datetime | None, until: datetime | None, login: str | None
    ) -> list[ConsultationItem]:
        with self.reading() as connection:
            items = self.access_history.journal(connection, since=since, until=until, login=login)
        filters = {k: str(v) for k, v in {"since": since, "until": until, "login": login}.items() if v is not None}
        self._journal_list(principal, "access-journal", filters, len(items))
        return items
