"""What imports match national records against: the directory's keys, read once per import.

National files carry their own ids (SIECLE ``ELEVE_ID``…), INEs, or only names and birth dates
(ONDE); this index maps each to our aggregate ids, from the directory's rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, select

from projections.directory_tables import (
    classes,
    external_ids,
    groups,
    guardians,
    services,
    staff,
    students,
    teachers,
)

IdentityKey = tuple[str, date]  # (sort key of the name, birth date)


@dataclass
class DirectoryIndex:
    """Keys of everyone in the directory, for matching; imports add what they create as they go."""

    external: dict[tuple[str, str], UUID] = field(default_factory=dict)  # (system, external id) → aggregate
    student_by_ine: dict[str, UUID] = field(default_factory=dict)
    students_by_identity: dict[IdentityKey, list[UUID]] = field(default_factory=dict)
    student_class: dict[UUID, str | None] = field(default_factory=dict)
    student_sort_key: dict[UUID, str] = field(default_factory=dict)
    students_left: set[UUID] = field(default_factory=set)
    guardians_by_contact: dict[tuple[str, str], UUID] = field(default_factory=dict)  # (sort key, contact)
    teachers_by_name: dict[str, list[UUID]] = field(default_factory=dict)
    staff_by_name: dict[str, list[UUID]] = field(default_factory=dict)
    class_codes: set[str] = field(default_factory=set)
    group_codes: set[str] = field(default_factory=set)
    service_ids: set[UUID] = field(default_factory=set)

    def known_people(self) -> set[UUID]:
        """Every student, guardian, teacher and staff member an import may compare with its records."""
        people = set(self.external.values()) | set(self.student_class) | set(self.guardians_by_contact.values())
        for by_name in (self.teachers_by_name, self.staff_by_name):
            people.update(person for ids in by_name.values() for person in ids)
        return people


def read_index(connection: Connection) -> DirectoryIndex:
    index = DirectoryIndex()
    for system, external_id, aggregate_id in connection.execute(
        select(external_ids.c.system, external_ids.c.external_id, external_ids.c.aggregate_id)
    ):
        index.external[(system, external_id)] = UUID(aggregate_id)
    rows = connection.execute(
        select(
            students.c.id,
            students.c.ine,
            students.c.sort_key,
            students.c.birth_date,
            students.c.class_code,
            students.c.left_on,
        )
    )
    for row_id, ine, key, birth_date, class_code, left_on in rows:
        student_id = UUID(row_id)
        if ine:
            index.student_by_ine[ine] = student_id
        index.students_by_identity.setdefault((key, birth_date), []).append(student_id)
        index.student_class[student_id] = class_code
        index.student_sort_key[student_id] = key
        if left_on is not None:
            index.students_left.add(student_id)
    for row_id, key, email, phone, address in connection.execute(
        select(guardians.c.id, guardians.c.sort_key, guardians.c.email, guardians.c.phone, guardians.c.address)
    ):
        index.guardians_by_contact[(key, contact_key(email, phone, address))] = UUID(row_id)
    for table, by_name in ((teachers, index.teachers_by_name), (staff, index.staff_by_name)):
        for row_id, key in connection.execute(select(table.c.id, table.c.sort_key)):
            by_name.setdefault(key, []).append(UUID(row_id))
    index.class_codes = set(connection.execute(select(classes.c.code)).scalars())
    index.group_codes = set(connection.execute(select(groups.c.code)).scalars())
    index.service_ids = {UUID(i) for i in connection.execute(select(services.c.id)).scalars()}
    return index


def contact_key(email: str | None, phone: str | None, address: str | None) -> str:
    """What tells two guardians of the same name apart when a file gives no id: how to reach them."""
    return (email or "").casefold() or "".join(c for c in phone or "" if c.isdigit()) or (address or "").casefold()
