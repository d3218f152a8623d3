"""A guardian (responsable) and the children they are linked to."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.external_ids import ExternallyIdentified
from domain.people import parse_civility, parse_names
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


class Guardian(ExternallyIdentified):
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

    class ExternalIdRecorded(ExternallyIdentified.ExternalIdRecorded):
        pass

    class AccountOpened(ExternallyIdentified.AccountOpened):
        pass

    class DetailsCorrected(Aggregate.Event):
        civility: str | None
        last_name: str
        first_name: str

    class LinkChanged(Aggregate.Event):
        """The relationship or the legal status of a link changed (a national file says otherwise)."""

        student_id: UUID
        relationship: str
        legal: bool

    class ContactPriorityChanged(Aggregate.Event):
        """Whether the school calls this guardian first about this child (SIECLE A_CONTACTER_EN_PRIORITE)."""

        student_id: UUID
        priority: bool

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
        self.children: dict[UUID, tuple[str, bool]] = {}
        self.priority_for: set[UUID] = set()

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
        self.children[student_id] = (relationship, legal)

    def change_link(self, *, student_id: UUID, relationship: str, legal: bool) -> None:
        if student_id not in self.children:
            raise RuleViolated(f"the guardian is not linked to student {student_id}", field="student_id")
        link = (parse_choice(Relationship, relationship, "relationship").value, legal)
        if self.children[student_id] == link:
            raise RuleViolated("the link is unchanged", field="relationship")
        self._link_changed(student_id=student_id, relationship=link[0], legal=link[1])

    @event(LinkChanged)
    def _link_changed(self, *, student_id: UUID, relationship: str, legal: bool) -> None:
        self.children[student_id] = (relationship, legal)

    def set_contact_priority(self, *, student_id: UUID, priority: bool) -> None:
        if student_id not in self.children:
            raise RuleViolated(f"the guardian is not linked to student {student_id}", field="student_id")
        if (student_id in self.priority_for) == priority:
            raise RuleViolated("the contact priority is unchanged", field="priority")
        self._contact_priority_changed(student_id=student_id, priority=priority)

    @event(ContactPriorityChanged)
    def _contact_priority_changed(self, *, student_id: UUID, priority: bool) -> None:
        if priority:
            self.priority_for.add(student_id)
        else:
            self.priority_for.discard(student_id)

    def correct_details(self, *, civility: str | None, last_name: str, first_name: str) -> None:
        details = parse_names(civility, last_name, first_name)
        if details == (self.civility, self.last_name, self.first_name):
            raise RuleViolated("the guardian's details are unchanged")
        self._details_corrected(civility=details[0], last_name=details[1], first_name=details[2])

    @event(DetailsCorrected)
    def _details_corrected(self, *, civility: str | None, last_name: str, first_name: str) -> None:
        self.civility, self.last_name, self.first_name = civility, last_name, first_name

    def change_contact_details(self, contact: ContactDetails) -> None:
        if contact == self.contact:
            raise RuleViolated("the contact details are unchanged", field="contact")
        self._contact_details_changed(email=contact.email, phone=contact.phone, address=contact.address)

    @event(ContactDetailsChanged)
    def _contact_details_changed(self, *, email: str | None, phone: str | None, address: str | None) -> None:
        self.contact = ContactDetails(email=email, phone=phone, address=address)
