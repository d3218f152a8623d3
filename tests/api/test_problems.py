"""Errors as RFC 9457 problems, problem types that resolve, and request ids."""

from __future__ import annotations

import re

import pytest

from api.problems import PROBLEM_TITLES
from tests.api.conftest import PROBLEM_JSON, SchoolClient, assert_problem


def test_an_unknown_path_is_a_404_problem(school: SchoolClient) -> None:
    response = school.client.get("/no/such/path")

    assert_problem(response, 404, "not-found", [])


def test_an_unknown_path_under_a_school_is_a_404_problem_even_with_a_token(school: SchoolClient) -> None:
    response = school.get("/no-such-resource")

    assert_problem(response, 404, "not-found", [])


def test_a_wrong_method_is_a_405_problem_with_the_allowed_methods(school: SchoolClient) -> None:
    response = school.client.delete(school.url("/students"), headers=school.headers)

    assert_problem(response, 405, "method-not-allowed", [])
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


def test_a_wrong_method_on_a_public_route_is_a_405_problem(school: SchoolClient) -> None:
    response = school.client.post("/healthz")

    assert_problem(response, 405, "method-not-allowed", [])
    assert response.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("content", [b"{", b"", b"\xff\xfe", b"{'code': '3A'}", b"code=3A"])
def test_a_body_that_is_not_json_is_a_400_problem_and_writes_nothing(school: SchoolClient, content: bytes) -> None:
    head = school.head()

    response = school.post_raw("/classes", content)

    assert_problem(response, 400 if content else 422, "malformed-body" if content else "invalid-request")
    assert school.head() == head


@pytest.mark.parametrize("body", [[], "3A", 42, None])
def test_a_json_body_that_is_not_an_object_is_422_naming_the_body(
    school: SchoolClient, body: list[str] | str | int | None
) -> None:
    head = school.head()

    response = school.post("/classes", body)

    assert_problem(response, 422, "invalid-request", ["body"])
    assert school.head() == head


def test_every_field_at_fault_is_named_once(school: SchoolClient) -> None:
    response = school.post("/classes", {"code": "", "level": 3, "colour": "red"})

    problem = assert_problem(response, 422, "invalid-request", ["code", "colour", "label", "level"])
    assert problem["detail"] == "4 field(s) are not valid"


def test_a_domain_refusal_names_its_field(school: SchoolClient) -> None:
    response = school.post("/classes", {"code": "3A", "label": "   x  ", "level": "\x01"})

    assert_problem(response, 422, "invalid-value", ["level"])


@pytest.mark.parametrize("code", sorted(PROBLEM_TITLES))
def test_every_problem_type_resolves_to_its_title(school: SchoolClient, code: str) -> None:
    response = school.client.get(f"/problems/{code}")

    assert response.status_code == 200
    assert response.json() == {"type": f"/problems/{code}", "title": PROBLEM_TITLES[code]}


def test_an_unknown_problem_type_is_a_404_problem(school: SchoolClient) -> None:
    assert_problem(school.client.get("/problems/no-such-problem"), 404, "not-found", [])


def test_the_types_the_api_answers_with_resolve(school: SchoolClient) -> None:
    responses = [
        school.client.get("/nowhere"),
        school.client.put("/healthz"),
        school.post_raw("/classes", b"{"),
        school.post("/classes", {}),
        school.post(
            "/students", {"last_name": "A", "first_name": "B", "birth_date": "2012-01-01", "sex": "F", "ine": "x"}
        ),
        school.get("/students/00000000-0000-0000-0000-000000000000"),
        school.client.get(school.url("/classes")),
    ]
    school.open_class("3A")
    responses.append(school.post("/classes", {"code": "3A", "label": "3e A", "level": "3E"}))

    for response in responses:
        assert response.headers["content-type"] == PROBLEM_JSON
        resolved = school.client.get(response.json()["type"])
        assert resolved.status_code == 200, response.json()["type"]


def test_a_given_request_id_is_echoed(school: SchoolClient) -> None:
    response = school.client.get("/healthz", headers={"X-Request-ID": "trace-42.a_b"})

    assert response.headers["x-request-id"] == "trace-42.a_b"


def test_a_request_id_is_generated_when_none_is_given(school: SchoolClient) -> None:
    first = school.client.get("/healthz").headers["x-request-id"]
    second = school.client.get("/healthz").headers["x-request-id"]

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.parametrize("given", [b"has spaces", b"x" * 65, b"semi;colon", "é".encode("latin-1")])
def test_an_unsafe_request_id_is_replaced_by_a_generated_one(school: SchoolClient, given: bytes) -> None:
    response = school.client.get("/healthz", headers={b"X-Request-ID": given})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_problems_carry_the_request_id_too(school: SchoolClient) -> None:
    response = school.client.get(school.url("/students"), headers={"X-Request-ID": "req-1"})

    assert response.status_code == 401
    assert response.headers["x-request-id"] == "req-1"


def test_health_is_public_and_ok(school: SchoolClient) -> None:
    response = school.client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
