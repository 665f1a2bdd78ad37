import tomllib
from datetime import timedelta
from pathlib import Path

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

DEMO_INCIDENTS = Path(__file__).with_name("demo_incidents.toml")


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
            self.create(tomllib.loads(DEMO_INCIDENTS.read_text()), people, teams)
        self.stdout.write(self.style.SUCCESS("Demo incidents and near misses created."))

    def create(self, demo: dict, people: dict, teams: dict) -> None:
        now = timezone.now().replace(second=0, microsecond=0)
        services = {
            name: Service.objects.get_or_create(name=name, defaults={"team": teams[slug]})[0]
            for name, slug in demo["services"].items()
        }
        created = {}
        for row in demo["incidents"]:
            started = now - timedelta(**row["started_ago"])
            incident = created[row["title"]] = Incident.objects.create(
                title=row["title"],
                team=teams[row["team"]],
                severity=Severity(row["severity"]),
                status=Status(row["status"]),
                restricted=row.get("restricted", False),
                impact_started_at=started,
                **{
                    f"{moment}_at": started + timedelta(minutes=row[moment]) if moment in row else None
                    for moment in ("detected", "mitigated", "resolved")
                },
                summary=row["summary"],
                customer_impact=row["impact"],
                facilitator=people["facilitator"],
                created_by=people["engineer"],
            )
            incident.services.add(*(services[name] for name in row["services"]))
            incident.responders.add(*(people[username] for username in row["responders"]))
            TimelineEntry.objects.bulk_create(
                TimelineEntry(
                    incident=incident,
                    occurred_at=started + timedelta(minutes=entry["minute"]),
                    kind=EntryKind(entry["kind"]),
                    text=entry["text"],
                    known_then=entry.get("known_then", ""),
                    missing_then=entry.get("missing_then", ""),
                    author=people["engineer"],
                )
                for entry in row["timeline"]
            )
            if link := row.get("linked_to"):
                IncidentLink.objects.create(
                    from_incident=incident, to_incident=created[link["title"]], note=link["note"]
                )

        for row in demo["near_misses"]:
            NearMiss.objects.create(
                what_almost_happened=row["what_almost_happened"],
                how_caught=HowCaught(row["how_caught"]),
                what_could_have_happened=row.get("what_could_have_happened", ""),
                service=services.get(row.get("service")),
                team=teams[row["team"]],
                reporter=people.get(row.get("reporter")),
                filed_on=now.date() - timedelta(days=row["filed_days_ago"]),
            )
