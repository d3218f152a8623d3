"""Every route is protected unless it is one of the few public ones: walked over the real route table.

A route added tomorrow is covered here without anyone writing a test for it: it answers 401 without
a token and 403 with another school's token, or the matrix fails.
"""

from __future__ import annotations

import re
from uuid import UUID

from starlette.routing import Route

from api.app import ENDPOINTS, create_app
from domain.permissions import Permission
from tests.api.conftest import SchoolClient, assert_problem

PUBLIC_ROUTES = {"/healthz", "/openapi.json", "/auth/login", "/problems/{code}"}
SCHOOL_LESS_PROTECTED = {
    ("POST", "/auth/logout"),
    ("GET", "/auth/me"),
    ("POST", "/auth/password"),
    ("POST", "/auth/pin"),
}
"""Protected routes that name no school: the caller's own session is all they touch."""

DUMMY_ID = str(UUID(int=0))


def fill(path: str, uai: str) -> str:
    """The path with its parameters filled: the given school, a dummy value for the rest."""
    return re.sub(r"{(\w+)}", lambda m: uai if m.group(1) == "uai" else DUMMY_ID, path)


def app_routes(school: SchoolClient) -> list[tuple[str, str]]:
    """Every (method, path) the served app answers, HEAD aside (it runs the GET)."""
    app = create_app(bases=school.bases)
    routes: list[tuple[str, str]] = []
    for route in app.routes:
        assert isinstance(route, Route), f"{route!r} is not a plain route: walk it here before serving it"
        routes += [(method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return routes


PROTECTED = [(e.method, e.path) for e in ENDPOINTS if e.permission is not None]


def test_the_only_public_routes_are_the_listed_ones(school: SchoolClient) -> None:
    protected = {(e.method, e.path) for e in ENDPOINTS if e.permission is not None}

    public = {path for method, path in app_routes(school) if (method, path) not in protected}

    assert public == PUBLIC_ROUTES


def test_every_declared_endpoint_is_served(school: SchoolClient) -> None:
    assert {(e.method, e.path) for e in ENDPOINTS} <= set(app_routes(school))


def test_public_routes_answer_without_a_token(school: SchoolClient) -> None:
    for method, path in app_routes(school):
        if path in PUBLIC_ROUTES:
            response = school.client.request(method, fill(path, school.uai), json={})
            assert response.status_code != 401, (method, path)


def test_every_other_route_answers_401_without_a_token_and_writes_nothing(school: SchoolClient) -> None:
    checked = 0
    head = school.head()
    for method, path in app_routes(school):
        if path in PUBLIC_ROUTES:
            continue
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {school.token}"}):
            response = school.client.request(method, fill(path, school.uai), json={"bad": "body"}, headers=headers)
            assert_problem(response, 401, "unauthenticated", [])
            assert response.headers["www-authenticate"] == "Bearer", (method, path)
        checked += 1
    assert checked == len(PROTECTED)
    assert school.head() == head


def test_every_school_route_answers_403_to_another_schools_token_and_writes_nothing(
    school: SchoolClient, other_school: SchoolClient
) -> None:
    school.open_class("3A")
    heads = school.head(), other_school.head()
    school_less = set()
    for method, path in app_routes(school):
        if path in PUBLIC_ROUTES:
            continue
        if "{uai}" not in path:
            school_less.add((method, path))
            continue
        response = school.client.request(method, fill(path, school.uai), json={}, headers=other_school.headers)
        assert_problem(response, 403, "forbidden", [])
        assert "3A" not in response.text
    assert school_less == SCHOOL_LESS_PROTECTED
    assert (school.head(), other_school.head()) == heads


def test_every_protected_endpoint_declares_a_permission_of_the_catalogue() -> None:
    for endpoint in ENDPOINTS:
        if endpoint.path not in PUBLIC_ROUTES:
            assert isinstance(endpoint.permission, Permission), endpoint.path


def test_the_super_admin_holds_every_permission(school: SchoolClient) -> None:
    head = school.head()
    for method, path in app_routes(school):
        if method == "GET" and "{" not in path.replace("{uai}", ""):
            response = school.client.get(fill(path, school.uai), headers=school.headers)
            assert response.status_code == 200, (path, response.text)
    assert school.head() > head
