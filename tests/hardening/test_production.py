"""The production configuration on a real server: gunicorn with gunicorn.conf.py, WhiteNoise serving the
collected static files, HTTPS behaviour and security headers, secure cookies, JSON logs without client
addresses."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.factories import UserFactory
from tests.hardening.conftest import WebClient
from tests.processes import ROOT, WebServer, service_env

SECRET = "a-long-random-production-secret-8f3b1c9e7d2a4f6b0c5e"
PASSWORD = "production-test-password-17"
CLIENT_ADDRESS = "203.0.113.50"


def production_env(**extra) -> dict[str, str]:
    env = service_env(
        DJANGO_ENV="production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        TRUSTED_PROXY_COUNT="1",
        **extra,
    )
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT"):
        env.pop(name, None)
    return env


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def production_server(transactional_db, tmp_path):
    static_root = tmp_path / "static"
    env = production_env(STATIC_ROOT=str(static_root))
    collected = run_manage(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    server = WebServer(env, tmp_path / "gunicorn.log").start()
    yield server, static_root
    server.stop()


def json_lines(output: str) -> list[dict]:
    lines = [line for line in output.splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"a log line that is not JSON: {line!r}")
    return records


def test_production_server_end_to_end(production_server):
    server, static_root = production_server
    person = UserFactory(username="priya")
    # Few iterations keep the test quick; the server verifies whatever the stored hash says.
    person.password = PBKDF2PasswordHasher().encode(PASSWORD, "pepper-salt", iterations=1000)
    person.save()

    # Collected with hashed, compressed names.
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["css/app.css"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", hashed_css)
    assert (static_root / (hashed_css + ".gz")).exists()

    plain = WebClient(server.url)
    status, headers, _ = plain.get("/login/")
    assert status == 301 and headers["Location"] == f"https://127.0.0.1:{server.port}/login/"
    status, _, health = plain.get("/healthz")
    assert status in {200, 503} and json.loads(health)["database"] == "ok"

    browser = WebClient(server.url, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": CLIENT_ADDRESS})
    status, headers, page = browser.get("/login/")
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert f"/static/{hashed_css}" in page
    csrf_cookie = next(c for c in browser.set_cookies if c.startswith("csrftoken="))
    assert "Secure" in csrf_cookie and "SameSite=Lax" in csrf_cookie

    status, headers, _ = browser.get(f"/static/{hashed_css}", headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]

    status, _, page = browser.log_in("priya", "not the password", scheme="https")
    assert status == 200 and "correct username and password" in page
    status, headers, _ = browser.log_in("priya", PASSWORD, scheme="https")
    assert status == 302, server.output()[-2000:]
    session_cookie = next(c for c in browser.set_cookies if c.startswith("sessionid="))
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in session_cookie
    status, _, page = browser.get("/teams/")
    assert status == 200

    # A request gunicorn cannot parse, so that it logs an "Invalid request from ip=..." line.
    with socket.create_connection(("127.0.0.1", server.port)) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")
        raw.recv(1024)

    server.stop()
    records = json_lines(server.output())
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert any('"GET /login/" 200' in r["message"] for r in access)
    assert any('"POST /login/" 302' in r["message"] for r in access)
    failed = [r for r in records if r["logger"] == "accounts.login"]
    assert failed and failed[0]["level"] == "WARNING"
    assert failed[0]["message"] == f"Failed sign-in for username 'priya' from {CLIENT_ADDRESS}"
    assert any("Invalid request from" in r["message"] for r in records)
    # No address reaches the logs, except in the failed sign-in warnings that exist to show it.
    for record in records:
        if record["logger"] == "accounts.login":
            continue
        text = json.dumps(record)
        assert CLIENT_ADDRESS not in text, record
        assert "127.0.0.1" not in text, record


def sockets_on_port(port: int, state: str) -> set[str]:
    """The sockets on this local port in this TCP state ("01" established, "0A" listening), read from /proc."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                found.add(f"socket:[{fields[9]}]")
    return found


