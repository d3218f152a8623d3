"""A rebuild's bulk work, as fast as each database takes it: emptying tables, filling empty ones,
and bringing a table to a given set of rows by writing only the differences.

A rebuild's rows replace a read model's whole tables, in one transaction. SQLAlchemy's per-row
parameter processing then costs more than the database itself, so this path hands the driver ready
values (PostgreSQL's ``COPY`` with psycopg 3, SQLite's ``executemany`` with the columns' own bind
processors) and compares rows as the driver returns them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, Connection, Table, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg


def empty_tables(connection: Connection, tables: Sequence[Table]) -> None:
    """Remove every row of ``tables`` within the caller's transaction.

    On PostgreSQL, ``TRUNCATE`` rather than ``DELETE``: refilling tables whose deleted rows still sit
    in the unique indexes costs twice as much. Readers then wait for the rebuild's commit instead of
    reading the old rows; they never see an empty or half-built table either way.
    """
    if connection.dialect.name == "postgresql":
        names = ", ".join(_qualified(connection, table) for table in tables)
        connection.exec_driver_sql(f"TRUNCATE {names}")
    else:
        for table in reversed(tables):
            connection.execute(table.delete())


def replace_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Make ``table`` hold exactly ``rows`` (whole rows, keys unique), writing only what differs.

    The stored rows are read back through the driver and compared with the new ones as the driver
    holds them (SQLite: after the columns' bind processors, i.e. what an insert stores; PostgreSQL:
    psycopg's Python values). An unchanged row is never written; any other difference, even one of
    representation only, is. A rebuild over tables that live updating kept right thus writes nothing,
    takes no lock that blocks readers and leaves no dead rows behind. Returns how many rows were
    inserted, replaced or deleted.
    """
    names = [column.name for column in table.columns]
    key = itemgetter(*(names.index(column.name) for column in table.primary_key.columns))
    stored = _stored_rows(connection, table, key)
    if not stored:
        if rows:
            bulk_insert(connection, table, rows)
        return len(rows)
    processors: list[Any] = [None] * len(names)
    if connection.dialect.name != "postgresql":
        # A boolean equals the integer SQLite stores for it: only the other columns need their processor.
        _, bound, bind_processors = _compiled(connection, table, "insert")
        processor_of = dict(zip(bound, bind_processors, strict=True))
        processors = [None if isinstance(c.type, Boolean) else processor_of[c.name] for c in table.columns]
    values = _driver_values(rows, names, processors)
    changed: list[dict[str, Any]] = []
    replaced: list[tuple[Any, ...]] = []
    for row, row_key, row_values in zip(rows, map(key, values), values, strict=True):
        old = stored.pop(row_key, None)
        if old != row_values:
            changed.append(row)
            if old is not None:
                replaced.append(old)
    # Deleted, then inserted whole: an upsert could collide with a row not yet rewritten on another
    # unique column (two students' INEs swapped), which the old row's deletion rules out.
    gone = list(stored.values())
    if gone or replaced:
        delete, _, _ = _compiled(connection, table, "delete")  # its parameters: the key, as ``key`` reads it
        connection.exec_driver_sql(delete, [_as_tuple(key(row)) for row in gone + replaced])
    if changed:
        bulk_insert(connection, table, changed)
    return len(changed) + len(gone)


def _stored_rows(connection: Connection, table: Table, key: Callable[[Any], Any]) -> dict[Any, tuple[Any, ...]]:
    """Every row of ``table`` by ``key``, its columns in the table's order, as the driver returns them."""
    sql, _, _ = _compiled(connection, table, "select")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        raw = cursor.fetchall()
    finally:
        cursor.close()
    return dict(zip(map(key, raw), map(tuple, raw), strict=True))


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (whole rows, keys unique) into ``table``, which holds none of their keys."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        _copy(connection, table, rows)
    elif dialect == "sqlite":
        _executemany(connection, table, rows)
    else:
        connection.execute(insert(table), list(rows))


