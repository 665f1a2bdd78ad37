"""Systemic fixes: the 48-hour obligation by month and team, what is pending or breached, and recurrences after a fix."""

from datetime import datetime

from dashboard.charts import Chart, Column, Table, bar_chart, hbar_chart
from dashboard.figures import Filters
from dashboard.panels.common import month_label, share_words, withheld_note


def on_time_table(first: Column, key: str, rows: list[dict]) -> Table:
    """The table under a systemic-fix chart: per month or team, how many were decided and met on time, and how fast."""
    columns = [
        first,
        Column("Decided", "count"),
        Column("Met on time", "count"),
        Column("Share on time", "percent"),
        Column("Median time to a systemic fix", "duration"),
    ]
    return Table(columns, [[row[key], row["decided"], row["on_time"], row["share"], row["median_fix"]] for row in rows])


def obligation_charts(obligations: dict, filters: Filters) -> list[Chart]:
    overall = obligations["overall"]
    by_month = Chart(
        slug="systemic-fixes-by-month",
        title="Systemic fixes in place within 48 hours, by month of deadline",
        desc=f"{filters.period_label}: {share_words(overall['share'])} of {overall['decided']:,} decided obligations were met on time. "
        + "; ".join(
            f"{month_label(row['month'])}: {share_words(row['share'])}"
            for row in obligations["by_month"]
            if row["decided"]
        ),
        table=on_time_table(Column("Month", "month"), "month", obligations["by_month"]),
    )
    by_month.draw(
        bar_chart,
        [month_label(row["month"]) for row in obligations["by_month"]],
        [row["share"] for row in obligations["by_month"]],
        kind="percent",
    )
    by_team = Chart(
        slug="systemic-fixes-by-team",
        title="Systemic fixes in place within 48 hours, by team",
        desc="Share of decided obligations met on time, by the team leading the incident. "
        + "; ".join(
            f"{row['incident__team__name']}: {share_words(row['share'])}"
            for row in obligations["by_team"]
            if not row.get("withheld")
        ),
        table=on_time_table(Column("Team"), "incident__team__name", obligations["by_team"]),
    )
    by_team.draw(
        hbar_chart,
        [
            (row["incident__team__name"], row["share"], False)
            for row in obligations["by_team"]
            if not row.get("withheld")
        ],
        kind="percent",
    )
    withheld_note([by_month, by_team], obligations.get("teams_withheld", []), "the responders of their incidents")
    return [by_month, by_team]


def obligation_tables(obligations: dict, now: datetime) -> dict[str, Table]:
    pending = Table(
        [Column("Incident"), Column("Team"), Column("Deadline"), Column("Time left", "duration")],
        [
            [row["incident"], row["team"], row["deadline"].isoformat(), row["deadline"] - now]
            for row in obligations["pending"]
        ],
    )
    breached = Table(
        [Column("Incident"), Column("Team"), Column("Deadline")],
        [[row["incident"], row["team"], row["deadline"].isoformat()] for row in obligations["breached"]],
    )
    return {"systemic-fixes-pending": pending, "systemic-fixes-breached": breached}


def recurrence_table(recurrences: dict) -> Table:
    return Table(
        [
            Column("Category"),
            Column("Incidents after a fix was done", "count"),
            Column("Weaknesses (a category in one service) that came back", "count"),
        ],
        [[row["category"], row["incidents"], row["weaknesses"]] for row in recurrences["by_category"]],
    )
