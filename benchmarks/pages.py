"""Load-test the key pages rendered fresh, against a bare Django view measured in the same run.

1. **Base**: a bare Django view from a minimal settings module (``benchmarks/bare.py``: no apps, no
   middleware, no database) under the same gunicorn settings. Every ratio is to its throughput.
2. **Each page, rendered fresh**: the application under gunicorn (``benchmarks/settings.py``: the
   application's settings plus a trivial signed-in view that only the benchmark serves), 10 clients per
   page for ``--duration`` seconds. Requests rotate over different people and different objects (40
   incidents, 40 reviews, several searches), and send no ``If-None-Match``, so every request renders
   its page; shared fragments kept for other viewers are used, as they are in real use. The
   ``cold ms`` column is the median of five requests made after raising the versions of what the page
   shows, so that nothing it shows is kept. One row measures a repeat view answered 304.
3. **Mixed**: 50 people at once, each page type driven by its own clients over different objects,
   while someone saves a change every second (a timeline entry or a review section, rotating over the
   same 40 incidents and their reviews). p50, p95 and throughput per page type.
4. **The live meeting**: ``--participants`` people polling the meeting's update endpoint every 2 s.

Prints the targets against each figure: p95 under 50 ms and at least a tenth of the bare view's
throughput for each key page; the signed-in trivial view at least half the bare view's throughput;
polls under 30 ms at p95.

    apt-get install wrk                      # the load tool (Debian)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python benchmarks/pages.py --seed            # migrates and seeds the full organisation when empty

Options: ``--duration`` seconds per page (10), ``--mixed-seconds`` (20), ``--connections`` per page (10),
``--people`` in the mixed run (50), ``--participants`` (100), ``--workers`` gunicorn processes
(2 × cores), ``--seed-scale`` (1.0), ``--json FILE`` to keep the figures, ``--pages "dashboard,review"``
to measure only some pages (the base and the trivial view always run), ``--skip-mixed``, ``--skip-poll``.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 50
TARGET_SHARE_OF_BARE = 0.1
TARGET_TRIVIAL_SHARE_OF_BARE = 0.5
TARGET_POLL_P95_MS = 30
ROTATE_OVER = 40

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
local paths = {PATHS}
local cookies = {COOKIES}
local extra = {EXTRA}
local counter = math.random(0, 9973)
request = function()
  counter = counter + 1
  local headers = {["Cookie"] = cookies[(counter * 7) % #cookies + 1]}
  for name, value in pairs(extra) do headers[name] = value end
  return wrk.format("GET", paths[counter % #paths + 1], headers)
end
"""

# Each connection waits 2 s on average between polls; requests rotate through the participants' sign-ins.
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


@dataclass
class Page:
    name: str
    paths: list[str]
    key: bool = True  # one of the key pages the targets are for
    headers: dict | None = None
    versions: list[str] | None = None  # raised before each "cold" request
    mixed_share: int = 0  # people on this page type in the mixed run


def require_tools() -> None:
    if not shutil.which("wrk"):
        sys.exit("This benchmark drives load with wrk. Install it with `apt-get install wrk` (Debian/Ubuntu).")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the benchmark measures the real services.")


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
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


def pick_subjects(people: int) -> dict:
    """People to sign in, and the incidents, reviews and meetings they look at (all unrestricted)."""
    from django.db.models import Count

    from accounts.models import Membership, Role, User
    from incidents.models import Incident
    from postmortems.models import Review, ReviewStatus

    manager = Membership.objects.filter(role=Role.MANAGER).select_related("user").first()
    if manager is None:
        sys.exit("No manager in this database: seed it first (manage.py seed_organisation, or --seed).")
    incidents = list(
        Incident.objects.filter(restricted=False, review__isnull=False)
        .annotate(entries=Count("timeline"))
        .filter(entries__gte=5)
        .order_by("-impact_started_at")[:ROTATE_OVER]
    )
    if not incidents:
        sys.exit("No reviewed incidents with a timeline; seed with seed_organisation.")
    reviews = list(Review.objects.filter(incident__in=incidents).select_related("incident"))
    meetings = list(Review.objects.filter(status=ReviewStatus.MEETING, incident__restricted=False)[:10]) or reviews[:1]
    others = list(User.objects.filter(is_active=True).exclude(pk=manager.user_id).order_by("pk")[: people - 1])
    return {
        "manager": manager.user,
        "people": [manager.user, *others],
        "incidents": incidents,
        "reviews": reviews,
        "meetings": meetings,
    }


