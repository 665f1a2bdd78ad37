"""The dashboard's figures computed in full from every incident a viewer may see, with aggregates in the
database: the reference the figures merged from parts (``dashboard.figures``) are tested against. It was the
dashboard's own computation before the figures were kept in parts that add up."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.functions import TruncMonth, TruncWeek

from accounts.privacy import enough_people
from actions.models import OPEN_STATUSES, SYSTEMIC_KINDS, ActionItem, ActionStatus, FixObligation, ObligationState
from dashboard.figures import finish
from dashboard.figures.common import (
    OBLIGATIONS_SHOWN,
    OLDEST_OVERDUE_SHOWN,
    RECURRENCE_THRESHOLD,
    RECURRENCE_WINDOW_DAYS,
    Filters,
    Percentile,
    interval,
    month_of,
    sql_of,
)
from dashboard.figures.learning import (
    near_miss_figures,
    quality_shown,
    review_counts_by_team,
    review_people_by_team,
    reviews_in_period,
    reviews_with_open_flags,
)
from dashboard.figures.parts import Scope, part
from dashboard.figures.sums import merge
from dashboard.follow_through import (
    COMMITTED,
    LANDED,
    fixes_that_did_not_hold,
    follow_through_counts,
    follow_through_shown,
    obligations_followed,
)
from dashboard.small_groups import people_behind, shown_total, withheld_names, withhold_small_teams
from incidents.access import restricted_incidents_on, visibility_class
from incidents.models import Disposition, Incident
from postmortems.models import ContributingFactor, Review, ReviewFeedback, ReviewStatus


def _first_fix_sql(incidents) -> tuple[str, list]:
    """The first fix as the dashboard computed it before its one-pass query (``dashboard.figures.factors``).

    ``WITH ... first_fix``: per weakness (category and service) among these incidents' factors, the moment
    its first fix was done (a systemic fix of the factor's incident, or a fix addressing the factor)."""
    incidents_sql, params = sql_of(incidents.values("pk"))
    # Deleted (soft-deleted) fixes and factors do not count. Tested as a column condition, not as
    # "id IN (live rows)", which on realistic data turned this query from seconds into many minutes.
    factors = ContributingFactor._meta.db_table
    reviews = Review._meta.db_table
    items = ActionItem._meta.db_table
    addresses = ActionItem.addresses.through._meta.db_table
    systemic = ", ".join(f"'{kind}'" for kind in sorted(SYSTEMIC_KINDS))
    done = ActionStatus.DONE.value
    # A fix's completion always follows its own incident, so "fixed before the later incident began" already
    # means "an earlier incident". That lets us keep one first-fix moment per weakness (category and service)
    # instead of pairing every factor with every earlier one.
    sql = f"""
        WITH systemic_fix AS (
            SELECT incident_id, MIN(completed_at) AS done_at FROM {items}
            WHERE status = '{done}' AND kind IN ({systemic}) AND deleted_at IS NULL
              AND incident_id IN ({incidents_sql})
            GROUP BY incident_id
        ), addressed_fix AS (
            SELECT addressed.contributingfactor_id AS factor_id, MIN(fix.completed_at) AS done_at
            FROM {addresses} addressed JOIN {items} fix ON fix.id = addressed.actionitem_id
            JOIN {factors} factor ON factor.id = addressed.contributingfactor_id
            JOIN {reviews} review ON review.id = factor.review_id
            WHERE fix.status = '{done}' AND fix.deleted_at IS NULL AND review.incident_id IN ({incidents_sql})
            GROUP BY addressed.contributingfactor_id
        ), first_fix AS (
            SELECT old_factor.category_id, old_factor.service_id,
                   MIN(LEAST(systemic_fix.done_at, addressed_fix.done_at)) AS fixed_at
            FROM {factors} old_factor
            JOIN {reviews} old_review ON old_review.id = old_factor.review_id
            LEFT JOIN systemic_fix ON systemic_fix.incident_id = old_review.incident_id
            LEFT JOIN addressed_fix ON addressed_fix.factor_id = old_factor.id
            WHERE old_factor.service_id IS NOT NULL AND old_review.incident_id IN ({incidents_sql})
              AND old_factor.deleted_at IS NULL
            GROUP BY old_factor.category_id, old_factor.service_id
        )
    """  # noqa: S608 - only our own compiled queries and constants are interpolated
    return sql, [*params, *params, *params]


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
    totals = {name: shown_total(by_team, name) for name in ("open", "due_this_week", "overdue")}
    return totals | {
        "by_team": by_team,
        "teams_withheld": withheld_names(by_team, "team__name"),
        "by_kind": [{**row, "kind": ActionItem(kind=row["kind"]).get_kind_display()} for row in by_kind],
        "oldest_overdue": oldest,
        "weekly": weekly,
    }


def _factors(visible, filters: Filters):
    factors = ContributingFactor.objects.filter(
        review__incident__in=visible.values("pk"), review__incident__impact_started_at__gte=filters.start
    )
    if filters.team:
        factors = factors.filter(review__incident__team=filters.team)
    return factors


def _recurrence_peaks_in_sql(rows, recent_since) -> dict[int, tuple[int, int]]:
    """Per category: the most incidents within any 90-day window, and how many in the last 90 days."""
    base_sql, params = sql_of(rows)
    sql = f"""
        SELECT category_id, MAX(n) AS peak, COUNT(*) FILTER (WHERE t >= %s) AS recent
        FROM (
            SELECT category_id, t, COUNT(*) OVER (
                PARTITION BY category_id ORDER BY t
                RANGE BETWEEN INTERVAL '{RECURRENCE_WINDOW_DAYS} days' PRECEDING AND CURRENT ROW
            ) AS n
            FROM (SELECT DISTINCT * FROM ({base_sql}) AS base (category_id, incident_id, t)) AS distinct_incidents
        ) AS windows
        GROUP BY category_id
    """  # noqa: S608 - the only interpolations are our own compiled query and a constant
    with connection.cursor() as cursor:
        cursor.execute(sql, [recent_since, *params])
        peaks = {category_id: (peak, recent or 0) for category_id, peak, recent in cursor.fetchall()}
    return peaks


def _recurrence_peaks_in_python(rows, recent_since) -> dict[int, tuple[int, int]]:
    """The same figures as ``_recurrence_peaks_in_sql``, for the embedded SQLite database."""
    window = timedelta(days=RECURRENCE_WINDOW_DAYS)
    times_by_category: dict[int, list[datetime]] = {}
    for category_id, _incident_id, started in set(rows):
        times_by_category.setdefault(category_id, []).append(started)
    peaks = {}
    for category_id, times in times_by_category.items():
        times.sort()
        peak, first = 0, 0
        for last, moment in enumerate(times):
            while times[first] < moment - window:
                first += 1
            peak = max(peak, last - first + 1)
        peaks[category_id] = (peak, sum(1 for moment in times if moment >= recent_since))
    return peaks


def factor_figures(visible, filters: Filters) -> dict:
    """Incidents per factor category and month, and categories that recur within 90 days."""
    factors = _factors(visible, filters)
    by_category = list(
        factors.values("category_id", "category__name")
        .annotate(incidents=Count("review__incident", distinct=True))
        .order_by("-incidents", "category__name")
    )
    by_month = [
        {"month": month_of(row["month"]), "category": row["category__name"], "incidents": row["incidents"]}
        for row in factors.annotate(month=TruncMonth("review__incident__impact_started_at", tzinfo=UTC))
        .values("month", "category__name")
        .annotate(incidents=Count("review__incident", distinct=True))
        .order_by("month", "category__name")
    ]
    recent_since = filters.now - timedelta(days=RECURRENCE_WINDOW_DAYS)
    rows = factors.values_list("category_id", "review__incident_id", "review__incident__impact_started_at")
    if connection.vendor == "postgresql":
        peaks = _recurrence_peaks_in_sql(rows, recent_since)
    else:
        peaks = _recurrence_peaks_in_python(rows, recent_since)
    categories = []
    for row in by_category:
        peak, recent = peaks.get(row["category_id"], (0, 0))
        categories.append(
            {
                "category": row["category__name"],
                "incidents": row["incidents"],
                "peak_90_days": peak,
                "recurring": peak >= RECURRENCE_THRESHOLD,
                "recurring_now": recent >= RECURRENCE_THRESHOLD,
            }
        )
    return {"by_category": categories, "by_month": by_month}


def recurrences_after_fix(visible, filters: Filters) -> dict:
    """Incidents in the period with a contributing factor whose weakness (same category and service) had come up
    before and had a fix marked done before this incident began: the fix did not hold, or did not reach far enough.
    Also how many distinct weaknesses came back."""
    later = visible.filter(impact_started_at__gte=filters.start)
    if filters.team:
        later = later.filter(team=filters.team)
    if connection.vendor != "postgresql":
        return _recurrences_in_python(visible, later)
    later_sql, later_params = sql_of(later.values("pk"))
    first_fix, visible_params = _first_fix_sql(visible)
    factors = ContributingFactor._meta.db_table
    reviews = Review._meta.db_table
    incidents = Incident._meta.db_table
    categories = ContributingFactor._meta.get_field("category").related_model._meta.db_table
    sql = f"""
        {first_fix}
        SELECT category.name, COUNT(DISTINCT later.id),
               COUNT(DISTINCT (new_factor.category_id, new_factor.service_id))
        FROM {factors} new_factor
        JOIN {reviews} new_review ON new_review.id = new_factor.review_id
        JOIN {incidents} later ON later.id = new_review.incident_id
        JOIN first_fix ON first_fix.category_id = new_factor.category_id
             AND first_fix.service_id = new_factor.service_id AND first_fix.fixed_at < later.impact_started_at
        JOIN {categories} category ON category.id = new_factor.category_id
        WHERE later.id IN ({later_sql}) AND later.impact_started_at >= %s AND new_factor.deleted_at IS NULL
        GROUP BY GROUPING SETS ((category.name), ())
        ORDER BY 2 DESC, 1
    """  # noqa: S608 - only our own compiled queries and constants are interpolated
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *visible_params,
                *later_params,
                filters.start,
            ],
        )
        rows = cursor.fetchall()
    total = next(((n, m) for name, n, m in rows if name is None), (0, 0))
    return {
        "incidents": total[0],
        "weaknesses": total[1],
        "by_category": [{"category": name, "incidents": n, "weaknesses": m} for name, n, m in rows if name is not None],
    }


