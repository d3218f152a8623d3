"""A class (division): the group of students who follow the same timetable."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import natural_id
from domain.values import parse_optional_text, parse_text

MAX_CODE_LENGTH = 20


def parse_class_code(value: str, field: str = "class_code") -> str:
    """A class code as SIECLE and STS-WEB write it ("3A", "2NDE1"): kept as given, spaces trimmed."""
    return parse_text(value, field, max_length=MAX_CODE_LENGTH)


class SchoolClass(Aggregate):
    """A class of the base, keyed by its code."""

    class Created(Aggregate.Created):
        code: str
        label: str
        level: str | None

    @staticmethod
    def create_id(code: str) -> UUID:
        return natural_id("class", code)

    @classmethod
    def open(cls, *, code: str, label: str, level: str | None) -> SchoolClass:
        """Open a class; the code is its natural key within the base. Imports may not know the level."""
        return cls(
            code=parse_class_code(code, "code"),
            label=parse_text(label, "label"),
            level=parse_optional_text(level, "level", max_length=20),
        )

    @event(Created)
    def __init__(self, *, code: str, label: str, level: str | None) -> None:
        self.code = code
        self.label = label
        self.level = level
