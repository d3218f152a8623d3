"""Login, logout, bearer tokens, and the first connection: a provisional password only lets one choose a new one.

Accounts of the directory's people are opened and taken through their first connection by the
helpers of ``tests/api/accounts_support.py``, which the other auth test modules share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from structlog.testing import capture_logs

from api.app import ENDPOINTS
from application.account_opening import PersonKind
from domain.account import Account
from domain.login_guard import LoginGuard
from domain.password_policy import PasswordRule
from domain.permissions import Permission
from domain.session import Session
from tests.api.accounts_support import bearer, log_in, login_body, open_account, register_staff
from tests.api.conftest import CHOSEN_PASSWORD, SchoolClient, assert_problem, fill

LOGIN_ANSWER = {"token", "must_change_password", "mode", "permissions"}


# -- helpers ------------------------------------------------------------------------------------------


def provisional(school: SchoolClient) -> str:
    """Give the super-admin a new one-time password, as an operator would, and log in with it.

    The reset closes the sessions opened with the old password; the new session must change it.
    """
    base = school.base
    credentials = base.execute(lambda unit: base.reset_password(unit, login=school.credentials.login))
    school.credentials = credentials
    school.token = school.log_in()
    return credentials.password


# -- login --------------------------------------------------------------------------------------------


def test_login_answers_a_token_of_the_school_its_mode_and_permissions(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json=login_body(school))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == LOGIN_ANSWER
    assert body["token"].startswith(f"{school.uai}.2026.")
    assert body["must_change_password"] is False
    assert body["mode"] == "admin"
    assert body["permissions"] == sorted(p.value for p in Permission)


def test_a_provisional_password_logs_in_with_must_change_password(school: SchoolClient) -> None:
    provisional(school)

    response = school.client.post("/auth/login", json=login_body(school))

    assert response.status_code == 200
    assert response.json()["must_change_password"] is True


def test_a_staff_member_logs_in_in_the_mode_asked_for(school: SchoolClient) -> None:
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard"))

    admin = log_in(school.client, school.uai, account.login, account.password)
    school_life = log_in(school.client, school.uai, account.login, account.password, mode="school-life")

    assert admin.json()["mode"] == "admin"
    assert school_life.json()["mode"] == "school-life"
    assert "profiles.manage" not in admin.json()["permissions"]
    assert "absences.write" in school_life.json()["permissions"]


def test_a_mode_the_role_never_has_is_422_naming_the_mode(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json=login_body(school, mode="parents"))

    assert_problem(response, 422, "invalid-value", ["mode"])


def test_login_opens_a_session_that_records_the_login_and_user_agent(school: SchoolClient) -> None:
    head = school.head()

    school.client.post("/auth/login", json=login_body(school), headers={"User-Agent": "pytest-agent"})

    opened = [e for e in school.events(head) if isinstance(e, Session.Opened)]
    assert len(opened) == 1
    assert opened[0].login == school.credentials.login
    assert opened[0].user_agent == "pytest-agent"
    assert (opened[0].mode, opened[0].address) == ("admin", "testclient")


def test_login_accepts_a_lower_case_uai(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json=login_body(school, uai=school.uai.lower()))

    assert response.status_code == 200


def test_wrong_password_unknown_login_and_unknown_school_get_the_same_401(
    school: SchoolClient, uai_factory: Callable[[], str]
) -> None:
    head = school.head()
    attempts = [
        login_body(school, password="not-the-password"),
        login_body(school, login="NOBODY"),
        login_body(school, login="not a valid login!"),
        login_body(school, uai=uai_factory()),
    ]

    responses = [school.client.post("/auth/login", json=attempt) for attempt in attempts]

    first = assert_problem(responses[0], 401, "unauthenticated", [])
    for response in responses:
        assert_problem(response, 401, "unauthenticated", [])
        assert response.json() == first
        assert response.headers["www-authenticate"] == "Bearer"
    written = school.events(head)
    assert written, "failures are counted"
    assert all(isinstance(e, LoginGuard.Event) for e in written), "a refused login wrote more than its count"


def test_login_with_a_malformed_uai_is_422_naming_the_uai(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json=login_body(school, uai="nope"))

    assert_problem(response, 422, "invalid-value", ["uai"])


def test_login_without_a_password_is_422_naming_it(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json={"uai": school.uai, "login": "SPR"})

    assert_problem(response, 422, "invalid-request", ["password"])


def test_login_with_a_body_that_is_not_json_is_400(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", content=b"uai=0750655E", headers={"Content-Type": "text/plain"})

    assert_problem(response, 400, "malformed-body", [])


def test_the_password_is_never_in_a_response_or_an_event(school: SchoolClient) -> None:
    password = school.credentials.password
    texts = [
        school.client.post("/auth/login", json=login_body(school)).text,
        school.client.post("/auth/login", json=login_body(school, password=password + "x")).text,
        school.client.get("/auth/me", headers=school.headers).text,
        school.client.get("/openapi.json").text,
    ]

    for text in texts:
        assert password not in text
    notifications = school.base.recorder.select_notifications(start=1, limit=10000)
    assert notifications
    for notification in notifications:
        assert password.encode() not in notification.state


def test_passwords_are_never_logged(school: SchoolClient, caplog: pytest.LogCaptureFixture) -> None:
    old, new, refused = school.credentials.password, "Nouveau-Cahier-2027", "courtpass"
    caplog.set_level(logging.DEBUG)

    with capture_logs() as logs:
        school.client.post("/auth/login", json=login_body(school))
        school.client.post("/auth/login", json=login_body(school, password=old + "-typo"))
        school.client.post(
            "/auth/password", json={"current_password": old, "new_password": refused}, headers=school.headers
        )
        school.client.post(
            "/auth/password", json={"current_password": old, "new_password": new}, headers=school.headers
        )
        school.client.post("/auth/pin", json={"password": new, "pin": "4821"}, headers=school.headers)

    assert {line["event"] for line in logs} >= {"session_opened", "login_failed", "password_changed", "pin_set"}
    logged = [str(value) for line in logs for value in line.values()] + [caplog.text]
    for secret in (old, new, refused, "4821"):
        assert all(secret not in text for text in logged), secret


def test_the_bearer_token_is_never_stored_only_its_digest(school: SchoolClient) -> None:
    for notification in school.base.recorder.select_notifications(start=1, limit=10000):
        assert school.token.encode() not in notification.state
        assert school.token.split(".", 2)[2].encode() not in notification.state


# -- bearer tokens and logout -------------------------------------------------------------------------


def test_a_protected_route_without_a_token_is_401_with_a_bearer_challenge(school: SchoolClient) -> None:
    response = school.client.get(school.url("/students"))

    assert_problem(response, 401, "unauthenticated", [])
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_bad_token_is_401_with_a_bearer_challenge(school: SchoolClient, uai_factory: Callable[[], str]) -> None:
    secret = school.token.split(".", 2)[2]
    bad_authorizations = [
        f"Basic {school.token}",
        "Bearer",
        "Bearer    ",
        "Bearer garbage",
        f"Bearer {school.uai}.2026.{secret}x",
        f"Bearer {school.uai}.2025.{secret}",
        f"Bearer {uai_factory()}.2026.{secret}",
        f"Bearer NOTAUAI.2026.{secret}",
        f"Bearer {school.uai}.year.{secret}",
    ]
    head = school.head()

    for authorization in bad_authorizations:
        response = school.client.get(school.url("/students"), headers={"Authorization": authorization})
        assert_problem(response, 401, "unauthenticated", [])
        assert response.headers["www-authenticate"] == "Bearer"
    assert school.head() == head


def test_the_scheme_is_case_insensitive(school: SchoolClient) -> None:
    response = school.client.get(school.url("/classes"), headers={"Authorization": f"bearer {school.token}"})

    assert response.status_code == 200


def test_logout_answers_204_and_closes_the_session(school: SchoolClient) -> None:
    head = school.head()

    response = school.client.post("/auth/logout", headers=school.headers)

    assert response.status_code == 204
    assert response.content == b""
    closed = [e for e in school.events(head) if isinstance(e, Session.Closed)]
    assert [e.reason for e in closed] == ["logout"]


def test_a_logged_out_token_is_401_everywhere(school: SchoolClient) -> None:
    school.client.post("/auth/logout", headers=school.headers)
    head = school.head()

    for response in (
        school.get("/students"),
        school.post("/classes", {"code": "3A", "label": "3e A", "level": "3E"}),
        school.client.post("/auth/logout", headers=school.headers),
    ):
        assert_problem(response, 401, "unauthenticated", [])
        assert response.headers["www-authenticate"] == "Bearer"
    assert school.head() == head


def test_logging_out_one_session_leaves_the_others_open(school: SchoolClient) -> None:
    other_token = school.log_in()

    school.client.post("/auth/logout", headers=school.headers)

    response = school.client.get(school.url("/classes"), headers={"Authorization": f"Bearer {other_token}"})
    assert response.status_code == 200


def test_a_token_of_one_school_on_another_schools_path_is_403_and_reads_nothing(
    school: SchoolClient, other_school: SchoolClient
) -> None:
    other_school.enrol("Secret")
    heads = school.head(), other_school.head()

    response = school.client.get(other_school.url("/students"), headers=school.headers)

    problem = assert_problem(response, 403, "forbidden", [])
    assert "Secret" not in response.text
    assert other_school.uai in problem["detail"]
    assert (school.head(), other_school.head()) == heads, "a refused read was journaled"


def test_the_school_in_the_path_is_matched_case_insensitively(school: SchoolClient) -> None:
    response = school.client.get(f"/schools/{school.uai.lower()}/classes", headers=school.headers)

    assert response.status_code == 200


def test_me_names_the_caller_its_mode_and_permissions(school: SchoolClient) -> None:
    response = school.client.get("/auth/me", headers=school.headers)

    assert response.status_code == 200
    assert response.json() == {
        "login": "SPR",
        "role": "super-admin",
        "mode": "admin",
        "person_id": None,
        "must_change_password": False,
        "permissions": sorted(p.value for p in Permission),
    }


# -- the first connection: a provisional password only lets one choose a new one --------------------


ALLOWED_BEFORE_CHANGE = {("POST", "/auth/logout"), ("GET", "/auth/me"), ("POST", "/auth/password")}


def test_only_logout_me_and_password_are_declared_usable_before_the_change() -> None:
    declared = {(e.method, e.path) for e in ENDPOINTS if e.before_password_change}

    assert declared == ALLOWED_BEFORE_CHANGE


def test_a_provisional_password_gets_403_password_change_required_on_every_other_route(school: SchoolClient) -> None:
    school.open_class("3A")
    provisional(school)
    head = school.head()
    checked = 0

    for endpoint in ENDPOINTS:
        if endpoint.permission is None or (endpoint.method, endpoint.path) in ALLOWED_BEFORE_CHANGE:
            continue
        path = fill(endpoint.path, school.uai)
        response = school.client.request(endpoint.method, path, json={"code": "3B"}, headers=school.headers)
        problem = assert_problem(response, 403, "password-change-required", [])
        assert "/auth/password" in problem["detail"], endpoint.path
        assert "3A" not in response.text
        checked += 1

    assert checked >= 15, "reads, writes, imports, sessions, the journal and /auth/pin are all refused"
    assert school.head() == head, "a refused request wrote or journaled something"


def test_a_provisional_password_still_reads_me_and_logs_out(school: SchoolClient) -> None:
    provisional(school)

    me = school.client.get("/auth/me", headers=school.headers)
    logout = school.client.post("/auth/logout", headers=school.headers)

    assert me.status_code == 200
    assert me.json()["must_change_password"] is True
    assert logout.status_code == 204


def test_choosing_a_password_ends_the_provisional_one_and_opens_every_route(school: SchoolClient) -> None:
    old = provisional(school)
    token = school.log_in()
    head = school.head()

    changed = school.client.post(
        "/auth/password", json={"current_password": old, "new_password": "Emploi-du-temps-7"}, headers=bearer(token)
    )

    assert changed.status_code == 204
    assert changed.content == b""
    assert [type(e) for e in school.events(head)] == [Account.PasswordChanged, Session.ChangesMade]
    assert school.client.get(school.url("/classes"), headers=bearer(token)).status_code == 200
    assert school.client.get("/auth/me", headers=bearer(token)).json()["must_change_password"] is False
    assert_problem(log_in(school.client, school.uai, "SPR", old), 401, "unauthenticated", [])
    relogged = log_in(school.client, school.uai, "SPR", "Emploi-du-temps-7")
    assert relogged.json()["must_change_password"] is False


def test_a_staff_members_first_connection_goes_through_the_password_change(school: SchoolClient) -> None:
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard", email="c.bernard@ac.fr"))
    token = log_in(school.client, school.uai, account.login, account.password).json()["token"]

    refused = school.client.get(school.url("/students"), headers=bearer(token))
    changed = school.client.post(
        "/auth/password",
        json={"current_password": account.password, "new_password": CHOSEN_PASSWORD},
        headers=bearer(token),
    )
    allowed = school.client.get(school.url("/students"), headers=bearer(token))

    assert_problem(refused, 403, "password-change-required", [])
    assert changed.status_code == 204
    assert allowed.status_code == 200


@pytest.mark.parametrize(
    ("new_password", "rules"),
    [
        ("Court-1", [PasswordRule.LENGTH]),
        ("Sans-chiffres", [PasswordRule.DIGIT]),
        ("12345678-90", [PasswordRule.LETTER, PasswordRule.UPPER_CASE, PasswordRule.LOWER_CASE]),
        ("tout-en-minuscules-1", [PasswordRule.UPPER_CASE]),
        ("TOUT-EN-MAJUSCULES-1", [PasswordRule.LOWER_CASE]),
        ("Mon-spr-2026", [PasswordRule.NOT_LOGIN]),
        ("abc", [PasswordRule.LENGTH, PasswordRule.DIGIT, PasswordRule.UPPER_CASE]),
    ],
)
def test_a_password_against_the_policy_is_422_naming_each_rule_it_breaks(
    school: SchoolClient, new_password: str, rules: list[PasswordRule]
) -> None:
    head = school.head()

    response = school.client.post(
        "/auth/password",
        json={"current_password": school.credentials.password, "new_password": new_password},
        headers=school.headers,
    )

    problem = assert_problem(response, 422, "password-policy", ["new_password"] * len(rules))
    assert [e["message"] for e in problem["errors"]] == [rule.message for rule in rules]
    assert new_password not in response.text
    assert school.head() == head


def test_the_current_password_is_refused_as_the_new_one(school: SchoolClient) -> None:
    current = school.credentials.password

    response = school.client.post(
        "/auth/password", json={"current_password": current, "new_password": current}, headers=school.headers
    )

    problem = assert_problem(response, 422, "password-policy", ["new_password"])
    assert problem["errors"][0]["message"] == PasswordRule.NOT_CURRENT.message


def test_a_password_holding_the_persons_name_is_refused(school: SchoolClient) -> None:
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Delacroix"))
    token = log_in(school.client, school.uai, account.login, account.password).json()["token"]

    response = school.client.post(
        "/auth/password",
        json={"current_password": account.password, "new_password": "Eugene-DELACROIX-1798"},
        headers=bearer(token),
    )

    problem = assert_problem(response, 422, "password-policy", ["new_password"])
    assert problem["errors"][0]["message"] == PasswordRule.NOT_NAME.message


def test_a_wrong_current_password_is_422_naming_it_and_changes_nothing(school: SchoolClient) -> None:
    head = school.head()

    response = school.client.post(
        "/auth/password",
        json={"current_password": "Pas-le-bon-2026", "new_password": "Emploi-du-temps-7"},
        headers=school.headers,
    )

    assert_problem(response, 422, "invalid-value", ["current_password"])
    assert not [e for e in school.events(head) if isinstance(e, Account.Event)]
    assert log_in(school.client, school.uai, "SPR", school.credentials.password).status_code == 200


def test_wrong_current_passwords_count_like_failed_logins(school: SchoolClient) -> None:
    """A stolen session cannot try passwords at /auth/password faster than at the login."""
    wrong = {"current_password": "Pas-le-bon-2026", "new_password": "Emploi-du-temps-7"}

    answers = [school.client.post("/auth/password", json=wrong, headers=school.headers) for _ in range(6)]

    assert [a.status_code for a in answers] == [422] * 5 + [429]
    assert_problem(answers[-1], 429, "too-many-attempts", [])
    locked = log_in(school.client, school.uai, "SPR", school.credentials.password)
    assert_problem(locked, 429, "too-many-attempts", [])


def test_a_password_is_kept_exactly_as_typed_spaces_included(school: SchoolClient) -> None:
    chosen = "  Cahier de textes 2026 "
    school.choose_password(chosen)

    assert log_in(school.client, school.uai, "SPR", chosen).status_code == 200
    assert log_in(school.client, school.uai, "SPR", chosen.strip()).status_code == 401
