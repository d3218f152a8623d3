"""How fast a large SIECLE pair imports into a fresh base, then re-imports, on SQLite and PostgreSQL.

The pair is :mod:`bench.siecle_generator`'s (``--students`` students and their guardians), written
once to a temporary directory. Each backend is measured in a fresh process (``--one BACKEND``), so
its peak RSS (``ru_maxrss``) is that of one import and nothing else: create a base, read and import
the two files (the read models caught up, as the import returns), then read and import the same files
again, which must write no event. Targets: first import under 10 s, re-import under 3 s, peak under
300 MB. Figures go to ``BENCHMARKS.md``; they are printed, never asserted. Run from the repository root::

    .venv/bin/python -m bench.bench_imports [--students 2000] [--sqlite-only] [--database-url URL]

Without ``--database-url`` PostgreSQL is a throwaway cluster started for the run (fsync off).
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from adapters.logging import configure_logging
from adapters.national.readers import read_files
from adapters.settings import Settings
from api.bootstrap import build_bases
from application.base import SchoolYearBase
from application.calendar import current_school_year
from bench.bench_directory import machine, postgres, uai
from bench.siecle_generator import DEFAULT_UAI, GUARDIANS_FILE, STUDENTS_FILE, generate_pair

FIRST_TARGET_S = 10.0
REIMPORT_TARGET_S = 3.0
PEAK_TARGET_MB = 300.0


@dataclass(frozen=True)
class Run:
    """One import of the pair: what it wrote and how long reading and importing took."""

    events: int
    created: int
    unchanged: int
    rejected: int
    read_s: float
    import_s: float

    @property
    def seconds(self) -> float:
        return self.read_s + self.import_s


@dataclass(frozen=True)
class Figures:
    """One backend's first import and re-import, and the process's peak RSS."""

    backend: str
    first: Run
    again: Run
    baseline_mb: float  # peak RSS before the first import (interpreter, modules, fresh base)
    peak_mb: float  # peak RSS over the whole process


def peak_rss_mb() -> float:
    """The process's peak resident set so far (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_pair(base: SchoolYearBase, files: list[tuple[str, bytes]]) -> Run:
    started = time.perf_counter()
    parsed = read_files("siecle", files)
    read = time.perf_counter()
    report = base.import_files("siecle", parsed)
    done = time.perf_counter()
    return Run(
        events=report.events,
        created=report.created,
        unchanged=report.unchanged,
        rejected=len(report.rejected),
        read_s=read - started,
        import_s=done - read,
    )


def measure_one(backend: str, directory: Path, school: str, year: int, database_url: str | None) -> Figures:
    """Run in a fresh process: a fresh base, the first import, then the re-import of the same files."""
    files = [(name, (directory / name).read_bytes()) for name in (STUDENTS_FILE, GUARDIANS_FILE)]
    with tempfile.TemporaryDirectory(prefix="cartable-bench-") as data_dir:
        settings = Settings(data_dir=Path(data_dir), database_url=database_url)
        bases = build_bases(settings)
        try:
            base, _ = bases.create(school, year, "Lycée de banc d'essai")
            baseline = peak_rss_mb()
            first = import_pair(base, files)
            again = import_pair(base, files)
        finally:
            bases.close()
    return Figures(backend=backend, first=first, again=again, baseline_mb=baseline, peak_mb=peak_rss_mb())


def spawn(backend: str, directory: Path, school: str, year: int, database_url: str | None) -> Figures:
    """``measure_one`` in a child process, so that its peak memory is its own."""
    command = [sys.executable, "-m", "bench.bench_imports", "--one", backend, "--dir", str(directory)]
    command += ["--uai", school, "--year", str(year)]
    if database_url is not None:
        command += ["--database-url", database_url]
    child = subprocess.run(command, check=False, capture_output=True, text=True)
    if child.returncode != 0:
        raise SystemExit(f"the {backend} run failed:\n{child.stderr}")
    output = child.stdout
    data = json.loads(output.strip().splitlines()[-1])
    return Figures(
        backend=data["backend"],
        first=Run(**data["first"]),
        again=Run(**data["again"]),
        baseline_mb=data["baseline_mb"],
        peak_mb=data["peak_mb"],
    )


def verdict(value: float, target: float) -> str:
    return "met" if value < target else "**missed**"


def report(figures: list[Figures], students: int, guardians: int, links: int, sizes: int) -> list[str]:
    lines = [
        f"SIECLE pair: {students:,} students, {guardians:,} guardians, {links:,} links, {sizes / 1024**2:.1f} MiB "
        "of XML; one fresh process per backend.",
        "",
        "| backend | first import: events | read | import + catch-up | **total** (< 10 s) "
        "| re-import: events | **total** (< 3 s) | peak RSS (< 300 MB) | of which before import |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {f.backend} | {f.first.events:,} | {f.first.read_s:.2f} s | {f.first.import_s:.2f} s "
        f"| **{f.first.seconds:.2f} s** | {f.again.events:,} | **{f.again.seconds:.2f} s** "
        f"| {f.peak_mb:.0f} MB | {f.baseline_mb:.0f} MB |"
        for f in figures
    )
    lines.append("")
    for f in figures:
        lines.append(
            f"- {f.backend}: first import {verdict(f.first.seconds, FIRST_TARGET_S)}, "
            f"re-import {verdict(f.again.seconds, REIMPORT_TARGET_S)}"
            f"{'' if f.again.events == 0 else f' but wrote {f.again.events} events'}, "
            f"peak memory {verdict(f.peak_mb, PEAK_TARGET_MB)}; "
            f"{f.first.created:,} records created, {f.first.rejected} rejected; "
            f"re-import: {f.again.unchanged:,} unchanged."
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--database-url", help="an existing postgresql:// database (default: a throwaway cluster)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--one", choices=("SQLite", "PostgreSQL"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--uai", help=argparse.SUPPRESS)
    parser.add_argument("--year", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    configure_logging("warning")

    if arguments.one is not None:  # the child: one backend, its figures as the last line of JSON
        one = measure_one(arguments.one, arguments.dir, arguments.uai, arguments.year, arguments.database_url)
        print(json.dumps(asdict(one)))
        return

    # The same pair on every run; a fresh UAI only for a kept database, which may hold the school already.
    school = DEFAULT_UAI if arguments.database_url is None else uai(1_000_000 + secrets.randbelow(8_000_000))
    year = current_school_year(datetime.now(UTC))
    pair = generate_pair(arguments.students, school, year)
    with tempfile.TemporaryDirectory(prefix="cartable-siecle-") as directory:
        for name, data in pair.files():
            (Path(directory) / name).write_bytes(data)
        figures = [spawn("SQLite", Path(directory), school, year, None)]
        if arguments.sqlite_only:
            print("\n".join(machine(None)))
        else:
            with postgres(arguments.database_url) as url:
                figures.append(spawn("PostgreSQL", Path(directory), school, year, url))
                print("\n".join(machine(url)))
    sizes = len(pair.students_xml) + len(pair.guardians_xml)
    print("\n".join(report(figures, pair.students, pair.guardians, pair.links, sizes)))


if __name__ == "__main__":
    main()
