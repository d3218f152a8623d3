"""Logins as schools hand them out: the first name's initial and the last name, in ASCII capitals.

Sébastien Léoti gets ``SLEOTI``, the second one ``SLEOTI2``. The login is typed on shared
keyboards and read aloud over the phone, so it keeps nothing but the letters A–Z: accents are
folded, hyphens, apostrophes and spaces vanish, and the lower-case particles that people leave out
when they say their name (``de``, ``d'``, ``van``…) are dropped. Pure functions: the caller says
which logins the base already gave out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

MAX_STEM_LENGTH = 20
FALLBACK_PREFIX = "U"
FALLBACK_STEM = "USER"

# Letters that Unicode does not decompose into an ASCII letter and a mark, spelt as the French do.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ẞ": "SS",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
    }
)

# Written lower case before a last name, they are left out of the login ("de La Fontaine" is
# LAFONTAINE). Longest first, so that "de la" wins over "de". Capitalised, they are part of the
# name people use ("Le Goff", "Van Damme") and stay.
_PARTICLES: tuple[tuple[str, ...], ...] = (
    ("de", "la"),
    ("de",),
    ("du",),
    ("des",),
    ("d'",),
    ("d’",),
    ("le",),
    ("la",),
    ("van",),
    ("von",),
    ("di",),
    ("da",),
    ("del",),
    ("della",),
    ("dos",),
    ("das",),
)
_ELIDED_PARTICLES = ("d'", "d’")


def fold_accents(text: str) -> str:
    """The text with its accents and ligatures spelt in plain Latin letters, case kept ("Cœur" is "Coeur").

    NFKD splits "é" into "e" and a combining mark, which is dropped; the few letters it does not
    split (œ, æ, ß, ø, đ, ł) are spelt out. Other scripts go through unchanged, without their marks.
    """
    decomposed = unicodedata.normalize("NFKD", text).translate(_LIGATURES)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters(text: str) -> str:
    """Only the letters A–Z of the folded text, upper case: what a login can be made of."""
    return "".join(c for c in fold_accents(text) if c.isascii() and c.isalpha()).upper()


def _without_particle(last_name: str) -> str:
    """The last name without its leading lower-case particle, unless nothing would be left of it."""
    words = last_name.split()
    for particle in _PARTICLES:
        rest = " ".join(words[len(particle) :])
        if tuple(words[: len(particle)]) == particle and _letters(rest):
            return rest
    if words and words[0].startswith(_ELIDED_PARTICLES):
        rest = " ".join([words[0][2:], *words[1:]])
        if _letters(rest):
            return rest
    return last_name


def login_stem(first_name: str, last_name: str) -> str:
    """The login a person would get if it were free: first name's initial and last name, e.g. SLEOTI.

    Cut to 20 characters so that a suffix still fits and the login stays typeable. A last name with
    no Latin letter (another script) gives "U" and the initial, or "USER": a login must never be
    empty, and must always pass :func:`domain.account.parse_login`.
    """
    initial = _letters(first_name)[:1]
    surname = _letters(_without_particle(last_name))
    if not surname:
        return FALLBACK_PREFIX + initial if initial else FALLBACK_STEM
    return (initial + surname)[:MAX_STEM_LENGTH]


def generate_login(first_name: str, last_name: str, taken: Callable[[str], bool]) -> str:
    """The stem if it is free, else the stem followed by the first free number from 2 (SLEOTI2, SLEOTI3…).

    ``taken`` answers whether a login was ever given in the base, not only whether it is in use: a
    login is never reused, so that old journals and messages never point at the wrong person.
    """
    stem = login_stem(first_name, last_name)
    if not taken(stem):
        return stem
    number = 2
    while taken(f"{stem}{number}"):
        number += 1
    return f"{stem}{number}"
