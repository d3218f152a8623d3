"""What every ``cartable`` command shares: settings, the registry of bases, messages and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, NoReturn

import typer
from eventsourcing.persistence import OperationalError as StoreUnreachable
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text
from sqlalchemy.exc import OperationalError as DatabaseUnreachable

from adapters.logging import configure_logging
from adapters.settings import Settings
from application.accounts import Credentials
from application.base import SchoolYearBase
from application.imports.records import FileRefused
from application.registry import Bases
from domain.errors import DomainError, InvalidValue

BasesFactory = Callable[[Settings], Bases]

USAGE_ERROR = 2
REFUSED = 1

Uai = Annotated[str, typer.Option(help="The school's UAI (7 digits and a check letter), e.g. 0750655E.")]
Year = Annotated[
    int | None,
    typer.Option(help="The school year's start year (2026 = 2026-2027); default: the school's newest base."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a readable text.")]


@dataclass(frozen=True)
class Services:
    """What one command works with: the settings and the registry of bases built from them."""

    settings: Settings
    bases: Bases


@dataclass
class Runtime:
    """How commands reach the world; one per command line, shared with subcommands through click's ``obj``."""

    build_bases: BasesFactory
    out: Console = field(default_factory=lambda: Console(soft_wrap=True))
    err: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))

    @contextmanager
    def services(self) -> Iterator[Services]:
        """Settings, logs and bases for one command; the user's errors become messages and exit codes."""
        try:
            settings = Settings()
        except ValidationError as error:
            self.fail(f"invalid settings: {first_error(error)}", USAGE_ERROR)
        configure_logging(settings.log_level, json=settings.log_json)
        bases = self.build_bases(settings)
        try:
            yield Services(settings=settings, bases=bases)
        except DomainError as error:
            # A value or a file that can never be right is a usage error; a refusal by the state is not.
            self.fail(describe(error), USAGE_ERROR if isinstance(error, (InvalidValue, FileRefused)) else REFUSED)
        except (DatabaseUnreachable, StoreUnreachable) as error:
            self.fail(f"the database cannot be used: {str(error).splitlines()[0]}", REFUSED)
        finally:
            bases.close()

    @contextmanager
    def base(self, uai: str, year: int | None) -> Iterator[SchoolYearBase]:
        """The base of ``uai`` for ``year`` (default: the school's newest), within :meth:`services`."""
        with self.services() as services:
            yield open_base(services.bases, uai, year)

    def fail(self, message: str, code: int) -> NoReturn:
        self.err.print(Text(f"Error: {message}", style="bold red"))
        raise typer.Exit(code)

    def emit_json(self, payload: dict[str, Any]) -> None:
        typer.echo(json.dumps(payload, ensure_ascii=False))


def describe(error: DomainError) -> str:
    """The domain's message already names the field; the prefix says which option to fix.

    A refused file is named by its message (files are arguments, not options).
    """
    if not error.field or isinstance(error, FileRefused):
        return error.message
    return f"--{error.field.replace('_', '-')}: {error.message}"


def first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"CARTABLE_{where.upper()}: {first['msg']}"


def runtime_of(ctx: typer.Context) -> Runtime:
    runtime = ctx.obj
    if not isinstance(runtime, Runtime):
        raise TypeError("the command line was not built by make_cli")
    return runtime


def school_year(year: int) -> str:
    return f"{year}-{year + 1}"


def show_credentials(runtime: Runtime, uai: str, year: int, credentials: Credentials) -> None:
    runtime.out.print(f"  login     [bold]{credentials.login}[/bold]")
    runtime.out.print(f"  password  [bold]{credentials.password}[/bold]")
    runtime.out.print(
        "This one-time password is shown once and only its hash is stored; it must be changed at the first login.\n"
        f"A new one: {reset_command(uai, year, credentials.login)}"
    )


def credentials_json(uai: str, year: int, credentials: Credentials) -> dict[str, Any]:
    """The one-time credentials as ``--json`` prints them: ``{"uai", "year", "login", "password"}``."""
    return {"uai": uai, "year": year, "login": credentials.login, "password": credentials.password}


def reset_command(uai: str, year: int, login: str) -> str:
    return f"cartable account reset-password --uai {uai} --year {year} --login {login}"


def open_base(bases: Bases, uai: str, year: int | None) -> SchoolYearBase:
    return bases.open(uai, year if year is not None else bases.default_year(uai))


@contextmanager
def progress_bar(runtime: Runtime, description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, fed with the engine's (position, head) reports."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=runtime.err) as bar:
        task = bar.add_task(description, total=None)

        def advance(position: int, head: int) -> None:
            bar.update(task, completed=position, total=head)

        yield advance
