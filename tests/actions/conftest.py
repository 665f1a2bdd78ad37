import datetime as dt
import json
import time
from http.server import BaseHTTPRequestHandler

import pytest

from accounts.models import Role
from tests.conftest import _member
from tests.processes import HttpStandIn

T0 = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Wednesday: far from the Monday digest


@pytest.fixture
def t0():
    return T0


@pytest.fixture
def platform_manager(platform):
    return _member("pia", "Pia Koskinen", platform, Role.MANAGER)


class ChatRecorder:
    """A local HTTP server that records what a chat web hook receives (and can be told to fail)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                recorder.requests.append(
                    {"path": self.path, "content_type": self.headers.get("Content-Type"), "json": json.loads(body)}
                )
                self.send_response(recorder.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.stand_in = HttpStandIn(Handler)
        self.url = f"{self.stand_in.base_url}/hooks/payments"

    def close(self):
        self.stand_in.close()


@pytest.fixture
def chat_server():
    recorder = ChatRecorder()
    yield recorder
    recorder.close()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Factory for real worker processes on the test database; all are stopped at the end."""
    from tests.conftest import require_postgres_and_redis
    from tests.processes import ChildProcess, celery_worker, service_env

    require_postgres_and_redis()
    workers = []

    def start(count: int = 1, **env) -> ChildProcess | list[ChildProcess]:
        """One worker, or ``count`` of them started side by side (each takes seconds to boot); returns once
        every one of them is ready."""
        started = []
        for _ in range(count):
            log_path = tmp_path / f"worker-{len(workers)}.log"
            started.append(celery_worker(service_env(**env), log_path, pool="solo").launch())
            workers.append(started[-1])
        for worker in started:
            worker.wait_until_ready()
        return started[0] if count == 1 else started

    yield start
    # Shut them all down side by side too.
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait_until_stopped()


def broker_app(url: str):
    """A Celery client for a given broker: what beat does, sending the sweep by name."""
    from celery import Celery

    app = Celery("actions-tests", broker=url, set_as_current=False)
    app.conf.broker_connection_retry_on_startup = False
    app.conf.broker_transport_options = {"socket_connect_timeout": 2}
    return app


def wait_until(predicate, timeout: float = 30, message: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {message() if callable(message) else message}")
