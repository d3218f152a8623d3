"""Classes: opening them and listing them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.school_class import SchoolClass
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing


def test_opening_a_class_answers_201_with_the_class(school: SchoolClient) -> None:
    response = school.post("/classes", {"code": "3A", "label": "3e A", "level": "3E"})

    assert response.status_code == 201
    assert response.json() == {"id": str(SchoolClass.create_id("3A")), "code": "3A", "label": "3e A", "level": "3E"}


def test_opening_a_class_trims_and_folds_spaces_in_its_code(school: SchoolClient) -> None:
    response = school.post("/classes", {"code": "  3  A ", "label": "3e A", "level": "3E"})

    assert response.status_code == 201, response.text
    assert response.json()["code"] == "3 A"
    assert [c["code"] for c in school.items("/classes")] == ["3 A"]


def test_classes_are_listed_by_level_then_code(school: SchoolClient) -> None:
    for code, level in [("6B", "6E"), ("3B", "3E"), ("6A", "6E"), ("3A", "3E")]:
        school.open_class(code, level)

    items = school.items("/classes")

    assert [c["code"] for c in items] == ["3A", "3B", "6A", "6B"]
    for item in items:
        assert set(item) == {"id", "code", "label", "level"}
        UUID(item["id"])


def test_listing_classes_is_not_journaled_since_it_holds_no_personal_data(school: SchoolClient) -> None:
    school.open_class("3A")
    head = school.head()

    school.items("/classes")

    assert school.head() == head


def test_an_empty_school_lists_no_class(school: SchoolClient) -> None:
    assert school.get("/classes").json() == {"items": []}


def test_a_duplicate_class_code_is_409_and_writes_nothing(school: SchoolClient) -> None:
    school.open_class("3A")
    before = school.items("/classes")

    assert_refused_without_writing(
        school,
        lambda: school.post("/classes", {"code": "3A", "label": "Autre", "level": "3E"}),
        409,
        "already-exists",
        ["code"],
    )
    assert school.items("/classes") == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"label": "3e A", "level": "3E"}, ["code"]),
        ({"code": "3A", "label": "3e A", "level": "3E", "room": "B12"}, ["room"]),
        ({"code": 3, "label": "3e A", "level": "3E"}, ["code"]),
        ({"code": "3A", "label": ["3e A"], "level": None}, ["label", "level"]),
        ({"code": "X" * 21, "label": "3e A", "level": "3E"}, ["code"]),
        ({"code": "", "label": "", "level": ""}, ["code", "label", "level"]),
    ],
)
def test_a_class_with_missing_extra_or_mistyped_fields_is_422_naming_each(
    school: SchoolClient, body: dict[str, Any], fields: list[str]
) -> None:
    assert_refused_without_writing(school, lambda: school.post("/classes", body), 422, "invalid-request", fields)
    assert school.items("/classes") == []


def test_a_class_code_with_control_characters_is_422_invalid_value(school: SchoolClient) -> None:
    response = school.post("/classes", {"code": "3\x07A", "label": "3e A", "level": "3E"})

    assert_problem(response, 422, "invalid-value", ["code"])
    assert school.items("/classes") == []
