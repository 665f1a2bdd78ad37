from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoCommand
from accounts.models import User
from actions.models import ActionItem, ActionKind, ActionStatus, Priority
from incidents.models import Incident
from postmortems import publishing
from postmortems.models import ReviewStatus


class Command(DemoCommand):
    help = "Add a few demo action items (one meeting a systemic-fix obligation, one overdue) when there are none."

    production_note = "Production mode: no demo action items are created."
    already_seeded_note = "Action items already exist; the demo ones are not created again."

    def already_seeded(self) -> bool:
        return ActionItem.objects.exists()

    def seed(self):
        owner = User.objects.filter(username="engineer").first()
        if owner is None:
            self.stdout.write("Run `manage.py seed_demo` first: the demo action items need the demo people.")
            return
        incidents = list(
            Incident.objects.filter(mitigated_at__isnull=False, restricted=False)
            .select_related("team")
            .order_by("-mitigated_at")[:2]
        )
        if not incidents:
            self.stdout.write("Run `manage.py seed_demo_incidents` first: action items come from incidents.")
            return
        with transaction.atomic():
            created = self.create(incidents, owner)
        self.stdout.write(self.style.SUCCESS(f"Created {created} demo action items."))

    def create(self, incidents: list[Incident], owner: User) -> int:
        today = timezone.localdate()
        reviewed = (
            Incident.objects.filter(review__isnull=False, restricted=False).select_related("team").first()
            or incidents[0]
        )
        incidents = [reviewed] + [incident for incident in incidents if incident.pk != reviewed.pk]
        review = getattr(reviewed, "review", None)
        of_reviewed = {"owner": owner, "team": reviewed.team, "incident": reviewed, "review": review}
        fix = ActionItem.objects.create(
            title="Rotate certificates on every gateway host in one step",
            description="The rotation tool takes the whole pool and refuses to finish while any host still serves the old certificate.",
            kind=ActionKind.TOOLING,
            **of_reviewed,
            priority=Priority.HIGH,
            due_on=today + timedelta(days=14),
            status=ActionStatus.IN_PROGRESS,
            change_url="https://git.example.com/platform/gateway-tools/pull/212",
        )
        if review is not None:
            fix.addresses.set(review.factors.all()[:1])
            # The demo review waited for its concrete change to the system; now it can be published.
            if review.status == ReviewStatus.IN_REVIEW and not publishing.publish_blockers(review):
                publishing.publish(review)
        ActionItem.objects.create(
            title="Alert on TLS handshake failures as their own signal",
            kind=ActionKind.OBSERVABILITY,
            **of_reviewed,
            due_on=today - timedelta(days=2),
        )
        created = 2
        if len(incidents) > 1 and incidents[1].pk != reviewed.pk:
            ActionItem.objects.create(
                title="Write down how the failover runbook decides which region leads",
                kind=ActionKind.DOCUMENTATION,
                owner=owner,
                team=incidents[1].team,
                incident=incidents[1],
                priority=Priority.LOW,
                due_on=today + timedelta(days=5),
            )
            created += 1
        return created
