"""What the application needs from the world, implemented in ``adapters/``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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

    def years(self, uai: str) -> list[int]:
        """The years for which the school may have a base, newest first."""
        ...

    def release(self, uai: str, year: int) -> None:
        """Let go of what was opened for a base (connection pools)."""
        ...

    def close(self) -> None:
        """Let go of everything."""
        ...