def _schemas(connection: Connection) -> dict[str | None, str]:
    """The connection's schema translation: on PostgreSQL, the base's schema for tables without one."""
    schemas: dict[str | None, str] = connection.get_execution_options().get("schema_translate_map") or {}
    return schemas


def _qualified(connection: Connection, table: Table) -> str:
    """The table's name as SQL, in the schema the connection translates to (the base's schema)."""
    schema = _schemas(connection).get(None, table.schema)
    quote = connection.dialect.identifier_preparer.quote
    return f"{quote(schema)}.{quote(table.name)}" if schema else quote(table.name)


def _copy(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    quote = connection.dialect.identifier_preparer.quote
    target = _qualified(connection, table)
    names = [column.name for column in table.columns]
    as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {target} ({', '.join(map(quote, names))}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])


def upsert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace whole rows, as a catch-up writes them after every command.

    SQLAlchemy cannot cache an ``ON CONFLICT DO UPDATE`` statement and compiles it on each call (about
    a millisecond, under the interpreter lock, for every command): it is compiled once per table (and
    base schema) here and handed to the driver like the rebuild's inserts.
    """
    _executemany(connection, table, rows, upsert=True)


def _upsert(table: Table, insert: Any) -> Any:
    key_names = [column.name for column in table.primary_key.columns]
    others = {c.name: insert.excluded[c.name] for c in table.columns if c.name not in key_names}
    if not others:
        return insert.on_conflict_do_nothing(index_elements=key_names)
    return insert.on_conflict_do_update(index_elements=key_names, set_=others)


Compiled = tuple[str, tuple[str, ...], list[Any]]  # SQL, its parameters in order, their bind processors
Kind = Literal["insert", "upsert", "delete", "select"]  # delete: by primary key; select: every row
_COMPILED: dict[tuple[str, str | None, Table, Kind], Compiled] = {}
# psycopg takes positional ``%s`` parameters too: compiled with them, a row is a tuple, as on SQLite.
_POSITIONAL_POSTGRESQL = PGDialect_psycopg(paramstyle="format")  # type: ignore[no-untyped-call]


def _compiled(connection: Connection, table: Table, kind: Kind) -> Compiled:
    dialect_name = connection.dialect.name
    schemas = _schemas(connection)
    key = (dialect_name, schemas.get(None, table.schema), table, kind)
    compiled = _COMPILED.get(key)
    if compiled is None:
        postgres = dialect_name == "postgresql"
        dialect: Any = _POSITIONAL_POSTGRESQL if postgres else connection.dialect
        statement: Any
        if kind == "select":
            statement = select(*table.columns)
        elif kind == "delete":
            key_columns = table.primary_key.columns
            statement = table.delete().where(*(column == bindparam(column.name) for column in key_columns))
        elif kind == "upsert":
            statement = _upsert(table, postgresql.insert(table) if postgres else sqlite.insert(table))
        else:
            statement = insert(table)
        if schemas:  # the base's schema written into the SQL, as SQLAlchemy would translate it
            sql = statement.compile(dialect=dialect, schema_translate_map=schemas, render_schema_translate=True)
        else:
            sql = statement.compile(dialect=dialect)
        names = tuple(sql.positiontup or ())
        processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
        compiled = _COMPILED[key] = (str(sql), names, processors)
    return compiled


def _executemany(connection: Connection, table: Table, rows: Sequence[dict[str, Any]], *, upsert: bool = False) -> None:
    sql, names, processors = _compiled(connection, table, "upsert" if upsert else "insert")
    connection.exec_driver_sql(sql, _driver_values(rows, names, processors))


def _driver_values(rows: Sequence[dict[str, Any]], names: Sequence[str], processors: Sequence[Any]) -> list[Any]:
    """Each row as the tuple of values handed to the driver: ``names`` in order, through their processors."""
    if any(processors):
        columns = [
            [row[name] for row in rows] if process is None else [process(row[name]) for row in rows]
            for name, process in zip(names, processors, strict=True)
        ]
        return list(zip(*columns, strict=True))
    values = itemgetter(*names)
    return [_as_tuple(values(row)) for row in rows] if len(names) == 1 else [values(row) for row in rows]
