"""Login throughput with argon2id, and what continuous logins do to a directory read made at the same time.

Targets: with 4 clients logging in continuously, a login's p99 stays under 250 ms, and the p99 of a
directory read made at the same time is no worse than twice its idle value. The script first times
argon2id hashing and checking for the chosen parameters (``adapters/passwords.py``), OWASP's
configurations and argon2-cffi's defaults, in this process; then it creates a demo school of 1,200
students in a temporary data folder (``cartable demo``), starts ``cartable serve`` on a free loopback
port, and measures over HTTP. Figures go to ``BENCHMARKS.md``; they are printed, never asserted.
Run from the repository root::

    .venv/bin/python -m bench.bench_login [--clients 4] [--seconds 15] [--compare default 2,19456,1] [--postgres]

``--compare`` runs the same load against servers whose hasher uses other parameters (``T,M,P``:
passes, KiB, lanes; or ``default``, ``floor``): ``cartable serve``'s code path with another hasher.
Every login uses the right password: failed logins lock an account after 5 failures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from pathlib import Path

import httpx2
from argon2 import PasswordHasher, Type

from adapters import passwords
from adapters.passwords import Argon2Hasher
from api.bootstrap import build_bases
from api.cli import make_cli
from tests.pg_cluster import PostgresCluster

HOST = "127.0.0.1"
UAI = "0750655E"
CARTABLE = str(Path(sys.executable).parent / "cartable")
START_TIMEOUT = 30.0
LOGIN_P99_TARGET = 0.250
READ_P99_FACTOR = 2.0
SAMPLE_PASSWORD = "Cartable-banc-2026"


@dataclass(frozen=True)
class Params:
    """argon2id's cost: passes, memory in KiB, lanes."""

    time_cost: int
    memory_cost: int
    parallelism: int

    @classmethod
    def parse(cls, text: str) -> Params:
        if text in NAMED:
            return NAMED[text]
        try:
            time_cost, memory_cost, parallelism = (int(part) for part in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(f"parameters {text!r} are not T,M,P (e.g. 2,19456,1) nor a name") from None
        return cls(time_cost, memory_cost, parallelism)

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_cost, parallelism=self.parallelism, type=Type.ID
        )

    def __str__(self) -> str:
        return f"m={self.memory_cost / 1024:g} MiB, t={self.time_cost}, p={self.parallelism}"

    def argument(self) -> str:
        return f"{self.time_cost},{self.memory_cost},{self.parallelism}"


CHOSEN = Params(passwords.TIME_COST, passwords.MEMORY_COST_KIB, passwords.PARALLELISM)
_DEFAULT = PasswordHasher()
NAMED = {
    "default": Params(_DEFAULT.time_cost, _DEFAULT.memory_cost, _DEFAULT.parallelism),
    "floor": Params(2, 19_456, 1),
}
# OWASP's Password Storage Cheat Sheet: five argon2id configurations of equal strength, 19 MiB / t=2 first.
OWASP = [Params(1, 47_104, 1), Params(2, 19_456, 1), Params(3, 12_288, 1), Params(4, 9_216, 1), Params(5, 7_168, 1)]


# -- hashing alone --------------------------------------------------------------------------------


def time_hashing(params: Params, repeat: int) -> tuple[float, float]:
    """The median seconds of one hash and of one check, one at a time in this process."""
    hasher = params.hasher()
    stored = hasher.hash(SAMPLE_PASSWORD)
    hashes, checks = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        hasher.hash(SAMPLE_PASSWORD)
        hashes.append(time.perf_counter() - started)
        started = time.perf_counter()
        hasher.verify(stored, SAMPLE_PASSWORD)
        checks.append(time.perf_counter() - started)
    return statistics.median(hashes), statistics.median(checks)


