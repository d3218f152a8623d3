"""Fixtures shared by every test layer: a throwaway PostgreSQL, registries of bases on both backends.

Each base is a folder (SQLite) or a schema ``b_<uai>_<year>`` (PostgreSQL); tests stay isolated on the
one session cluster by giving every base a UAI no other test uses (:func:`uai_factory`), which is far
cheaper than a database per test. ``os.environ`` is never touched.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import argon2
import pytest

from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from api.bootstrap import build_bases
from application.accounts import Credentials
from application.base import SchoolYearBase
from application.permissions import Principal
from application.ports import Clock, PasswordHasher
from application.registry import Bases
from application.sessions import LoginAttempt
from domain.values import UAI_CHECK_LETTERS
from tests.pg_cluster import PostgresCluster
from tests.smtp import SmtpServer, serve

FIXED_NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
"""A Tuesday of the 2026-2027 school year: the current year is 2026, a plausible one at most 2027."""

YEAR = 2026

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

_uai_numbers = itertools.count(1_234_000)


def make_uai(number: int) -> str:
    """The UAI of a seven-digit number, with its check letter."""
    digits = f"{number:07d}"
    return digits + UAI_CHECK_LETTERS[int(digits) % 23]


class MovableClock:
    """The service's clock in tests: stopped at an instant until a test moves it forward."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward (never back: the service's instants only grow) and return the new now."""
        if delta < timedelta(0):
            raise ValueError(f"the clock only moves forward, not by {delta}")
        self.now += delta
        return self.now


class CountingHasher:
    """A base's hasher, counting the argon2 verifications it is asked for (guards must spare them)."""

    def __init__(self, inner: PasswordHasher) -> None:
        self.inner = inner
        self.verifications = 0

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return self.inner.verify(password_hash, password)


def join_recovery_mails() -> None:
    """Recovery mails go out on daemon threads: let them finish, so none outlives its test's base or server."""
    for thread in threading.enumerate():
        if thread.name.startswith("recovery-mail-"):
            thread.join(timeout=10)


@dataclass(frozen=True)
class NewBase:
    """A base created for a test, with the one-time credentials its creation printed."""

    base: SchoolYearBase
    credentials: Credentials

    @property
    def uai(self) -> str:
        return self.base.uai


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The session's throwaway PostgreSQL cluster, started on the first test that asks for it."""
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """The ``postgresql://`` URL of the session cluster's test database (an operator's URL)."""
    return postgres_cluster.url


@pytest.fixture(scope="session")
def fast_hasher() -> Argon2Hasher:
    """Real argon2id with the cheapest parameters, so creating bases and logging in stays fast."""
    return Argon2Hasher(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on a loopback port for the test (:mod:`tests.smtp`), keeping what it receives."""
    yield from serve()


@pytest.fixture
def clock() -> MovableClock:
    """A clock stopped at :data:`FIXED_NOW` (2026-11-24T08:00Z, school year 2026); ``clock.advance`` moves it."""
    return MovableClock()


@pytest.fixture(scope="session")
def uai_factory() -> Callable[[], str]:
    """Makes valid UAIs never used before in this session (isolates bases on the shared cluster)."""
    return lambda: make_uai(next(_uai_numbers))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``"sqlite"`` or ``"postgres"``; the postgres run is marked ``postgres``."""
    name: str = request.param
    return name


@pytest.fixture
def settings(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings for the backend: a fresh data dir, or the session cluster's URL."""
    url: str | None = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    return Settings(data_dir=tmp_path / "data", database_url=url)


@pytest.fixture
def bases_factory(settings: Settings, fast_hasher: Argon2Hasher, clock: Clock) -> Iterator[Callable[..., Bases]]:
    """Builds more registries over the same storage, as other processes would; ``max_open`` may be given."""
    opened: list[Bases] = []

    def build(*, max_open: int | None = None) -> Bases:
        registry_settings = settings if max_open is None else settings.model_copy(update={"max_open_bases": max_open})
        registry = build_bases(registry_settings, hasher=fast_hasher, clock=clock)
        opened.append(registry)
        return registry

    yield build
    for registry in reversed(opened):
        registry.close()


@pytest.fixture
def bases(bases_factory: Callable[..., Bases]) -> Bases:
    """The registry of bases on the parametrised backend (SQLite, then PostgreSQL)."""
    return bases_factory()


@pytest.fixture
def sqlite_bases(tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock) -> Iterator[Bases]:
    """A registry on SQLite only, in the test's temporary folder."""
    registry = build_bases(Settings(data_dir=tmp_path / "data", database_url=None), hasher=fast_hasher, clock=clock)
    yield registry
    registry.close()


@pytest.fixture
def new_base(bases: Bases, uai_factory: Callable[[], str]) -> NewBase:
    """A freshly created base (school year 2026) on the parametrised backend, with its credentials."""
    base, credentials = bases.create(uai_factory(), YEAR, "Collège Jean Moulin")
    return NewBase(base=base, credentials=credentials)


@pytest.fixture
def base(new_base: NewBase) -> SchoolYearBase:
    """The school-year base of :func:`new_base`."""
    return new_base.base


@pytest.fixture
def principal(new_base: NewBase) -> Principal:
    """The super-administrator of :func:`new_base`, logged in (its session is open)."""
    base = new_base.base
    login, password = new_base.credentials.login, new_base.credentials.password
    opened = base.log_in(LoginAttempt(login=login, password=password))
    return base.authenticate(opened.token)
