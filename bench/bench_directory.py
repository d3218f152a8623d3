"""How fast a demo school loads and its directory rebuilds, on SQLite and PostgreSQL, against the floor.

The floor is reading and decoding the base's notification log with nothing else (the directory's
topics, in the engine's pages): no rebuild can beat it, and the target is to reach half of it.
The demo load must append at least 10,000 events/s on SQLite. Figures go to ``BENCHMARKS.md``;
they are printed, never asserted. Run from the repository root::

    .venv/bin/python -m bench.bench_directory [--students 1200] [--repeat 5] [--database-url URL]

Without ``--database-url`` PostgreSQL is a throwaway cluster started for the run (fsync off).
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import create_engine, text

from adapters.logging import configure_logging
from adapters.settings import PostgresUrl, Settings
from api.bootstrap import build_bases
from application.base import SchoolYearBase
from application.demo import DemoReport, load_demo
from application.demo_people import generate_school
from domain.values import UAI_CHECK_LETTERS
from tests.pg_cluster import PostgresCluster

PROJECTION = "directory"


@dataclass(frozen=True)
class Figures:
    """The medians of one backend's runs, in events per second, and of each round's rebuild/floor ratios."""

    backend: str
    events: int
    append: float
    load: float
    rebuild: float
    rebuild_empty: float
    floor: float
    ratio: float
    ratio_empty: float


def uai(number: int) -> str:
    digits = f"{number:07d}"
    return digits + UAI_CHECK_LETTERS[int(digits) % 23]


def rates(measures: Sequence[Callable[[], tuple[int, float]]], repeat: int) -> list[list[float]]:
    """Events/s of ``repeat`` rounds of ``measures`` (each returns events and seconds), one list per measure.

    The measures take turns within each round, so that a passing slowdown of the machine weighs on
    all of them alike instead of on whichever ran at that moment.
    """
    runs: list[list[float]] = [[] for _ in measures]
    for _ in range(repeat):
        for results, measure in zip(runs, measures, strict=True):
            events, seconds = measure()
            results.append(events / seconds)
    return runs


def read_floor(base: SchoolYearBase) -> tuple[int, float]:
    """Read and decode what the directory reads, page by page, and nothing else."""
    projector = base.projectors[PROJECTION]
    log, topics, size = projector.log, projector.projection.topics(), projector.batch_size
    started = time.perf_counter()
    position, head, count = 0, log.head(), 0
    while position < head:
        page = log.read(position, size, head, topics)
        for notification in page:
            log.decode(notification)
        count += len(page)
        position = page[-1].id if len(page) == size else head
    return count, time.perf_counter() - started


def rebuild(base: SchoolYearBase) -> tuple[int, float]:
    """A rebuild over the live tables: what an operator's rebuild usually finds (rows already right)."""
    started = time.perf_counter()
    applied = base.projectors[PROJECTION].rebuild().events
    return applied, time.perf_counter() - started


def rebuild_empty(base: SchoolYearBase) -> tuple[int, float]:
    """A rebuild into emptied tables (emptying not timed): every row written, as after a projection changed."""
    projector = base.projectors[PROJECTION]
    with projector.engine.begin() as connection:
        for table in reversed(projector.projection.tables()):
            connection.execute(table.delete())
    return rebuild(base)


def measure(backend: str, settings: Settings, students: int, repeat: int) -> Figures:
    """Load ``repeat`` demo schools (one base each), then rebuild the last one ``repeat`` times."""
    bases = build_bases(settings)
    first = 1_000_000 + secrets.randbelow(8_000_000)  # fresh UAIs, should the database be a kept one
    try:
        year = bases.school_year_now()
        reports: list[DemoReport] = []
        for number in range(first, first + repeat):
            base, _ = bases.create(uai(number), year, "Lycée de banc d'essai")
            reports.append(load_demo(base, generate_school(base.uai, year, students)))
        last = base
        if settings.database_url is not None:
            analyze(settings.database_url)
        rebuilt, floor, rebuilt_empty = rates(
            [lambda: rebuild(last), lambda: read_floor(last), lambda: rebuild_empty(last)], repeat
        )
    finally:
        bases.close()
    return Figures(
        backend=backend,
        events=reports[0].events,
        append=statistics.median(r.append_rate for r in reports),
        load=statistics.median(r.rate for r in reports),
        rebuild=statistics.median(rebuilt),
        rebuild_empty=statistics.median(rebuilt_empty),
        floor=statistics.median(floor),
        ratio=statistics.median(r / f for r, f in zip(rebuilt, floor, strict=True)),
        ratio_empty=statistics.median(r / f for r, f in zip(rebuilt_empty, floor, strict=True)),
    )


def analyze(url: str) -> None:
    """Give PostgreSQL the statistics of the tables just loaded, as a database in use has them.

    Otherwise the autovacuum daemon gathers them in the middle of the measures, and the plans of the
    rounds before and after it differ.
    """
    engine = create_engine(PostgresUrl(url).sqlalchemy(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    engine.dispose()


@contextmanager
def postgres(url: str | None) -> Iterator[str]:
    """The given database, or a throwaway cluster for the length of the run."""
    if url is not None:
        yield url
        return
    with PostgresCluster(dbname="cartable_bench") as cluster:
        yield cluster.url


def machine(postgres_url: str | None) -> list[str]:
    """What the figures ran on: they mean little without it."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    lines = [
        f"CPU: {cpu}, {os.cpu_count()} cores; RAM: {int(memory) / 1024**2:.1f} GiB; {platform.platform()}",
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"eventsourcing {version('eventsourcing')}; SQLAlchemy {version('sqlalchemy')}; psycopg {version('psycopg')}",
    ]
    if postgres_url is not None:
        engine = create_engine(PostgresUrl(postgres_url).sqlalchemy())
        with engine.connect() as connection:
            lines.append(f"PostgreSQL {connection.execute(text('SHOW server_version')).scalar_one()}")
        engine.dispose()
    return lines


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def report(figures: list[Figures], students: int, repeat: int) -> list[str]:
    lines = [
        f"{students:,} students, median of {repeat} rounds (rebuild, floor, rebuild into emptied tables in turn), "
        "events/s; each ratio is the median of the rounds' own ratios:",
        "",
        "| backend | events | demo append | demo load + catch-up | rebuild | floor (read + decode) | rebuild / floor "
        "| rebuild into emptied tables | its / floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(
        f"| {f.backend} | {f.events:,} | {f.append:,.0f} | {f.load:,.0f} | {f.rebuild:,.0f} | {f.floor:,.0f} "
        f"| {f.ratio:.0%} | {f.rebuild_empty:,.0f} | {f.ratio_empty:.0%} |"
        for f in figures
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--students", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an existing postgresql:// database (default: a throwaway cluster)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    arguments = parser.parse_args()
    configure_logging("warning")

    with tempfile.TemporaryDirectory(prefix="cartable-bench-") as data_dir:
        sqlite = Settings(data_dir=Path(data_dir), database_url=None)
        figures = [measure("SQLite", sqlite, arguments.students, arguments.repeat)]
    if arguments.sqlite_only:
        print("\n".join(machine(None)))
    else:
        with postgres(arguments.database_url) as url:
            figures.append(measure("PostgreSQL", Settings(database_url=url), arguments.students, arguments.repeat))
            print("\n".join(machine(url)))
    print("\n".join(report(figures, arguments.students, arguments.repeat)))


if __name__ == "__main__":
    main()
