"""The directory: classes, students, guardians, teachers and staff, as people read them.

Rows are keyed by aggregate id and written whole (upserts), so replaying an event gives the same
row; the class history keeps one row per move, keyed by the student's event version.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.account import Account
from domain.external_ids import ExternallyIdentified
from domain.guardian import Guardian
from domain.school_class import SchoolClass
from domain.service import Service
from domain.staff_member import StaffMember
from domain.student import Student
from domain.teacher import Teacher
from domain.teaching_group import TeachingGroup
from domain.values import MealPlan, as_utc, sort_key
from projections.batch import RowBatch
from projections.directory_records import (
    ClassItem,
    ClassMove,
    GuardianChild,
    GuardianItem,
    StaffItem,
    StudentGuardian,
    StudentItem,
    StudentRecord,
    TeacherItem,
)
from projections.directory_tables import (
    account_states,
    accounts,
    assignments,
    class_history,
    classes,
    exit_authorisations,
    external_ids,
    groups,
    guardian_links,
    guardians,
    meal_plans,
    metadata,
    services,
    staff,
    student_groups,
    students,
    teachers,
)
from projections.engine import Projection, handles


class Directory(Projection):
    """Who is in the school; the lists the staff read and every person's record."""

    name = "directory"
    metadata = metadata

    # -- handlers ---------------------------------------------------------------------------------

    @handles(SchoolClass.Created)
    def _class_created(self, batch: RowBatch, e: SchoolClass.Created) -> None:
        batch.upsert(classes, {"id": str(e.originator_id), "code": e.code, "label": e.label, "level": e.level})

    @handles(Student.Enrolled)
    def _student_enrolled(self, batch: RowBatch, e: Student.Enrolled) -> None:
        student_id = str(e.originator_id)
        batch.upsert(
            students,
            {
                "id": student_id,
                "ine": e.ine,
                "last_name": e.last_name,
                "first_name": e.first_name,
                "birth_date": e.birth_date,
                "sex": e.sex,
                "class_code": e.class_code,
                "sort_key": sort_key(e.last_name, e.first_name),
                "enrolled_at": e.timestamp,
                "left_on": None,
            },
        )
        if e.class_code is not None:
            batch.upsert(
                class_history,
                {
                    "student_id": student_id,
                    "version": e.originator_version,
                    "class_code": e.class_code,
                    "since": e.timestamp,
                },
            )

    @handles(Student.MovedToClass)
    def _student_moved(self, batch: RowBatch, e: Student.MovedToClass) -> None:
        student_id = str(e.originator_id)
        batch.update(students, {"id": student_id}, {"class_code": e.class_code})
        batch.upsert(
            class_history,
            {
                "student_id": student_id,
                "version": e.originator_version,
                "class_code": e.class_code,
                "since": e.timestamp,
            },
        )

    @handles(Student.IneRecorded)
    def _student_ine(self, batch: RowBatch, e: Student.IneRecorded) -> None:
        batch.update(students, {"id": str(e.originator_id)}, {"ine": e.ine})

    @handles(Student.DetailsCorrected)
    def _student_corrected(self, batch: RowBatch, e: Student.DetailsCorrected) -> None:
        values = {"last_name": e.last_name, "first_name": e.first_name, "birth_date": e.birth_date, "sex": e.sex}
        batch.update(
            students, {"id": str(e.originator_id)}, {**values, "sort_key": sort_key(e.last_name, e.first_name)}
        )

    @handles(Student.JoinedGroup)
    def _student_joined_group(self, batch: RowBatch, e: Student.JoinedGroup) -> None:
        batch.upsert(student_groups, {"student_id": str(e.originator_id), "group_code": e.group_code})

    @handles(Student.LeftGroup)
    def _student_left_group(self, batch: RowBatch, e: Student.LeftGroup) -> None:
        batch.delete(student_groups, {"student_id": str(e.originator_id), "group_code": e.group_code})

    @handles(Student.MealPlanChanged)
    def _student_meal_plan(self, batch: RowBatch, e: Student.MealPlanChanged) -> None:
        key = {"student_id": str(e.originator_id)}
        if e.meal_plan == MealPlan.EXTERNAL:
            batch.delete(meal_plans, key)
        else:
            batch.upsert(meal_plans, {**key, "meal_plan": e.meal_plan})

    @handles(Student.ExitAuthorisationChanged)
    def _student_exit(self, batch: RowBatch, e: Student.ExitAuthorisationChanged) -> None:
        key = {"student_id": str(e.originator_id)}
        if e.authorised:
            batch.upsert(exit_authorisations, key)
        else:
            batch.delete(exit_authorisations, key)

    @handles(Student.Left)
    def _student_left(self, batch: RowBatch, e: Student.Left) -> None:
        batch.update(students, {"id": str(e.originator_id)}, {"left_on": e.on})

    @handles(Student.Readmitted)
    def _student_readmitted(self, batch: RowBatch, e: Student.Readmitted) -> None:
        batch.update(students, {"id": str(e.originator_id)}, {"left_on": None})

    @handles(
        Student.ExternalIdRecorded,
        Guardian.ExternalIdRecorded,
        Teacher.ExternalIdRecorded,
        StaffMember.ExternalIdRecorded,
    )
    def _external_id(self, batch: RowBatch, e: ExternallyIdentified.ExternalIdRecorded) -> None:
        kind = type(e).__qualname__.split(".")[0]
        batch.upsert(
            external_ids,
            {"system": e.system, "external_id": e.external_id, "kind": kind, "aggregate_id": str(e.originator_id)},
        )

    @handles(TeachingGroup.Created)
    def _group_created(self, batch: RowBatch, e: TeachingGroup.Created) -> None:
        row = {"id": str(e.originator_id), "code": e.code, "label": e.label, "class_codes": list(e.class_codes)}
        batch.upsert(groups, row)

    @handles(TeachingGroup.ClassesChanged)
    def _group_classes_changed(self, batch: RowBatch, e: TeachingGroup.ClassesChanged) -> None:
        batch.update(groups, {"id": str(e.originator_id)}, {"class_codes": list(e.class_codes)})

    @handles(Service.Created)
    def _service_created(self, batch: RowBatch, e: Service.Created) -> None:
        batch.upsert(
            services,
            {
                "id": str(e.originator_id),
                "subject_code": e.subject_code,
                "subject_label": e.subject_label,
                "course_mode": e.course_mode,
                "class_code": e.class_code,
                "group_code": e.group_code,
                "teacher_ids": [str(t) for t in e.teacher_ids],
            },
        )

    @handles(Service.TeachersChanged)
    def _service_teachers_changed(self, batch: RowBatch, e: Service.TeachersChanged) -> None:
        batch.update(services, {"id": str(e.originator_id)}, {"teacher_ids": [str(t) for t in e.teacher_ids]})

    @handles(Guardian.DetailsCorrected)
    def _guardian_corrected(self, batch: RowBatch, e: Guardian.DetailsCorrected) -> None:
        values = {"civility": e.civility, "last_name": e.last_name, "first_name": e.first_name}
        batch.update(
            guardians, {"id": str(e.originator_id)}, {**values, "sort_key": sort_key(e.last_name, e.first_name)}
        )

    @handles(Guardian.LinkChanged)
    def _guardian_link_changed(self, batch: RowBatch, e: Guardian.LinkChanged) -> None:
        key = {"guardian_id": str(e.originator_id), "student_id": str(e.student_id)}
        batch.update(guardian_links, key, {"relationship": e.relationship, "legal": e.legal})

    @handles(Guardian.ContactPriorityChanged)
    def _guardian_priority_changed(self, batch: RowBatch, e: Guardian.ContactPriorityChanged) -> None:
        key = {"guardian_id": str(e.originator_id), "student_id": str(e.student_id)}
        batch.update(guardian_links, key, {"priority": e.priority})

    @handles(Teacher.DetailsCorrected)
    def _teacher_corrected(self, batch: RowBatch, e: Teacher.DetailsCorrected) -> None:
        values = {"civility": e.civility, "last_name": e.last_name, "first_name": e.first_name}
        batch.update(
            teachers, {"id": str(e.originator_id)}, {**values, "sort_key": sort_key(e.last_name, e.first_name)}
        )

    @handles(Teacher.DisciplinesChanged)
    def _teacher_disciplines(self, batch: RowBatch, e: Teacher.DisciplinesChanged) -> None:
        batch.update(teachers, {"id": str(e.originator_id)}, {"disciplines": list(e.disciplines)})

    @handles(Teacher.PrincipalClassesChanged)
    def _teacher_principal_of(self, batch: RowBatch, e: Teacher.PrincipalClassesChanged) -> None:
        batch.update(teachers, {"id": str(e.originator_id)}, {"principal_of": list(e.class_codes)})

    @handles(StaffMember.AssignmentChanged)
    def _assignment_changed(self, batch: RowBatch, e: StaffMember.AssignmentChanged) -> None:
        staff_id = str(e.originator_id)
        for student_id in e.removed:
            batch.delete(assignments, {"staff_id": staff_id, "student_id": str(student_id)})
        for student_id in e.added:
            batch.upsert(assignments, {"staff_id": staff_id, "student_id": str(student_id)})

    @handles(
        Student.AccountOpened,
        Guardian.AccountOpened,
        Teacher.AccountOpened,
        StaffMember.AccountOpened,
    )
    def _account_opened(self, batch: RowBatch, e: ExternallyIdentified.AccountOpened) -> None:
        kind = {
            Student.AccountOpened: "student",
            Guardian.AccountOpened: "guardian",
            Teacher.AccountOpened: "teacher",
            StaffMember.AccountOpened: "staff",
        }[type(e)]
        batch.upsert(
            accounts,
            {
                "person_id": str(e.originator_id),
                "person_kind": kind,
                "account_id": str(e.account_id),
                "login": e.login,
            },
        )

    @handles(Account.Created, Account.PasswordReset)
    def _provisional_password(self, batch: RowBatch, e: Account.Created | Account.PasswordReset) -> None:
        batch.upsert(account_states, {"account_id": str(e.originator_id), "must_change_password": True})

    @handles(Account.PasswordChanged)
    def _password_chosen(self, batch: RowBatch, e: Account.PasswordChanged) -> None:
        batch.upsert(account_states, {"account_id": str(e.originator_id), "must_change_password": False})

    @handles(StaffMember.DetailsCorrected)
    def _staff_corrected(self, batch: RowBatch, e: StaffMember.DetailsCorrected) -> None:
        values = {"civility": e.civility, "last_name": e.last_name, "first_name": e.first_name, "function": e.function}
        batch.update(staff, {"id": str(e.originator_id)}, {**values, "sort_key": sort_key(e.last_name, e.first_name)})

    @handles(Guardian.Registered)
    def _guardian_registered(self, batch: RowBatch, e: Guardian.Registered) -> None:
        batch.upsert(
            guardians,
            {
                "id": str(e.originator_id),
                "civility": e.civility,
                "last_name": e.last_name,
                "first_name": e.first_name,
                "email": e.email,
                "phone": e.phone,
                "address": e.address,
                "sort_key": sort_key(e.last_name, e.first_name),
            },
        )

    @handles(Guardian.ContactDetailsChanged)
    def _guardian_contact_changed(self, batch: RowBatch, e: Guardian.ContactDetailsChanged) -> None:
        batch.update(
            guardians, {"id": str(e.originator_id)}, {"email": e.email, "phone": e.phone, "address": e.address}
        )

    @handles(Guardian.ChildLinked)
    def _guardian_child_linked(self, batch: RowBatch, e: Guardian.ChildLinked) -> None:
        batch.upsert(
            guardian_links,
            {
                "guardian_id": str(e.originator_id),
                "student_id": str(e.student_id),
                "relationship": e.relationship,
                "legal": e.legal,
                "priority": False,
            },
        )

    @handles(Teacher.Registered)
    def _teacher_registered(self, batch: RowBatch, e: Teacher.Registered) -> None:
        batch.upsert(
            teachers,
            {
                "id": str(e.originator_id),
                "civility": e.civility,
                "last_name": e.last_name,
                "first_name": e.first_name,
                "email": e.email,
                "disciplines": list(e.disciplines),
                "principal_of": [],
                "sort_key": sort_key(e.last_name, e.first_name),
            },
        )

    @handles(StaffMember.Registered)
    def _staff_registered(self, batch: RowBatch, e: StaffMember.Registered) -> None:
        batch.upsert(
            staff,
            {
                "id": str(e.originator_id),
                "civility": e.civility,
                "last_name": e.last_name,
                "first_name": e.first_name,
                "function": e.function,
                "email": e.email,
                "sort_key": sort_key(e.last_name, e.first_name),
            },
        )

    # -- queries ----------------------------------------------------------------------------------

    @staticmethod
    def children_of(connection: Connection, guardian_id: UUID) -> set[UUID]:
        """The students a guardian is the legal guardian of (what a family's Espace may show)."""
        rows = connection.execute(
            select(guardian_links.c.student_id).where(
                guardian_links.c.guardian_id == str(guardian_id), guardian_links.c.legal.is_(True)
            )
        )
        return {UUID(r) for (r,) in rows}

    @staticmethod
    def students_assigned_to(connection: Connection, staff_id: UUID) -> set[UUID]:
        rows = connection.execute(select(assignments.c.student_id).where(assignments.c.staff_id == str(staff_id)))
        return {UUID(r) for (r,) in rows}

    @staticmethod
    def logins_of(connection: Connection, person_ids: set[UUID] | None = None) -> dict[UUID, str]:
        """The login of each person who has an account (of those given, or of everyone)."""
        query = select(accounts.c.person_id, accounts.c.login)
        if person_ids is not None:
            query = query.where(accounts.c.person_id.in_([str(p) for p in person_ids]))
        return {UUID(person): login for person, login in connection.execute(query)}

    @staticmethod
    def students_taught_by(connection: Connection, teacher_id: UUID) -> set[UUID]:
        """The students of the classes and groups a teacher has a service in, or is principal teacher of."""
        class_codes: set[str] = set()
        group_codes: set[str] = set()
        for class_code, group_code, teacher_ids in connection.execute(
            select(services.c.class_code, services.c.group_code, services.c.teacher_ids)
        ):
            if str(teacher_id) in teacher_ids:
                if class_code is not None:
                    class_codes.add(class_code)
                if group_code is not None:
                    group_codes.add(group_code)
        principal_of = connection.execute(
            select(teachers.c.principal_of).where(teachers.c.id == str(teacher_id))
        ).scalar_one_or_none()
        class_codes.update(principal_of or [])
        in_classes = connection.execute(select(students.c.id).where(students.c.class_code.in_(class_codes)))
        in_groups = connection.execute(
            select(student_groups.c.student_id).where(student_groups.c.group_code.in_(group_codes))
        )
        return {UUID(r) for (r,) in in_classes} | {UUID(r) for (r,) in in_groups}

    @staticmethod
    def list_classes(connection: Connection) -> list[ClassItem]:
        rows = connection.execute(select(classes).order_by(classes.c.level, classes.c.code)).mappings()
        return [ClassItem(id=UUID(r["id"]), code=r["code"], label=r["label"], level=r["level"]) for r in rows]

    @staticmethod
    def find_class(connection: Connection, code: str) -> ClassItem | None:
        row = connection.execute(select(classes).where(classes.c.code == code)).mappings().first()
        return (
            None
            if row is None
            else ClassItem(id=UUID(row["id"]), code=row["code"], label=row["label"], level=row["level"])
        )

    @staticmethod
    def list_students(connection: Connection, class_code: str | None = None) -> list[StudentItem]:
        query = select(students).order_by(students.c.sort_key, students.c.id)
        if class_code is not None:
            query = query.where(students.c.class_code == class_code)
        return [_student(r) for r in connection.execute(query).mappings()]

    @staticmethod
    def get_student(connection: Connection, student_id: UUID) -> StudentRecord | None:
        row = connection.execute(select(students).where(students.c.id == str(student_id))).mappings().first()
        if row is None:
            return None
        history = connection.execute(
            select(class_history.c.class_code, class_history.c.since)
            .where(class_history.c.student_id == str(student_id))
            .order_by(class_history.c.version)
        ).all()
        return StudentRecord(
            student=_student(row),
            class_history=[ClassMove(class_code=code, since=as_utc(since)) for code, since in history],
            groups=list(
                connection.execute(
                    select(student_groups.c.group_code)
                    .where(student_groups.c.student_id == str(student_id))
                    .order_by(student_groups.c.group_code)
                ).scalars()
            ),
            guardians=_guardians_of(connection, str(student_id)),
        )

    @staticmethod
    def list_guardians(connection: Connection) -> list[GuardianItem]:
        rows = connection.execute(select(guardians).order_by(guardians.c.sort_key, guardians.c.id)).mappings().all()
        children: dict[str, list[GuardianChild]] = {}
        for guardian_id, child in _children(connection, None):
            children.setdefault(guardian_id, []).append(child)
        return [_guardian(r, children.get(r["id"], [])) for r in rows]

    @staticmethod
    def get_guardian(connection: Connection, guardian_id: UUID) -> GuardianItem | None:
        row = connection.execute(select(guardians).where(guardians.c.id == str(guardian_id))).mappings().first()
        if row is None:
            return None
        return _guardian(row, [child for _, child in _children(connection, str(guardian_id))])

    @staticmethod
    def list_teachers(connection: Connection) -> list[TeacherItem]:
        rows = connection.execute(select(teachers).order_by(teachers.c.sort_key, teachers.c.id)).mappings()
        return [_teacher(r) for r in rows]

    @staticmethod
    def get_teacher(connection: Connection, teacher_id: UUID) -> TeacherItem | None:
        row = connection.execute(select(teachers).where(teachers.c.id == str(teacher_id))).mappings().first()
        return None if row is None else _teacher(row)

    @staticmethod
    def list_staff(connection: Connection) -> list[StaffItem]:
        rows = connection.execute(select(staff).order_by(staff.c.sort_key, staff.c.id)).mappings()
        return [_staff(r) for r in rows]

    @staticmethod
    def get_staff_member(connection: Connection, staff_id: UUID) -> StaffItem | None:
        row = connection.execute(select(staff).where(staff.c.id == str(staff_id))).mappings().first()
        return None if row is None else _staff(row)

    @staticmethod
    def count_people(connection: Connection) -> int:
        """How many people the directory holds; the demo refuses a base that already has some."""
        total = 0
        for table in (students, guardians, teachers, staff):
            total += len(connection.execute(select(table.c.id).limit(1)).all())
        return total

    @staticmethod
    def accounts_list(connection: Connection, person_kinds: set[str] | None = None) -> list[dict[str, Any]]:
        """Who has an account, with their names: students (and their class), guardians, teachers, staff
        (and their function), each kind sorted by name. Keys: person_id, person_kind, account_id, login,
        last_name, first_name, class_code, function, must_change_password."""
        people = (("student", students), ("guardian", guardians), ("teacher", teachers), ("staff", staff))
        found: list[dict[str, Any]] = []
        for kind, table in people:
            if person_kinds is not None and kind not in person_kinds:
                continue
            query = (
                select(accounts, table, account_states.c.must_change_password)
                .join(table, table.c.id == accounts.c.person_id)
                .join(account_states, account_states.c.account_id == accounts.c.account_id)
                .where(accounts.c.person_kind == kind)
                .order_by(table.c.sort_key, table.c.id)
            )
            found += [
                {
                    "person_id": UUID(r["person_id"]),
                    "person_kind": kind,
                    "account_id": UUID(r["account_id"]),
                    "login": r["login"],
                    "last_name": r["last_name"],
                    "first_name": r["first_name"],
                    "class_code": r.get("class_code"),
                    "function": r.get("function"),
                    "must_change_password": r["must_change_password"],
                }
                for r in connection.execute(query).mappings()
            ]
        return found


