"""The operators' command line: create a base, load a demo, serve the API, rebuild read models.

A composition root like ``api/app.py``: it reads ``Settings`` (``CARTABLE_*``), builds the registry
of bases through an injected factory (tests pass one with a fast password hasher), and closes it
when the command ends. Bad input is a red message naming the field and a non-zero exit, never a
traceback: exit 2 for input that can never be right, 1 for a refusal by the current state.
Logs go to stderr, so that ``--json`` leaves one clean JSON object on stdout.
"""

from __future__ import annotations

from typing import Annotated

import structlog
import typer
from rich.table import Table

from adapters.cores import run_calling_thread_on, serving_split
from api.bootstrap import build_bases
from api.cli_accounts import accounts_cli
from api.cli_import import import_files
from api.cli_registers import registers_cli
from api.cli_runtime import (
    USAGE_ERROR,
    AsJson,
    BasesFactory,
    Runtime,
    Uai,
    Year,
    credentials_json,
    progress_bar,
    reset_command,
    runtime_of,
    school_year,
    show_credentials,
)
from application.accounts import SUPER_ADMIN_LOGIN
from application.base import SchoolYearBase
from application.demo import InstalledDemo, already_loaded, install_demo

MAX_DEMO_STUDENTS = 50_000

log = structlog.get_logger(__name__)


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
    runtime = runtime_of(ctx)
    with runtime.services() as services:
        chosen = year if year is not None else services.bases.default_year(uai)
        base, credentials = services.bases.create(uai, chosen, name)
        if as_json:
            runtime.emit_json(credentials_json(base.uai, base.year, credentials))
            return
        runtime.out.print(f"Created the base of school [bold]{base.uai}[/bold] for {school_year(base.year)}.")
        show_credentials(runtime, base.uai, base.year, credentials)


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
    runtime = runtime_of(ctx)
    with runtime.base(uai, year) as base:
        credentials = base.execute(lambda unit: base.reset_password(unit, login=login))
        if as_json:
            runtime.emit_json(credentials_json(base.uai, base.year, credentials))
            return
        runtime.out.print(f"New one-time password for [bold]{credentials.login}[/bold] of {base.uai} {base.year}:")
        show_credentials(runtime, base.uai, base.year, credentials)


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
    runtime = runtime_of(ctx)
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
                **credentials_json(report.uai, report.year, credentials),
                "students": report.students,
                "lessons": report.lessons,
                "events": report.events,
                "seconds": round(report.seconds, 3),
            }
        )
        return
    runtime.out.print(
        f"Loaded a demo school into [bold]{report.uai}[/bold] for {school_year(report.year)}: "
        f"{report.students:,} students, {report.lessons:,} lessons, {report.events:,} events in {report.seconds:.2f} s "
        f"({report.append_rate:,.0f} events/s appended)."
    )
    show_credentials(runtime, report.uai, report.year, credentials)


def _show_already_loaded(runtime: Runtime, base: SchoolYearBase, as_json: bool) -> None:
    command = reset_command(base.uai, base.year, SUPER_ADMIN_LOGIN)
    if as_json:
        runtime.emit_json(
            {"uai": base.uai, "year": base.year, "login": SUPER_ADMIN_LOGIN, "loaded": False, "reset_password": command}
        )
        return
    runtime.out.print(
        f"The base of [bold]{base.uai}[/bold] for {school_year(base.year)} already has people; nothing was loaded.\n"
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
    """Replay the base's events from the start and make the projection's tables hold what they give (one
    transaction); says how many rows live updating had left different (0: the tables were right)."""
    runtime = runtime_of(ctx)
    with runtime.base(uai, year) as base:
        projector = base.projectors.get(name)
        if projector is None:
            known = ", ".join(sorted(base.projectors))
            runtime.fail(f"unknown projection {name!r}; known projections: {known}", USAGE_ERROR)
        with progress_bar(runtime, f"Rebuilding {name}") as progress:
            rebuilt = projector.rebuild(progress)
        status = projector.status()
        if as_json:
            runtime.emit_json(
                {
                    "uai": base.uai,
                    "year": base.year,
                    "projection": name,
                    "events": rebuilt.events,
                    "rows_changed": rebuilt.rows_changed,
                    "position": status.position,
                }
            )
            return
        changed = (
            "tables emptied and rewritten" if rebuilt.rows_changed is None else f"{rebuilt.rows_changed:,} rows changed"
        )
        runtime.out.print(
            f"Rebuilt [bold]{name}[/bold] of {base.uai} {base.year}: {rebuilt.events:,} events applied, "
            f"{changed}, position {status.position:,} of {status.head:,}."
        )


def projections_status(ctx: typer.Context, *, uai: Uai, year: Year = None, as_json: AsJson = False) -> None:
    """Show each projection's position against the head of the base's event log."""
    runtime = runtime_of(ctx)
    with runtime.base(uai, year) as base:
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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes sharing the port (PostgreSQL only): one interpreter uses about one core.",
        ),
    ] = 1,
) -> None:
    """Serve the HTTP API with uvicorn; data under CARTABLE_DATA_DIR, or CARTABLE_DATABASE_URL for PostgreSQL."""
    import uvicorn

    from api.app import create_app

    runtime = runtime_of(ctx)
    with runtime.services() as services:
        postgres = services.settings.database_url is not None
        if workers > 1 and not postgres:
            runtime.fail(
                "--workers needs CARTABLE_DATABASE_URL: the embedded SQLite store is written by one process",
                USAGE_ERROR,
            )
        split = serving_split() if workers == 1 else None
        if split is not None:
            # Every thread the server starts from here on inherits this: the hashing cores stay the hasher's.
            run_calling_thread_on(split.requests)
        log.info(
            "server_starting",
            host=host,
            port=port,
            postgres=postgres,
            workers=workers,
            request_cores=sorted(split.requests) if split else None,
        )
        # Several workers each build their own registry from the environment (api.app.app_from_environment).
        app = (
            "api.app:app_from_environment"
            if workers > 1
            else create_app(services.settings, bases=services.bases, collect_when_quiet=True)
        )
        uvicorn.run(app, factory=workers > 1, workers=workers, host=host, port=port, log_config=None, access_log=False)


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
    cli.add_typer(accounts_cli(), name="accounts")
    cli.add_typer(registers_cli(), name="registers")
    cli.add_typer(projections, name="projections")
    cli.command("demo")(load_demo)
    cli.command("import")(import_files)
    cli.command("serve")(serve)
    return cli


def main() -> None:
    make_cli()()
