from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoCommand
from accounts.models import User
from incidents.models import Incident, Status
from postmortems import lifecycle, publishing
from postmortems.models import (
    ContributingFactor,
    Depth,
    FactorCategory,
    ImprovementOpportunity,
    Perspective,
    Review,
    ReviewStatus,
)

FACTORS = [
    (
        "brittle-tooling",
        Depth.STRUCTURE,
        "Certificate rotation is a manual, per-host procedure; nothing in the tool rotates all hosts together.",
    ),
    (
        "observability-gap",
        Depth.EVENT,
        "Handshake failures were counted as generic timeouts, so the dashboard pointed at the network, not TLS.",
    ),
    (
        "undocumented-assumption",
        Depth.MENTAL_MODEL,
        "We assumed the load balancer would take a host with failing handshakes out of rotation; it only checks TCP.",
    ),
]

# What the engineer, then the facilitator saw, knew, assumed and was under pressure from.
PERSPECTIVES = [
    (
        "Timeouts on the checkout dashboard, spread across all regions.",
        "A certificate rotation was planned for the week, but not that it had started.",
        "That a failing host would be taken out of rotation by the load balancer.",
        "The payments release was waiting on a green pipeline.",
    ),
    (
        "The incident channel, and the first theory that the network was the problem.",
        "Which hosts the gateway runs on.",
        "That rotation runbooks covered every host.",
        "Keeping the bridge calm while customers were affected.",
    ),
]

OPPORTUNITIES = [
    "How might we rotate certificates on every gateway host in one step?",
    "How might we see TLS handshake failures as their own signal?",
]


class Command(DemoCommand):
    help = "Add a published review, with perspectives and contributing factors, to a demo incident that has none."

    production_note = "Production mode: no demo review is created."
    already_seeded_note = "A review already exists; the demo review is not created again."

    def already_seeded(self) -> bool:
        return Review.objects.exists()

    def seed(self):
        candidates = Incident.objects.filter(review__isnull=True, restricted=False, resolved_at__isnull=False)
        incident = (
            candidates.filter(status=Status.REVIEWED).order_by("impact_started_at").first()
            or candidates.order_by("impact_started_at").first()
        )
        if incident is None:
            self.stdout.write("Run `manage.py seed_demo_incidents` first: the demo review needs a resolved incident.")
            return
        people = {user.username: user for user in User.objects.filter(username__in=["engineer", "facilitator"])}
        if len(people) < 2:
            self.stdout.write("Run `manage.py seed_demo` first: the demo review needs the demo people.")
            return
        with transaction.atomic():
            review = self.create(incident, people["engineer"], people["facilitator"])
        self.stdout.write(self.style.SUCCESS(f"Demo review created: “{review.title}” ({review.get_absolute_url()})."))

    def create(self, incident: Incident, engineer: User, facilitator: User) -> Review:
        review = lifecycle.start_review(by=facilitator, incident=incident)
        review.participants.add(engineer, facilitator)
        review.went_well = (
            "The gateway's error budget alert fired within ten minutes, and the rollback was one command."
        )
        review.got_lucky = "The rotation happened on a quiet Tuesday morning, not during the evening peak."
        review.meeting_at = (incident.resolved_at or timezone.now()) + timedelta(days=2)
        review.save()
        for author, (saw, knew, assumed, pressure) in zip([engineer, facilitator], PERSPECTIVES, strict=True):
            Perspective.objects.create(
                review=review, author=author, saw=saw, knew=knew, assumed=assumed, pressure=pressure
            )
        service = incident.services.first()
        for slug, depth, description in FACTORS:
            category = FactorCategory.objects.filter(slug=slug).first() or FactorCategory.objects.first()
            ContributingFactor.objects.create(
                review=review, category=category, depth=depth, description=description, service=service,
                created_by=facilitator,
            )  # fmt: skip
        for question in OPPORTUNITIES:
            ImprovementOpportunity.objects.create(review=review, question=question, created_by=facilitator)
        now = timezone.now()
        Review.objects.filter(pk=review.pk).update(
            status=ReviewStatus.IN_REVIEW, perspectives_revealed_at=now, section_started_at=now
        )
        review.refresh_from_db()
        if publishing.publish_blockers(review):
            # Leave it in review for the demo rather than publishing past a blocker.
            return review
        publishing.publish(review)
        review.refresh_from_db()
        return review
