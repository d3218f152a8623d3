"""A student (élève) of the base and the class they are in."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.ids import natural_id
from domain.school_class import parse_class_code
from domain.values import Sex, parse_birth_date, parse_choice, parse_ine, parse_text


class Student(Aggregate):
    """A student; keyed by INE when it is known, so that enrolling the same INE twice is refused."""

    class Enrolled(Aggregate.Created):
        ine: str | None
        last_name: str
        first_name: str
        birth_date: date
        sex: str
        class_code: str | None

    class MovedToClass(Aggregate.Event):
        class_code: str

    @staticmethod
    def create_id(ine: str | None) -> UUID:
        return natural_id("student", ine) if ine else uuid4()

    @classmethod
    def enrol(
        cls,
        *,
        last_name: str,
        first_name: str,
        birth_date: date,
        sex: str,
        ine: str | None = None,
        class_code: str | None = None,
    ) -> Student:
        """Enrol a student; the caller has checked that the class exists."""
        return cls(
            ine=parse_ine(ine) if ine else None,
            last_name=parse_text(last_name, "last_name"),
            first_name=parse_text(first_name, "first_name"),
            birth_date=parse_birth_date(birth_date),
            sex=parse_choice(Sex, sex, "sex").value,
            class_code=parse_class_code(class_code) if class_code else None,
        )

    @event(Enrolled)
    def __init__(
        self,
        *,
        ine: str | None,
        last_name: str,
        first_name: str,
        birth_date: date,
        sex: str,
        class_code: str | None,
    ) -> None:
        self.ine = ine
        self.last_name = last_name
        self.first_name = first_name
        self.birth_date = birth_date
        self.sex = sex
        self.class_code = class_code

    def move_to_class(self, class_code: str) -> None:
        """Move the student to another class; the old one stays in the history."""
        code = parse_class_code(class_code)
        if code == self.class_code:
            raise RuleViolated(f"the student is already in class {code!r}", field="class_code")
        self._moved_to_class(class_code=code)

    @event(MovedToClass)
    def _moved_to_class(self, *, class_code: str) -> None:
        self.class_code = class_code
