"""Accounts of the directory's people over HTTP: open one, take it through its first connection, log in.

The auth test modules (login, sessions, login security, access history) share these helpers; a
school's super-administrator is :class:`tests.api.conftest.SchoolClient` itself.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import httpx2
from starlette.testclient import TestClient

from application.account_opening import OpenedAccount, PersonKind
from tests.api.conftest import CHOSEN_PASSWORD, SchoolClient


def login_body(school: SchoolClient, **overrides: Any) -> dict[str, Any]:
    """The super-administrator's login request, with ``overrides`` applied."""
    return {"uai": school.uai, "login": school.credentials.login, "password": school.credentials.password, **overrides}


def log_in(client: TestClient, uai: str, login: str, password: str, **extra: Any) -> httpx2.Response:
    return client.post("/auth/login", json={"uai": uai, "login": login, "password": password, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register_staff(school: SchoolClient, last_name: str, function: str = "Direction", **extra: Any) -> UUID:
    """A staff member registered through the API (the super-admin's session)."""
    body = {"last_name": last_name, "first_name": "Claude", "function": function, **extra}
    return UUID(school.created("/staff", body)["id"])


def open_account(school: SchoolClient, kind: PersonKind, person_id: UUID) -> OpenedAccount:
    """The person's account, with its login and provisional password, as the account opening gives them."""
    base = school.base
    return base.execute(lambda unit: base.open_account(unit, person_kind=kind, person_id=person_id))


def first_connection(
    school: SchoolClient,
    account: OpenedAccount,
    *,
    client: TestClient | None = None,
    new_password: str = CHOSEN_PASSWORD,
    **login_extra: Any,
) -> str:
    """Log in with the provisional password and choose a new one, as every first connection must; the token."""
    client = client or school.client
    response = log_in(client, school.uai, account.login, account.password, **login_extra)
    assert response.status_code == 200, response.text
    assert response.json()["must_change_password"] is True
    token: str = response.json()["token"]
    changed = client.post(
        "/auth/password",
        json={"current_password": account.password, "new_password": new_password},
        headers=bearer(token),
    )
    assert changed.status_code == 204, changed.text
    return token
