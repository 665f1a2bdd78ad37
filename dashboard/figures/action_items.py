"""Action items and the 48-hour systemic-fix obligation: do the fixes land?"""

from datetime import UTC

from django.db.models import (
    Count,
    F,
    Q,
)
from django.db.models.functions import TruncMonth

from actions.models import FixObligation, ObligationState
from dashboard.figures.common import OBLIGATIONS_SHOWN, Filters, Percentile, interval, month_of
from dashboard.small_groups import withheld_names, withhold_small_teams
from incidents.models import Incident

# --- action items ---------------------------------------------------------------------------


# --- the 48-hour obligation -------------------------------------------------------------------


def obligation_figures(visible, filters: Filters) -> dict:
    """Share met on time by team and month, median time to a systemic fix, pending and breached ones."""
    now = filters.now
    obligations = FixObligation.objects.filter(incident__in=visible.values("pk")).exclude(
        state=ObligationState.CANCELLED
    )
    if filters.team:
        obligations = obligations.filter(incident__team=filters.team)
    breached_q = Q(state=ObligationState.BREACHED) | Q(state=ObligationState.PENDING, deadline__lte=now)
    decided_q = Q(state=ObligationState.MET) | breached_q
    figures = {
        "decided": Count("pk", filter=decided_q),
        "on_time": Count("pk", filter=Q(state=ObligationState.MET, met_at__lte=F("deadline"))),
        "median_fix": Percentile(interval("met_at", "starts_at"), 0.5, filter=Q(state=ObligationState.MET)),
    }
    in_period = obligations.filter(deadline__gte=filters.start)
    # A team's row speaks about the responders of its incidents, who carry the obligation together.
    responders = dict(
        Incident.responders.through.objects.filter(incident__in=in_period.values("incident_id"))
        .values("incident__team_id")
        .annotate(people=Count("user_id", distinct=True))
        .values_list("incident__team_id", "people")
    )
    by_team = list(
        in_period.values("incident__team_id", "incident__team__name")
        .annotate(**figures)
        .order_by("incident__team__name")
    )
    for row in by_team:
        row["people"] = responders.get(row["incident__team_id"], 0)
    small_teams = withhold_small_teams(by_team, "people", figures, "incident__team_id")
    breached_in_period = in_period.filter(breached_q)  # a list to act on, not a figure: every team's
    if small_teams:
        in_period = in_period.exclude(incident__team_id__in=small_teams)
    by_month_rows = {
        month_of(row["month"]): row
        for row in in_period.annotate(month=TruncMonth("deadline", tzinfo=UTC)).values("month").annotate(**figures)
    }
    overall = in_period.aggregate(**figures, breached=Count("pk", filter=breached_q))
    by_month = [
        {"month": month, **{k: v for k, v in by_month_rows.get(month, {}).items() if k != "month"}}
        for month in filters.month_starts
    ]
    for row in [*by_team, *by_month, overall]:
        row.setdefault("decided", 0)
        row.setdefault("on_time", 0)
        row.setdefault("median_fix", None)
        row["share"] = row["on_time"] / row["decided"] if row["decided"] else None
    pending = [
        {
            "incident_pk": o.incident_id,
            "incident": o.incident.title,
            "team": o.incident.team.name,
            "deadline": o.deadline,
        }
        for o in obligations.filter(state=ObligationState.PENDING, deadline__gt=now)
        .select_related("incident__team")
        .order_by("deadline")[:OBLIGATIONS_SHOWN]
    ]
    pending_count = obligations.filter(state=ObligationState.PENDING, deadline__gt=now).count()
    breached = [
        {
            "incident_pk": o.incident_id,
            "incident": o.incident.title,
            "team": o.incident.team.name,
            "deadline": o.deadline,
        }
        for o in breached_in_period.select_related("incident__team").order_by("-deadline")[:OBLIGATIONS_SHOWN]
    ]
    return {
        "overall": overall,
        "by_team": by_team,
        "teams_withheld": withheld_names(by_team, "incident__team__name"),
        "by_month": by_month,
        "pending": pending,
        "pending_count": pending_count,
        "breached": breached,
        "breached_count": breached_in_period.count(),
    }
