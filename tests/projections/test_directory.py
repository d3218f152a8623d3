"""The directory read model: live updating and a rebuild from zero give the same tables, row for row."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.base import SchoolYearBase
from application.directory import ChildLink
from application.registry import Bases
from application.unit_of_work import UnitOfWork
from domain.errors import DomainError
from domain.values import Relationship
from projections.engine import Projector
from tests.conftest import FIXED_NOW, YEAR
from tests.projections.support import (
    Command,
    directory_event_ids,
    directory_projector,
    dump,
    head,
    populate,
    rebuild_from_empty_tables,
    run_all,
    sequences,
)


class DirectoryContract:
    """The scenario every backend must pass; subclasses choose the backend."""

    examples: ClassVar[int]

    def test_rebuild_gives_the_rows_that_live_updating_built(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        assert all(live.values()), "the scenario must fill every table"
        projector = directory_projector(base)
        rebuilt = projector.rebuild()
        assert (rebuilt.events, rebuilt.rows_changed) == (len(directory_event_ids(base)), 0)
        assert dump(base.views) == live
        assert projector.status().position == head(base)
        rebuild_from_empty_tables(projector)
        assert dump(base.views) == live

    def test_rebuild_in_small_pages_gives_the_same_rows(self, base: SchoolYearBase) -> None:
        populate(base)
        live = dump(base.views)
        projector = directory_projector(base)
        small_pages = Projector(projector.projection, base.views, projector.log, batch_size=2)
        pages: list[tuple[int, int]] = []
        small_pages.rebuild(progress=lambda position, last: pages.append((position, last)))
        assert dump(base.views) == live
        assert len(pages) >= -(-len(directory_event_ids(base)) // 2)  # pages of 2 events
        assert pages[-1] == (head(base), head(base))

    def test_queries_read_what_the_commands_wrote(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        directory = base.directory
        with base.reading() as connection:
            assert [c.code for c in directory.list_classes(connection)] == ["3A", "3B", "4A"]
            assert [s.last_name for s in directory.list_students(connection)] == ["Dupont", "Élie", "Martin"]
            assert [s.id for s in directory.list_students(connection, "3B")] == [ids["leo"]]
            leo = directory.get_student(connection, ids["leo"])
            guardians = directory.list_guardians(connection)
            teacher = directory.list_teachers(connection)[0]
            member = directory.list_staff(connection)[0]
            assert directory.get_student(connection, UUID(int=0)) is None
        assert leo is not None
        assert (leo.student.class_code, leo.student.birth_date) == ("3B", date(2011, 12, 1))
        assert [move.class_code for move in leo.class_history] == ["4A", "3B"]
        assert [(g.first_name, g.relationship, g.legal) for g in leo.guardians] == [("Paul", "PERE", True)]
        claire = guardians[0]
        assert (claire.last_name, claire.email, claire.phone) == ("Dupont-Moreau", "claire@example.fr", "0612345678")
        assert [(c.first_name, c.relationship, c.legal) for c in claire.children] == [
            ("Zoé", "MERE", True),
            ("Anna", "FAMILLE", True),
        ]
        assert (teacher.disciplines, teacher.principal_of) == (["Physique-Chimie"], ["3A"])
        assert member.function == "Direction"
        assert leo.student.left_on is None

    def test_queries_read_the_facts_imports_add(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        with base.reading() as connection:
            zoe = base.directory.get_student(connection, ids["zoe"])
            ana = base.directory.get_student(connection, ids["ana"])
        assert zoe is not None and ana is not None
        assert zoe.groups == ["G1"]
        assert (ana.student.ine, ana.student.first_name, ana.student.left_on) == (
            "2222222222B",
            "Anna",
            date(2026, 10, 1),
        )

    def test_queries_read_accounts_and_assignments(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        with base.reading() as connection:
            assigned = base.directory.students_assigned_to(connection, ids["anne"])
            logins = base.directory.logins_of(connection)
            some = base.directory.logins_of(connection, {ids["zoe"], ids["leo"], ids["marie"]})
        assert assigned == {ids["leo"], ids["ana"]}
        assert len(logins) == 5
        assert set(some) == {ids["zoe"], ids["marie"]}
        assert logins[ids["marie"]] == some[ids["marie"]]

    def test_any_valid_directory_commands_give_the_same_rows_live_and_rebuilt(
        self, bases: Bases, uai_factory: Callable[[], str]
    ) -> None:
        @settings(max_examples=self.examples, deadline=None)
        @given(sequence=sequences)
        def live_equals_rebuild(sequence: list[Command]) -> None:
            base, _ = bases.create(uai_factory(), YEAR, "École des Tilleuls")
            model = run_all(base, sequence)
            live = dump(base.views)
            model.check(live)
            assert directory_projector(base).rebuild().rows_changed == 0  # the replay gives exactly these rows
            rebuild_from_empty_tables(directory_projector(base))
            assert dump(base.views) == live

        live_equals_rebuild()

    def test_invalid_commands_are_refused_naming_the_field_and_change_nothing(self, base: SchoolYearBase) -> None:
        ids = populate(base)
        before, position = dump(base.views), head(base)

        @settings(max_examples=self.examples * 2, deadline=None)
        @given(invalid=invalid_commands)
        def refused(invalid: Invalid) -> None:
            with pytest.raises(DomainError) as raised:
                base.execute(lambda unit: invalid.run(base, unit, ids))
            assert raised.value.field == invalid.field
            assert head(base) == position
            assert dump(base.views) == before

        refused()


@dataclass(frozen=True)
class Invalid:
    """A command the school's rules refuse, and the field the refusal must name."""

    field: str
    run: Callable[[SchoolYearBase, UnitOfWork, dict[str, UUID]], object]
    label: str

    def __repr__(self) -> str:
        return f"Invalid({self.label})"


