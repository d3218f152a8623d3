"""The operators' command line: create a base, load a demo, serve the API, rebuild read models.

A composition root like ``api/app.py``: it reads ``Settings`` (``CARTABLE_*``), builds the registry
of bases through an injected factory (tests pass one with a fast password hasher), and closes it
when the command ends. Bad input is a red message naming the field and a non-zero exit, never a
traceback: exit 2 for input that can never be right, 1 for a refusal by the current state.
Logs go to stderr, so that ``--json`` leaves one clean JSON object on stdout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, NoReturn

import structlog
import typer
from eventsourcing.persistence import OperationalError as StoreUnreachable
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import OperationalError as DatabaseUnreachable

from adapters.logging import configure_logging
from adapters.settings import Settings
from api.bootstrap import build_bases
from application.accounts import SUPER_ADMIN_LOGIN, Credentials
from application.base import SchoolYearBase
from application.demo import InstalledDemo, already_loaded, install_demo
from application.registry import Bases
from domain.errors import DomainError, InvalidValue

BasesFactory = Callable[[Settings], Bases]

USAGE_ERROR = 2
REFUSED = 1
MAX_DEMO_STUDENTS = 50_000

log = structlog.get_logger(__name__)

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
            self.fail(f"invalid settings: {_first_error(error)}", USAGE_ERROR)
        configure_logging(settings.log_level, json=settings.log_json)
        bases = self.build_bases(settings)
        try:
            yield Services(settings=settings, bases=bases)
        except DomainError as error:
            self.fail(_describe(error), USAGE_ERROR if isinstance(error, InvalidValue) else REFUSED)
        except (DatabaseUnreachable, StoreUnreachable) as error:
            self.fail(f"the database cannot be used: {str(error).splitlines()[0]}", REFUSED)
        finally:
            bases.close()

    def fail(self, message: str, code: int) -> NoReturn:
        self.err.print(Text(f"Error: {message}", style="bold red"))
        raise typer.Exit(code)

    def emit_json(self, payload: dict[str, Any]) -> None:
        typer.echo(json.dumps(payload, ensure_ascii=False))


def _describe(error: DomainError) -> str:
    """The domain's message already names the field; the prefix says which option to fix."""
    return f"--{error.field.replace('_', '-')}: {error.message}" if error.field else error.message


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"CARTABLE_{where.upper()}: {first['msg']}"


def _runtime(ctx: typer.Context) -> Runtime:
    runtime = ctx.obj
    if not isinstance(runtime, Runtime):
        raise TypeError("the command line was not built by make_cli")
    return runtime


def _school_year(year: int) -> str:
    return f"{year}-{year + 1}"


def _show_credentials(runtime: Runtime, uai: str, year: int, credentials: Credentials) -> None:
    runtime.out.print(f"  login     [bold]{credentials.login}[/bold]")
    runtime.out.print(f"  password  [bold]{credentials.password}[/bold]")
    runtime.out.print(
        "This one-time password is shown once and only its hash is stored; it must be changed at the first login.\n"
        f"A new one: {_reset_command(uai, year, credentials.login)}"
    )


def _reset_command(uai: str, year: int, login: str) -> str:
    return f"cartable account reset-password --uai {uai} --year {year} --login {login}"


# -- school ---------------------------------------------------------------------------------------


def create_school(
    ctx: typer.Context,
    *,
    uai: Uai,
    name: Annotated[str, typer.Option(help="The school's name, e.g. 'Lycée Louis-le-Grand'.")],
    year: Year = None,
    as_json: AsJson = False,
) -> None:
    """Create a school-year base and its super-administrator (SPR), with a one-time password."""
    runtime = _runtime(ctx)
    with runtime.services() as services:
        chosen = year if year is not None else services.bases.default_year(uai)
        base, credentials = services.bases.create(uai, chosen, name)
        if as_json:
            runtime.emit_json(
                {"uai": base.uai, "year": base.year, "login": credentials.login, "password": credentials.password}
            )
            return
        runtime.out.print(f"Created the base of school [bold]{base.uai}[/bold] for {_school_year(base.year)}.")
        _show_credentials(runtime, base.uai, base.year, credentials)


