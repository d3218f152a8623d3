"""Reads of the directory, each journaled: who read whose personal data, which categories, why.

Routes never call a projection directly; they come here, so that no personal data leaves the
service without a line in the school's RGPD access journal. The journal line is written before
the data is returned: a read that cannot be journaled is not served.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from sqlalchemy import Connection

from application.core import JOURNAL_ATTEMPTS, BaseCore
from application.errors import NotFound
from application.permissions import Principal
from domain.espaces import Role
from domain.session import Session
from projections.directory_records import ClassItem, GuardianItem, StaffItem, StudentItem, StudentRecord, TeacherItem

PURPOSE = "directory"
STUDENT_RECORD = ["identity", "schooling", "family"]
GUARDIAN_RECORD = ["identity", "contact", "family"]
PERSON_RECORD = ["identity", "contact"]


class DirectoryQueries(BaseCore):
    """What staff read of the directory."""

    def list_classes(self, principal: Principal) -> list[ClassItem]:
        with self.reading() as connection:
            return self.directory.list_classes(connection)

    def get_class(self, principal: Principal, code: str) -> ClassItem:
        with self.reading() as connection:
            item = self.directory.find_class(connection, code)
        if item is None:
            raise NotFound(f"class {code!r} does not exist")
        return item

    def student_scope(self, connection: Connection, principal: Principal) -> set[UUID] | None:
        """The students the caller may see, or None for all of them.

        Guardians see their children, students themselves, teachers the students of their classes
        and groups (unless their profile sees all, like documentalists), support assistants the
        students assigned to them.
        """
        if principal.sees_all_students:
            return None
        return self.students_reached(connection, principal.role, principal.person_id)

    def students_reached(self, connection: Connection, role: Role, person: UUID | None) -> set[UUID]:
        """The students a person of that role reaches when they do not see them all."""
        scopes: dict[Role, Callable[[Connection, UUID], set[UUID]]] = {
            Role.GUARDIAN: self.directory.children_of,
            Role.STUDENT: lambda _, student_id: {student_id},
            Role.TEACHER: self.directory.students_taught_by,
            Role.SUPPORT_ASSISTANT: self.directory.students_assigned_to,
        }
        scope = scopes.get(role)
        return scope(connection, person) if scope is not None and person is not None else set()

    def require_student(self, student_id: UUID) -> None:
        """A student of the base, for the office's commands (who see every student)."""
        with self.reading() as connection:
            if self.directory.get_student(connection, student_id) is None:
                raise NotFound(f"student {student_id} does not exist")

    def require_student_in_scope(self, principal: Principal, student_id: UUID) -> None:
        """Out of scope is not found: a family never learns that another child exists."""
        with self.reading() as connection:
            scope = self.student_scope(connection, principal)
            exists = self.directory.get_student(connection, student_id) is not None
        if not exists or (scope is not None and student_id not in scope):
            raise NotFound(f"student {student_id} does not exist")

    def list_students(self, principal: Principal, class_code: str | None = None) -> list[StudentItem]:
        with self.reading() as connection:
            items = self.directory.list_students(connection, class_code)
            scope = self.student_scope(connection, principal)
        if scope is not None:
            items = [item for item in items if item.id in scope]
        filters = {"class_code": class_code} if class_code is not None else {}
        self._journal_list(principal, "students", filters, len(items))
        return items

    def get_student(self, principal: Principal, student_id: UUID) -> StudentRecord:
        with self.reading() as connection:
            record = self.directory.get_student(connection, student_id)
            scope = self.student_scope(connection, principal)
        if record is None or (scope is not None and student_id not in scope):
            raise NotFound(f"student {student_id} does not exist")
        self._journal_record(principal, "student", student_id, STUDENT_RECORD)
        return record

    def list_guardians(self, principal: Principal) -> list[GuardianItem]:
        with self.reading() as connection:
            items = self.directory.list_guardians(connection)
            scope = self.student_scope(connection, principal)
        if scope is not None:
            items = [item for item in items if _guardian_in(scope, item)]
        self._journal_list(principal, "guardians", {}, len(items))
        return items

    def get_guardian(self, principal: Principal, guardian_id: UUID) -> GuardianItem:
        with self.reading() as connection:
            item = self.directory.get_guardian(connection, guardian_id)
            scope = self.student_scope(connection, principal)
        if item is None or (scope is not None and not _guardian_in(scope, item)):
            raise NotFound(f"guardian {guardian_id} does not exist")
        self._journal_record(principal, "guardian", guardian_id, GUARDIAN_RECORD)
        return item

    def list_teachers(self, principal: Principal) -> list[TeacherItem]:
        with self.reading() as connection:
            items = self.directory.list_teachers(connection)
        self._journal_list(principal, "teachers", {}, len(items))
        return items

    def get_teacher(self, principal: Principal, teacher_id: UUID) -> TeacherItem:
        with self.reading() as connection:
            item = self.directory.get_teacher(connection, teacher_id)
        if item is None:
            raise NotFound(f"teacher {teacher_id} does not exist")
        self._journal_record(principal, "teacher", teacher_id, PERSON_RECORD)
        return item

    def list_staff(self, principal: Principal) -> list[StaffItem]:
        with self.reading() as connection:
            items = self.directory.list_staff(connection)
        self._journal_list(principal, "staff", {}, len(items))
        return items

    def get_staff_member(self, principal: Principal, staff_id: UUID) -> StaffItem:
        with self.reading() as connection:
            item = self.directory.get_staff_member(connection, staff_id)
        if item is None:
            raise NotFound(f"staff member {staff_id} does not exist")
        self._journal_record(principal, "staff", staff_id, PERSON_RECORD)
        return item

    def _journal_record(self, principal: Principal, subject_type: str, subject_id: UUID, categories: list[str]) -> None:
        self._journal(
            principal,
            lambda session: session.consult_record(
                subject_type=subject_type, subject_id=subject_id, categories=categories, purpose=PURPOSE
            ),
        )

    def _journal_list(self, principal: Principal, resource: str, filters: dict[str, str], count: int) -> None:
        self._journal(principal, lambda session: session.consult_list(resource=resource, filters=filters, count=count))

    def _journal(self, principal: Principal, write: Callable[[Session], None]) -> None:
        self.execute(lambda unit: write(unit.get(Session, principal.session_id, "session")), attempts=JOURNAL_ATTEMPTS)


def _guardian_in(scope: set[UUID], guardian: GuardianItem) -> bool:
    """A guardian is in a caller's scope through a child who is."""
    return any(child.student_id in scope for child in guardian.children)
