"""Row changes collected over a batch of events, then written with one statement per kind.

A per-event statement halves the speed of a rebuild; collecting the rows of hundreds of events and
writing them with ``executemany`` keeps it near the cost of reading the events. Later changes of a
row within the batch are merged into the pending ones, so the order of events is respected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite

Row = dict[str, Any]
Key = tuple[Any, ...]


class RowBatch:
    """Pending upserts and updates of one transaction, keyed by table and primary key."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._upserts: dict[Table, dict[Key, Row]] = {}
        self._updates: dict[Table, dict[Key, Row]] = {}

    @staticmethod
    def _key(table: Table, row: Mapping[str, Any]) -> Key:
        return tuple(row[column.name] for column in table.primary_key.columns)

    def upsert(self, table: Table, row: Row) -> None:
        """Write a whole row, replacing any row with the same primary key (handlers stay idempotent)."""
        key = self._key(table, row)
        self._upserts.setdefault(table, {})[key] = dict(row)
        self._updates.get(table, {}).pop(key, None)

    def update(self, table: Table, key: Mapping[str, Any], values: Row) -> None:
        """Change some columns of a row written earlier, in this batch or a previous one."""
        pk = self._key(table, key)
        pending = self._upserts.get(table, {}).get(pk)
        if pending is not None:
            pending.update(values)
            return
        merged = self._updates.setdefault(table, {}).setdefault(pk, dict(key))
        merged.update(values)

    def flush(self) -> None:
        """Write what is pending: upserts first, then updates of rows from earlier batches."""
        for table, rows in self._upserts.items():
            if rows:
                self.connection.execute(self._upsert_statement(table), list(rows.values()))
        for table, rows in self._updates.items():
            by_columns: dict[tuple[str, ...], list[Row]] = {}
            for row in rows.values():
                by_columns.setdefault(tuple(sorted(row)), []).append(row)
            key_names = tuple(column.name for column in table.primary_key.columns)
            for columns, group in by_columns.items():
                statement = self._update_statement(table, key_names, columns)
                self.connection.execute(statement, [_bind(row, key_names) for row in group])
        self._upserts.clear()
        self._updates.clear()

    def _upsert_statement(self, table: Table) -> Any:
        dialect = self.connection.dialect.name
        insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
        key_names = [column.name for column in table.primary_key.columns]
        others = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in key_names}
        if not others:
            return insert.on_conflict_do_nothing(index_elements=key_names)
        return insert.on_conflict_do_update(index_elements=key_names, set_=others)

    @staticmethod
    def _update_statement(table: Table, key_names: tuple[str, ...], columns: tuple[str, ...]) -> Any:
        where = and_(*(table.c[name] == bindparam(f"k_{name}") for name in key_names))
        values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in columns if name not in key_names}
        return update(table).where(where).values(values)


def _bind(row: Row, key_names: tuple[str, ...]) -> Row:
    """Bind names for an executemany update: SQLAlchemy forbids binds named like the columns set."""
    return {(f"k_{name}" if name in key_names else f"v_{name}"): value for name, value in row.items()}
