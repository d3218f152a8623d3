"""The RGPD access history: who consulted a student's record, and the base's whole journal."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from api.schemas.base import Out


class ConsultationOut(Out):
    """One read of a student's record, as the family sees it: who, in which role and mode, when, what, why.

    Never the reader's session, login or address: a family learns who looked, not how to reach them.
    """

    at: datetime
    display_name: str = Field(description="The reader's name, e.g. 'Claire DURAND'.")
    role: str = Field(description="The reader's role: staff, teacher, guardian, super-admin…")
    mode: str = Field(description="The mode the reader was connected in.")
    categories: list[str] = Field(description="The categories of data read, e.g. identity, schooling.")
    purpose: str | None


class AccessHistoryOut(Out):
    student_id: UUID
    items: list[ConsultationOut] = Field(description="Newest first.")


class JournalEntryOut(Out):
    """One line of the access journal: a record read (subject, categories, purpose) or a list read."""

    session_id: UUID
    at: datetime
    kind: str = Field(description="record or list.")
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


class JournalPage(Out):
    items: list[JournalEntryOut] = Field(description="Newest first, at most 1,000.")


class ChangeOut(Out):
    """One change made through the API: the aggregate, the event, and the session that made it."""

    session_id: UUID
    at: datetime
    aggregate_id: UUID
    event: str = Field(description="The event class, e.g. Student.MovedToClass.")
    login: str
    display_name: str
    role: str
    mode: str


class ChangePage(Out):
    items: list[ChangeOut] = Field(description="Newest first.")
