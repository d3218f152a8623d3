"""Each projection's position in the base's notification log, kept beside its rows.

One row per projection, keyed by the projection's name (the library's SQLite tracking table keys by
the upstream application's name, so two projections sharing a file would overwrite each other). The
row is locked for the length of a batch, so two processes never apply the same events.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

metadata = MetaData()

tracking = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(100), primary_key=True),
    Column("application", String(100), nullable=False),
    Column("notification_id", BigInteger, nullable=False),
)


# Built once: every catch-up runs them, and a statement built afresh pays for its cache key each time.
_POSITION = select(tracking.c.notification_id).where(tracking.c.projection == bindparam("projection"))
_POSITION_LOCKED = _POSITION.with_for_update()
_MOVE = (
    update(tracking)
    .where(tracking.c.projection == bindparam("of"), tracking.c.notification_id <= bindparam("position"))
    .values(notification_id=bindparam("position"))
)


def lock_position(connection: Connection, projection: str, application: str) -> int:
    """Read a projection's position and hold it for this transaction (row lock on PostgreSQL).

    On SQLite the transaction already holds the write lock (``BEGIN IMMEDIATE``).
    """
    dialect = connection.dialect.name
    query = _POSITION_LOCKED if dialect == "postgresql" else _POSITION
    position = connection.execute(query, {"projection": projection}).scalar_one_or_none()
    if position is not None:  # every time but the first: one cached SELECT, no INSERT to compile
        return int(position)
    insert = postgresql.insert(tracking) if dialect == "postgresql" else sqlite.insert(tracking)
    connection.execute(
        insert.values(projection=projection, application=application, notification_id=0).on_conflict_do_nothing()
    )
    return int(connection.execute(query, {"projection": projection}).scalar_one())


def write_position(connection: Connection, projection: str, notification_id: int) -> None:
    """Move the position forward, in the transaction that wrote the rows up to it."""
    connection.execute(_MOVE, {"of": projection, "position": notification_id})


def read_position(connection: Connection, projection: str) -> int:
    """The last notification id a projection has applied (0 when it never ran)."""
    position = connection.execute(_POSITION, {"projection": projection}).scalar_one_or_none()
    return int(position or 0)


def reset_position(connection: Connection, projection: str) -> None:
    """Forget a projection's position; only a rebuild does this, in the transaction that empties its tables."""
    connection.execute(tracking.delete().where(tracking.c.projection == projection))
