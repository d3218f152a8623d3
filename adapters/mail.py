"""Sending e-mails: through an SMTP server, or into a pickup folder when none is configured.

Mails may hold a provisional password: no log line, no error message ever shows a body, and the
pickup folder's files are readable by the service's user only.
"""

from __future__ import annotations

import contextlib
import email.policy
import os
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import NoReturn

import structlog

from adapters.settings import Settings
from application.errors import MailNotSent
from application.ports import Mail, Mailer

log = structlog.get_logger(__name__)


class SmtpMailer:
    """One SMTP connection per mail: mails are few (letters, alerts), and a stale connection is worse."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    @property
    def server(self) -> str:
        return f"{self._host}:{self._port}"

    def send(self, mail: Mail) -> None:
        try:
            message = build_message(self._sender, mail)
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username is not None:
                    smtp.login(self._username, self._password or "")
                refused = smtp.send_message(message)
        except (smtplib.SMTPException, OSError, ValueError) as error:
            self._fail(mail, _reason(error), error)
        if refused:  # only when some of several recipients were refused; kept for safety
            self._fail(mail, _refusals(refused), None)
        log.info("mail_sent", to=mail.to, subject=mail.subject, server=self.server)

    def _fail(self, mail: Mail, reason: str, error: BaseException | None) -> NoReturn:
        log.warning("mail_failed", to=mail.to, subject=mail.subject, server=self.server, reason=reason)
        raise MailNotSent(f"mail server {self.server} did not take the mail to {mail.to!r}: {reason}") from error


class PickupFolderMailer:
    """Writes each mail as an RFC 5322 ``.eml`` file, for an operator or a relay to pick up.

    The file appears whole or not at all (written under a dot-name, then renamed), so that a
    reader that lists ``*.eml`` never sees half a mail.
    """

    def __init__(self, folder: Path, sender: str = "cartable@localhost") -> None:
        self.folder = folder
        self._sender = sender

    def send(self, mail: Mail) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex}.eml"
        temporary = path.with_name(f".{path.name}.tmp")
        try:
            data = build_message(self._sender, mail).as_bytes(policy=email.policy.SMTP)
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            temporary.replace(path)
        except (OSError, ValueError) as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            reason = _reason(error)
            log.warning("mail_failed", to=mail.to, subject=mail.subject, folder=str(self.folder), reason=reason)
            raise MailNotSent(f"pickup folder {self.folder} did not take the mail to {mail.to!r}: {reason}") from error
        log.info("mail_sent", to=mail.to, subject=mail.subject, file=str(path))


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when ``CARTABLE_SMTP_HOST`` is set, else the pickup folder ``<data_dir>/outbox``."""
    if settings.smtp_host is None:
        return PickupFolderMailer(settings.data_dir / "outbox", sender=settings.smtp_sender)
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_sender,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
    )


def build_message(sender: str, mail: Mail) -> EmailMessage:
    """A plain-text UTF-8 message; ValueError for a header that would hold a line break."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    # The sender's domain, not socket.getfqdn(): that one may wait on a slow DNS for each mail.
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    message.set_content(mail.body, charset="utf-8")
    return message


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _refusals(error.recipients)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{to!r} refused ({code} {_text(answer)})" for to, (code, answer) in refused.items())


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
