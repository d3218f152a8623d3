from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.people import parse_civility
from domain.values import (
    UAI_CHECK_LETTERS,
    StaffFunction,
    parse_birth_date,
    parse_choice,
    parse_email,
    parse_ine,
    parse_optional_text,
    parse_phone,
    parse_school_year,
    parse_text,
    parse_uai,
    sort_key,
)


def test_uai_is_stored_upper_case_and_trimmed() -> None:
    assert parse_uai(" 0750655e ") == "0750655E"


def test_uai_with_wrong_check_letter_is_refused() -> None:
    with pytest.raises(InvalidValue, match="expected 0750655E") as raised:
        parse_uai("0750655F")
    assert raised.value.field == "uai"


@pytest.mark.parametrize("value", ["", "075065E", "07506550E", "A750655E", "0750655", "0750 655E"])
def test_uai_that_is_not_seven_digits_and_a_letter_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="is not an UAI"):
        parse_uai(value)


def test_uai_error_names_the_field_given() -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_uai("nope", field="school")
    assert raised.value.field == "school"
    assert "school 'nope'" in raised.value.message


@given(st.integers(0, 9_999_999), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
def test_exactly_one_check_letter_is_accepted_for_each_number(number: int, letter: str) -> None:
    digits = f"{number:07d}"
    expected = UAI_CHECK_LETTERS[number % 23]
    if letter == expected:
        assert parse_uai(digits + letter) == digits + letter
    else:
        with pytest.raises(InvalidValue):
            parse_uai(digits + letter)


@pytest.mark.parametrize("year", [2000, 2026, 2100])
def test_school_years_from_2000_to_2100_are_accepted(year: int) -> None:
    assert parse_school_year(year) == year


@pytest.mark.parametrize("year", [1999, 2101, 26])
def test_school_year_outside_2000_to_2100_is_refused(year: int) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_school_year(year)
    assert raised.value.field == "year"


def test_ine_is_stored_upper_case_without_spaces() -> None:
    assert parse_ine("1234 567 890a") == "1234567890A"


@pytest.mark.parametrize("value", ["", "1234567890", "1234567890AB", "1234567890-", "12345678 9É"])
def test_ine_that_is_not_eleven_letters_or_digits_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_ine(value)
    assert raised.value.field == "ine"


def test_text_is_trimmed_with_inner_spaces_folded() -> None:
    assert parse_text("  Jean   Pierre\t", "first_name") == "Jean Pierre"


def test_text_is_normalised_to_composed_accents() -> None:
    assert parse_text("Zoe\u0301", "first_name") == "Zoé"


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_blank_text_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="must not be empty") as raised:
        parse_text(value, "last_name")
    assert raised.value.field == "last_name"


def test_text_longer_than_its_limit_is_refused() -> None:
    assert parse_text("x" * 10, "code", max_length=10) == "x" * 10
    with pytest.raises(InvalidValue, match="longer than 10"):
        parse_text("x" * 11, "code", max_length=10)


def test_text_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidValue, match="control characters"):
        parse_text("Du\x00pont", "last_name")


def test_blank_optional_text_is_absent() -> None:
    assert parse_optional_text("  ", "address") is None
    assert parse_optional_text(None, "address") is None
    assert parse_optional_text(" 1 rue  de la Paix ", "address") == "1 rue de la Paix"


def test_email_is_trimmed_and_blank_email_is_absent() -> None:
    assert parse_email("  anne@example.fr ") == "anne@example.fr"
    assert parse_email("") is None
    assert parse_email(None) is None


@pytest.mark.parametrize("value", ["anne", "anne@example", "an ne@example.fr", "@example.fr", "a@@b.fr"])
def test_malformed_email_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="not an e-mail address") as raised:
        parse_email(value)
    assert raised.value.field == "email"


def test_email_longer_than_254_characters_is_refused() -> None:
    with pytest.raises(InvalidValue):
        parse_email("a" * 250 + "@x.fr")


@pytest.mark.parametrize("value", ["01 23 45 67 89", "+33 1 23 45 67 89", "01.23.45.67.89", "(01) 23-45-67-89"])
def test_phone_numbers_as_people_write_them_are_accepted(value: str) -> None:
    assert parse_phone(value) == value


def test_phone_inner_spaces_are_folded_and_blank_phone_is_absent() -> None:
    assert parse_phone(" 01  23 45 67 89 ") == "01 23 45 67 89"
    assert parse_phone(" ") is None


@pytest.mark.parametrize("value", ["12345", "01 23 AB 67 89", "------", "+33 1 23 45 67 89 00 00 00 00 00"])
def test_phone_with_letters_or_too_few_or_too_many_characters_is_refused(value: str) -> None:
    with pytest.raises(InvalidValue, match="not a phone number") as raised:
        parse_phone(value)
    assert raised.value.field == "phone"


def test_birth_date_before_1900_is_refused() -> None:
    assert parse_birth_date(date(1900, 1, 1)) == date(1900, 1, 1)
    with pytest.raises(InvalidValue, match="before 1900") as raised:
        parse_birth_date(date(1899, 12, 31))
    assert raised.value.field == "birth_date"


def test_choice_outside_the_list_is_refused_with_the_accepted_values() -> None:
    with pytest.raises(InvalidValue, match="'Direction', 'CPE'") as raised:
        parse_choice(StaffFunction, "Proviseur", "function")
    assert raised.value.field == "function"


def test_choice_is_returned_as_its_member() -> None:
    assert parse_choice(StaffFunction, "CPE", "function") is StaffFunction.CPE


@pytest.mark.parametrize(("value", "expected"), [("M.", "M."), (" Mme ", "Mme"), ("", None), (None, None)])
def test_civility_is_m_or_mme_or_absent(value: str | None, expected: str | None) -> None:
    assert parse_civility(value) == expected


@pytest.mark.parametrize("value", ["Mr", "Mlle", "mme"])
def test_other_civilities_are_refused(value: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        parse_civility(value)
    assert raised.value.field == "civility"


def test_sort_key_ignores_accents_and_case() -> None:
    assert sort_key("Élise", "ÉMILE") == sort_key("elise", "emile")


def test_sort_key_sorts_by_last_name_before_first_name() -> None:
    people = [("Dupontel", "Anne"), ("Dupont", "Zoé"), ("dupont", "Adèle")]
    assert sorted(people, key=lambda p: sort_key(*p)) == [("dupont", "Adèle"), ("Dupont", "Zoé"), ("Dupontel", "Anne")]
