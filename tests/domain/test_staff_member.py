from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.staff_member import StaffMember
from domain.values import StaffFunction


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
