"""Row changes collected over a batch of events, then written with one statement per kind.

A per-event statement halves the speed of a rebuild; collecting the rows of hundreds of events and
writing them with ``executemany`` keeps it near the cost of reading the events. Later changes of a
row within the batch are merged into the pending ones, so the order of events is respected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, update

from projections.bulk import bulk_insert, replace_rows, upsert_many

Row = dict[str, Any]
Key = Any  # a tuple, or the bare value of a one-column key


class RowBatch:
    """Pending deletes, upserts and updates of one transaction, keyed by table and primary key."""

    def __init__(self, connection: Connection, *, tables_empty: bool = False) -> None:
        self.connection = connection
        # A rebuild starts from emptied tables: until its first flush, rows need no conflict handling.
        self.tables_empty = tables_empty
        self._upserts: dict[Table, dict[Key, Row]] = {}
        self._updates: dict[Table, dict[Key, Row]] = {}
        self._deletes: dict[Table, dict[Key, Row]] = {}
        self._key_getters: dict[Table, itemgetter[Any]] = {}

    def _key(self, table: Table, row: Mapping[str, Any]) -> Key:
        """The row's primary key (a tuple, or the bare value for a one-column key)."""
        getter = self._key_getters.get(table)
        if getter is None:
            getter = self._key_getters[table] = itemgetter(*(column.name for column in table.primary_key.columns))
        key: Key = getter(row)
        return key

    def upsert(self, table: Table, row: Row) -> None:
        """Write a whole row, replacing any row with the same primary key (handlers stay idempotent).

        The batch owns ``row`` from now on: later updates in the batch are merged into it.
        """
        key = self._key(table, row)
        self._upserts.setdefault(table, {})[key] = row
        if self._updates:
            self._updates.get(table, {}).pop(key, None)
        if self._deletes:
            self._deletes.get(table, {}).pop(key, None)

    def delete(self, table: Table, key: Row) -> None:
        """Remove a row, whether it was written in this batch or before."""
        pk = self._key(table, key)
        self._upserts.get(table, {}).pop(pk, None)
        self._updates.get(table, {}).pop(pk, None)
        self._deletes.setdefault(table, {})[pk] = key

    def update(self, table: Table, key: Mapping[str, Any], values: Row) -> None:
        """Change some columns of a row written earlier, in this batch or a previous one."""
        pk = self._key(table, key)
        pending = self._upserts.get(table, {}).get(pk)
        if pending is not None:
            pending.update(values)
            return
        merged = self._updates.setdefault(table, {}).setdefault(pk, dict(key))
        merged.update(values)

    @property
    def pending(self) -> int:
        """How many rows wait to be written."""
        tables = (self._upserts, self._updates, self._deletes)
        return sum(len(rows) for pending in tables for rows in pending.values())

    def flush(self) -> None:
        """Write what is pending: deletes, upserts, then updates of rows from earlier batches.

        No key is pending in two of them: a later change of a row replaces or merges the earlier one.
        """
        for table, keys in self._deletes.items():
            key_names = tuple(column.name for column in table.primary_key.columns)
            if keys:
                statement = _delete_statement(table, key_names)
                self.connection.execute(statement, [_bind(k, key_names) for k in keys.values()])
        for table, rows in self._upserts.items():
            if rows and self.tables_empty:
                bulk_insert(self.connection, table, list(rows.values()))
            elif rows:
                upsert_many(self.connection, table, list(rows.values()))
        self.tables_empty = False
        for table, rows in self._updates.items():
            by_columns: dict[tuple[str, ...], list[Row]] = {}
            for row in rows.values():
                by_columns.setdefault(tuple(sorted(row)), []).append(row)
            key_names = tuple(column.name for column in table.primary_key.columns)
            for columns, group in by_columns.items():
                statement = _update_statement(table, key_names, columns)
                self.connection.execute(statement, [_bind(row, key_names) for row in group])
        self._forget_pending()

    def replace(self, tables: Sequence[Table]) -> int:
        """Make each of ``tables`` hold exactly the rows upserted in this batch: a rebuild's whole result.

        What else is pending is dropped: on tables holding only this batch's rows, a delete or an
        update of a row it never wrote changes nothing. Returns how many rows were written or deleted.
        """
        rows = self._upserts
        changed = sum(replace_rows(self.connection, table, list(rows.get(table, {}).values())) for table in tables)
        self._forget_pending()
        return changed

    def _forget_pending(self) -> None:
        self._upserts.clear()
        self._updates.clear()
        self._deletes.clear()


# The same statement object each time: SQLAlchemy memoizes its cache key on it, and finds it compiled.
# Built afresh, a statement pays for its construction and its cache key at every catch-up.
@cache
def _delete_statement(table: Table, key_names: tuple[str, ...]) -> Any:
    return table.delete().where(_by_key(table, key_names))


@cache
def _update_statement(table: Table, key_names: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in columns if name not in key_names}
    return update(table).where(_by_key(table, key_names)).values(values)


def _by_key(table: Table, key_names: tuple[str, ...]) -> Any:
    return and_(*(table.c[name] == bindparam(f"k_{name}") for name in key_names))


def _bind(row: Row, key_names: tuple[str, ...]) -> Row:
    """Bind names for an executemany update: SQLAlchemy forbids binds named like the columns set."""
    return {(f"k_{name}" if name in key_names else f"v_{name}"): value for name, value in row.items()}