def _student(r: Any) -> StudentItem:
    return StudentItem(
        id=UUID(r["id"]),
        ine=r["ine"],
        last_name=r["last_name"],
        first_name=r["first_name"],
        birth_date=r["birth_date"],
        sex=r["sex"],
        class_code=r["class_code"],
        left_on=r["left_on"],
    )


def _guardians_of(connection: Connection, student_id: str) -> list[StudentGuardian]:
    query = (
        select(guardian_links, guardians)
        .join(guardians, guardians.c.id == guardian_links.c.guardian_id)
        .where(guardian_links.c.student_id == student_id)
        .order_by(guardian_links.c.legal.desc(), guardians.c.sort_key, guardians.c.id)
    )
    return [
        StudentGuardian(
            guardian_id=UUID(r["guardian_id"]),
            last_name=r["last_name"],
            first_name=r["first_name"],
            relationship=r["relationship"],
            legal=bool(r["legal"]),
            contact_priority=bool(r["priority"]),
            email=r["email"],
            phone=r["phone"],
        )
        for r in connection.execute(query).mappings()
    ]


def _children(connection: Connection, guardian_id: str | None) -> list[tuple[str, GuardianChild]]:
    """The children of one guardian, or of every guardian, each with its guardian's id."""
    query = (
        select(guardian_links, students.c.last_name, students.c.first_name, students.c.class_code)
        .join(students, students.c.id == guardian_links.c.student_id)
        .order_by(students.c.sort_key, students.c.id)
    )
    if guardian_id is not None:
        query = query.where(guardian_links.c.guardian_id == guardian_id)
    return [
        (
            r["guardian_id"],
            GuardianChild(
                student_id=UUID(r["student_id"]),
                last_name=r["last_name"],
                first_name=r["first_name"],
                class_code=r["class_code"],
                relationship=r["relationship"],
                legal=bool(r["legal"]),
            ),
        )
        for r in connection.execute(query).mappings()
    ]


def _guardian(r: Any, children: list[GuardianChild]) -> GuardianItem:
    return GuardianItem(
        id=UUID(r["id"]),
        civility=r["civility"],
        last_name=r["last_name"],
        first_name=r["first_name"],
        email=r["email"],
        phone=r["phone"],
        address=r["address"],
        children=children,
    )


def _teacher(r: Any) -> TeacherItem:
    return TeacherItem(
        id=UUID(r["id"]),
        civility=r["civility"],
        last_name=r["last_name"],
        first_name=r["first_name"],
        email=r["email"],
        disciplines=list(r["disciplines"]),
        principal_of=list(r["principal_of"]),
    )


def _staff(r: Any) -> StaffItem:
    return StaffItem(
        id=UUID(r["id"]),
        civility=r["civility"],
        last_name=r["last_name"],
        first_name=r["first_name"],
        function=r["function"],
        email=r["email"],
    )
