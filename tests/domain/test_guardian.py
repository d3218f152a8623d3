from __future__ import annotations

import copy
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.errors import DomainError, InvalidValue, RuleViolated
from domain.guardian import ContactDetails, Guardian
from domain.values import Relationship
from tests.domain.support import replay

NO_CONTACT = ContactDetails()


def register(civility: str | None = "Mme", contact: ContactDetails = NO_CONTACT) -> Guardian:
    return Guardian.register(last_name="Dupont", first_name="Claire", civility=civility, contact=contact)


def test_registering_a_guardian_records_their_name_and_contact_details() -> None:
    contact = ContactDetails.parse(email=" claire@example.fr ", phone="06 12 34 56 78", address=" 1 rue  Haute ")
    guardian = register(contact=contact)
    assert (guardian.civility, guardian.last_name, guardian.first_name) == ("Mme", "Dupont", "Claire")
    assert guardian.contact == ContactDetails(email="claire@example.fr", phone="06 12 34 56 78", address="1 rue Haute")
    assert guardian.children == {}
    [registered] = guardian.collect_events()
    assert isinstance(registered, Guardian.Registered)


def test_two_guardians_with_the_same_name_are_two_guardians() -> None:
    assert register().id != register().id


def test_guardian_with_unknown_civility_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        register(civility="Madame")
    assert raised.value.field == "civility"


