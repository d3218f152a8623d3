"""What the application needs from the world, implemented in ``adapters/``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine

Clock = Callable[[], datetime]


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2id); slow by design, so callers never hash in a loop."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class BaseStorage(Protocol):
    """Where each school-year base keeps its events and read models (a SQLite folder, a PG schema)."""

    def event_store_env(self, uai: str, year: int) -> Mapping[str, str]:
        """The library's settings for the base's event store."""
        ...

    def views_engine(self, uai: str, year: int) -> Engine:
        """The database of the base's read models."""
        ...

    def prepare(self, uai: str, year: int) -> None:
        """Make room for a new base (a folder, a schema); harmless when it is there already."""
        ...

    def exclusive(self, uai: str, year: int, name: str) -> AbstractContextManager[None]:
        """A lock named ``name`` of the base, held by one thread of one process at a time, whichever
        process: what the event store cannot guard by itself (counting a licence's seats)."""
        ...

    def years(self, uai: str) -> list[int]:
        """The years for which the school may have a base, newest first."""
        ...

    def release(self, uai: str, year: int) -> None:
        """Let go of what was opened for a base (connection pools)."""
        ...

    def close(self) -> None:
        """Let go of everything."""
        ...


@dataclass(frozen=True)
class Mail:
    """One e-mail to one person, already rendered (French text, plain)."""

    to: str
    subject: str
    body: str


class Mailer(Protocol):
    """Sends e-mails (SMTP, or a pickup folder on the embedded default). Raises MailNotSent on failure."""

    def send(self, mail: Mail) -> None: ...


@dataclass(frozen=True)
class ConnectionLetter:
    """What one label of a connection letter says: who, their login and provisional password, where to go."""

    full_name: str
    detail: str | None  # e.g. the class of a student, "Responsable de Léa MARTIN", the function of a staff member
    login: str
    password: str
    connection_url: str  # the QR code holds this URL and the login


@dataclass(frozen=True)
class SchoolLetterhead:
    """The school as printed at the top of every label."""

    name: str
    uai: str
    address: str | None


class LetterPrinter(Protocol):
    """Renders connection letters (labels with a QR code) as one PDF document."""

    def render(self, school: SchoolLetterhead, population: str, letters: list[ConnectionLetter]) -> bytes: ...
