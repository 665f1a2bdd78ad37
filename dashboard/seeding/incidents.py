"""Incidents over three years, each with its responders and the service it hit."""

from datetime import timedelta

from dashboard.seeding.organisation import BATCH, Organisation
from dashboard.seeding.texts import TROUBLE
from incidents.models import Disposition, Incident, Severity, Status


def seed_incidents(org: Organisation) -> None:
    total = org.counts["incidents"]
    times = sorted(org.moment(skew=1.3) for _ in range(total))
    severities = [Severity.SEV1] * 5 + [Severity.SEV2] * 20 + [Severity.SEV3] * 45 + [Severity.SEV4] * 30
    incidents = []
    for started in times:
        team = org.random.choice(org.teams)
        service = org.random.choice(org.services_by_team[team.pk])
        severity = org.random.choice(severities)
        speed = {Severity.SEV1: 0.5, Severity.SEV2: 0.8, Severity.SEV3: 1.2, Severity.SEV4: 2.0}[severity]
        detected = started + timedelta(minutes=org.random.expovariate(1 / (12 * speed)))
        mitigated = detected + timedelta(minutes=org.random.expovariate(1 / (45 * speed)))
        resolved = mitigated + timedelta(hours=org.random.uniform(0.5, 12))
        age = org.now - started
        status = Status.RESOLVED
        if age < timedelta(hours=6):
            status, mitigated, resolved = Status.INVESTIGATING, None, None
        elif resolved > org.now:
            status, resolved = Status.MITIGATED, None
        disposition = Disposition.NONE
        if org.random.random() < 0.02:
            disposition = Disposition.FALSE_ALARM
        title = org.random.choice(TROUBLE).format(s=service.name)
        incidents.append(
            Incident(
                title=title,
                summary=f"{title}. We saw the impact first in our alerts; details are in the timeline.",
                severity=severity,
                status=status,
                disposition=disposition,
                team=team,
                restricted=org.random.random() < 0.02,
                facilitator_id=org.random.choice(org.members[team.pk][:3]),
                customer_impact="Some customers could not complete their purchase."
                if severity in ("sev1", "sev2")
                else "",
                impact_started_at=started,
                detected_at=detected if detected <= org.now else None,
                mitigated_at=mitigated if mitigated and mitigated <= org.now else None,
                resolved_at=resolved,
            )
        )
    org.incidents = org.bulk(Incident, incidents, "Incidents")
    # created_at is set on insert; an incident is recorded shortly after it was detected.
    for incident in org.incidents:
        incident.created_at = (incident.detected_at or incident.impact_started_at) + timedelta(minutes=5)
    Incident.objects.bulk_update(org.incidents, ["created_at"], batch_size=BATCH)
    responders, services = [], []
    Responder, IncidentService = Incident.responders.through, Incident.services.through
    for incident in org.incidents:
        for user_id in org.random.sample(org.members[incident.team_id], min(3, len(org.members[incident.team_id]))):
            responders.append(Responder(incident_id=incident.pk, user_id=user_id))
        services.append(
            IncidentService(
                incident_id=incident.pk, service_id=org.random.choice(org.services_by_team[incident.team_id]).pk
            )
        )
    org.bulk(Responder, responders, "Responders")
    org.bulk(IncidentService, services, "Incident services")
