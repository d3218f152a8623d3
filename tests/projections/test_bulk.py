"""A rebuild's table replacement: whatever the table held, it ends holding exactly the new rows, and
the count it returns is the rows that had to change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from application.base import SchoolYearBase
from projections.bulk import bulk_insert, replace_rows
from projections.directory_tables import guardian_links, students

Rows = dict[str, dict[str, Any]]

IDS = [f"s{n}" for n in range(6)]
INES = ["1111111111A", "2222222222B", "3333333333C", "4444444444D", "5555555555E", "6666666666F"]


@st.composite
def student_tables(draw: st.DrawFn) -> Rows:
    """A valid state of the students' table: unique ids and unique INEs (swapped between states at will)."""
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    ines = draw(st.permutations(INES))
    rows = {}
    for student_id, ine in zip(ids, ines, strict=False):
        rows[student_id] = {
            "id": student_id,
            "ine": draw(st.sampled_from([ine, None])),
            "last_name": draw(st.sampled_from(["Martin", "Élodie", "N'Diaye"])),
            "first_name": "Léa",
            "birth_date": draw(st.dates(min_value=date(2008, 1, 1), max_value=date(2010, 12, 31))),
            "sex": draw(st.sampled_from(["F", "M", None])),
            "class_code": draw(st.sampled_from(["3A", "3B", None])),
            "sort_key": "martin lea",
            "enrolled_at": draw(
                st.datetimes(min_value=datetime(2026, 9, 1), max_value=datetime(2026, 9, 3)).map(
                    lambda moment: moment.replace(tzinfo=UTC)
                )
            ),
            "left_on": draw(st.sampled_from([None, date(2027, 2, 1)])),
        }
    return rows


@st.composite
def link_tables(draw: st.DrawFn) -> Rows:
    """A state of the guardians' links: a two-column key and booleans."""
    keys = draw(st.lists(st.tuples(st.sampled_from(IDS[:3]), st.sampled_from(IDS)), unique=True, max_size=8))
    return {
        f"{guardian}/{student}": {
            "guardian_id": guardian,
            "student_id": student,
            "relationship": draw(st.sampled_from(["MERE", "PERE"])),
            "legal": draw(st.booleans()),
            "priority": draw(st.booleans()),
        }
        for guardian, student in keys
    }


def dump(engine: Engine, table: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(table).order_by(*table.primary_key.columns))]


def fill(engine: Engine, table: Any, rows: Rows) -> list[dict[str, Any]]:
    """The table emptied and filled with ``rows``; what it then holds, as read back."""
    with engine.begin() as connection:
        connection.execute(table.delete())
        if rows:
            bulk_insert(connection, table, list(rows.values()))
    return dump(engine, table)


def expected_count(before: list[dict[str, Any]], after: list[dict[str, Any]], table: Any) -> int:
    """Rows of ``after`` that ``before`` lacks or holds otherwise, and rows of ``before`` gone from it."""
    names = [column.name for column in table.primary_key.columns]
    old = {tuple(row[n] for n in names): row for row in before}
    new = {tuple(row[n] for n in names): row for row in after}
    return sum(old.get(k) != row for k, row in new.items()) + len(old.keys() - new.keys())


def check_replaced(engine: Engine, table: Any, before: Rows, after: Rows) -> None:
    """A table holding ``before`` replaced by ``after``: it holds what ``after`` alone gives, and the
    count is the rows that differed."""
    wanted = fill(engine, table, after)
    held = fill(engine, table, before)
    with engine.begin() as connection:
        changed = replace_rows(connection, table, list(after.values()))
    assert dump(engine, table) == wanted
    assert changed == expected_count(held, wanted, table)


class ReplaceContract:
    def test_a_table_ends_holding_exactly_the_new_rows(self, base: SchoolYearBase) -> None:
        @settings(max_examples=40, deadline=None)
        @given(before=student_tables(), after=student_tables())
        def replaced(before: Rows, after: Rows) -> None:
            check_replaced(base.views, students, before, after)

        replaced()

    def test_rows_keyed_by_two_columns_with_booleans(self, base: SchoolYearBase) -> None:
        @settings(max_examples=30, deadline=None)
        @given(before=link_tables(), after=link_tables())
        def replaced(before: Rows, after: Rows) -> None:
            check_replaced(base.views, guardian_links, before, after)

        replaced()

    def test_the_same_rows_again_write_nothing(self, base: SchoolYearBase) -> None:
        rows = {
            "s0": {
                "id": "s0",
                "ine": INES[0],
                "last_name": "Martin",
                "first_name": "Léa",
                "birth_date": date(2009, 3, 1),
                "sex": "F",
                "class_code": "3A",
                "sort_key": "martin lea",
                "enrolled_at": datetime(2026, 9, 1, 8, 30, 15, 123456, tzinfo=UTC),
                "left_on": None,
            }
        }
        fill(base.views, students, rows)
        with base.views.begin() as connection:
            assert replace_rows(connection, students, list(rows.values())) == 0


class TestReplaceOnSqlite(ReplaceContract):
    @pytest.fixture
    def backend(self) -> str:
        return "sqlite"


@pytest.mark.postgres
class TestReplaceOnPostgres(ReplaceContract):
    @pytest.fixture
    def backend(self) -> str:
        return "postgres"