def _recurrences_in_python(visible, later) -> dict:
    """``recurrences_after_fix`` for the embedded SQLite database, worked out the long way round: every factor of
    a later incident is held against every fix done for an earlier factor of the same weakness."""
    systemic_fixes: dict[int, list[datetime]] = {}  # incident -> when each of its systemic fixes was done
    for incident_id, completed_at in ActionItem.objects.filter(
        status=ActionStatus.DONE, kind__in=SYSTEMIC_KINDS, incident__isnull=False
    ).values_list("incident_id", "completed_at"):
        if completed_at is not None:
            systemic_fixes.setdefault(incident_id, []).append(completed_at)
    addressing_fixes: dict[int, list[datetime]] = {}  # factor -> when each fix addressing it was done
    for link in ActionItem.addresses.through.objects.select_related("actionitem"):
        fix = link.actionitem
        if fix.status == ActionStatus.DONE and fix.deleted_at is None and fix.completed_at is not None:
            addressing_fixes.setdefault(link.contributingfactor_id, []).append(fix.completed_at)

    fixes_done = []  # (category, service, when): one row per fix of an earlier factor
    earlier = ContributingFactor.objects.filter(service__isnull=False, review__incident__in=visible.values("pk"))
    for factor in earlier.select_related("review"):
        for when in systemic_fixes.get(factor.review.incident_id, []) + addressing_fixes.get(factor.pk, []):
            fixes_done.append((factor.category_id, factor.service_id, when))

    incidents: dict[str, set[int]] = {}
    weaknesses: dict[str, set[tuple[int, int]]] = {}
    for factor in ContributingFactor.objects.filter(
        service__isnull=False, review__incident__in=later.values("pk")
    ).select_related("category", "review__incident"):
        started = factor.review.incident.impact_started_at
        fixed_before = False
        for category_id, service_id, when in fixes_done:
            if category_id == factor.category_id and service_id == factor.service_id and when < started:
                fixed_before = True
                break
        if fixed_before:
            name = factor.category.name
            incidents.setdefault(name, set()).add(factor.review.incident_id)
            weaknesses.setdefault(name, set()).add((factor.category_id, factor.service_id))

    by_category = []
    every_incident: set[int] = set()
    every_weakness: set[tuple[int, int]] = set()
    for name in incidents:
        by_category.append({"category": name, "incidents": len(incidents[name]), "weaknesses": len(weaknesses[name])})
        every_incident |= incidents[name]
        every_weakness |= weaknesses[name]
    by_category.sort(key=lambda row: (-row["incidents"], row["category"]))
    return {"incidents": len(every_incident), "weaknesses": len(every_weakness), "by_category": by_category}


