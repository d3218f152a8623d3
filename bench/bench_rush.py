"""The 8 o'clock rush: a large school's morning registers submitted at once by concurrent clients over HTTP.

Targets: with 16 concurrent clients, a call's p99 stays under 100 ms on PostgreSQL and 200 ms on SQLite,
and no mark is lost. The script creates a demo school of 1,200 students in a temporary data folder
(``cartable demo``, which loads a timetable), starts ``cartable serve`` on a free loopback port and,
over HTTP, for each run:

1. picks a Monday of an "A" week from December on (a fresh one each run) and makes its registers
   (``POST /schools/{uai}/registers/generate``, timed);
2. prepares, with a seeded random, one call per morning register (lessons starting before 12:10):
   about 8 % of the expected students absent, 4 % late (1-20 minutes), the rest present (not sent);
3. the rush: ``--clients`` threads, each with its own connection and its own session of the
   super-admin (SPR; ``--shared-session``: one token for all), take those calls from a shared queue
   and submit them back to back (``POST …/registers/{id}/call``, ``close: true``);
4. the pairs: the afternoon's registers, each submitted by two clients at the same moment, with half
   of its marks each (disjoint students): the register's concurrent-change path;
5. counts back every register of the day from the attendance projection (``GET …/registers/{id}``):
   each student's status against what was sent, and every call closed.

Each pass reports its latencies, throughput, the server's CPU (``/proc``) and that of PostgreSQL's
processes and of the rest of the machine meanwhile. Figures go to ``BENCHMARKS.md``; they are
printed, never asserted. Run from the repository root::

    .venv/bin/python -m bench.bench_rush [--clients 16] [--runs 1] [--students 1200] [--postgres]
                                         [--seed 2026] [--shared-session] [--retries]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from datetime import time as time_of_day
from pathlib import Path
from typing import Any

import httpx2

from bench.bench_directory import machine as versions
from bench.bench_login import (
    CHOSEN,
    UAI,
    Account,
    Deployment,
    OthersCpu,
    Server,
    Timings,
    machine,
    met,
    ms,
    server,
)
from tests.pg_cluster import PostgresCluster

P99_TARGET = {"SQLite": 0.200, "PostgreSQL": 0.100}
NOON = time_of_day(12, 10)  # a register starting before it is the morning's
ABSENT_SHARE = 0.08
LATE_SHARE = 0.04
LATE_MINUTES = (1, 20)
TIMEOUT = httpx2.Timeout(60.0)
SCHOOL = f"/schools/{UAI}"

JSON = dict[str, Any]


# -- what is sent -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One student's mark as sent: absent, or late by some minutes (present students are not sent)."""

    student_id: str
    status: str
    minutes: int | None = None

    def body(self) -> JSON:
        body: JSON = {"student_id": self.student_id, "status": self.status}
        if self.minutes is not None:
            body["minutes"] = self.minutes
        return body


@dataclass(frozen=True)
class Register:
    """A register of the day as the server lists it, with the students it expects and the marks to send."""

    id: str
    start: time_of_day
    students: tuple[str, ...]
    marks: tuple[Mark, ...]

    def halves(self) -> tuple[Submission, Submission]:
        """Two calls with half the marks each, disjoint students, both closing the register."""
        return Submission(self.id, self.marks[0::2]), Submission(self.id, self.marks[1::2])


@dataclass(frozen=True)
class Submission:
    """One ``POST …/call``: some marks of a register, and ``close: true``."""

    register_id: str
    marks: tuple[Mark, ...]

    def body(self) -> JSON:
        return {"marks": [mark.body() for mark in self.marks], "close": True}


def draw_marks(students: tuple[str, ...], rng: random.Random) -> tuple[Mark, ...]:
    """About 8 % absent, 4 % late by 1 to 20 minutes, the others present (not sent)."""
    marks = []
    for student in students:
        draw = rng.random()
        if draw < ABSENT_SHARE:
            marks.append(Mark(student, "absent"))
        elif draw < ABSENT_SHARE + LATE_SHARE:
            marks.append(Mark(student, "late", rng.randint(*LATE_MINUTES)))
    return tuple(marks)


