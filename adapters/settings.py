"""Cartable's settings, from ``CARTABLE_*`` environment variables."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and how the service runs; nothing else is configured."""

    model_config = SettingsConfigDict(env_prefix="CARTABLE_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Folder of the embedded (SQLite) bases.")
    database_url: str | None = Field(
        default=None, description="postgresql://user:password@host:port/db switches every base to PostgreSQL."
    )
    max_open_bases: int = Field(default=16, ge=1, description="How many bases a process keeps open.")
    log_level: str = Field(default="info")
    log_json: bool = Field(default=True, description="JSON log lines (false: readable console lines).")

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if urlsplit(value).scheme not in {"postgresql", "postgres", "postgresql+psycopg"}:
            raise ValueError(f"CARTABLE_DATABASE_URL {value!r} is not a postgresql:// URL")
        return value


class PostgresUrl:
    """An operator's ``postgresql://`` URL, split for SQLAlchemy (psycopg 3) and for the library."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.hostname or not parts.path.strip("/"):
            raise ValueError(f"database URL {url!r} must name a host and a database")
        self.host = parts.hostname
        self.port = parts.port or 5432
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.dbname = parts.path.strip("/")
        self.query = parts.query

    def sqlalchemy(self) -> str:
        # Re-quoted: a password holding '@', ':' or '/' would otherwise split the URL in the wrong place.
        credentials = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        at = f"{credentials}@" if credentials else ""
        query = f"?{self.query}" if self.query else ""
        return f"postgresql+psycopg://{at}{self.host}:{self.port}/{self.dbname}{query}"

    def eventsourcing_env(self) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
        }