RESPONSE_FIGURES = {
    "count": Count("pk"),
    "ttd_median": Percentile(interval("detected_at", "impact_started_at"), 0.5, filter=Q(detected_at__isnull=False)),
    "ttd_p90": Percentile(interval("detected_at", "impact_started_at"), 0.9, filter=Q(detected_at__isnull=False)),
    "ttm_median": Percentile(interval("mitigated_at", "impact_started_at"), 0.5, filter=Q(mitigated_at__isnull=False)),
    "ttm_p90": Percentile(interval("mitigated_at", "impact_started_at"), 0.9, filter=Q(mitigated_at__isnull=False)),
}


def response_times(visible, filters: Filters) -> dict:
    """Medians and 90th percentiles (never averages) of time to detect and mitigate, by month and severity."""
    incidents = visible.filter(impact_started_at__gte=filters.start).exclude(
        disposition__in=[Disposition.FALSE_ALARM, Disposition.DUPLICATE]
    )
    if filters.team:
        incidents = incidents.filter(team=filters.team)
    monthly = incidents.annotate(month=TruncMonth("impact_started_at", tzinfo=UTC))
    by_month_severity = {
        (month_of(row["month"]), row["severity"]): row
        for row in monthly.values("month", "severity").annotate(**RESPONSE_FIGURES)
    }
    by_month = {month_of(row["month"]): row for row in monthly.values("month").annotate(**RESPONSE_FIGURES)}
    by_severity = {row["severity"]: row for row in incidents.values("severity").annotate(**RESPONSE_FIGURES)}
    overall = incidents.aggregate(**RESPONSE_FIGURES)
    empty = dict.fromkeys(RESPONSE_FIGURES, None) | {"count": 0}

    def clean(row):
        return {name: (row or empty)[name] for name in RESPONSE_FIGURES}

    return {
        "overall": clean(overall),
        "by_severity": {severity: clean(row) for severity, row in sorted(by_severity.items())},
        "by_month": [{"month": month, **clean(by_month.get(month))} for month in filters.month_starts],
        "by_month_severity": {
            f"{month.isoformat()}:{severity}": clean(row) for (month, severity), row in by_month_severity.items()
        },
    }


