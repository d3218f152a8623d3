"""The access journal's tables (SQLAlchemy Core): one row per session, one per consultation."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# Text for what clients send (user agents, addresses) and what the domain does not bound (display
# names, modes, purposes): a value longer than a VARCHAR limit would stop the projection on PostgreSQL.
# Both tables are keyed by text ids: WITHOUT ROWID stores each row once, in its key's b-tree.

sessions = Table(
    "access_sessions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("account_id", String(36), nullable=False),
    Column("login", String(64), nullable=False, index=True),
    Column("role", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("person_id", String(36)),
    Column("display_name", Text, nullable=False),
    Column("address", Text),
    Column("user_agent", Text),
    Column("inactivity_minutes", Integer, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_activity_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("close_reason", Text),
    sqlite_with_rowid=False,
)

# The open sessions by mode (licences are counted per mode): a partial index, as small as what is open.
Index(
    "access_sessions_open_mode",
    sessions.c.mode,
    sqlite_where=sessions.c.closed_at.is_(None),
    postgresql_where=sessions.c.closed_at.is_(None),
)

# One row per RecordConsulted or ListConsulted event, keyed by the session and the event's version.
# A record names its subject and the categories read; a list, its resource, filters and length.
consultations = Table(
    "access_consultations",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("kind", String(6), nullable=False),
    Column("subject_type", Text),
    Column("subject_id", String(36)),
    Column("categories", JSON, nullable=False),
    Column("purpose", Text),
    Column("resource", Text),
    Column("filters", JSON, nullable=False),
    Column("count", Integer),
    Index("access_consultations_subject", "subject_type", "subject_id"),
    sqlite_with_rowid=False,
)

# One row per aggregate a session's command changed (Session.ChangesMade): who wrote what, and when.
changes = Table(
    "access_changes",
    metadata,
    Column("session_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("aggregate_id", String(36), nullable=False, index=True),
    Column("event", Text, nullable=False),
    sqlite_with_rowid=False,
)
