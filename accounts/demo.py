"""The demo organisation that `make run` creates on an empty database (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role, User

DEMO_TEAMS = [
    ("Payments", "payments", "Checkout, billing and the payment gateways."),
    ("Platform", "platform", "Deploy pipeline, databases and the shared runtime."),
]

# username, display name, role, teams, time zone
DEMO_PEOPLE = [
    ("engineer", "Priya Raman", Role.ENGINEER, ["payments"], "Europe/London"),
    ("facilitator", "Sam Lindqvist", Role.FACILITATOR, ["payments", "platform"], "Europe/Stockholm"),
    ("manager", "Maya Chen", Role.MANAGER, ["payments", "platform"], "America/New_York"),
    ("admin", "Alex Morgan", Role.ADMIN, ["platform"], "UTC"),
]


def demo_password(username: str) -> str:
    return f"demo-{username}-pass"


def demo_sign_ins() -> list[dict]:
    """The demo people who exist, with their passwords, for the sign-in page; none in production."""
    if settings.PRODUCTION:
        return []
    existing = set(
        User.objects.filter(username__in=[p[0] for p in DEMO_PEOPLE], is_active=True).values_list("username", flat=True)
    )
    return [
        {"username": username, "password": demo_password(username), "name": name, "role": role.label}
        for username, name, role, _teams, _tz in DEMO_PEOPLE
        if username in existing
    ]


class DemoCommand(BaseCommand):
    """A command that adds demo data for `make run`: never in production, never a second time."""

    production_note = "Production mode: no demo data is created."
    already_seeded_note = "The demo data exists already; it is not created again."

    def already_seeded(self) -> bool:
        raise NotImplementedError

    def seed(self) -> None:
        raise NotImplementedError

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            self.stdout.write(self.production_note)
        elif self.already_seeded():
            self.stdout.write(self.already_seeded_note)
        else:
            self.seed()
