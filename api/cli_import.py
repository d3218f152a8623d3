"""``cartable import siecle|sts|onde FILE…``: national files into a base, with a report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from adapters.national.readers import READERS, read_files
from api.cli_runtime import USAGE_ERROR, AsJson, Runtime, Uai, Year, runtime_of
from application.imports.report import ImportReport

MAX_SHOWN_REJECTIONS = 50


def import_files(
    ctx: typer.Context,
    *,
    kind: Annotated[str, typer.Argument(help="siecle, sts, onde or timetable.")],
    files: Annotated[list[Path], typer.Argument(help="The files (.xml, .csv, or the .zip the system delivers).")],
    uai: Uai,
    year: Year = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
    force_uai: Annotated[
        bool, typer.Option("--force-uai", help="Import files that state another UAI (recorded in the import).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Import SIECLE (students, guardians), STS-WEB (staff, classes, services) or ONDE files.

    Exit 2 when a file is refused as a whole (nothing written); 0 otherwise, rejected records included.
    """
    runtime = runtime_of(ctx)
    if kind not in READERS:
        runtime.fail(f"unknown import {kind!r}: one of {', '.join(sorted(READERS))}", USAGE_ERROR)
    for path in files:
        if not path.is_file():
            runtime.fail(f"{path}: no such file", USAGE_ERROR)
    with runtime.base(uai, year) as base:
        with _steps(runtime) as step:
            step("Reading the files")
            parsed = read_files(kind, [(path.name, path.read_bytes()) for path in files])
            step("Importing" + (" (dry run)" if dry_run else ""))
            report = base.import_files(kind, parsed, force_uai=force_uai, dry_run=dry_run)
        if as_json:
            runtime.emit_json(report.as_dict())
        else:
            _show(runtime, report)


@contextmanager
def _steps(runtime: Runtime) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming the current step (large files take seconds to read)."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=runtime.err, transient=True) as progress:
        task = progress.add_task("", total=None)

        def step(description: str) -> None:
            progress.update(task, description=description)

        yield step


def _show(runtime: Runtime, report: ImportReport) -> None:
    title = f"{report.kind} import" + (" — dry run, nothing written" if report.dry_run else "")
    table = Table(title=title)
    for column in ("created", "updated", "unchanged", "left", "rejected", "events"):
        table.add_column(column, justify="right")
    counts = (report.created, report.updated, report.unchanged, report.left, len(report.rejected), report.events)
    table.add_row(*(f"{n:,}" for n in counts))
    runtime.out.print(table)
    for listed in report.files:
        runtime.out.print(f"  {listed['name']}  sha256 {listed['sha256']}")
    for rejection in report.rejected[:MAX_SHOWN_REJECTIONS]:
        runtime.out.print(f"  [yellow]rejected[/yellow] {rejection.record}: {rejection.reason}")
    hidden = len(report.rejected) - MAX_SHOWN_REJECTIONS
    if hidden > 0:
        runtime.out.print(f"  … and {hidden:,} more rejections (--json lists them all)")
