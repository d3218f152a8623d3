"""What protects a login: the PIN asked from devices not recognised, the mail about an unknown device,
failed logins counted per login and per address with growing locks, and a brute-force attack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from starlette.testclient import TestClient

from adapters.mail import SmtpMailer
from application.account_opening import OpenedAccount, PersonKind
from domain.account import Account
from domain.login_guard import LoginGuard
from tests.api.accounts_support import bearer, first_connection, log_in, login_body, open_account, register_staff
from tests.api.conftest import CHOSEN_PASSWORD, SchoolClient, assert_problem
from tests.conftest import CountingHasher, MovableClock
from tests.smtp import SmtpServer

DEVICE_A = "device-a-0123456789abcdef"
DEVICE_B = "device-b-fedcba9876543210"
PIN = "4821"
EMAIL = "c.bernard@college.example.fr"


@dataclass
class Holder:
    """A staff member's account after the first connection, with the PIN turned on from device A."""

    school: SchoolClient
    account: OpenedAccount
    token: str

    @property
    def login(self) -> str:
        return self.account.login

    def log_in(self, *, client: TestClient | None = None, **extra: Any) -> httpx2.Response:
        return log_in(client or self.school.client, self.school.uai, self.login, CHOSEN_PASSWORD, **extra)


def other_client(school: SchoolClient, address: str) -> TestClient:
    """The same app, called from another source address."""
    return TestClient(school.client.app, client=(address, 40000))


@pytest.fixture
def holder(school: SchoolClient, smtp_server: SmtpServer) -> Holder:
    school.base.mailer = SmtpMailer("127.0.0.1", smtp_server.port, "Cartable <cartable@college.example.fr>", timeout=5)
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard", email=EMAIL))
    token = first_connection(school, account, device_id=DEVICE_A)
    response = school.client.post(
        "/auth/pin", json={"password": CHOSEN_PASSWORD, "pin": PIN, "device_id": DEVICE_A}, headers=bearer(token)
    )
    assert response.status_code == 204, response.text
    return Holder(school, account, token)


# -- the PIN, asked from devices not recognised ------------------------------------------------------


def test_setting_a_pin_records_it_hashed_and_recognises_the_device_it_was_set_from(school: SchoolClient) -> None:
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard"))
    token = first_connection(school, account)
    head = school.head()

    response = school.client.post(
        "/auth/pin", json={"password": CHOSEN_PASSWORD, "pin": PIN, "device_id": DEVICE_A}, headers=bearer(token)
    )

    assert response.status_code == 204
    written = [e for e in school.events(head) if isinstance(e, Account.Event)]
    assert [type(e) for e in written] == [Account.PinSet, Account.DeviceRecognised]
    assert isinstance(written[0], Account.PinSet) and written[0].pin_hash.startswith("$argon2id$")
    assert isinstance(written[1], Account.DeviceRecognised) and DEVICE_A not in written[1].device


@pytest.mark.parametrize("pin", ["123", "12a4", "123456789", "    "])
def test_a_pin_is_four_to_eight_digits(school: SchoolClient, pin: str) -> None:
    head = school.head()

    response = school.client.post("/auth/pin", json={"password": CHOSEN_PASSWORD, "pin": pin}, headers=school.headers)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["pin"]
    assert school.head() == head


def test_setting_a_pin_asks_for_the_password_again(school: SchoolClient) -> None:
    response = school.client.post("/auth/pin", json={"password": "Pas-le-bon-1", "pin": PIN}, headers=school.headers)

    assert_problem(response, 422, "invalid-value", ["password"])
    assert log_in(school.client, school.uai, "SPR", CHOSEN_PASSWORD).status_code == 200, "no PIN was set"


def test_an_unknown_device_is_asked_for_the_pin(holder: Holder) -> None:
    head = holder.school.head()
    unknown_devices: list[dict[str, Any]] = [{"device_id": DEVICE_B}, {}]

    for extra in unknown_devices:
        response = holder.log_in(**extra)
        problem = assert_problem(response, 401, "pin-required", ["pin"])
        assert "PIN" in problem["detail"]
        assert "token" not in response.json()
    assert not [e for e in holder.school.events(head) if isinstance(e, LoginGuard.Event)], "not a failure"


