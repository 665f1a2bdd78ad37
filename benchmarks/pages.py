"""Load-test the pages that matter at a realistic size, against a trivial view in the same run.

Starts the application under gunicorn on PostgreSQL and Redis (from ``DATABASE_URL`` and
``REDIS_URL``), signs people in, and drives each page with ``wrk`` on loopback for a bounded
time: 10 concurrent clients per page, then 100 meeting participants polling the meeting's
update endpoint every 2 seconds. Prints p50, p95 and requests per second per page, each
page's throughput as a share of the trivial view's, and whether the targets are met.

Under load the same person asks for the same page again and again, so after the first request each
page comes from the per-viewer page cache (pagecache/pages.py). The "fresh ms" column shows what a
page costs when it must be rendered afresh (after any change to what it shows): the median of five
requests, each made after marking every kept page stale.

    apt-get install wrk                      # the load tool (Debian)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_organisation          # 10,000 incidents, …; a few minutes
    .venv/bin/python benchmarks/pages.py                   # or add --seed to do the two steps above

Options: ``--duration`` seconds per page (10), ``--connections`` (10), ``--participants`` (100),
``--workers`` gunicorn processes (2 × cores), ``--port``, ``--json FILE`` to keep the figures,
``--pages "dashboard,review page"`` to measure only some pages (the trivial view always runs).
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 100
TARGET_SHARE_OF_TRIVIAL = 0.5
TARGET_POLL_P95_MS = 30

REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.timeout))
end
"""

# Each connection waits 2 s on average between polls; requests rotate through the participants' sign-ins.
# wrk sends every connection's first request at once; the waits vary (1-3 s) so that, as with people who
# opened the meeting page at different moments, the polls soon spread over the interval instead of
# arriving as one burst of 100 every 2 s.
POLL_LUA = """
local cookies = {COOKIES}
local etag = "{ETAG}"
local counter = 0
delay = function() return math.random({INTERVAL_MS} / 2, {INTERVAL_MS} * 3 / 2) end
request = function()
  counter = counter + 1
  local cookie = cookies[(counter % #cookies) + 1]
  return wrk.format("GET", nil, {["Cookie"] = cookie, ["If-None-Match"] = etag, ["HX-Request"] = "true"})
end
"""


@dataclass
class Result:
    page: str
    path: str
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests_per_second: float
    errors: int
    share_of_trivial: float | None = None
    first_view_ms: float | None = None


def require_tools(args) -> None:
    if not shutil.which("wrk"):
        sys.exit("This benchmark drives load with wrk. Install it with `apt-get install wrk` (Debian/Ubuntu).")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark measures the real services.")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user) -> str:
    """A real signed-in session for this person, with the CSRF cookie a browser would hold after one page."""
    from django.conf import settings
    from django.http import HttpRequest
    from django.middleware.csrf import get_token
    from django.test import Client

    client = Client()
    client.force_login(user)
    request = HttpRequest()
    get_token(request)
    return (
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}"
    )


