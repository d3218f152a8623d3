"""The Espaces of a school, its licences and its public page (page établissement)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.schemas.base import Command, Out
from domain.espaces import Espace, Rubric


class ChooseRubrics(Command):
    rubrics: list[Rubric] = Field(
        description="The sections families see in this Espace; each grants the rights it needs to be read.",
        examples=[["record", "timetable", "absences"]],
    )


class SetEspaceOptions(Command):
    """Every option of the Espace at once (a PUT replaces them all)."""

    password_recovery: bool = Field(description="Users of this Espace may get a new password by e-mail.")
    online_justification: bool = Field(description="Families justify absences online (Parents Espace only).")
    bulletin_publication_date: date | None = Field(description="The day report cards show in this Espace.")
    inactivity_minutes: int = Field(description="Minutes of inactivity before a session closes; 0: never.")


class ChangeLicences(Command):
    admin_seats: int = Field(description="Simultaneous admin-mode sessions, 1 to 100 (4 by default).")
    teacher_seats: int | None = Field(description="The teacher licence: 30, 50, 80, or null for unlimited.")


class ChangePublicPage(Command):
    """The whole page établissement (a field left out or null is cleared)."""

    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    website: str | None = Field(default=None, max_length=300, examples=["https://college.example.fr"])
    information: str | None = Field(default=None, max_length=4000, description="News shown on the public page.")


class EspaceOptionsOut(Out):
    password_recovery: bool
    online_justification: bool
    bulletin_publication_date: date | None
    inactivity_minutes: int


class EspaceOut(Out):
    espace: Espace
    label: str = Field(examples=["Espace Parents"])
    published: bool
    rubrics: list[Rubric] = Field(description="Published rubrics (family Espaces only; staff ones use profiles).")
    options: EspaceOptionsOut


class LicencesOut(Out):
    admin_seats: int
    teacher_seats: int | None = Field(description="null: unlimited.")


class EspacesOut(Out):
    items: list[EspaceOut]
    licences: LicencesOut


class PublicPageOut(Out):
    address: str | None
    phone: str | None
    email: str | None
    website: str | None
    information: str | None


class PublicContactOut(Out):
    phone: str | None
    email: str | None
    website: str | None


class PublicEspaceOut(Out):
    espace: Espace
    label: str


class PublicSchoolOut(Out):
    """What a portal's home page shows about a school, without logging in."""

    uai: str
    name: str
    address: str | None
    contact: PublicContactOut
    information: str | None
    espaces: list[PublicEspaceOut] = Field(description="The Espaces open now, with their labels.")
