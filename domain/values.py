"""Value objects that validate themselves once, at the edge of the domain.

Each ``parse_*`` function takes what a user or a file gave and returns the normalised value, or
raises :class:`InvalidValue` naming the field and the value, so that no rule downstream has to
check the shape of its inputs again.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import NewType, TypeVar

from domain.errors import InvalidValue

Uai = NewType("Uai", str)
Ine = NewType("Ine", str)

UAI_CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
FIRST_SCHOOL_YEAR = 2000
LAST_SCHOOL_YEAR = 2100
MAX_NAME_LENGTH = 100

_UAI = re.compile(r"^[0-9]{7}[A-Z]$")
_INE = re.compile(r"^[0-9A-Z]{11}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .\-()]{6,25}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

E = TypeVar("E", bound=StrEnum)


class Sex(StrEnum):
    """Sex as SIECLE and ONDE record it."""

    FEMALE = "F"
    MALE = "M"


class MealPlan(StrEnum):
    """Régime: whether the student eats at the canteen (SIECLE ``CODE_REGIME``)."""

    EXTERNAL = "external"  # externe
    HALF_BOARD = "half-board"  # demi-pensionnaire
    BOARDER = "boarder"  # interne


class StaffFunction(StrEnum):
    """What a staff member does in the school, with the labels the field uses."""

    DIRECTION = "Direction"
    CPE = "CPE"
    SECRETARY = "Secrétaire"
    AESH = "AESH"
    ATSEM = "ATSEM"
    TOWN_HALL = "Mairie"
    NURSE = "Infirmier"
    SUPERVISOR = "Surveillant"
    LIBRARIAN = "Documentaliste"
    AGENT = "Agent"
    OTHER = "Autre"


class Relationship(StrEnum):
    """A guardian's relationship to a child (SIECLE ``CODE_PARENTE``, by name)."""

    MOTHER = "MERE"
    FATHER = "PERE"
    TUTOR = "TUTEUR"
    FAMILY = "FAMILLE"
    SOCIAL_CARE = "AIDE_SOCIALE"
    SELF = "ELEVE"
    OTHER = "AUTRE"


def parse_choice(kind: type[E], value: str, field: str) -> E:
    """One of a closed list of codes; the message lists the accepted ones."""
    try:
        return kind(value)
    except ValueError:
        accepted = ", ".join(repr(member.value) for member in kind)
        raise InvalidValue(f"{field} {value!r} is not one of {accepted}", field=field) from None


def parse_uai(value: str, field: str = "uai") -> Uai:
    """An UAI: seven digits and the check letter of the number modulo 23."""
    uai = value.strip().upper()
    if not _UAI.match(uai):
        raise InvalidValue(f"{field} {value!r} is not an UAI (7 digits and a letter, e.g. 0750655E)", field=field)
    expected = UAI_CHECK_LETTERS[int(uai[:7]) % 23]
    if uai[7] != expected:
        raise InvalidValue(f"{field} {value!r} has a wrong check letter: expected {uai[:7]}{expected}", field=field)
    return Uai(uai)


def parse_school_year(value: int, field: str = "year") -> int:
    """A school year as its start year (2026 is 2026-2027); the edge narrows it to plausible years."""
    if not FIRST_SCHOOL_YEAR <= value <= LAST_SCHOOL_YEAR:
        raise InvalidValue(
            f"{field} {value!r} is not a school year between {FIRST_SCHOOL_YEAR} and {LAST_SCHOOL_YEAR}", field=field
        )
    return value


def parse_ine(value: str, field: str = "ine") -> Ine:
    """A national student id (INE): eleven letters or digits, stored upper case without spaces."""
    ine = value.replace(" ", "").upper()
    if not _INE.match(ine):
        raise InvalidValue(f"{field} {value!r} is not an INE (11 letters or digits)", field=field)
    return Ine(ine)


def parse_text(value: str, field: str, *, max_length: int = MAX_NAME_LENGTH) -> str:
    """A short single-line text: trimmed, inner spaces folded, never empty, no control characters."""
    text = " ".join(value.split())
    if not text:
        raise InvalidValue(f"{field} must not be empty", field=field)
    if len(text) > max_length:
        raise InvalidValue(f"{field} is longer than {max_length} characters", field=field)
    if _CONTROL.search(text):
        raise InvalidValue(f"{field} {value!r} contains control characters", field=field)
    return unicodedata.normalize("NFC", text)


def parse_optional_text(value: str | None, field: str, *, max_length: int = 200) -> str | None:
    """Like :func:`parse_text`, but blank means absent."""
    if value is None or not value.strip():
        return None
    return parse_text(value, field, max_length=max_length)


def parse_email(value: str | None, field: str = "email") -> str | None:
    """An e-mail address, or None when none is given."""
    if value is None or not value.strip():
        return None
    email = value.strip()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidValue(f"{field} {value!r} is not an e-mail address", field=field)
    return email


def parse_phone(value: str | None, field: str = "phone") -> str | None:
    """A phone number as people write it (digits, spaces, dots, dashes, a leading +), or None."""
    if value is None or not value.strip():
        return None
    phone = " ".join(value.split())
    if not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6:
        raise InvalidValue(f"{field} {value!r} is not a phone number", field=field)
    return phone


def parse_birth_date(value: date, field: str = "birth_date") -> date:
    """A birth date; the edge checks it is not in the future, since the domain has no clock."""
    if value.year < 1900:
        raise InvalidValue(f"{field} {value.isoformat()} is before 1900", field=field)
    return value


# Combining marks left by NFKD (accents, cedillas…): the Unicode blocks of combining diacritics.
_COMBINING_MARKS = dict.fromkeys(
    [
        *range(0x0300, 0x0370),
        *range(0x1AB0, 0x1B00),
        *range(0x1DC0, 0x1E00),
        *range(0x20D0, 0x2100),
        *range(0xFE20, 0xFE30),
    ]
)


@functools.lru_cache(maxsize=8192)
def sort_key(last_name: str, first_name: str) -> str:
    """How the directory sorts people: by last then first name, accents and case ignored, as on paper.

    Cached: a rebuild folds the same names over and over.
    """
    return unicodedata.normalize("NFKD", f"{last_name}\x1f{first_name}").translate(_COMBINING_MARKS).casefold()


def as_utc(instant: datetime) -> datetime:
    """An instant in UTC: stored instants come back without their zone from SQLite (they are UTC)."""
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
