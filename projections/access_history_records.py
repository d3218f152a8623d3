"""What the access journal's queries return: plain records, free of SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

ConsultationKind = Literal["record", "list"]


@dataclass(frozen=True)
class SessionItem:
    """One connection: who, in which mode, from where, when, and how many reads it journaled."""

    id: UUID
    account_id: UUID
    login: str
    role: str
    mode: str
    person_id: UUID | None
    display_name: str
    address: str | None
    user_agent: str | None
    inactivity_minutes: int  # 0: never times out
    opened_at: datetime  # the service's clock at login
    last_activity_at: datetime  # the login or the last keep-alive: what inactivity is measured from
    closed_at: datetime | None  # when the close was recorded
    close_reason: str | None
    consultations: int

    @property
    def is_open(self) -> bool:
        """Not closed yet (an idle session stays open until it is closed for inactivity)."""
        return self.closed_at is None


@dataclass(frozen=True)
class ConsultationItem:
    """One read of personal data, with who read it.

    A ``record`` read names its subject, the categories of data read and the purpose; a ``list``
    read names the resource, its filters and how many people it showed (no categories, no purpose).
    """

    session_id: UUID
    at: datetime
    kind: ConsultationKind
    login: str
    display_name: str
    role: str
    mode: str
    subject_type: str | None
    subject_id: UUID | None
    categories: list[str]
    purpose: str | None
    resource: str | None
    filters: dict[str, str]
    count: int | None


@dataclass(frozen=True)
class ChangeItem:
    """One change a session's command made: which aggregate, by which event, who and when."""

    session_id: UUID
    at: datetime
    aggregate_id: UUID
    event: str
    login: str
    display_name: str
    role: str
    mode: str
