"""Logging in and staying logged in: guards, second factor, modes, Espaces, licences, inactivity.

Every check that can refuse a login without looking at the password (a locked login or address)
runs first, so that a brute-force attack costs the service no argon2 time once it is locked. The
refusals never tell whether a login exists: unknown logins are guarded, hashed and locked alike.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import structlog

from application.accounts import find_account
from application.core import JOURNAL_ATTEMPTS, BaseCore
from application.errors import Forbidden, Unauthenticated
from application.mail import send_templated
from application.permissions import Principal, mode_permissions
from application.unit_of_work import UnitOfWork
from domain.account import Account, parse_pin
from domain.errors import DomainError, InvalidValue, RuleViolated
from domain.espaces import ESPACE_LABELS, MODE_ESPACE, ROLE_MODES, Mode, Role
from domain.login_guard import GuardKind, LoginGuard
from domain.mail_templates import TemplateKind
from domain.password_policy import check_password
from domain.profile import Profile
from domain.school import School
from domain.session import CloseReason, Session, idle_past
from projections.access_history_records import SessionItem

BAD_CREDENTIALS = "unknown login or wrong password"

# A login is argon2 (outside the interpreter lock) and some Python (inside it). Queuing whole logins,
# not only their hashing, keeps a burst of them from crowding the lock that every other request
# needs: with 4 clients logging in non-stop on 2 cores, a directory read's p99 went from ×2.2–2.9 its
# idle value to ×1.7–2.1 (BENCHMARKS.md, Login).
LOGIN_SLOTS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) - 1))
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


def login_guard_key(login: str) -> str:
    """What a login guard is keyed by: a digest of what was typed, which may be a mistyped password."""
    return hashlib.sha256(f"login/{login.strip().upper()}".encode()).hexdigest()


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
        """Open a session, one login of the process at a time per spare core (see ``LOGIN_SLOTS``)."""
        with LOGIN_SLOTS:
            return self._log_in(attempt)

    def _log_in(self, attempt: LoginAttempt) -> OpenedSession:
        now = self.clock()
        guards = self._guards(attempt.login, attempt.address)
        # Everything before the write is read as cached, without copies: a login only looks at the
        # guards, the account, the school and the profile (a deep copy of the school alone cost a
        # third of a login's own work, taken from the requests running beside it).
        reader = UnitOfWork(self, read_only=True)
        self._check_guards(reader, guards, now)
        account = find_account(reader, attempt.login)
        password_ok = self.hasher.verify(account.password_hash if account else self._decoy_hash(), attempt.password)
        if account is None or not password_ok:
            self._fail(guards, now, account)
            raise Unauthenticated(BAD_CREDENTIALS)
        device = device_digest(attempt.device_id)
        second_factor = account.pin_hash is not None and device not in account.devices
        if second_factor:
            if not attempt.pin:
                raise PinRequired("this device is not recognised: send the account's PIN with the login", field="pin")
            if account.pin_hash is None or not self.hasher.verify(account.pin_hash, attempt.pin):
                self._fail(guards, now, account)
                raise Unauthenticated("wrong PIN")
        mode = self._mode(account, attempt.mode)
        school = self._school(reader)
        espace = MODE_ESPACE[mode]
        if account.role is not Role.SUPER_ADMIN and not school.espaces[espace].published:
            raise EspaceClosed(f"the {ESPACE_LABELS[espace]} is closed by the school; no one connects through it now")
        profile = self._profile_of(reader, account, mode)
        inactivity = profile.inactivity_minutes if profile else school.espaces[espace].options.inactivity_minutes
        token = f"{self.uai}.{self.year}.{secrets.token_urlsafe(32)}"
        # Only what changes is loaded again in the write: most logins clear no guard, recognise no device.
        to_clear = [
            LoginGuard.create_id(kind, key)
            for kind, key in guards
            if (seen := reader.find(LoginGuard, LoginGuard.create_id(kind, key))) is not None and seen.clearable
        ]
        remember = second_factor and attempt.remember_device and device is not None

        def open_session(unit: UnitOfWork) -> None:
            for guard_id in to_clear:
                guard = unit.find(LoginGuard, guard_id)
                if guard is not None:
                    guard.clear()
            if remember and device is not None:
                fresh = unit.get(Account, account.id, "account")
                if device not in fresh.devices:
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
            with self.exclusive("licences"):  # two logins never take the last seat together, in any process
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

    @staticmethod
    def _guards(login: str, address: str | None) -> list[tuple[GuardKind, str]]:
        """The counters a password attempt goes against: its login (known or not) and its source address."""
        return [(GuardKind.LOGIN, login_guard_key(login))] + ([(GuardKind.ADDRESS, address)] if address else [])

    @staticmethod
    def _check_guards(unit: UnitOfWork, guards: list[tuple[GuardKind, str]], now: datetime) -> None:
        """Refuse a locked login or address before any password is hashed (LoginLocked)."""
        for kind, key in guards:
            guard = unit.find(LoginGuard, LoginGuard.create_id(kind, key))
            if guard is not None:
                guard.check(now)

    def _fail(self, guards: list[tuple[GuardKind, str]], now: datetime, account: Account | None) -> None:
        def record(unit: UnitOfWork) -> None:
            for kind, key in guards:
                guard = unit.find(LoginGuard, LoginGuard.create_id(kind, key))
                if guard is None:
                    guard = unit.create(LoginGuard(kind=kind.value, key=key))
                guard.fail(now)

        self.execute(record)
        # What was typed as a login is logged only when it is one: people type passwords there too.
        login = account.login if account is not None else None
        log.warning("login_failed", uai=self.uai, login=login, address=guards[-1][1] if len(guards) > 1 else None)

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
        school = self.school(unit)
        if school is None:
            raise Unauthenticated(BAD_CREDENTIALS)
        return school

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
        """The open, unexpired sessions of a mode (those of the super-admin hold no licence).

        Sessions idle past their delay are closed for inactivity on the way: their seats are free.
        """
        self.journal_caught_up()  # the sessions' keep-alives, so that none looks idle that is not
        with self.reading() as connection:
            items = self.access_history.open_sessions(connection, mode=mode.value)
        idle = close_idle_sessions(self, now, items)
        return [
            OpenSeat(item.id, item.login, item.display_name, item.address, item.opened_at)
            for item in items
            if item.id not in idle and item.role != Role.SUPER_ADMIN.value
        ]

    def _close_expired(self, session_id: UUID, now: datetime) -> None:
        self.execute(lambda unit: _close_if_idle(unit.get(Session, session_id, "session"), now))

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

    def authenticate(self, token: str, *, defer_keep_alive: bool = False) -> Principal:
        """The principal of an open session of this base, with the rights it has now.

        A session used a minute ago or more is kept alive: at once, or, with ``defer_keep_alive``, by
        the request's own first write to its session (``Principal.keep_alive_due``; the HTTP edge).
        """
        now = self.clock()
        unit = UnitOfWork(self, read_only=True)
        session = unit.find(Session, Session.create_id(token_digest(token)))
        if session is None or not session.is_open:
            raise Unauthenticated("the session is unknown or closed; log in again")
        if session.expired(now):
            self._close_expired(session.id, now)
            raise Unauthenticated(f"the session closed after {session.inactivity_minutes} minutes of inactivity")
        keep_alive_due = now if session.needs_keep_alive(now) else None
        if keep_alive_due is not None and not defer_keep_alive:
            self.keep_alive(session.id, now)
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
            keep_alive_due=keep_alive_due if defer_keep_alive else None,
        )

    def keep_alive(self, session_id: UUID, at: datetime) -> None:
        """Mark the session used at ``at`` (once a minute at most; nothing if it closed meanwhile)."""
        self.execute(lambda u: u.get(Session, session_id, "session").mark_used(at), attempts=JOURNAL_ATTEMPTS)

    def close_session(self, unit: UnitOfWork, principal: Principal) -> None:
        unit.get(Session, principal.session_id, "session").close(CloseReason.LOGOUT)

    def close_session_of_other(self, unit: UnitOfWork, session_id: UUID) -> None:
        """The super-admin frees a licence (or ends a session they do not trust)."""
        session = unit.get(Session, session_id, "session")
        if not session.is_open:
            raise RuleViolated("the session is closed already")
        session.close(CloseReason.CLOSED_BY_ADMIN)

    # -- the caller's own account ---------------------------------------------------------------------

    def change_password(self, principal: Principal, *, current: str, new: str, address: str | None = None) -> None:
        """Choose a new password (the only thing a one-time password allows); the policy says what fails.

        The current password is asked again and guarded like a login: a stolen session cannot try
        passwords here any faster than at the login.
        """
        account = self._verify_again(principal, current, "current_password", address)
        check_password(
            new, login=account.login, names=account.names, is_current=self.hasher.verify(account.password_hash, new)
        )
        password_hash = self.hasher.hash(new)
        self.execute(lambda unit: unit.get(Account, account.id, "account").change_password(password_hash=password_hash))
        log.info("password_changed", uai=self.uai, login=account.login)

    def set_pin(
        self, principal: Principal, *, password: str, pin: str, device_id: str | None, address: str | None = None
    ) -> None:
        """Turn the second factor on; the device it is set from is recognised at once."""
        parse_pin(pin)
        account = self._verify_again(principal, password, "password", address)
        pin_hash = self.hasher.hash(pin)
        device = device_digest(device_id)

        def set_it(unit: UnitOfWork) -> None:
            fresh = unit.get(Account, account.id, "account")
            fresh.set_pin(pin_hash=pin_hash)
            if device is not None and device not in fresh.devices:
                fresh.recognise_device(device, None)

        self.execute(set_it)
        log.info("pin_set", uai=self.uai, login=account.login)

    def _verify_again(self, principal: Principal, password: str, field: str, address: str | None) -> Account:
        """The caller's account once its password is given again, under the same guards as a login."""
        now = self.clock()
        guards = self._guards(principal.login, address)
        reader = UnitOfWork(self)
        self._check_guards(reader, guards, now)
        account = reader.get(Account, principal.account_id, "account")
        if not self.hasher.verify(account.password_hash, password):
            self._fail(guards, now, account)
            raise InvalidValue(f"the {field.replace('_', ' ')} is wrong", field=field)
        return account

    def require_password_changed(self, principal: Principal) -> None:
        if principal.must_change_password:
            raise PasswordChangeRequired(
                "this account still has its provisional password: choose a new one with POST /auth/password first"
            )


def _close_if_idle(session: Session, now: datetime) -> bool:
    """Close a session for inactivity, unless a retried command finds it used or closed meanwhile."""
    if session.is_open and session.expired(now):
        session.close(CloseReason.INACTIVITY)
        return True
    return False


def is_idle(item: SessionItem, now: datetime) -> bool:
    """Whether the read model's session is past its inactivity delay (as :meth:`Session.expired` says)."""
    return idle_past(item.last_activity_at, item.inactivity_minutes, now)


def close_idle_sessions(base: BaseCore, now: datetime, items: list[SessionItem]) -> set[UUID]:
    """Close, in one command, the open sessions among ``items`` idle past their delay; the ids closed.

    A timed-out session is closed when it is next seen (used, counted for a licence, listed), so that
    no list of connections in progress ever shows one. The aggregate has the last word: a session the
    read model shows idle but that was used meanwhile stays open.
    """
    idle = sorted(item.id for item in items if item.closed_at is None and is_idle(item, now))
    if not idle:
        return set()

    def close(unit: UnitOfWork) -> set[UUID]:
        return {session_id for session_id in idle if _close_if_idle(unit.get(Session, session_id, "session"), now)}

    return base.execute(close)
