"""Classes."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out


class OpenClass(Command):
    code: str = Field(min_length=1, max_length=20, examples=["3A"])
    label: str = Field(min_length=1, max_length=100, examples=["3e A"])
    level: str = Field(min_length=1, max_length=20, examples=["3E"])


class ClassOut(Out):
    id: UUID
    code: str
    label: str
    level: str | None = Field(description="Unknown for a class an import created without its level.")


class ClassPage(Out):
    items: list[ClassOut]
