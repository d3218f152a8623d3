"""Accounts of people: one opened by hand, a population's issued at once (JSON, letters, e-mails),
the list, and one-time passwords."""

from __future__ import annotations

import re

from api.endpoints import Call, Endpoint, FileOut
from api.schemas.accounts import (
    AccountOut,
    AccountPage,
    CredentialsOut,
    IssueAccounts,
    IssuedAccountOut,
    IssueReportOut,
    OpenAccount,
    OpenedAccountOut,
)
from application.account_issuing import Delivery
from domain.permissions import Permission

PDF = "application/pdf"


def open_account(call: Call) -> OpenedAccountOut:
    command = call.command(OpenAccount)
    base = call.school
    opened = base.execute(
        lambda unit: base.open_account(unit, person_kind=command.person_kind, person_id=command.person_id)
    )
    return OpenedAccountOut.model_validate(opened)


def issue_accounts(call: Call) -> IssueReportOut | FileOut:
    command = call.command(IssueAccounts)
    report = call.school.issue_accounts(
        call.caller,
        command.population,
        class_code=command.class_code,
        person_ids=set(command.person_ids) if command.person_ids is not None else None,
        delivery=command.delivery,
    )
    if report.delivery is Delivery.LETTERS and report.letters is not None:
        parts = ["lettres", call.school.uai, report.population.value, report.class_code]
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(p for p in parts if p))
        return FileOut(report.letters, PDF, f"{name}.pdf")
    return IssueReportOut(
        population=report.population,
        class_code=report.class_code,
        delivery=report.delivery,
        counts=report.counts,
        items=[IssuedAccountOut.model_validate(item) for item in report.items],
    )


def list_accounts(call: Call) -> AccountPage:
    items = call.school.list_accounts(call.caller, call.query.get("population"))
    return AccountPage(items=[AccountOut.model_validate(item) for item in items])


def reset_account_password(call: Call) -> CredentialsOut:
    credentials = call.school.reset_account_password(call.caller, call.path["login"])
    return CredentialsOut.model_validate(credentials)


endpoints = [
    Endpoint(
        "POST",
        "/schools/{uai}/accounts",
        open_account,
        "Open the account of a person of the directory (a login and a provisional password)",
        Permission.ACCOUNTS_MANAGE,
        body=OpenAccount,
        response=OpenedAccountOut,
        status=201,
        tag="accounts",
        slow=True,
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/accounts/batch",
        issue_accounts,
        "Issue a population's accounts: open the missing ones, new passwords for the never-used ones",
        Permission.ACCOUNTS_MANAGE,
        body=IssueAccounts,
        response=IssueReportOut,
        tag="accounts",
        file=PDF,
        slow=True,
    ),
    Endpoint(
        "GET",
        "/schools/{uai}/accounts",
        list_accounts,
        "List the accounts of people, by kind then name (journaled)",
        Permission.ACCOUNTS_MANAGE,
        response=AccountPage,
        query={"population": "students, guardians, teachers, staff or support-assistants."},
        tag="accounts",
    ),
    Endpoint(
        "POST",
        "/schools/{uai}/accounts/{login}/reset-password",
        reset_account_password,
        "Issue a one-time password for an account (the old password stops working)",
        Permission.ACCOUNTS_MANAGE,
        response=CredentialsOut,
        tag="accounts",
        slow=True,
    ),
]
