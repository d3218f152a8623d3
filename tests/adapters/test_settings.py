from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from adapters.settings import PostgresUrl, Settings


def test_an_operators_url_is_handed_to_sqlalchemy_with_psycopg_3() -> None:
    url = PostgresUrl("postgresql://cartable:secret@db.example:5433/vie_scolaire")
    assert url.sqlalchemy() == "postgresql+psycopg://cartable:secret@db.example:5433/vie_scolaire"


def test_the_library_gets_the_same_database_as_postgres_settings() -> None:
    url = PostgresUrl("postgresql://cartable:p%40ss@db.example:5433/vie_scolaire")
    assert url.eventsourcing_env() == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": "vie_scolaire",
        "POSTGRES_HOST": "db.example",
        "POSTGRES_PORT": "5433",
        "POSTGRES_USER": "cartable",
        "POSTGRES_PASSWORD": "p@ss",
    }


@pytest.mark.parametrize(
    ("user", "password"), [("user", "p@ss"), ("us:er", "a/b:c@d%e?f#g"), ("élève", "mot de passe")]
)
def test_credentials_with_reserved_characters_reach_sqlalchemy_intact(user: str, password: str) -> None:
    url = PostgresUrl(f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@host:5433/db")
    parsed = make_url(url.sqlalchemy())
    assert (parsed.drivername, parsed.username, parsed.password) == ("postgresql+psycopg", user, password)
    assert (parsed.host, parsed.port, parsed.database) == ("host", 5433, "db")
    assert (url.eventsourcing_env()["POSTGRES_USER"], url.eventsourcing_env()["POSTGRES_PASSWORD"]) == (user, password)


def test_the_port_defaults_to_5432_and_the_query_is_kept() -> None:
    url = PostgresUrl("postgres://cartable@localhost/cartable?sslmode=require")
    assert (url.port, url.password) == (5432, "")
    assert url.sqlalchemy() == "postgresql+psycopg://cartable@localhost:5432/cartable?sslmode=require"


def test_a_url_without_credentials_has_none_in_sqlalchemys() -> None:
    assert PostgresUrl("postgresql://localhost/cartable").sqlalchemy() == "postgresql+psycopg://localhost:5432/cartable"


@pytest.mark.parametrize("value", ["postgresql://localhost", "postgresql://localhost/", "postgresql:///cartable"])
def test_a_url_without_host_or_database_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="must name a host and a database"):
        PostgresUrl(value)


def env_file(path: Path | None) -> dict[str, Any]:
    """pydantic-settings' own switch for a .env file, which the synthesised signature does not show."""
    return {"_env_file": path}


def test_settings_default_to_embedded_sqlite_in_var() -> None:
    settings = Settings(**env_file(None))
    assert (settings.data_dir, settings.database_url, settings.max_open_bases) == (Path("var"), None, 16)


def test_settings_are_read_from_cartable_variables(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "CARTABLE_DATA_DIR=/srv/cartable\n"
        "CARTABLE_DATABASE_URL=postgresql://cartable@db/cartable\n"
        "CARTABLE_MAX_OPEN_BASES=4\n"
        "CARTABLE_LOG_JSON=false\n"
        "DATABASE_URL=postgresql://not-ours@db/other\n"
    )
    settings = Settings(**env_file(dotenv))
    assert settings.data_dir == Path("/srv/cartable")
    assert settings.database_url == "postgresql://cartable@db/cartable"
    assert settings.max_open_bases == 4
    assert settings.log_json is False


@pytest.mark.parametrize("value", ["", "   "])
def test_a_blank_database_url_means_sqlite(value: str) -> None:
    assert Settings(database_url=value).database_url is None


@pytest.mark.parametrize("value", ["mysql://root@db/cartable", "sqlite:///var/events.sqlite", "db.example:5432"])
def test_a_database_url_that_is_not_postgresql_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="is not a postgresql:// URL"):
        Settings(database_url=value)


def test_at_least_one_base_must_be_kept_open() -> None:
    with pytest.raises(ValidationError):
        Settings(max_open_bases=0)
