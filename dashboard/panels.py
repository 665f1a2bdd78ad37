"""From the dashboard's numbers to what the page shows: headline figures, charts and their tables.

Each chart's table is also its CSV export, so the page, the table and the download never disagree.
"""

from datetime import datetime

from django.utils.text import capfirst

from accounts.privacy import min_people
from dashboard.charts import Chart, Column, Series, Table, bar_chart, format_value, hbar_chart, line_chart, sparkline
from dashboard.figures import RECURRENCE_THRESHOLD, RECURRENCE_WINDOW_DAYS, Filters
from incidents.models import Severity


def _month_label(month) -> str:
    return f"{month:%b %Y}"


def _share_words(share) -> str:
    return format_value(share, "percent") if share is not None else "no decided obligations yet"


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
    weekly_chart.svg = line_chart(
        weekly_chart.slug,
        weekly_chart.title,
        weekly_chart.desc,
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
        chart.svg = hbar_chart(slug, chart.title, chart.desc, [(row[key], row["open"], False) for row in shown])
        charts.append(chart)
    withheld_note(charts, actions.get("teams_withheld", []), "the owners of their open action items")
    return charts


def withheld_note(charts: list[Chart], teams: list[str], people: str) -> None:
    """Say beside a figure which teams it leaves out, and why (``dashboard.small_groups``)."""
    if not teams:
        return
    note = (
        f"Not shown, and not counted in any total here: {', '.join(teams)}. Fewer than {min_people()} people "
        f"({people}) are behind {'its' if len(teams) == 1 else 'their'} figures, too few to show without "
        "identifying someone."
    )
    for chart in charts:
        chart.note = f"{chart.note} {note}".strip()


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


def obligation_charts(obligations: dict, filters: Filters) -> list[Chart]:
    overall = obligations["overall"]
    columns = [
        Column("Decided", "count"),
        Column("Met on time", "count"),
        Column("Share on time", "percent"),
        Column("Median time to a systemic fix", "duration"),
    ]
    by_month = Chart(
        slug="systemic-fixes-by-month",
        title="Systemic fixes in place within 48 hours, by month of deadline",
        desc=f"{filters.period_label}: {_share_words(overall['share'])} of {overall['decided']:,} decided obligations were met on time. "
        + "; ".join(
            f"{_month_label(row['month'])}: {_share_words(row['share'])}"
            for row in obligations["by_month"]
            if row["decided"]
        ),
        table=Table(
            [Column("Month", "month"), *columns],
            [
                [row["month"], row["decided"], row["on_time"], row["share"], row["median_fix"]]
                for row in obligations["by_month"]
            ],
        ),
    )
    by_month.svg = bar_chart(
        by_month.slug,
        by_month.title,
        by_month.desc,
        [_month_label(row["month"]) for row in obligations["by_month"]],
        [row["share"] for row in obligations["by_month"]],
        kind="percent",
    )
    by_team = Chart(
        slug="systemic-fixes-by-team",
        title="Systemic fixes in place within 48 hours, by team",
        desc="Share of decided obligations met on time, by the team leading the incident. "
        + "; ".join(
            f"{row['incident__team__name']}: {_share_words(row['share'])}"
            for row in obligations["by_team"]
            if not row.get("withheld")
        ),
        table=Table(
            [Column("Team"), *columns],
            [
                [row["incident__team__name"], row["decided"], row["on_time"], row["share"], row["median_fix"]]
                for row in obligations["by_team"]
            ],
        ),
    )
    by_team.svg = hbar_chart(
        by_team.slug,
        by_team.title,
        by_team.desc,
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
        chart.svg = line_chart(
            slug,
            chart.title,
            chart.desc,
            [_month_label(row["month"]) for row in rows],
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


def factor_charts(factors: dict, filters: Filters) -> list[Chart]:
    categories = factors["by_category"]
    recurring = [row["category"] for row in categories if row["recurring"]]
    by_category = Chart(
        slug="factor-categories",
        title="Contributing-factor categories: incidents per category",
        desc=f"{filters.period_label}: incidents whose review names a factor of each category. "
        + (
            f"Recurring (in {RECURRENCE_THRESHOLD} or more incidents within {RECURRENCE_WINDOW_DAYS} days): {', '.join(recurring)}."
            if recurring
            else "No category recurred in three or more incidents within 90 days."
        ),
        table=Table(
            [
                Column("Category"),
                Column("Incidents", "count"),
                Column(f"Most incidents within {RECURRENCE_WINDOW_DAYS} days", "count"),
                Column("Recurring"),
                Column("Recurring in the last 90 days"),
            ],
            [
                [
                    row["category"],
                    row["incidents"],
                    row["peak_90_days"],
                    "yes" if row["recurring"] else "no",
                    "yes" if row["recurring_now"] else "no",
                ]
                for row in categories
            ],
        ),
        legend=[("Category", "series-a"), ("Recurring category (also named so beside its bar)", "series-b")],
    )
    by_category.svg = hbar_chart(
        by_category.slug,
        by_category.title,
        by_category.desc,
        [(row["category"], row["incidents"], row["recurring"]) for row in categories],
    )
    top = [row["category"] for row in categories[:3]]
    counts = {(row["month"], row["category"]): row["incidents"] for row in factors["by_month"]}
    months = filters.month_starts
    names = sorted({row["category"] for row in factors["by_month"]})
    over_time = Chart(
        slug="factor-categories-by-month",
        title="The most frequent categories, month by month",
        desc=f"Incidents per month for the {len(top)} most frequent categories ({', '.join(top) or 'none yet'}); "
        "every category is in the table.",
        table=Table(
            [Column("Month", "month"), *[Column(name, "count") for name in names]],
            [[month, *[counts.get((month, name), 0) for name in names]] for month in months],
        ),
        legend=[(name, css) for name, css in zip(top, ["series-a", "series-b", "series-c"], strict=False)],
    )
    over_time.svg = line_chart(
        over_time.slug,
        over_time.title,
        over_time.desc,
        [_month_label(month) for month in months],
        [
            Series(name, [counts.get((month, name), 0) for month in months], css)
            for name, css in zip(top, ["series-a", "series-b", "series-c"], strict=False)
        ],
    )
    return [by_category, over_time]


def near_miss_chart(near_misses: dict, filters: Filters) -> Chart:
    rows = near_misses["by_month"]
    chart = Chart(
        slug="near-misses",
        title="Near misses reported per month",
        desc=f"{filters.period_label}: {near_misses['total']:,} near misses reported. "
        + "; ".join(f"{_month_label(row['month'])}: {row['reports']}" for row in rows[-6:]),
        table=Table(
            [Column("Month", "month"), Column("Reports", "count")], [[row["month"], row["reports"]] for row in rows]
        ),
    )
    chart.svg = bar_chart(
        chart.slug,
        chart.title,
        chart.desc,
        [_month_label(row["month"]) for row in rows],
        [row["reports"] for row in rows],
    )
    return chart


QUALITY_MEASURES = [
    ("with_systemic_share", "At least one systemic action item"),
    ("with_perspectives_share", "At least two perspectives"),
    ("without_open_flags_share", "No open language notes"),
]


def quality_chart(quality: dict, filters: Filters) -> Chart:
    overall = quality["overall"]
    chart = Chart(
        slug="review-quality",
        title="Review quality",
        desc=f"{filters.period_label}, {overall['reviews']:,} reviews in review or published: "
        + "; ".join(f"{label.lower()}: {format_value(overall[key], 'percent')}" for key, label in QUALITY_MEASURES)
        + f". Feedback: blameless {format_value(overall['blameless'], 'score')}, useful {format_value(overall['useful'], 'score')}"
        + f" (shown only where at least {min_people()} people answered).",
        table=Table(
            [
                Column("Team"),
                Column("Reviews", "count"),
                *[Column(label, "percent") for _, label in QUALITY_MEASURES],
                Column("Feedback responses", "count"),
                Column("Felt blameless", "score"),
                Column("Found it useful", "score"),
            ],
            [
                [
                    row["team"],
                    row["reviews"],
                    *[row[key] for key, _ in QUALITY_MEASURES],
                    None if row["answers_withheld"] else row["responses"],
                    row["blameless"],
                    row["useful"],
                ]
                for row in [*quality["by_team"], {**overall, "team": "All teams shown"}]
            ],
        ),
    )
    chart.svg = hbar_chart(
        chart.slug,
        chart.title,
        chart.desc,
        [(label, overall[key], False) for key, label in QUALITY_MEASURES],
        kind="percent",
    )
    responses = overall.get("responses") or 0
    if responses:
        chart.note = (
            f"How participants rated them ({responses:,} answer{'s' if responses != 1 else ''}): "
            f"felt blameless {format_value(overall['blameless'], 'score')}, "
            f"found it useful {format_value(overall['useful'], 'score')}."
        )
    else:
        chart.note = "No participant has rated a published review in this period yet; each is asked after publishing."
    withheld_note([chart], quality.get("teams_withheld", []), "the participants and facilitators of their reviews")
    return chart


def recurrence_table(recurrences: dict) -> Table:
    return Table(
        [
            Column("Category"),
            Column("Incidents after a fix was done", "count"),
            Column("Weaknesses (a category in one service) that came back", "count"),
        ],
        [[row["category"], row["incidents"], row["weaknesses"]] for row in recurrences["by_category"]],
    )


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
