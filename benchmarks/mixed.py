"""The mixed run of ``benchmarks/pages.py``: every page type at once, each with its own clients, while
someone saves a change every second."""

import json
import subprocess
import threading
import time
from pathlib import Path

from benchmarks.load import Page, Result, rotate_script, to_result, wrk_command


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
        from postmortems.edits import save_section

        incidents, reviews = self.subjects["incidents"], self.subjects["reviews"]
        while not self.stop.wait(1.0):
            started = time.monotonic()
            if self.saves % 2 == 0:
                incident = incidents[(self.saves // 2) % len(incidents)]
                entry = TimelineEntry.objects.filter(incident=incident).order_by("-occurred_at").first()
                if entry is not None:
                    entry.text = f"{entry.text.split(' [')[0]} [checked again, {self.saves}]"
                    entry.save()
            else:  # as the section's form saves it
                review = reviews[(self.saves // 2) % len(reviews)]
                review.refresh_from_db()
                text = f"The alert fired within a minute (noted {self.saves})."
                save_section(review.pk, "went_well", text, review.section_version("went_well"))
            self.saves += 1
            self.slowest = max(self.slowest, time.monotonic() - started)
            close_old_connections()


def mixed_run(
    base: str,
    pages: list[Page],
    cookies: list[str],
    seconds: int,
    workdir: Path,
    subjects,
    reading_ms: tuple[int, int] | None = None,
    warmup: int = 4,
) -> list[Result]:
    """Every page type at once, each with its own clients (together ``len(cookies)`` people), while one
    person saves a change every second. With ``reading_ms`` each person reads a page for a pause between
    those bounds before the next; without, each opens the next page as soon as the last one arrived."""
    total = sum(page.mixed_share for page in pages)
    drivers = []
    offset = 0
    for page in pages:
        connections = max(1, round(page.mixed_share * len(cookies) / total))
        people = [cookies[(offset + i) % len(cookies)] for i in range(connections)]
        offset += connections
        script = rotate_script(workdir, f"mixed-{page.name}", page.paths, people, page.headers, reading_ms)
        drivers.append((page, connections, script))
    # As before each page's own run: everyone has opened their pages once, unmeasured, so the run measures
    # people who have been using the tool, not everyone's first page after the server started.
    warming = [
        subprocess.Popen(wrk_command(base + "/", script, connections, warmup, threads=1), stdout=subprocess.DEVNULL)
        for _, connections, script in drivers
    ]
    for process in warming:
        process.wait(timeout=warmup + 60)
    processes = [
        (
            page,
            connections,
            subprocess.Popen(
                wrk_command(base + "/", script, connections, seconds, threads=1), stdout=subprocess.PIPE, text=True
            ),
        )
        for page, connections, script in drivers
    ]
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
