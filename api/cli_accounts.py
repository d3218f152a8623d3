"""``cartable accounts create|list``: a population's accounts in bulk, their letters, the list."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from api.cli_runtime import USAGE_ERROR, AsJson, Runtime, Uai, Year, runtime_of, school_year
from application.account_issuing import AccountItem, Delivery, IssueReport, IssueStatus
from application.populations import Population

PopulationOption = Annotated[
    Population,
    typer.Option(help="students, guardians, teachers, staff or support-assistants (AESH).", case_sensitive=False),
]


def create_accounts(
    ctx: typer.Context,
    *,
    uai: Uai,
    population: PopulationOption,
    class_code: Annotated[
        str | None, typer.Option("--class", "--class-code", help="Only the students of this class, or their guardians.")
    ] = None,
    letters: Annotated[
        Path | None, typer.Option("--letters", help="Write the connection letters (PDF of labels) to this file.")
    ] = None,
    email: Annotated[
        bool, typer.Option("--email", help="Mail each person with an address their login and password.")
    ] = False,
    person: Annotated[
        list[UUID] | None, typer.Option("--person", help="Only this person of the population (repeatable).")
    ] = None,
    year: Year = None,
    as_json: AsJson = False,
) -> None:
    """Open the population's missing accounts and issue new provisional passwords for the never-used ones.

    People who chose their password are listed as active and left alone. The provisional passwords
    are printed once (or mailed with --email, and then never printed); only their hashes are stored.
    """
    runtime = runtime_of(ctx)
    if letters is not None and email:
        runtime.fail("--letters and --email: choose one way to hand out the passwords", USAGE_ERROR)
    if letters is not None and not letters.parent.is_dir():
        runtime.fail(f"--letters: folder {letters.parent} does not exist", USAGE_ERROR)
    delivery = Delivery.EMAIL if email else Delivery.LETTERS if letters is not None else Delivery.JSON
    with runtime.base(uai, year) as base:
        with runtime.err.status("Issuing the accounts…"):
            report = base.issue_accounts(
                None,
                population,
                class_code=class_code,
                person_ids=set(person) if person else None,
                delivery=delivery,
            )
        if letters is not None and report.letters is not None:
            _write_private(letters, report.letters)
        if as_json:
            runtime.emit_json(_report_json(base.uai, base.year, report, letters))
            return
        _show_report(runtime, base.uai, base.year, report, letters)
        _show_failures(runtime, base.uai, base.year, report)


def list_accounts(
    ctx: typer.Context,
    *,
    uai: Uai,
    population: Annotated[
        Population | None,
        typer.Option(help="Only students, guardians, teachers, staff or support-assistants.", case_sensitive=False),
    ] = None,
    year: Year = None,
    as_json: AsJson = False,
) -> None:
    """List the accounts of people: login, role, name, and whether the provisional password is still unused."""
    runtime = runtime_of(ctx)
    with runtime.base(uai, year) as base:
        items = base.list_accounts(None, population)
        if as_json:
            runtime.emit_json({"uai": base.uai, "year": base.year, "items": [_account_json(i) for i in items]})
            return
        table = Table(title=f"Accounts of {base.uai} {school_year(base.year)}")
        for column in ("login", "role", "name", "detail", "password"):
            table.add_column(column, no_wrap=column in {"login", "role", "password"})
        for item in items:
            state = "[yellow]provisional[/yellow]" if item.must_change_password else "chosen"
            name = Text(f"{item.first_name} {item.last_name.upper()}")
            table.add_row(item.login, item.role.value, name, Text(item.detail or ""), state)
        runtime.out.print(table)
        runtime.out.print(f"{len(items):,} accounts.")


def accounts_cli() -> typer.Typer:
    """The ``accounts`` command group."""
    accounts = typer.Typer(help="Accounts of people: issue a population's, list them.", no_args_is_help=True)
    accounts.command("create")(create_accounts)
    accounts.command("list")(list_accounts)
    return accounts


def _write_private(path: Path, content: bytes) -> None:
    """The letters hold passwords: the file is readable by its owner only, even while it is written."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    path.chmod(0o600)  # an existing file keeps its mode through O_TRUNC


def _report_json(uai: str, year: int, report: IssueReport, letters: Path | None) -> dict[str, Any]:
    return {
        "uai": uai,
        "year": year,
        "population": report.population.value,
        "class_code": report.class_code,
        "delivery": report.delivery.value,
        "letters": str(letters) if letters is not None else None,
        "counts": report.counts,
        "items": [
            {
                "person_id": str(item.person_id),
                "person_kind": item.person_kind.value,
                "first_name": item.first_name,
                "last_name": item.last_name,
                "detail": item.detail,
                "status": item.status.value,
                "login": item.login,
                "password": item.password,
            }
            for item in report.items
        ],
    }


def _account_json(item: AccountItem) -> dict[str, Any]:
    return {
        "account_id": str(item.account_id),
        "login": item.login,
        "role": item.role.value,
        "person_id": str(item.person_id),
        "person_kind": item.person_kind.value,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "detail": item.detail,
        "must_change_password": item.must_change_password,
    }


_STATUS_STYLES = {
    IssueStatus.CREATED: "green",
    IssueStatus.REISSUED: "cyan",
    IssueStatus.ACTIVE: "dim",
    IssueStatus.NO_EMAIL: "yellow",
    IssueStatus.MAILED: "green",
    IssueStatus.MAIL_FAILED: "bold red",
}


def _show_report(runtime: Runtime, uai: str, year: int, report: IssueReport, letters: Path | None) -> None:
    scope = f" of {report.class_code}" if report.class_code else ""
    table = Table(title=f"Accounts of the {report.population.value}{scope} — {uai} {school_year(year)}")
    columns = ["name", "detail", "login", "status"]
    if report.delivery is not Delivery.EMAIL:
        columns.insert(3, "password")
    for column in columns:
        table.add_column(column, no_wrap=column in {"login", "password", "status"})
    for item in report.items:
        style = _STATUS_STYLES[item.status]
        cells = [Text(item.full_name), Text(item.detail or ""), Text(item.login or "—")]
        if report.delivery is not Delivery.EMAIL:
            cells.append(Text(item.password or ""))
        table.add_row(*cells, Text(item.status.value, style=style))
    runtime.out.print(table)
    runtime.out.print(", ".join(f"{count:,} {status}" for status, count in report.counts.items() if count) or "Nobody.")
    if letters is not None:
        runtime.out.print(f"Connection letters written to [bold]{escape(str(letters))}[/bold] (readable by you only).")
    if report.delivery is not Delivery.EMAIL and any(item.password for item in report.items):
        runtime.out.print(
            "These provisional passwords are shown once and only their hashes are stored; "
            "they must be changed at the first login. Running this again issues new ones for unused accounts."
        )


def _show_failures(runtime: Runtime, uai: str, year: int, report: IssueReport) -> None:
    """Mails that failed: their accounts stay; how to try again for those people only."""
    failed = [item for item in report.items if item.status is IssueStatus.MAIL_FAILED]
    if not failed:
        return
    people = " ".join(f"--person {item.person_id}" for item in failed)
    runtime.err.print(
        Text(
            f"{len(failed):,} mail{' was' if len(failed) == 1 else 's were'} not sent (the logs say why); "
            "the accounts are kept.",
            style="bold red",
        )
    )
    runtime.err.print(
        Text(
            "To try again for these people only (running it for everyone would replace the passwords just mailed):\n"
            f"  cartable accounts create --uai {uai} --year {year} --population {report.population.value} "
            f"--email {people}"
        )
    )
