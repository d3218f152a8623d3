"""What the projection tests share: table dumps, a fixed scenario, and random directory commands.

The commands are small dataclasses that refer to earlier classes, students and guardians by index, so
that hypothesis can generate and shrink them; :class:`DirectoryModel` runs the valid ones through the
application, skips those the school's rules would refuse, and predicts what the tables must hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from hypothesis import strategies as st
from sqlalchemy import Engine, select

from application.account_opening import PersonKind
from application.base import SchoolYearBase
from application.directory import ChildLink
from application.unit_of_work import UnitOfWork
from domain.external_ids import ExternalSystem
from domain.guardian import Guardian
from domain.service import Service
from domain.staff_member import StaffMember
from domain.student import Student
from domain.teacher import Teacher
from domain.teaching_group import TeachingGroup
from domain.values import Relationship, StaffFunction
from projections import directory_tables as directory
from projections.directory import Directory
from projections.engine import Projector, Rebuilt

Rows = dict[str, list[dict[str, Any]]]

CLASS_CODES = ["3A", "3B", "4A"]
INES = ["1111111111A", "2222222222B", "3333333333C"]
NAMES = ["Dupont", "Élodie", "de la Tour", "N'Diaye", "dupont", "Zoé", "Ünal", "Martin"]
EMAILS = [None, "a@example.fr", "b@example.fr"]
PHONES = [None, "01 23 45 67 89"]


def dump(engine: Engine) -> Rows:
    """Every directory table, each sorted by its primary key."""
    with engine.connect() as connection:
        return {
            table.name: [
                dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Directory.tables()
        }


def rebuild_from_empty_tables(projector: Projector) -> Rebuilt:
    """Empty the projection's tables, then rebuild: every row comes from the replay, none is kept.

    A rebuild over tables that are already right writes nothing; this makes it write them all.
    """
    with projector.engine.begin() as connection:
        for table in reversed(projector.projection.tables()):
            connection.execute(table.delete())
    return projector.rebuild()


def head(base: SchoolYearBase) -> int:
    return base.recorder.max_notification_id() or 0


def directory_projector(base: SchoolYearBase) -> Projector:
    return base.projectors[Directory.name]


def directory_event_ids(base: SchoolYearBase, after: int = 0) -> list[int]:
    """The notification ids of the events the directory reads, in order (after the id ``after``)."""
    notifications = base.recorder.select_notifications(start=after + 1, limit=1_000_000, topics=Directory.topics())
    return [notification.id for notification in notifications]


def write_scenario(base: SchoolYearBase, unit: UnitOfWork) -> dict[str, UUID]:
    """A small school: classes, students with and without INE or class, a move, guardians, teachers, staff,
    accounts opened for some of them, and an AESH whose assigned students change."""
    for code, level in (("3A", "3E"), ("3B", "3E"), ("4A", "4E")):
        base.open_class(unit, code=code, label=f"Classe {code}", level=level)
    zoe = base.enrol_student(
        unit,
        last_name="Dupont",
        first_name="Zoé",
        birth_date=date(2012, 3, 4),
        sex="F",
        ine="1234567890A",
        class_code="3A",
    )
    leo = base.enrol_student(
        unit, last_name="Élie", first_name="Léo", birth_date=date(2011, 12, 1), sex="M", class_code="4A"
    )
    ana = base.enrol_student(unit, last_name="Martin", first_name="Ana", birth_date=date(2012, 1, 9), sex="F")
    base.move_student(unit, student_id=leo, class_code="3B")
    claire = base.register_guardian(
        unit,
        last_name="Dupont",
        first_name="Claire",
        civility="Mme",
        email="claire@example.fr",
        children=[ChildLink(student_id=zoe, relationship="MERE")],
    )
    base.link_child(unit, guardian_id=claire, student_id=ana, relationship="TUTEUR", legal=False)
    base.change_guardian_contact(unit, guardian_id=claire, email="claire@example.fr", phone="0612345678", address=None)
    paul = base.register_guardian(unit, last_name="Élie", first_name="Paul", civility="M.")
    base.link_child(unit, guardian_id=paul, student_id=leo, relationship="PERE", legal=True)
    marie = base.register_teacher(unit, last_name="Curie", first_name="Marie", disciplines=["PC", "SVT"])
    lea = base.register_staff_member(unit, last_name="Durand", first_name="Léa", function="CPE")
    anne = base.register_staff_member(unit, last_name="Petit", first_name="Anne", function="AESH")
    write_imported_facts(unit, zoe=zoe, ana=ana, leo=leo, claire=claire, marie=marie, lea=lea)
    for kind, person in (
        (PersonKind.STUDENT, zoe),
        (PersonKind.GUARDIAN, claire),
        (PersonKind.TEACHER, marie),
        (PersonKind.STAFF, lea),
        (PersonKind.STAFF, anne),
    ):
        base.open_account(unit, person_kind=kind, person_id=person)
    base.assign_students(unit, staff_id=anne, student_ids=[zoe, leo])
    base.assign_students(unit, staff_id=anne, student_ids=[leo, ana])  # Zoé no longer, Ana from now on
    return {"zoe": zoe, "leo": leo, "ana": ana, "claire": claire, "paul": paul, "marie": marie, "anne": anne}


def write_imported_facts(unit: UnitOfWork, **ids: UUID) -> None:
    """What imports add to the directory: national ids, groups, services, corrections, leavers."""
    unit.create(TeachingGroup.open(code="G1", label="Latin", class_codes=["3A"]))
    unit.create(TeachingGroup.open(code="G2", label=None, class_codes=["3A"])).change_classes(["3A", "3B"])
    service = Service.open(
        subject_code="030201",
        subject_label="Anglais",
        course_mode="CG",
        class_code="3A",
        group_code=None,
        teacher_ids=[ids["marie"]],
    )
    unit.create(service).change_teachers([ids["marie"], ids["lea"]])
    zoe = unit.get(Student, ids["zoe"], "student")
    zoe.record_external_id(ExternalSystem.SIECLE, "1001")
    zoe.join_group("G1")
    zoe.join_group("G2")
    zoe.leave_group("G2")
    zoe.change_meal_plan("half-board")
    zoe.authorise_exit(True)
    ana = unit.get(Student, ids["ana"], "student")
    ana.record_ine("2222222222B")
    ana.correct_details(last_name="Martin", first_name="Anna", birth_date=date(2012, 1, 9), sex="F")
    ana.leave(on=date(2026, 10, 1), reason="DATE_SORTIE in SIECLE")
    leo = unit.get(Student, ids["leo"], "student")
    leo.leave(on=date(2026, 10, 2), reason="no longer in the SIECLE export")
    leo.readmit()
    leo.change_meal_plan("boarder")
    leo.change_meal_plan("external")  # a row deleted
    leo.authorise_exit(True)
    leo.authorise_exit(False)
    claire = unit.get(Guardian, ids["claire"], "guardian")
    claire.record_external_id(ExternalSystem.SIECLE, "P1")
    claire.correct_details(civility="Mme", last_name="Dupont-Moreau", first_name="Claire")
    claire.change_link(student_id=ids["ana"], relationship="FAMILLE", legal=True)
    marie = unit.get(Teacher, ids["marie"], "teacher")
    marie.record_external_id(ExternalSystem.STS, "T1")
    marie.correct_details(civility="Mme", last_name="Curie", first_name="Marie")
    marie.change_disciplines(["Physique-Chimie"])
    marie.change_principal_classes(["3A"])
    lea = unit.get(StaffMember, ids["lea"], "staff member")
    lea.record_external_id(ExternalSystem.STS, "S1")
    lea.correct_details(civility="Mme", last_name="Durand", first_name="Léa", function="Direction")


def populate(base: SchoolYearBase) -> dict[str, UUID]:
    """The scenario, one command at a time as the API runs it (caught up after each)."""
    return base.execute(lambda unit: write_scenario(base, unit))


def write_without_catching_up(base: SchoolYearBase, count: int) -> None:
    """``count`` students enrolled (and each moved once), committed without any projection running."""
    unit = UnitOfWork(base)
    for code in CLASS_CODES:
        base.open_class(unit, code=code, label=code, level="3E")
    unit.commit()
    for index in range(count):
        unit = UnitOfWork(base)
        student = base.enrol_student(
            unit,
            last_name=NAMES[index % len(NAMES)],
            first_name=f"N{index}",
            birth_date=date(2012, 1, 1),
            sex="F",
            class_code="3A",
        )
        base.move_student(unit, student_id=student, class_code="3B")
        unit.commit()


# -- random valid commands ------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenClass:
    code: str


@dataclass(frozen=True)
class Enrol:
    last_name: str
    ine: str | None
    class_code: str | None
    sex: str


@dataclass(frozen=True)
class Move:
    student: int
    class_code: str


@dataclass(frozen=True)
class RegisterGuardian:
    last_name: str
    email: str | None
    children: tuple[int, ...]


@dataclass(frozen=True)
class LinkChild:
    guardian: int
    student: int
    relationship: str
    legal: bool


@dataclass(frozen=True)
class ChangeContact:
    guardian: int
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class RegisterTeacher:
    last_name: str
    disciplines: tuple[str, ...]


@dataclass(frozen=True)
class RegisterStaff:
    last_name: str
    function: str


Command = OpenClass | Enrol | Move | RegisterGuardian | LinkChild | ChangeContact | RegisterTeacher | RegisterStaff

names = st.sampled_from(NAMES)
indexes = st.integers(0, 20)
open_class = st.builds(OpenClass, st.sampled_from(CLASS_CODES))
enrol = st.builds(
    Enrol, names, st.sampled_from([None, *INES]), st.sampled_from([None, *CLASS_CODES]), st.sampled_from("FM")
)
move = st.builds(Move, st.integers(0, 3), st.sampled_from(CLASS_CODES))
commands: st.SearchStrategy[Command] = st.one_of(
    open_class,
    enrol,
    move,
    move,  # moves and links change existing rows, where live updating and a rebuild differ most: weigh them more
    st.builds(LinkChild, indexes, indexes, st.sampled_from([r.value for r in Relationship]), st.booleans()),
    st.builds(RegisterGuardian, names, st.sampled_from(EMAILS), st.lists(indexes, max_size=2).map(tuple)),
    st.builds(LinkChild, indexes, indexes, st.sampled_from([r.value for r in Relationship]), st.booleans()),
    st.builds(ChangeContact, indexes, st.sampled_from(EMAILS), st.sampled_from(PHONES)),
    st.builds(RegisterTeacher, names, st.lists(st.sampled_from(["PC", "SVT", "EPS"]), max_size=2).map(tuple)),
    st.builds(RegisterStaff, names, st.sampled_from([f.value for f in StaffFunction])),
)
sequences: st.SearchStrategy[list[Command]] = st.builds(
    lambda opened, enrolled, rest: [*opened, *enrolled, *rest],
    st.lists(open_class, min_size=1, max_size=3),
    st.lists(enrol, min_size=1, max_size=3),
    st.lists(commands, min_size=8, max_size=30),
)


@dataclass
class DirectoryModel:
    """What the directory must hold after the valid commands; the refused ones are never sent."""

    classes: set[str] = field(default_factory=set)
    students: list[UUID] = field(default_factory=list)
    student_class: dict[UUID, str | None] = field(default_factory=dict)
    ines: set[str] = field(default_factory=set)
    class_moves: int = 0
    guardians: list[UUID] = field(default_factory=list)
    contacts: dict[UUID, tuple[str | None, str | None]] = field(default_factory=dict)
    links: set[tuple[UUID, UUID]] = field(default_factory=set)
    teachers: int = 0
    staff: int = 0

    def run(self, base: SchoolYearBase, command: Command) -> None:  # noqa: PLR0912 (one branch per command)
        match command:
            case OpenClass(code):
                if code not in self.classes:
                    base.execute(lambda unit: base.open_class(unit, code=code, label=f"Classe {code}", level="3E"))
                    self.classes.add(code)
            case Enrol(last_name, ine, class_code, sex):
                ine = ine if ine not in self.ines else None
                class_code = class_code if class_code in self.classes else None
                student = base.execute(
                    lambda unit: base.enrol_student(
                        unit,
                        last_name=last_name,
                        first_name="Prénom",
                        birth_date=date(2012, 2, 29),
                        sex=sex,
                        ine=ine,
                        class_code=class_code,
                    )
                )
                self.students.append(student)
                self.student_class[student] = class_code
                self.class_moves += class_code is not None
                if ine is not None:
                    self.ines.add(ine)
            case Move(index, class_code):
                if self.students and class_code in self.classes:
                    student = self.students[index % len(self.students)]
                    if self.student_class[student] != class_code:
                        base.execute(lambda unit: base.move_student(unit, student_id=student, class_code=class_code))
                        self.student_class[student] = class_code
                        self.class_moves += 1
            case RegisterGuardian(last_name, email, children):
                ids = list(dict.fromkeys(self.students[i % len(self.students)] for i in children if self.students))
                links = [ChildLink(student_id=s, relationship="MERE") for s in ids]
                guardian = base.execute(
                    lambda unit: base.register_guardian(
                        unit, last_name=last_name, first_name="Prénom", email=email, children=links
                    )
                )
                self.guardians.append(guardian)
                self.contacts[guardian] = (email, None)
                self.links |= {(guardian, s) for s in ids}
            case LinkChild(g, s, relationship, legal):
                if self.guardians and self.students:
                    guardian, student = self.guardians[g % len(self.guardians)], self.students[s % len(self.students)]
                    if (guardian, student) not in self.links:
                        base.execute(
                            lambda unit: base.link_child(
                                unit, guardian_id=guardian, student_id=student, relationship=relationship, legal=legal
                            )
                        )
                        self.links.add((guardian, student))
            case ChangeContact(g, email, phone):
                if self.guardians:
                    guardian = self.guardians[g % len(self.guardians)]
                    if self.contacts[guardian] != (email, phone):
                        base.execute(
                            lambda unit: base.change_guardian_contact(
                                unit, guardian_id=guardian, email=email, phone=phone, address=None
                            )
                        )
                        self.contacts[guardian] = (email, phone)
            case RegisterTeacher(last_name, disciplines):
                base.execute(
                    lambda unit: base.register_teacher(
                        unit, last_name=last_name, first_name="Prénom", disciplines=disciplines
                    )
                )
                self.teachers += 1
            case RegisterStaff(last_name, function):
                base.execute(
                    lambda unit: base.register_staff_member(
                        unit, last_name=last_name, first_name="Prénom", function=function
                    )
                )
                self.staff += 1

    def check(self, rows: Rows) -> None:
        """The tables hold exactly what the model predicts."""
        assert {UUID(r["id"]): r["class_code"] for r in rows[directory.students.name]} == self.student_class
        assert len(rows[directory.class_history.name]) == self.class_moves
        assert {r["code"] for r in rows[directory.classes.name]} == self.classes
        assert {UUID(r["id"]): (r["email"], r["phone"]) for r in rows[directory.guardians.name]} == self.contacts
        links = {(UUID(r["guardian_id"]), UUID(r["student_id"])) for r in rows[directory.guardian_links.name]}
        assert links == self.links
        assert len(rows[directory.teachers.name]) == self.teachers
        assert len(rows[directory.staff.name]) == self.staff


def run_all(base: SchoolYearBase, sequence: Sequence[Command]) -> DirectoryModel:
    model = DirectoryModel()
    for command in sequence:
        model.run(base, command)
    return model
