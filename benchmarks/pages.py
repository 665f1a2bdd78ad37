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
   same 40 incidents and their reviews), after a few seconds in which the same people open pages unmeasured
   (as each page's own run warms up first). p50, p95 and throughput per page type, twice: people who read
   each page for a moment (``--reading``, 1 to 3 s) before opening the next, as people browse; then the
   same people opening the next page as soon as the last arrived, a load beyond what the machine serves
   (there the waiting for a turn on the two cores sets the p95, and the throughput is the figure).
4. **The live meeting** (``benchmarks/meeting_live.py``): ``--participants`` people following one meeting
   as its page does (an update poll every second, the changed parts fetched when it says so) while the
   facilitator adds a factor every five seconds; how long each participant takes to have each change.

Prints the targets against each figure: p95 under 50 ms and at least a tenth of the bare view's
throughput for each key page; the signed-in trivial view at least half the bare view's throughput;
polls under 30 ms at p95; every participant holding a change within 2 s, its fragment under 50 ms at p95.
The load is driven by wrk through ``benchmarks/load.py``.

    apt-get install wrk                      # the load tool (Debian)
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python benchmarks/pages.py --seed            # migrates and seeds the full organisation when empty

Options: ``--duration`` seconds per page (10), ``--mixed-seconds`` (20), ``--connections`` per page (10),
``--people`` in the mixed run (50), ``--reading`` ms a person reads a page there ("1000,3000"), ``--participants`` (100), ``--workers`` gunicorn processes
(2 × cores), ``--seed-scale`` (1.0), ``--json FILE`` to keep the figures, ``--pages "dashboard,review"``
to measure only some pages (the base and the trivial view always run), ``--skip-mixed``, ``--skip-poll``.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402 - after the project is on the path
    Page,
    Result,
    fetch,
    free_port,
    measure,
    rotate_script,
    settle,
    start_server,
    start_worker,
    stop_process,
)
from benchmarks.meeting_live import live_meeting_run, summary  # noqa: E402
from benchmarks.mixed import mixed_run  # noqa: E402
from benchmarks.report import BARE, REPEAT, TRIVIAL, print_table  # noqa: E402
from benchmarks.subjects import key_pages, named, pick_subjects  # noqa: E402


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


