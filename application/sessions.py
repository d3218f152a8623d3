"""Logging in and staying logged in: guards, second factor, modes, Espaces, licences, inactivity.

Every check that can refuse a login without looking at the password (a locked login or address)
runs first, so that a brute-force attack costs the service no argon2 time once it is locked. The
refusals never tell whether a login exists: unknown logins are guarded, hashed and locked alike.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import structlog

from application.core import BaseCore
from application.errors import Forbidden, Unauthenticated
from application.mail import send_templated
from application.permissions import Principal, mode_permissions
from application.unit_of_work import UnitOfWork
from domain.account import Account, parse_login, parse_pin
from domain.errors import DomainError, InvalidValue, RuleViolated
from domain.espaces import ESPACE_LABELS, MODE_ESPACE, ROLE_MODES, Mode, Role
from domain.login_guard import GuardKind, LoginGuard
from domain.mail_templates import TemplateKind
from domain.password_policy import check_password
from domain.profile import Profile
from domain.school import School
from domain.session import CloseReason, Session

BAD_CREDENTIALS = "unknown login or wrong password"
LICENSED_MODES = (Mode.ADMIN, Mode.TEACHER)

log = structlog.get_logger(__name__)


class PinRequired(DomainError):
    """The password is right, but this device is not recognised: the account's PIN is needed."""

    code = "pin-required"


class EspaceClosed(Forbidden):
    """The Espace this login comes through is stopped by the school."""

    code = "espace-closed"


class NoMode(Forbidden):
    """The account has no group or profile giving it a mode to connect in."""

    code = "no-mode"


class PasswordChangeRequired(Forbidden):
    code = "password-change-required"


@dataclass(frozen=True)
class OpenSeat:
    """A session holding a licence, as named to whoever is refused the next one."""

    session_id: UUID
    login: str
    display_name: str
    address: str | None
    since: datetime


class LicenceExhausted(DomainError):
    """Every licence of the mode is taken by an open session; the super-admin can close one."""

    code = "licence-exhausted"

    def __init__(self, message: str, seats: list[OpenSeat]) -> None:
        super().__init__(message)
        self.seats = seats


@dataclass(frozen=True)
class LoginAttempt:
    login: str
    password: str
    mode: Mode | None = None
    pin: str | None = None
    device_id: str | None = None
    remember_device: bool = False
    device_label: str | None = None
    address: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class OpenedSession:
    token: str
    must_change_password: bool
    mode: Mode
    permissions: frozenset[str]


