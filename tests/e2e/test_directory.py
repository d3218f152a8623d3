"""The directory through HTTP against a real server process, on SQLite and on PostgreSQL.

The module's fixture plays the README's scenario once per backend: log in, open classes, enrol
students (with and without an INE), move one, register guardians with their children, teachers and
staff. The tests then read what it wrote, send bad requests that must write nothing, restart the
server and rebuild the read model, and each time the API must answer exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest

from tests.e2e.api_client import ApiClient, Json
from tests.e2e.conftest import Deployment, Schools, ServerProcess

pytestmark = pytest.mark.e2e

CLASSES = [
    {"code": "2NDE2", "label": "Seconde 2", "level": "2NDE"},
    {"code": "2NDE1", "label": "Seconde 1", "level": "2NDE"},
]

# Enrolled in this order; listed by last then first name, accents and case ignored.
STUDENTS: list[dict[str, str | None]] = [
    {"last_name": "Faure", "first_name": "Adam", "ine": "0123456789A", "class_code": "2NDE2", "sex": "M"},
    {"last_name": "Durand", "first_name": "Fanny", "ine": "0123456789B", "class_code": "2NDE1", "sex": "F"},
    {"last_name": "Émery", "first_name": "Zoé", "ine": None, "class_code": "2NDE1", "sex": "F"},
    {"last_name": "Durand", "first_name": "Élise", "ine": "0123456789C", "class_code": "2NDE1", "sex": "F"},
    {"last_name": "Durand", "first_name": "Eddy", "ine": None, "class_code": "2NDE2", "sex": "M"},
]
STUDENTS_BY_NAME = ["Durand Eddy", "Durand Élise", "Durand Fanny", "Émery Zoé", "Faure Adam"]


@dataclass(frozen=True)
class Directory:
    """What the scenario wrote: the logged-in client of the school's super-admin and the new ids."""

    uai: str
    admin: ApiClient
    students: dict[str, str]
    guardians: dict[str, str]

    def path(self, rest: str = "") -> str:
        return f"/schools/{self.uai}{rest}"

    def snapshot(self) -> dict[str, Json]:
        """Every answer of the directory: the lists and each student's record."""
        lists = {name: self.admin.ok(self.path(f"/{name}")) for name in ("classes", "students", "guardians")}
        lists |= {name: self.admin.ok(self.path(f"/{name}")) for name in ("teachers", "staff")}
        lists |= {code: self.admin.ok(self.path("/students"), {"class_code": code}) for code in ("2NDE1", "2NDE2")}
        records = {name: self.admin.ok(self.path(f"/students/{id_}")) for name, id_ in sorted(self.students.items())}
        return {**lists, **records}


NEW_PASSWORD = "Registre-d-appel-2026"


def names(page: Json) -> list[str]:
    return [f"{item['last_name']} {item['first_name']}" for item in page["items"]]


@pytest.fixture(scope="module")
def directory(server: ServerProcess, schools: Schools) -> Iterator[Directory]:
    """The README's scenario, played once per backend through HTTP."""
    main = schools.main
    with (
        ApiClient(server.url) as anonymous,
        anonymous.first_login(main.uai, main.login, main.password, NEW_PASSWORD) as admin,
    ):
        base = f"/schools/{main.uai}"
        for school_class in CLASSES:
            admin.created(f"{base}/classes", school_class)
        students: dict[str, str] = {}
        for student in STUDENTS:
            body = {**student, "birth_date": "2011-03-14"}
            students[f"{student['last_name']} {student['first_name']}"] = admin.created(f"{base}/students", body)["id"]
        moved = admin.post(f"{base}/students/{students['Durand Élise']}/class", {"class_code": "2NDE2"})
        assert moved.status == 200, moved.body

        def child(name: str, relationship: str) -> dict[str, Any]:
            return {"student_id": students[name], "relationship": relationship, "legal": True}

        guardians = {
            "Durand Sophie": {
                "civility": "Mme",
                "last_name": "Durand",
                "first_name": "Sophie",
                "email": "sophie.durand@example.org",
                "phone": "06 12 34 56 78",
                "children": [
                    child("Durand Élise", "MERE"),
                    child("Durand Eddy", "MERE"),
                    child("Durand Fanny", "MERE"),
                ],
            },
            "Bernard Luc": {
                "last_name": "Bernard",
                "first_name": "Luc",
                "children": [child("Faure Adam", "TUTEUR")],
            },
        }
        guardian_ids = {name: admin.created(f"{base}/guardians", body)["id"] for name, body in guardians.items()}
        for last_name, first_name, disciplines in [
            ("Érard", "Hélène", ["Mathématiques"]),
            ("Fabre", "Anne", ["Anglais"]),
            ("Dubois", "Marc", ["Lettres modernes", "Latin"]),
        ]:
            teacher = {"last_name": last_name, "first_name": first_name, "disciplines": disciplines}
            admin.created(f"{base}/teachers", teacher)
        for last_name, first_name, function in [("Lefèvre", "Claire", "CPE"), ("Leclerc", "Jean", "Surveillant")]:
            admin.created(f"{base}/staff", {"last_name": last_name, "first_name": first_name, "function": function})
        yield Directory(uai=main.uai, admin=admin, students=students, guardians=guardian_ids)


