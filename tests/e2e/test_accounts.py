"""The accounts issue end to end: a real server process, a real SMTP server, on SQLite and PostgreSQL.

The super-administrator opens the families' Espace, hands out accounts by e-mail and on paper, gives
a teacher the documentalist's profile; a mother connects for the first time, sees her own child and
no one else's, sees who consulted her daughter's record, forgets her password and recovers it; an
attacker is locked out; the super-administrator closes a session; a restart loses nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.api_client import Answer, ApiClient, Json
from tests.e2e.conftest import CLEAN_EXITS, Deployment, ServerProcess
from tests.smtp import SmtpServer, serve

UAI = "0750655E"
SPR_PASSWORD = "Registre-d-appel-2026"
MOTHER_PASSWORD = "Cartable-de-Lea-75"
TEACHER_PASSWORD = "Salle-des-profs-42"
RECOVERED_PASSWORD = "Nouveau-depart-2027"


@pytest.fixture(scope="module")
def smtp(deployment: Deployment) -> Iterator[SmtpServer]:
    """One mail server per deployment, so that each backend's scenario reads its own mail."""
    yield from serve()


@pytest.fixture(scope="module")
def mailing_server(deployment: Deployment, smtp: SmtpServer) -> Iterator[tuple[ServerProcess, dict[str, Any]]]:
    """A server whose mail goes to the local SMTP server, over one school created by the CLI."""
    mailing = replace(
        deployment,
        settings=(
            ("CARTABLE_SMTP_HOST", "127.0.0.1"),
            ("CARTABLE_SMTP_PORT", str(smtp.port)),
            ("CARTABLE_SMTP_SENDER", "cartable@louis-le-grand.example.fr"),
            ("CARTABLE_PUBLIC_URL", "https://cartable.example.fr"),
        ),
    )
    created = mailing.cartable_json("school", "create", "--uai", UAI, "--name", "Lycée Louis-le-Grand")
    process = ServerProcess(mailing)
    process.start()
    yield process, created
    code = process.stop()
    assert code in CLEAN_EXITS, f"the server exited with {code} on SIGTERM\n{process.output()}"


def mails_to(smtp: SmtpServer, address: str) -> list[EmailMessage]:
    return [m for m in smtp.collector.messages() if m["To"] == address]


def mails_after(smtp: SmtpServer, seen: int, timeout: float = 10.0) -> list[EmailMessage]:
    """The mails received after the first ``seen``, waiting for some: recovery mails leave in the background."""
    deadline = time.monotonic() + timeout
    while len(smtp.collector.envelopes) <= seen and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp.collector.messages()[seen:]


def body_of(message: EmailMessage) -> str:
    content: str = message.get_content()
    return content


@dataclass
class Journey:
    """What the scenario saw, step by step, for the tests below to check."""

    server: ServerProcess
    smtp: SmtpServer
    answers: dict[str, Answer] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    logins: dict[str, str] = field(default_factory=dict)

    def path(self, tail: str) -> str:
        return f"/schools/{UAI}{tail}"

    def login(self, login: str, password: str, **extra: Any) -> Answer:
        with ApiClient(self.server.url) as anonymous:
            return anonymous.post("/auth/login", {"uai": UAI, "login": login, "password": password, **extra})


def expect(answer: Answer, status: int) -> Json:
    assert answer.status == status, (answer.status, answer.body)
    return answer.body


def done(answer: Answer) -> None:
    """A command that succeeded, whether it answers the new state (200) or nothing (204)."""
    assert answer.status in {200, 204}, (answer.status, answer.body)


