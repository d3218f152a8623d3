"""A member of staff who is not a teacher: direction, CPE, secretaries, AESH, ATSEM, town hall…"""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.external_ids import ExternallyIdentified
from domain.people import parse_civility
from domain.values import StaffFunction, parse_choice, parse_email, parse_text


class StaffMember(ExternallyIdentified):
    """A staff member and their function in the school."""

    class Registered(Aggregate.Created):
        civility: str | None
        last_name: str
        first_name: str
        function: str
        email: str | None

    class ExternalIdRecorded(ExternallyIdentified.ExternalIdRecorded):
        pass

    class AccountOpened(ExternallyIdentified.AccountOpened):
        pass

    class AssignmentChanged(Aggregate.Event):
        """Students a support assistant (AESH) starts or stops accompanying."""

        added: list[UUID]
        removed: list[UUID]

    class DetailsCorrected(Aggregate.Event):
        civility: str | None
        last_name: str
        first_name: str
        function: str

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @classmethod
    def register(
        cls, *, last_name: str, first_name: str, function: str, civility: str | None = None, email: str | None = None
    ) -> StaffMember:
        return cls(
            civility=parse_civility(civility),
            last_name=parse_text(last_name, "last_name"),
            first_name=parse_text(first_name, "first_name"),
            function=parse_choice(StaffFunction, function, "function").value,
            email=parse_email(email),
        )

    @event(Registered)
    def __init__(
        self, *, civility: str | None, last_name: str, first_name: str, function: str, email: str | None
    ) -> None:
        self.civility = civility
        self.last_name = last_name
        self.first_name = first_name
        self.function = function
        self.assigned: frozenset[UUID] = frozenset()
        self.email = email

    def correct_details(self, *, civility: str | None, last_name: str, first_name: str, function: str) -> None:
        details = (
            parse_civility(civility),
            parse_text(last_name, "last_name"),
            parse_text(first_name, "first_name"),
            parse_choice(StaffFunction, function, "function").value,
        )
        if details == (self.civility, self.last_name, self.first_name, self.function):
            raise RuleViolated("the staff member's details are unchanged")
        self._details_corrected(civility=details[0], last_name=details[1], first_name=details[2], function=details[3])

    @event(DetailsCorrected)
    def _details_corrected(self, *, civility: str | None, last_name: str, first_name: str, function: str) -> None:
        self.civility, self.last_name, self.first_name, self.function = civility, last_name, first_name, function

    def assign_students(self, student_ids: set[UUID]) -> None:
        """Only an AESH accompanies students; the list replaces the previous one."""
        if self.function != StaffFunction.AESH.value:
            raise RuleViolated("only a support assistant (AESH) has students assigned", field="student_ids")
        if frozenset(student_ids) == self.assigned:
            raise RuleViolated("the assigned students are unchanged", field="student_ids")
        self._assignment_changed(
            added=sorted(student_ids - self.assigned, key=str), removed=sorted(self.assigned - student_ids, key=str)
        )

    @event(AssignmentChanged)
    def _assignment_changed(self, *, added: list[UUID], removed: list[UUID]) -> None:
        self.assigned = (self.assigned | set(added)) - set(removed)
