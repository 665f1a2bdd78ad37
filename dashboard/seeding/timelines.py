"""Timeline entries spread over each incident, as many as the scale asks in all."""

from datetime import timedelta

from dashboard.seeding.organisation import Organisation
from dashboard.seeding.texts import ACTIONS_TAKEN, OBSERVATIONS
from incidents.models import EntryKind, TimelineEntry


def seed_timelines(org: Organisation) -> None:
    total = org.counts["timeline_entries"]
    per_incident = max(1, total // len(org.incidents))
    kinds = [
        EntryKind.ALERT,
        EntryKind.OBSERVATION,
        EntryKind.OBSERVATION,
        EntryKind.ACTION,
        EntryKind.DECISION,
        EntryKind.COMMUNICATION,
    ]

    def entries():
        made = 0
        for position, incident in enumerate(org.incidents):
            count = per_incident + (1 if position < total - per_incident * len(org.incidents) else 0)
            end = incident.resolved_at or incident.mitigated_at or incident.impact_started_at + timedelta(hours=2)
            span = max((end - incident.impact_started_at).total_seconds(), 60)
            responders = org.members[incident.team_id][:8]
            for step in range(count):
                kind = kinds[step % len(kinds)]
                at = incident.impact_started_at + timedelta(seconds=span * step / max(count, 1))
                text = org.random.choice(ACTIONS_TAKEN if kind == EntryKind.ACTION else OBSERVATIONS)
                yield TimelineEntry(
                    incident_id=incident.pk,
                    occurred_at=at,
                    kind=kind,
                    text=text,
                    known_then="The dashboards showed the error rate only." if kind == EntryKind.DECISION else "",
                    missing_then="Nobody could see which deploy was live." if kind == EntryKind.DECISION else "",
                    author_id=org.random.choice(responders),
                )
                made += 1
                if made >= total:
                    return

    org.bulk(TimelineEntry, entries(), "Timeline entries", total)