def test_login_answers_a_token_of_the_school_that_must_change_its_password(
    server: ServerProcess, schools: Schools
) -> None:
    main = schools.main
    with ApiClient(server.url) as anonymous:
        answer = anonymous.post("/auth/login", {"uai": main.uai, "login": main.login, "password": main.password})
        wrong = anonymous.post("/auth/login", {"uai": main.uai, "login": main.login, "password": "not-it"})

    assert answer.status == 200
    assert answer.body["token"].startswith(f"{main.uai}.{main.year}.")
    assert answer.body["must_change_password"] is True
    assert wrong.status == 401
    assert wrong.is_problem


def test_lists_are_sorted_by_name_with_accents_as_plain_letters(directory: Directory) -> None:
    admin = directory.admin

    assert names(admin.ok(directory.path("/students"))) == STUDENTS_BY_NAME
    assert names(admin.ok(directory.path("/guardians"))) == ["Bernard Luc", "Durand Sophie"]
    assert names(admin.ok(directory.path("/teachers"))) == ["Dubois Marc", "Érard Hélène", "Fabre Anne"]
    assert names(admin.ok(directory.path("/staff"))) == ["Leclerc Jean", "Lefèvre Claire"]
    assert [c["code"] for c in admin.ok(directory.path("/classes"))["items"]] == ["2NDE1", "2NDE2"]


def test_students_of_a_class_follow_the_moves(directory: Directory) -> None:
    admin = directory.admin

    assert names(admin.ok(directory.path("/students"), {"class_code": "2NDE1"})) == ["Durand Fanny", "Émery Zoé"]
    assert names(admin.ok(directory.path("/students"), {"class_code": "2NDE2"})) == [
        "Durand Eddy",
        "Durand Élise",
        "Faure Adam",
    ]


def test_students_are_enrolled_with_or_without_an_ine(directory: Directory) -> None:
    students = {
        f"{s['last_name']} {s['first_name']}": s for s in directory.admin.ok(directory.path("/students"))["items"]
    }

    assert students["Faure Adam"]["ine"] == "0123456789A"
    assert students["Émery Zoé"]["ine"] is None
    assert students["Durand Eddy"]["ine"] is None


def test_a_student_record_has_the_class_history_and_the_guardians(directory: Directory) -> None:
    record = directory.admin.ok(directory.path(f"/students/{directory.students['Durand Élise']}"))

    assert record["class_code"] == "2NDE2"
    assert [move["class_code"] for move in record["class_history"]] == ["2NDE1", "2NDE2"]
    assert [(g["last_name"], g["relationship"], g["legal"]) for g in record["guardians"]] == [("Durand", "MERE", True)]
    assert record["guardians"][0]["guardian_id"] == directory.guardians["Durand Sophie"]


def test_a_guardian_lists_their_children(directory: Directory) -> None:
    guardian = directory.admin.ok(directory.path(f"/guardians/{directory.guardians['Durand Sophie']}"))

    assert names({"items": guardian["children"]}) == ["Durand Eddy", "Durand Élise", "Durand Fanny"]
    assert {c["class_code"] for c in guardian["children"]} == {"2NDE1", "2NDE2"}


def enrol_body(**changes: Any) -> dict[str, Any]:
    return {"last_name": "Petit", "first_name": "Léa", "birth_date": "2011-09-01", "sex": "F", **changes}


BadRequest = tuple[str, str, Any]
"""(who: admin, anonymous, forged or other school; method + path under the school; the JSON body or raw bytes)"""

