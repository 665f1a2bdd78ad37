"""Seed a realistic organisation to measure the pages at a real size.

At ``--scale 1``: 20 teams, 400 people, 10,000 incidents with 200,000 timeline entries,
30,000 near misses, 100,000 action items and 8,000 reviews (with contributing factors,
perspectives and feedback), spread over the last three years. ``--scale 0.01`` makes a
tiny one for tests. Rows go in with ``bulk_create`` in batches; a progress bar shows
each phase.
"""

import functools
import random
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

import markup.fields
from accounts.models import Membership, Role, Team, User
from actions.models import (
    SYSTEMIC_KINDS,
    ActionItem,
    ActionKind,
    ActionStatus,
    FixObligation,
    ObligationState,
    Priority,
)
from dashboard.freshness import bump_version
from incidents.models import (
    Disposition,
    EntryKind,
    HowCaught,
    Incident,
    NearMiss,
    Service,
    Severity,
    Status,
    TimelineEntry,
)
from postmortems.models import (
    ContributingFactor,
    Depth,
    FactorCategory,
    Perspective,
    Review,
    ReviewFeedback,
    ReviewStatus,
)

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

TEAM_NAMES = [
    "Payments", "Checkout", "Identity", "Search", "Platform", "Data", "Mobile", "Web", "Messaging", "Billing",
    "Storage", "Networking", "Observability", "Growth", "Catalogue", "Fulfilment", "Risk", "Support Tools",
    "Developer Experience", "Security",
]  # fmt: skip
FIRST = [
    "Aisha", "Ben", "Chen", "Dara", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonah", "Kofi", "Lena", "Mateo",
    "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe",
]  # fmt: skip
LAST = [
    "Abara", "Bergström", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova", "Jensen",
    "Kowalski", "Lindgren", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka",
]  # fmt: skip
SERVICE_PARTS = ["api", "worker", "gateway", "db", "cache", "queue", "web", "scheduler"]
TROUBLE = [
    "Elevated error rate on {s}", "Slow responses from {s}", "{s} unavailable in one region",
    "Stale data served by {s}", "Queue backlog behind {s}", "Failed deploy of {s}", "Certificate expiry on {s}",
    "Disk full on {s} nodes", "Timeouts between checkout and {s}", "Partial outage of {s} after a config change",
]  # fmt: skip
OBSERVATIONS = [
    "Error rate on the dashboard rose above the alert threshold.", "Latency p95 doubled within five minutes.",
    "Customer support reported failed payments.", "The deploy pipeline showed a green build for the change.",
    "Connection pool saturation visible in the database metrics.", "Retries amplified the load on the dependency.",
]  # fmt: skip
ACTIONS_TAKEN = [
    "Rolled back the last deploy.", "Scaled the worker pool from 4 to 8.", "Failed over to the secondary region.",
    "Disabled the feature flag for the new path.", "Restarted the stuck consumers.", "Raised the connection limit.",
]  # fmt: skip
FIXES = [
    ("Add a canary stage to the {s} deploy", ActionKind.GUARDRAIL),
    ("Alert on queue age for {s}", ActionKind.OBSERVABILITY),
    ("Add an integration test for the {s} retry path", ActionKind.TEST),
    ("Validate {s} configuration before it is applied", ActionKind.TOOLING),
    ("Split the {s} connection pool per tenant", ActionKind.ARCHITECTURE),
    ("Document the {s} failover runbook", ActionKind.DOCUMENTATION),
    ("Review {s} capacity every quarter", ActionKind.PROCESS),
    ("Rate-limit retries from clients of {s}", ActionKind.GUARDRAIL),
]
FACTORS = [
    "The deploy pipeline let a change reach all regions at once.",
    "No alert watched the age of the oldest message in the queue.",
    "The runbook described a failover path that no longer existed.",
    "Two services assumed different timeouts for the same call.",
    "Configuration changes skipped the review that code changes get.",
    "The dashboard showed averages that hid the slow tail.",
]


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


@contextmanager
def markdown_rendered_once_per_text():
    """Seeded texts repeat a few phrases; render each distinct one once instead of for every row."""
    original = markup.fields.render_markdown
    markup.fields.render_markdown = functools.lru_cache(maxsize=4096)(original)
    try:
        yield
    finally:
        markup.fields.render_markdown = original


