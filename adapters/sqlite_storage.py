"""The embedded default: each base is a folder ``<data_dir>/<uai>/<year>/`` with two SQLite files.

``events.sqlite`` holds the event store (the library's tables), ``views.sqlite`` the read models:
two files, because the library's SQLite recorder and our projection writers each want their own
write lock, and a rebuild must never hold up the writes of commands.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

LOCK_TIMEOUT_SECONDS = 30


def sqlite_engine(path: Path | str) -> Engine:
    """An engine whose transactions we begin ourselves, so a writer can ask for ``BEGIN IMMEDIATE``.

    Python's sqlite3 module otherwise begins transactions lazily and late, which lets two writers
    both read a projection's position before either takes the lock.
    """
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": LOCK_TIMEOUT_SECONDS}
    )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


class SqliteStorage:
    """Bases as folders under one data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._engines: dict[tuple[str, int], Engine] = {}
        self._lock = threading.Lock()

    def folder(self, uai: str, year: int) -> Path:
        return self.data_dir / uai / str(year)

    def event_store_env(self, uai: str, year: int) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.folder(uai, year) / "events.sqlite"),
            "SQLITE_LOCK_TIMEOUT": str(LOCK_TIMEOUT_SECONDS),
        }

    def views_engine(self, uai: str, year: int) -> Engine:
        with self._lock:
            engine = self._engines.get((uai, year))
            if engine is None:
                engine = sqlite_engine(self.folder(uai, year) / "views.sqlite")
                self._engines[(uai, year)] = engine
            return engine

    @contextmanager
    def exclusive(self, uai: str, year: int, name: str) -> Iterator[None]:
        """A lock file beside the base's databases (``flock``: each opening of it waits for the holder's,
        in this process or another)."""
        with (self.folder(uai, year) / f"{name}.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def prepare(self, uai: str, year: int) -> None:
        self.folder(uai, year).mkdir(parents=True, exist_ok=True)

    def years(self, uai: str) -> list[int]:
        school = self.data_dir / uai
        if not school.is_dir():
            return []
        years = [int(p.name) for p in school.iterdir() if p.name.isdigit() and (p / "events.sqlite").is_file()]
        return sorted(years, reverse=True)

    def release(self, uai: str, year: int) -> None:
        with self._lock:
            engine = self._engines.pop((uai, year), None)
        if engine is not None:
            engine.dispose()

    def close(self) -> None:
        with self._lock:
            engines = list(self._engines.values())
            self._engines.clear()
        for engine in engines:
            engine.dispose()