def compute_directly(user, filters: Filters) -> dict:
    """The same figures computed in full from every incident the viewer may see (aggregates in the database):
    the reference the merged figures are tested against."""
    if filters.team and not enough_people(people_behind_team(user, filters)):
        return {"computed_at": filters.now, "withheld": True}
    visible = Incident.objects.visible_to(user)
    return {
        "computed_at": filters.now,
        "withheld": False,
        "actions": action_item_figures(user, filters),
        "obligations": obligation_figures(visible, filters),
        "response": response_times(visible, filters),
        "factors": factor_figures(visible, filters),
        "near_misses": near_miss_figures(filters),
        "quality": review_quality(visible, filters),
        "recurrences": recurrences_after_fix(visible, filters),
        "follow_through": follow_through_figures(user, filters),
    }


def review_quality(visible, filters: Filters) -> dict:
    """Of the reviews written in the period: systemic action, two perspectives, no open language notes, feedback."""
    reviews = reviews_in_period(visible, filters)
    by_team = review_counts_by_team(reviews)
    flagged = reviews_with_open_flags(reviews.filter(status=ReviewStatus.IN_REVIEW))
    feedback = {
        row["review__incident__team__name"]: row
        for row in ReviewFeedback.objects.filter(review__in=reviews.values("pk"))
        .values("review__incident__team__name")
        .annotate(
            responses=Count("pk"),
            blameless=Avg("blameless", output_field=FloatField()),
            useful=Avg("useful", output_field=FloatField()),
        )
    }
    people = review_people_by_team(reviews)
    for row in by_team:
        team = row.pop("incident__team__name")
        row["team"] = team
        row["without_open_flags"] = row["reviews"] - flagged.get(team, 0)
        answers = feedback.get(team, {})
        row["responses"] = answers.get("responses", 0)
        row["blameless"] = answers.get("blameless")
        row["useful"] = answers.get("useful")
        row["people"] = len(people.get(team, ()))
    return quality_shown(by_team)