def test_the_recognised_device_needs_no_pin(holder: Holder) -> None:
    response = holder.log_in(device_id=DEVICE_A)

    assert response.status_code == 200


def test_the_right_pin_opens_the_session_without_recognising_the_device(holder: Holder) -> None:
    head = holder.school.head()

    response = holder.log_in(device_id=DEVICE_B, pin=PIN)

    assert response.status_code == 200
    assert not [e for e in holder.school.events(head) if isinstance(e, Account.DeviceRecognised)]
    assert_problem(holder.log_in(device_id=DEVICE_B), 401, "pin-required", ["pin"])


def test_remember_device_recognises_it_and_the_next_login_needs_no_pin(holder: Holder) -> None:
    head = holder.school.head()

    response = holder.log_in(device_id=DEVICE_B, pin=PIN, remember_device=True, device_label="Téléphone de Claude")

    assert response.status_code == 200
    recognised = [e for e in holder.school.events(head) if isinstance(e, Account.DeviceRecognised)]
    assert [e.label for e in recognised] == ["Téléphone de Claude"]
    assert holder.log_in(device_id=DEVICE_B).status_code == 200


def test_a_wrong_pin_is_refused_and_counts_as_a_failure(holder: Holder) -> None:
    head = holder.school.head()

    response = holder.log_in(device_id=DEVICE_B, pin="0000")

    assert_problem(response, 401, "unauthenticated", [])
    failed = [e for e in holder.school.events(head) if isinstance(e, LoginGuard.AttemptFailed)]
    assert len(failed) == 2, "one on the login, one on the address"


def test_five_wrong_pins_lock_the_login_even_for_the_right_pin(holder: Holder) -> None:
    wrong = [holder.log_in(device_id=DEVICE_B, pin=f"000{i}").status_code for i in range(5)]

    right = holder.log_in(device_id=DEVICE_B, pin=PIN)

    assert wrong == [401] * 5
    assert_problem(right, 429, "too-many-attempts", [])


# -- the mail about an unknown device -----------------------------------------------------------------


def test_a_connection_from_an_unknown_device_mails_its_owner(holder: Holder, smtp_server: SmtpServer) -> None:
    response = holder.log_in(device_id=DEVICE_B, pin=PIN, device_label="Ordinateur du CDI")

    assert response.status_code == 200
    message = smtp_server.collector.received()
    assert message["To"] == EMAIL
    assert message["Subject"] == "Nouvelle connexion à votre compte Lycée Test"
    body = message.get_content()
    assert holder.login in body
    assert "Ordinateur du CDI" in body
    assert "testclient" in body
    assert CHOSEN_PASSWORD not in body and PIN not in body


def test_no_mail_for_a_recognised_device_a_missing_pin_or_a_wrong_one(holder: Holder, smtp_server: SmtpServer) -> None:
    holder.log_in(device_id=DEVICE_A)
    holder.log_in(device_id=DEVICE_B)
    holder.log_in(device_id=DEVICE_B, pin="0000")

    assert smtp_server.collector.envelopes == []


def test_a_mail_server_that_is_down_does_not_refuse_the_login(holder: Holder, smtp_server: SmtpServer) -> None:
    holder.school.base.mailer = SmtpMailer("127.0.0.1", 9, "cartable@college.example.fr", timeout=1)

    response = holder.log_in(device_id=DEVICE_B, pin=PIN)

    assert response.status_code == 200


# -- failed logins and growing locks -------------------------------------------------------------------


def fail(client: TestClient, body: dict[str, Any], times: int) -> list[int]:
    return [client.post("/auth/login", json={**body, "password": f"Mauvais-{i}"}).status_code for i in range(times)]


def test_five_wrong_passwords_lock_the_login_with_a_retry_after(school: SchoolClient) -> None:
    statuses = fail(school.client, login_body(school), 5)

    locked = school.client.post("/auth/login", json=login_body(school, password="Encore-faux-1"))

    assert statuses == [401] * 5
    problem = assert_problem(locked, 429, "too-many-attempts", [])
    assert locked.headers["retry-after"] == "60"
    assert "60" in problem["detail"]
    assert "token" not in locked.json()


