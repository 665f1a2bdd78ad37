"""What a request costs right after the clock turns a minute, with nothing written meanwhile.

Pages that show a countdown must not render their kept fragments again only because time passed. For each page
it visits every address as each of ten people within one minute (so that what they see is kept), then, the clock
moved on by a minute and again by an hour (time-machine), visits each address as another of them, and prints the
median CPU milliseconds and queries of those requests and how many action-item panels they rendered.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/pm_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python benchmarks/clock_turn.py --pages incident,review,meeting
"""

import argparse
import datetime as dt
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--pages", default="incident,review,meeting,meeting actions,status poll", help="these pages, comma-separated"
    )
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    import time_machine
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    import actions.panels
    from benchmarks.load import Page
    from benchmarks.render_cost import cost
    from benchmarks.subjects import key_pages, named, pick_subjects

    panels = []
    for name in ("obligation_context", "review_items_context"):
        made = getattr(actions.panels, name)

        def counted(*args, made=made, **kwargs):
            panels.append(1)
            return made(*args, **kwargs)

        setattr(actions.panels, name, counted)

    subjects = pick_subjects(20)
    browsers = {False: [], True: []}  # a page, and htmx asking for a part of one
    for person in subjects["people"][:10]:
        for htmx, clients in browsers.items():
            client = Client(headers={"HX-Request": "true"} if htmx else {})
            client.force_login(person)
            clients.append(client)
    parts = [
        # The meeting's action items, as its page asks for them at that step of the agenda.
        Page(
            "meeting actions", [reverse("review_meeting", args=[r.pk]) + "?part=actions" for r in subjects["meetings"]]
        ),
        # What an open incident page asks for every OBLIGATION_POLL_SECONDS.
        Page(
            "status poll",
            [reverse("obligation_panel", args=[i.pk]) + "?part=status&items=1" for i in subjects["incidents"]],
        ),
    ]
    pages = named([*key_pages(subjects), *parts], args.pages)
    # Early in the next minute (the people's sessions begin now: never before them).
    start = timezone.now().replace(second=5, microsecond=0) + dt.timedelta(minutes=1)
    print(f"{'page':<16} {'when':<22} {'cpu ms':>7} {'queries':>8} {'panels rendered':>16}")
    for page in pages:
        clients = browsers[page in parts]
        with time_machine.travel(start, tick=True):
            for client in clients:  # everyone on every address: all they see is kept
                for path in page.paths:
                    client.get(path)
            figures = {"same minute": []}
            panels.clear()
            for i, path in enumerate(page.paths):
                figures["same minute"].append(cost(clients[(i + 3) % len(clients)], path))
            counts = {"same minute": len(panels)}
        for label, later in (("a minute later", dt.timedelta(minutes=1)), ("an hour later", dt.timedelta(hours=1))):
            with time_machine.travel(start + later, tick=True):
                panels.clear()
                figures[label] = [cost(clients[(i + 5) % len(clients)], path) for i, path in enumerate(page.paths)]
                counts[label] = len(panels)
        for label, runs in figures.items():
            print(
                f"{page.name:<16} {label:<22} {statistics.median(r[0] for r in runs):>7.1f} "
                f"{statistics.median(r[1] for r in runs):>8} {counts[label]:>9} of {len(runs)}"
                + (f"  statuses {sorted({r[2] for r in runs})}" if {r[2] for r in runs} != {200} else "")
            )


if __name__ == "__main__":
    main()
