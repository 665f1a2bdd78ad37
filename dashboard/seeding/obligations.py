"""The 48-hour systemic-fix duty of every mitigated incident, met, pending, breached or cancelled."""

from datetime import timedelta

from django.conf import settings

from actions.models import SYSTEMIC_KINDS, ActionStatus, FixObligation, ObligationState
from dashboard.seeding.organisation import Organisation
from incidents.models import Disposition


def seed_obligations(org: Organisation) -> None:
    window = timedelta(hours=settings.SYSTEMIC_FIX_HOURS)
    first_fix = {}
    for item in org.items:
        if item.kind in SYSTEMIC_KINDS and item.status == ActionStatus.DONE and item.incident_id not in first_fix:
            first_fix[item.incident_id] = item
    obligations = []
    for incident in org.incidents:
        if not incident.mitigated_at:
            continue
        starts = max(incident.mitigated_at, incident.created_at)
        deadline = starts + window
        fix = first_fix.get(incident.pk)
        if incident.disposition != Disposition.NONE:
            state, met_at, cancelled = ObligationState.CANCELLED, None, starts
        elif fix and fix.completed_at and fix.completed_at <= org.now:
            state, met_at, cancelled = ObligationState.MET, max(fix.completed_at, starts), None
        elif deadline > org.now:
            state, met_at, cancelled = ObligationState.PENDING, None, None
        else:
            state, met_at, cancelled = ObligationState.BREACHED, None, None
        obligations.append(
            FixObligation(
                incident_id=incident.pk,
                starts_at=starts,
                deadline=deadline,
                state=state,
                met_at=met_at,
                met_by_id=fix.pk if state == ObligationState.MET else None,
                breached_at=deadline if state == ObligationState.BREACHED else None,
                cancelled_at=cancelled,
                next_check_at=None if state in (ObligationState.MET, ObligationState.CANCELLED) else deadline,
            )
        )
    org.bulk(FixObligation, obligations, "Systemic-fix duties")
