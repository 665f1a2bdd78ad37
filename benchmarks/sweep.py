"""How long the reminder sweep takes, and whether its cost follows due items rather than the total.

Usage (PostgreSQL; the script creates and drops a database of its own next to DATABASE_URL's):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postmortems .venv/bin/python benchmarks/sweep.py

It seeds 100,000 action items and 20,000 systemic-fix obligations with ``bulk_create``
(first a tenth of that, to show the nothing-due sweep does not grow with the total),
times a sweep when nothing is due, then makes 1,000 reminders due (500 obligation
reminders to three people each and 500 overdue action items) and times that sweep.
Options: ``--keep`` leaves the database for inspection; ``--database NAME`` names it.
"""

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ITEMS, OBLIGATIONS, DUE_OBLIGATIONS, DUE_ITEMS = 100_000, 20_000, 500, 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="pm_bench_sweep", help="name of the throw-away database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the busy sweep")
    return parser.parse_args()


def admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def prepare_database(url: str, name: str) -> str:
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def drop_database(url: str, name: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(scale: float, now, offset: int) -> None:
    """Bulk-create a realistic mix: most obligations met or cancelled, most items done or not yet due."""
    from accounts.models import Membership, Role, Team, User
    from actions.models import ActionItem, ActionKind, ActionStatus, FixObligation, ObligationState
    from incidents.models import Incident

    teams = list(Team.objects.all())
    if not teams:
        teams = Team.objects.bulk_create([Team(name=f"Team {n}", slug=f"team-{n}") for n in range(20)])
        users = User.objects.bulk_create(
            [User(username=f"person{n}", email=f"person{n}@example.com") for n in range(400)]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, team=teams[n % 20], role=Role.MANAGER if n < 20 else Role.ENGINEER)
                for n, user in enumerate(users)
            ]
        )
    users = list(User.objects.order_by("pk"))
    obligations = int(OBLIGATIONS * scale)
    incidents = Incident.objects.bulk_create(
        [
            Incident(
                title=f"Incident {offset + n}",
                team=teams[n % len(teams)],
                impact_started_at=now - timedelta(days=400) + timedelta(minutes=n),
                mitigated_at=now - timedelta(days=400) + timedelta(minutes=n + 30),
                status="resolved",
            )
            for n in range(obligations)
        ],
        batch_size=2000,
    )
    Incident.responders.through.objects.bulk_create(
        [
            Incident.responders.through(incident_id=incident.pk, user_id=users[(n * 7 + k) % len(users)].pk)
            for n, incident in enumerate(incidents)
            for k in range(2)
        ],
        batch_size=5000,
    )
    states = [ObligationState.MET] * 8 + [ObligationState.CANCELLED, ObligationState.PENDING]
    rows = []
    for n, incident in enumerate(incidents):
        state = states[n % len(states)]
        start = incident.mitigated_at
        if state == ObligationState.PENDING:
            # Open, with the next reminder days away.
            start = now + timedelta(days=3, minutes=n % 1000)
        rows.append(
            FixObligation(
                incident=incident,
                starts_at=start,
                deadline=start + timedelta(hours=48),
                state=state,
                met_at=start + timedelta(hours=20) if state == ObligationState.MET else None,
                next_check_at=start + timedelta(hours=24) if state == ObligationState.PENDING else None,
            )
        )
    FixObligation.objects.bulk_create(rows, batch_size=2000)
    items = []
    per_incident = ITEMS // OBLIGATIONS
    for n, incident in enumerate(incidents):
        still_owed = states[n % len(states)] == ObligationState.PENDING
        for k in range(per_incident):
            done = (n + k) % 3 != 0
            due = (now + timedelta(days=5 + (n + k) % 60)).date()
            items.append(
                ActionItem(
                    title=f"Change {n}-{k}",
                    kind=list(ActionKind)[k % 7],
                    owner=users[(n + k) % len(users)],
                    team=incident.team,
                    incident=incident,
                    due_on=due,
                    status=ActionStatus.DONE if done else ActionStatus.OPEN,
                    # Open obligations have no qualifying fix yet: their items lack a link to the change.
                    change_url="" if still_owed else "https://git.example.com/pull/1",
                    next_reminder_at=None if done else _midnight_after(due),
                )
            )
    ActionItem.objects.bulk_create(items, batch_size=5000)


