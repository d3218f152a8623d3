"""``/schools/{uai}/accounts``: one account, a population's (JSON, PDF letters, e-mails), the list, resets."""

from __future__ import annotations

import io
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import uuid4

import pypdf
import pytest

from adapters.passwords import Argon2Hasher
from domain.account import Account
from tests.api.conftest import SchoolClient, assert_problem, assert_refused_without_writing

ACCOUNT_KEYS = {"account_id", "person_id", "person_kind", "login", "password", "role", "must_change_password"}


def teacher(school: SchoolClient, last_name: str = "Léoti", first_name: str = "Sébastien") -> dict[str, Any]:
    body = {"last_name": last_name, "first_name": first_name, "email": "s.leoti@example.fr"}
    return school.created("/teachers", body)


def family(school: SchoolClient) -> dict[str, Any]:
    """Class 3A, two students, a guardian with an address and one without."""
    school.open_class("3A")
    lea = school.enrol("Martin", "Léa", class_code="3A")
    zoe = school.enrol("Dupont", "Zoé", class_code="3A")
    claire = school.register_guardian(
        "Martin",
        "Claire",
        email="claire.martin@example.fr",
        children=[{"student_id": lea["id"], "relationship": "MERE"}],
    )
    paul = school.register_guardian("Dupont", "Paul", children=[{"student_id": zoe["id"], "relationship": "PERE"}])
    return {"lea": lea, "zoe": zoe, "claire": claire, "paul": paul}


def log_in(school: SchoolClient, login: str, password: str) -> dict[str, Any]:
    response = school.client.post("/auth/login", json={"uai": school.uai, "login": login, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- POST /accounts -------------------------------------------------------------------------------


def test_opening_a_teachers_account_answers_the_login_and_a_provisional_password(school: SchoolClient) -> None:
    person = teacher(school)

    opened = school.created("/accounts", {"person_kind": "teacher", "person_id": person["id"]})

    assert set(opened) == ACCOUNT_KEYS
    assert (opened["login"], opened["role"], opened["person_id"]) == ("SLEOTI", "teacher", person["id"])
    assert (opened["person_kind"], opened["must_change_password"]) == ("teacher", True)
    assert log_in(school, "SLEOTI", opened["password"])["must_change_password"] is True


def test_a_second_account_for_the_same_person_is_a_conflict(school: SchoolClient) -> None:
    person = teacher(school)
    body = {"person_kind": "teacher", "person_id": person["id"]}
    school.created("/accounts", body)

    assert_refused_without_writing(school, lambda: school.post("/accounts", body), 409, "already-exists", ["person_id"])


def test_an_unknown_person_is_not_found(school: SchoolClient) -> None:
    body = {"person_kind": "student", "person_id": str(uuid4())}

    assert_refused_without_writing(school, lambda: school.post("/accounts", body), 404, "not-found")


def test_an_unknown_person_kind_is_invalid_naming_the_field(school: SchoolClient) -> None:
    body = {"person_kind": "parent", "person_id": str(uuid4())}

    assert_refused_without_writing(
        school, lambda: school.post("/accounts", body), 422, "invalid-request", ["person_kind"]
    )


# -- POST /accounts/batch -------------------------------------------------------------------------


def test_a_batch_in_json_lists_each_person_with_login_password_and_status(school: SchoolClient) -> None:
    family(school)

    response = school.post("/accounts/batch", {"population": "students", "class_code": "3A", "delivery": "json"})

    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["population"], report["class_code"], report["delivery"]) == ("students", "3A", "json")
    assert report["counts"]["created"] == 2
    assert [(i["last_name"], i["login"], i["status"], i["detail"]) for i in report["items"]] == [
        ("Dupont", "ZDUPONT", "created", "Élève de 3A"),
        ("Martin", "LMARTIN", "created", "Élève de 3A"),
    ]
    assert all(re.fullmatch(r"[A-Za-z0-9]{12}", item["password"]) for item in report["items"])

    again = school.post("/accounts/batch", {"population": "students", "class_code": "3A"}).json()
    assert [i["status"] for i in again["items"]] == ["reissued", "reissued"]


def test_a_batch_of_letters_answers_a_pdf_with_each_login_and_password(
    school: SchoolClient, fast_hasher: Argon2Hasher
) -> None:
    family(school)
    head = school.head()

    response = school.post("/accounts/batch", {"population": "guardians", "class_code": "3A", "delivery": "letters"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="lettres-{school.uai}-guardians-3A.pdf"'
    assert response.headers["cache-control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Lettres de connexion — Responsables (3A)" in text
    assert "Responsable de Léa MARTIN (3A)" in text
    for login in ("CMARTIN", "PDUPONT"):
        assert login in text
        assert f"/?uai={school.uai}&login={login}" in text.replace("\n", "")
    # The passwords printed are the accounts' provisional passwords (guardians come by name).
    passwords = re.findall(r"Mot de passe provisoire :\n(\S+)", text)
    assert len(passwords) == 2
    for login, password in zip(["PDUPONT", "CMARTIN"], passwords, strict=True):
        account: Account = school.base.repository.get(Account.create_id(login))
        assert fast_hasher.verify(account.password_hash, password)
    assert school.head() > head


def test_a_batch_by_e_mail_mails_those_with_an_address_and_shows_no_password(
    school: SchoolClient, tmp_path: Path
) -> None:
    family(school)

    response = school.post("/accounts/batch", {"population": "guardians", "delivery": "email"})

    assert response.status_code == 200, response.text
    items = {i["last_name"]: i for i in response.json()["items"]}
    assert (items["Martin"]["status"], items["Martin"]["password"]) == ("mailed", None)
    assert (items["Dupont"]["status"], items["Dupont"]["login"]) == ("no-email", None)
    (eml,) = (tmp_path / "data" / "outbox").glob("*.eml")  # no SMTP host: the pickup folder
    mail = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail["To"] == "claire.martin@example.fr"
    assert "Identifiant : CMARTIN" in mail.get_content()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"population": "parents"}, ["population"]),
        ({"population": "students", "delivery": "fax"}, ["delivery"]),
        ({"population": "students", "class": "3A"}, ["class"]),
    ],
)
def test_a_bad_batch_is_invalid_naming_the_field(school: SchoolClient, body: dict[str, Any], fields: list[str]) -> None:
    family(school)

    assert_refused_without_writing(school, lambda: school.post("/accounts/batch", body), 422, "invalid-request", fields)


