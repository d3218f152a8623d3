"""A guardian (responsable) and the children they are linked to."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.people import parse_civility
from domain.values import Relationship, parse_choice, parse_email, parse_optional_text, parse_phone, parse_text


@dataclass(frozen=True)
class ContactDetails:
    """How the school reaches a guardian; every part is optional."""

    email: str | None = None
    phone: str | None = None
    address: str | None = None

    @classmethod
    def parse(cls, *, email: str | None, phone: str | None, address: str | None) -> ContactDetails:
        return cls(
            email=parse_email(email),
            phone=parse_phone(phone),
            address=parse_optional_text(address, "address", max_length=300),
        )


class Guardian(Aggregate):
    """A guardian; no natural key, since the same name often belongs to two people."""

    class Registered(Aggregate.Created):
        civility: str | None
        last_name: str
        first_name: str
        email: str | None
        phone: str | None
        address: str | None

    class ChildLinked(Aggregate.Event):
        student_id: UUID
        relationship: str
        legal: bool

    class ContactDetailsChanged(Aggregate.Event):
        email: str | None
        phone: str | None
        address: str | None

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @classmethod
    def register(cls, *, last_name: str, first_name: str, civility: str | None, contact: ContactDetails) -> Guardian:
        return cls(
            civility=parse_civility(civility),
            last_name=parse_text(last_name, "last_name"),
            first_name=parse_text(first_name, "first_name"),
            email=contact.email,
            phone=contact.phone,
            address=contact.address,
        )

    @event(Registered)
    def __init__(
        self,
        *,
        civility: str | None,
        last_name: str,
        first_name: str,
        email: str | None,
        phone: str | None,
        address: str | None,
    ) -> None:
        self.civility = civility
        self.last_name = last_name
        self.first_name = first_name
        self.contact = ContactDetails(email=email, phone=phone, address=address)
        self.children: dict[UUID, str] = {}

    def link_child(self, *, student_id: UUID, relationship: str, legal: bool) -> None:
        """Link a child; the caller has checked that the student exists in the base."""
        if student_id in self.children:
            raise RuleViolated(f"the guardian is already linked to student {student_id}", field="student_id")
        self._child_linked(
            student_id=student_id,
            relationship=parse_choice(Relationship, relationship, "relationship").value,
            legal=legal,
        )

    @event(ChildLinked)
    def _child_linked(self, *, student_id: UUID, relationship: str, legal: bool) -> None:
        self.children[student_id] = relationship

    def change_contact_details(self, contact: ContactDetails) -> None:
        if contact == self.contact:
            raise RuleViolated("the contact details are unchanged", field="contact")
        self._contact_details_changed(email=contact.email, phone=contact.phone, address=contact.address)

    @event(ContactDetailsChanged)
    def _contact_details_changed(self, *, email: str | None, phone: str | None, address: str | None) -> None:
        self.contact = ContactDetails(email=email, phone=phone, address=address)