class Command(BaseCommand):
    help = "Seed a realistic organisation (20 teams, 400 people, 10,000 incidents, …) for measuring the pages."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count (0.01 for a tiny one).")
        parser.add_argument("--seed", type=int, default=6, help="Random seed, for the same organisation each time.")
        parser.add_argument(
            "--password", default="seeded-organisation", help="Password of every seeded person (default: %(default)s)."
        )
        parser.add_argument("--force", action="store_true", help="Seed even though incidents exist already.")

    def handle(self, *args, scale: float, seed: int, password: str, force: bool, **options):
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        if Incident.objects.exists() and not force:
            raise CommandError("This database has incidents already; seed an empty one (or pass --force).")
        if not FactorCategory.objects.exists():
            raise CommandError("No contributing-factor categories: run `manage.py migrate` first.")
        self.random = random.Random(seed)
        self.counts = scaled(scale)
        self.password_hash = make_password(password)
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * YEARS)
        started = time.monotonic()
        self.stdout.write(
            "Seeding: " + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in self.counts.items())
        )
        with transaction.atomic(), markdown_rendered_once_per_text():
            self.seed_people()
            self.seed_services()
            self.seed_incidents()
            self.seed_timelines()
            self.seed_near_misses()
            self.seed_reviews()
            self.seed_action_items()
            self.seed_obligations()
        # Fresh statistics, as autovacuum would gather them soon: without them the planner guesses badly.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        bump_version()
        manager = Membership.objects.filter(role=Role.MANAGER).select_related("user", "team").first()
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.0f} s.")
            + (
                f" Sign in as {manager.user.username} (a manager in {manager.team}) with the seeded password."
                if manager
                else ""
            )
        )

    # --- helpers ----------------------------------------------------------------------------

    def bulk(self, model, objects, label: str, total: int | None = None):
        """Insert ``objects`` (an iterable) in batches with a progress bar; returns the created rows."""
        progress = Progress(self.stdout, label, total if total is not None else len(objects))
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

    # --- phases -----------------------------------------------------------------------------

    def seed_people(self):
        teams = [Team(name=name, slug=slugify(name)) for name in TEAM_NAMES[: self.counts["teams"]]]
        self.teams = self.bulk(Team, teams, "Teams")
        users, seen = [], set()
        for index in range(self.counts["users"]):
            first, last = self.random.choice(FIRST), self.random.choice(LAST)
            username = slugify(f"{first}-{last}")
            if username in seen:
                username = f"{username}-{index}"
            seen.add(username)
            users.append(
                User(
                    username=username,
                    display_name=f"{first} {last}",
                    email=f"{username}@example.com",
                    password=self.password_hash,
                    time_zone=self.random.choice(["UTC", "Europe/Berlin", "Europe/London", "America/New_York"]),
                )
            )
        self.users = self.bulk(User, users, "People")
        memberships, self.members = [], {team.pk: [] for team in self.teams}
        for index, user in enumerate(self.users):
            team = self.teams[index % len(self.teams)]
            position = index // len(self.teams)
            role = {0: Role.MANAGER, 1: Role.FACILITATOR, 2: Role.FACILITATOR}.get(position, Role.ENGINEER)
            if position == 3 and index - 3 * len(self.teams) < 2:
                role = Role.ADMIN  # two organisation admins, besides each team's manager and facilitators
            memberships.append(Membership(user=user, team=team, role=role))
            self.members[team.pk].append(user.pk)
        self.bulk(Membership, memberships, "Memberships")

    def seed_services(self):
        services = []
        for team in self.teams:
            for part in self.random.sample(SERVICE_PARTS, 3):
                services.append(Service(name=f"{team.slug}-{part}", team=team))
        self.services = self.bulk(Service, services, "Services")
        self.services_by_team = {}
        for service in self.services:
            self.services_by_team.setdefault(service.team_id, []).append(service)

    def seed_incidents(self):
        total = self.counts["incidents"]
        times = sorted(self.moment(skew=1.3) for _ in range(total))
        severities = [Severity.SEV1] * 5 + [Severity.SEV2] * 20 + [Severity.SEV3] * 45 + [Severity.SEV4] * 30
        incidents = []
        for started in times:
            team = self.random.choice(self.teams)
            service = self.random.choice(self.services_by_team[team.pk])
            severity = self.random.choice(severities)
            speed = {Severity.SEV1: 0.5, Severity.SEV2: 0.8, Severity.SEV3: 1.2, Severity.SEV4: 2.0}[severity]
            detected = started + timedelta(minutes=self.random.expovariate(1 / (12 * speed)))
            mitigated = detected + timedelta(minutes=self.random.expovariate(1 / (45 * speed)))
            resolved = mitigated + timedelta(hours=self.random.uniform(0.5, 12))
            age = self.now - started
            status = Status.RESOLVED
            if age < timedelta(hours=6):
                status, mitigated, resolved = Status.INVESTIGATING, None, None
            elif resolved > self.now:
                status, resolved = Status.MITIGATED, None
            disposition = Disposition.NONE
            if self.random.random() < 0.02:
                disposition = Disposition.FALSE_ALARM
            title = self.random.choice(TROUBLE).format(s=service.name)
            incidents.append(
                Incident(
                    title=title,
                    summary=f"{title}. We saw the impact first in our alerts; details are in the timeline.",
                    severity=severity,
                    status=status,
                    disposition=disposition,
                    team=team,
                    restricted=self.random.random() < 0.02,
                    facilitator_id=self.random.choice(self.members[team.pk][:3]),
                    customer_impact="Some customers could not complete their purchase."
                    if severity in ("sev1", "sev2")
                    else "",
                    impact_started_at=started,
                    detected_at=detected if detected <= self.now else None,
                    mitigated_at=mitigated if mitigated and mitigated <= self.now else None,
                    resolved_at=resolved,
                )
            )
        self.incidents = self.bulk(Incident, incidents, "Incidents")
        # created_at is set on insert; an incident is recorded shortly after it was detected.
        for incident in self.incidents:
            incident.created_at = (incident.detected_at or incident.impact_started_at) + timedelta(minutes=5)
        Incident.objects.bulk_update(self.incidents, ["created_at"], batch_size=BATCH)
        responders, services = [], []
        Responder, IncidentService = Incident.responders.through, Incident.services.through
        for incident in self.incidents:
            for user_id in self.random.sample(
                self.members[incident.team_id], min(3, len(self.members[incident.team_id]))
            ):
                responders.append(Responder(incident_id=incident.pk, user_id=user_id))
            services.append(
                IncidentService(
                    incident_id=incident.pk, service_id=self.random.choice(self.services_by_team[incident.team_id]).pk
                )
            )
        self.bulk(Responder, responders, "Responders")
        self.bulk(IncidentService, services, "Incident services")

    def seed_timelines(self):
        total = self.counts["timeline_entries"]
        per_incident = max(1, total // len(self.incidents))
        kinds = [
            EntryKind.ALERT,
            EntryKind.OBSERVATION,
            EntryKind.OBSERVATION,
            EntryKind.ACTION,
            EntryKind.DECISION,
            EntryKind.COMMUNICATION,
        ]

        def entries():
            made = 0
            for position, incident in enumerate(self.incidents):
                count = per_incident + (1 if position < total - per_incident * len(self.incidents) else 0)
                end = incident.resolved_at or incident.mitigated_at or incident.impact_started_at + timedelta(hours=2)
                span = max((end - incident.impact_started_at).total_seconds(), 60)
                responders = self.members[incident.team_id][:8]
                for step in range(count):
                    kind = kinds[step % len(kinds)]
                    at = incident.impact_started_at + timedelta(seconds=span * step / max(count, 1))
                    text = self.random.choice(ACTIONS_TAKEN if kind == EntryKind.ACTION else OBSERVATIONS)
                    yield TimelineEntry(
                        incident_id=incident.pk,
                        occurred_at=at,
                        kind=kind,
                        text=text,
                        known_then="The dashboards showed the error rate only." if kind == EntryKind.DECISION else "",
                        missing_then="Nobody could see which deploy was live." if kind == EntryKind.DECISION else "",
                        author_id=self.random.choice(responders),
                    )
                    made += 1
                    if made >= total:
                        return

        self.bulk(TimelineEntry, entries(), "Timeline entries", total)

    def seed_near_misses(self):
        total = self.counts["near_misses"]
        how = list(HowCaught.values)

        def near_misses():
            for _ in range(total):
                team = self.random.choice(self.teams)
                # Reporting grows over the years as people see it valued.
                filed = self.moment(skew=1.6).date()
                yield NearMiss(
                    what_almost_happened=f"A migration almost ran against production for {team.name}.",
                    how_caught=self.random.choice(how),
                    what_could_have_happened="Customer data could have been overwritten.",
                    service=self.random.choice(self.services_by_team[team.pk]),
                    team=team,
                    reporter_id=None if self.random.random() < 0.4 else self.random.choice(self.members[team.pk]),
                    filed_on=filed,
                )

        self.near_misses = self.bulk(NearMiss, near_misses(), "Near misses", total)

    def seed_reviews(self):
        total = self.counts["reviews"]
        categories = list(FactorCategory.objects.filter(active=True))
        candidates = [i for i in self.incidents if i.mitigated_at and i.disposition == Disposition.NONE]
        incident_reviews = min(len(candidates), round(total * 0.9))
        chosen = self.random.sample(candidates, incident_reviews)
        near_reviews = self.random.sample(self.near_misses, min(len(self.near_misses), total - incident_reviews))
        reviews = []
        for incident in chosen:
            age = self.now - incident.impact_started_at
            status = ReviewStatus.PUBLISHED
            if age < timedelta(days=3):
                status = ReviewStatus.DRAFT
            elif age < timedelta(days=14):
                status = self.random.choice([ReviewStatus.MEETING, ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED])
            published = incident.impact_started_at + timedelta(days=self.random.uniform(3, 10))
            reviews.append(
                Review(
                    incident=incident,
                    title=incident.title,
                    team_id=incident.team_id,
                    facilitator_id=incident.facilitator_id,
                    status=status,
                    summary=f"{incident.title}. Impact began {incident.impact_started_at:%d %b %Y %H:%M} UTC.",
                    impact="Checkout failed for some customers for part of the incident.",
                    went_well="The alert fired within minutes and the rollback was quick.",
                    got_lucky="The incident began outside peak hours.",
                    meeting_at=incident.impact_started_at + timedelta(days=2),
                    published_at=published if status == ReviewStatus.PUBLISHED and published < self.now else None,
                    search_document=incident.title,
                )
            )
        for near_miss in near_reviews:
            reviews.append(
                Review(
                    near_miss=near_miss,
                    title=near_miss.what_almost_happened[:200],
                    team_id=near_miss.team_id,
                    status=ReviewStatus.PUBLISHED,
                    summary=near_miss.what_almost_happened,
                    published_at=datetime.combine(near_miss.filed_on, datetime.min.time(), tzinfo=UTC)
                    + timedelta(days=5),
                )
            )
        self.reviews = self.bulk(Review, reviews, "Reviews")
        team_of = {r.pk: r.team_id for r in self.reviews}

        def perspectives():
            for review in self.reviews:
                for author in self.random.sample(self.members[team_of[review.pk]], self.random.choice([1, 2, 2, 3, 4])):
                    yield Perspective(
                        review_id=review.pk,
                        author_id=author,
                        saw="The error rate climbing on the payments dashboard.",
                        knew="A deploy had gone out twenty minutes earlier.",
                        assumed="That the deploy was unrelated, because its canary was green.",
                        pressure="A release freeze started the next morning.",
                    )

        self.bulk(Perspective, perspectives(), "Perspectives", round(len(self.reviews) * 2.4))
        factors = []
        for review in self.reviews:
            services = self.services_by_team[team_of[review.pk]]
            for _ in range(self.random.choice([1, 2, 2, 3])):
                factors.append(
                    ContributingFactor(
                        review_id=review.pk,
                        description=self.random.choice(FACTORS),
                        category=self.random.choice(categories),
                        depth=self.random.choice(list(Depth.values)),
                        service=self.random.choice(services),
                    )
                )
        self.factors = self.bulk(ContributingFactor, factors, "Contributing factors")
        self.factors_by_review = {}
        for factor in self.factors:
            self.factors_by_review.setdefault(factor.review_id, []).append(factor)
        feedback = []
        for review in self.reviews:
            if review.status != ReviewStatus.PUBLISHED or self.random.random() < 0.4:
                continue
            for author in self.random.sample(self.members[team_of[review.pk]], 2):
                feedback.append(
                    ReviewFeedback(
                        review_id=review.pk,
                        author_id=author,
                        blameless=self.random.choice([3, 4, 4, 5, 5]),
                        useful=self.random.choice([2, 3, 4, 4, 5]),
                    )
                )
        self.bulk(ReviewFeedback, feedback, "Review feedback")
        self.review_of_incident = {r.incident_id: r for r in self.reviews if r.incident_id}

    def seed_action_items(self):
        total = self.counts["action_items"]
        per_incident = max(1, total // len(self.incidents))

        def items():
            made = 0
            for position, incident in enumerate(self.incidents):
                count = per_incident + (1 if position < total - per_incident * len(self.incidents) else 0)
                review = self.review_of_incident.get(incident.pk)
                service = self.random.choice(self.services_by_team[incident.team_id])
                base = incident.mitigated_at or incident.impact_started_at
                for step in range(count):
                    title, kind = FIXES[(position + step) % len(FIXES)]
                    created = base + timedelta(hours=self.random.uniform(1, 72))
                    created = min(created, self.now)
                    due = (created + timedelta(days=self.random.choice([7, 14, 30, 60]))).date()
                    age_days = (self.now - created).days
                    done_chance = 0.97 if age_days > 120 else 0.8 if age_days > 30 else 0.35
                    roll = self.random.random()
                    status = (
                        ActionStatus.DONE
                        if roll < done_chance
                        else ActionStatus.WONT_DO
                        if roll < done_chance + 0.02
                        else self.random.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
                    )
                    completed = None
                    if status in (ActionStatus.DONE, ActionStatus.WONT_DO):
                        completed = min(created + timedelta(days=self.random.expovariate(1 / 12)), self.now)
                    # The first systemic item of an incident is its 48-hour fix, usually in time.
                    if (
                        step == 0
                        and kind in SYSTEMIC_KINDS
                        and status == ActionStatus.DONE
                        and self.random.random() < 0.8
                    ):
                        completed = min(base + timedelta(hours=self.random.uniform(2, 46)), self.now)
                    yield ActionItem(
                        title=title.format(s=service.name),
                        kind=kind,
                        owner_id=self.random.choice(self.members[incident.team_id]),
                        team_id=incident.team_id,
                        due_on=due,
                        priority=self.random.choice(list(Priority.values)),
                        status=status,
                        wont_do_reason="The service is being retired next quarter."
                        if status == ActionStatus.WONT_DO
                        else "",
                        change_url=f"https://git.example.com/{incident.team_id}/pull/{incident.pk * 10 + step}",
                        incident_id=incident.pk,
                        review_id=review.pk if review else None,
                        created_at=created,
                        completed_at=completed,
                        next_reminder_at=(
                            datetime.combine(due + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
                            if status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS) and due
                            else None
                        ),
                    )
                    made += 1
                    if made >= total:
                        return

        self.items = self.bulk(ActionItem, items(), "Action items", total)
        Addresses = ActionItem.addresses.through

        def addresses():
            for item in self.items:
                factors = self.factors_by_review.get(item.review_id)
                if factors:
                    yield Addresses(actionitem_id=item.pk, contributingfactor_id=self.random.choice(factors).pk)

        self.bulk(Addresses, addresses(), "Fixes for factors", sum(1 for i in self.items if i.review_id))

    def seed_obligations(self):
        window = timedelta(hours=settings.SYSTEMIC_FIX_HOURS)
        first_fix = {}
        for item in self.items:
            if item.kind in SYSTEMIC_KINDS and item.status == ActionStatus.DONE and item.incident_id not in first_fix:
                first_fix[item.incident_id] = item
        obligations = []
        for incident in self.incidents:
            if not incident.mitigated_at:
                continue
            starts = max(incident.mitigated_at, incident.created_at)
            deadline = starts + window
            fix = first_fix.get(incident.pk)
            if incident.disposition != Disposition.NONE:
                state, met_at, cancelled = ObligationState.CANCELLED, None, starts
            elif fix and fix.completed_at and fix.completed_at <= self.now:
                state, met_at, cancelled = ObligationState.MET, max(fix.completed_at, starts), None
            elif deadline > self.now:
                state, met_at, cancelled = ObligationState.PENDING, None, None
            else:
                state, met_at, cancelled = ObligationState.BREACHED, None, None
            obligations.append(
                FixObligation(
                    incident_id=incident.pk,
                    starts_at=starts,
                    deadline=deadline,
                    state=state,
                    met_at=met_at,
                    met_by_id=fix.pk if state == ObligationState.MET else None,
                    breached_at=deadline if state == ObligationState.BREACHED else None,
                    cancelled_at=cancelled,
                    next_check_at=None if state in (ObligationState.MET, ObligationState.CANCELLED) else deadline,
                )
            )
        self.bulk(FixObligation, obligations, "Systemic-fix duties")
