"""``cartable serve --workers 2`` on PostgreSQL: two processes share the port and the database.

Each worker has its own registry, caches, pools and request slots; what one writes, the other reads
(the writer's projections are caught up before it answers), and licences are counted across both.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.api_client import ApiClient
from tests.e2e.conftest import (
    CARTABLE,
    CLEAN_EXITS,
    CLI_TIMEOUT,
    LOUIS_LE_GRAND,
    Deployment,
    ServerProcess,
    fresh_database,
)
from tests.pg_cluster import PostgresCluster

NEW_PASSWORD = "Cahier-de-textes-2026"

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def postgres_deployment(postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    root = tmp_path_factory.mktemp("e2e-workers")
    (root / "data").mkdir()
    (root / "logs").mkdir()
    return Deployment("postgres", root / "data", fresh_database(postgres_cluster), root / "logs")


@pytest.fixture(scope="module")
def workers(postgres_deployment: Deployment) -> Iterator[ServerProcess]:
    process = ServerProcess(postgres_deployment, "--workers", "2")
    process.start()
    yield process
    code = process.stop()
    assert code in CLEAN_EXITS, f"the server exited with {code} on SIGTERM\n{process.output()}"


def test_two_workers_answer_and_each_reads_what_the_other_wrote(
    postgres_deployment: Deployment, workers: ServerProcess
) -> None:
    main = postgres_deployment.create_school(LOUIS_LE_GRAND, "Lycée Louis-le-Grand")
    started = re.findall(r"worker_started\s+pid=(\d+)", workers.output())
    assert len(set(started)) == 2, workers.output()[-3000:]
    base = f"/schools/{main.uai}"
    with (
        ApiClient(workers.url) as anonymous,
        anonymous.first_login(main.uai, main.login, main.password, NEW_PASSWORD) as admin,
    ):
        for number in range(12):
            # A new connection each time: the kernel hands them to either worker.
            with ApiClient(workers.url, admin.token) as writer, ApiClient(workers.url, admin.token) as reader:
                code = f"2{chr(ord('A') + number)}"
                writer.created(f"{base}/classes", {"code": code, "label": f"Seconde {code}", "level": "2NDE"})
                listed = {item["code"] for item in reader.ok(f"{base}/classes")["items"]}
                assert code in listed


def test_workers_need_postgresql(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    deployment = Deployment("sqlite", tmp_path / "data", None, tmp_path)
    result = subprocess.run(
        [CARTABLE, "serve", "--port", "8999", "--workers", "2"],
        env=deployment.env(),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2
    assert "--workers needs CARTABLE_DATABASE_URL" in result.stderr
