"""The sweep: what is due now, decided from the database, each reminder issued exactly once.

``run_sweep`` is what Celery beat runs every minute (``actions.tasks.sweep``). It only
reads rows whose moment has come (partial indexes on ``next_check_at`` /
``next_reminder_at`` / the outbox), claims them with ``SELECT ... FOR UPDATE SKIP
LOCKED`` so overlapping sweeps share the work instead of repeating it, and records
each reminder as a ``SentReminder`` row with a unique key *before* anything is sent.
The inbox notification and the outbox rows are written in the same transaction, so a
sweep killed halfway leaves either all of a reminder or none of it.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actions.models import FixObligation, ObligationState
from actions.notify import deliver_due
from actions.reminders.context import SweepContext, SweepReport, may_see
from actions.reminders.fixes import process_due_obligations, process_obligation, reconcile_obligations
from actions.reminders.items import digest_message, process_overdue_items, send_weekly_digests

__all__ = [
    "SweepContext",
    "SweepReport",
    "check_obligation",
    "digest_message",
    "may_see",
    "reconcile_obligations",
    "run_sweep",
]


# --- the whole sweep ------------------------------------------------------------------------------------------


def run_sweep(now: datetime | None = None) -> SweepReport:
    """Everything due at ``now``: obligation reminders and escalations, overdue items, digests, then the outbox."""
    now = now or timezone.now()
    report = SweepReport()
    context = SweepContext.load()
    process_due_obligations(now, report, context)
    process_overdue_items(now, report, context)
    send_weekly_digests(now, report)
    report.deliveries_sent = deliver_due(now)
    return report


def check_obligation(pk: int, now: datetime | None = None) -> int:
    """Process one obligation right away (after a save), exactly as the sweep would."""
    now = now or timezone.now()
    with transaction.atomic():
        obligation = (
            FixObligation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk)
            .filter(Q(state__in=[ObligationState.PENDING, ObligationState.BREACHED, ObligationState.MET]))
            .select_related("incident__team", "incident__facilitator", "met_by__owner")
            .first()
        )
        if obligation is None or obligation.next_check_at is None or obligation.next_check_at > now:
            return 0
        return process_obligation(obligation, now)
