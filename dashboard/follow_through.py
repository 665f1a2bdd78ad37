"""Follow-through after the 48 hours: committed, landed by its date, held or not, and what is pending.

Counted per incident (its systemic-fix obligation), for incidents whose clock started in the
period and that the viewer may see. Two aggregate queries, whatever the data size; percentiles
come from the database (``percentile_cont``).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q

from actions.models import FixObligation, ObligationState, RecurrenceFlag, RecurrenceState
from dashboard.figures.common import Filters

# Each figure with the words that say exactly what it measures and from which moment.
LABELS = {
    "committed": (
        "Time to a committed fix",
        "from the start of the clock (mitigation, or recording when later) to the moment an action item of a "
        "systemic kind with an owner, a link to the change and a due date existed",
    ),
    "landed": (
        "Time to a landed fix",
        "from the start of the clock to the merge the forge reported, or to the owner marking it done",
    ),
    "within_48": (
        "Committed within 48 hours",
        "of incidents whose 48-hour deadline has passed or whose fix is committed; a deadline breached once "
        "counts as breached even if the mitigation time was moved later",
    ),
    "landed_on_time": (
        "Landed by their due date",
        "of committed fixes whose due date has passed or that have landed; landed before the end of the due date",
    ),
}


def obligations_followed(of_incidents: Q, filters: Filters):
    """The obligations of these incidents (``of_incidents``: which, by ``incident``) whose clock started in the
    period (not cancelled)."""
    obligations = FixObligation.objects.filter(of_incidents, starts_at__gte=filters.start).exclude(
        state=ObligationState.CANCELLED
    )
    if filters.team:
        obligations = obligations.filter(incident__team=filters.team)
    return obligations


COMMITTED = Q(state=ObligationState.MET)
LANDED = COMMITTED & Q(landed_at__isnull=False)


def follow_through_counts(obligations, filters: Filters) -> dict:
    """Every count of the follow-through (one query); they add up over disjoint sets of incidents."""
    now = filters.now
    held_after = timedelta(days=settings.FIX_HELD_AFTER_DAYS)
    flags = RecurrenceFlag.objects.filter(fix_id=OuterRef("met_by_id"))
    in_question = Exists(flags.filter(state=RecurrenceState.OPEN))
    owed_late = Q(state=ObligationState.BREACHED) | Q(state=ObligationState.PENDING, deadline__lte=now)
    landing_due = COMMITTED & (Q(landed_at__isnull=False) | Q(landing_due_at__lte=now))
    return obligations.annotate(in_question=in_question).aggregate(
        decided=Count("pk", filter=COMMITTED | owed_late),
        within_48=Count("pk", filter=COMMITTED & Q(met_at__lte=F("deadline")) & Q(first_breached_at=None)),
        landing_decided=Count("pk", filter=landing_due),
        landed_on_time=Count("pk", filter=LANDED & Q(landed_at__lt=F("landing_due_at"))),
        held=Count("pk", filter=LANDED & Q(in_question=False, landed_at__lte=now - held_after)),
        watching=Count("pk", filter=LANDED & Q(in_question=False, landed_at__gt=now - held_after)),
        may_not_have_held=Count("pk", filter=LANDED & Q(in_question=True)),
        owed=Count("pk", filter=Q(state=ObligationState.PENDING, deadline__gt=now)),
        owed_late=Count("pk", filter=owed_late),
        committed_on_track=Count("pk", filter=COMMITTED & Q(landed_at=None, landing_due_at__gt=now)),
        committed_overdue=Count("pk", filter=COMMITTED & Q(landed_at=None, landing_due_at__lte=now)),
    )


def fixes_that_did_not_hold(obligations) -> int:
    """Fixes of these obligations' incidents with a confirmed recurrence (a fix belongs to one incident)."""
    return RecurrenceFlag.objects.filter(
        state=RecurrenceState.CONFIRMED, fix__incident__in=obligations.values("incident_id")
    ).aggregate(fixes=Count("fix_id", distinct=True))["fixes"]


def follow_through_shown(figures: dict) -> dict:
    """The shares, the pending list and the labels beside the counts and percentiles."""
    figures["within_48_share"] = _share(figures["within_48"], figures["decided"])
    figures["landed_on_time_share"] = _share(figures["landed_on_time"], figures["landing_decided"])
    figures["pending"] = [
        ("Owed, before its 48-hour deadline", figures["owed"]),
        ("Owed, past its 48-hour deadline", figures["owed_late"]),
        ("Committed, not landed, before its due date", figures["committed_on_track"]),
        ("Committed, not landed, past its due date", figures["committed_overdue"]),
        ("Landed, may not have held (the facilitator decides)", figures["may_not_have_held"]),
    ]
    figures["labels"] = LABELS
    figures["held_days"] = settings.FIX_HELD_AFTER_DAYS
    return figures


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
