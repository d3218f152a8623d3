"""Use cases of accounts and sessions: the school's first account, login, bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from application.core import BaseCore
from application.errors import Unauthenticated
from application.passwords import generate_password
from application.permissions import Principal
from application.unit_of_work import UnitOfWork
from domain.account import Account, Role, parse_login
from domain.errors import InvalidValue
from domain.school import School
from domain.session import Session

SUPER_ADMIN_LOGIN = "SPR"
BAD_CREDENTIALS = "unknown login or wrong password"


@dataclass(frozen=True)
class Credentials:
    """A login and the one-time password that goes with it; printed once, never stored."""

    login: str
    password: str


@dataclass(frozen=True)
class OpenedSession:
    token: str
    must_change_password: bool


def token_digest(token: str) -> str:
    """What the store keeps of a bearer token: its SHA-256, so a leaked store opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_base(token: str) -> tuple[str, int]:
    """The base a token belongs to, read from its prefix ``<uai>.<year>.``; tokens carry no secret there."""
    parts = token.split(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        raise Unauthenticated("the bearer token is malformed")
    return parts[0], int(parts[1])


class AccountUseCases(BaseCore):
    """Accounts and sessions of one base."""

    _dummy_hash: str | None = None

    def register_school(self, unit: UnitOfWork, *, name: str) -> Credentials:
        """Register the base's school and its super-administrator (SPR) with a one-time password."""
        unit.create(
            School.register(uai=self.uai, name=name, year=self.year), natural_key=f"base {self.uai} {self.year}"
        )
        password = generate_password()
        unit.create(
            Account.open(login=SUPER_ADMIN_LOGIN, password_hash=self.hasher.hash(password), role=Role.SUPER_ADMIN),
            natural_key=f"login {SUPER_ADMIN_LOGIN}",
        )
        return Credentials(login=SUPER_ADMIN_LOGIN, password=password)

    def school(self) -> School | None:
        """The base's school, or None while the base is not registered."""
        unit = UnitOfWork(self)
        return unit.find(School, School.create_id(self.uai))

    def reset_password(self, unit: UnitOfWork, *, login: str) -> Credentials:
        """Issue a new one-time password (the old one stops working); the store keeps only its hash."""
        account = unit.find(Account, Account.create_id(parse_login(login)))
        if account is None:
            raise InvalidValue(f"login {login!r} is not an account of {self.uai} {self.year}", field="login")
        password = generate_password()
        account.reset_password(password_hash=self.hasher.hash(password))
        return Credentials(login=account.login, password=password)

    def open_session(
        self, unit: UnitOfWork, *, login: str, password: str, address: str | None, user_agent: str | None
    ) -> OpenedSession:
        """Check a login and password and open a session; the answer never tells which one was wrong."""
        try:
            account = unit.find(Account, Account.create_id(parse_login(login)))
        except InvalidValue:
            account = None
        if account is None:
            self.hasher.verify(self._decoy_hash(), password)  # same time whether the login exists or not
            raise Unauthenticated(BAD_CREDENTIALS)
        if not self.hasher.verify(account.password_hash, password):
            raise Unauthenticated(BAD_CREDENTIALS)
        token = f"{self.uai}.{self.year}.{secrets.token_urlsafe(32)}"
        digest = token_digest(token)
        unit.create(
            Session(
                account_id=account.id,
                login=account.login,
                role=account.role,
                token_digest=digest,
                address=address,
                user_agent=user_agent,
            )
        )
        return OpenedSession(token=token, must_change_password=account.must_change_password)

    def authenticate(self, token: str) -> Principal:
        """The principal of an open session of this base, from its bearer token."""
        unit = UnitOfWork(self)
        session = unit.find(Session, Session.create_id(token_digest(token)))
        if session is None or not session.is_open:
            raise Unauthenticated("the session is unknown or closed; log in again")
        account = unit.find(Account, session.account_id)
        if account is None:
            raise Unauthenticated("the session's account no longer exists")
        return Principal(
            session_id=session.id,
            account_id=account.id,
            login=account.login,
            role=Role(account.role),
            uai=self.uai,
            year=self.year,
            must_change_password=account.must_change_password,
        )

    def close_session(self, unit: UnitOfWork, principal: Principal) -> None:
        unit.get(Session, principal.session_id, "session").close("logout")

    def _decoy_hash(self) -> str:
        if AccountUseCases._dummy_hash is None:
            AccountUseCases._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        return AccountUseCases._dummy_hash
