"""The one place that turns settings into a registry of bases (shared by the HTTP app and the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from adapters.letters import Fpdf2LetterPrinter
from adapters.mail import build_mailer
from adapters.passwords import Argon2Hasher
from adapters.postgres_storage import PostgresStorage
from adapters.settings import Settings
from adapters.sqlite_storage import SqliteStorage
from application.ports import BaseStorage, LetterPrinter, Mailer, PasswordHasher
from application.registry import Bases


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_bases(
    settings: Settings,
    *,
    hasher: PasswordHasher | None = None,
    clock: Callable[[], datetime] = utc_now,
    mailer: Mailer | None = None,
    printer: LetterPrinter | None = None,
) -> Bases:
    """The registry over SQLite folders, or over PostgreSQL schemas when a database URL is set.

    Mails go through the SMTP server of the settings (or their pickup folder) unless a mailer is
    given; connection letters are printed with fpdf2 unless a printer is given.
    """
    storage: BaseStorage = (
        PostgresStorage(settings.database_url) if settings.database_url else SqliteStorage(settings.data_dir)
    )
    return Bases(
        storage,
        hasher or Argon2Hasher(),
        clock,
        max_open=settings.max_open_bases,
        mailer=mailer if mailer is not None else build_mailer(settings),
        printer=printer if printer is not None else Fpdf2LetterPrinter(),
        public_url=settings.public_url,
    )
