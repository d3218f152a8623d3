"""The HTTP app over real bases, driven through Starlette's ``TestClient``.

A :class:`SchoolClient` is one school's base, logged in as its super-administrator, with helpers
that say what a test does (``enrol``, ``register_guardian``) and read what the base recorded (the
event log head, the access journal). Most tests run on SQLite; the ones that matter on both
backends ask for :func:`school_on_each_backend`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import httpx2
import pytest
from eventsourcing.domain import DomainEventProtocol
from starlette.testclient import TestClient

from api.app import create_app
from application.accounts import Credentials
from application.base import SchoolYearBase
from application.registry import Bases
from domain.session import Session

YEAR = 2026
CHOSEN_PASSWORD = "Cahier-de-textes-2026"
PROBLEM_JSON = "application/problem+json"
DUMMY_ID = str(UUID(int=0))


@dataclass
class SchoolClient:
    """One school's base behind the HTTP app, with an open session of its super-administrator."""

    client: TestClient
    bases: Bases
    base: SchoolYearBase
    credentials: Credentials
    token: str = ""
    _counter: list[int] = field(default_factory=lambda: [0])

    @property
    def uai(self) -> str:
        return self.base.uai

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def url(self, tail: str = "") -> str:
        return f"/schools/{self.uai}{tail}"

    def log_in(self) -> str:
        response = self.client.post(
            "/auth/login",
            json={"uai": self.uai, "login": self.credentials.login, "password": self.credentials.password},
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def choose_password(self, new_password: str = CHOSEN_PASSWORD) -> None:
        """Leave the provisional password behind, as every account's first connection must."""
        response = self.client.post(
            "/auth/password",
            json={"current_password": self.credentials.password, "new_password": new_password},
            headers=self.headers,
        )
        assert response.status_code == 204, response.text
        self.credentials = Credentials(login=self.credentials.login, password=new_password)

    # -- HTTP ----------------------------------------------------------------------------------------

    def get(self, tail: str, params: dict[str, str] | None = None) -> httpx2.Response:
        return self.client.get(self.url(tail), params=params, headers=self.headers)

    def post(self, tail: str, body: Any) -> httpx2.Response:
        return self.client.post(self.url(tail), json=body, headers=self.headers)

    def post_raw(self, tail: str, content: bytes) -> httpx2.Response:
        headers = {**self.headers, "Content-Type": "application/json"}
        return self.client.post(self.url(tail), content=content, headers=headers)

    def created(self, tail: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.post(tail, body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def items(self, tail: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        response = self.get(tail, params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    # -- the directory, through the API -------------------------------------------------------------

    def open_class(self, code: str, level: str = "3E", label: str | None = None) -> dict[str, Any]:
        return self.created("/classes", {"code": code, "label": label or f"Classe {code}", "level": level})

    def enrol(self, last_name: str, first_name: str = "Camille", **extra: Any) -> dict[str, Any]:
        body = {"last_name": last_name, "first_name": first_name, "birth_date": "2012-03-04", "sex": "F", **extra}
        return self.created("/students", body)

    def register_guardian(self, last_name: str, first_name: str = "Dominique", **extra: Any) -> dict[str, Any]:
        return self.created("/guardians", {"last_name": last_name, "first_name": first_name, **extra})

    def new_ine(self) -> str:
        """An INE no other student of this test has."""
        self._counter[0] += 1
        return f"{self._counter[0]:09d}AB"

    # -- what the base recorded ---------------------------------------------------------------------

    def head(self) -> int:
        """The event log's head: the notification id of the last event written."""
        return self.base.recorder.max_notification_id() or 0

    def events(self, after: int = 0) -> list[DomainEventProtocol[Any]]:
        notifications = self.base.recorder.select_notifications(start=after + 1, limit=10000)
        return [self.base.mapper.to_domain_event(n) for n in notifications]

    def journal(self, after: int = 0) -> list[Session.RecordConsulted | Session.ListConsulted]:
        """The access-journal lines written after the head ``after``."""
        return [e for e in self.events(after) if isinstance(e, Session.RecordConsulted | Session.ListConsulted)]


def assert_problem(
    response: httpx2.Response, status: int, code: str, fields: list[str] | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem of that status and type, naming exactly ``fields`` when given."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_JSON
    problem: dict[str, Any] = response.json()
    assert set(problem) == {"type", "title", "status", "detail", "errors"}
    assert problem["type"] == f"/problems/{code}"
    assert problem["status"] == status
    assert isinstance(problem["title"], str) and problem["title"]
    assert isinstance(problem["detail"], str) and problem["detail"]
    for error in problem["errors"]:
        assert set(error) == {"field", "message"}
        assert error["field"] and error["message"]
    if fields is not None:
        assert sorted(e["field"] for e in problem["errors"]) == sorted(fields)
    return problem


def assert_refused_without_writing(
    school: SchoolClient, send: Callable[[], httpx2.Response], status: int, code: str, fields: list[str] | None = None
) -> dict[str, Any]:
    """Send a write that must be refused: the problem comes back and the event log head does not move."""
    head = school.head()
    problem = assert_problem(send(), status, code, fields)
    assert school.head() == head, "a refused write appended events"
    return problem


def fill(path: str, uai: str) -> str:
    """The path with its parameters filled: the given school, a dummy value for the rest."""
    return re.sub(r"{(\w+)}", lambda m: uai if m.group(1) == "uai" else DUMMY_ID, path)


def birthday(years_ago: int = 14) -> str:
    return date(2026 - years_ago, 3, 4).isoformat()


def _school(bases: Bases, uai: str, client: TestClient | None = None) -> SchoolClient:
    base, credentials = bases.create(uai, YEAR, "Lycée Test")
    client = client or TestClient(create_app(bases=bases))
    school = SchoolClient(client=client, bases=bases, base=base, credentials=credentials)
    school.token = school.log_in()
    school.choose_password()
    return school


@pytest.fixture
def school(sqlite_bases: Bases, uai_factory: Callable[[], str]) -> SchoolClient:
    """A school on SQLite, logged in as its super-administrator."""
    return _school(sqlite_bases, uai_factory())


@pytest.fixture
def other_school(school: SchoolClient, uai_factory: Callable[[], str]) -> SchoolClient:
    """A second school served by the same app and registry as :func:`school`."""
    return _school(school.bases, uai_factory(), school.client)


@pytest.fixture
def school_on_each_backend(bases: Bases, uai_factory: Callable[[], str]) -> SchoolClient:
    """A school on SQLite, then on PostgreSQL."""
    return _school(bases, uai_factory())