def each_page_fresh(base: str, pages: list[Page], cookies: list[str], workdir: Path, worker, args) -> list[Result]:
    """The trivial signed-in view, then each page rendered fresh, a repeat view answered 304, and last each page's
    cold figure."""
    viewer = cookies[0]
    trivial = measure(
        TRIVIAL,
        base,
        rotate_script(workdir, "trivial", ["/benchmark/ping"], cookies[: args.connections]),
        args.connections,
        args.duration,
    )
    results = [trivial]
    print(f"  measured the trivial view: {trivial.requests_per_second} req/s", flush=True)
    if args.skip_pages or not pages:
        return results
    for page in pages:
        settle(base, viewer, worker=worker)
        script = rotate_script(workdir, page.name, page.paths, cookies[: args.connections], page.headers)
        result = measure(page.name, base, script, args.connections, args.duration)
        results.append(result)
        print(f"  measured {page.name}: p95 {result.p95_ms} ms, {result.requests_per_second} req/s", flush=True)
    # A repeat view with nothing changed: the browser, keeping its cookies (the session and the CSRF
    # cookie), sends the ETag it holds and the page answers 304.
    path = pages[min(3, len(pages) - 1)].paths[0]
    # Settled first: a refresh the worker finishes meanwhile would otherwise change the tag after it was read.
    settle(base, viewer, worker=worker)
    # Pages that show relative times change their tag each minute (a browser then gets the page again, once, and
    # holds the new tag; wrk would keep sending the old one): the row is measured within one minute.
    needed = args.duration + 2 + 3  # the run, its warm-up and a margin
    into_minute = time.time() % 60
    if into_minute > 60 - needed:
        time.sleep(60 - into_minute + 0.5)
    _, headers, _ = fetch(base + path, viewer)
    etag = headers.get("ETag", "")
    status, _, _ = fetch(base + path, viewer, {"If-None-Match": etag})
    if status != 304:
        print(f"Warning: a repeat view of {path} answered {status}, not 304 (ETag {etag or 'missing'}).")
    script = rotate_script(workdir, "repeat", [path], [viewer], {"If-None-Match": etag})
    results.append(measure(REPEAT, base, script, args.connections, args.duration))
    # The cold figures last: raising versions makes the worker recompute the dashboard's figures, which
    # would compete with the pages measured after.
    for page, result in zip(pages, results[1:], strict=False):
        settle(base, viewer, worker=worker)
        result.cold_ms = cold_ms(base, page, viewer)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--mixed-seconds", type=int, default=20, help="seconds of the mixed run (default 20)")
    parser.add_argument("--connections", type=int, default=10, help="concurrent clients per page (default 10)")
    parser.add_argument("--people", type=int, default=50, help="people browsing in the mixed run (default 50)")
    parser.add_argument(
        "--reading", default="1000,3000", help="in the mixed run, ms a person reads a page: from,to (default 1000,3000)"
    )
    parser.add_argument("--participants", type=int, default=100, help="meeting participants polling (default 100)")
    parser.add_argument("--poll-seconds", type=int, default=40, help="how long the participants poll (default 40)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--access-log", default="", help="write the application's requests with their ms to this file")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn processes")
    parser.add_argument("--seed", action="store_true", help="migrate and seed the organisation first if empty")
    parser.add_argument("--seed-scale", type=float, default=1.0, help="--scale for seed_organisation (default 1)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--pages", default="", help="only these pages, comma-separated (e.g. 'dashboard,review')")
    parser.add_argument("--skip-pages", action="store_true", help="leave out each page's own row")
    parser.add_argument("--skip-mixed", action="store_true", help="leave out the mixed run")
    parser.add_argument("--skip-poll", action="store_true", help="leave out the meeting participants' polling")
    args = parser.parse_args()
    require_tools()
    setup_django()

    from django.core.management import call_command

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
    pages = named(key_pages(subjects), args.pages)

    workdir = Path(tempfile.mkdtemp(prefix="pm-bench-"))
    log = open(workdir / "servers.log", "w")  # noqa: SIM115 - closed below
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    print(f"Load average {load:.1f} on {cores} cores at the start.")
    if load > cores / 2:
        print("Warning: other work is competing for the cores; these figures will be distorted.")
    print(
        f"{count:,} incidents; {args.workers} gunicorn workers × {args.threads} threads; {args.connections} clients per page."
    )

    # 1. The base: a bare Django view, same gunicorn settings.
    port = free_port()
    bare_server = start_server(port, args.workers, log, "benchmarks.bare", "benchmarks.bare:application", args.threads)
    try:
        script = rotate_script(workdir, "bare", ["/"], [""])
        bare = measure(BARE, f"http://127.0.0.1:{port}", script, args.connections, args.duration)
    finally:
        stop_process(bare_server)
    print(f"  measured the bare Django view: {bare.requests_per_second} req/s", flush=True)

    # 2-4. The application.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(
        port, args.workers, log, "benchmarks.settings", "config.wsgi:application", args.threads, args.access_log
    )
    worker = start_worker(log)
    results: list[Result] = [bare]
    mixed: list[Result] = []
    browsing: list[Result] = []
    reading_ms = tuple(int(ms) for ms in args.reading.split(","))
    live = None
    try:
        for page in pages:
            for path in page.paths:
                status, _, _ = fetch(base + path, viewer)
                if status != 200:
                    sys.exit(f"{path} answered {status} to the signed-in manager; see {log.name}")
        settle(base, viewer, worker=worker)  # the dashboard's figures, first computed after its first visit
        results += each_page_fresh(base, pages, cookies, workdir, worker, args)

        if not args.skip_mixed and pages:
            people = cookies[: args.people]
            settle(base, viewer, worker=worker)
            print(f"Mixed run: {len(people)} people reading pages for {args.mixed_seconds} s, a change every second.")
            browsing = mixed_run(base, pages, people, args.mixed_seconds, workdir, subjects, reading_ms)
            settle(base, viewer, worker=worker)
            print(f"Mixed run: {len(people)} people without pauses for {args.mixed_seconds} s, a change every second.")
            mixed = mixed_run(base, pages, people, args.mixed_seconds, workdir, subjects)

        if not args.skip_poll:
            settle(base, viewer, worker=worker)
            participants = cookies[: args.participants]
            print(f"Live meeting: {len(participants)} participants for {args.poll_seconds} s.", flush=True)
            live = live_meeting_run(base, subjects["meetings"][0], participants, args.poll_seconds)
    finally:
        stop_process(worker)
        stop_process(server)
        log.close()

    print_table(
        "Each page rendered fresh (10 clients, different people and objects)", results, bare.requests_per_second
    )
    if browsing:
        print_table(
            f"Mixed: {len(cookies[: args.people])} people on different pages, each reading a page for "
            f"{reading_ms[0] / 1000:g}-{reading_ms[1] / 1000:g} s before the next, while someone saves a change every second",
            browsing,
            bare.requests_per_second,
            offered_load=True,
        )
    if mixed:
        print_table(
            f"Mixed: the same {len(cookies[: args.people])} people opening the next page as soon as the last arrived "
            "(more than the machine serves: throughput is the figure)",
            mixed,
            bare.requests_per_second,
        )
    if live:
        print(live.report())
    if args.json:
        figures = {
            "pages": [asdict(r) for r in results],
            "mixed_reading": [asdict(r) for r in browsing],
            "mixed": [asdict(r) for r in mixed],
            "live_meeting": summary(live) if live else None,
        }
        args.json.write_text(json.dumps(figures, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    random.seed(0)
    main()