def token_digest(token: str) -> str:
    """What the store keeps of a bearer token: its SHA-256, so a leaked store opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def device_digest(device_id: str | None) -> str | None:
    return hashlib.sha256(f"device/{device_id}".encode()).hexdigest() if device_id else None


def token_base(token: str) -> tuple[str, int]:
    """The base a token belongs to, read from its prefix ``<uai>.<year>.``; tokens carry no secret there."""
    parts = token.split(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        raise Unauthenticated("the bearer token is malformed")
    return parts[0], int(parts[1])


class SessionUseCases(BaseCore):
    """Sessions of one base: opening, authenticating each request, closing."""

    _decoy: str | None = None

    # -- login ----------------------------------------------------------------------------------------

    def log_in(self, attempt: LoginAttempt) -> OpenedSession:
        now = self.clock()
        login_key = attempt.login.strip().upper()[:64]
        guards = [(GuardKind.LOGIN, login_key)] + ([(GuardKind.ADDRESS, attempt.address)] if attempt.address else [])
        reader = UnitOfWork(self)
        for kind, key in guards:
            guard = reader.find(LoginGuard, LoginGuard.create_id(kind, key))
            if guard is not None:
                guard.check(now)
        account = self._account(reader, attempt.login)
        password_ok = self.hasher.verify(account.password_hash if account else self._decoy_hash(), attempt.password)
        if account is None or not password_ok:
            self._fail(guards, now)
            raise Unauthenticated(BAD_CREDENTIALS)
        device = device_digest(attempt.device_id)
        second_factor = account.pin_hash is not None and device not in account.devices
        if second_factor:
            if not attempt.pin:
                raise PinRequired("this device is not recognised: send the account's PIN with the login", field="pin")
            if account.pin_hash is None or not self.hasher.verify(account.pin_hash, attempt.pin):
                self._fail(guards, now)
                raise Unauthenticated("wrong PIN")
        mode = self._mode(account, attempt.mode)
        school = self._school(reader)
        espace = MODE_ESPACE[mode]
        if account.role is not Role.SUPER_ADMIN and not school.espaces[espace].published:
            raise EspaceClosed(f"the {ESPACE_LABELS[espace]} is closed by the school; no one connects through it now")
        profile = self._profile_of(reader, account, mode)
        inactivity = profile.inactivity_minutes if profile else school.espaces[espace].inactivity_minutes
        token = f"{self.uai}.{self.year}.{secrets.token_urlsafe(32)}"

        def open_session(unit: UnitOfWork) -> None:
            for kind, key in guards:
                guard = unit.find(LoginGuard, LoginGuard.create_id(kind, key))
                if guard is not None:
                    guard.clear()
            fresh = unit.get(Account, account.id, "account")
            if second_factor and attempt.remember_device and device is not None and device not in fresh.devices:
                fresh.recognise_device(device, attempt.device_label)
            unit.create(
                Session(
                    account_id=account.id,
                    login=account.login,
                    role=account.role.value,
                    token_digest=token_digest(token),
                    address=attempt.address,
                    user_agent=attempt.user_agent,
                    mode=mode.value,
                    person_id=account.person_id,
                    display_name=account.display_name,
                    device=device,
                    inactivity_minutes=inactivity,
                    at=now,
                )
            )

        if mode in LICENSED_MODES and account.role is not Role.SUPER_ADMIN:
            with self._seats():
                self._check_licence(school, mode, now)
                self.execute(open_session)
        else:
            self.execute(open_session)
        log.info("session_opened", uai=self.uai, login=account.login, mode=mode.value, address=attempt.address)
        if second_factor:
            self._notify_unknown_device(account, now, attempt)
        permissions = mode_permissions(school, account, mode, profile)
        return OpenedSession(
            token=token,
            must_change_password=account.must_change_password,
            mode=mode,
            permissions=frozenset(p.value for p in permissions),
        )

    def _account(self, unit: UnitOfWork, login: str) -> Account | None:
        try:
            return unit.find(Account, Account.create_id(parse_login(login)))
        except InvalidValue:
            return None

    def _fail(self, guards: list[tuple[GuardKind, str]], now: datetime) -> None:
        def record(unit: UnitOfWork) -> None:
            for kind, key in guards:
                guard = unit.find(LoginGuard, LoginGuard.create_id(kind, key))
                if guard is None:
                    guard = unit.create(LoginGuard(kind=kind.value, key=key))
                guard.fail(now)

        self.execute(record)
        log.warning(
            "login_failed", uai=self.uai, login=guards[0][1], address=guards[-1][1] if len(guards) > 1 else None
        )

    def _mode(self, account: Account, asked: Mode | None) -> Mode:
        """The mode asked for if the account may use it; else the account's first usable mode."""
        usable = [m for m in ROLE_MODES[account.role] if self._has_rights_in(account, m)]
        if asked is not None:
            if asked not in ROLE_MODES[account.role]:
                raise InvalidValue(f"a {account.role.value} account cannot connect in {asked.value} mode", field="mode")
            if asked not in usable:
                raise NoMode(
                    f"this account has no {'group' if asked is Mode.ADMIN else 'profile'} for {asked.value} mode"
                )
            return asked
        if not usable:
            raise NoMode("this account has no group or profile yet: ask the school's administrator")
        return usable[0]

    @staticmethod
    def _has_rights_in(account: Account, mode: Mode) -> bool:
        if account.role is not Role.STAFF:
            return True
        return account.group_id is not None if mode is Mode.ADMIN else account.profile_id is not None

    def _profile_of(self, unit: UnitOfWork, account: Account, mode: Mode) -> Profile | None:
        if account.role is Role.SUPER_ADMIN:
            return None
        profile_id = account.group_id if mode is Mode.ADMIN else account.profile_id
        return unit.find(Profile, profile_id) if profile_id is not None else None

    def _school(self, unit: UnitOfWork) -> School:
        school = unit.find(School, School.create_id(self.uai))
        if school is None:
            raise Unauthenticated(BAD_CREDENTIALS)
        return school

    def _seats(self) -> threading.Lock:
        """One login at a time per base counts seats: two logins never take the last seat together."""
        return self.seats_lock

    def _check_licence(self, school: School, mode: Mode, now: datetime) -> None:
        seats = school.admin_seats if mode is Mode.ADMIN else school.teacher_seats
        if seats is None:
            return
        holders = self.open_seats(mode, now)
        if len(holders) >= seats:
            names = ", ".join(f"{h.display_name} ({h.login}) since {h.since:%H:%M}" for h in holders)
            raise LicenceExhausted(
                f"the {seats} {mode.value}-mode licence(s) are all in use by: {names}; "
                "the super-administrator can close one of these sessions",
                holders,
            )

    def open_seats(self, mode: Mode, now: datetime) -> list[OpenSeat]:
        """The open, unexpired sessions of a mode (those of the super-admin hold no licence)."""
        with self.reading() as connection:
            items = self.access_history.open_sessions(connection, mode=mode.value)
        unit = UnitOfWork(self)
        seats = []
        for item in items:
            session = unit.find(Session, item.id)
            if session is None or not session.is_open or session.role == Role.SUPER_ADMIN.value:
                continue
            if session.expired(now):
                self._close_expired(session.id)
                continue
            seats.append(OpenSeat(session.id, session.login, session.display_name, item.address, item.opened_at))
        return seats

    def _close_expired(self, session_id: UUID) -> None:
        def close(unit: UnitOfWork) -> None:
            session = unit.get(Session, session_id, "session")
            if session.is_open:
                session.close(CloseReason.INACTIVITY)

        self.execute(close)

    def _notify_unknown_device(self, account: Account, now: datetime, attempt: LoginAttempt) -> None:
        send_templated(
            self,
            TemplateKind.UNKNOWN_DEVICE,
            account,
            {
                "school": self._school(UnitOfWork(self)).name,
                "when": f"{now:%d/%m/%Y %H:%M} UTC",
                "address": attempt.address or "inconnue",
                "device": attempt.device_label or attempt.user_agent or "appareil inconnu",
            },
        )

    def _decoy_hash(self) -> str:
        if SessionUseCases._decoy is None:
            SessionUseCases._decoy = self.hasher.hash(secrets.token_urlsafe(16))
        return SessionUseCases._decoy

    # -- each request ---------------------------------------------------------------------------------

    def authenticate(self, token: str) -> Principal:
        """The principal of an open session of this base, with the rights it has now."""
        now = self.clock()
        unit = UnitOfWork(self)
        session = unit.find(Session, Session.create_id(token_digest(token)))
        if session is None or not session.is_open:
            raise Unauthenticated("the session is unknown or closed; log in again")
        if session.expired(now):
            self._close_expired(session.id)
            raise Unauthenticated(f"the session closed after {session.inactivity_minutes} minutes of inactivity")
        if session.needs_keep_alive(now):
            self.execute(lambda u: u.get(Session, session.id, "session").keep_alive(now))
        account = unit.find(Account, session.account_id)
        if account is None:
            raise Unauthenticated("the session's account no longer exists")
        mode = Mode(session.mode)
        school = self._school(unit)
        profile = self._profile_of(unit, account, mode)
        return Principal(
            session_id=session.id,
            account_id=account.id,
            login=account.login,
            role=account.role,
            mode=mode,
            uai=self.uai,
            year=self.year,
            must_change_password=account.must_change_password,
            permissions=mode_permissions(school, account, mode, profile),
            person_id=account.person_id,
            sees_all_students=account.role in (Role.SUPER_ADMIN, Role.STAFF)
            or (profile is not None and profile.sees_all_students),
        )

    def close_session(self, unit: UnitOfWork, principal: Principal) -> None:
        unit.get(Session, principal.session_id, "session").close(CloseReason.LOGOUT)

    def close_session_of_other(self, unit: UnitOfWork, session_id: UUID) -> None:
        """The super-admin frees a licence (or ends a session they do not trust)."""
        session = unit.get(Session, session_id, "session")
        if not session.is_open:
            raise RuleViolated("the session is closed already")
        session.close(CloseReason.CLOSED_BY_ADMIN)

    # -- the caller's own account ---------------------------------------------------------------------

    def change_password(self, unit: UnitOfWork, principal: Principal, *, current: str, new: str) -> None:
        """Choose a new password (the only thing a one-time password allows); the policy says what fails."""
        account = unit.get(Account, principal.account_id, "account")
        if not self.hasher.verify(account.password_hash, current):
            raise InvalidValue("the current password is wrong", field="current_password")
        check_password(
            new, login=account.login, names=account.names, is_current=self.hasher.verify(account.password_hash, new)
        )
        account.change_password(password_hash=self.hasher.hash(new))

    def set_pin(
        self, unit: UnitOfWork, principal: Principal, *, password: str, pin: str, device_id: str | None
    ) -> None:
        """Turn the second factor on; the device it is set from is recognised at once."""
        account = unit.get(Account, principal.account_id, "account")
        if not self.hasher.verify(account.password_hash, password):
            raise InvalidValue("the password is wrong", field="password")
        account.set_pin(pin_hash=self.hasher.hash(parse_pin(pin)))
        device = device_digest(device_id)
        if device is not None and device not in account.devices:
            account.recognise_device(device, None)

    def require_password_changed(self, principal: Principal) -> None:
        if principal.must_change_password:
            raise PasswordChangeRequired(
                "this account still has its provisional password: choose a new one with POST /auth/password first"
            )
