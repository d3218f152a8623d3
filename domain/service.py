"""A service (service de notation): one subject taught to one class or group by its teachers.

Bulletins and registers hang off services; STS-WEB is where they come from.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.ids import natural_id
from domain.school_class import parse_class_code
from domain.values import parse_optional_text, parse_text


class Service(Aggregate):
    """Keyed by subject, course mode and class or group: the same service twice is one service."""

    class Created(Aggregate.Created):
        subject_code: str
        subject_label: str | None
        course_mode: str
        class_code: str | None
        group_code: str | None
        teacher_ids: list[UUID]

    class TeachersChanged(Aggregate.Event):
        teacher_ids: list[UUID]

    @staticmethod
    def create_id(subject_code: str, course_mode: str, class_code: str | None, group_code: str | None) -> UUID:
        where = f"class:{class_code}" if class_code is not None else f"group:{group_code}"
        return natural_id("service", f"{subject_code}|{course_mode}|{where}")

    @classmethod
    def open(
        cls,
        *,
        subject_code: str,
        subject_label: str | None,
        course_mode: str,
        class_code: str | None,
        group_code: str | None,
        teacher_ids: list[UUID],
    ) -> Service:
        if (class_code is None) == (group_code is None):
            raise InvalidValue("a service is for one class or one group", field="class_code")
        return cls(
            subject_code=parse_text(subject_code, "subject_code", max_length=20),
            subject_label=parse_optional_text(subject_label, "subject_label"),
            course_mode=parse_text(course_mode, "course_mode", max_length=10),
            class_code=parse_class_code(class_code) if class_code is not None else None,
            group_code=parse_class_code(group_code, "group_code") if group_code is not None else None,
            teacher_ids=list(dict.fromkeys(teacher_ids)),
        )

    @event(Created)
    def __init__(
        self,
        *,
        subject_code: str,
        subject_label: str | None,
        course_mode: str,
        class_code: str | None,
        group_code: str | None,
        teacher_ids: list[UUID],
    ) -> None:
        self.subject_code = subject_code
        self.subject_label = subject_label
        self.course_mode = course_mode
        self.class_code = class_code
        self.group_code = group_code
        self.teacher_ids = list(teacher_ids)

    def change_teachers(self, teacher_ids: list[UUID]) -> None:
        values = list(dict.fromkeys(teacher_ids))
        if values == self.teacher_ids:
            raise RuleViolated("the service's teachers are unchanged", field="teacher_ids")
        self._teachers_changed(teacher_ids=values)

    @event(TeachersChanged)
    def _teachers_changed(self, *, teacher_ids: list[UUID]) -> None:
        self.teacher_ids = list(teacher_ids)
