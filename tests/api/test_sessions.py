"""Sessions: licences per mode, the super-admin's view and close, inactivity, keep-alive and logout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx2
import pytest

from application.account_opening import OpenedAccount, PersonKind
from domain.profile import ADMINISTRATION, Profile, ProfileKind
from domain.school import School
from domain.session import Session
from tests.api.accounts_support import bearer, first_connection, log_in, open_account, register_staff
from tests.api.conftest import SchoolClient, assert_problem
from tests.conftest import FIXED_NOW, MovableClock

SESSION_FIELDS = {
    "id",
    "login",
    "display_name",
    "role",
    "mode",
    "address",
    "user_agent",
    "opened_at",
    "last_activity_at",
    "closed_at",
    "close_reason",
}
DIRECTION = ["Bernard", "Moreau", "Lefebvre", "Garnier", "Rousseau"]


def sign_in(school: SchoolClient, account: OpenedAccount, **extra: Any) -> httpx2.Response:
    return log_in(school.client, school.uai, account.login, account.password, **extra)


def token_of(response: httpx2.Response) -> str:
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def change_licences(school: SchoolClient, *, admin_seats: int, teacher_seats: int | None) -> None:
    base = school.base
    base.execute(
        lambda unit: unit.get(School, School.create_id(base.uai), "school").change_licences(
            admin_seats=admin_seats, teacher_seats=teacher_seats
        )
    )


def open_sessions(school: SchoolClient) -> list[dict[str, Any]]:
    return school.items("/sessions", {"state": "open"})


def session_of(school: SchoolClient, login: str) -> dict[str, Any]:
    (item,) = [s for s in school.items("/sessions") if s["login"] == login]
    return item


@pytest.fixture
def direction(school: SchoolClient) -> list[OpenedAccount]:
    """Five members of the management team (group Administration: admin mode), with their accounts."""
    return [open_account(school, PersonKind.STAFF, register_staff(school, name)) for name in DIRECTION]


# -- admin-mode licences ---------------------------------------------------------------------------


def test_a_fifth_admin_mode_connection_is_409_naming_the_four_open_sessions(
    school: SchoolClient, direction: list[OpenedAccount]
) -> None:
    tokens = [token_of(sign_in(school, account)) for account in direction[:4]]
    head = school.head()

    response = sign_in(school, direction[4])

    problem = assert_problem(response, 409, "licence-exhausted")
    named = {e["message"].rsplit("(", 1)[1].rstrip(")") for e in problem["errors"]}
    assert named == {account.login for account in direction[:4]}
    opened = {s["login"]: s["id"] for s in open_sessions(school)}
    assert sorted(e["field"] for e in problem["errors"]) == sorted(
        f"sessions[{opened[a.login]}]" for a in direction[:4]
    )
    assert "super" in problem["detail"]
    assert not [e for e in school.events(head) if isinstance(e, Session.Opened)]
    assert len(tokens) == 4


def test_the_super_admin_closes_a_session_and_the_fifth_connection_gets_in(
    school: SchoolClient, direction: list[OpenedAccount]
) -> None:
    tokens = [token_of(sign_in(school, account)) for account in direction[:4]]
    first = session_of(school, direction[0].login)

    closed = school.post(f"/sessions/{first['id']}/close", {})
    fifth = sign_in(school, direction[4])

    assert closed.status_code == 204
    assert fifth.status_code == 200
    assert_problem(school.client.get("/auth/me", headers=bearer(tokens[0])), 401, "unauthenticated", [])
    assert session_of(school, direction[0].login)["close_reason"] == "closed-by-admin"


def test_the_open_sessions_list_shows_who_is_connected_in_which_mode(
    school: SchoolClient, direction: list[OpenedAccount]
) -> None:
    sign_in(school, direction[0])

    items = open_sessions(school)

    assert all(set(item) == SESSION_FIELDS for item in items)
    by_login = {item["login"]: item for item in items}
    assert set(by_login) == {"SPR", direction[0].login}
    staff = by_login[direction[0].login]
    assert (staff["role"], staff["mode"], staff["address"]) == ("staff", "admin", "testclient")
    assert staff["display_name"] == f"{direction[0].first_name} {direction[0].last_name}"
    assert staff["closed_at"] is None and staff["close_reason"] is None


def test_the_super_admins_own_sessions_never_take_a_licence(
    school: SchoolClient, direction: list[OpenedAccount]
) -> None:
    for _ in range(4):
        school.log_in()

    staff = [sign_in(school, account).status_code for account in direction[:4]]
    super_admin_again = school.client.post(
        "/auth/login", json={"uai": school.uai, "login": "SPR", "password": school.credentials.password}
    )

    assert staff == [200] * 4
    assert super_admin_again.status_code == 200


def test_school_life_mode_takes_no_admin_licence(school: SchoolClient, direction: list[OpenedAccount]) -> None:
    for account in direction[:4]:
        token_of(sign_in(school, account))

    response = sign_in(school, direction[4], mode="school-life")

    assert response.status_code == 200


def test_a_logout_frees_its_licence(school: SchoolClient, direction: list[OpenedAccount]) -> None:
    tokens = [token_of(sign_in(school, account)) for account in direction[:4]]

    school.client.post("/auth/logout", headers=bearer(tokens[2]))

    assert sign_in(school, direction[4]).status_code == 200


def test_idle_sessions_free_their_licences(
    school: SchoolClient, direction: list[OpenedAccount], clock: MovableClock
) -> None:
    for account in direction[:4]:
        token_of(sign_in(school, account))

    clock.advance(timedelta(minutes=21))
    fifth = sign_in(school, direction[4])

    assert fifth.status_code == 200
    school.token = school.log_in()  # the super-admin's session timed out too
    reasons = {s["login"]: s["close_reason"] for s in school.items("/sessions")}
    assert {reasons[a.login] for a in direction[:4]} == {"inactivity"}


def test_the_number_of_admin_licences_is_the_schools_setting(
    school: SchoolClient, direction: list[OpenedAccount]
) -> None:
    change_licences(school, admin_seats=2, teacher_seats=None)

    statuses = [sign_in(school, account).status_code for account in direction[:3]]

    assert statuses == [200, 200, 409]


# -- teacher-mode licences --------------------------------------------------------------------------


def test_a_teacher_licence_of_30_refuses_the_31st_teacher_mode_connection(school: SchoolClient) -> None:
    base = school.base
    change_licences(school, admin_seats=4, teacher_seats=30)
    with base.bulk() as unit:
        teachers = [base.register_teacher(unit, last_name="Martin", first_name="Claude") for _ in range(31)]
        accounts = [base.open_account(unit, person_kind=PersonKind.TEACHER, person_id=t) for t in teachers]

    statuses = [sign_in(school, account).status_code for account in accounts[:30]]
    refused = sign_in(school, accounts[30])

    assert statuses == [200] * 30
    problem = assert_problem(refused, 409, "licence-exhausted")
    assert len(problem["errors"]) == 30
    assert "teacher" in problem["detail"]


def test_teachers_are_unlimited_by_default_and_espaces_always(school: SchoolClient) -> None:
    base = school.base
    with base.bulk() as unit:
        teachers = [base.register_teacher(unit, last_name="Martin", first_name="Claude") for _ in range(5)]
        accounts = [base.open_account(unit, person_kind=PersonKind.TEACHER, person_id=t) for t in teachers]
    change_licences(school, admin_seats=1, teacher_seats=None)

    statuses = [sign_in(school, account).status_code for account in accounts]

    assert statuses == [200] * 5


# -- the super-admin's view of the connections ------------------------------------------------------


def test_sessions_can_be_listed_open_closed_or_all(school: SchoolClient) -> None:
    extra = school.log_in()
    school.client.post("/auth/logout", headers=bearer(extra))

    open_items = school.items("/sessions", {"state": "open"})
    closed_items = school.items("/sessions", {"state": "closed"})
    all_items = school.items("/sessions")

    assert [s["close_reason"] for s in closed_items] == ["logout"]
    assert all(s["closed_at"] is None for s in open_items)
    assert {s["id"] for s in all_items} == {s["id"] for s in open_items + closed_items}


def test_an_unknown_state_is_422_naming_it(school: SchoolClient) -> None:
    assert_problem(school.get("/sessions", {"state": "idle"}), 422, "invalid-value", ["state"])


def test_listing_the_sessions_is_journaled(school: SchoolClient) -> None:
    head = school.head()

    school.get("/sessions", {"state": "open"})

    [line] = school.journal(head)
    assert isinstance(line, Session.ListConsulted)
    assert (line.resource, line.filters) == ("sessions", {"state": "open"})


def test_closing_a_closed_session_is_409_and_an_unknown_one_404(school: SchoolClient) -> None:
    extra = school.log_in()
    school.client.post("/auth/logout", headers=bearer(extra))
    closed = session_of_state(school, "closed")

    assert_problem(school.post(f"/sessions/{closed}/close", {}), 409, "rule-violated")
    assert_problem(school.post(f"/sessions/{UUID(int=7)}/close", {}), 404, "not-found")
    assert_problem(school.post("/sessions/not-an-id/close", {}), 404, "not-found")


def session_of_state(school: SchoolClient, state: str) -> str:
    (item,) = school.items("/sessions", {"state": state})
    session_id: str = item["id"]
    return session_id


def test_only_a_session_manager_lists_or_closes_sessions(school: SchoolClient) -> None:
    cpe = open_account(school, PersonKind.STAFF, register_staff(school, "Durand", function="CPE"))
    token = first_connection(school, cpe)
    some_session = session_of(school, "SPR")["id"]

    listing = school.client.get(school.url("/sessions"), headers=bearer(token))
    closing = school.client.post(school.url(f"/sessions/{some_session}/close"), headers=bearer(token))

    assert_problem(listing, 403, "forbidden", [])
    assert_problem(closing, 403, "forbidden", [])


# -- inactivity, keep-alive, logout -----------------------------------------------------------------


def test_a_session_idle_longer_than_its_delay_is_closed_for_inactivity(
    school: SchoolClient, clock: MovableClock
) -> None:
    token = school.log_in()

    clock.advance(timedelta(minutes=20, seconds=1))
    response = school.client.get(school.url("/classes"), headers=bearer(token))

    problem = assert_problem(response, 401, "unauthenticated", [])
    assert response.headers["www-authenticate"] == "Bearer"
    assert "closed" in problem["detail"]
    school.token = school.log_in()
    closed = [s for s in school.items("/sessions", {"state": "closed"}) if s["close_reason"] == "inactivity"]
    assert len(closed) == 2, "the fixture's session and this one"


def test_timed_out_sessions_are_never_listed_as_connections_in_progress(
    school: SchoolClient, direction: list[OpenedAccount], clock: MovableClock
) -> None:
    token_of(sign_in(school, direction[0]))
    clock.advance(timedelta(minutes=21))
    school.token = school.log_in()

    assert [s["login"] for s in open_sessions(school)] == ["SPR"]
    assert session_of(school, direction[0].login)["close_reason"] == "inactivity"


def test_a_session_used_exactly_at_its_delay_stays_open(school: SchoolClient, clock: MovableClock) -> None:
    clock.advance(timedelta(minutes=20))

    assert school.get("/classes").status_code == 200


def test_activity_within_the_delay_keeps_the_session_alive(school: SchoolClient, clock: MovableClock) -> None:
    for _ in range(4):
        clock.advance(timedelta(minutes=15))
        assert school.get("/classes").status_code == 200

    assert session_of(school, "SPR")["close_reason"] is None


def test_keep_alive_events_are_written_at_most_once_a_minute(school: SchoolClient, clock: MovableClock) -> None:
    head, elapsed = school.head(), 0
    for seconds in (0, 30, 59, 60, 61, 90, 119, 120):
        clock.advance(timedelta(seconds=seconds - elapsed))
        elapsed = seconds
        assert school.get("/classes").status_code == 200

    active = [e for e in school.events(head) if isinstance(e, Session.Active)]
    assert [e.at for e in active] == [FIXED_NOW + timedelta(seconds=60), FIXED_NOW + timedelta(seconds=120)]
    assert session_of(school, "SPR")["last_activity_at"].startswith("2026-11-24T08:02:00")


def saves_during(school: SchoolClient, monkeypatch: pytest.MonkeyPatch, send: Callable[[], httpx2.Response]) -> int:
    """How many transactions the base's event store took while ``send`` ran."""
    counted: list[int] = []
    save = type(school.base).save

    def counting_save(self: Any, *args: Any, **kwargs: Any) -> Any:
        counted.append(1)
        return save(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(type(school.base), "save", counting_save)
        assert send().status_code in (200, 201)
    return len(counted)


def test_a_due_keep_alive_goes_with_the_requests_own_write_to_its_session(
    school: SchoolClient, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    school.post("/classes", {"code": "3A", "label": "3e A", "level": "3E"})
    clock.advance(timedelta(minutes=2))
    head = school.head()
    # A journaled read: its journal line and the keep-alive, one transaction.
    assert saves_during(school, monkeypatch, lambda: school.get("/students")) == 1
    clock.advance(timedelta(minutes=2))
    # A write: the class, its attribution and the keep-alive, one transaction.
    body = {"code": "3B", "label": "3e B", "level": "3E"}
    assert saves_during(school, monkeypatch, lambda: school.post("/classes", body)) == 1
    clock.advance(timedelta(minutes=2))
    # A read of nothing personal writes nothing to the session: the keep-alive on its own, at the end.
    assert saves_during(school, monkeypatch, lambda: school.get("/classes")) == 1
    active = [e.at for e in school.events(head) if isinstance(e, Session.Active)]
    assert active == [FIXED_NOW + timedelta(minutes=m) for m in (2, 4, 6)]


def test_a_refused_request_keeps_its_session_alive_too(school: SchoolClient, clock: MovableClock) -> None:
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard"))
    answer = log_in(school.client, school.uai, account.login, account.password)
    token = answer.json()["token"]  # a provisional password: every route but a few is refused
    clock.advance(timedelta(minutes=2))
    head = school.head()
    refused = school.client.get(school.url("/classes"), headers=bearer(token))
    assert_problem(refused, 403, "password-change-required")
    (active,) = [e for e in school.events(head) if isinstance(e, Session.Active)]
    assert active.at == FIXED_NOW + timedelta(minutes=2)


def test_the_inactivity_delay_is_the_one_of_the_profile_or_group(school: SchoolClient, clock: MovableClock) -> None:
    base = school.base
    group_id = Profile.create_id(ProfileKind.GROUP, ADMINISTRATION)
    base.execute(
        lambda unit: (group := unit.get(Profile, group_id, "group")).edit(
            permissions=group.permissions, inactivity_minutes=5, sees_all_students=group.sees_all_students
        )
    )
    account = open_account(school, PersonKind.STAFF, register_staff(school, "Bernard"))
    token = first_connection(school, account)

    clock.advance(timedelta(minutes=5, seconds=1))

    assert_problem(school.client.get(school.url("/classes"), headers=bearer(token)), 401, "unauthenticated", [])
    assert school.get("/classes").status_code == 200, "the super-admin keeps the Espace's 20 minutes"


def test_logout_closes_the_session_in_the_list(school: SchoolClient) -> None:
    extra = school.log_in()

    school.client.post("/auth/logout", headers=bearer(extra))

    closed = [s for s in school.items("/sessions") if s["close_reason"] is not None]
    assert [s["close_reason"] for s in closed] == ["logout"]
    assert closed[0]["closed_at"] is not None
