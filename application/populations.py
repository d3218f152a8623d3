"""Who belongs to a population: the people whose accounts are issued or listed together.

A population is chosen from the directory's read model: students still in the school (of one
class), the guardians of those students, teachers, staff, and support assistants (AESH, the staff
members whose function is AESH). Each member carries the detail line its letter and its row show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from application.account_opening import PersonKind
from application.errors import NotFound
from domain.errors import InvalidValue
from domain.school_class import parse_class_code
from domain.values import StaffFunction, sort_key
from projections.directory import Directory


class Population(StrEnum):
    """Whose accounts are issued together (AESH are the staff members whose function is AESH)."""

    STUDENTS = "students"
    GUARDIANS = "guardians"
    TEACHERS = "teachers"
    STAFF = "staff"
    SUPPORT_ASSISTANTS = "support-assistants"


POPULATION_LABELS: dict[Population, str] = {
    Population.STUDENTS: "Élèves",
    Population.GUARDIANS: "Responsables",
    Population.TEACHERS: "Professeurs",
    Population.STAFF: "Personnels",
    Population.SUPPORT_ASSISTANTS: "Accompagnants (AESH)",
}
"""How a population is named at the top of its letters."""

POPULATION_KINDS: dict[Population, PersonKind] = {
    Population.STUDENTS: PersonKind.STUDENT,
    Population.GUARDIANS: PersonKind.GUARDIAN,
    Population.TEACHERS: PersonKind.TEACHER,
    Population.STAFF: PersonKind.STAFF,
    Population.SUPPORT_ASSISTANTS: PersonKind.STAFF,
}


@dataclass(frozen=True)
class Member:
    """One person of the population, as the directory knows them."""

    person_id: UUID
    person_kind: PersonKind
    first_name: str
    last_name: str
    email: str | None
    detail: str | None  # the class of a student, the children of a guardian, the function of staff


def class_filter(
    directory: Directory, connection: Connection, population: Population, class_code: str | None
) -> str | None:
    """The class that narrows the population (students and guardians only), checked against the directory."""
    if class_code is None:
        return None
    if population not in {Population.STUDENTS, Population.GUARDIANS}:
        raise InvalidValue(
            f"class_code narrows students and guardians only, not {population.value}", field="class_code"
        )
    code = parse_class_code(class_code)
    if directory.find_class(connection, code) is None:
        raise InvalidValue(f"class_code {code!r} is not a class of this school", field="class_code")
    return code


def members_of(
    directory: Directory, connection: Connection, population: Population, class_code: str | None, today: date
) -> list[Member]:
    """The people of the population (of one class), in the order of their letters."""
    if population is Population.STUDENTS:
        pupils = [s for s in directory.list_students(connection, class_code) if not _left(s.left_on, today)]
        pupils.sort(key=lambda s: (s.class_code or "", sort_key(s.last_name, s.first_name), str(s.id)))
        return [
            Member(
                s.id,
                PersonKind.STUDENT,
                s.first_name,
                s.last_name,
                None,
                f"Élève de {s.class_code}" if s.class_code else "Élève",
            )
            for s in pupils
        ]
    if population is Population.GUARDIANS:
        return _guardians(directory, connection, class_code, today)
    if population is Population.TEACHERS:
        return [
            Member(t.id, PersonKind.TEACHER, t.first_name, t.last_name, t.email, _teaching(t.disciplines))
            for t in directory.list_teachers(connection)
        ]
    aesh = population is Population.SUPPORT_ASSISTANTS
    return [
        Member(s.id, PersonKind.STAFF, s.first_name, s.last_name, s.email, s.function)
        for s in directory.list_staff(connection)
        if (s.function == StaffFunction.AESH.value) == aesh
    ]


def only(found: list[Member], person_ids: set[UUID], population: Population) -> list[Member]:
    """The members among ``person_ids``; an id outside the population is not found."""
    unknown = person_ids - {member.person_id for member in found}
    if unknown:
        listed = ", ".join(sorted(str(i) for i in unknown))
        raise NotFound(f"person_ids {listed} are not among the {population.value} of this school", field="person_ids")
    return [member for member in found if member.person_id in person_ids]


def row_in(row: dict[str, Any], population: Population | None) -> bool:
    """Whether an account row of the directory belongs to the population (staff and AESH share a kind)."""
    if population is Population.STAFF:
        return bool(row["function"] != StaffFunction.AESH.value)
    if population is Population.SUPPORT_ASSISTANTS:
        return bool(row["function"] == StaffFunction.AESH.value)
    return True


def _guardians(directory: Directory, connection: Connection, class_code: str | None, today: date) -> list[Member]:
    """The guardians of the students still in the school (of one class), with their children named."""
    current = {s.id: s for s in directory.list_students(connection) if not _left(s.left_on, today)}
    wanted = {i for i, s in current.items() if class_code is None or s.class_code == class_code}
    found = []
    for guardian in directory.list_guardians(connection):
        children = [child for child in guardian.children if child.student_id in current]
        if not any(child.student_id in wanted for child in children):
            continue
        names = ", ".join(
            f"{c.first_name} {c.last_name.upper()}" + (f" ({c.class_code})" if c.class_code else "") for c in children
        )
        found.append(
            Member(
                guardian.id,
                PersonKind.GUARDIAN,
                guardian.first_name,
                guardian.last_name,
                guardian.email,
                f"Responsable de {names}",
            )
        )
    return found


def _left(left_on: date | None, today: date) -> bool:
    return left_on is not None and left_on <= today


def _teaching(disciplines: list[str]) -> str:
    return f"Professeur — {', '.join(disciplines)}" if disciplines else "Professeur"
