"""The directory: classes, students, guardians, teachers and staff, as people read them.

Rows are keyed by aggregate id and written whole (upserts), so replaying an event gives the same
row; the class history keeps one row per move, keyed by the student's event version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Boolean, Column, Connection, Date, DateTime, Integer, MetaData, String, Table, select

from domain.guardian import Guardian
from domain.school_class import SchoolClass
from domain.staff_member import StaffMember
from domain.student import Student
from domain.teacher import Teacher
from domain.values import sort_key
from projections.batch import RowBatch
from projections.engine import Projection, handles

metadata = MetaData()

# Byte order on every backend: the key is already folded, and a locale's collation would skip the
# separator between last and first name ("Dupont Zoé" after "Duponte Anne").
SORT_KEY = String(210).with_variant(String(210, collation="C"), "postgresql")

# Every table is keyed by text ids: WITHOUT ROWID stores each row once, in its key's b-tree, instead of
# a rowid table plus a key index (a third less to write in a rebuild).

classes = Table(
    "directory_classes",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("label", String(100), nullable=False),
    Column("level", String(20), nullable=False),
    sqlite_with_rowid=False,
)

students = Table(
    "directory_students",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("ine", String(11), unique=True),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("sex", String(1), nullable=False),
    Column("class_code", String(20), index=True),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    Column("enrolled_at", DateTime(timezone=True), nullable=False),
    sqlite_with_rowid=False,
)

class_history = Table(
    "directory_class_history",
    metadata,
    Column("student_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("class_code", String(20), nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),
    sqlite_with_rowid=False,
)

guardians = Table(
    "directory_guardians",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("civility", String(4)),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("email", String(254)),
    Column("phone", String(25)),
    Column("address", String(300)),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    sqlite_with_rowid=False,
)

guardian_links = Table(
    "directory_guardian_links",
    metadata,
    Column("guardian_id", String(36), primary_key=True),
    Column("student_id", String(36), primary_key=True, index=True),
    Column("relationship", String(20), nullable=False),
    Column("legal", Boolean, nullable=False),
    sqlite_with_rowid=False,
)

teachers = Table(
    "directory_teachers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("civility", String(4)),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("email", String(254)),
    Column("disciplines", JSON, nullable=False),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    sqlite_with_rowid=False,
)

staff = Table(
    "directory_staff",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("civility", String(4)),
    Column("last_name", String(100), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("function", String(20), nullable=False),
    Column("email", String(254)),
    Column("sort_key", SORT_KEY, nullable=False, index=True),
    sqlite_with_rowid=False,
)


@dataclass(frozen=True)
class ClassItem:
    id: UUID
    code: str
    label: str
    level: str


@dataclass(frozen=True)
class StudentItem:
    id: UUID
    ine: str | None
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    class_code: str | None


@dataclass(frozen=True)
class ClassMove:
    class_code: str
    since: datetime


@dataclass(frozen=True)
class StudentGuardian:
    """A guardian as their child's record shows them."""

    guardian_id: UUID
    last_name: str
    first_name: str
    relationship: str
    legal: bool
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class GuardianChild:
    """A child as their guardian's record shows them."""

    student_id: UUID
    last_name: str
    first_name: str
    class_code: str | None
    relationship: str
    legal: bool


@dataclass(frozen=True)
class StudentRecord:
    student: StudentItem
    class_history: list[ClassMove]
    guardians: list[StudentGuardian]


@dataclass(frozen=True)
class GuardianItem:
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    email: str | None
    phone: str | None
    address: str | None
    children: list[GuardianChild]


@dataclass(frozen=True)
class TeacherItem:
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    email: str | None
    disciplines: list[str]


@dataclass(frozen=True)
class StaffItem:
    id: UUID
    civility: str | None
    last_name: str
    first_name: str
    function: str
    email: str | None


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
            class_history=[ClassMove(class_code=code, since=_utc(since)) for code, since in history],
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


def _utc(instant: datetime) -> datetime:
    """Instants are stored in UTC; SQLite hands them back without their zone."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _student(r: Any) -> StudentItem:
    return StudentItem(
        id=UUID(r["id"]),
        ine=r["ine"],
        last_name=r["last_name"],
        first_name=r["first_name"],
        birth_date=r["birth_date"],
        sex=r["sex"],
        class_code=r["class_code"],
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
