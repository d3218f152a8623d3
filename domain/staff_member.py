"""A member of staff who is not a teacher: direction, CPE, secretaries, AESH, ATSEM, town hall…"""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.people import parse_civility
from domain.values import StaffFunction, parse_choice, parse_email, parse_text


class StaffMember(Aggregate):
    """A staff member and their function in the school."""

    class Registered(Aggregate.Created):
        civility: str | None
        last_name: str
        first_name: str
        function: str
        email: str | None

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
        self.email = email
