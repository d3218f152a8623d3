"""The school of one base: who it is, its public page, its Espaces and their rubrics, its licences."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue, RuleViolated
from domain.espaces import FAMILY_ESPACES, RUBRIC_PERMISSIONS, Espace, Rubric
from domain.ids import natural_id
from domain.permissions import Permission
from domain.profile import parse_inactivity
from domain.values import parse_email, parse_phone, parse_school_year, parse_text, parse_uai

DEFAULT_ADMIN_SEATS = 4
TEACHER_LICENCES = (30, 50, 80, None)  # None: unlimited
DEFAULT_FAMILY_RUBRICS = frozenset({Rubric.RECORD, Rubric.ACCESS_HISTORY, Rubric.TIMETABLE, Rubric.ABSENCES})


@dataclass(frozen=True)
class EspaceOptions:
    """What the school sets on one Espace besides publishing it and choosing its rubrics."""

    password_recovery: bool = False
    online_justification: bool = False  # the Parents Espace only
    bulletin_publication_date: date | None = None
    inactivity_minutes: int = 20  # 0: never


@dataclass(frozen=True)
class EspaceSettings:
    """What the school chose for one Espace."""

    published: bool
    rubrics: frozenset[Rubric]
    options: EspaceOptions = EspaceOptions()

    def rubric_permissions(self) -> frozenset[Permission]:
        """The rights of a family Espace's sessions: those of its published rubrics, and the right to
        justify absences online where the school allows it and publishes the absences."""
        granted = {Permission.SESSION}.union(*(RUBRIC_PERMISSIONS[rubric] for rubric in self.rubrics))
        if self.options.online_justification and Rubric.ABSENCES in self.rubrics:
            granted.add(Permission.ABSENCES_JUSTIFY)
        return frozenset(granted)


def initial_espaces() -> dict[Espace, EspaceSettings]:
    """A new base: staff Espaces open, family Espaces stopped until the school publishes them."""
    return {
        espace: EspaceSettings(
            published=espace not in FAMILY_ESPACES,
            rubrics=DEFAULT_FAMILY_RUBRICS if espace in FAMILY_ESPACES else frozenset(),
        )
        for espace in Espace
    }


@dataclass(frozen=True)
class PublicPage:
    """The page établissement: what anyone may read about the school without logging in."""

    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    information: str | None = None


class School(Aggregate):
    """One school in one school year; there is exactly one per base."""

    class Registered(Aggregate.Created):
        uai: str
        name: str
        year: int

    class PublicPageChanged(Aggregate.Event):
        address: str | None
        phone: str | None
        email: str | None
        website: str | None
        information: str | None

    class EspacePublished(Aggregate.Event):
        espace: str

    class EspaceStopped(Aggregate.Event):
        espace: str

    class EspaceRubricsChanged(Aggregate.Event):
        espace: str
        rubrics: list[str]

    class EspaceOptionsChanged(Aggregate.Event):
        espace: str
        password_recovery: bool
        online_justification: bool
        bulletin_publication_date: date | None
        inactivity_minutes: int

    class LicencesChanged(Aggregate.Event):
        admin_seats: int
        teacher_seats: int | None

    @staticmethod
    def create_id(uai: str) -> UUID:
        return natural_id("school", uai)

    @classmethod
    def register(cls, *, uai: str, name: str, year: int) -> School:
        """Register the school of a new base; the values are validated here, once."""
        return cls(uai=parse_uai(uai), name=parse_text(name, "name", max_length=200), year=parse_school_year(year))

    @event(Registered)
    def __init__(self, *, uai: str, name: str, year: int) -> None:
        self.uai = uai
        self.name = name
        self.year = year
        self.public_page = PublicPage()
        self.espaces = initial_espaces()
        self.admin_seats = DEFAULT_ADMIN_SEATS
        self.teacher_seats: int | None = None

    # -- the public page ----------------------------------------------------------------------------

    def change_public_page(self, page: PublicPage) -> None:
        """Replace the page as typed: blank fields are cleared, the others checked and normalised."""
        checked = PublicPage(
            address=parse_text(page.address, "address", max_length=300) if page.address else None,
            phone=parse_phone(page.phone) if page.phone else None,
            email=parse_email(page.email),
            website=_parse_website(page.website),
            information=parse_text(page.information, "information", max_length=4000) if page.information else None,
        )
        if checked == self.public_page:
            raise RuleViolated("the public page is unchanged")
        self._public_page_changed(**asdict(checked))

    @event(PublicPageChanged)
    def _public_page_changed(
        self,
        *,
        address: str | None,
        phone: str | None,
        email: str | None,
        website: str | None,
        information: str | None,
    ) -> None:
        self.public_page = PublicPage(address, phone, email, website, information)

    # -- Espaces ------------------------------------------------------------------------------------

    def publish(self, espace: Espace) -> None:
        if self.espaces[espace].published:
            raise RuleViolated(f"the {espace.value} Espace is already published")
        self._espace_published(espace=espace.value)

    @event(EspacePublished)
    def _espace_published(self, *, espace: str) -> None:
        self.espaces[Espace(espace)] = replace(self.espaces[Espace(espace)], published=True)

    def stop(self, espace: Espace) -> None:
        if not self.espaces[espace].published:
            raise RuleViolated(f"the {espace.value} Espace is already stopped")
        self._espace_stopped(espace=espace.value)

    @event(EspaceStopped)
    def _espace_stopped(self, *, espace: str) -> None:
        self.espaces[Espace(espace)] = replace(self.espaces[Espace(espace)], published=False)

    def choose_rubrics(self, espace: Espace, rubrics: frozenset[Rubric]) -> None:
        if espace not in FAMILY_ESPACES:
            raise InvalidValue(
                f"the {espace.value} Espace shows what profiles allow; it has no rubrics", field="espace"
            )
        if rubrics == self.espaces[espace].rubrics:
            raise RuleViolated(f"the rubrics of the {espace.value} Espace are unchanged")
        self._espace_rubrics_changed(espace=espace.value, rubrics=sorted(rubrics))

    @event(EspaceRubricsChanged)
    def _espace_rubrics_changed(self, *, espace: str, rubrics: list[str]) -> None:
        settings = self.espaces[Espace(espace)]
        self.espaces[Espace(espace)] = replace(settings, rubrics=frozenset(Rubric(r) for r in rubrics))

    def set_options(self, espace: Espace, options: EspaceOptions) -> None:
        if options.online_justification and espace is not Espace.PARENTS:
            raise InvalidValue("only the Parents Espace justifies absences online", field="online_justification")
        if options == self.espaces[espace].options:
            raise RuleViolated(f"the options of the {espace.value} Espace are unchanged")
        parse_inactivity(options.inactivity_minutes)
        self._espace_options_changed(espace=espace.value, **asdict(options))

    @event(EspaceOptionsChanged)
    def _espace_options_changed(
        self,
        *,
        espace: str,
        password_recovery: bool,
        online_justification: bool,
        bulletin_publication_date: date | None,
        inactivity_minutes: int,
    ) -> None:
        options = EspaceOptions(password_recovery, online_justification, bulletin_publication_date, inactivity_minutes)
        self.espaces[Espace(espace)] = replace(self.espaces[Espace(espace)], options=options)

    # -- licences -----------------------------------------------------------------------------------

    def change_licences(self, *, admin_seats: int, teacher_seats: int | None) -> None:
        if not 1 <= admin_seats <= 100:
            raise InvalidValue("admin-mode seats must be 1 to 100", field="admin_seats")
        if teacher_seats not in TEACHER_LICENCES:
            raise InvalidValue("the teacher licence is 30, 50, 80 or unlimited (null)", field="teacher_seats")
        if (admin_seats, teacher_seats) == (self.admin_seats, self.teacher_seats):
            raise RuleViolated("the licences are unchanged")
        self._licences_changed(admin_seats=admin_seats, teacher_seats=teacher_seats)

    @event(LicencesChanged)
    def _licences_changed(self, *, admin_seats: int, teacher_seats: int | None) -> None:
        self.admin_seats = admin_seats
        self.teacher_seats = teacher_seats


def _parse_website(value: str | None) -> str | None:
    if not value:
        return None
    website = value.strip()
    if not website.startswith(("https://", "http://")) or len(website) > 300 or " " in website:
        raise InvalidValue(f"{value!r} is not a web address (http:// or https://)", field="website")
    return website
