from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.errors import InvalidValue, RuleViolated
from domain.staff_member import StaffMember
from domain.values import StaffFunction

ZOE, LEO, ANA = (UUID(int=n) for n in (1, 2, 3))


def aesh() -> StaffMember:
    return StaffMember.register(last_name="Petit", first_name="Anne", function="AESH")


def changes(member: StaffMember) -> list[tuple[list[UUID], list[UUID]]]:
    return [(e.added, e.removed) for e in member.collect_events() if isinstance(e, StaffMember.AssignmentChanged)]


def test_registering_a_staff_member_records_their_function() -> None:
    member = StaffMember.register(last_name="Durand", first_name="Léa", function="CPE", civility="Mme", email=None)
    assert (member.last_name, member.first_name, member.function, member.civility) == ("Durand", "Léa", "CPE", "Mme")
    [registered] = member.collect_events()
    assert isinstance(registered, StaffMember.Registered)


@pytest.mark.parametrize("function", list(StaffFunction))
def test_every_function_of_the_field_is_accepted(function: StaffFunction) -> None:
    assert StaffMember.register(last_name="Durand", first_name="Léa", function=function.value).function == function


@pytest.mark.parametrize("function", ["", "cpe", "Principal"])
def test_function_outside_the_list_is_refused(function: str) -> None:
    with pytest.raises(InvalidValue, match="is not one of") as raised:
        StaffMember.register(last_name="Durand", first_name="Léa", function=function)
    assert raised.value.field == "function"


def test_staff_member_with_malformed_email_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        StaffMember.register(last_name="Durand", first_name="Léa", function="CPE", email="lea@")
    assert raised.value.field == "email"


def test_staff_member_without_a_last_name_is_refused() -> None:
    with pytest.raises(InvalidValue) as raised:
        StaffMember.register(last_name=" ", first_name="Léa", function="CPE")
    assert raised.value.field == "last_name"


# -- support assistants (AESH) ----------------------------------------------------------------------


def test_assigning_students_to_an_aesh_records_who_is_added() -> None:
    member = aesh()

    member.assign_students({LEO, ZOE})

    assert member.assigned == {ZOE, LEO}
    assert changes(member) == [([ZOE, LEO], [])]


def test_a_new_list_replaces_the_previous_one_recording_who_comes_and_who_goes() -> None:
    member = aesh()
    member.assign_students({ZOE, LEO})

    member.assign_students({LEO, ANA})

    assert member.assigned == {LEO, ANA}
    assert changes(member)[-1] == ([ANA], [ZOE])


def test_an_empty_list_ends_every_assignment() -> None:
    member = aesh()
    member.assign_students({ZOE, LEO})

    member.assign_students(set())

    assert member.assigned == frozenset()
    assert changes(member)[-1] == ([], [ZOE, LEO])


def test_the_same_list_again_is_refused() -> None:
    member = aesh()
    member.assign_students({ZOE})

    with pytest.raises(RuleViolated, match="unchanged") as raised:
        member.assign_students({ZOE})
    assert raised.value.field == "student_ids"


@pytest.mark.parametrize("function", [f for f in StaffFunction if f is not StaffFunction.AESH])
def test_only_an_aesh_has_students_assigned(function: StaffFunction) -> None:
    member = StaffMember.register(last_name="Durand", first_name="Léa", function=function.value)

    with pytest.raises(RuleViolated, match="only a support assistant") as raised:
        member.assign_students({ZOE})
    assert raised.value.field == "student_ids"
    assert member.assigned == frozenset()


def test_replaying_the_assignments_gives_the_same_students() -> None:
    member = aesh()
    member.assign_students({ZOE, LEO})
    member.assign_students({ANA})
    copy: Any = None

    for domain_event in member.collect_events():
        copy = domain_event.mutate(copy)

    assert copy.assigned == {ANA}
