"""What every person record of the directory shares: a civility and a validated name."""

from __future__ import annotations

from domain.errors import InvalidValue
from domain.values import parse_text

CIVILITIES = ("M.", "Mme")


def parse_civility(value: str | None, field: str = "civility") -> str | None:
    """The civility printed on letters: "M.", "Mme" or none."""
    if value is None or not value.strip():
        return None
    civility = value.strip()
    if civility not in CIVILITIES:
        raise InvalidValue(f"{field} {value!r} is not one of 'M.', 'Mme'", field=field)
    return civility


def parse_names(civility: str | None, last_name: str, first_name: str) -> tuple[str | None, str, str]:
    """A person's civility and names, each validated: what corrections and imports compare."""
    return parse_civility(civility), parse_text(last_name, "last_name"), parse_text(first_name, "first_name")
