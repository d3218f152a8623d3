"""A teacher (professeur) of the base and the disciplines they teach."""

from __future__ import annotations

from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import RuleViolated
from domain.external_ids import ExternallyIdentified
from domain.people import parse_civility, parse_names
from domain.school_class import parse_class_code
from domain.values import parse_email, parse_text


class Teacher(ExternallyIdentified):
    """A teacher; STS-WEB's ``INDIVIDU@ID`` is an attribute found by lookup, never the id."""

    class Registered(Aggregate.Created):
        civility: str | None
        last_name: str
        first_name: str
        email: str | None
        disciplines: list[str]

    class ExternalIdRecorded(ExternallyIdentified.ExternalIdRecorded):
        pass

    class AccountOpened(ExternallyIdentified.AccountOpened):
        pass

    class DetailsCorrected(Aggregate.Event):
        civility: str | None
        last_name: str
        first_name: str

    class DisciplinesChanged(Aggregate.Event):
        disciplines: list[str]

    class PrincipalClassesChanged(Aggregate.Event):
        """The classes this teacher is professeur principal of (STS ``PROFS_PRINC``)."""

        class_codes: list[str]

    @staticmethod
    def create_id() -> UUID:
        return uuid4()

    @classmethod
    def register(
        cls,
        *,
        last_name: str,
        first_name: str,
        civility: str | None = None,
        email: str | None = None,
        disciplines: list[str] | None = None,
    ) -> Teacher:
        return cls(
            civility=parse_civility(civility),
            last_name=parse_text(last_name, "last_name"),
            first_name=parse_text(first_name, "first_name"),
            email=parse_email(email),
            disciplines=[parse_text(d, f"disciplines[{i}]") for i, d in enumerate(disciplines or [])],
        )

    @event(Registered)
    def __init__(
        self, *, civility: str | None, last_name: str, first_name: str, email: str | None, disciplines: list[str]
    ) -> None:
        self.civility = civility
        self.last_name = last_name
        self.first_name = first_name
        self.email = email
        self.disciplines = list(disciplines)
        self.principal_of: list[str] = []

    def correct_details(self, *, civility: str | None, last_name: str, first_name: str) -> None:
        details = parse_names(civility, last_name, first_name)
        if details == (self.civility, self.last_name, self.first_name):
            raise RuleViolated("the teacher's details are unchanged")
        self._details_corrected(civility=details[0], last_name=details[1], first_name=details[2])

    @event(DetailsCorrected)
    def _details_corrected(self, *, civility: str | None, last_name: str, first_name: str) -> None:
        self.civility, self.last_name, self.first_name = civility, last_name, first_name

    def change_disciplines(self, disciplines: list[str]) -> None:
        values = [parse_text(d, f"disciplines[{i}]") for i, d in enumerate(disciplines)]
        if values == self.disciplines:
            raise RuleViolated("the disciplines are unchanged", field="disciplines")
        self._disciplines_changed(disciplines=values)

    @event(DisciplinesChanged)
    def _disciplines_changed(self, *, disciplines: list[str]) -> None:
        self.disciplines = list(disciplines)

    def change_principal_classes(self, class_codes: list[str]) -> None:
        values = sorted({parse_class_code(code) for code in class_codes})
        if values == self.principal_of:
            raise RuleViolated("the classes are unchanged", field="class_codes")
        self._principal_classes_changed(class_codes=values)

    @event(PrincipalClassesChanged)
    def _principal_classes_changed(self, *, class_codes: list[str]) -> None:
        self.principal_of = list(class_codes)
