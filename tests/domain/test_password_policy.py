from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidValue
from domain.logins import fold_accents
from domain.password_policy import PasswordRefused, PasswordRule, broken_rules, check_password

LOGIN = "SLEOTI"
NAMES = ("Sébastien", "Léoti")


def refused_rules(
    password: str, *, login: str = LOGIN, names: tuple[str, ...] = NAMES, is_current: bool = False
) -> list[PasswordRule]:
    with pytest.raises(PasswordRefused) as raised:
        check_password(password, login=login, names=names, is_current=is_current)
    return raised.value.rules


def test_rule_codes_are_stable() -> None:
    assert [rule.value for rule in PasswordRule] == [
        "length",
        "digit",
        "letter",
        "upper-case",
        "lower-case",
        "not-login",
        "not-name",
        "not-current",
    ]


def test_every_rule_says_what_to_do() -> None:
    assert PasswordRule.LENGTH.message == "at least 8 characters"
    assert all(rule.message for rule in PasswordRule)


def test_a_password_following_every_rule_is_accepted() -> None:
    check_password("Cartable2026", login=LOGIN, names=NAMES, is_current=False)
    check_password("Mûre-à-l'été 7", login=LOGIN, names=NAMES, is_current=False)


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Cart2026", None),
        ("Cart202", PasswordRule.LENGTH),
        ("Cartable-deux-mille", PasswordRule.DIGIT),
        ("cartable2026", PasswordRule.UPPER_CASE),
        ("CARTABLE2026", PasswordRule.LOWER_CASE),
        ("Sleoti2026", PasswordRule.NOT_LOGIN),
    ],
)
def test_each_rule_alone(password: str, rule: PasswordRule | None) -> None:
    names = ("Jean", "Dupont")
    if rule is None:
        check_password(password, login=LOGIN, names=names, is_current=False)
    else:
        assert refused_rules(password, names=names) == [rule]


def test_a_password_without_any_letter_breaks_the_three_letter_rules() -> None:
    assert refused_rules("12345678") == [PasswordRule.LETTER, PasswordRule.UPPER_CASE, PasswordRule.LOWER_CASE]


def test_the_current_password_is_refused() -> None:
    assert refused_rules("Cartable2026", is_current=True) == [PasswordRule.NOT_CURRENT]


def test_every_broken_rule_is_listed_in_policy_order() -> None:
    assert refused_rules("", is_current=True) == [
        PasswordRule.LENGTH,
        PasswordRule.DIGIT,
        PasswordRule.LETTER,
        PasswordRule.UPPER_CASE,
        PasswordRule.LOWER_CASE,
        PasswordRule.NOT_CURRENT,
    ]


@pytest.mark.parametrize("password", ["sleoti", "SLEOTI", "sléoti", "Sleoti2026!", "2026SLÉOTIx", "mon-sleoti-9A"])
def test_the_login_is_refused_whatever_its_case_and_accents(password: str) -> None:
    assert PasswordRule.NOT_LOGIN in refused_rules(password, names=("Jean", "Dupont"))


def test_a_short_login_is_only_refused_as_the_whole_password() -> None:
    assert refused_rules("Uj", login="UJ", names=()) == [
        PasswordRule.LENGTH,
        PasswordRule.DIGIT,
        PasswordRule.NOT_LOGIN,
    ]
    check_password("Ujaune2026", login="UJ", names=(), is_current=False)


@pytest.mark.parametrize(
    ("names", "password"),
    [
        (("Sébastien", "Léoti"), "Sebastien1"),
        (("Sébastien", "Léoti"), "x-LEOTI-2026"),
        (("ÉLODIE", "Martin"), "eLoDie1999"),
        (("Élodie", "Martin"), "ELODIE1999a"),
        (("Jean-Pierre", "Dupont"), "Pierre2026x"),
        (("Aïssatou", "N'Diaye"), "Ndiaye2026"),
        (("Aïssatou", "N’Diaye"), "Diaye-2026X"),
        (("Charles", "d'Artagnan"), "Artagnan1!"),
        (("Jean", "de La Fontaine"), "Fontaine2026"),
        (("Œdipe", "Roi"), "Oedipe2026"),
        (("Jacques", "Cœur"), "Mon1Coeur"),
        (("Johann", "Strauß"), "Strauss2026"),
    ],
)
def test_a_name_part_is_refused_whatever_its_case_and_accents(names: tuple[str, ...], password: str) -> None:
    assert refused_rules(password, login="X1", names=names) == [PasswordRule.NOT_NAME]