@pytest.fixture(scope="module")
def journey(mailing_server: tuple[ServerProcess, dict[str, Any]], smtp: SmtpServer) -> Journey:
    server, created = mailing_server
    trip = Journey(server=server, smtp=smtp)
    with ExitStack() as clients:
        anonymous = clients.enter_context(ApiClient(server.url))
        spr = clients.enter_context(anonymous.first_login(UAI, created["login"], created["password"], SPR_PASSWORD))
        school = trip.path
        spr.created(school("/classes"), {"code": "2A", "label": "2nde A", "level": "2NDE"})
        for name, first in (("Martin", "Léa"), ("Petit", "Hugo")):
            body = {"last_name": name, "first_name": first, "birth_date": "2011-05-02", "sex": "F", "class_code": "2A"}
            trip.ids[first] = spr.created(school("/students"), body)["id"]
        child = {"student_id": trip.ids["Léa"], "relationship": "MERE"}
        mother = {"last_name": "Martin", "first_name": "Sophie", "email": "sophie.martin@example.org"}
        trip.ids["mother"] = spr.created(school("/guardians"), {**mother, "children": [child]})["id"]
        father = {
            "last_name": "Petit",
            "first_name": "Marc",
            "children": [{"student_id": trip.ids["Hugo"], "relationship": "PERE"}],
        }
        trip.ids["father"] = spr.created(school("/guardians"), father)["id"]
        teacher = {"last_name": "Léoti", "first_name": "Sébastien", "email": "s.leoti@example.org"}
        trip.ids["teacher"] = spr.created(school("/teachers"), {**teacher, "disciplines": ["DOCUMENTATION"]})["id"]

        # The families' Espace is stopped on a new base: accounts exist before families may come in.
        trip.answers["batch"] = spr.post(
            school("/accounts/batch"), {"population": "guardians", "class_code": "2A", "delivery": "email"}
        )
        mailed = mails_to(smtp, "sophie.martin@example.org")
        assert len(mailed) == 1, [m["To"] for m in smtp.collector.messages()]
        text = body_of(mailed[0])
        login = re.search(r"Identifiant\s*:\s*(\S+)", text)
        password = re.search(r"Mot de passe provisoire\s*:\s*(\S+)", text)
        assert login and password, text
        trip.logins["mother"] = login.group(1)
        trip.answers["closed espace"] = trip.login(login.group(1), password.group(1), mode="parents")
        done(spr.post(school("/espaces/parents/publish"), {}))
        mother_client = clients.enter_context(
            anonymous.first_login(UAI, login.group(1), password.group(1), MOTHER_PASSWORD)
        )

        # The teacher's account, then the documentalist's profile, which sees every student.
        opened = spr.created(school("/accounts"), {"person_kind": "teacher", "person_id": trip.ids["teacher"]})
        trip.logins["teacher"] = opened["login"]
        teacher_client = clients.enter_context(
            anonymous.first_login(UAI, opened["login"], opened["password"], TEACHER_PASSWORD)
        )
        trip.answers["teacher before profile"] = teacher_client.get(school(f"/students/{trip.ids['Léa']}"))
        profiles = spr.ok(school("/profiles"))["items"]
        [documentalist] = [p for p in profiles if p["name"] == "Professeur documentaliste"]
        done(spr.post(school(f"/accounts/{opened['login']}/profile"), {"profile_id": documentalist["id"]}))
        trip.answers["teacher reads Léa"] = teacher_client.get(school(f"/students/{trip.ids['Léa']}"))

        # The mother: her daughter, no one else, and who looked at her daughter's record.
        trip.answers["mother's students"] = mother_client.get(school("/students"))
        trip.answers["mother reads Léa"] = mother_client.get(school(f"/students/{trip.ids['Léa']}"))
        trip.answers["mother reads Hugo"] = mother_client.get(school(f"/students/{trip.ids['Hugo']}"))
        trip.answers["mother reads the guardians"] = mother_client.get(school("/guardians"))
        trip.answers["access history"] = mother_client.get(school(f"/students/{trip.ids['Léa']}/access-history"))
        trip.answers["letters"] = spr.post(
            school("/accounts/batch"), {"population": "students", "class_code": "2A", "delivery": "letters"}
        )

        # Connections in progress; the super-administrator closes the teacher's.
        sessions = spr.get(school("/sessions"), {"state": "open"})
        trip.answers["open sessions"] = sessions
        [teacher_session] = [s for s in sessions.body["items"] if s["login"] == opened["login"]]
        done(spr.post(school(f"/sessions/{teacher_session['id']}/close"), {}))
        trip.answers["closed teacher"] = teacher_client.get(school("/classes"))

        # The mother turns on the PIN from her phone; her laptop, unknown, must give it, and she is told.
        phone, laptop = "phone-of-sophie-0001", "laptop-of-sophie-0002"
        pin = {"password": MOTHER_PASSWORD, "pin": "4827", "device_id": phone}
        done(mother_client.post("/auth/pin", pin))
        trip.answers["phone"] = trip.login(trip.logins["mother"], MOTHER_PASSWORD, device_id=phone)
        trip.answers["laptop"] = trip.login(trip.logins["mother"], MOTHER_PASSWORD, device_id=laptop)
        seen = len(smtp.collector.envelopes)
        trip.answers["laptop with pin"] = trip.login(
            trip.logins["mother"], MOTHER_PASSWORD, device_id=laptop, pin="4827"
        )
        trip.answers["unknown device mail"] = Answer(0, "", [body_of(m) for m in mails_after(smtp, seen)])

        # One admin-mode licence: the second head of school is refused, naming who holds it.
        done(spr.put(school("/licences"), {"admin_seats": 1, "teacher_seats": None}))
        heads = []
        for name in ("Proviseur", "Adjoint"):
            staff_id = spr.created(school("/staff"), {"last_name": name, "first_name": "Anne", "function": "Direction"})
            heads.append(spr.created(school("/accounts"), {"person_kind": "staff", "person_id": staff_id["id"]}))
        clients.enter_context(anonymous.first_login(UAI, heads[0]["login"], heads[0]["password"], "Direction-1-2026"))
        trip.logins["head"] = heads[0]["login"]
        trip.answers["second head"] = trip.login(heads[1]["login"], heads[1]["password"], mode="admin")

        # An attacker: five wrong passwords lock the login, whether it exists or not.
        for _ in range(5):
            trip.answers["wrong password"] = trip.login(trip.logins["mother"], "Wrong-password-1")
            trip.answers["unknown login"] = trip.login("NOBODY", "Wrong-password-1")
        trip.answers["locked"] = trip.login(trip.logins["mother"], MOTHER_PASSWORD)
        trip.answers["locked unknown"] = trip.login("NOBODY", "Wrong-password-1")

        # The public page, without a token.
        trip.answers["public page"] = anonymous.get(f"/public/schools/{UAI}")

        # A restart keeps everything: the mother's session still reads her daughter.
        server.restart()
        trip.answers["after restart"] = mother_client.get(school(f"/students/{trip.ids['Léa']}"))

        # Recovery, once the school allows it on the Parents Espace, for the father who has no e-mail
        # (nothing is sent) and for the mother's account, whose login is still locked.
        options = {"password_recovery": True, "online_justification": False, "inactivity_minutes": 20}
        done(spr.put(school("/espaces/parents/options"), {**options, "bulletin_publication_date": None}))
        before = len(smtp.collector.messages())
        trip.answers["recovery"] = anonymous.post("/auth/recovery", {"uai": UAI, "login": trip.logins["mother"]})
        trip.answers["recovery unknown"] = anonymous.post("/auth/recovery", {"uai": UAI, "login": "NOBODY"})
        [recovery_mail] = mails_after(smtp, before)
        link = re.search(r"https://cartable\.example\.fr/\S+", body_of(recovery_mail))
        assert link, body_of(recovery_mail)
        token = parse_qs(urlsplit(link.group(0)).query)["token"][0]
        confirm = {"token": token, "new_password": RECOVERED_PASSWORD}
        trip.answers["confirm"] = anonymous.post("/auth/recovery/confirm", confirm)
        trip.answers["confirm again"] = anonymous.post("/auth/recovery/confirm", confirm)
    return trip


