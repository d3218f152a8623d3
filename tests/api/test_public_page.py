"""The page établissement: changed by the school, read by anyone without a token."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx2

from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing
from tests.conftest import make_uai

PAGE = {
    "address": "12 rue de la Paix, 75002 Paris",
    "phone": "01 23 45 67 89",
    "email": "ce.0750655e@ac-paris.fr",
    "website": "https://college-jean-moulin.example.fr",
    "information": "Portes ouvertes le samedi 14 mars.",
}


def put_page(school: SchoolClient, body: dict[str, Any]) -> httpx2.Response:
    return school.client.put(school.url("/public-page"), json=body, headers=school.headers)


def public(school: SchoolClient, uai: str | None = None) -> httpx2.Response:
    return school.client.get(f"/public/schools/{uai or school.uai}")


def test_a_new_schools_page_holds_its_name_and_open_staff_espaces_without_a_token(school: SchoolClient) -> None:
    response = public(school)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "uai": school.uai,
        "name": "Lycée Test",
        "address": None,
        "contact": {"phone": None, "email": None, "website": None},
        "information": None,
        "espaces": [
            {"espace": "management", "label": "Espace Direction"},
            {"espace": "school-life", "label": "Espace Vie scolaire"},
            {"espace": "teachers", "label": "Espace Professeurs"},
        ],
    }


def test_the_page_shows_what_the_school_wrote_and_the_espaces_it_opened(school: SchoolClient) -> None:
    changed = put_page(school, PAGE)
    assert changed.status_code == 200, changed.text
    assert changed.json() == PAGE
    school.post("/espaces/parents/publish", None)
    school.post("/espaces/school-life/stop", None)

    body = public(school, school.uai.lower()).json()

    assert (body["address"], body["information"]) == (PAGE["address"], PAGE["information"])
    assert body["contact"] == {"phone": PAGE["phone"], "email": PAGE["email"], "website": PAGE["website"]}
    assert [e["label"] for e in body["espaces"]] == ["Espace Direction", "Espace Professeurs", "Espace Parents"]


def test_a_field_left_out_of_the_page_is_cleared(school: SchoolClient) -> None:
    put_page(school, PAGE)
    response = put_page(school, {"address": PAGE["address"]})
    assert response.json() == {**dict.fromkeys(PAGE), "address": PAGE["address"]}
    assert public(school).json()["contact"] == {"phone": None, "email": None, "website": None}


def test_a_malformed_field_is_a_422_naming_it_and_an_unchanged_page_a_409(school: SchoolClient) -> None:
    for field, value in [("website", "college.example.fr"), ("email", "secretariat"), ("phone", "appelez-nous")]:
        body = {**PAGE, field: value}
        assert_refused_without_writing(school, partial(put_page, school, body), 422, "invalid-value", [field])
    assert_refused_without_writing(school, lambda: put_page(school, {"fax": "01"}), 422, "invalid-request", ["fax"])
    put_page(school, PAGE)
    assert_refused_without_writing(school, lambda: put_page(school, PAGE), 409, "rule-violated")


def test_an_unknown_or_malformed_school_is_a_404(school: SchoolClient) -> None:
    for uai in (make_uai(9_999_999), "0750655F", "nothing"):
        problem = assert_problem(public(school, uai), 404, "not-found")
        assert uai in problem["detail"]


def test_reading_the_page_writes_nothing(school: SchoolClient) -> None:
    head = school.head()
    assert public(school).status_code == 200
    assert school.head() == head