def key_pages(subjects: dict) -> list[Page]:
    from django.urls import reverse

    incidents, reviews = subjects["incidents"], subjects["reviews"]
    words = ["database", "timeout", "deploy", "certificate", "queue", "cache", "dns", "retry"]
    return [
        Page("home", [reverse("home")], versions=["incidents", "actions", "reviews"], mixed_share=5),
        Page("dashboard", [reverse("dashboard")], mixed_share=5),
        Page(
            "incident list",
            [reverse("incident_list") + (f"?page={n}" if n > 1 else "") for n in range(1, 6)],
            versions=["incidents"],
            mixed_share=8,
        ),
        Page(
            "incident",
            [incident.get_absolute_url() for incident in incidents],
            versions=[f"incident:{i.pk}" for i in incidents] + [f"timeline:{i.pk}" for i in incidents],
            mixed_share=12,
        ),
        Page(
            "review",
            [review.get_absolute_url() for review in reviews],
            versions=[f"review:{review.pk}" for review in reviews],
            mixed_share=10,
        ),
        Page(
            "meeting",
            [reverse("review_meeting", args=[review.pk]) for review in subjects["meetings"]],
            versions=[f"review:{review.pk}" for review in subjects["meetings"]],
            mixed_share=3,
        ),
        Page(
            "action-item list",
            [reverse("action_list") + (f"?page={n}" if n > 1 else "") for n in range(1, 4)],
            versions=["actions"],
            mixed_share=4,
        ),
        Page(
            "library search",
            [reverse("review_library") + f"?q={word}" for word in words],
            versions=["reviews"],
            mixed_share=3,
        ),
    ]