BAD_REQUESTS: dict[str, tuple[BadRequest, int, str, list[str]]] = {
    "malformed JSON": (("admin", "POST /students", b'{"last_name": "Petit",'), 400, "malformed-body", []),
    "a JSON array": (("admin", "POST /students", b"[]"), 422, "invalid-request", ["body"]),
    "missing and invalid fields": (
        ("admin", "POST /students", {"last_name": "Petit", "birth_date": "14/03/2011", "sex": "X"}),
        422,
        "invalid-request",
        ["first_name", "birth_date", "sex"],
    ),
    "an unknown field": (
        ("admin", "POST /students", enrol_body(nickname="Lele")),
        422,
        "invalid-request",
        ["nickname"],
    ),
    "an INE of 3 characters": (("admin", "POST /students", enrol_body(ine="123")), 422, "invalid-value", ["ine"]),
    "a child's bad id": (
        ("admin", "POST /guardians", {"last_name": "X", "first_name": "Y", "children": [{"student_id": "1"}]}),
        422,
        "invalid-request",
        ["children[0].student_id", "children[0].relationship"],
    ),
    "a duplicate INE": (("admin", "POST /students", enrol_body(ine="0123456789B")), 409, "already-exists", ["ine"]),
    "a duplicate class code": (
        ("admin", "POST /classes", {"code": "2NDE1", "label": "Autre", "level": "2NDE"}),
        409,
        "already-exists",
        ["code"],
    ),
    "an unknown student": (("admin", "GET /students/{unknown}", None), 404, "not-found", []),
    "a move of an unknown student": (
        ("admin", "POST /students/{unknown}/class", {"class_code": "2NDE1"}),
        404,
        "not-found",
        [],
    ),
    "no token": (("anonymous", "POST /students", enrol_body()), 401, "unauthenticated", []),
    "a forged token": (("forged", "GET /students", None), 401, "unauthenticated", []),
    "another school's token": (("other", "POST /students", enrol_body()), 403, "forbidden", []),
    "another school's list": (("other", "GET /students", None), 403, "forbidden", []),
}


@pytest.fixture(scope="module")
def other_school(server: ServerProcess, schools: Schools) -> Iterator[ApiClient]:
    """The super-admin of the other school of the deployment, logged in there."""
    other = schools.other
    with (
        ApiClient(server.url) as anonymous,
        anonymous.first_login(other.uai, other.login, other.password, NEW_PASSWORD) as client,
    ):
        yield client


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_requests_are_problems_and_write_nothing(case: str, directory: Directory, other_school: ApiClient) -> None:
    (who, route, body), status, code, fields = BAD_REQUESTS[case]
    method, path = route.split(" ")
    path = directory.path(path.format(unknown=uuid4()))
    tokens = {"anonymous": None, "forged": f"{directory.uai}.2026.forged"}
    before = directory.snapshot()

    with ExitStack() as stack:
        client = {"admin": directory.admin, "other": other_school}.get(who) or stack.enter_context(
            directory.admin.with_token(tokens[who])
        )
        if method == "GET":
            answer = client.get(path)
        elif isinstance(body, bytes):
            answer = client.post_raw(path, body)
        else:
            answer = client.post(path, body)

    assert (answer.status, answer.body["type"]) == (status, f"/problems/{code}"), answer.body
    assert answer.is_problem, answer
    assert set(fields) <= set(answer.error_fields()), answer.body
    assert directory.snapshot() == before


def test_a_restart_keeps_the_data_and_the_sessions(directory: Directory, server: ServerProcess) -> None:
    before = directory.snapshot()

    server.restart()

    # The same client: the token of the session opened before the restart still opens every route.
    assert directory.snapshot() == before
    assert names(before["students"]) == STUDENTS_BY_NAME


def test_rebuilding_the_directory_leaves_the_answers_identical(
    directory: Directory, deployment: Deployment, server: ServerProcess
) -> None:
    before = directory.snapshot()

    rebuilt = deployment.cartable_json("projections", "rebuild", "directory", "--uai", directory.uai)
    status = deployment.cartable_json("projections", "status", "--uai", directory.uai)

    assert rebuilt["events"] > 0
    assert rebuilt["rows_changed"] == 0  # live updating had built exactly what the replay gives
    assert [p["behind"] for p in status["projections"] if p["projection"] == "directory"] == [0]
    assert directory.snapshot() == before