def workers_holding_connections(server: WebServer) -> set[int]:
    """The gunicorn workers that hold an established connection on the server's port."""
    established = sockets_on_port(server.port, "01")
    master = server.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    holding = set()
    for worker in map(int, children):
        fds = Path(f"/proc/{worker}/fd")
        if any(os.readlink(fd) in established for fd in fds.iterdir()):
            holding.add(worker)
    return holding


def test_threaded_workers_each_serve_some_of_the_kept_alive_connections(transactional_db, tmp_path):
    """With threads a worker keeps connections alive; one worker holding all of them would leave the other
    cores idle however busy the site is."""
    server = WebServer(production_env(WEB_CONCURRENCY="2", GUNICORN_THREADS="4"), tmp_path / "gunicorn.log").start()
    deadline = time.monotonic() + 20
    while len(sockets_on_port(server.port, "0A")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    # Each worker listens on its own socket, and the kernel spreads connections over them: the workers of a
    # shared socket race to accept, and the one that wakes first takes a whole burst of new connections.
    assert len(sockets_on_port(server.port, "0A")) == 2
    connections = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=10) for _ in range(16)]
    try:
        for connection in connections:  # all at once, as a browser or a proxy opens its connections
            connection.connect()
        for connection in connections:
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            response.read()
            assert response.status in {200, 503} and not response.will_close
        assert len(workers_holding_connections(server)) == 2, server.output()[-2000:]
    finally:
        for connection in connections:
            connection.close()
        server.stop()


def test_connections_that_send_nothing_yet_do_not_hold_up_other_requests(transactional_db, tmp_path):
    """Browsers open connections ahead of time: each one silent after connecting must not hold a worker's thread
    while someone else's request waits behind it."""
    server = WebServer(production_env(WEB_CONCURRENCY="1", GUNICORN_THREADS="2"), tmp_path / "gunicorn.log").start()
    silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    try:
        time.sleep(0.3)  # accepted, each taken by a thread waiting for its first request
        asking = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        started = time.monotonic()
        asking.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        response = asking.getresponse()
        response.read()
        assert response.status in {200, 503}
        assert time.monotonic() - started < 1, server.output()[-2000:]
    finally:
        for connection in silent:
            connection.close()
        server.stop()


def test_check_deploy_is_clean_and_cookies_are_secure_in_production():
    script = (
        "import django, json; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING');"
        "from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'LOG_FORMAT',"
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS']}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "LOG_FORMAT": "json",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_json_log_lines_carry_plain_extras_but_never_the_request():
    import logging

    from django.test import RequestFactory

    from config.logging import json_formatter

    request = RequestFactory().get("/x", REMOTE_ADDR="198.51.100.23")
    record = logging.makeLogRecord(
        {"name": "django.request", "levelname": "WARNING", "msg": "Not Found: %s", "args": ("/x",)}
    )
    record.status_code = 404
    record.request = request
    entry = json.loads(json_formatter().format(record))
    assert entry["message"] == "Not Found: /x"
    assert entry["status_code"] == 404
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert "198.51.100.23" not in json.dumps(entry)


def test_unknown_log_format_stops_start_up():
    env = {**os.environ, "LOG_FORMAT": "xml"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or plain" in result.stderr


def test_worker_logs_are_json_in_production(transactional_db, tmp_path):
    from tests.conftest import require_postgres_and_redis
    from tests.processes import celery_worker

    require_postgres_and_redis()
    worker = celery_worker(production_env(), tmp_path / "worker.log").start()
    worker.stop()
    output = worker.log_path.read_text()
    # Celery prints its start-up banner directly; every log record after it is one JSON object.
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(r["logger"] == "celery.apps.worker" and r["message"].endswith("ready.") for r in records), output
    assert not re.search(r"^\[\d{4}-\d\d-\d\d [\d:,]+: (INFO|WARNING|ERROR)/", output, re.MULTILINE), output