# -- the school's day -------------------------------------------------------------------------------


def authorised(client: httpx2.Client, method: str, path: str, **kwargs: Any) -> JSON:
    """A request that must answer 200 with JSON (setup and counting back: any other answer stops the run)."""
    response = client.request(method, path, **kwargs)
    if response.status_code != 200:
        raise RuntimeError(
            f"{method} {path} answered {response.status_code} (request {response.headers.get('x-request-id')}): "
            f"{response.text[:500]}"
        )
    body: JSON = response.json()
    return body


def rush_days(calendar: JSON, runs: int) -> list[date]:
    """``runs`` Mondays of "A" weeks that are school days, the first in December first."""
    first, last = date.fromisoformat(calendar["first_day"]), date.fromisoformat(calendar["last_day"])
    closed = {date.fromisoformat(day) for day in calendar["bank_holidays"]}
    holidays = [(date.fromisoformat(h["first"]), date.fromisoformat(h["last"])) for h in calendar["holidays"]]
    december = date(first.year, 12, 1)
    mondays = sorted(date.fromisoformat(week) for week in calendar["alternations"].get("A", []))
    days = [
        monday
        for monday in mondays
        if december <= monday
        and first <= monday <= last
        and monday not in closed
        and not any(start <= monday <= end for start, end in holidays)
    ]
    if len(days) < runs:
        raise RuntimeError(f"only {len(days)} Mondays of A weeks from December on, for {runs} runs")
    return days[:runs]


@dataclass(frozen=True)
class Day:
    """A day's registers, made and read back, with the marks each will be sent."""

    day: date
    generated: JSON
    generation_seconds: float
    morning: list[Register]
    afternoon: list[Register]


def prepare_day(client: httpx2.Client, day: date, rng: random.Random) -> Day:
    """Make the day's registers (timed), read each one's expected students, draw their marks."""
    started = time.perf_counter()
    generated = authorised(
        client, "POST", f"{SCHOOL}/registers/generate", json={"first": day.isoformat(), "last": day.isoformat()}
    )
    seconds = time.perf_counter() - started
    if generated["school_days"] != 1 or generated["existing"] != 0:
        raise RuntimeError(f"{day} is not a fresh school day: {generated}")
    listed = authorised(client, "GET", f"{SCHOOL}/registers", params={"date": day.isoformat()})["items"]
    lessons = sorted(
        (r for r in listed if r["kind"] == "lesson" and not r["withdrawn"]),
        key=lambda r: (r["start"], r["class_code"] or "", r["group_code"] or "", r["id"]),
    )
    registers = []
    for item in lessons:
        detail = authorised(client, "GET", f"{SCHOOL}/registers/{item['id']}")
        if any(s["status"] != "present" for s in detail["students"]) or detail["closed"]:
            raise RuntimeError(f"register {item['id']} is not fresh: {detail}")
        students = tuple(sorted(s["student_id"] for s in detail["students"]))
        start = time_of_day.fromisoformat(item["start"])
        registers.append(Register(item["id"], start, students, draw_marks(students, rng)))
    return Day(
        day,
        generated,
        seconds,
        morning=[r for r in registers if r.start < NOON],
        afternoon=[r for r in registers if r.start >= NOON],
    )


# -- submitting ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One call's answer: its latency, and what the server said."""

    request_id: str
    submission: Submission
    seconds: float
    status: int
    body: JSON | None
    text: str


def submit(client: httpx2.Client, submission: Submission, request_id: str) -> Answer:
    """One call, timed; ``request_id`` names it in the server's log (64 characters at most, or the server
    makes its own)."""
    started = time.perf_counter()
    try:
        response = client.post(
            f"{SCHOOL}/registers/{submission.register_id}/call",
            json=submission.body(),
            headers={"X-Request-ID": request_id},
        )
    except httpx2.TransportError as error:
        return Answer(request_id, submission, time.perf_counter() - started, 0, None, repr(error))
    seconds = time.perf_counter() - started
    body = response.json() if response.status_code == 200 else None
    return Answer(request_id, submission, seconds, response.status_code, body, response.text[:500])


