"""Action items: opened and closed per week, what is open by team, and the oldest overdue."""

from dashboard.charts import Chart, Column, Series, Table, hbar_chart, line_chart
from dashboard.figures import Filters
from dashboard.panels.common import withheld_note


def action_charts(actions: dict, filters: Filters) -> list[Chart]:
    weekly = actions["weekly"]
    opened = sum(row["opened"] for row in weekly)
    closed = sum(row["closed"] for row in weekly)
    weekly_chart = Chart(
        slug="action-items-weekly",
        title="Action items opened and closed per week",
        desc=f"{filters.period_label}: {opened:,} action items opened and {closed:,} closed (done or won't do), week by week.",
        table=Table(
            [Column("Week starting", "week"), Column("Opened", "count"), Column("Closed", "count")],
            [[row["week"], row["opened"], row["closed"]] for row in weekly],
        ),
        legend=[("Opened", "series-a"), ("Closed (dashed)", "series-b")],
    )
    weekly_chart.draw(
        line_chart,
        [f"{row['week'].day} {row['week']:%b}" for row in weekly],
        [
            Series("Opened", [r["opened"] for r in weekly], "series-a"),
            Series("Closed", [r["closed"] for r in weekly], "series-b"),
        ],
    )
    columns = [Column("Open", "count"), Column("Due this week", "count"), Column("Overdue", "count")]
    charts = [weekly_chart]
    for slug, key, heading, rows in (
        ("action-items-by-team", "team__name", "Team", actions["by_team"]),
        ("action-items-by-kind", "kind", "Kind of change", actions["by_kind"]),
    ):
        noun = "team" if key == "team__name" else "kind of change"
        shown = [row for row in rows if not row.get("withheld")]
        chart = Chart(
            slug=slug,
            title=f"Open action items by {noun}",
            desc=f"{actions['open']:,} open action items, {actions['overdue']:,} of them overdue, by {noun}. "
            + "; ".join(f"{row[key]}: {row['open']} open, {row['overdue']} overdue" for row in shown[:8]),
            table=Table(
                [Column(heading), *columns],
                [[row[key], row["open"], row["due_this_week"], row["overdue"]] for row in rows],
            ),
        )
        chart.draw(hbar_chart, [(row[key], row["open"], False) for row in shown])
        charts.append(chart)
    withheld_note(charts, actions.get("teams_withheld", []), "the owners of their open action items")
    return charts


def oldest_overdue_table(actions: dict) -> Table:
    return Table(
        [
            Column("Action item"),
            Column("Kind"),
            Column("Team"),
            Column("Incident"),
            Column("Due", "date"),
            Column("Days overdue", "count"),
        ],
        [
            [row["title"], row["kind"], row["team"], row["incident_title"], row["due_on"], row["days_overdue"]]
            for row in actions["oldest_overdue"]
        ],
    )
