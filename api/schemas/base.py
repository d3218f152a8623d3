"""What every body model shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    """A request body: unknown fields are refused, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    """A response body, built from the read models' records."""

    model_config = ConfigDict(from_attributes=True)