@dataclass
class Pass:
    """One pass of submissions: what was sent, how long it took, what came back."""

    name: str
    registers: int
    students: int
    marks: int
    clients: int
    answers: list[Answer] = field(default_factory=list)
    seconds: float = 0.0
    # cores used meanwhile by the server, this process (the clients), PostgreSQL, the other processes
    cores: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    retries: int | None = None  # commands run again after a version conflict (``--retries``)

    @property
    def timings(self) -> Timings:
        timings = Timings()
        for answer in self.answers:
            if answer.status == 200:
                timings.seconds.append(answer.seconds)
            else:
                timings.errors.append(f"{answer.request_id}: {answer.status} {answer.text}")
        return timings

    @property
    def refused_marks(self) -> int:
        """Marks of the calls the server did not take: lost, but never silently."""
        return sum(len(answer.submission.marks) for answer in self.answers if answer.status != 200)

    def total(self, key: str) -> int:
        return sum(int(answer.body[key]) for answer in self.answers if answer.body is not None)


@dataclass(frozen=True)
class Target:
    """The server under load, the clients' tokens, and the PostgreSQL cluster's folder when there is one."""

    server: Server
    tokens: list[str]
    cluster: Path | None

    def clients(self, count: int) -> list[httpx2.Client]:
        """``count`` clients, each with its own connection (opened before the clock starts) and token."""
        return clients_for(self.server, self.tokens[:count])

    def database_seconds(self) -> float:
        """CPU time used so far by the PostgreSQL cluster, its ended backends included (Linux; 0 elsewhere)."""
        if self.cluster is None:
            return 0.0
        try:
            postmaster = int((self.cluster / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return 0.0
        total = 0
        for process in Path("/proc").glob("[0-9]*"):
            try:
                fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone meanwhile
            if process.name == str(postmaster):  # its own time and that of its children that ended
                total += sum(int(ticks) for ticks in fields[11:15])
            elif fields[1] == str(postmaster):  # a live child: a backend, the writer, the checkpointer…
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


def clients_for(running: Server, tokens: list[str]) -> list[httpx2.Client]:
    clients = [
        httpx2.Client(base_url=running.url, timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}"})
        for token in tokens
    ]
    for client in clients:
        client.get("/healthz").raise_for_status()
    return clients


def timed(target: Target, into: Pass, threads: list[threading.Thread], start: threading.Barrier) -> None:
    """Start the threads, release them together, and time them until the last one is done."""
    for thread in threads:
        thread.start()
    start.wait(timeout=120)
    database = target.database_seconds()
    with OthersCpu(target.server) as cpu:
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        into.seconds = time.perf_counter() - started
    database = (target.database_seconds() - database) / into.seconds
    into.cores = (cpu.server_cores, cpu.own_cores, database, max(0.0, cpu.cores - database))


def rush(target: Target, registers: list[Register], clients: int, label: str) -> Pass:
    """Every register's call, from a shared queue, by ``clients`` threads back to back."""
    into = Pass(
        "rush", len(registers), sum(len(r.students) for r in registers), sum(len(r.marks) for r in registers), clients
    )
    work: queue.SimpleQueue[tuple[int, Submission]] = queue.SimpleQueue()
    for number, register in enumerate(registers):
        work.put((number, Submission(register.id, register.marks)))
    start = threading.Barrier(clients + 1)

    def worker(client: httpx2.Client, answers: list[Answer]) -> None:
        start.wait()
        while True:
            try:
                number, submission = work.get_nowait()
            except queue.Empty:
                return
            answers.append(submit(client, submission, f"{label}-rush-{number}"))

    per_thread: list[list[Answer]] = [[] for _ in range(clients)]
    connections = target.clients(clients)
    try:
        threads = [threading.Thread(target=worker, args=pair) for pair in zip(connections, per_thread, strict=True)]
        timed(target, into, threads, start)
    finally:
        for client in connections:
            client.close()
    into.answers = [answer for answers in per_thread for answer in answers]
    return into


def pairs(target: Target, registers: list[Register], clients: int, label: str) -> Pass:
    """Each register's marks in two halves, sent by two clients released at the same moment.

    ``clients // 2`` pairs of threads; pair ``k`` takes the registers ``k``, ``k + pairs``, … in turn.
    """
    count = max(1, clients // 2)
    numbered = list(enumerate(registers))
    into = Pass(
        "pairs (same register)",
        len(registers),
        sum(len(r.students) for r in registers),
        sum(len(r.marks) for r in registers),
        count * 2,
    )
    start = threading.Barrier(count * 2 + 1)

    per_thread: list[list[Answer]] = []
    threads: list[threading.Thread] = []

    def worker(
        client: httpx2.Client,
        side: int,
        mine: list[tuple[int, Register]],
        together: threading.Barrier,
        answers: list[Answer],
    ) -> None:
        start.wait()
        for number, register in mine:
            together.wait(timeout=120)
            answers.append(submit(client, register.halves()[side], f"{label}-pair-{number}-{side}"))

    connections = target.clients(count * 2)
    try:
        for k in range(count):
            together = threading.Barrier(2)
            for side in (0, 1):
                answers: list[Answer] = []
                per_thread.append(answers)
                client = connections[2 * k + side]
                threads.append(
                    threading.Thread(target=worker, args=(client, side, numbered[k::count], together, answers))
                )
        timed(target, into, threads, start)
    finally:
        for client in connections:
            client.close()
    into.answers = [answer for answers in per_thread for answer in answers]
    return into


# -- counting back -----------------------------------------------------------------------------------


@dataclass
class CountBack:
    """Every register of a pass read back from the attendance projection and compared with what was sent."""

    sent: int = 0
    found: int = 0
    students: int = 0
    unexpected: int = 0  # a student marked though sent nothing (or sent present)
    not_closed: int = 0
    absent_off: int = 0  # registers whose ``absent`` count differs from the absences sent
    problems: list[str] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return self.sent - self.found

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.unexpected == 0 and self.not_closed == 0 and self.absent_off == 0


def count_back(client: httpx2.Client, registers: list[Register]) -> CountBack:
    counted = CountBack()
    for register in registers:
        detail = authorised(client, "GET", f"{SCHOOL}/registers/{register.id}")
        found = {s["student_id"]: (s["status"], s["minutes"]) for s in detail["students"]}
        sent = {mark.student_id: (mark.status, mark.minutes) for mark in register.marks}
        counted.sent += len(sent)
        counted.students += len(register.students)
        if set(found) != set(register.students):
            counted.problems.append(f"register {register.id}: the expected students changed")
        for student in register.students:
            expected = sent.get(student, ("present", None))
            actual = found.get(student)
            if student in sent and actual == expected:
                counted.found += 1
            elif student in sent:
                counted.problems.append(f"register {register.id}, student {student}: sent {expected}, found {actual}")
            elif actual != expected:
                counted.unexpected += 1
                counted.problems.append(f"register {register.id}, student {student}: sent nothing, found {actual}")
        if not detail["closed"]:
            counted.not_closed += 1
            counted.problems.append(f"register {register.id} is not closed")
        absences = sum(1 for mark in register.marks if mark.status == "absent")
        if detail["absent"] != absences:
            counted.absent_off += 1
            counted.problems.append(f"register {register.id}: absent {detail['absent']}, {absences} absences sent")
    return counted


# -- the run ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    backend: str
    day: Day
    passes: list[tuple[Pass, CountBack]]


def run_rush(backend: str, cluster: PostgresCluster | None, arguments: argparse.Namespace) -> list[Run]:
    """One demo school and one server; then, ``--runs`` times, a fresh day's rush and pairs."""
    with tempfile.TemporaryDirectory(prefix="cartable-bench-rush-") as data_dir:
        kind = Verbose if arguments.retries else Deployment
        deployment = kind(Path(data_dir), cluster.url if cluster else None)
        try:
            account = Account(deployment.demo(arguments.students))
        except subprocess.CalledProcessError as error:
            raise RuntimeError(f"cartable demo failed with {error.returncode}:\n{error.stderr}") from error
        runs = []
        workers = arguments.workers if cluster is not None else 1
        with (
            server(deployment, CHOSEN, workers) as running,
            httpx2.Client(base_url=running.url, timeout=TIMEOUT) as client,
        ):
            account.change_password(client)  # out of the provisional password, which allows nothing else
            client.headers["Authorization"] = f"Bearer {account.log_in(client)}"
            # A session per client, as each teacher has: a command made in a session also records its
            # changes in the session, so clients sharing one token all write to that one aggregate.
            tokens = [account.log_in(client) for _ in range(1 if arguments.shared_session else arguments.clients)]
            tokens *= arguments.clients // len(tokens)
            target = Target(running, tokens, cluster.data_dir if cluster else None)
            calendar = authorised(client, "GET", f"{SCHOOL}/calendar")
            for number, day in enumerate(rush_days(calendar, arguments.runs), start=1):
                prepared = prepare_day(client, day, random.Random(f"{arguments.seed}-{day.isoformat()}"))
                label = f"{backend.lower()}-{day.isoformat()}"
                passes = []
                for measure, registers in ((rush, prepared.morning), (pairs, prepared.afternoon)):
                    submitted = measure(target, registers, arguments.clients, label)
                    passes.append((submitted, count_back(client, registers)))
                run = Run(backend, prepared, passes)
                runs.append(run)
                print(f"{backend} run {number}/{arguments.runs}: {day}", file=sys.stderr)
                log = server_log(deployment, running)
                if arguments.retries:
                    for submitted, _ in passes:
                        submitted.retries = count_retries(log, submitted)
                trouble = list(troubles(run, log))
                if trouble:
                    print("\n".join(trouble), file=sys.stderr)
    return runs


@dataclass(frozen=True)
class Verbose(Deployment):
    """A deployment whose server logs at the info level, which names each command retried after a conflict."""

    def env(self) -> dict[str, str]:
        return {**super().env(), "CARTABLE_LOG_LEVEL": "info"}


def count_retries(log: Path, submitted: Pass) -> int:
    """How many times the server ran a command of this pass again after a version conflict."""
    requests = {answer.request_id for answer in submitted.answers}
    retried = 0
    for line in log.read_text(errors="replace").splitlines():
        if "command_conflict_retried" not in line:
            continue
        try:
            fields = json.loads(line)
        except json.JSONDecodeError:
            continue
        retried += fields.get("request_id") in requests
    return retried


def server_log(deployment: Deployment, running: Server) -> Path:
    """Where ``bench_login.server`` writes the server's output."""
    return deployment.data_dir / f"server-{running.url.rsplit(':', 1)[1]}.log"


def troubles(run: Run, log: Path) -> Iterator[str]:
    """Refused calls, lost or unexpected marks, with the server's log lines of the refused requests."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    for submitted, counted in run.passes:
        for answer in submitted.answers:
            if answer.status != 200:
                register = answer.submission.register_id
                yield f"{submitted.name}: {answer.request_id} register {register}: {answer.status} {answer.text}"
                quoted = f'"{answer.request_id}"'
                yield from (f"    server: {line}" for line in lines if quoted in line)
        yield from (f"{submitted.name}: {problem}" for problem in counted.problems[:50])


def row(day: date, submitted: Pass, counted: CountBack, target: float) -> str:
    timings = submitted.timings
    calls, seconds = len(submitted.answers), submitted.seconds
    measured = len(timings.seconds) > 1
    figures = [ms(timings.percentile(q)) for q in (50, 95, 99)] + [ms(max(timings.seconds))] if measured else ["-"] * 4
    ok = measured and timings.percentile(99) < target and counted.clean and not timings.errors
    return (
        f"| {day} | {submitted.name} | {submitted.registers} | {submitted.students:,} | {submitted.marks} "
        f"| {' | '.join(figures)} | {calls / seconds:.1f} | {submitted.marks / seconds:.1f} "
        f"| {ms(submitted.cores[0] * seconds / calls)} | {' / '.join(f'{c:.2f}' for c in submitted.cores)} "
        f"| {counted.found} | {counted.lost} ({submitted.refused_marks}) | {len(timings.errors)} | {met(ok)} |"
    )


def report(runs: list[Run], arguments: argparse.Namespace) -> list[str]:
    if not runs:
        return []
    backend = runs[0].backend
    target = P99_TARGET[backend]
    sessions = "one session shared by all" if arguments.shared_session else "a session each"
    workers = f", {arguments.workers} server processes" if backend == "PostgreSQL" and arguments.workers > 1 else ""
    lines = [
        f"{backend}{workers}: {arguments.clients} clients as SPR, {sessions}; "
        "rush = the morning's registers from a shared queue; "
        "pairs = the afternoon's, two clients per register at the same moment, half the marks each. "
        "Counted back from the attendance projection:",
        "",
        "| day | pass | registers | students | marks sent | p50 | p95 | p99 | max | calls/s | marks/s "
        "| server CPU per call | cores: server / clients / PostgreSQL / others | marks found "
        f"| lost (in refused calls) | refused calls | p99 < {target * 1000:.0f} ms, none lost |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines.extend(row(run.day.day, submitted, counted, target) for run in runs for submitted, counted in run.passes)
    lines.append("")
    for run in runs:
        made = f"{run.day.generated['created']} registers made in {run.day.generation_seconds * 1000:.0f} ms"
        passes = "; ".join(
            f"{submitted.name} {submitted.seconds:.2f} s, {submitted.total('changes')} events recorded "
            f"({submitted.marks} marks + {submitted.registers} closes expected), "
            f"{submitted.total('notified')} absence mails"
            + (f", {submitted.retries} commands retried after a conflict" if submitted.retries is not None else "")
            for submitted, _ in run.passes
        )
        lines.append(f"- {run.day.day}: {made}; {passes}")
    everything = [answer.seconds for run in runs for answer in run.passes[0][0].answers if answer.status == 200]
    if len(runs) > 1 and len(everything) > 1:
        merged = Timings(seconds=everything)
        lines.append(
            f"- rush, all {len(runs)} runs: {len(everything)} calls, p50 {ms(merged.percentile(50))}, "
            f"p99 {ms(merged.percentile(99))}, max {ms(max(everything))}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=16, help="threads submitting calls")
    parser.add_argument("--students", type=int, default=1200)
    parser.add_argument("--runs", type=int, default=1, help="rushes, each on a fresh day")
    parser.add_argument("--seed", type=int, default=2026, help="the marks' random draw")
    parser.add_argument(
        "--shared-session", action="store_true", help="every client with the same token (one session for all)"
    )
    parser.add_argument(
        "--retries", action="store_true", help="count the server's retried commands (its log at info level)"
    )
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL cluster")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes on PostgreSQL (cartable serve --workers)"
    )
    arguments = parser.parse_args()
    if arguments.clients < 2:
        parser.error("--clients takes at least 2 (the pairs pass)")

    print("\n".join([*machine(), *versions(None)[1:], ""]), flush=True)
    print("\n".join(report(run_rush("SQLite", None, arguments), arguments)), flush=True)
    if arguments.postgres:
        with PostgresCluster(dbname="cartable_bench") as cluster:
            print(f"\n{versions(cluster.url)[-1]} (throwaway cluster, fsync off)\n", flush=True)
            print("\n".join(report(run_rush("PostgreSQL", cluster, arguments), arguments)), flush=True)


if __name__ == "__main__":
    main()
