from __future__ import annotations

from collections.abc import Callable, Iterator
from uuid import UUID

import pytest
from eventsourcing.application import Application
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text

from adapters.postgres_storage import PostgresStorage, schema_name

pytestmark = pytest.mark.postgres


@pytest.fixture
def storage(postgres_url: str) -> Iterator[PostgresStorage]:
    storage = PostgresStorage(postgres_url)
    yield storage
    storage.close()


class Cartable(Application[UUID]):
    name = "cartable"


def schemas(storage: PostgresStorage) -> set[str]:
    with storage.engine.connect() as connection:
        return set(connection.execute(text("SELECT schema_name FROM information_schema.schemata")).scalars())


def tables_in(storage: PostgresStorage, schema: str) -> set[str]:
    query = text("SELECT table_name FROM information_schema.tables WHERE table_schema = :schema")
    with storage.engine.connect() as connection:
        return set(connection.execute(query, {"schema": schema}).scalars())


def test_a_bases_schema_is_named_after_its_school_in_lower_case_and_year() -> None:
    assert schema_name("0750655E", 2026) == "b_0750655e_2026"


def test_sqlalchemy_talks_to_the_database_through_psycopg_3(storage: PostgresStorage) -> None:
    assert storage.engine.dialect.driver == "psycopg"
    with storage.engine.connect() as connection:
        assert connection.execute(text("SELECT current_database()")).scalar_one() == "cartable_test"


def test_preparing_a_base_creates_its_schema_once(storage: PostgresStorage, uai_factory: Callable[[], str]) -> None:
    uai = uai_factory()
    storage.prepare(uai, 2026)
    storage.prepare(uai, 2026)
    assert schema_name(uai, 2026) in schemas(storage)


def test_years_are_the_schools_schemas_newest_first(storage: PostgresStorage, uai_factory: Callable[[], str]) -> None:
    uai, neighbour = uai_factory(), uai_factory()
    assert storage.years(uai) == []
    for year in (2024, 2026, 2025):
        storage.prepare(uai, year)
    storage.prepare(neighbour, 2027)
    with storage.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "b_{uai.lower()}_archive"'))
    assert storage.years(uai) == [2026, 2025, 2024]
    assert storage.years(neighbour) == [2027]


def test_the_event_store_of_a_base_is_cartable_events_in_its_schema(
    storage: PostgresStorage, uai_factory: Callable[[], str], postgres_url: str
) -> None:
    uai = uai_factory()
    env = storage.event_store_env(uai, 2026)
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert env["POSTGRES_SCHEMA"] == schema_name(uai, 2026)
    assert env["POSTGRES_DBNAME"] == "cartable_test"
    storage.prepare(uai, 2026)
    app = Cartable(env=env)
    try:
        assert app.recorder.max_notification_id() is None
    finally:
        app.close()
    assert "cartable_events" in tables_in(storage, schema_name(uai, 2026))
    assert "cartable_events" not in tables_in(storage, "public")


def test_the_read_models_of_a_base_live_in_its_schema(storage: PostgresStorage, uai_factory: Callable[[], str]) -> None:
    first, second = uai_factory(), uai_factory()
    table = Table("directory_probe", MetaData(), Column("id", Integer, primary_key=True))
    for uai, value in ((first, 1), (second, 2)):
        storage.prepare(uai, 2026)
        with storage.views_engine(uai, 2026).begin() as connection:
            table.create(connection)
            connection.execute(insert(table).values(id=value))
    for uai, value in ((first, 1), (second, 2)):
        assert "directory_probe" in tables_in(storage, schema_name(uai, 2026))
        with storage.views_engine(uai, 2026).connect() as connection:
            assert connection.execute(select(table.c.id)).scalars().all() == [value]
