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


def _qualified(connection: Connection, table: Table) -> str:
    """The table's name as SQL, in the schema the connection translates to (the base's schema)."""
    schema = connection.get_execution_options().get("schema_translate_map", {}).get(None, table.schema)
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


def _executemany(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]
    if any(processors):
        columns = [
            [row[name] for row in rows] if process is None else [process(row[name]) for row in rows]
            for name, process in zip(names, processors, strict=True)
        ]
        values = list(zip(*columns, strict=True))
    else:
        values = [tuple(row[name] for name in names) for row in rows]
    connection.exec_driver_sql(str(compiled), values)
