"""The one harness for what tests start beside them: a Celery worker, the web server, an SMTP server, a Redis.

Each child process writes its output to a log file (shown when it fails to start) and talks to the test
database through ``service_env()``.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_for_port(port: int, up: bool, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_is_open(port) == up:
            return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not come {'up' if up else 'down'} in {timeout} s")


def service_env(**overrides) -> dict[str, str]:
    """Environment for a child process (worker, beat, server) that talks to the test database."""
    from django.db import connection

    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env.pop("TEST_DATABASE_NAME", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


class ChildProcess:
    """A program started for a test, ready once ``is_ready`` says so; its output goes to ``log_path``."""

    def __init__(self, command: list[str], env: dict[str, str], log_path: Path, is_ready: Callable[[], bool]):
        self.command, self.env, self.log_path, self.is_ready = command, env, log_path, is_ready
        self.process: subprocess.Popen | None = None
        self.log = None

    def start(self) -> "ChildProcess":
        return self.launch().wait_until_ready()

    def launch(self) -> "ChildProcess":
        """Start without waiting, so that several can boot side by side."""
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in wait_until_stopped()
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def wait_until_ready(self, timeout: float = 30) -> "ChildProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[0]} exited early:\n{self.output()}")
            if self.is_ready():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"{self.command[0]} was not ready in {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        """Ask for a warm shutdown without waiting for it (see wait_until_stopped)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()

    def wait_until_stopped(self) -> None:
        if self.process:
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()

    def stop(self, kill: bool = False) -> None:
        if kill and self.process and self.process.poll() is None:
            self.process.kill()
        self.terminate()
        self.wait_until_stopped()


def celery_worker(env: dict[str, str], log_path: Path, pool: str = "prefork", concurrency: int = 1) -> ChildProcess:
    """A real Celery worker on the broker of ``env``. With ``pool="solo"`` tasks run in its main process,
    so killing it kills the task."""
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", f"--pool={pool}",
        f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
        "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    if pool == "solo":
        command.append("--without-heartbeat")
    return ChildProcess(command, env, log_path, is_ready=lambda: b"ready." in log_path.read_bytes())


class WebServer(ChildProcess):
    """The application under gunicorn with the project's gunicorn.conf.py, on a free port."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": env.get("WEB_CONCURRENCY", "1")}
        # The console script, as the Dockerfile runs it (no `python -m`, which would add the cwd to sys.path).
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi:application"]
        super().__init__(command, env, log_path, is_ready=lambda: port_is_open(self.port))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class SmtpServer:
    """A real SMTP server (aiosmtpd) on loopback, in a thread of the test process; ``.messages`` holds
    what it received."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpServer":
        self.controller.start()
        self.host, self.port = self.controller.hostname, self.controller.port
        return self

    def stop(self) -> None:
        self.controller.stop()


class PrivateRedis:
    """A throw-away redis-server on a free loopback port, with no persistence, that a test may stop
    and restart: fault tests never touch the machine's shared Redis."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, up=True)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for_port(self.port, up=False)


class HttpStandIn:
    """A local HTTP server in a thread of the test process, answering with ``handler`` (a
    ``BaseHTTPRequestHandler`` class): a stand-in for a service outside, such as a chat web hook."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
