"""Action items and the 48-hour systemic-fix obligation: do the fixes land?"""

from datetime import UTC, timedelta

from django.db.models import (
    Count,
    F,
    Q,
)
from django.db.models.functions import TruncMonth, TruncWeek

from actions.models import OPEN_STATUSES, ActionItem, ActionStatus, FixObligation, ObligationState
from dashboard.figures.common import OBLIGATIONS_SHOWN, OLDEST_OVERDUE_SHOWN, Filters, Percentile, interval, month_of
from dashboard.small_groups import shown_total, withheld_names, withhold_small_teams
from incidents.models import Incident

# --- action items ---------------------------------------------------------------------------


def action_item_figures(user, filters: Filters) -> dict:
    """Open, due this week and overdue by team and by kind; the oldest overdue; opened vs closed per week."""
    items = ActionItem.objects.visible_to(user)
    if filters.team:
        items = items.filter(team=filters.team)
    today = filters.today
    week_end = today + timedelta(days=6 - today.weekday())
    open_items = items.filter(status__in=OPEN_STATUSES)
    counts = {
        "open": Count("pk"),
        "due_this_week": Count("pk", filter=Q(due_on__gte=today, due_on__lte=week_end)),
        "overdue": Count("pk", filter=Q(due_on__lt=today)),
    }
    # A team's row speaks about the owners of its open items: shown only when enough of them are behind it.
    # The teams withheld leave the totals, the kinds and the weeks too, so that no subtraction reveals them.
    by_team = list(
        open_items.values("team_id", "team__name")
        .annotate(**counts, people=Count("owner", distinct=True))
        .order_by("team__name")
    )
    small_teams = withhold_small_teams(by_team, "people", counts, "team_id")
    overdue_items = open_items.filter(due_on__lt=today)  # a to-do list, not a figure: every team's items
    if small_teams:
        items = items.exclude(team_id__in=small_teams)
        open_items = open_items.exclude(team_id__in=small_teams)
    by_kind = list(open_items.values("kind").annotate(**counts).order_by("kind"))
    oldest = [
        {
            "pk": item.pk,
            "title": item.title,
            "url": item.get_absolute_url(),
            "team": item.team.name,
            "kind": item.get_kind_display(),
            "incident_pk": item.incident_id,
            "incident_title": item.incident.title if item.incident_id else "",
            "due_on": item.due_on,
            "days_overdue": (today - item.due_on).days,
        }
        for item in overdue_items.select_related("incident", "team").order_by("due_on", "pk")[:OLDEST_OVERDUE_SHOWN]
    ]
    opened = dict(
        items.filter(created_at__gte=filters.start)
        .annotate(week=TruncWeek("created_at", tzinfo=UTC))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    closed = dict(
        items.filter(status__in=[ActionStatus.DONE, ActionStatus.WONT_DO], completed_at__gte=filters.start)
        .annotate(week=TruncWeek("completed_at", tzinfo=UTC))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    opened = {month_of(week): n for week, n in opened.items()}
    closed = {month_of(week): n for week, n in closed.items()}
    weekly = [
        {"week": week, "opened": opened.get(week, 0), "closed": closed.get(week, 0)} for week in filters.week_starts
    ]
    return {
        "open": shown_total(by_team, "open"),
        "due_this_week": shown_total(by_team, "due_this_week"),
        "overdue": shown_total(by_team, "overdue"),
        "by_team": by_team,
        "teams_withheld": withheld_names(by_team, "team__name"),
        "by_kind": [{**row, "kind": ActionItem(kind=row["kind"]).get_kind_display()} for row in by_kind],
        "oldest_overdue": oldest,
        "weekly": weekly,
    }


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