def test_name_parts_shorter_than_three_letters_are_allowed() -> None:
    check_password("Lala-de-Li2026", login="X1", names=("Li", "de La Fontaine"), is_current=False)
    check_password("Anonyme2026", login="X1", names=("", " ", "Jo", "N'Bo"), is_current=False)


def test_the_refusal_is_an_invalid_value_of_the_new_password_field() -> None:
    with pytest.raises(PasswordRefused) as raised:
        check_password("court", login=LOGIN, names=NAMES, is_current=False)
    error = raised.value
    assert isinstance(error, InvalidValue)
    assert (error.code, error.field) == ("password-policy", "new_password")


def test_the_field_can_be_named() -> None:
    with pytest.raises(PasswordRefused) as raised:
        check_password("court", login=LOGIN, names=NAMES, is_current=False, field="password")
    assert raised.value.field == "password"
    assert raised.value.message.startswith("password ")


def test_the_message_names_every_broken_rule_and_never_the_password() -> None:
    with pytest.raises(PasswordRefused) as raised:
        check_password("sleoti", login=LOGIN, names=NAMES, is_current=True)
    message = raised.value.message
    assert raised.value.rules == [
        PasswordRule.LENGTH,
        PasswordRule.DIGIT,
        PasswordRule.UPPER_CASE,
        PasswordRule.NOT_LOGIN,
        PasswordRule.NOT_NAME,
        PasswordRule.NOT_CURRENT,
    ]
    assert all(rule.message in message for rule in raised.value.rules)
    assert PasswordRule.LETTER.message not in message
    assert "sleoti" not in message.casefold()
    assert str(raised.value) == message


def test_refused_rules_are_kept_in_policy_order_and_once() -> None:
    error = PasswordRefused([PasswordRule.NOT_CURRENT, PasswordRule.LENGTH, PasswordRule.LENGTH])
    assert error.rules == [PasswordRule.LENGTH, PasswordRule.NOT_CURRENT]


# Property tests. The login, the names and the rest of the password are drawn from disjoint letters
# (A–F, N–Z, G–M), so a password built to follow every rule cannot hold the login or a name by
# chance, and breaking one rule cannot break another.

NAME_LETTERS = "nopqrstuvwxyzNOPQRSTUVWXYZñôöùûüÿŕšžÑÔÖÙÛÜŸŔŠŽ"
UPPER = "GHIJKLMÌÎĜĴ"
LOWER = "ghijklmìîĝĵ"
DIGITS = "0123456789"
SYMBOLS = "!?#%&*+-_.,;:@ "
# Cased but not letters (circled letters): the only way to break "letter" and nothing else, since an
# upper-case or lower-case letter is a letter.
CASED_SYMBOLS = "ⒼⒽⒾⓖⓗⓘ"

login_texts = st.from_regex(r"[A-F]{3,10}[0-9]{0,2}", fullmatch=True)


def joined(separator: str, words: list[str]) -> str:
    return separator.join(words)


name_lists = st.lists(
    st.builds(
        joined,
        st.sampled_from([" ", "-", "'", "’"]),
        st.lists(st.text(NAME_LETTERS, min_size=1, max_size=12), min_size=1, max_size=3),
    ),
    max_size=4,
)
case_changes: list[Callable[[str], str]] = [str, str.upper, str.lower, str.swapcase, str.title, fold_accents]


