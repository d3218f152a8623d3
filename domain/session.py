"""A login session and its access journal: the RGPD record of who read whose personal data."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.ids import natural_id


class Session(Aggregate):
    """One connection of one account; keyed by the digest of its bearer token, never the token itself."""

    class Opened(Aggregate.Created):
        account_id: UUID
        login: str
        role: str
        token_digest: str
        address: str | None
        user_agent: str | None

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
    ) -> None:
        self.account_id = account_id
        self.login = login
        self.role = role
        self.is_open = True
        self.consultations = 0

    def _require_open(self) -> None:
        if not self.is_open:
            raise RuleViolated("the session is closed")

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

    def close(self, reason: str) -> None:
        self._require_open()
        self._closed(reason=reason)

    @event(Closed)
    def _closed(self, *, reason: str) -> None:
        self.is_open = False
