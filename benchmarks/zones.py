"""What a viewer in another time zone pays for a page one viewer has just rendered, and what serving the kept
times in each viewer's zone costs (``fragments.times``).

Shared fragments are kept once for viewers in every zone; their times are put in each viewer's zone when
served. For each page this prints, after a change to what it shows and one viewer's render of it, the median
CPU milliseconds and queries of the next request by a person in another zone, and the time the serving pass
takes over the kept HTML of a warm request (its share of that request's CPU).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python benchmarks/zones.py                 # after benchmarks/pages.py --seed
"""

import argparse
import os
import statistics
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = "incident,review,meeting,incident list,action-item list,library search,dashboard"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=PAGES, help=f"these pages, comma-separated (default {PAGES})")
    parser.add_argument("--times", type=int, default=10, help="requests per figure (default 10)")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from benchmarks.render_cost import cost
    from benchmarks.subjects import key_pages, named, pick_subjects
    from dashboard.freshness import bump_version
    from fragments.versions import bump

    try:
        from fragments import times
    except ImportError:  # a release that kept fragments per zone: only the first figures
        times = None

    subjects = pick_subjects(20)
    by_zone: dict[str, list] = {}
    for person in subjects["people"]:
        by_zone.setdefault(person.time_zone, []).append(person)
    if len(by_zone) < 2:
        sys.exit("The people picked share one time zone: there is nothing to compare.")
    (first_zone, first), (second_zone, second) = [(zone, people[0]) for zone, people in sorted(by_zone.items())[:2]]
    clients = []
    for person in (first, second):
        client = Client()
        client.force_login(person)
        client.get("/benchmark/ping")
        clients.append(client)

    served_pieces: list[str] = []
    serve = times.served if times is not None else None

    def recording(html: str) -> str:
        served_pieces.append(html)
        return serve(html)

    print(f"after one viewer in {first_zone}, the next in {second_zone}:")
    print(f"{'page':<20} {'cpu ms':>7} {'queries':>8} {'serving pass ms':>16} {'placeholders':>13}")
    for page in named(key_pages(subjects), args.pages):
        before = (lambda page=page: bump(*page.versions)) if page.versions else bump_version
        other_zone = []
        for i in range(args.times):
            path = page.paths[i % len(page.paths)]
            before()
            cost(clients[0], path)
            other_zone.append(cost(clients[1], path))
        line = f"{page.name:<20} {statistics.median(c[0] for c in other_zone):>7.1f} {max(c[1] for c in other_zone):>8}"
        if times is not None:
            times.served = recording
            try:
                served_pieces.clear()
                clients[1].get(page.paths[0])  # warm: every piece kept
            finally:
                times.served = serve
            pieces = list(served_pieces)
            with timezone.override(second_zone):
                passes = timeit.repeat(lambda pieces=pieces: [serve(html) for html in pieces], number=50, repeat=10)
            line += f" {min(passes) / 50 * 1000:>16.3f} {sum(html.count(times.START) for html in pieces):>13}"
        print(line)


if __name__ == "__main__":
    main()
