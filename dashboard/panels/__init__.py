"""From the dashboard's numbers to what the page shows: headline figures, charts and their tables.

Each chart's table is also its CSV export, so the page, the table and the download never disagree.
"""

from django.utils.text import capfirst

from dashboard.charts import format_value, sparkline
from dashboard.figures import Filters
from dashboard.panels.action_items import action_charts, oldest_overdue_table
from dashboard.panels.fixes import obligation_charts, obligation_tables, recurrence_table
from dashboard.panels.learning import factor_charts, near_miss_chart, quality_chart
from dashboard.panels.response import response_charts, response_tables

__all__ = ["build", "headline", "quality_chart"]


def _not_counted(figures: dict) -> str:
    teams = len(figures.get("teams_withheld", []))
    return f" · {teams} small team{'s' if teams != 1 else ''} not counted" if teams else ""


def headline(data: dict, filters: Filters) -> list[dict]:
    """A few large numbers with their trend, first on the page."""
    actions, obligations, response, near = data["actions"], data["obligations"], data["response"], data["near_misses"]
    share = obligations["overall"]["share"]
    return [
        {
            "label": "Open action items",
            "value": format_value(actions["open"], "count"),
            "detail": f"{actions['overdue']:,} overdue · {actions['due_this_week']:,} due this week"
            + _not_counted(actions),
            "trend": sparkline([row["closed"] for row in actions["weekly"]]),
            "trend_label": "closed per week",
        },
        {
            "label": "Systemic fixes within 48 hours",
            "value": format_value(share, "percent"),
            "detail": f"of {obligations['overall']['decided']:,} decided · {obligations['pending_count']:,} pending now"
            + _not_counted(obligations),
            "trend": sparkline([row["share"] for row in obligations["by_month"]]),
            "trend_label": "share by month",
        },
        {
            "label": "Median time to mitigate",
            "value": format_value(response["overall"]["ttm_median"], "duration"),
            "detail": f"90th percentile {format_value(response['overall']['ttm_p90'], 'duration')}",
            "trend": sparkline([row["ttm_median"] for row in response["by_month"]]),
            "trend_label": "median by month",
        },
        {
            "label": "Near misses reported",
            "value": format_value(near["total"], "count"),
            "detail": capfirst(filters.period_label.lower())
            + {"rising": " · rising, a good sign", "falling": " · fewer lately"}.get(near["trend"], ""),
            "trend": sparkline([row["reports"] for row in near["by_month"]]),
            "trend_label": "reports by month",
        },
    ]


def build(data: dict, filters: Filters) -> dict:
    """Everything the template needs, and every export by its name."""
    charts = {
        "actions": action_charts(data["actions"], filters),
        "obligations": obligation_charts(data["obligations"], filters),
        "response": response_charts(data["response"], filters),
        "factors": factor_charts(data["factors"], filters),
        "near_misses": [near_miss_chart(data["near_misses"], filters)],
        "quality": [quality_chart(data["quality"], filters)],
    }
    tables = {
        "oldest-overdue": oldest_overdue_table(data["actions"]),
        **obligation_tables(data["obligations"], filters.now),
        **response_tables(data["response"], filters),
        "recurrences-after-fix": recurrence_table(data["recurrences"]),
    }
    exports = {chart.slug: chart.table for group in charts.values() for chart in group} | tables
    return {
        "headline": headline(data, filters),
        "charts": charts,
        "by_severity_table": tables["response-by-severity"],
        "recurrence_table": tables["recurrences-after-fix"],
        "recurring_now": [row["category"] for row in data["factors"]["by_category"] if row["recurring_now"]],
        "exports": exports,
    }
