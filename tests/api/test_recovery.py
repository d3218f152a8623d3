"""Password recovery over HTTP, end to end: the link goes through a real SMTP server (aiosmtpd) and back.

The app is built as in production from settings naming the SMTP server, with a clock the tests move.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2
import pytest
from starlette.testclient import TestClient

from adapters.passwords import Argon2Hasher
from adapters.settings import Settings
from api.app import create_app
from api.bootstrap import build_bases
from application.account_opening import OpenedAccount, PersonKind
from application.registry import Bases
from tests.api.conftest import SchoolClient, _school, assert_problem
from tests.conftest import MovableClock, join_recovery_mails, make_uai
from tests.smtp import SmtpServer

PUBLIC_URL = "https://cartable.college.example.fr"
SENDER = "Cartable <cartable@college.example.fr>"
EMAIL = "lea.martin@famille.example.fr"
NEW_PASSWORD = "Retrouve-mon-Cahier-9"


@pytest.fixture(autouse=True)
def _no_mail_left_behind(smtp_server: SmtpServer) -> Iterator[None]:
    """Recovery mails go out on daemon threads: let them finish before the mail server stops."""
    yield
    join_recovery_mails()


@pytest.fixture
def mailing_bases(
    tmp_path: Path, fast_hasher: Argon2Hasher, clock: MovableClock, smtp_server: SmtpServer
) -> Iterator[Bases]:
    """A registry on SQLite whose mails go to the local SMTP server, as the settings say."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=None,
        public_url=PUBLIC_URL,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_sender=SENDER,
    )
    registry = build_bases(settings, hasher=fast_hasher, clock=clock)
    yield registry
    registry.close()


@pytest.fixture
def school(mailing_bases: Bases) -> SchoolClient:
    return _school(mailing_bases, make_uai(7_654_321), TestClient(create_app(bases=mailing_bases)))


def put(school: SchoolClient, tail: str, body: Any) -> httpx2.Response:
    return school.client.put(school.url(tail), json=body, headers=school.headers)


def allow_recovery(school: SchoolClient, espace: str = "parents", *, allowed: bool = True) -> None:
    options = {
        "password_recovery": allowed,
        "online_justification": False,
        "bulletin_publication_date": None,
        "inactivity_minutes": 20,
    }
    response = put(school, f"/espaces/{espace}/options", options)
    assert response.status_code == 200, response.text


def open_guardian_account(school: SchoolClient, email: str | None = EMAIL) -> OpenedAccount:
    guardian = school.register_guardian("Martin", "Léa", email=email)
    base = school.base
    return base.execute(
        lambda unit: base.open_account(unit, person_kind=PersonKind.GUARDIAN, person_id=UUID(guardian["id"]))
    )


@pytest.fixture
def parent(school: SchoolClient) -> OpenedAccount:
    """A guardian with an e-mail address; the Parents Espace is published and allows recovery."""
    assert school.post("/espaces/parents/publish", None).status_code == 200
    allow_recovery(school)
    return open_guardian_account(school)


def ask(school: SchoolClient, login: str, uai: str | None = None) -> httpx2.Response:
    return school.client.post("/auth/recovery", json={"uai": uai or school.uai, "login": login})


def confirm(school: SchoolClient, token: str, new_password: str = NEW_PASSWORD) -> httpx2.Response:
    return school.client.post("/auth/recovery/confirm", json={"token": token, "new_password": new_password})


def parents_login(school: SchoolClient, login: str, password: str) -> httpx2.Response:
    return school.client.post(
        "/auth/login", json={"uai": school.uai, "login": login, "password": password, "mode": "parents"}
    )


def received(smtp_server: SmtpServer, count: int) -> list[EmailMessage]:
    """The mails the server took, once ``count`` have arrived (they are sent in the background)."""
    deadline = time.monotonic() + 10
    while len(smtp_server.collector.envelopes) < count:
        assert time.monotonic() < deadline, f"{count} mail(s) expected, {len(smtp_server.collector.envelopes)} came"
        time.sleep(0.01)
    return smtp_server.collector.messages()


def token_in(message: EmailMessage) -> str:
    body = message.get_content()
    match = re.search(re.escape(PUBLIC_URL) + r"/recovery\?token=(\S+)", body)
    assert match is not None, body
    return match.group(1)


def recover(school: SchoolClient, smtp_server: SmtpServer, login: str) -> str:
    sent = len(smtp_server.collector.envelopes)
    assert ask(school, login).status_code == 202
    return token_in(received(smtp_server, sent + 1)[-1])


def test_recovery_end_to_end_through_a_real_mail_server(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount
) -> None:
    response = ask(school, parent.login)
    assert response.status_code == 202, response.text

    [message] = received(smtp_server, 1)
    assert smtp_server.collector.envelopes[0].rcpt_tos == [EMAIL]
    assert message["From"] == SENDER
    assert message["Subject"] == "Réinitialisation de votre mot de passe Lycée Test"
    assert "24/11/2026 à 09h30" in message.get_content()
    token = token_in(message)
    assert token not in message["Subject"]

    assert confirm(school, token).status_code == 204

    assert parents_login(school, parent.login, parent.password).status_code == 401
    logged_in = parents_login(school, parent.login, NEW_PASSWORD)
    assert logged_in.status_code == 200, logged_in.text
    assert logged_in.json()["must_change_password"] is False


