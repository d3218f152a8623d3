"""``cartable registers generate``: make the registers of a day or a week, as a daily job would."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from api.cli_runtime import AsJson, Uai, Year, runtime_of


def generate_registers(
    ctx: typer.Context,
    *,
    uai: Uai,
    first: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (YYYY-MM-DD).")],
    last: Annotated[
        datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day, included; default the first.")
    ] = None,
    year: Year = None,
    as_json: AsJson = False,
) -> None:
    """Make the register of every lesson occurrence (and the canteen's) of each school day, once each.

    Running it again for the same days makes nothing new: a register's id comes from its lesson and day.
    """
    runtime = runtime_of(ctx)
    with runtime.base(uai, year) as base:
        report = base.generate_registers(first.date(), (last or first).date())
    if as_json:
        runtime.emit_json(
            {
                "uai": base.uai,
                "year": base.year,
                "first": report.first.isoformat(),
                "last": report.last.isoformat(),
                "school_days": report.school_days,
                "created": report.created,
                "existing": report.existing,
            }
        )
        return
    runtime.out.print(
        f"{report.created:,} registers made for {report.school_days} school day(s) from {report.first:%d/%m/%Y} "
        f"to {report.last:%d/%m/%Y}; {report.existing:,} were there already."
    )


def registers_cli() -> typer.Typer:
    """The ``registers`` command group."""
    registers = typer.Typer(help="Registers (feuilles d'appel) made from the timetable.", no_args_is_help=True)
    registers.command("generate")(generate_registers)
    return registers
