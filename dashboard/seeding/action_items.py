"""Action items for every incident, most done in the end, each addressing one of its review's factors."""

from datetime import UTC, datetime, timedelta

from actions.models import SYSTEMIC_KINDS, ActionItem, ActionStatus, Priority
from dashboard.seeding.organisation import Organisation
from dashboard.seeding.texts import FIXES


def seed_action_items(org: Organisation) -> None:
    total = org.counts["action_items"]
    per_incident = max(1, total // len(org.incidents))

    def items():
        made = 0
        for position, incident in enumerate(org.incidents):
            count = per_incident + (1 if position < total - per_incident * len(org.incidents) else 0)
            review = org.review_of_incident.get(incident.pk)
            service = org.random.choice(org.services_by_team[incident.team_id])
            base = incident.mitigated_at or incident.impact_started_at
            for step in range(count):
                title, kind = FIXES[(position + step) % len(FIXES)]
                created = base + timedelta(hours=org.random.uniform(1, 72))
                created = min(created, org.now)
                due = (created + timedelta(days=org.random.choice([7, 14, 30, 60]))).date()
                age_days = (org.now - created).days
                done_chance = 0.97 if age_days > 120 else 0.8 if age_days > 30 else 0.35
                roll = org.random.random()
                status = (
                    ActionStatus.DONE
                    if roll < done_chance
                    else ActionStatus.WONT_DO
                    if roll < done_chance + 0.02
                    else org.random.choice([ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
                )
                completed = None
                if status in (ActionStatus.DONE, ActionStatus.WONT_DO):
                    completed = min(created + timedelta(days=org.random.expovariate(1 / 12)), org.now)
                # The first systemic item of an incident is its 48-hour fix, usually in time.
                if step == 0 and kind in SYSTEMIC_KINDS and status == ActionStatus.DONE and org.random.random() < 0.8:
                    completed = min(base + timedelta(hours=org.random.uniform(2, 46)), org.now)
                yield ActionItem(
                    title=title.format(s=service.name),
                    kind=kind,
                    owner_id=org.random.choice(org.members[incident.team_id]),
                    team_id=incident.team_id,
                    due_on=due,
                    priority=org.random.choice(list(Priority.values)),
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

    org.items = org.bulk(ActionItem, items(), "Action items", total)
    Addresses = ActionItem.addresses.through

    def addresses():
        for item in org.items:
            factors = org.factors_by_review.get(item.review_id)
            if factors:
                yield Addresses(actionitem_id=item.pk, contributingfactor_id=org.random.choice(factors).pk)

    org.bulk(Addresses, addresses(), "Fixes for factors", sum(1 for i in org.items if i.review_id))