def hashing_report(repeat: int, extra: list[Params]) -> list[str]:
    rows: dict[Params, str] = {CHOSEN: "chosen (adapters/passwords.py)", NAMED["default"]: "argon2-cffi default"}
    for params in OWASP:
        rows.setdefault(params, "OWASP")
    for params in extra:
        rows.setdefault(params, "compared")
    lines = [
        f"argon2id alone, one at a time, median of {repeat}:",
        "",
        "| parameters | | hash | verify |",
        "|---|---|---:|---:|",
    ]
    with OthersCpu() as others:
        for params, name in rows.items():
            hashed, checked = time_hashing(params, repeat)
            lines.append(f"| {params} | {name} | {hashed * 1000:.1f} ms | {checked * 1000:.1f} ms |")
    return [*lines, "", f"other processes meanwhile: {others.cores:.2f} cores"]


# -- a real server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    """A temporary installation: its data folder, and a PostgreSQL database when it runs on one."""

    data_dir: Path
    database_url: str | None

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("CARTABLE_")}
        env["CARTABLE_DATA_DIR"] = str(self.data_dir)
        env["CARTABLE_LOG_LEVEL"] = "warning"
        if self.database_url is not None:
            env["CARTABLE_DATABASE_URL"] = self.database_url
        return env

    def demo(self, students: int) -> str:
        """``cartable demo --json``: the super-admin's one-time password."""
        result = subprocess.run(
            [CARTABLE, "demo", "--uai", UAI, "--students", str(students), "--json"],
            env=self.env(),
            cwd=self.data_dir,
            capture_output=True,
            text=True,
            check=True,
        )
        password: str = json.loads(result.stdout)["password"]
        return password


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """The CPU time the server has used so far, user and system, its worker processes included
        (``cartable serve --workers N``; Linux ``/proc``; 0 elsewhere)."""
        return sum(_cpu_seconds(pid) for pid in (self.pid, *_children(self.pid)))


def _cpu_seconds(pid: int) -> float:
    fields = _lines(f"/proc/{pid}/stat")
    if not fields:
        return 0.0
    user, system = fields[0].rsplit(")", 1)[1].split()[11:13]
    return (int(user) + int(system)) / os.sysconf("SC_CLK_TCK")