def first_view(base: str, path: str, cookie: str, times: int = 5) -> float:
    """Median time of the page rendered afresh (kept pages made stale before each request), in ms."""
    from pagecache.pages import PAGE_VERSION

    took = []
    for _ in range(times):
        PAGE_VERSION.bump()
        took.append(fetch(base + path, cookie)[2])
    return round(sorted(took)[len(took) // 2] * 1000, 1)


def pick_subjects() -> dict:
    """The viewer (a manager), an incident with its timeline and review, and people to join the meeting."""
    from django.db.models import Count

    from accounts.models import Membership, Role, User
    from incidents.models import Incident
    from postmortems.models import ReviewStatus

    manager = Membership.objects.filter(role=Role.MANAGER).select_related("user", "team").first()
    if manager is None:
        sys.exit("No manager in this database: seed it first (manage.py seed_organisation, or --seed).")
    incident = (
        Incident.objects.filter(team=manager.team, restricted=False, review__isnull=False)
        .annotate(entries=Count("timeline"))
        .filter(entries__gte=10)
        .order_by("-impact_started_at")
        .first()
    )
    if incident is None:
        sys.exit("No reviewed incident with a timeline in the manager's team; seed with seed_organisation.")
    review = incident.review
    meeting = type(review).objects.filter(status=ReviewStatus.MEETING, incident__restricted=False).first() or review
    participants = list(User.objects.filter(is_active=True).order_by("pk")[:100])
    return {
        "manager": manager.user,
        "incident": incident,
        "review": review,
        "meeting": meeting,
        "participants": participants,
    }


def start_server(port: int, workers: int, log) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING")
    env.pop("DJANGO_ENV", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--keep-alive", "30", "--timeout", "120",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited early (status {process.returncode}); see {log.name}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2)  # noqa: S310 - loopback
            return process
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    stop_server(process)
    sys.exit("gunicorn did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str, cookie: str, headers: dict | None = None) -> tuple[int, dict, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, **(headers or {})})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            response.read()
            return response.status, dict(response.headers), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), time.monotonic() - started


def run_wrk(url: str, script: Path, connections: int, seconds: int, headers: dict[str, str]) -> dict:
    command = ["wrk", "--threads", str(min(2, connections)), "--connections", str(connections),
               "--duration", f"{seconds}s", "--timeout", "30s", "--script", str(script), url]  # fmt: skip
    for name, value in headers.items():
        command[1:1] = ["--header", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return json.loads(output.strip().splitlines()[-1])


def settle(base: str, cookie: str, limit: float = 180) -> None:
    """Wait until the server has worked off what the previous page left queued (slow pages leave a backlog)."""
    deadline = time.monotonic() + limit
    quick = 0
    while time.monotonic() < deadline and quick < 3:
        _, _, took = fetch(base + "/ping", cookie)
        quick = quick + 1 if took < 0.05 else 0
        time.sleep(0.2)


def measure(
    name: str, base: str, path: str, script: Path, connections: int, seconds: int, headers: dict, warmup: int = 2
) -> Result:
    run_wrk(base + path, script, connections, warmup, headers)  # warm the workers, the pool and the cache
    figures = run_wrk(base + path, script, connections, seconds, headers)
    duration = figures["duration_us"] / 1e6
    return Result(
        page=name,
        path=path,
        connections=connections,
        requests=figures["requests"],
        seconds=round(duration, 1),
        p50_ms=round(figures["p50_us"] / 1000, 1),
        p95_ms=round(figures["p95_us"] / 1000, 1),
        p99_ms=round(figures["p99_us"] / 1000, 1),
        requests_per_second=round(figures["requests"] / duration, 1),
        errors=figures["status_errors"] + figures["connect_errors"] + figures["read_errors"] + figures["timeouts"],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--connections", type=int, default=10, help="concurrent clients per page (default 10)")
    parser.add_argument("--participants", type=int, default=100, help="meeting participants polling (default 100)")
    parser.add_argument("--poll-seconds", type=int, default=40, help="how long the participants poll (default 40)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn processes")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default: a free one)")
    parser.add_argument("--seed", action="store_true", help="migrate and seed the organisation first if empty")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--pages",
        default="",
        help="only these pages, comma-separated (e.g. 'dashboard,review page'); the trivial view always runs",
    )
    args = parser.parse_args()
    require_tools(args)
    setup_django()

    from django.core.management import call_command
    from django.urls import reverse
    from pagecache.pages import PAGE_VERSION

    from dashboard.freshness import bump_version
    from incidents.models import Incident

    if args.seed:
        call_command("migrate", verbosity=0)
        if not Incident.objects.exists():
            call_command("seed_organisation")
    if Incident.objects.count() < 1000:
        print(
            f"Note: only {Incident.objects.count():,} incidents here; the targets are for `seed_organisation` at full size."
        )

    subjects = pick_subjects()
    viewer = session_cookie(subjects["manager"])
    participants = [session_cookie(person) for person in subjects["participants"][: args.participants]]
    pages = [
        ("trivial view", reverse("ping")),
        ("dashboard", reverse("dashboard")),
        ("incident list", reverse("incident_list")),
        ("incident detail", reverse("incident_detail", args=[subjects["incident"].pk])),
        ("review page", reverse("review_detail", args=[subjects["review"].pk])),
        ("action-item list", reverse("action_list")),
        ("meeting update", reverse("review_meeting_state", args=[subjects["meeting"].pk])),
    ]
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        pages = [page for page in pages if page[0] in wanted or page[0] == "trivial view"]
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="pm-bench-"))
    report = workdir / "report.lua"
    report.write_text(REPORT_LUA)
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = start_server(port, args.workers, log)
    results: list[Result] = []
    try:
        for _, path in pages:
            status, _, _ = fetch(base + path, viewer)
            if status != 200:
                sys.exit(f"{path} answered {status} to the signed-in manager; see {log.name}")
        bump_version()
        PAGE_VERSION.bump()
        _, _, cold = fetch(base + reverse("dashboard"), viewer)
        meeting_path = reverse("review_meeting_state", args=[subjects["meeting"].pk])
        status, headers, _ = fetch(base + meeting_path, viewer)
        etag = headers.get("ETag", "")
        load = os.getloadavg()[0]
        cores = os.cpu_count() or 1
        print(f"Load average {load:.1f} on {cores} cores at the start.")
        if load > cores / 2:
            print("Warning: other work is competing for the cores; these figures will be distorted.")
        print(
            f"Serving {Incident.objects.count():,} incidents with {args.workers} gunicorn workers on port {port}; "
            f"{args.connections} clients per page for {args.duration} s.\n"
            f"Dashboard computed from scratch (cache empty): {cold * 1000:.0f} ms."
        )
        for name, path in pages:
            extra = {"If-None-Match": etag, "HX-Request": "true"} if name == "meeting update" else {}
            settle(base, viewer)
            result = measure(name, base, path, report, args.connections, args.duration, {"Cookie": viewer, **extra})
            if name not in ("trivial view", "meeting update"):
                settle(base, viewer)
                result.first_view_ms = first_view(base, path, viewer)
            results.append(result)
            print(f"  measured {name}: p95 {result.p95_ms} ms, {result.requests_per_second} req/s", flush=True)
        poll = workdir / "poll.lua"
        poll.write_text(
            POLL_LUA.replace("{COOKIES}", "{" + ", ".join(json.dumps(c) for c in participants) + "}")
            .replace("{ETAG}", etag.replace('"', '\\"'))
            .replace("{INTERVAL_MS}", "2000")
            + REPORT_LUA
        )
        settle(base, viewer)
        # Long enough for every participant's first poll (sign-in and access check, then remembered): the
        # figures are for a meeting under way, not for 100 people opening the page in the same second.
        polling = measure(
            f"meeting update, {len(participants)} participants polling every 2 s",
            base,
            meeting_path,
            poll,
            len(participants),
            args.poll_seconds,
            {},
            warmup=6,
        )
    finally:
        stop_server(server)
        log.close()

    trivial = results[0].requests_per_second
    for result in results:
        result.share_of_trivial = round(result.requests_per_second / trivial, 2) if trivial else None
    print()
    print(
        f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'of trivial':>11} {'errors':>7} {'fresh ms':>9}  targets"
    )
    for result in results:
        targets = []
        if result.requests == 0:
            targets.append(f"no request finished within {args.duration} s")
        elif result.page != "trivial view":
            targets.append("p95 ok" if result.p95_ms < TARGET_P95_MS else f"p95 over {TARGET_P95_MS} ms")
            targets.append(
                "throughput ok"
                if (result.share_of_trivial or 0) >= TARGET_SHARE_OF_TRIVIAL
                else "under half the trivial"
            )
        print(
            f"{result.page:<20} {result.p50_ms:>8} {result.p95_ms:>8} {result.requests_per_second:>8} "
            f"{result.share_of_trivial:>11} {result.errors:>7} {result.first_view_ms or '':>9}  {', '.join(targets)}"
        )
    verdict = "ok" if polling.p95_ms < TARGET_POLL_P95_MS else f"over {TARGET_POLL_P95_MS} ms"
    print(
        f"\n{polling.page}: p50 {polling.p50_ms} ms, p95 {polling.p95_ms} ms, {polling.requests_per_second} req/s, "
        f"{polling.errors} errors (target p95 under {TARGET_POLL_P95_MS} ms: {verdict})"
    )
    if args.json:
        args.json.write_text(json.dumps({"pages": [asdict(r) for r in results], "polling": asdict(polling)}, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
