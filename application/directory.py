"""Use cases that build the directory: classes, students, guardians, teachers, staff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.core import BaseCore
from application.unit_of_work import UnitOfWork
from domain.errors import InvalidValue
from domain.guardian import ContactDetails, Guardian
from domain.school_class import SchoolClass, parse_class_code
from domain.staff_member import StaffMember
from domain.student import Student
from domain.teacher import Teacher


@dataclass(frozen=True)
class ChildLink:
    """A guardian's link to a child, as given when the guardian is registered."""

    student_id: UUID
    relationship: str
    legal: bool = True


class DirectoryCommands(BaseCore):
    """Writes of the directory; each takes the unit of work it adds its aggregates to."""

    def open_class(self, unit: UnitOfWork, *, code: str, label: str, level: str) -> UUID:
        school_class = SchoolClass.open(code=code, label=label, level=level)
        return unit.create(school_class, natural_key=f"code {school_class.code!r}").id

    def enrol_student(
        self,
        unit: UnitOfWork,
        *,
        last_name: str,
        first_name: str,
        birth_date: date,
        sex: str,
        ine: str | None = None,
        class_code: str | None = None,
    ) -> UUID:
        if birth_date > self.today():
            raise InvalidValue(f"birth_date {birth_date.isoformat()} is in the future", field="birth_date")
        if class_code is not None:
            self._require_class(unit, class_code)
        student = Student.enrol(
            last_name=last_name, first_name=first_name, birth_date=birth_date, sex=sex, ine=ine, class_code=class_code
        )
        natural_key = f"ine {student.ine!r}" if student.ine else None
        return unit.create(student, natural_key=natural_key).id

    def move_student(self, unit: UnitOfWork, *, student_id: UUID, class_code: str) -> None:
        student = unit.get(Student, student_id, "student")
        self._require_class(unit, class_code)
        student.move_to_class(class_code)

    def register_guardian(
        self,
        unit: UnitOfWork,
        *,
        last_name: str,
        first_name: str,
        civility: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        children: Sequence[ChildLink] = (),
    ) -> UUID:
        contact = ContactDetails.parse(email=email, phone=phone, address=address)
        guardian = Guardian.register(last_name=last_name, first_name=first_name, civility=civility, contact=contact)
        for index, child in enumerate(children):
            self._require_student(unit, child.student_id, f"children[{index}].student_id")
            guardian.link_child(student_id=child.student_id, relationship=child.relationship, legal=child.legal)
        return unit.create(guardian).id

    def link_child(
        self, unit: UnitOfWork, *, guardian_id: UUID, student_id: UUID, relationship: str, legal: bool
    ) -> None:
        guardian = unit.get(Guardian, guardian_id, "guardian")
        self._require_student(unit, student_id, "student_id")
        guardian.link_child(student_id=student_id, relationship=relationship, legal=legal)

    def change_guardian_contact(
        self, unit: UnitOfWork, *, guardian_id: UUID, email: str | None, phone: str | None, address: str | None
    ) -> None:
        guardian = unit.get(Guardian, guardian_id, "guardian")
        guardian.change_contact_details(ContactDetails.parse(email=email, phone=phone, address=address))

    def register_teacher(
        self,
        unit: UnitOfWork,
        *,
        last_name: str,
        first_name: str,
        civility: str | None = None,
        email: str | None = None,
        disciplines: Sequence[str] = (),
    ) -> UUID:
        teacher = Teacher.register(
            last_name=last_name, first_name=first_name, civility=civility, email=email, disciplines=list(disciplines)
        )
        return unit.create(teacher).id

    def register_staff_member(
        self,
        unit: UnitOfWork,
        *,
        last_name: str,
        first_name: str,
        function: str,
        civility: str | None = None,
        email: str | None = None,
    ) -> UUID:
        member = StaffMember.register(
            last_name=last_name, first_name=first_name, function=function, civility=civility, email=email
        )
        return unit.create(member).id

    @staticmethod
    def _require_class(unit: UnitOfWork, class_code: str) -> None:
        code = parse_class_code(class_code)
        if unit.find(SchoolClass, SchoolClass.create_id(code)) is None:
            raise InvalidValue(f"class_code {code!r} is not a class of this school", field="class_code")

    @staticmethod
    def _require_student(unit: UnitOfWork, student_id: UUID, field: str) -> None:
        if unit.find(Student, student_id) is None:
            raise InvalidValue(f"{field} {student_id} is not a student of this school", field=field)
