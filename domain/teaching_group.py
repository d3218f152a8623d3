"""A teaching group (groupe): part of one class, or students drawn from several (STS ``GROUPE``)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.ids import natural_id
from domain.school_class import parse_class_code
from domain.values import parse_optional_text


class TeachingGroup(Aggregate):
    """A group keyed by its code, as SIECLE (structure G) and STS-WEB name it."""

    class Created(Aggregate.Created):
        code: str
        label: str | None
        class_codes: list[str]

    class ClassesChanged(Aggregate.Event):
        class_codes: list[str]

    @staticmethod
    def create_id(code: str) -> UUID:
        return natural_id("group", code)

    @classmethod
    def open(cls, *, code: str, label: str | None, class_codes: list[str]) -> TeachingGroup:
        return cls(
            code=parse_class_code(code, "code"),
            label=parse_optional_text(label, "label"),
            class_codes=sorted({parse_class_code(c) for c in class_codes}),
        )

    @event(Created)
    def __init__(self, *, code: str, label: str | None, class_codes: list[str]) -> None:
        self.code = code
        self.label = label
        self.class_codes = list(class_codes)

    def change_classes(self, class_codes: list[str]) -> None:
        values = sorted({parse_class_code(c) for c in class_codes})
        if values == self.class_codes:
            raise RuleViolated("the group's classes are unchanged", field="class_codes")
        self._classes_changed(class_codes=values)

    @event(ClassesChanged)
    def _classes_changed(self, *, class_codes: list[str]) -> None:
        self.class_codes = list(class_codes)