def test_accounts_are_mailed_to_guardians_with_an_address_and_reported_for_the_others(journey: Journey) -> None:
    report = expect(journey.answers["batch"], 200)
    statuses = {item["last_name"]: item["status"] for item in report["items"]}
    assert statuses == {"Martin": "mailed", "Petit": "no-email"}
    assert all(item["password"] is None for item in report["items"]), "an e-mailed password is not answered"
    [mail] = mails_to(journey.smtp, "sophie.martin@example.org")[:1]
    assert "Lycée Louis-le-Grand" in mail["Subject"]
    assert "https://cartable.example.fr" in body_of(mail)


def test_a_stopped_espace_refuses_its_families(journey: Journey) -> None:
    problem = expect(journey.answers["closed espace"], 403)
    assert problem["type"] == "/problems/espace-closed"
    assert "Espace Parents" in problem["detail"]


def test_a_teacher_sees_no_student_until_given_the_documentalists_profile(journey: Journey) -> None:
    assert expect(journey.answers["teacher before profile"], 404)["type"] == "/problems/not-found"
    assert expect(journey.answers["teacher reads Léa"], 200)["first_name"] == "Léa"


def test_a_mother_sees_her_daughter_and_no_one_else(journey: Journey) -> None:
    students = expect(journey.answers["mother's students"], 200)["items"]
    assert [s["first_name"] for s in students] == ["Léa"]
    assert expect(journey.answers["mother reads Léa"], 200)["id"] == journey.ids["Léa"]
    assert expect(journey.answers["mother reads Hugo"], 404)["type"] == "/problems/not-found"
    assert expect(journey.answers["mother reads the guardians"], 403)["type"] == "/problems/forbidden"


