"""After PostgreSQL restarts, the running application recovers on its own (no restart of the app).

The application runs under gunicorn (the production server and configuration) against a private
PostgreSQL cluster this test creates (tests/hardening/conftest.py), so the shared server that other
test runs use is never touched.
"""

import os
import subprocess
import sys

import psycopg
import pytest

from tests.hardening.conftest import WebClient
from tests.processes import ROOT, WebServer

PASSWORD = "restart-test-password-42"


def copy_schema(source: dict, target_url: str) -> None:
    """Copy the migrated schema of the test database into the private cluster (much faster than migrating)."""
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-h", source["HOST"] or "127.0.0.1",
         "-p", str(source["PORT"] or 5432), "-U", source["USER"] or "postgres", source["NAME"]],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PGPASSWORD": source["PASSWORD"] or ""},
    )  # fmt: skip
    assert dump.returncode == 0, dump.stderr
    load = subprocess.run(
        ["psql", "-q", "-v", "ON_ERROR_STOP=1", target_url],
        input=dump.stdout, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert load.returncode == 0, load.stderr


@pytest.fixture
def app_database(private_postgres, db):
    from django.db import connection

    with psycopg.connect(private_postgres.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE postmortems")
    url = private_postgres.url("postmortems")
    copy_schema(connection.settings_dict, url)
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_NAME"}
    env.update(DATABASE_URL=url, DATABASE_POOL="false")
    setup = (
        "import django; django.setup();"
        "from accounts.models import User, Team;"
        f"User.objects.create_user('priya', password={PASSWORD!r});"
        "Team.objects.create(name='Payments', slug='payments')"
    )
    result = subprocess.run(
        [sys.executable, "-c", setup], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return url


def serve(database_url: str, log_path, **extra) -> WebServer:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DATABASE_URL=database_url, DEBUG="false", **extra)
    return WebServer(env, log_path).launch()


def test_requests_succeed_right_after_postgresql_restarts(private_postgres, app_database, tmp_path):
    servers = {
        "psycopg pool": serve(app_database, tmp_path / "pooled.log"),
        "persistent connections": serve(
            app_database, tmp_path / "persistent.log", DATABASE_POOL="false", DATABASE_CONN_MAX_AGE="600"
        ),
    }
    try:
        for server in servers.values():
            server.wait_until_ready()
        clients = {}
        for name, server in servers.items():
            client = clients[name] = WebClient(server.url)
            status, headers, _ = client.log_in("priya", PASSWORD)
            assert status == 302, (name, server.output())
            status, _, page = client.get("/teams/")
            assert status == 200 and "Payments" in page, (name, server.output())

        private_postgres.restart()

        for name, client in clients.items():
            # The very first request after the restart already works: dead connections are replaced.
            for _ in range(3):
                status, _, page = client.get("/teams/")
                assert status == 200, (name, servers[name].output()[-3000:])
                assert "Payments" in page
    finally:
        for server in servers.values():
            server.stop()
