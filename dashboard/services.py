"""The dashboard's numbers: aggregates computed in PostgreSQL, cached in Redis, never per person.

Every figure starts from ``Incident.objects.visible_to(user)``, so a restricted incident
counts only for the people who may see it. Cached results are shared between people
who see exactly the same incidents (a *visibility class*): admins see everything, most
people see the unrestricted incidents, and only the responders and facilitators of
restricted incidents get a cache entry of their own.

Nothing here groups by a person: the units are teams, kinds, categories, months and weeks.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import Team
from actions.models import OPEN_STATUSES, SYSTEMIC_KINDS, ActionItem, ActionStatus, FixObligation, ObligationState
from dashboard.forms import PERIODS
from dashboard.freshness import data_version
from dashboard.small_groups import withhold_small_answer_groups
from incidents.models import Disposition, Incident, NearMiss
from postmortems.models import ContributingFactor, Perspective, Review, ReviewFeedback, ReviewStatus

CACHE_SECONDS = 10 * 60
RECURRENCE_WINDOW_DAYS = 90
RECURRENCE_THRESHOLD = 3
OLDEST_OVERDUE_SHOWN = 10
OBLIGATIONS_SHOWN = 15


class Percentile(Aggregate):
    """``percentile_cont``: the continuous percentile of the group (an interval stays an interval)."""

    function = "percentile_cont"
    name = "Percentile"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # dashboard.sqlite registers percentile_cont(value, fraction) on SQLite connections.
        clone = self.copy()
        clone.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return super(Percentile, clone).as_sql(compiler, connection, **extra_context)


def _interval(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


@dataclass(frozen=True)
class Filters:
    team: Team | None
    period: str
    severity: str
    today: date
    now: datetime

    @property
    def months(self) -> int:
        return PERIODS[self.period][1]

    @property
    def period_label(self) -> str:
        return PERIODS[self.period][0]

    @property
    def month_starts(self) -> list[date]:
        """The first day of every month in the period, oldest first (the current month last)."""
        year, month = self.today.year, self.today.month
        months = []
        for _ in range(self.months):
            months.append(date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return months[::-1]

    @property
    def start(self) -> datetime:
        first = self.month_starts[0]
        return datetime(first.year, first.month, 1, tzinfo=UTC)

    @property
    def week_starts(self) -> list[date]:
        monday = self.start.date() - timedelta(days=self.start.weekday())
        this_monday = self.today - timedelta(days=self.today.weekday())
        weeks = []
        while monday <= this_monday:
            weeks.append(monday)
            monday += timedelta(days=7)
        return weeks


def make_filters(team: Team | None, period: str, severity: str = "", now: datetime | None = None) -> Filters:
    now = now or timezone.now()
    return Filters(team=team, period=period, severity=severity, today=now.astimezone(UTC).date(), now=now)


def visibility_class(user, version: int | None = None) -> str:
    """Who sees the same incidents as this person: ``all``, ``public`` or the person alone.

    Remembered per data version: anything that could change the answer (a restricted flag, a
    facilitator, the responders, an admin membership) raises the version.
    """
    if user.is_superuser:
        return "all"
    key = f"dashboard:visibility:{version}:{user.pk}" if version is not None else None
    known = cache.get(key) if key else None
    if known is not None:
        return known
    if user.is_org_admin:
        answer = "all"
    else:
        involved = Incident.objects.filter(restricted=True).filter(Q(facilitator=user) | Q(responders=user))
        answer = f"user-{user.pk}" if involved.exists() else "public"
    if key:
        cache.set(key, answer, CACHE_SECONDS)
    return answer


def cache_key(user, filters: Filters) -> str:
    team = filters.team.pk if filters.team else "all"
    version = data_version()
    visibility = visibility_class(user, version)
    return f"dashboard:{version}:{visibility}:{team}:{filters.period}:{filters.today.isoformat()}"


def dashboard_data(user, filters: Filters, key: str | None = None) -> tuple[dict, bool]:
    """Everything the dashboard shows for these filters, and whether it is fresh.

    While one request recomputes after a change, the others get the previous figures
    (marked not fresh) instead of all running the same aggregates at once.
    """
    key = key or cache_key(user, filters)
    data = cache.get(key)
    if data is not None:
        return data, True
    last_key = key.split(":", 2)[2]  # the same figures, whatever the version
    last_key = f"dashboard:last:{last_key}"
    lock_key = f"{key}:computing"
    if not cache.add(lock_key, 1, 120):
        previous = cache.get(last_key)
        if previous is not None:
            return previous, False
    try:
        data = compute(user, filters)
        cache.set_many({key: data, last_key: data}, CACHE_SECONDS)
    finally:
        cache.delete(lock_key)
    return data, True


def compute(user, filters: Filters) -> dict:
    """The aggregates, straight from the database (a fixed number of queries, whatever the data size)."""
    visible = Incident.objects.visible_to(user)
    return {
        "computed_at": filters.now,
        "actions": action_item_figures(user, filters),
        "obligations": obligation_figures(visible, filters),
        "response": response_times(visible, filters),
        "factors": factor_figures(visible, filters),
        "near_misses": near_miss_figures(filters),
        "quality": review_quality(visible, filters),
        "recurrences": recurrences_after_fix(visible, filters),
    }


def _month(value) -> date:
    return value.date() if isinstance(value, datetime) else value


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
    by_team = list(open_items.values("team__name").annotate(**counts).order_by("team__name"))
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
        for item in open_items.filter(due_on__lt=today)
        .select_related("incident", "team")
        .order_by("due_on", "pk")[:OLDEST_OVERDUE_SHOWN]
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
    opened = {_month(week): n for week, n in opened.items()}
    closed = {_month(week): n for week, n in closed.items()}
    weekly = [
        {"week": week, "opened": opened.get(week, 0), "closed": closed.get(week, 0)} for week in filters.week_starts
    ]
    return {
        "open": sum(row["open"] for row in by_team),
        "due_this_week": sum(row["due_this_week"] for row in by_team),
        "overdue": sum(row["overdue"] for row in by_team),
        "by_team": by_team,
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
        "median_fix": Percentile(_interval("met_at", "starts_at"), 0.5, filter=Q(state=ObligationState.MET)),
    }
    in_period = obligations.filter(deadline__gte=filters.start)
    by_team = list(in_period.values("incident__team__name").annotate(**figures).order_by("incident__team__name"))
    by_month_rows = {
        _month(row["month"]): row
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
        for o in in_period.filter(breached_q).select_related("incident__team").order_by("-deadline")[:OBLIGATIONS_SHOWN]
    ]
    return {
        "overall": overall,
        "by_team": by_team,
        "by_month": by_month,
        "pending": pending,
        "pending_count": pending_count,
        "breached": breached,
    }


# --- time to detect and to mitigate -----------------------------------------------------------

RESPONSE_FIGURES = {
    "count": Count("pk"),
    "ttd_median": Percentile(_interval("detected_at", "impact_started_at"), 0.5, filter=Q(detected_at__isnull=False)),
    "ttd_p90": Percentile(_interval("detected_at", "impact_started_at"), 0.9, filter=Q(detected_at__isnull=False)),
    "ttm_median": Percentile(_interval("mitigated_at", "impact_started_at"), 0.5, filter=Q(mitigated_at__isnull=False)),
    "ttm_p90": Percentile(_interval("mitigated_at", "impact_started_at"), 0.9, filter=Q(mitigated_at__isnull=False)),
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
        (_month(row["month"]), row["severity"]): row
        for row in monthly.values("month", "severity").annotate(**RESPONSE_FIGURES)
    }
    by_month = {_month(row["month"]): row for row in monthly.values("month").annotate(**RESPONSE_FIGURES)}
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


# --- contributing factors ---------------------------------------------------------------------


def _factors(visible, filters: Filters):
    factors = ContributingFactor.objects.filter(
        review__incident__in=visible.values("pk"), review__incident__impact_started_at__gte=filters.start
    )
    if filters.team:
        factors = factors.filter(review__incident__team=filters.team)
    return factors


def _sql(queryset) -> tuple[str, tuple]:
    """A queryset as SQL to embed in our own; without its default ordering, which would only cost a sort."""
    queryset = queryset.order_by()
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def factor_figures(visible, filters: Filters) -> dict:
    """Incidents per factor category and month, and categories that recur within 90 days."""
    factors = _factors(visible, filters)
    by_category = list(
        factors.values("category_id", "category__name")
        .annotate(incidents=Count("review__incident", distinct=True))
        .order_by("-incidents", "category__name")
    )
    by_month = [
        {"month": _month(row["month"]), "category": row["category__name"], "incidents": row["incidents"]}
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


# --- near misses ------------------------------------------------------------------------------


def _recurrence_peaks_in_sql(rows, recent_since) -> dict[int, tuple[int, int]]:
    """Per category: the most incidents within any 90-day window, and how many in the last 90 days."""
    base_sql, params = _sql(rows)
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


def near_miss_figures(filters: Filters) -> dict:
    """Near-miss reports per month, and whether reporting is rising (a good sign)."""
    near_misses = NearMiss.objects.filter(filed_on__gte=filters.start.date())
    if filters.team:
        near_misses = near_misses.filter(team=filters.team)
    counts = dict(
        near_misses.annotate(month=TruncMonth("filed_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    by_month = [{"month": month, "reports": counts.get(month, 0)} for month in filters.month_starts]
    # Compare whole months only: the current month is still filling up.
    complete = by_month[:-1]
    recent = sum(row["reports"] for row in complete[-3:])
    before = sum(row["reports"] for row in complete[-6:-3])
    if len(complete) < 6 or (recent == 0 and before == 0):
        trend = "unknown"
    elif recent > before:
        trend = "rising"
    elif recent < before:
        trend = "falling"
    else:
        trend = "steady"
    return {
        "total": sum(row["reports"] for row in by_month),
        "by_month": by_month,
        "trend": trend,
        "last_three_months": recent,
        "three_months_before": before,
    }


# --- review quality ---------------------------------------------------------------------------


def review_quality(visible, filters: Filters) -> dict:
    """Of the reviews written in the period: systemic action, two perspectives, no open language notes, feedback."""
    reviews = Review.objects.filter(
        incident__in=visible.values("pk"),
        incident__impact_started_at__gte=filters.start,
        status__in=[ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED],
    )
    if filters.team:
        reviews = reviews.filter(incident__team=filters.team)
    systemic = ActionItem.objects.filter(
        Q(review=OuterRef("pk")) | Q(incident=OuterRef("incident_id")), kind__in=SYSTEMIC_KINDS
    ).exclude(status=ActionStatus.WONT_DO)
    perspectives = (
        Perspective.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    annotated = reviews.annotate(
        has_systemic=Exists(systemic),
        perspective_count=Coalesce(Subquery(perspectives, output_field=IntegerField()), Value(0)),
    )
    by_team = list(
        annotated.values("incident__team__name")
        .annotate(
            reviews=Count("pk"),
            with_systemic=Count("pk", filter=Q(has_systemic=True)),
            with_perspectives=Count("pk", filter=Q(perspective_count__gte=2)),
            published=Count("pk", filter=Q(status=ReviewStatus.PUBLISHED)),
        )
        .order_by("incident__team__name")
    )
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
    for row in by_team:
        team = row.pop("incident__team__name")
        row["team"] = team
        row["without_open_flags"] = row["reviews"] - flagged.get(team, 0)
        answers = feedback.get(team, {})
        row["responses"] = answers.get("responses", 0)
        row["blameless"] = answers.get("blameless")
        row["useful"] = answers.get("useful")
    withhold_small_answer_groups(by_team)
    total = {
        key: sum(row[key] for row in by_team)
        for key in ("reviews", "with_systemic", "with_perspectives", "without_open_flags", "responses", "published")
    }
    for score in ("blameless", "useful"):
        weighted = sum((row[score] or 0) * row["responses"] for row in by_team)
        total[score] = weighted / total["responses"] if total["responses"] else None
    withhold_small_answer_groups([total])
    for row in [*by_team, total]:
        for key in ("with_systemic", "with_perspectives", "without_open_flags"):
            row[f"{key}_share"] = row[key] / row["reviews"] if row["reviews"] else None
    return {"overall": total, "by_team": by_team}


def reviews_with_open_flags(reviews) -> dict[str, int]:
    """How many of these reviews (by team) still have language notes nobody rephrased or dismissed.

    Published reviews passed the language guide to be published, so only reviews still in
    review are checked. Their texts come in a fixed number of queries.
    """
    from postmortems.language import check_text, directory_names
    from postmortems.services import review_texts

    people = directory_names()  # once, not once per text
    counts: dict[str, int] = {}
    prefetched = reviews.select_related("incident__team").prefetch_related(
        "factors", "opportunities", "perspectives", "incident__timeline", "dismissals"
    )
    for review in prefetched:
        dismissed = {dismissal.key for dismissal in review.dismissals.all()}
        texts = review_texts(review, with_other_apps=False)
        if any(flag.key not in dismissed for _, _, text in texts for flag in check_text(text, people=people)):
            team = review.incident.team.name
            counts[team] = counts.get(team, 0) + 1
    return counts


# --- fix effectiveness ------------------------------------------------------------------------


def recurrences_after_fix(visible, filters: Filters) -> dict:
    """Incidents in the period with a contributing factor whose weakness (same category and service) had come up
    before and had a fix marked done before this incident began: the fix did not hold, or did not reach far enough.
    Also how many distinct weaknesses came back."""
    later = visible.filter(impact_started_at__gte=filters.start)
    if filters.team:
        later = later.filter(team=filters.team)
    if connection.vendor != "postgresql":
        return _recurrences_in_python(visible, later)
    later_sql, later_params = _sql(later.values("pk"))
    visible_sql, visible_params = _sql(visible.values("pk"))
    # Deleted (soft-deleted) fixes and factors do not count. Tested as a column condition, not as
    # "id IN (live rows)", which on realistic data turned this query from seconds into many minutes.
    factors = ContributingFactor._meta.db_table
    reviews = Review._meta.db_table
    incidents = Incident._meta.db_table
    categories = ContributingFactor._meta.get_field("category").related_model._meta.db_table
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
            WHERE status = '{done}' AND kind IN ({systemic}) AND deleted_at IS NULL GROUP BY incident_id
        ), addressed_fix AS (
            SELECT addressed.contributingfactor_id AS factor_id, MIN(fix.completed_at) AS done_at
            FROM {addresses} addressed JOIN {items} fix ON fix.id = addressed.actionitem_id
            WHERE fix.status = '{done}' AND fix.deleted_at IS NULL GROUP BY addressed.contributingfactor_id
        ), first_fix AS (
            SELECT old_factor.category_id, old_factor.service_id,
                   MIN(LEAST(systemic_fix.done_at, addressed_fix.done_at)) AS fixed_at
            FROM {factors} old_factor
            JOIN {reviews} old_review ON old_review.id = old_factor.review_id
            LEFT JOIN systemic_fix ON systemic_fix.incident_id = old_review.incident_id
            LEFT JOIN addressed_fix ON addressed_fix.factor_id = old_factor.id
            WHERE old_factor.service_id IS NOT NULL AND old_review.incident_id IN ({visible_sql})
              AND old_factor.deleted_at IS NULL
            GROUP BY old_factor.category_id, old_factor.service_id
        )
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
