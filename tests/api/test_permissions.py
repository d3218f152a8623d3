"""Every route is protected unless it is one of the few public ones: walked over the real route table.

A route added tomorrow is covered here without anyone writing a test for it: it answers 401 without
a token and 403 with another school's token, and the matrix walks it with every role and mode: a
session that lacks the route's permission gets 403 naming it and writes nothing, one that holds it
gets through, or the matrix fails.
"""

from __future__ import annotations

import pytest
from starlette.routing import Route

from api.app import ENDPOINTS, create_app
from api.endpoints import Endpoint
from domain.espaces import RUBRIC_PERMISSIONS
from domain.permissions import CATALOGUE, Permission
from domain.profile import default_profiles
from domain.school import DEFAULT_FAMILY_RUBRICS
from tests.api.conftest import SchoolClient, assert_problem, fill
from tests.api.roles import (
    ADMINISTRATION_STAFF,
    GUARDIAN,
    ROLE_PROFILES,
    ROLES,
    STUDENT,
    SUPER_ADMIN,
    SUPPORT,
    RoleSchool,
    build_role_school,
)

PUBLIC_ROUTES = {
    "/healthz",
    "/openapi.json",
    "/auth/login",
    "/problems/{code}",
    "/public/schools/{uai}",
    "/auth/recovery",
    "/auth/recovery/confirm",
    "/feeds/{uai}/{token}",
}
SCHOOL_LESS_PROTECTED = {
    ("POST", "/auth/logout"),
    ("GET", "/auth/me"),
    ("POST", "/auth/password"),
    ("POST", "/auth/pin"),
}
"""Protected routes that name no school: the caller's own session and account are all they touch.

More may come (the caller's devices, e-mail…); they must live under ``/auth/``, where nothing names
another person.
"""


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
    assert {e.path for e in ENDPOINTS if e.permission is None} <= PUBLIC_ROUTES


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
    assert school_less >= SCHOOL_LESS_PROTECTED
    assert all(path.startswith("/auth/") for _, path in school_less), school_less
    assert (school.head(), other_school.head()) == heads


def test_every_protected_endpoint_declares_a_permission_of_the_catalogue() -> None:
    catalogue = {entry.code for entry in CATALOGUE}
    for endpoint in ENDPOINTS:
        if endpoint.path not in PUBLIC_ROUTES:
            assert isinstance(endpoint.permission, Permission), endpoint.path
            assert endpoint.permission in catalogue, endpoint.path


def test_the_super_admin_holds_every_permission(school: SchoolClient) -> None:
    head = school.head()
    for method, path in app_routes(school):
        if method == "GET" and "{" not in path.replace("{uai}", ""):
            response = school.client.get(fill(path, school.uai), headers=school.headers)
            assert response.status_code == 200, (path, response.text)
    assert school.head() > head


# -- the matrix: every route, every role and mode ---------------------------------------------------


@pytest.fixture
def roles(school: SchoolClient) -> RoleSchool:
    return build_role_school(school)


def walk_order() -> list[Endpoint]:
    """The protected endpoints, the ones that end the caller's session last."""
    protected = [e for e in ENDPOINTS if e.permission is not None]
    return sorted(protected, key=lambda e: e.path.endswith("/logout"))


def test_each_role_holds_what_the_catalogue_gives_its_mode(roles: RoleSchool) -> None:
    for role in roles.roles.values():
        response = role.request("GET", "/auth/me")
        assert response.status_code == 200, (role.name, response.text)
        me = response.json()
        assert (me["login"], me["mode"]) == (role.login, role.mode.value)
        assert set(me["permissions"]) == {p.value for p in role.expected}, role.name
    assert set(roles.roles) == set(ROLES)


def test_the_expected_rights_are_those_the_field_ships(roles: RoleSchool) -> None:
    defaults = {(p.kind, p.name): p.permissions for p in default_profiles()}
    rubrics = frozenset({Permission.SESSION}.union(*(RUBRIC_PERMISSIONS[r] for r in DEFAULT_FAMILY_RUBRICS)))

    assert roles[SUPER_ADMIN].expected == frozenset(Permission)
    assert roles[ADMINISTRATION_STAFF].expected == frozenset(Permission) - {Permission.PROFILES_MANAGE}
    for name, profile in ROLE_PROFILES.items():
        assert roles[name].expected == defaults[profile], name
    for name in (GUARDIAN, STUDENT, SUPPORT):
        assert roles[name].expected == rubrics, name


def test_every_route_answers_every_role_as_its_permission_says(roles: RoleSchool) -> None:
    admin = roles.admin
    endpoints = walk_order()
    for role in roles.roles.values():
        allowed = forbidden = 0
        for endpoint in endpoints:
            assert endpoint.permission is not None
            head = admin.head()
            body: dict[str, str] | None = None if endpoint.method == "GET" else {}
            response = role.request(endpoint.method, fill(endpoint.path, admin.uai), body)
            where = (role.name, endpoint.method, endpoint.path)
            if endpoint.permission in role.expected:
                assert response.status_code not in (401, 403), (*where, response.text)
                allowed += 1
            else:
                problem = assert_problem(response, 403, "forbidden", [])
                assert repr(endpoint.permission.value) in problem["detail"], where
                assert admin.head() == head, f"{where}: a refused request wrote events"
                forbidden += 1
        assert allowed + forbidden == len(endpoints)
        assert allowed > 0, role.name
        assert forbidden > 0 or role.name == SUPER_ADMIN, f"{role.name} holds every permission"


def test_only_the_super_admin_manages_profiles(roles: RoleSchool) -> None:
    holders = {name for name, role in roles.roles.items() if Permission.PROFILES_MANAGE in role.expected}

    assert holders == {SUPER_ADMIN}