def _midnight_after(day: date):
    from actions.models import start_of_day_after

    return start_of_day_after(day)


def make_due(now) -> None:
    """500 obligations whose 24-hour reminder is due, 500 action items past their due date."""
    from actions.models import ActionItem, FixObligation, ObligationState

    pending = list(
        FixObligation.objects.filter(state=ObligationState.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:DUE_OBLIGATIONS]
    )
    FixObligation.objects.filter(pk__in=pending).update(
        starts_at=now - timedelta(hours=25), deadline=now + timedelta(hours=23), next_check_at=now - timedelta(hours=1)
    )
    open_items = list(ActionItem.objects.filter(status="open").order_by("pk").values_list("pk", flat=True)[:DUE_ITEMS])
    yesterday = now.date() - timedelta(days=1)
    ActionItem.objects.filter(pk__in=open_items).update(due_on=yesterday, next_reminder_at=_midnight_after(yesterday))


def time_sweep(now, runs: int = 7) -> tuple[float, int]:
    """The fastest of ``runs`` sweeps (the least disturbed by other work on the machine) and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actions.reminders import run_sweep

    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run_sweep(now)
            timings.append(time.perf_counter() - started)
        queries = len(captured)
    return min(timings), queries


def explain_due_query(now) -> str:
    from actions.models import FixObligation, ObligationState

    due = FixObligation.objects.filter(
        state__in=[ObligationState.PENDING, ObligationState.BREACHED], next_check_at__lte=now
    ).order_by("next_check_at", "pk")[:200]
    return due.explain()


def counts() -> tuple[int, int]:
    from actions.models import ActionItem, FixObligation

    return ActionItem.objects.count(), FixObligation.objects.count()


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/any); the benchmark makes its own database there."
        )
    os.environ["DATABASE_URL"] = prepare_database(url, args.database)
    os.environ["DATABASE_POOL"] = "false"
    # No broker and no mail server: the benchmark measures the sweep, not delivery.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    try:
        call_command("migrate", verbosity=0)
        now = timezone.now()

        started = time.perf_counter()
        seed(0.1, now, offset=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        items, obligations = counts()
        print(f"Seeded {items:,} action items and {obligations:,} obligations in {time.perf_counter() - started:.1f} s")
        time_sweep(now, runs=1)  # warm up: the weekly digests, if they are due now, go out here
        small, small_queries = time_sweep(now)
        print(f"  sweep with nothing due: {small * 1000:8.1f} ms, {small_queries} SQL queries")

        started = time.perf_counter()
        seed(0.9, now, offset=int(OBLIGATIONS * 0.1))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        items, obligations = counts()
        print(
            f"Seeded up to {items:,} action items and {obligations:,} obligations in {time.perf_counter() - started:.1f} s"
        )
        time_sweep(now, runs=1)
        idle, idle_queries = time_sweep(now)
        print(
            f"  sweep with nothing due: {idle * 1000:8.1f} ms, {idle_queries} SQL queries "
            f"({idle / small:.2f}× the time at a tenth of the size)"
        )
        print("  the due-obligation query uses the partial index:")
        print("    " + explain_due_query(now).replace("\n", "\n    "))

        make_due(now)
        started = time.perf_counter()
        from actions.reminders import run_sweep

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            report = profiler.runcall(run_sweep, now)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        else:
            report = run_sweep(now)
        busy = time.perf_counter() - started
        print(
            f"  sweep with {report.reminders:,} reminders due: {busy * 1000:8.1f} ms "
            f"({report.obligation_reminders} obligation reminders to 3 people each, {report.overdue_reminders} overdue items; "
            f"{busy / report.reminders * 1000:.2f} ms per reminder)"
        )
        after, _ = time_sweep(now, runs=3)
        print(f"  the next sweep, nothing due again: {after * 1000:8.1f} ms")
        print(f"Ratio due/idle: {busy / idle:.0f}×; idle at full size / idle at a tenth: {idle / small:.2f}×")
        if idle >= 1.0:
            sys.exit("FAIL: the nothing-due sweep took a second or more")
    finally:
        if args.keep:
            print(f"Kept database {args.database}")
        else:
            drop_database(url, args.database)


if __name__ == "__main__":
    main()