# -- account --------------------------------------------------------------------------------------


def reset_password(
    ctx: typer.Context,
    *,
    uai: Uai,
    login: Annotated[str, typer.Option(help="The account's login, e.g. SPR.")] = SUPER_ADMIN_LOGIN,
    year: Year = None,
    as_json: AsJson = False,
) -> None:
    """Issue a new one-time password for an account; the old password stops working."""
    runtime = _runtime(ctx)
    with runtime.services() as services:
        base = _open(services.bases, uai, year)
        credentials = base.execute(lambda unit: base.reset_password(unit, login=login))
        if as_json:
            runtime.emit_json(
                {"uai": base.uai, "year": base.year, "login": credentials.login, "password": credentials.password}
            )
            return
        runtime.out.print(f"New one-time password for [bold]{credentials.login}[/bold] of {base.uai} {base.year}:")
        _show_credentials(runtime, base.uai, base.year, credentials)


def _open(bases: Bases, uai: str, year: int | None) -> SchoolYearBase:
    return bases.open(uai, year if year is not None else bases.default_year(uai))


# -- demo -----------------------------------------------------------------------------------------


def load_demo(
    ctx: typer.Context,
    *,
    uai: Uai,
    students: Annotated[
        int, typer.Option(min=1, max=MAX_DEMO_STUDENTS, help="How many students (more than 800 makes a lycée).")
    ] = 1200,
    year: Year = None,
    name: Annotated[
        str | None, typer.Option(help="The school's name when the demo creates its base (default: a demo name).")
    ] = None,
    if_missing: Annotated[
        bool,
        typer.Option(
            "--if-missing", help="When the base already has people, say how to log in and exit 0 instead of refusing."
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Create the base if needed and fill it with a deterministic, realistic demo school."""
    runtime = _runtime(ctx)
    with runtime.services() as services:
        bases = services.bases
        chosen = year if year is not None else bases.default_year(uai)
        if if_missing and already_loaded(bases, uai=uai, year=chosen):
            _show_already_loaded(runtime, bases.open(uai, chosen), as_json)
            return
        with runtime.err.status("Loading the demo school…"):
            installed = install_demo(bases, uai=uai, year=chosen, students=students, name=name)
        _show_demo(runtime, installed, as_json)


def _show_demo(runtime: Runtime, installed: InstalledDemo, as_json: bool) -> None:
    report, credentials = installed.report, installed.credentials
    if as_json:
        runtime.emit_json(
            {
                "uai": report.uai,
                "year": report.year,
                "login": credentials.login,
                "password": credentials.password,
                "students": report.students,
                "events": report.events,
                "seconds": round(report.seconds, 3),
            }
        )
        return
    runtime.out.print(
        f"Loaded a demo school into [bold]{report.uai}[/bold] for {_school_year(report.year)}: "
        f"{report.students:,} students, {report.events:,} events in {report.seconds:.2f} s "
        f"({report.append_rate:,.0f} events/s appended)."
    )
    _show_credentials(runtime, report.uai, report.year, credentials)


def _show_already_loaded(runtime: Runtime, base: SchoolYearBase, as_json: bool) -> None:
    command = _reset_command(base.uai, base.year, SUPER_ADMIN_LOGIN)
    if as_json:
        runtime.emit_json(
            {"uai": base.uai, "year": base.year, "login": SUPER_ADMIN_LOGIN, "loaded": False, "reset_password": command}
        )
        return
    runtime.out.print(
        f"The base of [bold]{base.uai}[/bold] for {_school_year(base.year)} already has people; nothing was loaded.\n"
        f"Log in as [bold]{SUPER_ADMIN_LOGIN}[/bold]. Its password is never shown again; to issue a new one:\n"
        f"  {command}"
    )


# -- projections ----------------------------------------------------------------------------------


def rebuild_projection(
    ctx: typer.Context,
    *,
    name: Annotated[str, typer.Argument(help="The projection to rebuild, e.g. directory.")],
    uai: Uai,
    year: Year = None,
    as_json: AsJson = False,
) -> None:
    """Replay the base's events from the start into the projection's emptied tables (one transaction)."""
    runtime = _runtime(ctx)
    with runtime.services() as services:
        base = _open(services.bases, uai, year)
        projector = base.projectors.get(name)
        if projector is None:
            known = ", ".join(sorted(base.projectors))
            runtime.fail(f"unknown projection {name!r}; known projections: {known}", USAGE_ERROR)
        with _progress_bar(runtime, f"Rebuilding {name}") as progress:
            applied = projector.rebuild(progress)
        status = projector.status()
        if as_json:
            runtime.emit_json(
                {"uai": base.uai, "year": base.year, "projection": name, "events": applied, "position": status.position}
            )
            return
        runtime.out.print(
            f"Rebuilt [bold]{name}[/bold] of {base.uai} {base.year}: {applied:,} events applied, "
            f"position {status.position:,} of {status.head:,}."
        )


@contextmanager
def _progress_bar(runtime: Runtime, description: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr, fed with the engine's (position, head) reports."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=runtime.err) as bar:
        task = bar.add_task(description, total=None)

        def advance(position: int, head: int) -> None:
            bar.update(task, completed=position, total=head)

        yield advance


def projections_status(ctx: typer.Context, *, uai: Uai, year: Year = None, as_json: AsJson = False) -> None:
    """Show each projection's position against the head of the base's event log."""
    runtime = _runtime(ctx)
    with runtime.services() as services:
        base = _open(services.bases, uai, year)
        statuses = [projector.status() for _, projector in sorted(base.projectors.items())]
        if as_json:
            rows = [
                {"projection": s.projection, "position": s.position, "head": s.head, "behind": s.behind}
                for s in statuses
            ]
            runtime.emit_json({"uai": base.uai, "year": base.year, "projections": rows})
            return
        table = Table(title=f"Projections of {base.uai} {base.year}")
        for column in ("projection", "position", "head", "behind"):
            table.add_column(column, justify="left" if column == "projection" else "right")
        for s in statuses:
            table.add_row(s.projection, f"{s.position:,}", f"{s.head:,}", f"{s.behind:,}")
        runtime.out.print(table)


# -- serve ----------------------------------------------------------------------------------------


def serve(
    ctx: typer.Context,
    *,
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="The TCP port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API with uvicorn; data under CARTABLE_DATA_DIR, or CARTABLE_DATABASE_URL for PostgreSQL."""
    import uvicorn

    from api.app import create_app

    runtime = _runtime(ctx)
    with runtime.services() as services:
        log.info("server_starting", host=host, port=port, postgres=services.settings.database_url is not None)
        app = create_app(services.settings, bases=services.bases)
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


# -- wiring ---------------------------------------------------------------------------------------


def make_cli(bases_factory: BasesFactory = build_bases) -> typer.Typer:
    """The ``cartable`` command line over bases built by ``bases_factory`` (tests pass a fast hasher)."""
    cli = typer.Typer(
        name="cartable",
        help="Cartable: the event-sourced vie scolaire service.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"obj": Runtime(bases_factory)},
    )
    school = typer.Typer(help="School-year bases.", no_args_is_help=True)
    school.command("create")(create_school)
    account = typer.Typer(help="Accounts of a base.", no_args_is_help=True)
    account.command("reset-password")(reset_password)
    projections = typer.Typer(help="Read models: status and rebuild.", no_args_is_help=True)
    projections.command("status")(projections_status)
    projections.command("rebuild")(rebuild_projection)
    cli.add_typer(school, name="school")
    cli.add_typer(account, name="account")
    cli.add_typer(projections, name="projections")
    cli.command("demo")(load_demo)
    cli.command("serve")(serve)
    return cli


def main() -> None:
    make_cli()()
