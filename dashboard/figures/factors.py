"""Contributing factors, and whether fixes stop the same class of failure coming back."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import (
    Count,
)
from django.db.models.functions import TruncMonth

from actions.models import SYSTEMIC_KINDS, ActionItem, ActionStatus
from dashboard.figures.common import RECURRENCE_THRESHOLD, RECURRENCE_WINDOW_DAYS, Filters, month_of, sql_of
from incidents.models import Incident
from postmortems.models import ContributingFactor, Review

# --- contributing factors ---------------------------------------------------------------------


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


# --- fix effectiveness ------------------------------------------------------------------------


def _first_fix_sql(incidents) -> tuple[str, list]:
    """``WITH ... first_fix``: per weakness (category and service) among these incidents' factors, the moment
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


def first_fixes(incidents) -> dict[tuple[int, int], datetime]:
    """The first fix of each weakness among these incidents' factors (weaknesses never fixed left out)."""
    if connection.vendor != "postgresql":
        return _first_fixes_in_python(incidents)
    first_fix, params = _first_fix_sql(incidents)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{first_fix} SELECT category_id, service_id, fixed_at FROM first_fix WHERE fixed_at IS NOT NULL", params
        )
        return {(category_id, service_id): fixed_at for category_id, service_id, fixed_at in cursor.fetchall()}


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


def _first_fixes_in_python(incidents) -> dict[tuple[int, int], datetime]:
    """``first_fixes`` for the embedded SQLite database: the same rule, joined in Python."""
    from django.db.models import Min

    ids = incidents.values("pk")
    systemic_done = dict(
        ActionItem.objects.filter(status=ActionStatus.DONE, kind__in=SYSTEMIC_KINDS, incident__in=ids)
        .values("incident_id")
        .annotate(done_at=Min("completed_at"))
        .values_list("incident_id", "done_at")
    )
    factors = ContributingFactor.objects.filter(service__isnull=False, review__incident__in=ids)
    addressed_done = dict(
        ActionItem.addresses.through.objects.filter(
            actionitem__status=ActionStatus.DONE,
            actionitem__in=ActionItem.objects.values("pk"),
            contributingfactor__in=factors.values("pk"),
        )
        .values("contributingfactor_id")
        .annotate(done_at=Min("actionitem__completed_at"))
        .values_list("contributingfactor_id", "done_at")
    )
    first_fix: dict[tuple[int, int], datetime] = {}
    for factor_id, category_id, service_id, incident_id in factors.values_list(
        "pk", "category_id", "service_id", "review__incident_id"
    ):
        moments = [m for m in (systemic_done.get(incident_id), addressed_done.get(factor_id)) if m is not None]
        if moments:
            weakness = (category_id, service_id)
            first_fix[weakness] = min([*moments, first_fix.get(weakness, min(moments))])
    return first_fix


def _recurrences_in_python(visible, later) -> dict:
    """``recurrences_after_fix`` for the embedded SQLite database: the same rule, joined in Python."""
    from django.db.models import Min

    systemic_done = dict(
        ActionItem.objects.filter(status=ActionStatus.DONE, kind__in=SYSTEMIC_KINDS, incident__isnull=False)
        .values("incident_id")
        .annotate(done_at=Min("completed_at"))
        .values_list("incident_id", "done_at")
    )
    addressed_done = dict(
        ActionItem.addresses.through.objects.filter(
            actionitem__status=ActionStatus.DONE, actionitem__in=ActionItem.objects.values("pk")
        )
        .values("contributingfactor_id")
        .annotate(done_at=Min("actionitem__completed_at"))
        .values_list("contributingfactor_id", "done_at")
    )
    first_fix: dict[tuple[int, int], datetime] = {}
    earlier = ContributingFactor.objects.filter(service__isnull=False, review__incident__in=visible.values("pk"))
    for factor_id, category_id, service_id, incident_id in earlier.values_list(
        "pk", "category_id", "service_id", "review__incident_id"
    ):
        moments = [m for m in (systemic_done.get(incident_id), addressed_done.get(factor_id)) if m is not None]
        if moments:
            weakness = (category_id, service_id)
            first_fix[weakness] = min([*moments, first_fix.get(weakness, min(moments))])
    incidents_by_category: dict[str, set[int]] = {}
    weaknesses_by_category: dict[str, set[tuple[int, int]]] = {}
    returning = ContributingFactor.objects.filter(service__isnull=False, review__incident__in=later.values("pk"))
    for category, category_id, service_id, incident_id, started in returning.values_list(
        "category__name", "category_id", "service_id", "review__incident_id", "review__incident__impact_started_at"
    ):
        fixed_at = first_fix.get((category_id, service_id))
        if fixed_at is not None and fixed_at < started:
            incidents_by_category.setdefault(category, set()).add(incident_id)
            weaknesses_by_category.setdefault(category, set()).add((category_id, service_id))
    by_category = sorted(
        (
            {"category": name, "incidents": len(ids), "weaknesses": len(weaknesses_by_category[name])}
            for name, ids in incidents_by_category.items()
        ),
        key=lambda row: (-row["incidents"], row["category"]),
    )
    return {
        "incidents": len(set().union(*incidents_by_category.values())),
        "weaknesses": len(set().union(*weaknesses_by_category.values())),
        "by_category": by_category,
    }
