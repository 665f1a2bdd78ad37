import datetime as dt
import json
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.models import Role
from tests.conftest import _member, free_port

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

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/payments"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def chat_server():
    recorder = ChatRecorder()
    yield recorder
    recorder.close()


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class PrivateRedis:
    """A throw-away redis-server on a free port: tests stop and restart it, never the shared one."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait(up=True)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self._wait(up=False)

    def _wait(self, up: bool) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if _port_open(self.port) == up:
                return
            time.sleep(0.05)
        raise RuntimeError(f"private redis on {self.port} did not come {'up' if up else 'down'}")


@pytest.fixture
def private_redis():
    redis = PrivateRedis().start()
    yield redis
    redis.stop()
