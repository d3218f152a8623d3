"""Guardians: registration with their children, links, contact details, the list and each record."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.session import Session
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing

GUARDIAN_FIELDS = {"id", "civility", "last_name", "first_name", "email", "phone", "address", "children"}
CHILD_FIELDS = {"student_id", "last_name", "first_name", "class_code", "relationship", "legal"}


def registration(**overrides: Any) -> dict[str, Any]:
    return {"last_name": "Martin", "first_name": "Claire", **overrides}


def test_registering_a_guardian_with_children_answers_201_with_their_record(school: SchoolClient) -> None:
    school.open_class("3A")
    lea = school.enrol("Martin", "Léa", class_code="3A")
    hugo = school.enrol("Martin", "Hugo")
    body = registration(
        civility="Mme",
        email="claire.martin@example.fr",
        phone="+33 6 12 34 56 78",
        address="1 rue de la Paix, 75002 Paris",
        children=[
            {"student_id": lea["id"], "relationship": "MERE"},
            {"student_id": hugo["id"], "relationship": "TUTEUR", "legal": False},
        ],
    )

    response = school.post("/guardians", body)

    assert response.status_code == 201
    guardian = response.json()
    assert set(guardian) == GUARDIAN_FIELDS
    UUID(guardian["id"])
    assert {k: v for k, v in guardian.items() if k not in {"id", "children"}} == {
        "civility": "Mme",
        "last_name": "Martin",
        "first_name": "Claire",
        "email": "claire.martin@example.fr",
        "phone": "+33 6 12 34 56 78",
        "address": "1 rue de la Paix, 75002 Paris",
    }
    assert all(set(child) == CHILD_FIELDS for child in guardian["children"])
    children = {c["student_id"]: c for c in guardian["children"]}
    assert children == {
        lea["id"]: {
            "student_id": lea["id"],
            "last_name": "Martin",
            "first_name": "Léa",
            "class_code": "3A",
            "relationship": "MERE",
            "legal": True,
        },
        hugo["id"]: {
            "student_id": hugo["id"],
            "last_name": "Martin",
            "first_name": "Hugo",
            "class_code": None,
            "relationship": "TUTEUR",
            "legal": False,
        },
    }


def test_a_guardian_without_contact_or_children_has_nulls_and_no_children(school: SchoolClient) -> None:
    guardian = school.register_guardian("Martin")

    assert guardian["children"] == []
    assert (guardian["civility"], guardian["email"], guardian["phone"], guardian["address"]) == (None, None, None, None)


def test_guardians_are_listed_by_name_with_accents_folded_and_show_their_children(school: SchoolClient) -> None:
    child = school.enrol("Eddy", "Noé")
    school.register_guardian("Fanny")
    school.register_guardian("Élise")
    school.register_guardian("Eddy", children=[{"student_id": child["id"], "relationship": "PERE"}])

    items = school.items("/guardians")

    assert [g["last_name"] for g in items] == ["Eddy", "Élise", "Fanny"]
    assert all(set(g) == GUARDIAN_FIELDS for g in items)
    assert [(c["student_id"], c["first_name"], c["relationship"]) for c in items[0]["children"]] == [
        (child["id"], "Noé", "PERE")
    ]
    assert items[1]["children"] == items[2]["children"] == []


def test_the_students_record_lists_their_guardians(school: SchoolClient) -> None:
    child = school.enrol("Martin", "Léa")
    mother = school.register_guardian(
        "Martin", "Claire", phone="06 12 34 56 78", children=[{"student_id": child["id"], "relationship": "MERE"}]
    )

    record = school.get(f"/students/{child['id']}").json()

    assert record["guardians"] == [
        {
            "guardian_id": mother["id"],
            "last_name": "Martin",
            "first_name": "Claire",
            "relationship": "MERE",
            "legal": True,
            "contact_priority": False,
            "email": None,
            "phone": "06 12 34 56 78",
        }
    ]


def test_reading_a_guardians_record_journals_exactly_one_record_consultation(school: SchoolClient) -> None:
    guardian = school.register_guardian("Martin")
    head = school.head()

    response = school.get(f"/guardians/{guardian['id']}")

    assert response.status_code == 200
    assert response.json() == guardian
    [line] = school.events(head)
    assert isinstance(line, Session.RecordConsulted)
    assert (line.subject_type, line.subject_id) == ("guardian", UUID(guardian["id"]))
    assert line.categories == ["identity", "contact", "family"]


def test_reading_the_guardian_list_journals_exactly_one_list_consultation(school: SchoolClient) -> None:
    school.register_guardian("Martin")
    head = school.head()

    school.items("/guardians")

    [line] = school.events(head)
    assert isinstance(line, Session.ListConsulted)
    assert (line.resource, line.filters, line.count) == ("guardians", {}, 1)


@pytest.mark.parametrize("guardian_id", ["00000000-0000-0000-0000-000000000000", "martin"])
def test_an_unknown_or_malformed_guardian_id_is_404_and_journals_nothing(
    school: SchoolClient, guardian_id: str
) -> None:
    head = school.head()

    assert_problem(school.get(f"/guardians/{guardian_id}"), 404, "not-found", [])
    assert school.head() == head


def assert_registration_refused(school: SchoolClient, body: Any, status: int, code: str, fields: list[str]) -> None:
    before = school.items("/guardians")
    assert_refused_without_writing(school, lambda: school.post("/guardians", body), status, code, fields)
    assert school.items("/guardians") == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"first_name": "Claire"}, ["last_name"]),
        (registration(mobile="0612345678"), ["mobile"]),
        (registration(children={"student_id": "x"}), ["children"]),
        (registration(children=[{"student_id": "not-a-uuid", "relationship": "MERE"}]), ["children[0].student_id"]),
        (
            registration(
                children=[{"relationship": "MERE"}, {"student_id": str(UUID(int=1)), "relationship": "ONCLE"}]
            ),
            ["children[0].student_id", "children[1].relationship"],
        ),
        (registration(children=[{"student_id": str(UUID(int=1)), "relationship": "MERE", "x": 1}]), ["children[0].x"]),
        (registration(email=["a@b.fr"]), ["email"]),
    ],
)
def test_a_registration_with_missing_extra_or_mistyped_fields_is_422_naming_each(
    school: SchoolClient, body: dict[str, Any], fields: list[str]
) -> None:
    assert_registration_refused(school, body, 422, "invalid-request", fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "claire.example.fr"}, "email"),
        ({"email": "claire@exemple"}, "email"),
        ({"phone": "appelez-moi"}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"civility": "Dr"}, "civility"),
        ({"children": [{"student_id": str(UUID(int=1)), "relationship": "MERE"}]}, "children[0].student_id"),
    ],
)
def test_a_registration_the_domain_refuses_is_422_naming_the_field(
    school: SchoolClient, overrides: dict[str, Any], field: str
) -> None:
    assert_registration_refused(school, registration(**overrides), 422, "invalid-value", [field])


def test_linking_a_child_adds_it_to_the_guardians_children(school: SchoolClient) -> None:
    lea = school.enrol("Martin", "Léa")
    hugo = school.enrol("Martin", "Hugo")
    guardian = school.register_guardian("Martin", children=[{"student_id": lea["id"], "relationship": "MERE"}])

    response = school.post(f"/guardians/{guardian['id']}/children", {"student_id": hugo["id"], "relationship": "MERE"})

    assert response.status_code == 200
    assert set(response.json()) == GUARDIAN_FIELDS
    assert {c["student_id"] for c in response.json()["children"]} == {lea["id"], hugo["id"]}
    assert {c["student_id"] for c in school.items("/guardians")[0]["children"]} == {lea["id"], hugo["id"]}
    assert [g["guardian_id"] for g in school.get(f"/students/{hugo['id']}").json()["guardians"]] == [guardian["id"]]


def assert_link_refused(
    school: SchoolClient, guardian_id: str, body: Any, status: int, code: str, *, fields: list[str]
) -> None:
    before = school.items("/guardians")
    assert_refused_without_writing(
        school, lambda: school.post(f"/guardians/{guardian_id}/children", body), status, code, fields
    )
    assert school.items("/guardians") == before


def test_linking_the_same_child_twice_is_409_and_writes_nothing(school: SchoolClient) -> None:
    child = school.enrol("Martin")
    guardian = school.register_guardian("Martin", children=[{"student_id": child["id"], "relationship": "MERE"}])

    body = {"student_id": child["id"], "relationship": "TUTEUR"}
    assert_link_refused(school, guardian["id"], body, 409, "rule-violated", fields=["student_id"])


def test_registering_a_guardian_with_the_same_child_twice_is_409_and_writes_nothing(school: SchoolClient) -> None:
    child = school.enrol("Martin")
    link = {"student_id": child["id"], "relationship": "MERE"}

    assert_registration_refused(school, registration(children=[link, link]), 409, "rule-violated", ["student_id"])


def test_linking_an_unknown_student_is_422_naming_student_id(school: SchoolClient) -> None:
    guardian = school.register_guardian("Martin")

    body = {"student_id": str(UUID(int=7)), "relationship": "MERE"}
    assert_link_refused(school, guardian["id"], body, 422, "invalid-value", fields=["student_id"])


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"relationship": "MERE"}, ["student_id"]),
        ({"student_id": "x", "relationship": "mother"}, ["student_id", "relationship"]),
        ({"student_id": str(UUID(int=7)), "relationship": "MERE", "legal": "perhaps"}, ["legal"]),
    ],
)
def test_a_link_with_a_wrong_body_is_422_naming_each_field(
    school: SchoolClient, body: dict[str, Any], fields: list[str]
) -> None:
    guardian = school.register_guardian("Martin")

    assert_link_refused(school, guardian["id"], body, 422, "invalid-request", fields=fields)


@pytest.mark.parametrize("guardian_id", ["00000000-0000-0000-0000-000000000000", "martin"])
def test_linking_to_an_unknown_or_malformed_guardian_is_404(school: SchoolClient, guardian_id: str) -> None:
    child = school.enrol("Martin")

    body = {"student_id": child["id"], "relationship": "MERE"}
    assert_link_refused(school, guardian_id, body, 404, "not-found", fields=[])


def test_changing_contact_details_replaces_them(school: SchoolClient) -> None:
    guardian = school.register_guardian("Martin", email="old@example.fr", phone="0612345678")

    response = school.post(f"/guardians/{guardian['id']}/contact", {"email": "new@example.fr", "address": "Lyon"})

    assert response.status_code == 200
    changed = response.json()
    assert (changed["email"], changed["phone"], changed["address"]) == ("new@example.fr", None, "Lyon")
    assert school.items("/guardians")[0]["email"] == "new@example.fr"


def test_unchanged_contact_details_are_409_and_write_nothing(school: SchoolClient) -> None:
    guardian = school.register_guardian("Martin", email="same@example.fr")
    before = school.items("/guardians")

    assert_refused_without_writing(
        school,
        lambda: school.post(f"/guardians/{guardian['id']}/contact", {"email": "same@example.fr"}),
        409,
        "rule-violated",
        ["contact"],
    )
    assert school.items("/guardians") == before


@pytest.mark.parametrize(("body", "field"), [({"email": "nope"}, "email"), ({"phone": "call me"}, "phone")])
def test_bad_contact_details_are_422_and_write_nothing(school: SchoolClient, body: dict[str, str], field: str) -> None:
    guardian = school.register_guardian("Martin", email="same@example.fr")
    before = school.items("/guardians")

    assert_refused_without_writing(
        school, lambda: school.post(f"/guardians/{guardian['id']}/contact", body), 422, "invalid-value", [field]
    )
    assert school.items("/guardians") == before


def test_changing_the_contact_of_an_unknown_guardian_is_404(school: SchoolClient) -> None:
    response = school.post(f"/guardians/{UUID(int=3)}/contact", {"email": "a@b.fr"})

    assert_problem(response, 404, "not-found", [])
