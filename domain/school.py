"""The school of one base: who it is and which year the base holds."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import natural_id
from domain.values import parse_school_year, parse_text, parse_uai


class School(Aggregate):
    """One school in one school year; there is exactly one per base."""

    class Registered(Aggregate.Created):
        uai: str
        name: str
        year: int

    @staticmethod
    def create_id(uai: str) -> UUID:
        return natural_id("school", uai)

    @classmethod
    def register(cls, *, uai: str, name: str, year: int) -> School:
        """Register the school of a new base; the values are validated here, once."""
        return cls(uai=parse_uai(uai), name=parse_text(name, "name", max_length=200), year=parse_school_year(year))

    @event(Registered)
    def __init__(self, *, uai: str, name: str, year: int) -> None:
        self.uai = uai
        self.name = name
        self.year = year
