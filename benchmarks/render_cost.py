"""What one request to each key page costs inside the process, with Django's test client: CPU time and queries.

Unlike ``benchmarks/pages.py`` this needs no idle machine: CPU time of the process is little disturbed by
other work on the cores, so it shows what a change to a view or a template saves. For each page it prints
the median CPU milliseconds and the query count of

- **warm**: a request by another person, with the shared fragments kept by earlier viewers;
- **cold**: a request after raising the versions of what the page shows, so nothing it shows is kept;

and the same for the signed-in trivial view against a bare view with no middleware (``benchmarks/bare.py``'s view,
served in this process with no middleware loaded). ``--pages trivial`` prints only these two.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python benchmarks/render_cost.py                 # after benchmarks/pages.py --seed
    .venv/bin/python benchmarks/render_cost.py --pages incident --profile   # a pyinstrument profile (if installed)
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def cost(client, path: str, before=None) -> tuple[float, int, int, float]:
    """CPU milliseconds, queries, status and wall milliseconds of one GET."""
    from django.db import connection

    if before:
        before()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started, wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        spent, wall = time.process_time() - started, time.perf_counter() - wall
    return spent * 1000, counter.count, response.status_code, wall * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="", help="only these pages, comma-separated")
    parser.add_argument("--times", type=int, default=15, help="requests per figure (default 15)")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of warm requests")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from benchmarks.subjects import key_pages, named, pick_subjects
    from fragments.versions import bump

    subjects = pick_subjects(20)
    clients = []
    for person in subjects["people"][:10]:
        client = Client()
        client.force_login(person)
        client.get("/benchmark/ping")
        clients.append(client)
    pages = named(key_pages(subjects), args.pages)

    print(f"{'page':<26} {'warm cpu ms':>11} {'wall':>6} {'queries':>8} {'cold cpu ms':>11} {'wall':>6} {'queries':>8}")
    trivial = [cost(clients[i % len(clients)], "/benchmark/ping") for i in range(args.times * 4)]
    print(f"{'trivial view (signed in)':<26} {statistics.median(t[0] for t in trivial):>11.2f} {trivial[-1][1]:>8}")
    with override_settings(ROOT_URLCONF="benchmarks.bare", MIDDLEWARE=[]):  # the handler loads no middleware
        bare_client = Client()
        bare = [cost(bare_client, "/") for _ in range(args.times * 4)]
    print(f"{'bare view (no middleware)':<26} {statistics.median(t[0] for t in bare):>11.2f} {bare[-1][1]:>8}")
    for page in pages:
        visits = [(clients[i % len(clients)], page.paths[i % len(page.paths)]) for i in range(args.times)]
        for client, path in visits:  # the same person on the same page earlier: every fragment they see is kept
            cost(client, path)
        warm = [cost(client, path) for client, path in visits]
        if page.versions:
            before = lambda page=page: bump(*page.versions)  # noqa: E731
        elif page.name == "dashboard":
            from dashboard.freshness import bump_version

            before = bump_version
        else:
            before = None
        cold = [cost(clients[i % len(clients)], page.paths[i % len(page.paths)], before) for i in range(args.times)]
        statuses = {t[2] for t in warm + cold}
        print(
            f"{page.name:<26} {statistics.median(t[0] for t in warm):>11.1f} {statistics.median(t[3] for t in warm):>6.1f} "
            f"{max(t[1] for t in warm):>8} {statistics.median(t[0] for t in cold):>11.1f} "
            f"{statistics.median(t[3] for t in cold):>6.1f} {max(t[1] for t in cold):>8}"
            + (f"  statuses {sorted(statuses)}" if statuses != {200} else "")
        )
        if args.profile:
            from pyinstrument import Profiler

            for client, path in visits:  # the cold requests above left every fragment of these pages stale
                client.get(path)
            profiler = Profiler(interval=0.0002)
            with profiler:  # warm requests by different people, as most requests are
                for client, path in visits:
                    client.get(path)
            print(profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total"))


if __name__ == "__main__":
    main()