def start_server(port: int, workers: int, log, settings_module: str, target: str) -> subprocess.Popen:
    env = dict(os.environ, DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING")
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.pop("DJANGO_ENV", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", target, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--worker-class", "gthread", "--threads", "4", "--keep-alive", "30", "--timeout", "120",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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


def rotate_script(workdir: Path, name: str, paths: list[str], cookies: list[str], extra: dict | None = None) -> Path:
    extra_lua = "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in (extra or {}).items()) + "}"
    script = workdir / f"{name.replace(' ', '-')}.lua"
    script.write_text(
        ROTATE_LUA.replace("{PATHS}", lua_list(paths))
        .replace("{COOKIES}", lua_list(cookies))
        .replace("{EXTRA}", extra_lua)
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


def settle(base: str, cookie: str, limit: float = 120) -> None:
    """Wait until the server has worked off what the previous load left queued."""
    deadline = time.monotonic() + limit
    quick = 0
    while time.monotonic() < deadline and quick < 3:
        _, _, took = fetch(base + "/benchmark/ping", cookie)
        quick = quick + 1 if took < 0.05 else 0
        time.sleep(0.2)


def cold_ms(base: str, page: Page, cookie: str, times: int = 5) -> float | None:
    """Median time of the page with nothing it shows kept (its versions raised before each request)."""
    from dashboard.freshness import bump_version
    from fragments.versions import bump

    took = []
    for attempt in range(times):
        if page.versions:
            bump(*page.versions)
        elif page.name == "dashboard":
            bump_version()  # viewers get the last figures while the worker recomputes them
        took.append(fetch(base + page.paths[attempt % len(page.paths)], cookie)[2])
    return round(statistics.median(took) * 1000, 1)


class Writer(threading.Thread):
    """Someone saving a change every second: a timeline entry, then a review section, over the same objects."""

    def __init__(self, subjects: dict):
        super().__init__(daemon=True)
        self.subjects = subjects
        self.stop = threading.Event()
        self.saves = 0
        self.slowest = 0.0

    def run(self) -> None:
        from django.db import close_old_connections

        from incidents.models import TimelineEntry

        incidents, reviews = self.subjects["incidents"], self.subjects["reviews"]
        while not self.stop.wait(1.0):
            started = time.monotonic()
            if self.saves % 2 == 0:
                incident = incidents[(self.saves // 2) % len(incidents)]
                entry = TimelineEntry.objects.filter(incident=incident).order_by("-occurred_at").first()
                if entry is not None:
                    entry.text = f"{entry.text.split(' [')[0]} [checked again, {self.saves}]"
                    entry.save()
            else:
                review = reviews[(self.saves // 2) % len(reviews)]
                review.refresh_from_db()
                review.went_well = f"The alert fired within a minute (noted {self.saves})."
                review.save()
            self.saves += 1
            self.slowest = max(self.slowest, time.monotonic() - started)
            close_old_connections()


def mixed_run(base: str, pages: list[Page], cookies: list[str], seconds: int, workdir: Path, subjects) -> list[Result]:
    """Every page type at once, each with its own clients (together ``len(cookies)`` people), while one
    person saves a change every second."""
    total = sum(page.mixed_share for page in pages)
    processes = []
    offset = 0
    for page in pages:
        connections = max(1, round(page.mixed_share * len(cookies) / total))
        people = [cookies[(offset + i) % len(cookies)] for i in range(connections)]
        offset += connections
        script = rotate_script(workdir, f"mixed-{page.name}", page.paths, people, page.headers)
        command = wrk_command(base + "/", script, connections, seconds, threads=1)
        processes.append((page, connections, subprocess.Popen(command, stdout=subprocess.PIPE, text=True)))
    writer = Writer(subjects)
    writer.start()
    results = []
    for page, connections, process in processes:
        output, _ = process.communicate(timeout=seconds + 60)
        results.append(to_result(page.name, connections, json.loads(output.strip().splitlines()[-1])))
    writer.stop.set()
    writer.join()
    print(f"  {writer.saves} changes saved during the mixed run (the slowest save took {writer.slowest * 1000:.0f} ms)")
    return results


def verdict(result: Result, trivial: bool = False) -> str:
    if result.requests == 0:
        return "no request finished"
    share = result.share_of_bare or 0
    if trivial:
        return "ok" if share >= TARGET_TRIVIAL_SHARE_OF_BARE else f"under {TARGET_TRIVIAL_SHARE_OF_BARE:.0%} of bare"
    notes = ["p95 ok" if result.p95_ms < TARGET_P95_MS else f"p95 over {TARGET_P95_MS} ms"]
    notes.append("throughput ok" if share >= TARGET_SHARE_OF_BARE else f"under {TARGET_SHARE_OF_BARE:.0%} of bare")
    if result.errors:
        notes.append(f"{result.errors} errors")
    return ", ".join(notes)


def print_table(title: str, results: list[Result], bare_rps: float) -> None:
    print(f"\n{title}")
    print(f"{'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'of bare':>8} {'cold ms':>8}  targets")
    for result in results:
        result.share_of_bare = round(result.requests_per_second / bare_rps, 3) if bare_rps else None
        trivial = result.page in ("bare Django view", "trivial view (signed in)")
        note = "" if result.page == "bare Django view" else verdict(result, trivial=trivial)
        if result.page == "repeat view (304)":
            note = "p95 ok" if result.p95_ms < TARGET_P95_MS else f"p95 over {TARGET_P95_MS} ms"
            note += f", {result.not_modified / max(result.requests, 1):.0%} answered 304"
        print(
            f"{result.page:<22} {result.p50_ms:>8} {result.p95_ms:>8} {result.requests_per_second:>8} "
            f"{result.share_of_bare:>8} {result.cold_ms or '':>8}  {note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--mixed-seconds", type=int, default=20, help="seconds of the mixed run (default 20)")
    parser.add_argument("--connections", type=int, default=10, help="concurrent clients per page (default 10)")
    parser.add_argument("--people", type=int, default=50, help="people browsing in the mixed run (default 50)")
    parser.add_argument("--participants", type=int, default=100, help="meeting participants polling (default 100)")
    parser.add_argument("--poll-seconds", type=int, default=40, help="how long the participants poll (default 40)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn processes")
    parser.add_argument("--seed", action="store_true", help="migrate and seed the organisation first if empty")
    parser.add_argument("--seed-scale", type=float, default=1.0, help="--scale for seed_organisation (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--pages", default="", help="only these pages, comma-separated (e.g. 'dashboard,review')")
    parser.add_argument("--skip-mixed", action="store_true", help="leave out the mixed run")
    parser.add_argument("--skip-poll", action="store_true", help="leave out the meeting participants' polling")
    args = parser.parse_args()
    require_tools()
    setup_django()

    from django.core.management import call_command
    from django.urls import reverse

    from incidents.models import Incident

    if args.seed:
        call_command("migrate", verbosity=0)
        if not Incident.objects.exists():
            call_command("seed_organisation", scale=args.seed_scale)
    count = Incident.objects.count()
    if count < 10_000:
        print(f"Note: {count:,} incidents here; the targets are for `seed_organisation` at full size (10,000).")

    subjects = pick_subjects(max(args.people, args.participants, args.connections))
    if len(subjects["people"]) < args.people:
        print(f"Note: only {len(subjects['people'])} people here to sign in (asked for {args.people}).")
    cookies = [session_cookie(person) for person in subjects["people"]]
    viewer = cookies[0]
    pages = key_pages(subjects)
    if args.pages:
        wanted = {name.strip() for name in args.pages.split(",")}
        pages = [page for page in pages if page.name in wanted]

    workdir = Path(tempfile.mkdtemp(prefix="pm-bench-"))
    log = open(workdir / "servers.log", "w")  # noqa: SIM115 - closed below
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    print(f"Load average {load:.1f} on {cores} cores at the start.")
    if load > cores / 2:
        print("Warning: other work is competing for the cores; these figures will be distorted.")
    print(f"{count:,} incidents; {args.workers} gunicorn workers × 4 threads; {args.connections} clients per page.")

    # 1. The base: a bare Django view, same gunicorn settings.
    port = free_port()
    bare_server = start_server(port, args.workers, log, "benchmarks.bare", "benchmarks.bare:application")
    try:
        script = rotate_script(workdir, "bare", ["/"], [""])
        bare = measure("bare Django view", f"http://127.0.0.1:{port}", script, args.connections, args.duration)
    finally:
        stop_process(bare_server)
    print(f"  measured the bare Django view: {bare.requests_per_second} req/s", flush=True)

    # 2-4. The application.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, args.workers, log, "benchmarks.settings", "config.wsgi:application")
    worker = start_worker(log)
    results: list[Result] = [bare]
    mixed: list[Result] = []
    polling = None
    try:
        for page in pages:
            for path in page.paths:
                status, _, _ = fetch(base + path, viewer)
                if status != 200:
                    sys.exit(f"{path} answered {status} to the signed-in manager; see {log.name}")
        trivial = measure(
            "trivial view (signed in)",
            base,
            rotate_script(workdir, "trivial", ["/benchmark/ping"], cookies[: args.connections]),
            args.connections,
            args.duration,
        )
        results.append(trivial)
        print(f"  measured the trivial view: {trivial.requests_per_second} req/s", flush=True)
        for page in pages:
            settle(base, viewer)
            script = rotate_script(workdir, page.name, page.paths, cookies[: args.connections], page.headers)
            result = measure(page.name, base, script, args.connections, args.duration)
            settle(base, viewer)
            result.cold_ms = cold_ms(base, page, viewer)
            results.append(result)
            print(f"  measured {page.name}: p95 {result.p95_ms} ms, {result.requests_per_second} req/s", flush=True)
        if pages:
            # A repeat view with nothing changed: the browser, keeping its cookies (the session and the CSRF
            # cookie), sends the ETag it holds and the page answers 304.
            path = pages[min(3, len(pages) - 1)].paths[0]
            _, headers, _ = fetch(base + path, viewer)
            etag = headers.get("ETag", "")
            status, _, _ = fetch(base + path, viewer, {"If-None-Match": etag})
            if status != 304:
                print(f"Warning: a repeat view of {path} answered {status}, not 304 (ETag {etag or 'missing'}).")
            script = rotate_script(workdir, "repeat", [path], [viewer], {"If-None-Match": etag})
            settle(base, viewer)
            results.append(measure("repeat view (304)", base, script, args.connections, args.duration))

        if not args.skip_mixed and pages:
            settle(base, viewer)
            print(f"Mixed run: {len(cookies[: args.people])} people for {args.mixed_seconds} s, a change every second.")
            mixed = mixed_run(base, pages, cookies[: args.people], args.mixed_seconds, workdir, subjects)

        if not args.skip_poll:
            meeting = subjects["meetings"][0]
            meeting_path = reverse("review_meeting_state", args=[meeting.pk])
            _, headers, _ = fetch(base + meeting_path, viewer)
            poll = workdir / "poll.lua"
            poll.write_text(
                POLL_LUA.replace("{COOKIES}", lua_list(cookies[: args.participants]))
                .replace("{ETAG}", headers.get("ETag", "").replace('"', '\\"'))
                .replace("{INTERVAL_MS}", "2000")
                + REPORT_LUA
            )
            settle(base, viewer)
            participants = min(args.participants, len(cookies))
            # Long enough for every participant's first poll (access check, then remembered).
            run_wrk(wrk_command(base + meeting_path, poll, participants, 6), 6)
            polling = to_result(
                f"meeting poll, {participants} participants every 2 s",
                participants,
                run_wrk(wrk_command(base + meeting_path, poll, participants, args.poll_seconds), args.poll_seconds),
            )
    finally:
        stop_process(worker)
        stop_process(server)
        log.close()

    print_table(
        "Each page rendered fresh (10 clients, different people and objects)", results, bare.requests_per_second
    )
    if mixed:
        print_table(
            f"Mixed: {len(cookies[: args.people])} people on different pages while someone saves a change every second",
            mixed,
            bare.requests_per_second,
        )
    if polling:
        ok = "ok" if polling.p95_ms < TARGET_POLL_P95_MS else f"over {TARGET_POLL_P95_MS} ms"
        print(
            f"\n{polling.page}: p50 {polling.p50_ms} ms, p95 {polling.p95_ms} ms, {polling.requests_per_second} req/s, "
            f"{polling.not_modified / max(polling.requests, 1):.0%} answered 304, {polling.errors} errors "
            f"(target p95 under {TARGET_POLL_P95_MS} ms: {ok})"
        )
    if args.json:
        figures = {
            "pages": [asdict(r) for r in results],
            "mixed": [asdict(r) for r in mixed],
            "polling": asdict(polling) if polling else None,
        }
        args.json.write_text(json.dumps(figures, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    random.seed(0)
    main()
