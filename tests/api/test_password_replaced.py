"""A password replaced by an administrator closes the account's open sessions: whoever held the old
password, or a session opened with it, is out; the administrator's own session stays open."""

from __future__ import annotations

from application.account_opening import PersonKind
from domain.session import CloseReason, Session
from tests.api.accounts_support import bearer, first_connection, open_account, register_staff
from tests.api.conftest import SchoolClient, assert_problem


def test_resetting_a_password_closes_the_accounts_sessions_and_not_the_resetters(school: SchoolClient) -> None:
    cpe = open_account(school, PersonKind.STAFF, register_staff(school, "Durand", function="CPE"))
    token = first_connection(school, cpe)
    head = school.head()

    reset = school.post(f"/accounts/{cpe.login}/reset-password", {})

    assert reset.status_code == 200, reset.text
    assert_problem(school.client.get(school.url("/classes"), headers=bearer(token)), 401, "unauthenticated", [])
    closed = [e for e in school.events(head) if isinstance(e, Session.Closed)]
    assert [e.reason for e in closed] == [CloseReason.PASSWORD_REPLACED.value]
    assert school.get("/classes").status_code == 200, "the super-admin's session is still open"


def test_the_super_admin_resetting_their_own_password_keeps_the_session_doing_it(school: SchoolClient) -> None:
    other = school.log_in()  # a second session of the same account, elsewhere

    reset = school.post("/accounts/SPR/reset-password", {})

    assert reset.status_code == 200, reset.text
    assert_problem(school.client.get(school.url("/classes"), headers=bearer(other)), 401, "unauthenticated", [])
    me = school.client.get("/auth/me", headers=school.headers)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
