"""E-mails to account holders, from the school's templates, sent after the command that causes them.

A mail is sent once its command is committed, never from inside it (a retried command would mail
twice). A mail that cannot be sent is logged and reported, never allowed to undo what was saved.
"""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from application.core import BaseCore
from application.errors import MailNotSent
from application.ports import Mail
from domain.account import Account
from domain.mail_templates import DEFAULT_TEMPLATES, TemplateKind, render

log = structlog.get_logger(__name__)


def send_templated(base: BaseCore, kind: TemplateKind, account: Account, variables: Mapping[str, str]) -> bool:
    """Mail ``account`` the ``kind`` template; False (and a log line) when it has no address or it failed."""
    if account.email is None or base.mailer is None:
        log.info("mail_skipped", uai=base.uai, login=account.login, template=kind.value, has_email=bool(account.email))
        return False
    subject, body = render(
        DEFAULT_TEMPLATES[kind],
        {
            "login": account.login,
            "first_name": account.first_name or "",
            "last_name": account.last_name or "",
            "url": base.public_url,
            **variables,
        },
    )
    try:
        base.mailer.send(Mail(to=account.email, subject=subject, body=body))
    except MailNotSent as error:
        log.error("mail_failed", uai=base.uai, login=account.login, template=kind.value, reason=str(error))
        return False
    return True
