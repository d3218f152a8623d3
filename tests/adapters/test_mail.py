"""The mailers against a real SMTP server (aiosmtpd on a loopback port) and a real pickup folder."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from structlog.testing import capture_logs

from adapters.mail import PickupFolderMailer, SmtpMailer, build_mailer
from adapters.settings import Settings
from application.errors import MailNotSent
from application.ports import Mail
from tests.smtp import SmtpServer, free_port, serve

SENDER = "Cartable <cartable@college.example.fr>"
BODY = "Bonjour Léa,\n\nVotre mot de passe provisoire : Kx7pQm3vRt9a\nÀ changer dès la première connexion.\n"
MAIL = Mail(to="lea.martin@famille.example.fr", subject="Vos identifiants Collège Jean-Jaurès", body=BODY)
USER, PASSWORD = "relay", "relay-secret"

# aiosmtpd warns (UserWarning) whenever a server asks for AUTH without TLS; on the loopback, in a test
# that checks the login itself, that is what we want, and a certificate would prove nothing more.
auth_without_tls = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    accepted = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=accepted, handled=False)  # not handled: aiosmtpd answers 535 itself


@pytest.fixture
def relay() -> Iterator[SmtpServer]:
    """A local SMTP server that asks for a login (over plain text: it is on the loopback)."""
    yield from serve(auth_required=True, auth_require_tls=False, authenticator=authenticate)


def mailer(port: int, **options: Any) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", port, SENDER, timeout=5.0, **options)


def test_a_mail_reaches_the_server_with_its_recipient_subject_and_french_body(smtp_server: SmtpServer) -> None:
    mailer(smtp_server.port).send(MAIL)

    (envelope,) = smtp_server.collector.envelopes
    assert envelope.mail_from == "cartable@college.example.fr"
    assert envelope.rcpt_tos == ["lea.martin@famille.example.fr"]
    message = smtp_server.collector.received()
    assert message["To"] == "lea.martin@famille.example.fr"
    assert message["From"] == SENDER
    assert message["Subject"] == "Vos identifiants Collège Jean-Jaurès"
    assert message["Date"] is not None
    assert message["Message-ID"].endswith("@college.example.fr>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content().replace("\r\n", "\n") == BODY


def test_a_refused_recipient_raises_mail_not_sent_naming_the_server(smtp_server: SmtpServer) -> None:
    refused = Mail(to="personne@refused.example", subject="Vos identifiants", body=BODY)
    with pytest.raises(MailNotSent, match=rf"127\.0\.0\.1:{smtp_server.port}.*550") as failure:
        mailer(smtp_server.port).send(refused)
    assert "Kx7pQm3vRt9a" not in str(failure.value)
    assert smtp_server.collector.envelopes == []


def test_an_unreachable_server_raises_mail_not_sent() -> None:
    port = free_port()
    with pytest.raises(MailNotSent, match=rf"mail server 127\.0\.0\.1:{port} .*ConnectionRefusedError"):
        mailer(port).send(MAIL)


def test_starttls_against_a_server_without_it_raises_mail_not_sent(smtp_server: SmtpServer) -> None:
    with pytest.raises(MailNotSent, match="STARTTLS"):
        mailer(smtp_server.port, starttls=True).send(MAIL)
    assert smtp_server.collector.envelopes == []


@auth_without_tls
def test_the_mailer_logs_in_when_given_a_username(relay: SmtpServer) -> None:
    mailer(relay.port, username=USER, password=PASSWORD).send(MAIL)
    assert relay.collector.received()["Subject"] == MAIL.subject


@auth_without_tls
@pytest.mark.parametrize(
    ("credentials", "code"), [({}, "530"), ({"username": USER, "password": "wrong"}, "535")], ids=["none", "wrong"]
)
def test_a_relay_that_refuses_the_login_raises_mail_not_sent(
    relay: SmtpServer, credentials: dict[str, str], code: str
) -> None:
    with pytest.raises(MailNotSent, match=f": {code} ") as failure:
        mailer(relay.port, **credentials).send(MAIL)
    assert "wrong" not in str(failure.value)
    assert relay.collector.envelopes == []


def test_a_subject_with_a_line_break_is_not_sent(smtp_server: SmtpServer) -> None:
    injected = Mail(to=MAIL.to, subject="Identifiants\nBcc: victim@example.org", body=BODY)
    with pytest.raises(MailNotSent):
        mailer(smtp_server.port).send(injected)
    assert smtp_server.collector.envelopes == []


def test_logs_name_the_recipient_and_subject_but_never_the_body(smtp_server: SmtpServer) -> None:
    with capture_logs() as logs:
        mailer(smtp_server.port).send(MAIL)
        with pytest.raises(MailNotSent):
            mailer(smtp_server.port).send(Mail(to="x@refused.example", subject="S", body=BODY))
    assert [(line["event"], line["to"], line["subject"]) for line in logs] == [
        ("mail_sent", MAIL.to, MAIL.subject),
        ("mail_failed", "x@refused.example", "S"),
    ]
    assert all("Kx7pQm3vRt9a" not in str(value) for line in logs for value in line.values())


def read_eml(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_pickup_folder_gets_one_parseable_eml_file_per_mail(tmp_path: Path) -> None:
    outbox = tmp_path / "var" / "outbox"
    pickup = PickupFolderMailer(outbox)
    pickup.send(MAIL)
    pickup.send(Mail(to="paul.durand@famille.example.fr", subject="Vos identifiants", body="Bonjour Paul,\n"))

    files = sorted(outbox.iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]
    first, second = (read_eml(path) for path in files)
    assert (first["To"], first["Subject"]) == (MAIL.to, MAIL.subject)
    assert first.get_content() == BODY.replace("\n", "\r\n")  # RFC 5322 lines end with CRLF
    assert first["From"] == "cartable@localhost"
    assert first["Date"] is not None and first["Message-ID"] is not None
    assert second["To"] == "paul.durand@famille.example.fr"
    assert first["Message-ID"] != second["Message-ID"]


def test_pickup_files_are_readable_by_the_service_only(tmp_path: Path) -> None:
    PickupFolderMailer(tmp_path / "outbox").send(MAIL)
    (path,) = (tmp_path / "outbox").iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_pickup_folder_that_cannot_be_written_raises_mail_not_sent(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("a file where the folder should be")
    with capture_logs() as logs, pytest.raises(MailNotSent, match="pickup folder"):
        PickupFolderMailer(blocker).send(MAIL)
    assert [line["event"] for line in logs] == ["mail_failed"]
    assert list(tmp_path.iterdir()) == [blocker]


@pytest.mark.parametrize("host", [None, "", "  "])
def test_without_an_smtp_host_mails_go_to_the_outbox_of_the_data_dir(tmp_path: Path, host: str | None) -> None:
    built = build_mailer(Settings(data_dir=tmp_path, smtp_host=host))
    assert isinstance(built, PickupFolderMailer)
    assert built.folder == tmp_path / "outbox"


@auth_without_tls
def test_with_an_smtp_host_mails_go_to_the_server(tmp_path: Path, relay: SmtpServer) -> None:
    settings = Settings(
        data_dir=tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=relay.port,
        smtp_sender="vie-scolaire@college.example.fr",
        smtp_username=USER,
        smtp_password=PASSWORD,
    )
    build_mailer(settings).send(MAIL)
    assert relay.collector.received()["From"] == "vie-scolaire@college.example.fr"
    assert not (tmp_path / "outbox").exists()
