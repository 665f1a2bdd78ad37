"""Driving load with wrk against gunicorn, for ``benchmarks/pages.py``: the servers, the request scripts
that rotate over people and addresses, and the figures each run gives."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each thread counts the 304 answers it got, so that a row meant to measure them shows it did.
REPORT_LUA = """
local threads = {}
setup = function(thread) table.insert(threads, thread) end
not_modified = 0
response = function(status, headers, body)
  if status == 304 then not_modified = not_modified + 1 end
end
done = function(summary, latency, requests)
  local unchanged = 0
  for _, thread in ipairs(threads) do unchanged = unchanged + (thread:get("not_modified") or 0) end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d, "not_modified": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.timeout, unchanged))
end
"""

# Each request goes to the next address and, independently, the next person: different people looking at
# different objects. Status 304 counts as success (wrk counts only >= 400 as errors).
ROTATE_LUA = """
-- Each script its own seed: LuaJIT's generator starts the same in every wrk process, so the page types' people
-- would otherwise draw the same pauses and arrive together.
math.randomseed({SEED})
local paths = {PATHS}
local cookies = {COOKIES}
local extra = {EXTRA}
local counter = math.random(0, 9973)
request = function()
  counter = counter + 1
  -- A person goes through the addresses, then the next person: over a run every person meets every
  -- address (stepping both together would pair each person with only a few addresses).
  local person = math.floor(counter / #paths) % #cookies
  local headers = {["Cookie"] = cookies[person + 1]}
  for name, value in pairs(extra) do headers[name] = value end
  return wrk.format("GET", paths[counter % #paths + 1], headers)
end
"""

# A person reads what they opened before opening the next page: a pause drawn between two bounds (ms).
# wrk's latency figures leave the pause out.
READ_LUA = """
delay = function() return math.random({FROM}, {TO}) end
"""


@dataclass
class Page:
    name: str
    paths: list[str]
    key: bool = True  # one of the key pages the targets are for
    headers: dict | None = None
    versions: list[str] | None = None  # raised before each "cold" request
    mixed_share: int = 0  # people on this page type in the mixed run


@dataclass
class Result:
    page: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests_per_second: float
    errors: int
    share_of_bare: float | None = None
    cold_ms: float | None = None
    not_modified: int = 0  # answers 304


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    port: int, workers: int, log, settings_module: str, target: str, threads: int = 4, access_log: str = ""
) -> subprocess.Popen:
    """gunicorn serving ``target``; with ``access_log``, its output goes there with a line per request (its
    path, status and milliseconds: gunicorn.conf.py's access log)."""
    env = dict(os.environ, DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING")
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    if access_log:  # gunicorn.conf.py's logging writes access lines only at INFO
        env["LOG_LEVEL"] = "INFO"
    env.pop("DJANGO_ENV", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", target, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30", "--timeout", "120",
         "--reuse-port",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=open(access_log, "a") if access_log else log,  # noqa: SIM115 - the server's
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited early (status {process.returncode}); see {log.name}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310 - loopback
            return process
        except urllib.error.HTTPError:
            return process  # answering (a redirect to sign in, say)
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    stop_process(process)
    sys.exit("gunicorn did not answer within 60 s")


def start_worker(log) -> subprocess.Popen:
    """One Celery worker: it recomputes the dashboard's figures in the background after changes."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--pool=solo",
         "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str, cookie: str = "", headers: dict | None = None) -> tuple[int, dict, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, **(headers or {})})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            response.read()
            return response.status, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), time.monotonic() - started


def lua_list(values) -> str:
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def rotate_script(
    workdir: Path,
    name: str,
    paths: list[str],
    cookies: list[str],
    extra: dict | None = None,
    reading_ms: tuple[int, int] | None = None,
) -> Path:
    """A wrk script: each request to the next address as the next person; with ``reading_ms``, each connection
    is a person who reads every page for a pause between those bounds before opening the next."""
    extra_lua = "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in (extra or {}).items()) + "}"
    script = workdir / f"{name.replace(' ', '-')}.lua"
    reading = READ_LUA.replace("{FROM}", str(reading_ms[0])).replace("{TO}", str(reading_ms[1])) if reading_ms else ""
    script.write_text(
        ROTATE_LUA.replace("{SEED}", str(random.randrange(1, 2**31)))
        .replace("{PATHS}", lua_list(paths))
        .replace("{COOKIES}", lua_list(cookies))
        .replace("{EXTRA}", extra_lua)
        + reading
        + REPORT_LUA
    )
    return script


def wrk_command(url: str, script: Path, connections: int, seconds: int, threads: int = 2) -> list[str]:
    return ["wrk", "--threads", str(max(1, min(threads, connections))), "--connections", str(connections),
            "--duration", f"{seconds}s", "--timeout", "30s", "--script", str(script), url]  # fmt: skip


def to_result(name: str, connections: int, figures: dict) -> Result:
    duration = figures["duration_us"] / 1e6
    return Result(
        page=name,
        connections=connections,
        requests=figures["requests"],
        seconds=round(duration, 1),
        p50_ms=round(figures["p50_us"] / 1000, 1),
        p95_ms=round(figures["p95_us"] / 1000, 1),
        p99_ms=round(figures["p99_us"] / 1000, 1),
        requests_per_second=round(figures["requests"] / duration, 1),
        errors=figures["status_errors"] + figures["connect_errors"] + figures["read_errors"] + figures["timeouts"],
        not_modified=figures.get("not_modified", 0),
    )


def run_wrk(command: list[str], seconds: int) -> dict:
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(name: str, base: str, script: Path, connections: int, seconds: int, warmup: int = 2) -> Result:
    run_wrk(wrk_command(base + "/", script, connections, warmup), warmup)  # warm workers, pools, fragments
    return to_result(name, connections, run_wrk(wrk_command(base + "/", script, connections, seconds), seconds))


def worker_idle(worker: subprocess.Popen | None, limit: float = 300) -> None:
    """Wait until the Celery worker has stopped working (the dashboard's figures computed after the first visit
    or a change), so that its work does not compete with the page measured next: until its process spends
    almost no CPU time for a second."""
    if worker is None or worker.poll() is not None:
        return
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds() -> float:
        fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime and stime

    deadline = time.monotonic() + limit
    before = cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(1)
        now = cpu_seconds()
        if now - before < 0.05:
            return
        before = now


def settle(base: str, cookie: str, limit: float = 120, worker: subprocess.Popen | None = None) -> None:
    """Wait until the worker is idle and the server has worked off what the previous load left queued."""
    worker_idle(worker)
    deadline = time.monotonic() + limit
    quick = 0
    while time.monotonic() < deadline and quick < 3:
        _, _, took = fetch(base + "/benchmark/ping", cookie)
        quick = quick + 1 if took < 0.05 else 0
        time.sleep(0.2)
