"""Use cases of accounts: the school's first account, one-time passwords."""

from __future__ import annotations

from dataclasses import dataclass

from application.core import BaseCore
from application.passwords import generate_password
from application.unit_of_work import UnitOfWork
from domain.absence_reason import DEFAULT_REASONS, AbsenceReason
from domain.account import Account, parse_login
from domain.errors import InvalidValue
from domain.espaces import Role
from domain.profile import default_profiles
from domain.school import School
from domain.session import CloseReason

SUPER_ADMIN_LOGIN = "SPR"


@dataclass(frozen=True)
class Credentials:
    """A login and the one-time password that goes with it; printed once, never stored."""

    login: str
    password: str


def find_account(unit: UnitOfWork, login: str) -> Account | None:
    """The account of what was typed as a login, or None when there is none or it cannot be a login."""
    try:
        return unit.find(Account, Account.create_id(parse_login(login)))
    except InvalidValue:
        return None


class AccountUseCases(BaseCore):
    """Accounts of one base."""

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
        for profile in default_profiles():
            unit.create(profile)
        for code, label, kind, flags in DEFAULT_REASONS:
            unit.create(AbsenceReason.define(code=code, label=label, kind=kind.value, flags=flags))
        return Credentials(login=SUPER_ADMIN_LOGIN, password=password)

    def reset_password(self, unit: UnitOfWork, *, login: str) -> Credentials:
        """Issue a new one-time password (the old one stops working); the store keeps only its hash."""
        account = unit.find(Account, Account.create_id(parse_login(login)))
        if account is None:
            raise InvalidValue(f"login {login!r} is not an account of {self.uai} {self.year}", field="login")
        password = generate_password()
        account.reset_password(password_hash=self.hasher.hash(password))
        self.close_sessions_of(unit, account.id, CloseReason.PASSWORD_REPLACED)
        return Credentials(login=account.login, password=password)
