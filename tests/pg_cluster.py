"""A real, throwaway PostgreSQL cluster for the test suite.

Cartable's event store and projections rely on PostgreSQL behaviour (locking,
transactional DDL, ``LISTEN``/``NOTIFY``) that fakes and SQLite cannot
reproduce faithfully, so integration tests run against a genuine server.
Rather than depending on a shared, long-lived database (whose state leaks
between runs and between developers), each :class:`PostgresCluster` creates a
private cluster in a temporary directory, tuned for speed rather than
durability, and removes every trace of it when stopped.

Typical use::

    with PostgresCluster() as cluster:
        engine = create_engine(cluster.url)
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Final, Self

import psycopg
from psycopg import sql

__all__ = ["PostgresCluster", "PostgresClusterError", "find_pg_binary"]

#: The system account used to run the server when the tests run as root,
#: because ``initdb`` and ``postgres`` refuse to run with root privileges.
SERVICE_USER: Final = "postgres"

#: Superuser role created by ``initdb``; authentication is ``trust`` so no
#: password is needed (the server only listens on loopback and a private
#: socket directory).
SUPERUSER: Final = "postgres"

HOST: Final = "127.0.0.1"

#: Durability is pointless for a cluster that is deleted after the tests, and
#: turning it off makes schema creation and inserts much faster.
_SERVER_SETTINGS: Final[dict[str, str]] = {
    "listen_addresses": f"'{HOST}'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "'32MB'",
    "log_min_messages": "warning",
}

#: How many times to retry start-up when the chosen port gets taken by
#: another process between picking it and the server binding it.
_START_ATTEMPTS: Final = 3


class PostgresClusterError(RuntimeError):
    """Raised when the throwaway cluster cannot be created or started."""


def find_pg_binary(name: str) -> str:
    """Return the path of a PostgreSQL server binary such as ``initdb``.

    ``PATH`` is tried first so a developer can choose a specific version;
    Debian-style ``/usr/lib/postgresql/<version>/bin`` directories, which are
    not on ``PATH`` by default, are the fallback (newest version first).
    """
    found = shutil.which(name)
    if found is not None:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")

    def version_key(path: str) -> tuple[int, str]:
        version = Path(path).parent.parent.name
        return (int(version), version) if version.isdigit() else (-1, version)

    for candidate in sorted(candidates, key=version_key, reverse=True):
        if os.access(candidate, os.X_OK):
            return candidate
    raise PostgresClusterError(
        f"PostgreSQL binary {name!r} not found on PATH nor in "
        "/usr/lib/postgresql/*/bin; install the PostgreSQL server package."
    )


def _free_port() -> int:
    """Ask the kernel for a currently unused loopback TCP port.

    There is an unavoidable race between releasing the port here and the
    server binding it; :meth:`PostgresCluster.start` retries to cover it.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class PostgresCluster:
    """A private PostgreSQL server living in a temporary directory.

    The cluster is created and started by :meth:`start` (or on entering the
    context manager) and fully destroyed by :meth:`stop` (or on exit), so a
    test session never depends on, nor pollutes, any pre-existing database.
    """

    def __init__(self, dbname: str = "cartable_test") -> None:
        """Prepare (but do not start) a cluster whose test database is *dbname*."""
        self.dbname: Final = dbname
        self._initdb: Final = find_pg_binary("initdb")
        self._pg_ctl: Final = find_pg_binary("pg_ctl")
        self._as_service_user: Final = os.geteuid() == 0
        self._base_dir: Path | None = None
        self._port: int | None = None
        self._running = False

    # -- public properties -------------------------------------------------

    @property
    def port(self) -> int:
        """TCP port the server listens on (only valid once started)."""
        if self._port is None:
            raise PostgresClusterError("the cluster has not been started")
        return self._port

    @property
    def base_dir(self) -> Path:
        """Temporary directory holding data, socket and log; removed on stop."""
        if self._base_dir is None:
            raise PostgresClusterError("the cluster has not been started")
        return self._base_dir

    @property
    def data_dir(self) -> Path:
        """The cluster's ``PGDATA`` directory."""
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        """Directory of the server's Unix socket (private to this cluster)."""
        return self.base_dir / "sock"

    @property
    def log_file(self) -> Path:
        """Server log, quoted in errors to make start-up failures debuggable."""
        return self.base_dir / "server.log"

    @property
    def admin_url(self) -> str:
        """URL of the ``postgres`` maintenance database, for admin statements."""
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/postgres"

    @property
    def url(self) -> str:
        """URL of the test database, suitable for psycopg and SQLAlchemy."""
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{self.dbname}"

    @property
    def running(self) -> bool:
        """Whether the server is currently started by this object."""
        return self._running

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> Self:
        """Create the cluster, start the server and create the test database.

        On any failure everything created so far is removed and a
        :class:`PostgresClusterError` carrying the server log is raised.
        """
        if self._running:
            raise PostgresClusterError("the cluster is already running")
        try:
            self._make_base_dir()
            self._run(
                [
                    self._initdb,
                    "-D",
                    str(self.data_dir),
                    "-A",
                    "trust",
                    "-U",
                    SUPERUSER,
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
                what="initdb",
            )
            self._start_server()
            self._running = True
            atexit.register(self.stop)
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop the server immediately and delete its temporary directory.

        ``immediate`` mode is used because the data is disposable, so a clean
        checkpoint would only waste time. Safe to call more than once.
        """
        atexit.unregister(self.stop)
        if self._running:
            self._running = False
            # The server may already be gone; cleanup must go on.
            with contextlib.suppress(PostgresClusterError):
                self._run(
                    [
                        self._pg_ctl,
                        "-D",
                        str(self.data_dir),
                        "-m",
                        "immediate",
                        "-w",
                        "stop",
                    ],
                    what="pg_ctl stop",
                )

        if self._base_dir is not None:
            shutil.rmtree(self._base_dir, ignore_errors=True)
            self._base_dir = None
        self._port = None

    def __enter__(self) -> Self:
        """Start the cluster so that ``with PostgresCluster() as c:`` works."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Always stop the cluster, even when the block raised."""
        self.stop()

    # -- internals -----------------------------------------------------------

    def _make_base_dir(self) -> None:
        """Create the temporary directory, owned by whoever runs the server."""
        self._base_dir = Path(tempfile.mkdtemp(prefix="cartable-pg-"))
        self.socket_dir.mkdir()
        if self._as_service_user:
            try:
                account = pwd.getpwnam(SERVICE_USER)
            except KeyError:
                raise PostgresClusterError(
                    f"running as root, but there is no {SERVICE_USER!r} system user "
                    "to run PostgreSQL as (initdb refuses to run as root)"
                ) from None
            for path in (self.base_dir, self.socket_dir):
                os.chown(path, account.pw_uid, account.pw_gid)

    def _wrap(self, argv: list[str]) -> list[str]:
        """Prefix *argv* so it runs as the service user when we are root."""
        if not self._as_service_user:
            return argv
        runuser = shutil.which("runuser")
        if runuser is not None:
            return [runuser, "-u", SERVICE_USER, "--", *argv]
        su = shutil.which("su")
        if su is not None:
            return [su, SERVICE_USER, "-c", shlex.join(argv)]
        raise PostgresClusterError(
            f"running as root but neither 'runuser' nor 'su' is available to switch to the {SERVICE_USER!r} user"
        )

    def _run(self, argv: list[str], *, what: str) -> None:
        """Run a PostgreSQL tool, turning a failure into a detailed error."""
        # The tool's cwd must be readable by the service user, which the
        # caller's cwd (for instance /root) may not be.
        result = subprocess.run(
            self._wrap(argv),
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if result.returncode != 0:
            raise PostgresClusterError(
                f"{what} failed (exit code {result.returncode}).\n"
                f"command: {shlex.join(argv)}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                f"server log:\n{self._read_log()}"
            )

    def _read_log(self) -> str:
        """Return the server log, or a note when there is none yet."""
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return "(no server log)"

    def _start_server(self) -> None:
        """Configure a free port and start the server, retrying port races."""
        last_error: PostgresClusterError | None = None
        for _ in range(_START_ATTEMPTS):
            self._port = _free_port()
            self._write_settings()
            try:
                self._run(
                    [
                        self._pg_ctl,
                        "-D",
                        str(self.data_dir),
                        "-l",
                        str(self.log_file),
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ],
                    what="pg_ctl start",
                )
                return
            except PostgresClusterError as error:
                last_error = error
                if "could not bind" not in self._read_log():
                    raise
        assert last_error is not None
        raise last_error

    def _write_settings(self) -> None:
        """Write this run's settings to ``postgresql.auto.conf``.

        The auto file is read last, so these override the defaults and are
        simply rewritten when a start-up attempt retries with another port.
        """
        settings = {
            **_SERVER_SETTINGS,
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
        }
        content = "".join(f"{key} = {value}\n" for key, value in settings.items())
        auto_conf = self.data_dir / "postgresql.auto.conf"
        # Overwrite in place so ownership (the service user) is preserved.
        with auto_conf.open("w", encoding="utf-8") as handle:
            handle.write(content)

    def _create_database(self) -> None:
        """Create the empty test database that :attr:`url` points to."""
        try:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.dbname)))
        except psycopg.Error as error:
            raise PostgresClusterError(
                f"could not create database {self.dbname!r}: {error}\nserver log:\n{self._read_log()}"
            ) from error
