"""Password recovery by e-mail: a single-use link that expires, for the Espaces where the school allows it.

Asking never tells whether a login exists: every request gets the same answer, and the mail, when
there is one, is sent in the background so that the answer's delay does not tell either. The token
names its base and account in clear (``<uai>.<year>.<account id>.<secret>``) so that the link finds
them; only the SHA-256 of the whole token is stored, and choosing a password with it clears it.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta
from uuid import UUID

import structlog

from application.accounts import find_account
from application.calendar import PARIS
from application.core import BaseCore
from application.errors import ConcurrencyConflict
from application.mail import send_templated
from application.sessions import token_digest
from application.unit_of_work import UnitOfWork
from domain.account import Account
from domain.errors import InvalidValue
from domain.espaces import MODE_ESPACE, ROLE_MODES, Role
from domain.mail_templates import TemplateKind
from domain.password_policy import check_password
from domain.session import CloseReason

RECOVERY_VALIDITY = timedelta(minutes=30)
RECOVERY_COOLDOWN = timedelta(minutes=1)
"""A request within this delay of the last token issued is ignored (no mail floods)."""

UNUSABLE_LINK = "this recovery link is unknown, already used or expired: ask for a new one"

log = structlog.get_logger(__name__)


class RecoveryTokenInvalid(InvalidValue):
    """Unknown, used, expired or no longer allowed: the same answer for each, naming no account."""

    code = "recovery-token-invalid"

    def __init__(self) -> None:
        super().__init__(UNUSABLE_LINK, field="token")


def recovery_base(token: str) -> tuple[str, int]:
    """The (UAI, year) a recovery token belongs to; a token of another shape is invalid."""
    return _token_parts(token)[:2]


def _token_parts(token: str) -> tuple[str, int, UUID]:
    parts = token.split(".")
    if len(parts) != 4 or not parts[1].isdigit() or len(parts[2]) != 32 or not parts[3]:
        raise RecoveryTokenInvalid
    try:
        account_id = UUID(hex=parts[2])
    except ValueError:
        raise RecoveryTokenInvalid from None
    return parts[0], int(parts[1]), account_id


def french_time(instant: datetime) -> str:
    """``24/11/2026 à 09h30``: the school's local time, as a French mail writes it."""
    local = instant.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H}h{local:%M}"


class RecoveryUseCases(BaseCore):
    """Asking for a recovery link, and choosing a new password with it."""

    def request_recovery(self, login: str, *, address: str | None = None) -> None:
        """Mail a recovery link if the account may recover its password; never says whether it did."""
        unit = UnitOfWork(self)
        account = find_account(unit, login)
        refusal = "unknown-login" if account is None else self._refusal(unit, account)
        if account is None or refusal is not None:
            log.info("recovery_not_issued", uai=self.uai, login=login[:64], reason=refusal, address=address)
            return
        now = self.clock()
        token = f"{self.uai}.{self.year}.{account.id.hex}.{secrets.token_urlsafe(32)}"
        expires_at = now + RECOVERY_VALIDITY

        def issue(unit: UnitOfWork) -> Account | None:
            fresh = unit.get(Account, account.id, "account")
            if fresh.recovery is not None:
                last_issued_at = fresh.recovery[1] - RECOVERY_VALIDITY
                if now < last_issued_at + RECOVERY_COOLDOWN:
                    return None
            fresh.issue_recovery(token_digest=token_digest(token), expires_at=expires_at)
            return fresh

        try:
            issued = self.execute(issue)
        except ConcurrencyConflict:  # other requests for the same account kept winning: one of them mails
            log.info("recovery_not_issued", uai=self.uai, login=account.login, reason="conflict", address=address)
            return
        if issued is None:
            log.info("recovery_not_issued", uai=self.uai, login=account.login, reason="too-soon", address=address)
            return
        log.info("recovery_issued", uai=self.uai, login=account.login, address=address)
        school = self.school(unit)
        variables = {
            "school": school.name if school is not None else self.uai,
            "url": f"{self.public_url}/recovery?token={token}",
            "expires": french_time(expires_at),
        }
        threading.Thread(
            target=send_templated,
            args=(self, TemplateKind.PASSWORD_RECOVERY, issued, variables),
            name=f"recovery-mail-{self.uai}",
            daemon=True,
        ).start()

    def confirm_recovery(self, token: str, new_password: str) -> None:
        """Choose a new password with a recovery token; the token is spent, the provisional flag cleared."""
        uai, year, account_id = _token_parts(token)
        if (uai, year) != (self.uai, self.year):
            raise RecoveryTokenInvalid
        now = self.clock()
        digest = token_digest(token)

        def confirm(unit: UnitOfWork) -> None:
            account = unit.find(Account, account_id)
            if account is None or not account.recovery_valid(digest, now) or self._refusal(unit, account) is not None:
                raise RecoveryTokenInvalid
            check_password(
                new_password,
                login=account.login,
                names=account.names,
                is_current=self.hasher.verify(account.password_hash, new_password),
            )
            account.change_password(password_hash=self.hasher.hash(new_password))
            self.close_sessions_of(unit, account.id, CloseReason.PASSWORD_REPLACED)

        self.execute(confirm)
        log.info("recovery_confirmed", uai=self.uai, account_id=str(account_id))

    # -- helpers --------------------------------------------------------------------------------------

    def _refusal(self, unit: UnitOfWork, account: Account) -> str | None:
        """Why this account may not recover its password by mail now, or None if it may.

        The Espace is that of the account's first mode; it must allow recovery and be open (a
        stopped Espace lets no one in, so it mails no links), as logging in requires.
        """
        if account.email is None:
            return "no-email"
        school = self.school(unit)
        if school is None:
            return "no-school"
        settings = school.espaces[MODE_ESPACE[ROLE_MODES[account.role][0]]]
        if not settings.options.password_recovery:
            return "espace-without-recovery"
        if not settings.published and account.role is not Role.SUPER_ADMIN:
            return "espace-closed"
        return None