@pytest.mark.parametrize(
    ("email", "phone", "field"), [("claire", None, "email"), (None, "0612", "phone"), ("a@b.fr", "abcdef", "phone")]
)
def test_malformed_contact_details_are_refused(email: str | None, phone: str | None, field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        ContactDetails.parse(email=email, phone=phone, address=None)
    assert raised.value.field == field


def test_address_longer_than_300_characters_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        ContactDetails.parse(email=None, phone=None, address="x" * 301)
    assert raised.value.field == "address"


def test_linking_a_child_records_the_relationship() -> None:
    guardian = register()
    child = uuid4()
    guardian.link_child(student_id=child, relationship="MERE", legal=True)
    assert guardian.children == {child: ("MERE", True)}
    linked = guardian.collect_events()[-1]
    assert isinstance(linked, Guardian.ChildLinked)
    assert (linked.student_id, linked.relationship, linked.legal) == (child, "MERE", True)


def test_a_guardian_may_have_several_children() -> None:
    guardian = register()
    first, second = uuid4(), uuid4()
    guardian.link_child(student_id=first, relationship="MERE", legal=True)
    guardian.link_child(student_id=second, relationship="TUTEUR", legal=False)
    assert guardian.children == {first: ("MERE", True), second: ("TUTEUR", False)}


def test_cannot_link_the_same_child_twice() -> None:
    guardian = register()
    child = uuid4()
    guardian.link_child(student_id=child, relationship="MERE", legal=True)
    guardian.collect_events()
    with pytest.raises(RuleViolated) as raised:
        guardian.link_child(student_id=child, relationship="PERE", legal=True)
    assert raised.value.field == "student_id"
    assert guardian.children == {child: ("MERE", True)}
    assert guardian.pending_events == []


def test_changing_a_link_records_the_new_relationship_and_status() -> None:
    guardian = register()
    child = uuid4()
    guardian.link_child(student_id=child, relationship="AUTRE", legal=False)
    guardian.collect_events()
    guardian.change_link(student_id=child, relationship="MERE", legal=True)
    [changed] = guardian.collect_events()
    assert isinstance(changed, Guardian.LinkChanged)
    assert guardian.children == {child: ("MERE", True)}


def test_an_unchanged_link_is_refused_and_records_nothing() -> None:
    guardian = register()
    child = uuid4()
    guardian.link_child(student_id=child, relationship="MERE", legal=True)
    guardian.collect_events()
    with pytest.raises(RuleViolated):
        guardian.change_link(student_id=child, relationship="MERE", legal=True)
    with pytest.raises(RuleViolated) as raised:
        guardian.change_link(student_id=uuid4(), relationship="MERE", legal=True)
    assert raised.value.field == "student_id"
    assert guardian.pending_events == []


def test_relationship_outside_the_siecle_codes_is_refused() -> None:
    guardian = register()
    guardian.collect_events()
    with pytest.raises(InvalidValue) as raised:
        guardian.link_child(student_id=uuid4(), relationship="ONCLE", legal=True)
    assert raised.value.field == "relationship"
    assert guardian.children == {}
    assert guardian.pending_events == []


def test_changing_contact_details_records_the_new_ones() -> None:
    guardian = register()
    new = ContactDetails(email="claire@example.fr")
    guardian.change_contact_details(new)
    assert guardian.contact == new
    assert isinstance(guardian.collect_events()[-1], Guardian.ContactDetailsChanged)


def test_unchanged_contact_details_are_refused() -> None:
    guardian = register(contact=ContactDetails(email="claire@example.fr"))
    guardian.collect_events()
    with pytest.raises(RuleViolated) as raised:
        guardian.change_contact_details(ContactDetails(email="claire@example.fr"))
    assert raised.value.field == "contact"
    assert guardian.pending_events == []


CHILDREN = [UUID(int=1), UUID(int=2), UUID(int=3)]
RELATIONSHIPS = [*(r.value for r in Relationship), "ONCLE", "mere"]
CONTACTS = [NO_CONTACT, ContactDetails(email="a@example.fr"), ContactDetails(phone="01 23 45 67 89", address="Ici")]


class GuardianMachine(RuleBasedStateMachine):
    """Any sequence of links and contact changes: state is what the events replay to; refusals change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.guardian = register()
        self.events: list[CanMutateAggregate[UUID]] = list(self.guardian.collect_events())
        self.expected_children: dict[UUID, tuple[str, bool]] = {}
        self.expected_contact = NO_CONTACT

    @rule(child=st.sampled_from(CHILDREN), relationship=st.sampled_from(RELATIONSHIPS), legal=st.booleans())
    def link_child(self, child: UUID, relationship: str, legal: bool) -> None:
        before = copy.deepcopy(vars(self.guardian))
        try:
            self.guardian.link_child(student_id=child, relationship=relationship, legal=legal)
        except DomainError as error:
            if child in self.expected_children:
                assert isinstance(error, RuleViolated)
            else:
                assert isinstance(error, InvalidValue)
                assert relationship not in {r.value for r in Relationship}
            assert not self.guardian.pending_events
            assert vars(self.guardian) == before
            return
        [linked] = self.guardian.collect_events()
        assert isinstance(linked, Guardian.ChildLinked)
        assert child not in self.expected_children
        self.events.append(linked)
        self.expected_children[child] = (relationship, legal)

    @rule(child=st.sampled_from(CHILDREN), relationship=st.sampled_from(RELATIONSHIPS), legal=st.booleans())
    def change_link(self, child: UUID, relationship: str, legal: bool) -> None:
        before = copy.deepcopy(vars(self.guardian))
        try:
            self.guardian.change_link(student_id=child, relationship=relationship, legal=legal)
        except DomainError as error:
            if child not in self.expected_children or self.expected_children[child] == (relationship, legal):
                assert isinstance(error, RuleViolated)
            else:
                assert isinstance(error, InvalidValue)
            assert not self.guardian.pending_events
            assert vars(self.guardian) == before
            return
        [changed] = self.guardian.collect_events()
        assert isinstance(changed, Guardian.LinkChanged)
        self.events.append(changed)
        self.expected_children[child] = (relationship, legal)

    @rule(contact=st.sampled_from(CONTACTS))
    def change_contact(self, contact: ContactDetails) -> None:
        before = copy.deepcopy(vars(self.guardian))
        try:
            self.guardian.change_contact_details(contact)
        except RuleViolated:
            assert contact == self.expected_contact
            assert not self.guardian.pending_events
            assert vars(self.guardian) == before
            return
        [changed] = self.guardian.collect_events()
        assert isinstance(changed, Guardian.ContactDetailsChanged)
        self.events.append(changed)
        self.expected_contact = contact

    @invariant()
    def replaying_the_events_gives_the_same_guardian(self) -> None:
        assert replay(self.events) == self.guardian
        assert self.guardian.children == self.expected_children
        assert self.guardian.contact == self.expected_contact


GuardianMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=15, deadline=None)
TestGuardianMachine = GuardianMachine.TestCase
