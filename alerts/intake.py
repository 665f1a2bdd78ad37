"""What an alert does: a firing one opens an incident for the source's team, or adds to the open incident
its fingerprint already belongs to; a resolved one records mitigation once nothing of that incident fires.

Every delivery is recorded under its key first, in the same transaction, so a retry or a duplicate
(Alertmanager re-sends, PagerDuty retries) changes nothing.
"""

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from alerts.models import AlertIncident, AlertSource, ReceivedAlert
from alerts.payloads import Alert
from incidents.models import EntryKind, Incident, Status, TimelineEntry

logger = logging.getLogger("alerts")

OPEN_STATUSES = (Status.INVESTIGATING, Status.MITIGATED)


@dataclass
class Outcome:
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    duplicates: int = 0


def _entry(incident: Incident, alert: Alert, text: str) -> None:
    TimelineEntry.objects.create(
        incident=incident,
        occurred_at=alert.started_at if alert.firing else alert.ended_at,
        kind=EntryKind.ALERT,
        text=text,
        link=alert.url[:500] if alert.url.startswith(("https://", "http://")) else "",
    )


def _open_link(source: AlertSource, fingerprint: str) -> AlertIncident | None:
    return (
        AlertIncident.objects.select_related("incident")
        .filter(source=source, fingerprint=fingerprint, incident__status__in=OPEN_STATUSES)
        .order_by("-firing_since")
        .first()
    )


def _fire(source: AlertSource, alert: Alert, opened_now: Incident | None, outcome: Outcome) -> Incident:
    link = _open_link(source, alert.fingerprint)
    if link is not None:
        incident = link.incident
        if link.resolved_at is not None:
            link.resolved_at = None
            link.save(update_fields=["resolved_at"])
        _entry(incident, alert, f"The alert “{alert.title}” fired again.")
        outcome.updated.append(incident.pk)
        return opened_now
    incident = opened_now
    if incident is None:
        incident = Incident.objects.create(
            title=alert.title,
            summary=alert.description,
            severity=alert.severity or source.severity,
            team=source.team,
            # The alert is when we knew; when the impact began may be earlier, and people can say so.
            impact_started_at=alert.started_at,
            detected_at=alert.started_at,
        )
        outcome.opened.append(incident.pk)
        _entry(incident, alert, f"{source.name} raised the alert “{alert.title}”, which opened this incident.")
    else:
        _entry(incident, alert, f"{source.name} raised the alert “{alert.title}” in the same group.")
    AlertIncident.objects.create(
        source=source, fingerprint=alert.fingerprint, incident=incident, firing_since=alert.started_at
    )
    return incident


def _resolve(source: AlertSource, alert: Alert, outcome: Outcome) -> None:
    link = _open_link(source, alert.fingerprint)
    if link is None or link.resolved_at is not None:
        return
    link.resolved_at = alert.ended_at
    link.save(update_fields=["resolved_at"])
    incident = link.incident
    _entry(incident, alert, f"The alert “{alert.title}” resolved.")
    still_firing = incident.alerts.filter(resolved_at__isnull=True).exists()
    if not still_firing and incident.status == Status.INVESTIGATING and incident.mitigated_at is None:
        incident.mitigated_at = max(alert.ended_at, incident.impact_started_at)
        incident.status = Status.MITIGATED
        incident.save(update_fields=["mitigated_at", "status", "updated_at"])
    outcome.updated.append(incident.pk)


def take_in(source: AlertSource, alerts: list[Alert]) -> Outcome:
    outcome = Outcome()
    opened_now = None
    for alert in alerts:
        try:
            with transaction.atomic():
                ReceivedAlert.objects.create(source=source, key=alert.key)
                if alert.firing:
                    opened_now = _fire(source, alert, opened_now, outcome)
                else:
                    _resolve(source, alert, outcome)
        except IntegrityError:
            outcome.duplicates += 1
    logger.info(
        "Alerts from %s: %d opened, %d updated, %d already received",
        source.slug, len(outcome.opened), len(set(outcome.updated)), outcome.duplicates,
    )  # fmt: skip
    return outcome
