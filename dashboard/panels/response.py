"""Response: time to detect and mitigate, overall, by severity and by month."""

from dashboard.charts import Chart, Column, Series, Table, format_value, line_chart
from dashboard.figures import Filters
from dashboard.panels.common import month_label
from incidents.models import Severity


def response_charts(response: dict, filters: Filters) -> list[Chart]:
    severity = filters.severity
    scope = Severity(severity).label if severity else "all severities"
    if severity:
        rows = [
            {"month": row["month"], **response["by_month_severity"].get(f"{row['month'].isoformat()}:{severity}", {})}
            for row in response["by_month"]
        ]
    else:
        rows = response["by_month"]
    charts = []
    for prefix, slug, noun in (("ttd", "time-to-detect", "detect"), ("ttm", "time-to-mitigate", "mitigate")):
        overall = response["by_severity"].get(severity, {}) if severity else response["overall"]
        chart = Chart(
            slug=slug,
            title=f"Time to {noun} by month ({scope}): median and 90th percentile",
            desc=f"{filters.period_label}, {scope}: half of the incidents took {format_value(overall.get(f'{prefix}_median'), 'duration')} "
            f"or less to {noun}; nine in ten took {format_value(overall.get(f'{prefix}_p90'), 'duration')} or less. "
            "Counted from when the impact started.",
            table=Table(
                [
                    Column("Month", "month"),
                    Column("Incidents", "count"),
                    Column("Median", "duration"),
                    Column("90th percentile", "duration"),
                ],
                [
                    [row["month"], row.get("count") or 0, row.get(f"{prefix}_median"), row.get(f"{prefix}_p90")]
                    for row in rows
                ],
            ),
            legend=[("Median", "series-a"), ("90th percentile (dashed)", "series-b")],
        )
        chart.draw(
            line_chart,
            [month_label(row["month"]) for row in rows],
            [
                Series("Median", [row.get(f"{prefix}_median") for row in rows], "series-a"),
                Series("90th percentile", [row.get(f"{prefix}_p90") for row in rows], "series-b"),
            ],
            kind="duration",
        )
        charts.append(chart)
    return charts


def response_tables(response: dict, filters: Filters) -> dict[str, Table]:
    columns = [
        Column("Incidents", "count"),
        Column("Detect: median", "duration"),
        Column("Detect: 90th percentile", "duration"),
        Column("Mitigate: median", "duration"),
        Column("Mitigate: 90th percentile", "duration"),
    ]
    keys = ["count", "ttd_median", "ttd_p90", "ttm_median", "ttm_p90"]
    by_severity = Table(
        [Column("Severity"), *columns],
        [[Severity(severity).label, *[row[key] for key in keys]] for severity, row in response["by_severity"].items()],
    )
    detail_rows = []
    for row in response["by_month"]:
        for severity in Severity:
            cell = response["by_month_severity"].get(f"{row['month'].isoformat()}:{severity.value}")
            if cell:
                detail_rows.append([row["month"], severity.label, *[cell[key] for key in keys]])
    by_month_severity = Table([Column("Month", "month"), Column("Severity"), *columns], detail_rows)
    return {"response-by-severity": by_severity, "response-by-month-and-severity": by_month_severity}
