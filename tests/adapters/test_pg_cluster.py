"""Checks that the throwaway PostgreSQL cluster helper really works.

Every database-backed test builds on :class:`PostgresCluster`, so a broken
helper would show up as confusing failures elsewhere; this test pins down
its contract directly: a usable database at ``.url``, nothing left behind.
"""

from __future__ import annotations

import psycopg
import pytest

from tests.pg_cluster import PostgresCluster


def test_cluster_serves_a_writable_database_and_cleans_up() -> None:
    with PostgresCluster() as cluster:
        assert cluster.running
        assert cluster.url.endswith("/cartable_test")
        base_dir = cluster.base_dir
        admin_url = cluster.admin_url
        data_dir = cluster.data_dir
        assert (data_dir / "PG_VERSION").is_file()

        with psycopg.connect(cluster.url) as conn:
            conn.execute("CREATE SCHEMA cartable")
            conn.execute("CREATE TABLE cartable.pupils (id integer PRIMARY KEY, name text NOT NULL)")
            conn.execute("INSERT INTO cartable.pupils (id, name) VALUES (%s, %s)", (1, "Zoé"))
            conn.commit()

        with psycopg.connect(cluster.url) as conn:
            row = conn.execute(
                "SELECT name, current_database() FROM cartable.pupils WHERE id = %s",
                (1,),
            ).fetchone()
        assert row == ("Zoé", "cartable_test")

    assert not cluster.running
    assert not data_dir.exists()
    assert not base_dir.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(admin_url, connect_timeout=2).close()
