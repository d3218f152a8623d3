"""A student's attendance file: the reasons the school-life office set, and the families' justifications.

Absence periods are not stored: they follow from the registers' marks (consecutive missed lessons
form one period) and change when a mark is corrected. What is stored here is what people decided
about a span of time: "from Monday 8:00 to Tuesday 17:00, illness, settled". A reason covers every
missed lesson and lateness that starts within its span, whatever periods the marks form later, and
a later reason over the same time wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.ids import natural_id
from domain.values import as_utc, parse_optional_text

MAX_COMMENT = 1000


class JustificationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True)
class Justification:
    id: UUID
    first: datetime
    last: datetime
    reason_code: str
    comment: str | None
    guardian_id: UUID
    state: JustificationState = JustificationState.PENDING


class AttendanceFile(Aggregate):
    """One per student, created with the first decision about them."""

    class Opened(Aggregate.Created):
        student_id: UUID

    class ReasonSet(Aggregate.Event):
        first: datetime
        last: datetime
        reason_code: str
        comment: str | None
        settled: bool  # réglé administrativement: the office has closed the matter

    class JustificationSubmitted(Aggregate.Event):
        justification_id: UUID
        first: datetime
        last: datetime
        reason_code: str
        comment: str | None
        guardian_id: UUID

    class JustificationAccepted(Aggregate.Event):
        justification_id: UUID

    class JustificationRefused(Aggregate.Event):
        justification_id: UUID
        comment: str | None

    @staticmethod
    def create_id(student_id: UUID) -> UUID:
        return natural_id("attendance-file", str(student_id))

    @classmethod
    def open(cls, student_id: UUID) -> AttendanceFile:
        return cls(student_id=student_id)

    @event(Opened)
    def __init__(self, *, student_id: UUID) -> None:
        self.student_id = student_id
        self.justifications: dict[UUID, Justification] = {}

    def set_reason(
        self, *, first: datetime, last: datetime, reason_code: str, comment: str | None, settled: bool
    ) -> None:
        start, end = _span(first, last)
        self._reason_set(
            first=start,
            last=end,
            reason_code=reason_code,
            comment=parse_optional_text(comment, "comment", max_length=MAX_COMMENT),
            settled=settled,
        )

    @event(ReasonSet)
    def _reason_set(
        self, *, first: datetime, last: datetime, reason_code: str, comment: str | None, settled: bool
    ) -> None:
        pass

    def submit_justification(
        self, *, first: datetime, last: datetime, reason_code: str, comment: str | None, guardian_id: UUID
    ) -> UUID:
        """A guardian's justification; the caller has checked the reason is one parents may choose."""
        start, end = _span(first, last)
        justification_id = uuid4()
        self._submitted(
            justification_id=justification_id,
            first=start,
            last=end,
            reason_code=reason_code,
            comment=parse_optional_text(comment, "comment", max_length=MAX_COMMENT),
            guardian_id=guardian_id,
        )
        return justification_id

    @event(JustificationSubmitted)
    def _submitted(
        self,
        *,
        justification_id: UUID,
        first: datetime,
        last: datetime,
        reason_code: str,
        comment: str | None,
        guardian_id: UUID,
    ) -> None:
        self.justifications[justification_id] = Justification(
            justification_id, first, last, reason_code, comment, guardian_id
        )

    def accept(self, justification_id: UUID) -> None:
        """Accepting a justification sets its reason over its span (not settled: the office may still)."""
        justification = self._pending(justification_id)
        self._accepted(justification_id=justification_id)
        self._reason_set(
            first=justification.first,
            last=justification.last,
            reason_code=justification.reason_code,
            comment=justification.comment,
            settled=False,
        )

    @event(JustificationAccepted)
    def _accepted(self, *, justification_id: UUID) -> None:
        self._decide(justification_id, JustificationState.ACCEPTED)

    def refuse(self, justification_id: UUID, comment: str | None) -> None:
        self._pending(justification_id)
        self._refused(
            justification_id=justification_id, comment=parse_optional_text(comment, "comment", max_length=MAX_COMMENT)
        )

    @event(JustificationRefused)
    def _refused(self, *, justification_id: UUID, comment: str | None) -> None:
        self._decide(justification_id, JustificationState.REFUSED)

    def _decide(self, justification_id: UUID, state: JustificationState) -> None:
        current = self.justifications[justification_id]
        self.justifications[justification_id] = Justification(
            current.id, current.first, current.last, current.reason_code, current.comment, current.guardian_id, state
        )

    def _pending(self, justification_id: UUID) -> Justification:
        justification = self.justifications.get(justification_id)
        if justification is None:
            raise RuleViolated("no such justification for this student", field="justification_id")
        if justification.state is not JustificationState.PENDING:
            raise RuleViolated(f"this justification is already {justification.state.value}", field="justification_id")
        return justification


def _span(first: datetime, last: datetime) -> tuple[datetime, datetime]:
    for name, value in (("first", first), ("last", last)):
        if value.tzinfo is None:
            raise InvalidValue("a time span is given with its time zone", field=name)
    start, end = as_utc(first), as_utc(last)
    if end <= start:
        raise InvalidValue("the end of the span comes after its start", field="last")
    return start, end
