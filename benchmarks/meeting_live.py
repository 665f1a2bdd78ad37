"""The live meeting under load: participants polling as the meeting page does, while the facilitator adds
factors, and how long each participant takes to have the new content.

Each participant is a thread with one kept-alive connection that behaves like ``static/js/meeting.js``:
it asks the update endpoint with the ETag it holds, waits a second after each answer, and when the answer
is new (200) it fetches every part whose counter moved, as htmx does. Meanwhile a change (a contributing
factor added through the same domain function the meeting's form uses) is saved every few seconds.

It prints the polls' p50/p95, the fragments' p50/p95, and for every change and every participant the time
from the change being saved to that participant holding the new fragment (p50, p95 and the slowest).
"""

import http.client
import json
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

POLL_MS = 1000  # as static/js/meeting.js
TARGET_POLL_P95_MS = 30
TARGET_FRAGMENT_P95_MS = 50
TARGET_PROPAGATION_S = 2.0


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class LiveFigures:
    participants: int
    changes: int = 0
    polls: list[float] = field(default_factory=list)  # ms
    fragments: list[float] = field(default_factory=list)  # ms
    propagation: list[float] = field(default_factory=list)  # s, one per change and participant
    missed: int = 0  # changes a participant never received before the end
    errors: int = 0
    not_modified: int = 0

    def report(self) -> str:
        polls_p95 = percentile(self.polls, 0.95)
        fragments_p95 = percentile(self.fragments, 0.95)
        slowest = max(self.propagation, default=0.0)
        reached = self.changes and slowest <= TARGET_PROPAGATION_S and not self.missed and not self.errors
        return "\n".join(
            [
                f"\nLive meeting: {self.participants} participants polling every {POLL_MS / 1000:g} s as the page does,"
                f" {self.changes} changes saved",
                f"  update poll: {len(self.polls)} polls, p50 {percentile(self.polls, 0.5):.1f} ms, p95 {polls_p95:.1f} ms,"
                f" {self.not_modified / max(len(self.polls), 1):.0%} answered 304"
                f" (target p95 under {TARGET_POLL_P95_MS} ms: {'met' if polls_p95 < TARGET_POLL_P95_MS else 'not met'})",
                f"  changed fragment: {len(self.fragments)} fetched, p50 {percentile(self.fragments, 0.5):.1f} ms,"
                f" p95 {fragments_p95:.1f} ms (target under {TARGET_FRAGMENT_P95_MS} ms:"
                f" {'met' if fragments_p95 < TARGET_FRAGMENT_P95_MS else 'not met'})",
                f"  change saved → participant has it: p50 {percentile(self.propagation, 0.5):.2f} s,"
                f" p95 {percentile(self.propagation, 0.95):.2f} s, slowest {slowest:.2f} s, {self.missed} missed"
                f" (target every participant within {TARGET_PROPAGATION_S:g} s:"
                f" {'met' if reached else 'not met'}), {self.errors} errors",
            ]
        )


class Changes:
    """When each change counter was reached: written by the facilitator's thread, read by participants."""

    def __init__(self):
        self.saved_at: dict[int, float] = {}
        self.lock = threading.Lock()

    def record(self, seq: int, when: float) -> None:
        with self.lock:
            self.saved_at[seq] = when

    def between(self, after: int, upto: int) -> list[float]:
        with self.lock:
            return [when for seq, when in self.saved_at.items() if after < seq <= upto]


