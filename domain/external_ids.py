"""Identifiers other systems give to our people (SIECLE ``ELEVE_ID``, STS ``INDIVIDU@ID``…).

They are recorded as events and found through the directory, never used to derive an aggregate id,
so that a person created by hand and later imported stays one person.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, InvalidValue, RuleViolated


class ExternalSystem(StrEnum):
    SIECLE = "siecle"  # ELEVE_ID of students
    SIECLE_PERSON = "siecle-personne"  # PERSONNE_ID of guardians: numbered apart from ELEVE_ID, so may equal one
    STS = "sts"  # INDIVIDU@ID of teachers and staff


def parse_external_id(value: str, field: str = "external_id") -> str:
    external_id = value.strip()
    if not external_id or len(external_id) > 64 or not external_id.isprintable():
        raise InvalidValue(f"{field} {value!r} is not an identifier", field=field)
    return external_id


class ExternallyIdentified(Aggregate):
    """An aggregate that other systems know under their own ids (one per system, kept in the events).

    Each aggregate subclasses ``ExternalIdRecorded`` under its own name, so that the event's topic
    says whose id it is (a projection reads the topic, not the aggregate).
    """

    class ExternalIdRecorded(Aggregate.Event):
        system: str
        external_id: str

        def apply(self, aggregate: Aggregate) -> None:
            ids = getattr(aggregate, "external_ids", {})
            aggregate.__dict__["external_ids"] = {**ids, self.system: self.external_id}

    @property
    def external_id_map(self) -> dict[str, str]:
        """The ids recorded so far, by system."""
        return dict(self.__dict__.get("external_ids", {}))

    def record_external_id(self, system: ExternalSystem, external_id: str) -> None:
        """Remember the id another system gives this person; a changed id is a new event, not an edit."""
        value = parse_external_id(external_id)
        if self.external_id_map.get(system.value) == value:
            raise RuleViolated(f"{system.value} id {value!r} is recorded already", field="external_id")
        self.trigger_event(type(self).ExternalIdRecorded, system=system.value, external_id=value)

    # -- the person's account ----------------------------------------------------------------------
    # Recorded on the person too, so that two operators creating the same person's account at once
    # collide on the person's version instead of giving them two accounts.

    class AccountOpened(Aggregate.Event):
        account_id: UUID
        login: str

        def apply(self, aggregate: Aggregate) -> None:
            aggregate.__dict__["account"] = (self.account_id, self.login)

    @property
    def account_login(self) -> str | None:
        account = self.__dict__.get("account")
        return account[1] if account else None

    def open_account(self, account_id: UUID, login: str) -> None:
        if self.account_login is not None:
            raise AlreadyExists(f"this person has an account already ({self.account_login})", field="person_id")
        self.trigger_event(type(self).AccountOpened, account_id=account_id, login=login)
