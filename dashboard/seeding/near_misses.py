"""Near misses, filed more often as the years pass, some anonymously."""

from dashboard.seeding.organisation import Organisation
from incidents.models import HowCaught, NearMiss


def seed_near_misses(org: Organisation) -> None:
    total = org.counts["near_misses"]
    how = list(HowCaught.values)

    def near_misses():
        for _ in range(total):
            team = org.random.choice(org.teams)
            # Reporting grows over the years as people see it valued.
            filed = org.moment(skew=1.6).date()
            yield NearMiss(
                what_almost_happened=f"A migration almost ran against production for {team.name}.",
                how_caught=org.random.choice(how),
                what_could_have_happened="Customer data could have been overwritten.",
                service=org.random.choice(org.services_by_team[team.pk]),
                team=team,
                reporter_id=None if org.random.random() < 0.4 else org.random.choice(org.members[team.pk]),
                filed_on=filed,
            )

    org.near_misses = org.bulk(NearMiss, near_misses(), "Near misses", total)