def test_a_mother_sees_who_consulted_her_daughters_record(journey: Journey) -> None:
    history = expect(journey.answers["access history"], 200)
    readers = {(item["display_name"], item["role"]) for item in history["items"]}
    assert ("Sébastien Léoti", "teacher") in readers
    assert all("login" not in item and "address" not in item for item in history["items"])


def test_connection_letters_are_a_pdf(journey: Journey) -> None:
    letters = journey.answers["letters"]
    assert (letters.status, letters.content_type) == (200, "application/pdf")
    assert letters.content.startswith(b"%PDF-")


def test_the_super_admin_lists_open_sessions_and_closes_one(journey: Journey) -> None:
    logins = {item["login"] for item in expect(journey.answers["open sessions"], 200)["items"]}
    assert {"SPR", journey.logins["mother"], journey.logins["teacher"]} <= logins
    assert expect(journey.answers["closed teacher"], 401)["type"] == "/problems/unauthenticated"


def test_five_wrong_passwords_lock_a_login_and_an_unknown_login_alike(journey: Journey) -> None:
    assert expect(journey.answers["wrong password"], 401)["type"] == "/problems/unauthenticated"
    assert expect(journey.answers["unknown login"], 401) == journey.answers["wrong password"].body
    locked = expect(journey.answers["locked"], 429)
    unknown = expect(journey.answers["locked unknown"], 429)
    assert locked["type"] == unknown["type"] == "/problems/too-many-attempts"
    assert set(locked) == set(unknown)


def test_a_device_not_recognised_asks_for_the_pin_and_the_owner_is_told(journey: Journey) -> None:
    expect(journey.answers["phone"], 200)
    assert expect(journey.answers["laptop"], 401)["type"] == "/problems/pin-required"
    expect(journey.answers["laptop with pin"], 200)
    [notice] = journey.answers["unknown device mail"].body
    assert journey.logins["mother"] in notice


def test_a_licence_in_use_refuses_the_next_admin_naming_its_holder(journey: Journey) -> None:
    problem = expect(journey.answers["second head"], 409)
    assert problem["type"] == "/problems/licence-exhausted"
    assert journey.logins["head"] in problem["detail"]


def test_the_public_page_needs_no_login(journey: Journey) -> None:
    page = expect(journey.answers["public page"], 200)
    assert (page["uai"], page["name"]) == (UAI, "Lycée Louis-le-Grand")
    assert "parents" in {espace["espace"] for espace in page["espaces"]}


def test_a_session_survives_a_restart(journey: Journey) -> None:
    assert expect(journey.answers["after restart"], 200)["first_name"] == "Léa"


def test_a_forgotten_password_is_recovered_once_by_e_mail(journey: Journey) -> None:
    assert expect(journey.answers["recovery"], 202) == expect(journey.answers["recovery unknown"], 202)
    expect(journey.answers["confirm"], 204)
    assert expect(journey.answers["confirm again"], 422)["type"] == "/problems/recovery-token-invalid"


def test_the_cli_prints_letters_for_a_class_and_the_server_lets_a_student_in(
    mailing_server: tuple[ServerProcess, dict[str, Any]], journey: Journey, tmp_path: Path
) -> None:
    server, _ = mailing_server
    letters = tmp_path / "lettres-2A.pdf"

    issued = server.deployment.cartable_json(
        "accounts", "create", "--uai", UAI, "--population", "students", "--class", "2A", "--letters", str(letters)
    )

    assert letters.read_bytes().startswith(b"%PDF-")
    assert {item["first_name"]: item["status"] for item in issued["items"]} == {"Léa": "reissued", "Hugo": "reissued"}
    [lea] = [item for item in issued["items"] if item["first_name"] == "Léa"]
    with ApiClient(server.url) as anonymous, anonymous.login(UAI, "SPR", SPR_PASSWORD) as spr:
        done(spr.post(f"/schools/{UAI}/espaces/students/publish", {}))
        answer = anonymous.post("/auth/login", {"uai": UAI, "login": lea["login"], "password": lea["password"]})
    assert expect(answer, 200)["mode"] == "students"
