from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.application import Application
from sqlalchemy import text

from adapters.sqlite_storage import SqliteStorage, sqlite_engine

UAI = "0750655E"


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[SqliteStorage]:
    storage = SqliteStorage(tmp_path / "data")
    yield storage
    storage.close()


def test_a_base_is_a_folder_per_school_and_year(storage: SqliteStorage, tmp_path: Path) -> None:
    storage.prepare(UAI, 2026)
    storage.prepare(UAI, 2026)  # harmless when it is there already
    assert (tmp_path / "data" / UAI / "2026").is_dir()


def test_the_event_store_is_events_sqlite_in_the_bases_folder(storage: SqliteStorage, tmp_path: Path) -> None:
    env = storage.event_store_env(UAI, 2026)
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
    assert env["SQLITE_DBNAME"] == str(tmp_path / "data" / UAI / "2026" / "events.sqlite")


def test_years_are_those_with_an_event_store_newest_first(storage: SqliteStorage) -> None:
    assert storage.years(UAI) == []
    for year in (2024, 2026, 2025):
        storage.prepare(UAI, year)
        app = Application[UUID](env=storage.event_store_env(UAI, year))
        app.close()
    storage.prepare(UAI, 2027)  # prepared, but no event store yet
    (storage.folder(UAI, 2026).parent / "archive").mkdir()
    assert storage.years(UAI) == [2026, 2025, 2024]
    assert storage.years("0750656F") == []


def test_the_read_models_of_a_base_are_views_sqlite_in_wal_mode(storage: SqliteStorage, tmp_path: Path) -> None:
    storage.prepare(UAI, 2026)
    engine = storage.views_engine(UAI, 2026)
    assert engine is storage.views_engine(UAI, 2026)
    assert engine is not storage.views_engine(UAI, 2025)
    with engine.begin() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    assert (tmp_path / "data" / UAI / "2026" / "views.sqlite").is_file()


def test_releasing_a_base_lets_go_of_its_engine(storage: SqliteStorage) -> None:
    storage.prepare(UAI, 2026)
    engine = storage.views_engine(UAI, 2026)
    storage.release(UAI, 2026)
    assert storage.views_engine(UAI, 2026) is not engine
    storage.release(UAI, 2025)  # never opened: nothing to do


def test_a_writer_that_asks_for_it_holds_the_write_lock_from_begin(tmp_path: Path) -> None:
    path = tmp_path / "views.sqlite"
    engine = sqlite_engine(path)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with engine.connect() as connection:
            connection.execution_options(sqlite_begin="IMMEDIATE")
            with connection.begin(), pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        with engine.connect() as connection, connection.begin():
            connection.execute(text("SELECT * FROM t")).all()
            other.execute("BEGIN IMMEDIATE")  # a plain transaction that only read takes no write lock
            other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()
