"""The password policy of the accounts: what a new password must be before its hash is stored.

At least 8 characters, a digit, a letter, upper and lower case, neither the login nor the person's
names, and not the current password. Every rule that fails is reported at once, so that a user
fixes the password in one go rather than rule after rule. The domain never sees a stored password:
the caller verifies the hash and says whether the new password is the current one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum

from domain.errors import InvalidValue
from domain.logins import fold_accents

MIN_LENGTH = 8
# Shorter fragments (a login "UJ", a name "Li") are not guesses anyone would try, and refusing every
# password that contains them would refuse good ones.
MIN_FRAGMENT_LENGTH = 3

_NAME_SEPARATORS = re.compile(r"[\s\-‐‑'’ʼ]+")


class PasswordRule(StrEnum):
    """One rule of the policy; the value is the stable code a client can translate."""

    LENGTH = "length"
    DIGIT = "digit"
    LETTER = "letter"
    UPPER_CASE = "upper-case"
    LOWER_CASE = "lower-case"
    NOT_LOGIN = "not-login"
    NOT_NAME = "not-name"
    NOT_CURRENT = "not-current"

    @property
    def message(self) -> str:
        """What the password needs to follow this rule, in words a user can act on."""
        return _MESSAGES[self]


_MESSAGES: dict[PasswordRule, str] = {
    PasswordRule.LENGTH: f"at least {MIN_LENGTH} characters",
    PasswordRule.DIGIT: "at least one digit",
    PasswordRule.LETTER: "at least one letter",
    PasswordRule.UPPER_CASE: "at least one upper-case letter",
    PasswordRule.LOWER_CASE: "at least one lower-case letter",
    PasswordRule.NOT_LOGIN: "not the login, nor containing it",
    PasswordRule.NOT_NAME: "not containing the person's first or last name",
    PasswordRule.NOT_CURRENT: "different from the current password",
}


class PasswordRefused(InvalidValue):
    """A new password that breaks the policy; ``rules`` lists every rule it breaks, in policy order.

    The message names the rules, never the password: it may end up in a log or on a screen.
    """

    code = "password-policy"

    def __init__(self, rules: Iterable[PasswordRule], *, field: str = "new_password") -> None:
        broken = set(rules)
        self.rules: list[PasswordRule] = [rule for rule in PasswordRule if rule in broken]
        needs = "; ".join(rule.message for rule in self.rules)
        super().__init__(f"{field} does not follow the password policy, it needs: {needs}", field=field)


def _comparable(text: str) -> str:
    """The text as the look-alike rules compare it: accents folded, case ignored ("Léoti" is "leoti")."""
    return fold_accents(text).casefold()


def _name_parts(names: Sequence[str]) -> set[str]:
    """The words of the names, split where names join words ("Jean-Pierre", "N'Diaye"), 3 letters or more."""
    parts = (_comparable(part) for name in names for part in _NAME_SEPARATORS.split(name))
    return {part for part in parts if sum(c.isalpha() for c in part) >= MIN_FRAGMENT_LENGTH}


def _contains_login(password: str, login: str) -> bool:
    """The password is the login, or holds it (SLEOTI2024); short logins only count when equal."""
    folded_login = _comparable(login)
    if not folded_login:
        return False
    if password == folded_login:
        return True
    return len(folded_login) >= MIN_FRAGMENT_LENGTH and folded_login in password


def broken_rules(password: str, *, login: str, names: Sequence[str], is_current: bool) -> list[PasswordRule]:
    """Every rule of the policy the password breaks, in policy order; empty when it is accepted."""
    comparable = _comparable(password)
    broken = {
        PasswordRule.LENGTH: len(unicodedata.normalize("NFC", password)) < MIN_LENGTH,
        PasswordRule.DIGIT: not any(c.isdecimal() for c in password),
        PasswordRule.LETTER: not any(c.isalpha() for c in password),
        PasswordRule.UPPER_CASE: not any(c.isupper() for c in password),
        PasswordRule.LOWER_CASE: not any(c.islower() for c in password),
        PasswordRule.NOT_LOGIN: _contains_login(comparable, login),
        PasswordRule.NOT_NAME: any(part in comparable for part in _name_parts(names)),
        PasswordRule.NOT_CURRENT: is_current,
    }
    return [rule for rule in PasswordRule if broken[rule]]


def check_password(
    password: str, *, login: str, names: Sequence[str], is_current: bool, field: str = "new_password"
) -> None:
    """Accept a new password or raise :class:`PasswordRefused` listing every rule it breaks.

    ``names`` are the person's first and last names (any number of them); ``is_current`` is whether
    the password is the current one, which only the caller can tell by verifying the stored hash.
    """
    rules = broken_rules(password, login=login, names=names, is_current=is_current)
    if rules:
        raise PasswordRefused(rules, field=field)
