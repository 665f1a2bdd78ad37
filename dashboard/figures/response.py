"""Time to detect and to mitigate, by severity and over time."""

from datetime import UTC

from django.db.models import (
    Count,
    Q,
)
from django.db.models.functions import TruncMonth

from dashboard.figures.common import Filters, Percentile, interval, month_of
from incidents.models import Disposition

# --- time to detect and to mitigate -----------------------------------------------------------

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
