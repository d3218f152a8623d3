"""One-time passwords handed to people on paper: easy to type, hard to guess."""

from __future__ import annotations

import secrets

# No 0/O, 1/l/I: these passwords are read off a letter and typed by hand.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnopqrstuvwxyz"
_DIGITS = "23456789"
ONE_TIME_PASSWORD_LENGTH = 12


def generate_password(length: int = ONE_TIME_PASSWORD_LENGTH) -> str:
    """A random password with at least one upper-case letter, one lower-case letter and one digit."""
    alphabet = _UPPER + _LOWER + _DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c in _UPPER for c in password)
            and any(c in _LOWER for c in password)
            and any(c in _DIGITS for c in password)
        ):
            return password