def test_an_unknown_login_locks_alike_and_the_answers_never_tell_which_exists(school: SchoolClient) -> None:
    fail(school.client, login_body(school), 5)
    unknown_statuses = fail(school.client, login_body(school, login="PERSONNE"), 5)

    known = school.client.post("/auth/login", json=login_body(school))
    unknown = school.client.post("/auth/login", json=login_body(school, login="PERSONNE"))

    assert unknown_statuses == [401] * 5
    assert_problem(unknown, 429, "too-many-attempts", [])
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert unknown.headers["retry-after"] == known.headers["retry-after"]


def test_the_right_password_waits_for_the_lock_to_expire(school: SchoolClient, clock: MovableClock) -> None:
    fail(school.client, login_body(school), 5)

    clock.advance(timedelta(seconds=59))
    during = school.client.post("/auth/login", json=login_body(school))
    clock.advance(timedelta(seconds=1))
    after = school.client.post("/auth/login", json=login_body(school))

    assert_problem(during, 429, "too-many-attempts", [])
    assert during.headers["retry-after"] == "1"
    assert after.status_code == 200


def test_the_lock_doubles_on_the_next_series_of_failures(school: SchoolClient, clock: MovableClock) -> None:
    fail(school.client, login_body(school), 5)
    clock.advance(timedelta(minutes=1))

    second_series = fail(school.client, login_body(school), 5)
    locked = school.client.post("/auth/login", json=login_body(school))
    clock.advance(timedelta(minutes=1))
    still_locked = school.client.post("/auth/login", json=login_body(school))
    clock.advance(timedelta(minutes=1))
    open_again = school.client.post("/auth/login", json=login_body(school))

    assert second_series == [401] * 5
    assert locked.headers["retry-after"] == "120"
    assert_problem(still_locked, 429, "too-many-attempts", [])
    assert open_again.status_code == 200


def test_a_success_starts_the_count_again(school: SchoolClient) -> None:
    fail(school.client, login_body(school), 4)
    school.client.post("/auth/login", json=login_body(school))

    statuses = fail(school.client, login_body(school), 4)

    assert statuses == [401] * 4
    assert school.client.post("/auth/login", json=login_body(school)).status_code == 200


def test_a_locked_login_leaves_other_logins_from_the_same_address_alone(school: SchoolClient) -> None:
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard"))
    fail(school.client, login_body(school), 5)

    response = log_in(school.client, school.uai, account.login, account.password)

    assert response.status_code == 200


def test_fifty_failures_from_one_address_lock_the_address_not_the_others(school: SchoolClient) -> None:
    sprayer = other_client(school, "203.0.113.50")
    for number in range(50):
        assert fail(sprayer, login_body(school, login=f"ELEVE{number}"), 1) == [401]

    from_sprayer = sprayer.post("/auth/login", json=login_body(school))
    from_elsewhere = school.client.post("/auth/login", json=login_body(school))

    assert_problem(from_sprayer, 429, "too-many-attempts", [])
    assert "address" in from_sprayer.json()["detail"]
    assert from_elsewhere.status_code == 200


def test_a_thousand_wrong_passwords_lock_the_account_cheaply_and_slow_nothing_else(
    school: SchoolClient, clock: MovableClock
) -> None:
    hasher = CountingHasher(school.base.hasher)
    school.base.hasher = hasher
    attacker = other_client(school, "198.51.100.23")
    colleague = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard"))
    school.enrol("Martin")

    statuses = fail(attacker, login_body(school), 1000)

    assert statuses.count(401) == 5
    assert statuses.count(429) == 995
    assert hasher.verifications <= 10, "a locked login must cost no argon2 time"
    # The right password, from the attacker's address or the owner's, waits for the lock.
    assert_problem(attacker.post("/auth/login", json=login_body(school)), 429, "too-many-attempts", [])
    assert_problem(school.client.post("/auth/login", json=login_body(school)), 429, "too-many-attempts", [])
    # Everything else goes on: another account from another address, a directory read.
    colleague_login = log_in(other_client(school, "192.0.2.10"), school.uai, colleague.login, colleague.password)
    assert colleague_login.status_code == 200
    students = school.get("/students")
    assert students.status_code == 200
    assert [s["last_name"] for s in students.json()["items"]] == ["Martin"]
    # Once the lock has expired, the owner gets in.
    clock.advance(timedelta(minutes=1))
    assert school.client.post("/auth/login", json=login_body(school)).status_code == 200