def _children(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (field 4 of ``/proc/<pid>/stat``)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _lines(f"{entry}/stat")
        if fields and int(fields[0].rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


@contextmanager
def server(deployment: Deployment, params: Params, workers: int = 1) -> Iterator[Server]:
    """``cartable serve`` on a free port (another hasher through this module), stopped with SIGTERM."""
    port = free_port()
    if params == CHOSEN:
        command = [CARTABLE, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    else:
        command = [sys.executable, "-m", "bench.bench_login", "--serve", params.argument(), "--port", str(port)]
    log = deployment.data_dir / f"server-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=deployment.env(), cwd=Path.cwd(), stdin=subprocess.DEVNULL, stdout=output, stderr=output
        )
    url = f"http://{HOST}:{port}"
    try:
        wait_until_healthy(process, url, log)
        yield Server(url, process.pid)
    except Exception:
        print(f"the server's output:\n{log.read_text(errors='replace')[-5000:]}", file=sys.stderr)
        raise
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx2.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer /healthz within {START_TIMEOUT} s")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def serve_with(params: Params, port: int) -> None:
    """``cartable serve`` whose hasher uses ``params``: the parameters compared with the chosen ones."""
    hasher = Argon2Hasher(params.hasher())
    make_cli(lambda settings: build_bases(settings, hasher=hasher))(["serve", "--host", HOST, "--port", str(port)])


# -- load -----------------------------------------------------------------------------------------


@dataclass
class Account:
    """The super-admin (SPR) of the demo school, whose password each server run changes."""

    password: str

    def log_in(self, client: httpx2.Client) -> str:
        response = client.post("/auth/login", json={"uai": UAI, "login": "SPR", "password": self.password})
        if response.status_code != 200:
            raise RuntimeError(f"login refused ({response.status_code}): {response.text}")
        token: str = response.json()["token"]
        return token

    def change_password(self, client: httpx2.Client) -> None:
        """A new password, hashed by the server at hand: logins then check a hash made with its parameters."""
        new = f"Banc-{secrets.token_hex(6)}-Login7"
        token = self.log_in(client)
        response = client.post(
            "/auth/password",
            json={"current_password": self.password, "new_password": new},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 204:
            raise RuntimeError(f"password change refused ({response.status_code}): {response.text}")
        self.password = new


@dataclass
class Timings:
    """Seconds taken by the requests of one kind, and those refused."""

    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[q - 1]


def repeat_until(deadline: float, request: Callable[[], httpx2.Response], into: Timings) -> None:
    """Send ``request`` back to back until ``deadline``; stop at the first answer that is not a 200."""
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        response = request()
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            into.errors.append(f"{response.status_code}: {response.text[:200]}")
            return
        into.seconds.append(elapsed)


@dataclass(frozen=True)
class LoadFigures:
    params: Params
    seconds: float
    logins: Timings
    idle: Timings
    loaded: Timings
    cores: tuple[float, float]  # CPU used during the load by the server and by this process (the clients)
    others: tuple[float, float]  # cores used by other processes than the server and this one: idle, loaded

    @property
    def login_rate(self) -> float:
        return len(self.logins.seconds) / self.seconds

    @property
    def login_met(self) -> bool:
        return self.logins.percentile(99) < LOGIN_P99_TARGET

    @property
    def read_ratio(self) -> float:
        return self.loaded.percentile(99) / self.idle.percentile(99)


def measure_load(server: Server, params: Params, account: Account, arguments: argparse.Namespace) -> LoadFigures:
    """Idle directory reads, then ``--clients`` threads logging in back to back while one thread reads."""
    url, timeout = server.url, httpx2.Timeout(30.0)
    with httpx2.Client(base_url=url, timeout=timeout) as reader:
        account.change_password(reader)
        headers = {"Authorization": f"Bearer {account.log_in(reader)}"}
        classes = reader.get(f"/schools/{UAI}/classes", headers=headers).json()["items"]
        path, query = f"/schools/{UAI}/students", {"class_code": classes[0]["code"]}

        def read() -> httpx2.Response:
            return reader.get(path, params=query, headers=headers)

        idle = Timings()
        repeat_until(time.perf_counter() + 1.0, read, Timings())  # warm-up
        with OthersCpu(server) as others_idle:
            repeat_until(time.perf_counter() + arguments.idle_seconds, read, idle)

        body = {"uai": UAI, "login": "SPR", "password": account.password}
        login_clients = [httpx2.Client(base_url=url, timeout=timeout) for _ in range(arguments.clients)]
        logins, loaded = Timings(), Timings()  # the login threads share one list: appends are atomic
        with OthersCpu(server) as others_loaded:
            started = time.perf_counter()
            deadline = started + arguments.seconds
            threads = [
                threading.Thread(
                    target=repeat_until, args=(deadline, partial(c.post, "/auth/login", json=body), logins)
                )
                for c in login_clients
            ]
            for thread in threads:
                thread.start()
            repeat_until(deadline, read, loaded)
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        for client in login_clients:
            client.close()
    if logins.errors or idle.errors or loaded.errors:
        raise RuntimeError(f"unexpected answers: {logins.errors + idle.errors + loaded.errors}")
    others = (others_idle.cores, others_loaded.cores)
    used = (others_loaded.server_cores, others_loaded.own_cores)
    return LoadFigures(params, elapsed, logins, idle, loaded, used, others)


def load_report(figures: list[LoadFigures], clients: int, backend: str) -> list[str]:
    lines = [
        f"{backend}: {clients} clients logging in back to back as SPR while 1 client reads one class of the "
        "directory back to back; idle = the same reads just before, alone:",
        "",
        "| parameters | logins/s | login p50 | login p99 | read p50 idle → loaded | read p99 idle → loaded "
        "| cores: server / clients | other processes' cores idle → loaded | login p99 < 250 ms | read p99 ≤ 2 × idle |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.params} | {f.login_rate:.1f} | {ms(f.logins.percentile(50))} | {ms(f.logins.percentile(99))} "
            f"| {ms(f.idle.percentile(50))} → {ms(f.loaded.percentile(50))} "
            f"| {ms(f.idle.percentile(99))} → {ms(f.loaded.percentile(99))} (×{f.read_ratio:.2f}) "
            f"| {f.cores[0]:.2f} / {f.cores[1]:.2f} | {f.others[0]:.2f} → {f.others[1]:.2f} "
            f"| {met(f.login_met)} | {met(f.read_ratio <= READ_P99_FACTOR)} |"
        )
    counts = "; ".join(
        f"{len(f.logins.seconds):,}, {len(f.idle.seconds):,}, {len(f.loaded.seconds):,}" for f in figures
    )
    lines += ["", f"requests per row (logins, idle reads, loaded reads): {counts}"]
    if backend == "PostgreSQL":
        lines.append("(PostgreSQL's own processes count among the other processes)")
    return lines


class OthersCpu:
    """The CPU that the server and the rest of the machine use over a ``with`` block, in cores.

    The rest is every process but the server and this one: other work on a shared machine, which
    the figures must be read against.
    """

    def __init__(self, server: Server | None = None) -> None:
        self._server = server
        self.server_cores = self.own_cores = self.cores = 0.0

    def _now(self) -> tuple[float, float, float, float]:
        served = self._server.cpu_seconds() if self._server else 0.0
        return time.perf_counter(), busy_seconds(), served, time.process_time()

    def __enter__(self) -> OthersCpu:
        self._start = self._now()
        return self

    def __exit__(self, *_: object) -> None:
        wall, machine, served, own = (end - start for start, end in zip(self._start, self._now(), strict=True))
        self.server_cores, self.own_cores = served / wall, own / wall
        self.cores = max(0.0, machine - served - own) / wall


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy, all cores (Linux ``/proc/stat``; 0 elsewhere)."""
    lines = _lines("/proc/stat")
    if not lines:
        return 0.0
    ticks = [int(value) for value in lines[0].split()[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def met(target: bool) -> str:
    return "met" if target else "**not met**"


# -- the run --------------------------------------------------------------------------------------


def run_load(backend: str, database_url: str | None, arguments: argparse.Namespace) -> list[str]:
    """One demo school; then, ``--runs`` times, one server per parameter set, each under the same load."""
    with tempfile.TemporaryDirectory(prefix="cartable-bench-login-") as data_dir:
        deployment = Deployment(Path(data_dir), database_url)
        account = Account(deployment.demo(arguments.students))
        figures = []
        for _ in range(arguments.runs):
            for params in [CHOSEN, *arguments.compare]:
                with server(deployment, params) as running:
                    figures.append(measure_load(running, params, account, arguments))
    return load_report(figures, arguments.clients, backend)


def machine() -> list[str]:
    """What the figures ran on: they mean little without it."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    memory = next((line.split()[1] for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), "0")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores; RAM: {int(memory) / 1024**2:.1f} GiB; {platform.platform()}",
        f"Python {platform.python_version()}; argon2-cffi {version('argon2-cffi')}; "
        f"argon2-cffi-bindings {version('argon2-cffi-bindings')}; uvicorn {version('uvicorn')}; "
        f"httpx2 {version('httpx2')}; SQLite {sqlite3.sqlite_version}",
        f"load average before the run: {load}",
    ]


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=4, help="threads logging in back to back")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the load")
    parser.add_argument("--idle-seconds", type=float, default=15.0, help="length of the idle directory reads")
    parser.add_argument("--students", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=15, help="hashes and checks timed per parameter set")
    parser.add_argument("--runs", type=int, default=1, help="load runs per parameter set, interleaved")
    parser.add_argument("--compare", type=Params.parse, nargs="*", default=[], metavar="T,M,P")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL cluster")
    parser.add_argument("--serve", type=Params.parse, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve is not None:
        serve_with(arguments.serve, arguments.port)
        return

    print("\n".join(machine()))
    print(f"chosen: {CHOSEN}; argon2-cffi default: {NAMED['default']}; OWASP floor: {NAMED['floor']}")
    print()
    print("\n".join(hashing_report(arguments.repeat, arguments.compare)))
    print()
    print("\n".join(run_load("SQLite", None, arguments)))
    if arguments.postgres:
        with PostgresCluster(dbname="cartable_bench") as cluster:
            print()
            print("\n".join(run_load("PostgreSQL", cluster.url, arguments)))


if __name__ == "__main__":
    main()
