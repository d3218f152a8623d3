"""PostgreSQL: each base is a schema ``b_<uai>_<year>`` holding its events and its read models.

One SQLAlchemy engine (one small pool) serves the read models of every base through a schema
translation; the library's event store gets its own small pool per open base.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text

from adapters.settings import PostgresUrl

EVENT_STORE_POOL_SIZE = 2
EVENT_STORE_MAX_OVERFLOW = 4
LOCK_TIMEOUT_SECONDS = 5


def schema_name(uai: str, year: int) -> str:
    return f"b_{uai.lower()}_{year}"


class PostgresStorage:
    """Bases as schemas of one PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = PostgresUrl(url)
        self.engine = create_engine(self.url.sqlalchemy(), pool_size=5, max_overflow=10, pool_pre_ping=True)

    def event_store_env(self, uai: str, year: int) -> dict[str, str]:
        return {
            **self.url.eventsourcing_env(),
            "POSTGRES_SCHEMA": schema_name(uai, year),
            "POSTGRES_POOL_SIZE": str(EVENT_STORE_POOL_SIZE),
            "POSTGRES_MAX_OVERFLOW": str(EVENT_STORE_MAX_OVERFLOW),
            "POSTGRES_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
        }

    def views_engine(self, uai: str, year: int) -> Engine:
        return self.engine.execution_options(schema_translate_map={None: schema_name(uai, year)})

    @contextmanager
    def exclusive(self, uai: str, year: int, name: str) -> Iterator[None]:
        """A transaction-scoped advisory lock: every process on the database waits for the holder."""
        with self.engine.begin() as connection:
            key = f"{schema_name(uai, year)}/{name}"
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})
            yield

    def prepare(self, uai: str, year: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema_name(uai, year)}"'))

    def years(self, uai: str) -> list[int]:
        prefix = f"b_{uai.lower()}_"
        with self.engine.connect() as connection:
            names = connection.execute(
                text("SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, :prefix)"),
                {"prefix": prefix},
            ).scalars()
            years = [int(name[len(prefix) :]) for name in names if name[len(prefix) :].isdigit()]
        return sorted(years, reverse=True)

    def release(self, uai: str, year: int) -> None:
        """Nothing to let go: the read models share one pool, and the base closes its own."""

    def close(self) -> None:
        self.engine.dispose()