def enrol(
    *,
    ine: str | None = None,
    class_code: str | None = None,
    birth_date: date = date(2012, 1, 1),
    sex: str = "F",
    last_name: str = "Nom",
    first_name: str = "Prénom",
) -> Callable[[SchoolYearBase, UnitOfWork, dict[str, UUID]], object]:
    return lambda base, unit, _: base.enrol_student(
        unit,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        sex=sex,
        ine=ine,
        class_code=class_code,
    )


def guardian(
    *, email: str | None = None, phone: str | None = None, children: tuple[UUID, ...] = ()
) -> Callable[[SchoolYearBase, UnitOfWork, dict[str, UUID]], object]:
    return lambda base, unit, _: base.register_guardian(
        unit,
        last_name="Nom",
        first_name="Prénom",
        email=email,
        phone=phone,
        children=[ChildLink(student_id=s, relationship="MERE") for s in children],
    )


def link(student: UUID | None, relationship: str) -> Callable[[SchoolYearBase, UnitOfWork, dict[str, UUID]], object]:
    return lambda base, unit, ids: base.link_child(
        unit, guardian_id=ids["paul"], student_id=student or ids["zoe"], relationship=relationship, legal=True
    )


_INE = re.compile(r"^[0-9A-Z]{11}$")
RELATIONSHIPS = {r.value for r in Relationship}
blank = st.sampled_from(["", " ", "\t\n", "\u00a0"])

invalid_commands: st.SearchStrategy[Invalid] = st.one_of(
    st.text(max_size=14)
    .filter(lambda s: s.strip() != "" and not _INE.match(s.replace(" ", "").upper()))
    .map(lambda s: Invalid("ine", enrol(ine=s), f"ine={s!r}")),
    st.text("0123456789ABCDEFZabz", min_size=1, max_size=20)
    .filter(lambda s: s not in {"3A", "3B", "4A"})
    .map(lambda s: Invalid("class_code", enrol(class_code=s), f"class_code={s!r}")),
    st.dates(FIXED_NOW.date() + timedelta(days=1), date(2100, 1, 1)).map(
        lambda d: Invalid("birth_date", enrol(birth_date=d), f"birth_date={d}")
    ),
    st.text(max_size=3).filter(lambda s: s not in {"F", "M"}).map(lambda s: Invalid("sex", enrol(sex=s), f"sex={s!r}")),
    blank.map(lambda s: Invalid("last_name", enrol(last_name=s), f"last_name={s!r}")),
    blank.map(lambda s: Invalid("first_name", enrol(first_name=s), f"first_name={s!r}")),
    st.sampled_from(["1234567890A", "1234567890a", " 12345 67890A"]).map(
        lambda s: Invalid("ine", enrol(ine=s), f"duplicate ine={s!r}")
    ),
    st.text("abc.-_", min_size=1).map(lambda s: Invalid("email", guardian(email=s), f"email={s!r}")),
    st.one_of(st.text("0123456789", min_size=1, max_size=5), st.text("abcxyz", min_size=6, max_size=10)).map(
        lambda s: Invalid("phone", guardian(phone=s), f"phone={s!r}")
    ),
    st.uuids().map(lambda u: Invalid("children[0].student_id", guardian(children=(u,)), f"child={u}")),
    st.uuids().map(lambda u: Invalid("student_id", link(u, "MERE"), f"link={u}")),
    st.text(max_size=12)
    .filter(lambda s: s not in RELATIONSHIPS)
    .map(lambda s: Invalid("relationship", link(None, s), f"relationship={s!r}")),
    st.just(
        Invalid(
            "class_code",
            lambda base, unit, ids: base.move_student(unit, student_id=ids["leo"], class_code="3B"),
            "move to own class",
        )
    ),
    st.just(Invalid("code", lambda base, unit, _: base.open_class(unit, code="3A", label="x", level="3E"), "class")),
    st.just(
        Invalid(
            "student_id",
            lambda base, unit, ids: base.link_child(
                unit, guardian_id=ids["claire"], student_id=ids["zoe"], relationship="MERE", legal=True
            ),
            "child linked twice",
        )
    ),
)


class TestDirectoryOnSqlite(DirectoryContract):
    examples = 50

    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"


@pytest.mark.postgres
class TestDirectoryOnPostgres(DirectoryContract):
    examples = 12

    @pytest.fixture
    def backend(self) -> str:
        return "postgres"


del DirectoryContract
