from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import DemoCommand
from accounts.models import Team, User
from incidents.models import (
    EntryKind,
    HowCaught,
    Incident,
    IncidentLink,
    NearMiss,
    Service,
    Severity,
    Status,
    TimelineEntry,
)

SERVICES = [("checkout-api", "payments"), ("payment-gateway", "payments"), ("deploy-pipeline", "platform"),
            ("orders-db", "platform")]  # fmt: skip


class Command(DemoCommand):
    help = "Create a few realistic incidents with timelines and some near misses for the demo organisation."

    production_note = "Production mode: no demo incidents are created."
    already_seeded_note = "Incidents already exist; demo incidents are not created again."

    def already_seeded(self) -> bool:
        return Incident.objects.exists() or NearMiss.objects.exists()

    def seed(self):
        people = {
            user.username: user for user in User.objects.filter(username__in=["engineer", "facilitator", "admin"])
        }
        teams = {team.slug: team for team in Team.objects.filter(slug__in=["payments", "platform"])}
        if len(people) < 3 or len(teams) < 2:
            self.stdout.write("Run `manage.py seed_demo` first: the demo incidents need the demo people and teams.")
            return
        with transaction.atomic():
            self.create(people, teams)
        self.stdout.write(self.style.SUCCESS("Demo incidents and near misses created."))

    def create(self, people, teams):
        now = timezone.now().replace(second=0, microsecond=0)
        services = {
            name: Service.objects.get_or_create(name=name, defaults={"team": teams[slug]})[0] for name, slug in SERVICES
        }
        engineer, facilitator, admin = people["engineer"], people["facilitator"], people["admin"]

        def incident(title, *, team, severity, status, started, detect, mitigate, resolve, summary, impact, service_names,
                     responders, restricted=False, entries=()):  # fmt: skip
            item = Incident.objects.create(
                title=title, team=teams[team], severity=severity, status=status, restricted=restricted,
                impact_started_at=started,
                detected_at=started + timedelta(minutes=detect) if detect is not None else None,
                mitigated_at=started + timedelta(minutes=mitigate) if mitigate is not None else None,
                resolved_at=started + timedelta(minutes=resolve) if resolve is not None else None,
                summary=summary, customer_impact=impact, facilitator=facilitator, created_by=engineer,
            )  # fmt: skip
            item.services.add(*(services[name] for name in service_names))
            item.responders.add(*responders)
            TimelineEntry.objects.bulk_create(
                TimelineEntry(incident=item, occurred_at=started + timedelta(minutes=minutes), kind=kind, text=text,
                              known_then=known, missing_then=missing, author=engineer)
                for minutes, kind, text, known, missing in entries
            )  # fmt: skip
            return item

        spring = incident(
            "Card payments time out after gateway certificate rotation", team="payments", severity=Severity.SEV2,
            status=Status.REVIEWED, started=now - timedelta(days=75), detect=9, mitigate=41, resolve=95,
            summary="The payment gateway's client certificate was rotated on one of three hosts. "
                    "Requests routed to that host failed the TLS handshake and were retried until they timed out.",
            impact="About 8% of card payments failed for 41 minutes.", service_names=["payment-gateway"],
            responders=[engineer],
            entries=[
                (0, EntryKind.OBSERVATION, "Handshake errors start on gateway host gw-2.", "", ""),
                (9, EntryKind.ALERT, "PaymentTimeouts alert fires (threshold 5% for 5 min).", "", ""),
                (24, EntryKind.DECISION, "We take gw-2 out of the pool instead of rolling back the rotation.",
                 "Only gw-2 showed errors; the other hosts had the new certificate too.",
                 "That gw-2 had kept an old trust bundle in a separate path."),
                (41, EntryKind.ACTION, "gw-2 drained; error rate back to baseline.", "", ""),
            ],
        )  # fmt: skip
        checkout = incident(
            "Checkout returns 502 for card payments", team="payments", severity=Severity.SEV1,
            status=Status.MITIGATED, started=now - timedelta(hours=20), detect=12, mitigate=52, resolve=None,
            summary="A deploy of checkout-api changed the gateway client's connection pool size from 50 to 5. "
                    "Under the evening peak, requests queued and the load balancer answered 502.",
            impact="Roughly 30% of card checkouts failed for 40 minutes; retries succeeded for most customers.",
            service_names=["checkout-api", "payment-gateway"], responders=[engineer, facilitator],
            entries=[
                (0, EntryKind.OBSERVATION, "Deploy 812 of checkout-api finishes rolling out.", "", ""),
                (12, EntryKind.ALERT, "CheckoutErrors alert fires: 502s at 18% of requests.", "", ""),
                (15, EntryKind.COMMUNICATION, "Incident channel opened; status page set to 'investigating'.", "", ""),
                (31, EntryKind.DECISION, "We roll back deploy 812 rather than scale the gateway.",
                 "Errors began right after 812; the gateway's own dashboards looked healthy.",
                 "That the pool size came from a shared config default changed in the same release."),
                (52, EntryKind.ACTION, "Rollback to 811 complete; 502s stop within two minutes.", "", ""),
            ],
        )  # fmt: skip
        IncidentLink.objects.create(from_incident=checkout, to_incident=spring, note="gateway client configuration")
        incident(
            "Deploy pipeline stuck for two hours", team="platform", severity=Severity.SEV3, status=Status.RESOLVED,
            started=now - timedelta(days=12), detect=35, mitigate=80, resolve=125,
            summary="The shared runner pool ran out of disk after build caches stopped being pruned.",
            impact="No customer impact; deploys for all teams were delayed by up to two hours.",
            service_names=["deploy-pipeline"], responders=[admin],
            entries=[
                (35, EntryKind.OBSERVATION, "Several teams report deploys waiting in the queue.", "", ""),
                (60, EntryKind.ACTION, "Cache directories cleared on two runners.", "", ""),
                (80, EntryKind.ACTION, "All runners cleared; queue draining.", "", ""),
            ],
        )  # fmt: skip
        incident(
            "Customer export files readable without sign-in", team="platform", severity=Severity.SEV2,
            status=Status.RESOLVED, restricted=True, started=now - timedelta(days=5), detect=180, mitigate=200,
            resolve=260, summary="Export links were generated without an expiry on one storage bucket.",
            impact="Under review.", service_names=["orders-db"], responders=[admin],
            entries=[(180, EntryKind.OBSERVATION, "A security review notices exports without expiry.", "", "")],
        )  # fmt: skip

        today = now.date()
        NearMiss.objects.create(
            what_almost_happened="A migration that rewrites the orders table was about to run during the peak.",
            how_caught=HowCaught.REVIEW, what_could_have_happened="Orders locked for several minutes.",
            service=services["orders-db"], team=teams["platform"], reporter=engineer, filed_on=today - timedelta(days=3),
            thanks_count=0,
        )  # fmt: skip
        NearMiss.objects.create(
            what_almost_happened="A feature flag for new pricing was enabled in production instead of staging.",
            how_caught=HowCaught.AUTOMATED_CHECK, what_could_have_happened="Customers shown unreleased prices.",
            service=services["checkout-api"], team=teams["payments"], reporter=None, filed_on=today - timedelta(days=9),
        )  # fmt: skip
        NearMiss.objects.create(
            what_almost_happened="The on-call rota had a gap on a public holiday; it was noticed a day before.",
            how_caught=HowCaught.PERSON_NOTICED, team=teams["payments"], reporter=None, filed_on=today - timedelta(days=20),
        )  # fmt: skip
