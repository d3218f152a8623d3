"""Login, logout and bearer tokens."""

from __future__ import annotations

from collections.abc import Callable

from domain.session import Session
from tests.api.conftest import SchoolClient, assert_problem


def login(school: SchoolClient, **overrides: str) -> dict[str, str]:
    return {"uai": school.uai, "login": school.credentials.login, "password": school.credentials.password, **overrides}


def test_login_answers_a_token_of_the_school_and_must_change_password_for_a_fresh_super_admin(
    school: SchoolClient,
) -> None:
    response = school.client.post("/auth/login", json=login(school))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "must_change_password"}
    assert body["must_change_password"] is True
    assert body["token"].startswith(f"{school.uai}.2026.")


def test_login_opens_a_session_that_records_the_login_and_user_agent(school: SchoolClient) -> None:
    head = school.head()

    school.client.post("/auth/login", json=login(school), headers={"User-Agent": "pytest-agent"})

    opened = [e for e in school.events(head) if isinstance(e, Session.Opened)]
    assert len(opened) == 1
    assert opened[0].login == school.credentials.login
    assert opened[0].user_agent == "pytest-agent"


def test_login_accepts_a_lower_case_uai(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json=login(school, uai=school.uai.lower()))

    assert response.status_code == 200


def test_wrong_password_unknown_login_and_unknown_school_get_the_same_401(
    school: SchoolClient, uai_factory: Callable[[], str]
) -> None:
    head = school.head()
    attempts = [
        login(school, password="not-the-password"),
        login(school, login="NOBODY"),
        login(school, login="not a valid login!"),
        login(school, uai=uai_factory()),
    ]

    responses = [school.client.post("/auth/login", json=attempt) for attempt in attempts]

    first = assert_problem(responses[0], 401, "unauthenticated", [])
    for response in responses:
        assert_problem(response, 401, "unauthenticated", [])
        assert response.json() == first
        assert response.headers["www-authenticate"] == "Bearer"
    assert school.head() == head, "a refused login wrote events"


def test_login_with_a_malformed_uai_is_422_naming_the_uai(school: SchoolClient) -> None:
    response = school.client.post("/auth/login", json=login(school, uai="nope"))

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
        school.client.post("/auth/login", json=login(school)).text,
        school.client.post("/auth/login", json=login(school, password=password + "x")).text,
        school.client.get("/openapi.json").text,
    ]

    for text in texts:
        assert password not in text
    notifications = school.base.recorder.select_notifications(start=1, limit=10000)
    assert notifications
    for notification in notifications:
        assert password.encode() not in notification.state


def test_the_bearer_token_is_never_stored_only_its_digest(school: SchoolClient) -> None:
    for notification in school.base.recorder.select_notifications(start=1, limit=10000):
        assert school.token.encode() not in notification.state
        assert school.token.split(".", 2)[2].encode() not in notification.state


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
