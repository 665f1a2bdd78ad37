"""The teams, their people and the services they run."""

from django.utils.text import slugify

from accounts.models import Membership, Role, Team, User
from dashboard.seeding.organisation import Organisation
from dashboard.seeding.texts import FIRST, LAST, SERVICE_PARTS, TEAM_NAMES
from incidents.models import Service


def seed_people(org: Organisation) -> None:
    teams = [Team(name=name, slug=slugify(name)) for name in TEAM_NAMES[: org.counts["teams"]]]
    org.teams = org.bulk(Team, teams, "Teams")
    users, seen = [], set()
    for index in range(org.counts["users"]):
        first, last = org.random.choice(FIRST), org.random.choice(LAST)
        username = slugify(f"{first}-{last}")
        if username in seen:
            username = f"{username}-{index}"
        seen.add(username)
        users.append(
            User(
                username=username,
                display_name=f"{first} {last}",
                email=f"{username}@example.com",
                password=org.password_hash,
                time_zone=org.random.choice(["UTC", "Europe/Berlin", "Europe/London", "America/New_York"]),
            )
        )
    org.users = org.bulk(User, users, "People")
    memberships, org.members = [], {team.pk: [] for team in org.teams}
    for index, user in enumerate(org.users):
        team = org.teams[index % len(org.teams)]
        position = index // len(org.teams)
        role = {0: Role.MANAGER, 1: Role.FACILITATOR, 2: Role.FACILITATOR}.get(position, Role.ENGINEER)
        if position == 3 and index - 3 * len(org.teams) < 2:
            role = Role.ADMIN  # two organisation admins, besides each team's manager and facilitators
        memberships.append(Membership(user=user, team=team, role=role))
        org.members[team.pk].append(user.pk)
    org.bulk(Membership, memberships, "Memberships")


def seed_services(org: Organisation) -> None:
    services = []
    for team in org.teams:
        for part in org.random.sample(SERVICE_PARTS, 3):
            services.append(Service(name=f"{team.slug}-{part}", team=team))
    org.services = org.bulk(Service, services, "Services")
    org.services_by_team = {}
    for service in org.services:
        org.services_by_team.setdefault(service.team_id, []).append(service)