def test_a_class_code_for_teachers_or_an_unknown_class_is_refused_naming_class_code(school: SchoolClient) -> None:
    family(school)

    for body in ({"population": "teachers", "class_code": "3A"}, {"population": "students", "class_code": "6Z"}):
        send = lambda body=body: school.post("/accounts/batch", body)  # noqa: E731
        assert_refused_without_writing(school, send, 422, "invalid-value", ["class_code"])


# -- GET /accounts and resets ---------------------------------------------------------------------


def test_the_list_of_accounts_by_population(school: SchoolClient) -> None:
    family(school)
    person = teacher(school)
    school.created("/accounts", {"person_kind": "teacher", "person_id": person["id"]})
    school.post("/accounts/batch", {"population": "guardians"})

    teachers = school.items("/accounts", {"population": "teachers"})
    everyone = school.items("/accounts")

    assert teachers == [
        {
            "account_id": teachers[0]["account_id"],
            "login": "SLEOTI",
            "role": "teacher",
            "person_id": person["id"],
            "person_kind": "teacher",
            "first_name": "Sébastien",
            "last_name": "Léoti",
            "detail": None,
            "must_change_password": True,
        }
    ]
    assert [(i["login"], i["role"]) for i in everyone] == [
        ("PDUPONT", "guardian"),
        ("CMARTIN", "guardian"),
        ("SLEOTI", "teacher"),
    ]


def test_an_unknown_population_in_the_query_is_invalid_naming_it(school: SchoolClient) -> None:
    assert_problem(school.get("/accounts", {"population": "parents"}), 422, "invalid-value", ["population"])


def test_resetting_a_password_answers_a_one_time_password_that_logs_in(school: SchoolClient) -> None:
    person = teacher(school)
    opened = school.created("/accounts", {"person_kind": "teacher", "person_id": person["id"]})

    response = school.post("/accounts/sleoti/reset-password", None)

    assert response.status_code == 200, response.text
    credentials = response.json()
    assert set(credentials) == {"login", "password"}
    assert credentials["login"] == "SLEOTI"
    assert log_in(school, "SLEOTI", credentials["password"])["must_change_password"] is True
    refused = school.client.post(
        "/auth/login", json={"uai": school.uai, "login": "SLEOTI", "password": opened["password"]}
    )
    assert refused.status_code == 401


def test_resetting_an_unknown_login_is_not_found(school: SchoolClient) -> None:
    send = lambda: school.post("/accounts/NOBODY/reset-password", None)  # noqa: E731
    assert_refused_without_writing(school, send, 404, "not-found", ["login"])


def test_the_openapi_document_describes_the_letters_as_a_pdf(school: SchoolClient) -> None:
    document = school.client.get("/openapi.json").json()

    batch = document["paths"]["/schools/{uai}/accounts/batch"]["post"]
    content = batch["responses"]["200"]["content"]
    assert content["application/pdf"] == {"schema": {"type": "string", "format": "binary"}}
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/IssueReportOut"}
    assert batch["x-permission"] == "accounts.manage"
