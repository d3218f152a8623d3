"""Who is expected where: the students of the base as registers need them.

A register lists the students of its class or group; a permanence, those with no lesson and no
exit authorisation; the canteen, the half-boarders and boarders. These queries read the directory's
tables in one pass, so that generating a day's registers costs a few queries, not one per register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, or_, select

from domain.values import MealPlan
from projections.directory_tables import (
    exit_authorisations,
    groups,
    guardian_links,
    guardians,
    meal_plans,
    student_groups,
    students,
    teachers,
)


@dataclass(frozen=True)
class RosterEntry:
    student_id: UUID
    class_code: str | None
    groups: frozenset[str]
    meal_plan: MealPlan
    exit_authorised: bool


def roster(connection: Connection, on: date) -> list[RosterEntry]:
    """Every student in the school on ``on`` (not left before it), with what registers need to know."""
    rows = connection.execute(
        select(students.c.id, students.c.class_code).where(or_(students.c.left_on.is_(None), students.c.left_on > on))
    ).all()
    groups: dict[str, set[str]] = {}
    for student_id, group_code in connection.execute(select(student_groups.c.student_id, student_groups.c.group_code)):
        groups.setdefault(student_id, set()).add(group_code)
    plans = dict(connection.execute(select(meal_plans.c.student_id, meal_plans.c.meal_plan)).tuples().all())
    authorised = set(connection.execute(select(exit_authorisations.c.student_id)).scalars())
    return [
        RosterEntry(
            student_id=UUID(student_id),
            class_code=class_code,
            groups=frozenset(groups.get(student_id, ())),
            meal_plan=MealPlan(plans.get(student_id, MealPlan.EXTERNAL.value)),
            exit_authorised=student_id in authorised,
        )
        for student_id, class_code in rows
    ]


def group_codes(connection: Connection) -> set[str]:
    return set(connection.execute(select(groups.c.code)).scalars())


def teacher_names(connection: Connection, teacher_ids: set[UUID]) -> dict[UUID, str]:
    """How timetables and registers name teachers: "M. DUPONT", "Mme MARTIN" (first name when no civility)."""
    if not teacher_ids:
        return {}
    rows = connection.execute(
        select(teachers.c.id, teachers.c.civility, teachers.c.last_name, teachers.c.first_name).where(
            teachers.c.id.in_([str(t) for t in teacher_ids])
        )
    )
    return {UUID(i): f"{civility or first_name} {last_name.upper()}" for i, civility, last_name, first_name in rows}


def student_names(connection: Connection, student_ids: set[UUID]) -> dict[UUID, tuple[str, str]]:
    """(last name, first name) of each student, for registers."""
    if not student_ids:
        return {}
    rows = connection.execute(
        select(students.c.id, students.c.last_name, students.c.first_name).where(
            students.c.id.in_([str(s) for s in student_ids])
        )
    )
    return {UUID(i): (last, first) for i, last, first in rows}


@dataclass(frozen=True)
class GuardianContact:
    guardian_id: UUID
    civility: str | None
    last_name: str
    email: str


def legal_guardian_emails(connection: Connection, student_id: UUID) -> list[GuardianContact]:
    """The legal guardians of a student who gave an e-mail address: who hears of an absence."""
    rows = connection.execute(
        select(guardians.c.id, guardians.c.civility, guardians.c.last_name, guardians.c.email)
        .join(guardian_links, guardian_links.c.guardian_id == guardians.c.id)
        .where(
            guardian_links.c.student_id == str(student_id),
            guardian_links.c.legal.is_(True),
            guardians.c.email.is_not(None),
        )
    )
    return [GuardianContact(UUID(i), civility, last, email) for i, civility, last, email in rows]
