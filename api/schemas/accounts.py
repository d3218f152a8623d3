"""Accounts of people: opening one, issuing a population's, the list, one-time passwords."""

from __future__ import annotations

from uuid import UUID

from pydantic import Field

from api.schemas.base import Command, Out
from application.account_issuing import Delivery, IssueStatus
from application.account_opening import PersonKind
from application.populations import Population
from domain.espaces import Role


class OpenAccount(Command):
    person_kind: PersonKind
    person_id: UUID


class OpenedAccountOut(Out):
    account_id: UUID
    person_id: UUID
    person_kind: PersonKind
    login: str
    password: str = Field(description="The provisional password, shown this once; only its hash is stored.")
    role: Role
    must_change_password: bool = True


class IssueAccounts(Command):
    population: Population
    class_code: str | None = Field(
        default=None, description="Students of this class, or the guardians of its students.", examples=["3A"]
    )
    person_ids: list[UUID] | None = Field(default=None, description="Only these people of the population.")
    delivery: Delivery = Field(
        default=Delivery.JSON,
        description="json: passwords in the answer; letters: a PDF of labels (application/pdf); "
        "email: mailed to each person with an address, no password in the answer.",
    )


class IssuedAccountOut(Out):
    person_id: UUID
    person_kind: PersonKind
    first_name: str
    last_name: str
    detail: str | None
    status: IssueStatus
    login: str | None
    password: str | None = Field(description="Created or reissued, by json delivery only.")


class IssueReportOut(Out):
    population: Population
    class_code: str | None
    delivery: Delivery
    counts: dict[str, int] = Field(description="How many people got each status.")
    items: list[IssuedAccountOut]


class AccountOut(Out):
    account_id: UUID
    login: str
    role: Role
    person_id: UUID
    person_kind: PersonKind
    first_name: str
    last_name: str
    detail: str | None = Field(description="A student's class, a staff member's function.")
    must_change_password: bool = Field(description="Never connected since its provisional password.")


class AccountPage(Out):
    items: list[AccountOut]


class CredentialsOut(Out):
    login: str
    password: str = Field(description="A one-time password, shown this once; the old password stops working.")
