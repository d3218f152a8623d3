"""The permission catalogue and the super-administrator's profiles, groups and accounts, over HTTP.

The rights a session holds are computed at each request, so a profile edited, assigned or a group
changed applies to open sessions at their next request: the tests read it back through ``/auth/me``.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

import pytest

from domain.permissions import CATALOGUE, Permission
from domain.profile import ADMINISTRATION, CLASS_COUNCIL, DOCUMENTALIST, SCHOOL_LIFE, TEACHER_DEFAULT, ProfileKind
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing
from tests.api.roles import (
    ADMINISTRATION_STAFF,
    CLASS_COUNCIL_STAFF,
    GUARDIAN,
    SCHOOL_LIFE_STAFF,
    SUPPORT,
    TEACHER,
    RoleClient,
    RoleSchool,
    build_role_school,
    profile_id,
)

PROFILE_FIELDS = {"id", "kind", "name", "permissions", "inactivity_minutes", "sees_all_students", "copied_from"}


def draft(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "school-life",
        "name": "Vie scolaire 2",
        "permissions": ["students.read", "absences.read"],
        "inactivity_minutes": 30,
        **overrides,
    }


def permissions_of(role: RoleClient) -> set[str]:
    response = role.request("GET", "/auth/me")
    assert response.status_code == 200, response.text
    return set(response.json()["permissions"])


@pytest.fixture
def roles(school: SchoolClient) -> RoleSchool:
    return build_role_school(school)


# -- the catalogue ----------------------------------------------------------------------------------


def test_the_catalogue_lists_every_permission_with_its_area_and_label(school: SchoolClient) -> None:
    items = school.items("/permissions")

    assert items == [{"code": e.code.value, "area": e.area, "label": e.label} for e in CATALOGUE]
    assert {item["code"] for item in items} == {p.value for p in Permission}


def test_any_session_reads_the_catalogue_and_reading_it_writes_nothing(roles: RoleSchool) -> None:
    head = roles.admin.head()
    for role in (roles[GUARDIAN], roles[SUPPORT]):
        assert len(role.items("/permissions")) == len(CATALOGUE)
    assert roles.admin.head() == head


# -- listing, creating, copying, editing ------------------------------------------------------------


def test_the_profiles_of_a_new_base_are_listed_with_the_catalogue(school: SchoolClient) -> None:
    response = school.get("/profiles")

    assert response.status_code == 200
    page = response.json()
    assert [(p["kind"], p["name"]) for p in page["items"]] == [
        ("group", ADMINISTRATION),
        ("group", CLASS_COUNCIL),
        ("school-life", SCHOOL_LIFE),
        ("teacher", DOCUMENTALIST),
        ("teacher", TEACHER_DEFAULT),
    ]
    assert all(set(p) == PROFILE_FIELDS for p in page["items"])
    assert [p["id"] for p in page["items"]] == [
        str(profile_id(ProfileKind(p["kind"]), p["name"])) for p in page["items"]
    ]
    assert len(page["catalogue"]) == len(CATALOGUE)


def test_creating_a_profile_answers_201_with_it(school: SchoolClient) -> None:
    response = school.post("/profiles", draft())

    assert response.status_code == 201, response.text
    created = response.json()
    assert created == {
        "id": str(profile_id(ProfileKind.SCHOOL_LIFE, "Vie scolaire 2")),
        "kind": "school-life",
        "name": "Vie scolaire 2",
        "permissions": ["absences.read", "session", "students.read"],
        "inactivity_minutes": 30,
        "sees_all_students": False,
        "copied_from": None,
    }
    assert created in school.get("/profiles").json()["items"]


def test_a_profile_takes_default_options(school: SchoolClient) -> None:
    created = school.created("/profiles", {"kind": "teacher", "name": "Profil 2", "permissions": []})

    assert (created["permissions"], created["inactivity_minutes"], created["sees_all_students"]) == (
        ["session"],
        20,
        False,
    )


def test_a_name_taken_in_its_kind_is_a_conflict(school: SchoolClient) -> None:
    assert_refused_without_writing(
        school, lambda: school.post("/profiles", draft(name="vie scolaire")), 409, "already-exists", ["name"]
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (draft(permissions=["students.read", "students.erase"]), 422, "permissions[1]"),
        (draft(inactivity_minutes=1441), 422, "inactivity_minutes"),
        (draft(sees_all_students=True), 422, "sees_all_students"),
        (draft(kind="direction"), 422, "kind"),
        (draft(name=" "), 422, "name"),
        (draft(name="x" * 61), 422, "name"),
        (draft(rights=[]), 422, "rights"),
        ({"kind": "teacher", "name": "Profil 2"}, 422, "permissions"),
    ],
)
def test_an_invalid_profile_is_refused_naming_the_field(
    school: SchoolClient, body: dict[str, Any], status: int, field: str
) -> None:
    code = "invalid-value" if field in {"permissions[1]", "inactivity_minutes", "sees_all_students"} else None
    problem = assert_refused_without_writing(
        school, lambda: school.post("/profiles", body), status, code or "invalid-request", [field]
    )
    assert problem["errors"][0]["message"]


def test_copying_a_profile_answers_201_with_the_copy(school: SchoolClient) -> None:
    source = profile_id(ProfileKind.TEACHER, TEACHER_DEFAULT)
    original = next(p for p in school.get("/profiles").json()["items"] if p["id"] == str(source))

    copy = school.created(f"/profiles/{source}/copy", {"name": "Profil 2"})

    assert copy == {
        **original,
        "id": str(profile_id(ProfileKind.TEACHER, "Profil 2")),
        "name": "Profil 2",
        "copied_from": str(source),
    }


def test_copying_under_a_taken_name_or_from_nothing_is_refused(school: SchoolClient) -> None:
    source = profile_id(ProfileKind.TEACHER, TEACHER_DEFAULT)

    assert_refused_without_writing(
        school,
        lambda: school.post(f"/profiles/{source}/copy", {"name": DOCUMENTALIST}),
        409,
        "already-exists",
        ["name"],
    )
    for unknown in (UUID(int=5), "not-an-id"):
        assert_refused_without_writing(
            school, partial(school.post, f"/profiles/{unknown}/copy", {"name": "Profil 2"}), 404, "not-found"
        )


def put(school: SchoolClient, profile: UUID | str, body: dict[str, Any]) -> Any:
    return school.client.put(school.url(f"/profiles/{profile}"), json=body, headers=school.headers)


def test_editing_a_profile_replaces_its_rights(school: SchoolClient) -> None:
    created = school.created("/profiles", draft())
    body = {"permissions": ["grades.read"], "inactivity_minutes": 0, "sees_all_students": False}

    response = put(school, created["id"], body)

    assert response.status_code == 200, response.text
    assert response.json() == {**created, **body, "permissions": ["grades.read", "session"]}


def test_editing_without_change_or_an_unknown_profile_is_refused(school: SchoolClient) -> None:
    created = school.created("/profiles", draft())
    same = {"permissions": created["permissions"], "inactivity_minutes": 30, "sees_all_students": False}

    assert_refused_without_writing(school, lambda: put(school, created["id"], same), 409, "rule-violated")
    assert_refused_without_writing(school, lambda: put(school, UUID(int=5), same), 404, "not-found")
    assert_refused_without_writing(
        school, lambda: put(school, created["id"], {"permissions": []}), 422, "invalid-request"
    )


def test_an_edited_profile_applies_to_open_sessions_at_their_next_request(roles: RoleSchool) -> None:
    teacher, admin = roles[TEACHER], roles.admin
    assert "students.read" in permissions_of(teacher)
    kept = sorted(p.value for p in teacher.expected - {Permission.STUDENTS_READ})

    response = put(
        admin,
        profile_id(ProfileKind.TEACHER, TEACHER_DEFAULT),
        {
            "permissions": kept,
            "inactivity_minutes": 20,
            "sees_all_students": False,
        },
    )

    assert response.status_code == 200, response.text
    assert permissions_of(teacher) == set(kept)
    assert_problem(teacher.get("/students"), 403, "forbidden")


# -- who manages profiles ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [ADMINISTRATION_STAFF, CLASS_COUNCIL_STAFF, SCHOOL_LIFE_STAFF, TEACHER, GUARDIAN])
def test_only_the_super_admin_manages_profiles(roles: RoleSchool, role: str) -> None:
    caller = roles[role]
    head = roles.admin.head()

    for response in (caller.get("/profiles"), caller.post("/profiles", draft())):
        problem = assert_problem(response, 403, "forbidden")
        assert "'profiles.manage'" in problem["detail"]
    assert roles.admin.head() == head


# -- accounts: profile and group --------------------------------------------------------------------


def test_assigning_a_profile_changes_the_rights_of_the_accounts_sessions(roles: RoleSchool) -> None:
    cpe, admin = roles[SCHOOL_LIFE_STAFF], roles.admin
    created = admin.created("/profiles", draft(permissions=["absences.read"]))

    response = admin.post(f"/accounts/{cpe.login.lower()}/profile", {"profile_id": created["id"]})

    assert response.status_code == 204, response.text
    assert permissions_of(cpe) == {"absences.read", "session"}


def test_a_profile_of_another_mode_is_refused_naming_the_field(roles: RoleSchool) -> None:
    admin = roles.admin
    group = profile_id(ProfileKind.GROUP, ADMINISTRATION)

    for role in (TEACHER, SCHOOL_LIFE_STAFF, GUARDIAN):
        login = roles[role].login
        assert_refused_without_writing(
            admin,
            partial(admin.post, f"/accounts/{login}/profile", {"profile_id": str(group)}),
            409,
            "rule-violated",
            ["profile_id"],
        )


def test_an_unknown_account_or_profile_is_not_found(roles: RoleSchool) -> None:
    admin, teacher = roles.admin, roles[TEACHER]
    known = str(profile_id(ProfileKind.TEACHER, DOCUMENTALIST))

    for login in ("NOBODY", "n%C3%A9-ici"):
        assert_refused_without_writing(
            admin, partial(admin.post, f"/accounts/{login}/profile", {"profile_id": known}), 404, "not-found"
        )
    assert_refused_without_writing(
        admin,
        lambda: admin.post(f"/accounts/{teacher.login}/profile", {"profile_id": str(UUID(int=5))}),
        404,
        "not-found",
        ["profile_id"],
    )
    assert_refused_without_writing(
        admin,
        lambda: admin.post(f"/accounts/{teacher.login}/profile", {"profile_id": "Profil 1"}),
        422,
        "invalid-request",
        ["profile_id"],
    )


def test_changing_the_group_changes_the_rights_of_admin_mode(roles: RoleSchool) -> None:
    direction, admin = roles[ADMINISTRATION_STAFF], roles.admin
    council = profile_id(ProfileKind.GROUP, CLASS_COUNCIL)

    response = admin.post(f"/accounts/{direction.login}/group", {"group_id": str(council)})

    assert response.status_code == 204, response.text
    assert permissions_of(direction) == {p.value for p in roles[CLASS_COUNCIL_STAFF].expected}


def test_a_staff_account_without_a_group_keeps_only_its_session_and_cannot_log_in_admin_mode(
    roles: RoleSchool,
) -> None:
    council, admin = roles[CLASS_COUNCIL_STAFF], roles.admin

    response = admin.post(f"/accounts/{council.login}/group", {"group_id": None})

    assert response.status_code == 204, response.text
    assert permissions_of(council) == {"session"}
    login = admin.client.post(
        "/auth/login",
        json={"uai": admin.uai, "login": council.login, "password": "Cahier-de-textes-2026", "mode": "admin"},
    )
    assert_problem(login, 403, "no-mode")


def test_a_group_for_a_non_staff_account_or_a_profile_as_a_group_is_refused(roles: RoleSchool) -> None:
    admin = roles.admin
    council = str(profile_id(ProfileKind.GROUP, CLASS_COUNCIL))
    school_life = str(profile_id(ProfileKind.SCHOOL_LIFE, SCHOOL_LIFE))

    for login, group in ((roles[TEACHER].login, council), (roles[ADMINISTRATION_STAFF].login, school_life)):
        assert_refused_without_writing(
            admin,
            partial(admin.post, f"/accounts/{login}/group", {"group_id": group}),
            409,
            "rule-violated",
            ["group_id"],
        )
    assert_refused_without_writing(
        admin, lambda: admin.post(f"/accounts/{roles[TEACHER].login}/group", {}), 422, "invalid-request", ["group_id"]
    )
