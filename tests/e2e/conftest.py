"""Real server processes for the end-to-end tests, on SQLite and on the throwaway PostgreSQL.

A :class:`Deployment` is where one server keeps its data (a data folder, or a database of the session
cluster of ``tests/conftest.py``) and runs the ``cartable`` command line there, as an operator would;
a :class:`ServerProcess` is ``cartable serve`` on a free loopback port, stopped with SIGTERM. Only the
child processes get ``CARTABLE_*`` variables: ``os.environ`` of the test process is left alone.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import psycopg
import pytest
from psycopg import sql

from tests.pg_cluster import PostgresCluster

HOST = "127.0.0.1"
LOUIS_LE_GRAND = "0750655E"
HENRI_IV = "0750654D"
CARTABLE = str(Path(sys.executable).parent / "cartable")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
CLI_TIMEOUT = 120.0
CLEAN_EXITS = {0, -signal.SIGTERM}

_databases = itertools.count(1)


@dataclass(frozen=True)
class Credentials:
    uai: str
    year: int
    login: str
    password: str


@dataclass(frozen=True)
class Deployment:
    """One installation: the data folder, and the PostgreSQL database when it runs on PostgreSQL."""

    backend: str
    data_dir: Path
    database_url: str | None
    logs: Path
    settings: tuple[tuple[str, str], ...] = ()  # more CARTABLE_* settings, e.g. the SMTP server

    def env(self) -> dict[str, str]:
        """The environment of its processes: this deployment's ``CARTABLE_*`` settings and no others."""
        env = {key: value for key, value in os.environ.items() if not key.startswith("CARTABLE_")}
        env["CARTABLE_DATA_DIR"] = str(self.data_dir)
        env["CARTABLE_LOG_JSON"] = "false"
        if self.database_url is not None:
            env["CARTABLE_DATABASE_URL"] = self.database_url
        env.update(self.settings)
        return env

    def cartable(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``cartable ARGS`` to completion; a failure shows its output."""
        result = subprocess.run(
            [CARTABLE, *args],
            env=self.env(),
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(
                f"cartable {' '.join(args)} exited with {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def cartable_json(self, *args: str) -> dict[str, Any]:
        """Run ``cartable ARGS --json``; its one JSON object."""
        payload: dict[str, Any] = json.loads(self.cartable(*args, "--json").stdout)
        return payload

    def create_school(self, uai: str, name: str) -> Credentials:
        """``cartable school create``: the base of the current year, with its one-time credentials."""
        created = self.cartable_json("school", "create", "--uai", uai, "--name", name)
        return Credentials(
            uai=created["uai"], year=created["year"], login=created["login"], password=created["password"]
        )


class ServerProcess:
    """``cartable serve`` of one deployment, in its own process; restarts keep the port."""

    def __init__(self, deployment: Deployment, *options: str) -> None:
        self.deployment = deployment
        self.options = options  # more ``cartable serve`` options, e.g. ``--workers 2``
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = deployment.logs / f"server-{self.port}.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self._process is not None:
            raise RuntimeError("the server is already running")
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [CARTABLE, "serve", "--host", HOST, "--port", str(self.port), *self.options],
                env=self.deployment.env(),
                cwd=self.deployment.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def stop(self) -> int:
        """SIGTERM, as systemd stops the service; the exit code.

        After its graceful shutdown uvicorn raises the signal it caught again, so a clean stop ends
        with ``-SIGTERM`` (or 0 with older versions).
        """
        process, self._process = self._process, None
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError(f"the server ignored SIGTERM for {STOP_TIMEOUT} s\n{self.output()}") from None

    def restart(self) -> None:
        code = self.stop()
        if code not in CLEAN_EXITS:
            raise AssertionError(f"the server exited with {code} on SIGTERM\n{self.output()}")
        self.start()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else "(no output)"

    @property
    def pid(self) -> int:
        if self._process is None:
            raise RuntimeError("the server is not running")
        return self._process.pid

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                code = self._process.returncode
                self._process = None
                raise AssertionError(f"the server exited with {code} while starting\n{self.output()}")
            try:
                if httpx2.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"the server did not answer /healthz within {START_TIMEOUT} s\n{self.output()}")


def free_port() -> int:
    """A loopback port nobody listens on now (uvicorn binds with SO_REUSEADDR, so restarts can keep it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def fresh_database(cluster: PostgresCluster) -> str:
    """A new, empty database on the session cluster, so no other test's schemas are in sight."""
    name = f"cartable_e2e_{next(_databases)}"
    with psycopg.connect(cluster.admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgresql://postgres@{HOST}:{cluster.port}/{name}"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def deployment(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    """An empty installation: SQLite files in a data folder, or a fresh database of the session cluster."""
    backend: str = request.param
    root = tmp_path_factory.mktemp(f"e2e-{backend}")
    (root / "data").mkdir()
    (root / "logs").mkdir()
    url = fresh_database(request.getfixturevalue("postgres_cluster")) if backend == "postgres" else None
    return Deployment(backend=backend, data_dir=root / "data", database_url=url, logs=root / "logs")


@dataclass(frozen=True)
class Schools:
    """The two schools of a deployment: the one the scenario fills, and another one next to it."""

    main: Credentials
    other: Credentials


@pytest.fixture(scope="module")
def schools(deployment: Deployment) -> Schools:
    """Two bases created with ``cartable school create --json``, as an operator would before serving."""
    return Schools(
        main=deployment.create_school(LOUIS_LE_GRAND, "Lycée Louis-le-Grand"),
        other=deployment.create_school(HENRI_IV, "Lycée Henri-IV"),
    )


@pytest.fixture(scope="module")
def server(deployment: Deployment, schools: Schools) -> Iterator[ServerProcess]:
    """A running server over the deployment's schools, stopped with SIGTERM after the module."""
    process = ServerProcess(deployment)
    process.start()
    yield process
    code = process.stop()
    assert code in CLEAN_EXITS, f"the server exited with {code} on SIGTERM\n{process.output()}"
