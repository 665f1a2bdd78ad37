from django.db import transaction

from accounts.demo import DEMO_PEOPLE, DEMO_TEAMS, DemoCommand, demo_password
from accounts.models import Membership, Role, Team, User


class Command(DemoCommand):
    help = "Create a small demo organisation (two teams, one person per role) on an empty database."

    production_note = "Production mode: no demo data is created."
    already_seeded_note = "People already exist; the demo organisation is not created again."

    def already_seeded(self) -> bool:
        return User.objects.exists()

    def seed(self):
        with transaction.atomic():
            teams = {
                slug: Team.objects.create(name=name, slug=slug, description=desc) for name, slug, desc in DEMO_TEAMS
            }
            for username, display_name, role, team_slugs, tz in DEMO_PEOPLE:
                user = User.objects.create_user(
                    username=username,
                    password=demo_password(username),
                    display_name=display_name,
                    email=f"{username}@example.com",
                    time_zone=tz,
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                for slug in team_slugs:
                    Membership.objects.create(user=user, team=teams[slug], role=role)
        self.stdout.write(self.style.SUCCESS("Demo organisation created. Sign in as:"))
        for username, display_name, role, _teams, _tz in DEMO_PEOPLE:
            self.stdout.write(
                f"  {role.label:<12} {username:<12} password: {demo_password(username)}   ({display_name})"
            )
