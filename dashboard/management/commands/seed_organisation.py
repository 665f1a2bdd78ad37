"""Seed a realistic organisation to measure the pages at a real size (``dashboard/seeding/``).

``--scale 0.01`` makes a tiny one for tests.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Membership, Role
from dashboard.seeding import Organisation, scaled, seed_organisation
from incidents.models import Incident
from postmortems.models import FactorCategory


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
        org = Organisation(self.stdout, counts=scaled(scale), seed=seed, password=password)
        started = time.monotonic()
        self.stdout.write(
            "Seeding: " + ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in org.counts.items())
        )
        seed_organisation(org)
        manager = Membership.objects.filter(role=Role.MANAGER).select_related("user", "team").first()
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.0f} s.")
            + (
                f" Sign in as {manager.user.username} (a manager in {manager.team}) with the seeded password."
                if manager
                else ""
            )
        )