def shuffled(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A password made of the parts' characters in any order."""
    return st.tuples(*parts).flatmap(lambda texts: st.permutations(list("".join(texts)))).map("".join)


def valid_passwords(
    *, upper: str = UPPER, lower: str = LOWER, digits: str = DIGITS, min_size: int = 8, max_size: int = 30
) -> st.SearchStrategy[str]:
    """Passwords that follow every rule, but for those whose alphabet is emptied."""
    required = [st.text(alphabet, min_size=1, max_size=1) for alphabet in (upper, lower, digits) if alphabet]
    filler = st.text(upper + lower + digits + SYMBOLS, min_size=max(0, min_size - len(required)), max_size=max_size)
    return shuffled(*required, filler)


def inserted(password: str, fragment: str, position: int) -> str:
    cut = position % (len(password) + 1)
    return password[:cut] + fragment + password[cut:]


def assert_refused_for_only(
    rule: PasswordRule, password: str, login: str, names: list[str], *, is_current: bool = False
) -> None:
    with pytest.raises(PasswordRefused) as raised:
        check_password(password, login=login, names=names, is_current=is_current)
    assert raised.value.rules == [rule]
    assert rule.message in raised.value.message


@given(valid_passwords(), login_texts, name_lists)
def test_a_password_built_to_follow_every_rule_is_accepted(password: str, login: str, names: list[str]) -> None:
    assert broken_rules(password, login=login, names=names, is_current=False) == []
    check_password(password, login=login, names=names, is_current=False)


@given(valid_passwords(min_size=0, max_size=4), login_texts, name_lists)
def test_a_short_password_breaks_only_length(password: str, login: str, names: list[str]) -> None:
    assert_refused_for_only(PasswordRule.LENGTH, password, login, names)


@given(valid_passwords(digits=""), login_texts, name_lists)
def test_a_password_without_digit_breaks_only_digit(password: str, login: str, names: list[str]) -> None:
    assert_refused_for_only(PasswordRule.DIGIT, password, login, names)


@given(
    shuffled(st.just("Ⓖⓖ"), st.sampled_from(DIGITS), st.text(CASED_SYMBOLS + DIGITS + SYMBOLS, min_size=5)),
    login_texts,
    name_lists,
)
def test_a_password_of_cased_symbols_breaks_only_letter(password: str, login: str, names: list[str]) -> None:
    assert_refused_for_only(PasswordRule.LETTER, password, login, names)


@given(st.text(DIGITS + SYMBOLS, min_size=8).filter(lambda p: any(c.isdecimal() for c in p)), login_texts, name_lists)
def test_a_password_without_any_letter_breaks_letter_and_both_cases(
    password: str, login: str, names: list[str]
) -> None:
    assert broken_rules(password, login=login, names=names, is_current=False) == [
        PasswordRule.LETTER,
        PasswordRule.UPPER_CASE,
        PasswordRule.LOWER_CASE,
    ]


@given(valid_passwords(upper=""), login_texts, name_lists)
def test_a_password_without_upper_case_breaks_only_upper_case(password: str, login: str, names: list[str]) -> None:
    assert_refused_for_only(PasswordRule.UPPER_CASE, password, login, names)


@given(valid_passwords(lower=""), login_texts, name_lists)
def test_a_password_without_lower_case_breaks_only_lower_case(password: str, login: str, names: list[str]) -> None:
    assert_refused_for_only(PasswordRule.LOWER_CASE, password, login, names)


@given(valid_passwords(), login_texts, name_lists, st.sampled_from(case_changes), st.integers(0))
def test_a_password_holding_the_login_breaks_only_not_login(
    password: str, login: str, names: list[str], change: Callable[[str], str], position: int
) -> None:
    assert_refused_for_only(PasswordRule.NOT_LOGIN, inserted(password, change(login), position), login, names)


@given(
    password=valid_passwords(),
    login=login_texts,
    names=name_lists,
    part=st.text(NAME_LETTERS, min_size=3, max_size=12),
    change=st.sampled_from(case_changes),
    position=st.integers(0),
)
def test_a_password_holding_a_name_part_breaks_only_not_name(
    *, password: str, login: str, names: list[str], part: str, change: Callable[[str], str], position: int
) -> None:
    with_part = [*names, f"Jo-{part}"]
    assert_refused_for_only(PasswordRule.NOT_NAME, inserted(password, change(part), position), login, with_part)


@given(valid_passwords(), login_texts, name_lists)
def test_the_current_password_breaks_only_not_current(password: str, login: str, names: list[str]) -> None:
    assert_refused_for_only(PasswordRule.NOT_CURRENT, password, login, names, is_current=True)
