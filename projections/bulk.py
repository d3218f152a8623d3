"""A rebuild's bulk work, as fast as each database takes it: emptying tables, filling empty ones.

A rebuild writes every row of a read model into tables it has just emptied, in one transaction.
SQLAlchemy's per-row parameter processing then costs more than the database itself, so this path
hands the driver ready values: PostgreSQL's ``COPY`` (psycopg 3), SQLite's ``executemany`` with the
columns' own bind processors.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert
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
_COMPILED: dict[tuple[str, str | None, Table, bool], Compiled] = {}
# psycopg takes positional ``%s`` parameters too: compiled with them, a row is a tuple, as on SQLite.
_POSITIONAL_POSTGRESQL = PGDialect_psycopg(paramstyle="format")  # type: ignore[no-untyped-call]


def _compiled(connection: Connection, table: Table, upsert: bool) -> Compiled:
    dialect_name = connection.dialect.name
    schemas = _schemas(connection)
    key = (dialect_name, schemas.get(None, table.schema), table, upsert)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if dialect_name == "postgresql":
            dialect: Any = _POSITIONAL_POSTGRESQL
            statement = _upsert(table, postgresql.insert(table)) if upsert else insert(table)
        else:
            dialect = connection.dialect
            statement = _upsert(table, sqlite.insert(table)) if upsert else insert(table)
        if schemas:  # the base's schema written into the SQL, as SQLAlchemy would translate it
            sql = statement.compile(dialect=dialect, schema_translate_map=schemas, render_schema_translate=True)
        else:
            sql = statement.compile(dialect=dialect)
        names = tuple(sql.positiontup or ())
        processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
        compiled = _COMPILED[key] = (str(sql), names, processors)
    return compiled


def _executemany(connection: Connection, table: Table, rows: Sequence[dict[str, Any]], *, upsert: bool = False) -> None:
    sql, names, processors = _compiled(connection, table, upsert)
    if any(processors):
        columns = [
            [row[name] for row in rows] if process is None else [process(row[name]) for row in rows]
            for name, process in zip(names, processors, strict=True)
        ]
        values = list(zip(*columns, strict=True))
    else:
        values = [tuple(row[name] for name in names) for row in rows]
    connection.exec_driver_sql(sql, values)