def test_a_token_serves_once(school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount) -> None:
    token = recover(school, smtp_server, parent.login)
    assert confirm(school, token).status_code == 204

    problem = assert_problem(confirm(school, token, "Encore-un-autre-8"), 422, "recovery-token-invalid", ["token"])
    assert "ask for a new one" in problem["detail"]
    assert parents_login(school, parent.login, NEW_PASSWORD).status_code == 200


def test_an_expired_token_is_refused(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount, clock: MovableClock
) -> None:
    token = recover(school, smtp_server, parent.login)
    clock.advance(timedelta(minutes=30, seconds=1))
    head = school.head()

    assert_problem(confirm(school, token), 422, "recovery-token-invalid", ["token"])
    assert school.head() == head


def test_unknown_tampered_and_malformed_tokens_get_the_same_answer(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount
) -> None:
    token = recover(school, smtp_server, parent.login)
    uai, year, account_hex, secret = token.split(".")
    answers = []
    for bad in (
        f"{uai}.{year}.{account_hex}.{secret[::-1]}",
        f"{make_uai(7_654_322)}.{year}.{account_hex}.{secret}",
        f"0750655F.{year}.{account_hex}.{secret}",
        f"{uai}.1999.{account_hex}.{secret}",
        "not-a-token",
    ):
        problem = assert_problem(confirm(school, bad), 422, "recovery-token-invalid", ["token"])
        answers.append(problem)
    assert all(answer == answers[0] for answer in answers)
    assert confirm(school, token).status_code == 204


def test_a_password_against_the_policy_lists_the_rules_and_keeps_the_token(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount
) -> None:
    token = recover(school, smtp_server, parent.login)

    problem = assert_problem(confirm(school, token, "lea2026"), 422, "password-policy")
    assert {e["field"] for e in problem["errors"]} == {"new_password"}
    assert [e["message"] for e in problem["errors"]] == [
        "at least 8 characters",
        "at least one upper-case letter",
        "not containing the person's first or last name",
    ]
    assert confirm(school, token).status_code == 204


def test_every_request_gets_the_same_answer_and_only_a_recoverable_account_a_mail(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount
) -> None:
    without_email = open_guardian_account(school, email=None)
    staff = school.created("/staff", {"last_name": "Durand", "first_name": "Paul", "function": "CPE", "email": EMAIL})
    base = school.base
    cpe = base.execute(lambda unit: base.open_account(unit, person_kind=PersonKind.STAFF, person_id=UUID(staff["id"])))
    head = school.head()
    answers = [
        ask(school, "NOBODY"),
        ask(school, "x" * 64),
        ask(school, "SPR"),  # no e-mail address, and the Direction Espace does not allow recovery
        ask(school, without_email.login),
        ask(school, cpe.login),  # the Vie scolaire Espace does not allow recovery
        ask(school, parent.login, uai=make_uai(7_654_323)),
        ask(school, parent.login, uai="0750655F"),
        ask(school, parent.login, uai="rien"),
        ask(school, parent.login),
    ]

    assert {response.status_code for response in answers} == {202}
    assert all(response.json() == answers[0].json() for response in answers)
    assert [message["To"] for message in received(smtp_server, 1)] == [EMAIL]
    assert school.head() == head + 1  # the one token issued
    time.sleep(0.2)
    assert len(smtp_server.collector.envelopes) == 1


def test_a_request_with_a_bad_body_is_422_naming_the_field(school: SchoolClient) -> None:
    assert_problem(school.client.post("/auth/recovery", json={"uai": school.uai}), 422, "invalid-request", ["login"])
    assert_problem(
        school.client.post("/auth/recovery/confirm", json={"token": "t"}), 422, "invalid-request", ["new_password"]
    )


def test_a_second_request_within_a_minute_mails_nothing_more(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount, clock: MovableClock
) -> None:
    first = recover(school, smtp_server, parent.login)
    clock.advance(timedelta(seconds=30))
    assert ask(school, parent.login).status_code == 202
    clock.advance(timedelta(seconds=31))
    second = recover(school, smtp_server, parent.login)

    assert len(received(smtp_server, 2)) == 2
    assert_problem(confirm(school, first), 422, "recovery-token-invalid")
    assert confirm(school, second).status_code == 204


def test_turning_recovery_off_stops_the_mails(
    school: SchoolClient, smtp_server: SmtpServer, parent: OpenedAccount
) -> None:
    allow_recovery(school, allowed=False)
    assert ask(school, parent.login).status_code == 202
    time.sleep(0.2)
    assert smtp_server.collector.envelopes == []
