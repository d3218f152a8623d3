"""An account: a login of the base, its password hash, who it belongs to and how it connects."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.espaces import Role
from domain.ids import natural_id
from domain.profile import Profile, ProfileKind


def parse_login(value: str, field: str = "login") -> str:
    """A login as schools hand them out: letters, digits, dots, dashes, stored upper case."""
    login = value.strip().upper()
    if not login or len(login) > 64 or not all(c.isascii() and (c.isalnum() or c in ".-_") for c in login):
        raise InvalidValue(f"{field} {value!r} is not a login (ASCII letters, digits, '.', '-', '_')", field=field)
    return login


def parse_pin(value: str, field: str = "pin") -> str:
    """A PIN of the second factor: 4 to 8 digits."""
    if not (value.isascii() and value.isdigit() and 4 <= len(value) <= 8):
        raise InvalidValue("a PIN is 4 to 8 digits", field=field)
    return value


class Account(Aggregate):
    """An account, keyed by its login so that a login is never given twice in a base."""

    class Created(Aggregate.Created):
        class_version = 2

        login: str
        password_hash: str
        role: str
        person_id: UUID | None
        first_name: str | None
        last_name: str | None
        email: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(first_name=None, last_name=None, email=None)

    class PasswordReset(Aggregate.Event):
        """An operator issued a new one-time password; it must be changed at the next login."""

        password_hash: str

    class PasswordChanged(Aggregate.Event):
        """The account's owner chose a password (after a one-time one, or by recovery)."""

        password_hash: str

    class ProfileAssigned(Aggregate.Event):
        """The profile of school-life or teacher mode."""

        profile_id: UUID

    class GroupChanged(Aggregate.Event):
        """The group whose rights admin mode gives (None: no admin mode)."""

        group_id: UUID | None

    class PinSet(Aggregate.Event):
        """The owner turned the second factor on: a PIN asked from devices not recognised."""

        pin_hash: str

    class DeviceRecognised(Aggregate.Event):
        device: str  # digest of the device id
        label: str | None

    class RecoveryIssued(Aggregate.Event):
        """A single-use password recovery token was mailed (only its digest is kept)."""

        token_digest: str
        expires_at: datetime

    class EmailChanged(Aggregate.Event):
        email: str | None

    @staticmethod
    def create_id(login: str) -> UUID:
        return natural_id("account", login)

    @classmethod
    def open(
        cls,
        *,
        login: str,
        password_hash: str,
        role: Role,
        person_id: UUID | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
    ) -> Account:
        """Open an account with a one-time password (only its hash reaches the domain)."""
        if (person_id is None) != (role is Role.SUPER_ADMIN):
            raise InvalidValue("every account but the super-administrator's belongs to a person", field="person_id")
        return cls(
            login=parse_login(login),
            password_hash=password_hash,
            role=role.value,
            person_id=person_id,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )

    @event(Created)
    def __init__(
        self,
        *,
        login: str,
        password_hash: str,
        role: str,
        person_id: UUID | None,
        first_name: str | None,
        last_name: str | None,
        email: str | None,
    ) -> None:
        self.login = login
        self.password_hash = password_hash
        self.role = Role(role)
        self.person_id = person_id
        self.first_name = first_name
        self.last_name = last_name
        self.email = email
        self.must_change_password = True
        self.profile_id: UUID | None = None
        self.group_id: UUID | None = None
        self.pin_hash: str | None = None
        self.devices: dict[str, str | None] = {}
        self.recovery: tuple[str, datetime] | None = None

    @property
    def display_name(self) -> str:
        names = " ".join(n for n in (self.first_name, self.last_name) if n)
        return names or self.login

    @property
    def names(self) -> list[str]:
        return [n for n in (self.first_name, self.last_name) if n]

    @event(PasswordReset)
    def reset_password(self, *, password_hash: str) -> None:
        self.password_hash = password_hash
        self.must_change_password = True
        self.recovery = None

    @event(PasswordChanged)
    def change_password(self, *, password_hash: str) -> None:
        """The policy is checked before (it needs the clear password); the hash is all that arrives."""
        self.password_hash = password_hash
        self.must_change_password = False
        self.recovery = None

    def assign_profile(self, profile: Profile) -> None:
        expected = {Role.STAFF: ProfileKind.SCHOOL_LIFE, Role.TEACHER: ProfileKind.TEACHER}.get(self.role)
        if expected is None or profile.kind is not expected:
            raise RuleViolated(
                f"a {profile.kind.value} profile cannot be given to a {self.role.value} account", field="profile_id"
            )
        if profile.id == self.profile_id:
            raise RuleViolated(f"the account already has the profile {profile.name!r}", field="profile_id")
        self._profile_assigned(profile_id=profile.id)

    @event(ProfileAssigned)
    def _profile_assigned(self, *, profile_id: UUID) -> None:
        self.profile_id = profile_id

    def change_group(self, group: Profile | None) -> None:
        if group is not None and (self.role is not Role.STAFF or group.kind is not ProfileKind.GROUP):
            raise RuleViolated(
                f"only staff accounts join a group, and {group.name!r} must be a group", field="group_id"
            )
        group_id = group.id if group is not None else None
        if group_id == self.group_id:
            raise RuleViolated("the account is already in that group", field="group_id")
        self._group_changed(group_id=group_id)

    @event(GroupChanged)
    def _group_changed(self, *, group_id: UUID | None) -> None:
        self.group_id = group_id

    @event(PinSet)
    def set_pin(self, *, pin_hash: str) -> None:
        self.pin_hash = pin_hash

    def recognise_device(self, device: str, label: str | None) -> None:
        if device in self.devices:
            raise RuleViolated("this device is already recognised")
        self._device_recognised(device=device, label=label)

    @event(DeviceRecognised)
    def _device_recognised(self, *, device: str, label: str | None) -> None:
        self.devices[device] = label

    @event(RecoveryIssued)
    def issue_recovery(self, *, token_digest: str, expires_at: datetime) -> None:
        self.recovery = (token_digest, expires_at)

    def recovery_valid(self, token_digest: str, now: datetime) -> bool:
        return self.recovery is not None and self.recovery[0] == token_digest and now < self.recovery[1]

    def change_email(self, email: str | None) -> None:
        if email == self.email:
            raise RuleViolated("the e-mail address is unchanged")
        self._email_changed(email=email)

    @event(EmailChanged)
    def _email_changed(self, *, email: str | None) -> None:
        self.email = email
