"""The organisation being seeded: how big, the random source and clock every part draws from, and what the
parts seeded so far (a later part reads what an earlier one made)."""

import random
import time
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from dashboard.seeding.texts import TEAM_NAMES

FULL = {
    "teams": 20,
    "users": 400,
    "incidents": 10_000,
    "timeline_entries": 200_000,
    "near_misses": 30_000,
    "action_items": 100_000,
    "reviews": 8_000,
}
BATCH = 2_000
YEARS = 3


class Progress:
    """A plain progress bar on the terminal: phase, bar, count, rate."""

    def __init__(self, out, label: str, total: int):
        self.out, self.label, self.total, self.done = out, label, max(total, 1), 0
        self.started = time.monotonic()
        self.draw()

    def advance(self, count: int) -> None:
        self.done += count
        self.draw()

    def draw(self, final: bool = False) -> None:
        share = min(self.done / self.total, 1.0)
        filled = int(share * 30)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        line = f"\r{self.label:<22} [{'#' * filled}{'.' * (30 - filled)}] {self.done:>7,}/{self.total:,} {rate:,.0f}/s"
        self.out.write(line, ending="\n" if final else "")
        self.out.flush()

    def finish(self) -> None:
        self.draw(final=True)


def scaled(scale: float) -> dict[str, int]:
    counts = {name: max(1, round(value * scale)) for name, value in FULL.items()}
    counts["teams"] = max(2, min(counts["teams"], len(TEAM_NAMES)))
    counts["users"] = max(counts["teams"] * 4, counts["users"])
    counts["reviews"] = min(counts["reviews"], counts["incidents"] + counts["near_misses"])
    return counts


class Organisation:
    """What has been seeded so far, and the random source and clock every part draws from."""

    # Set by the parts, in the order ``dashboard.seeding.seed_organisation`` runs them.
    teams: list
    users: list
    members: dict[int, list[int]]  # team pk: its people's pks, managers and facilitators first
    services: list
    services_by_team: dict[int, list]
    incidents: list
    near_misses: list
    reviews: list
    factors: list
    factors_by_review: dict[int, list]
    review_of_incident: dict[int, object]
    items: list

    def __init__(self, out, *, counts: dict[str, int], seed: int, password: str):
        self.out = out
        self.counts = counts
        self.random = random.Random(seed)
        self.password_hash = make_password(password)
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * YEARS)

    def bulk(self, model, objects, label: str, total: int | None = None):
        """Insert ``objects`` (an iterable) in batches with a progress bar; returns the created rows."""
        progress = Progress(self.out, label, total if total is not None else len(objects))
        created, batch = [], []
        for obj in objects:
            batch.append(obj)
            if len(batch) >= BATCH:
                created.extend(model.objects.bulk_create(batch))
                progress.advance(len(batch))
                batch = []
        if batch:
            created.extend(model.objects.bulk_create(batch))
            progress.advance(len(batch))
        progress.finish()
        return created

    def moment(self, skew: float = 1.0) -> datetime:
        """A moment in the last three years; ``skew`` above 1 leans towards the recent past."""
        fraction = self.random.random() ** (1 / skew)
        return self.start + (self.now - self.start) * fraction
