"""Cartable's settings, from ``CARTABLE_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives, how the service runs and how it reaches people; nothing else is configured."""

    model_config = SettingsConfigDict(env_prefix="CARTABLE_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Folder of the embedded (SQLite) bases.")
    database_url: str | None = Field(
        default=None, description="postgresql://user:password@host:port/db switches every base to PostgreSQL."
    )
    max_open_bases: int = Field(default=16, ge=1, description="How many bases a process keeps open.")
    request_threads: int = Field(
        default_factory=lambda: 2 * (os.cpu_count() or 1),
        ge=1,
        description="Requests handled at once (others queue); logins, imports and mail run beside them.",
    )
    log_level: str = Field(default="info")
    log_json: bool = Field(default=True, description="JSON log lines (false: readable console lines).")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The service's address as families reach it, printed in letters and e-mails.",
    )
    smtp_host: str | None = Field(
        default=None, description="Mail server; unset, mails are written to <data_dir>/outbox as .eml files."
    )
    smtp_port: int = Field(default=25, ge=1, le=65535, description="Mail server port (587 with STARTTLS).")
    smtp_sender: str = Field(default="cartable@localhost", description="From address of every mail sent.")
    smtp_username: str | None = Field(default=None, description="Login on the mail server, if it asks for one.")
    smtp_password: str | None = Field(default=None, repr=False, description="Password on the mail server.")
    smtp_starttls: bool = Field(default=False, description="Switch the SMTP connection to TLS before logging in.")

    @field_validator("smtp_host", "smtp_username", "smtp_password")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value if value is not None and value.strip() else None

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
