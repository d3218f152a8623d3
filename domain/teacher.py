"""A teacher (professeur) of the base and the disciplines they teach."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.people import parse_civility
from domain.values import parse_email, parse_text


class Teacher(Aggregate):
    """A teacher; STS-WEB's ``INDIVIDU@ID`` is an attribute found by lookup, never the id."""

    class Registered(Aggregate.Created):
        civility: str | None
        last_name: str
        first_name: str
        email: str | None
        disciplines: list[str]

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @classmethod
    def register(
        cls,
        *,
        last_name: str,
        first_name: str,
        civility: str | None = None,
        email: str | None = None,
        disciplines: list[str] | None = None,
    ) -> Teacher:
        return cls(
            civility=parse_civility(civility),
            last_name=parse_text(last_name, "last_name"),
            first_name=parse_text(first_name, "first_name"),
            email=parse_email(email),
            disciplines=[parse_text(d, f"disciplines[{i}]") for i, d in enumerate(disciplines or [])],
        )

    @event(Registered)
    def __init__(
        self, *, civility: str | None, last_name: str, first_name: str, email: str | None, disciplines: list[str]
    ) -> None:
        self.civility = civility
        self.last_name = last_name
        self.first_name = first_name
        self.email = email
        self.disciplines = list(disciplines)
