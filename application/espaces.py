"""What the school chooses for its Espaces: published or stopped, rubrics, options; licences; its public page.

These are the school's own settings, held by the one ``School`` aggregate of the base: no personal
data, so reading them writes no journal line. The public page is the only read of a base that needs
no session (ARCHITECTURE §8).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.core import BaseCore
from application.unit_of_work import UnitOfWork
from domain.espaces import ESPACE_LABELS, Espace, Rubric
from domain.school import EspaceOptions, EspaceSettings, PublicPage, School


@dataclass(frozen=True)
class EspaceView:
    """One Espace as the school set it up."""

    espace: Espace
    label: str
    settings: EspaceSettings


@dataclass(frozen=True)
class EspacesView:
    """Every Espace of the base, in the catalogue's order, and the licences of the licensed modes."""

    espaces: list[EspaceView]
    admin_seats: int
    teacher_seats: int | None  # None: unlimited


@dataclass(frozen=True)
class PublicPageView:
    """The page établissement, as anyone may read it."""

    uai: str
    name: str
    address: str | None
    phone: str | None
    email: str | None
    website: str | None
    information: str | None
    espaces: list[tuple[Espace, str]]  # the published Espaces and their labels


class EspaceUseCases(BaseCore):
    """The school's choices for its Espaces, its licences and its public page."""

    # -- reads ----------------------------------------------------------------------------------------

    def espaces_settings(self) -> EspacesView:
        school = self.registered_school()
        return EspacesView(
            espaces=[self._view(school, espace) for espace in Espace],
            admin_seats=school.admin_seats,
            teacher_seats=school.teacher_seats,
        )

    def espace_settings(self, espace: Espace) -> EspaceView:
        return self._view(self.registered_school(), espace)

    def public_page(self) -> PublicPageView:
        school = self.registered_school()
        page = school.public_page
        return PublicPageView(
            uai=school.uai,
            name=school.name,
            address=page.address,
            phone=page.phone,
            email=page.email,
            website=page.website,
            information=page.information,
            espaces=[(espace, ESPACE_LABELS[espace]) for espace in Espace if school.espaces[espace].published],
        )

    # -- commands -------------------------------------------------------------------------------------

    def publish_espace(self, unit: UnitOfWork, espace: Espace) -> None:
        """Open the Espace: its users may connect again (a published one is a conflict)."""
        self.registered_school(unit).publish(espace)

    def stop_espace(self, unit: UnitOfWork, espace: Espace) -> None:
        """Close the Espace: new connections through it are refused with ``espace-closed``."""
        self.registered_school(unit).stop(espace)

    def choose_rubrics(self, unit: UnitOfWork, espace: Espace, rubrics: frozenset[Rubric]) -> None:
        """The sections a family Espace shows; they are the only rights its sessions hold."""
        self.registered_school(unit).choose_rubrics(espace, rubrics)

    def set_espace_options(self, unit: UnitOfWork, espace: Espace, options: EspaceOptions) -> None:
        """Every option of the Espace at once; sessions already open keep their inactivity delay."""
        self.registered_school(unit).set_options(espace, options)

    def change_licences(self, unit: UnitOfWork, *, admin_seats: int, teacher_seats: int | None) -> None:
        """Seats of admin mode and teacher mode; sessions already open keep theirs."""
        self.registered_school(unit).change_licences(admin_seats=admin_seats, teacher_seats=teacher_seats)

    def change_public_page(self, unit: UnitOfWork, page: PublicPage) -> None:
        """Replace the page établissement as a whole (a field left out is cleared)."""
        self.registered_school(unit).change_public_page(page)

    # -- helpers --------------------------------------------------------------------------------------

    @staticmethod
    def _view(school: School, espace: Espace) -> EspaceView:
        return EspaceView(espace=espace, label=ESPACE_LABELS[espace], settings=school.espaces[espace])
