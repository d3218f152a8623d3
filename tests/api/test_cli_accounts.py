"""``cartable accounts create|list``, driven as an operator would, on a demo school.

E-mails go to a real SMTP server (aiosmtpd on a loopback port) named by ``CARTABLE_SMTP_*``.
"""

from __future__ import annotations

import io
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from adapters.passwords import Argon2Hasher
from application.ports import Clock
from domain.account import Account
from tests.api.cli_support import Operator
from tests.smtp import SmtpServer

UAI = "0750655E"
YEAR = 2026


@pytest.fixture
def operator(tmp_path: Path, fast_hasher: Argon2Hasher, clock: Clock, smtp_server: SmtpServer) -> Iterator[Operator]:
    env = {
        "CARTABLE_SMTP_HOST": "127.0.0.1",
        "CARTABLE_SMTP_PORT": str(smtp_server.port),
        "CARTABLE_PUBLIC_URL": "https://cartable.example.fr",
    }
    operator = Operator(tmp_path / "var", fast_hasher, clock, UAI, env)
    operator.json("demo", "--uai", UAI, "--students", "60")
    yield operator
    operator.close()


def password_of(operator: Operator, login: str, password: str) -> bool:
    """Whether ``password`` is the account's password now (checked on its stored hash)."""
    account: Account = operator.base().repository.get(Account.create_id(login))
    return operator.hasher.verify(account.password_hash, password)


def students_of(operator: Operator, class_code: str) -> list[str]:
    with operator.base().reading() as connection:
        return sorted(s.last_name for s in operator.base().directory.list_students(connection, class_code))


# -- accounts create ---------------------------------------------------------------------------------


def test_create_prints_each_students_login_and_provisional_password_as_json(operator: Operator) -> None:
    report = operator.json("accounts", "create", "--uai", UAI, "--population", "students", "--class", "3A")

    assert (report["uai"], report["year"], report["population"], report["class_code"]) == (UAI, YEAR, "students", "3A")
    assert (report["delivery"], report["letters"]) == ("json", None)
    items = report["items"]
    assert sorted(item["last_name"] for item in items) == students_of(operator, "3A")
    assert {item["status"] for item in items} == {"created"}
    assert report["counts"]["created"] == len(items)
    for item in items[:3]:
        assert password_of(operator, item["login"], item["password"])


def test_create_reads_as_a_table_and_a_second_run_reissues_the_unused_passwords(operator: Operator) -> None:
    first = operator.run("accounts", "create", "--uai", UAI, "--population", "teachers")
    second = operator.json("accounts", "create", "--uai", UAI, "--population", "teachers")

    assert first.exit_code == 0, first.output
    assert "created" in first.stdout
    assert "shown once" in first.stdout
    item = second["items"][0]
    assert item["login"] in first.stdout
    assert item["status"] == "reissued"
    assert item["password"] not in first.stdout
    assert password_of(operator, item["login"], item["password"])


def test_create_writes_the_letters_pdf_for_the_owner_only(operator: Operator, tmp_path: Path) -> None:
    letters = tmp_path / "lettres-3A.pdf"

    report = operator.json(
        "accounts", "create", "--uai", UAI, "--population", "guardians", "--class", "3A", "--letters", str(letters)
    )

    assert report["letters"] == str(letters)
    assert stat.S_IMODE(letters.stat().st_mode) == 0o600
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(letters.read_bytes())).pages)
    assert "Lettres de connexion — Responsables (3A)" in text
    assert report["items"]
    for item in report["items"]:
        assert item["login"] in text
        assert item["password"] in text
        assert item["detail"].startswith("Responsable de ")
        assert f"https://cartable.example.fr/?uai={UAI}&login={item['login']}" in text.replace("\n", "")


def test_create_by_email_mails_each_guardian_through_the_smtp_server_and_prints_no_password(
    operator: Operator, smtp_server: SmtpServer
) -> None:
    report = operator.json("accounts", "create", "--uai", UAI, "--population", "guardians", "--class", "3A", "--email")

    items = report["items"]
    assert items and {item["status"] for item in items} == {"mailed"}  # every demo guardian has an address
    assert all(item["password"] is None for item in items)
    messages = {message["To"]: message for message in smtp_server.collector.messages()}
    assert len(messages) == len(items)
    for item in items:
        (body,) = [
            m.get_content()
            for m in messages.values()
            if re.search(rf"Identifiant : {item['login']}\s", m.get_content())
        ]
        password = body.split("Mot de passe provisoire : ")[1].split()[0]
        assert password_of(operator, item["login"], password)


def test_list_shows_the_accounts_of_a_population(operator: Operator) -> None:
    created = operator.json("accounts", "create", "--uai", UAI, "--population", "support-assistants")

    listed = operator.json("accounts", "list", "--uai", UAI, "--population", "support-assistants")
    everyone = operator.json("accounts", "list", "--uai", UAI)
    readable = operator.run("accounts", "list", "--uai", UAI)

    logins = [item["login"] for item in created["items"]]
    assert logins
    assert [item["login"] for item in listed["items"]] == logins
    assert {item["role"] for item in listed["items"]} == {"support-assistant"}
    assert all(item["must_change_password"] for item in listed["items"])
    assert [item["login"] for item in everyone["items"]] == logins
    assert readable.exit_code == 0
    assert "provisional" in readable.stdout
    assert f"{len(logins)} accounts." in readable.stdout


def test_account_reset_password_still_issues_a_persons_one_time_password(operator: Operator) -> None:
    login = operator.json("accounts", "create", "--uai", UAI, "--population", "teachers")["items"][0]["login"]

    reset = operator.json("account", "reset-password", "--uai", UAI, "--login", login.lower())

    assert reset["login"] == login
    assert password_of(operator, login, reset["password"])


# -- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--population", "parents"], "'parents' is not one of"),
        (["--population", "teachers", "--class", "3A"], "--class-code: class_code narrows students and guardians"),
        (["--population", "students", "--class", "6Z"], "--class-code: class_code '6Z' is not a class"),
        (["--population", "students", "--email", "--letters", "x.pdf"], "choose one way"),
        (["--population", "students", "--letters", "/nowhere/x.pdf"], "--letters: folder /nowhere does not exist"),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(operator: Operator, options: list[str], message: str) -> None:
    head = operator.head()

    result = operator.run("accounts", "create", "--uai", UAI, *options)

    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert result.stdout == ""
    assert operator.head() == head


def test_a_failed_mail_is_reported_with_the_command_that_retries_for_that_person_only(
    operator: Operator, smtp_server: SmtpServer
) -> None:
    base = operator.base()
    with base.reading() as connection:
        guardian = next(g for g in base.directory.list_guardians(connection) if g.email)
    base.execute(
        lambda unit: base.change_guardian_contact(
            unit, guardian_id=guardian.id, email="nobody@refused.example", phone=None, address=None
        )
    )

    result = operator.run("accounts", "create", "--uai", UAI, "--population", "guardians", "--email")

    assert result.exit_code == 0, result.output
    assert "1 mail was not sent" in result.stderr
    retry = f"--population guardians --email --person {guardian.id}"
    assert retry in " ".join(result.stderr.split())
    mailed = len(smtp_server.collector.envelopes)
    again = operator.json("accounts", "create", "--uai", UAI, *retry.split())
    assert [(item["person_id"], item["status"]) for item in again["items"]] == [(str(guardian.id), "mail-failed")]
    assert len(smtp_server.collector.envelopes) == mailed  # nobody else was mailed (or given a new password)