def follow_through_figures(user, filters: Filters) -> dict:
    """The follow-through figures for this viewer and these filters (see ``LABELS`` for what each one is),
    computed in full from every incident the viewer may see."""
    from incidents.models import Incident

    obligations = obligations_followed(Q(incident__in=Incident.objects.visible_to(user).values("pk")), filters)
    figures = obligations.aggregate(
        committed_median=Percentile(interval("met_at", "starts_at"), 0.5, filter=COMMITTED),
        committed_p90=Percentile(interval("met_at", "starts_at"), 0.9, filter=COMMITTED),
        landed_median=Percentile(interval("landed_at", "starts_at"), 0.5, filter=LANDED),
        landed_p90=Percentile(interval("landed_at", "starts_at"), 0.9, filter=LANDED),
    )
    figures |= follow_through_counts(obligations, filters)
    figures["did_not_hold"] = fixes_that_did_not_hold(obligations)
    return follow_through_shown(figures)


def people_behind_team(user, filters) -> int:
    """How many people a dashboard filtered to one team speaks about, counting only what the viewer may see:
    the responders and facilitators of the team's incidents in the period, the owners of its action items,
    the participants of its reviews and the named reporters of its near misses (one query)."""
    from actions.models import ActionItem
    from incidents.models import Incident

    return people_behind(
        filters, Incident.objects.visible_to(user), ActionItem.objects.visible_to(user), with_near_misses=True
    ).count()


def compute(user, filters: Filters) -> dict:
    """This viewer's figures from parts computed now (nothing kept): what the dashboard shows when every part
    is fresh."""
    visibility = visibility_class(user)
    merged = part(Scope.public(), filters)
    if visibility == "all":
        merge(merged, part(Scope.every_restricted(), filters))
    elif visibility != "public":
        merge(merged, part(Scope.restricted(restricted_incidents_on(user)), filters))
    return finish.figures(merged, filters) | {"computed_at": filters.now}


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