class Participant(threading.Thread):
    def __init__(self, base: str, state_path: str, part_url: str, cookie: str, changes: Changes, stop, figures, lock):
        super().__init__(daemon=True)
        self.address = urlsplit(base)
        self.state_path, self.part_url, self.cookie = state_path, part_url, cookie
        self.changes, self.stop, self.figures, self.lock = changes, stop, figures, lock
        self.connection = None

    def get(self, path: str, headers: dict) -> tuple[int, dict, bytes, float]:
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.address.hostname, self.address.port, timeout=30)
            started = time.perf_counter()
            try:
                self.connection.request("GET", path, headers={"Cookie": self.cookie, **headers})
                response = self.connection.getresponse()
                body = response.read()
                return response.status, dict(response.getheaders()), body, (time.perf_counter() - started) * 1000
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def run(self) -> None:
        polls, fragments, propagation = [], [], []
        errors = not_modified = 0
        status, headers, body, _ = self.get(self.state_path, {"Accept": "application/json"})
        state = json.loads(body)
        etag, seen_seq, known = headers.get("ETag"), state["seq"], state["parts"]
        while not self.stop.wait(POLL_MS / 1000):
            try:
                status, headers, body, took = self.get(
                    self.state_path, {"Accept": "application/json", "If-None-Match": etag}
                )
                polls.append(took)
                if status == 304:
                    not_modified += 1
                    continue
                if status != 200:
                    errors += 1
                    continue
                state = json.loads(body)
                etag = headers.get("ETag")
                for part, seq in state["parts"].items():
                    if seq != known.get(part):
                        status, _, _, took = self.get(self.part_url + part, {"HX-Request": "true"})
                        fragments.append(took)
                        errors += status != 200
                has_it = time.monotonic()
                propagation += [has_it - saved for saved in self.changes.between(seen_seq, state["seq"])]
                seen_seq, known = state["seq"], state["parts"]
            except (http.client.HTTPException, OSError, ValueError):
                errors += 1
        missed = len(self.changes.between(seen_seq, 1 << 62))
        with self.lock:
            self.figures.polls += polls
            self.figures.fragments += fragments
            self.figures.propagation += propagation
            self.figures.errors += errors
            self.figures.not_modified += not_modified
            self.figures.missed += missed


def add_factor_every(review, facilitator, seconds: float, stop, changes: Changes, figures: LiveFigures) -> None:
    """The facilitator's side: a factor added through the meeting's own domain function every ``seconds``
    (the review keeps them: a few factors more per run)."""
    from django.db import close_old_connections

    from postmortems import edits
    from postmortems.models import Depth, FactorCategory

    category = FactorCategory.objects.order_by("position").first()
    while not stop.wait(seconds):
        description = f"The retry budget was shared by every caller (benchmark change {figures.changes + 1})"
        edits.add_factor(
            review, facilitator, {"description": description, "depth": Depth.PATTERN, "category": category}
        )
        review.refresh_from_db(fields=["change_counter"])
        changes.record(review.change_counter, time.monotonic())
        figures.changes += 1
        close_old_connections()


def live_meeting_run(base: str, review, cookies: list[str], seconds: int, change_every: float = 5.0) -> LiveFigures:
    from django.urls import reverse

    state_path = reverse("review_meeting_state", args=[review.pk])
    part_url = reverse("review_meeting", args=[review.pk]) + "?part="
    figures, changes, lock = LiveFigures(len(cookies)), Changes(), threading.Lock()
    stop, stop_changes = threading.Event(), threading.Event()
    participants = [Participant(base, state_path, part_url, cookie, changes, stop, figures, lock) for cookie in cookies]
    for number, participant in enumerate(participants):
        participant.start()
        time.sleep(POLL_MS / 1000 / len(participants))  # spread over a second, as people arrive
        if number == 0:
            time.sleep(0.5)
    facilitator = threading.Thread(
        target=add_factor_every,
        args=(review, review.facilitator, change_every, stop_changes, changes, figures),
        daemon=True,
    )
    facilitator.start()
    time.sleep(seconds)
    stop_changes.set()
    facilitator.join()
    time.sleep(TARGET_PROPAGATION_S + 1)  # time for the last change to reach everyone before they stop
    stop.set()
    for participant in participants:
        participant.join()
    figures.polls = [round(value, 2) for value in figures.polls]
    return figures


def summary(figures: LiveFigures) -> dict:
    return {
        "participants": figures.participants,
        "changes": figures.changes,
        "poll_p50_ms": percentile(figures.polls, 0.5),
        "poll_p95_ms": percentile(figures.polls, 0.95),
        "fragment_p50_ms": percentile(figures.fragments, 0.5),
        "fragment_p95_ms": percentile(figures.fragments, 0.95),
        "propagation_p95_s": percentile(figures.propagation, 0.95),
        "propagation_slowest_s": max(figures.propagation, default=0.0),
        "propagation_mean_s": statistics.fmean(figures.propagation) if figures.propagation else 0.0,
        "missed": figures.missed,
        "errors": figures.errors,
    }
